"""Function signature compatibility of the message builders: strict types.py vs the package fallback."""

from __future__ import annotations

import json

from netra_backend.app.websocket_core.types import (
    MessageType,
    create_error_message,
    create_server_message,
)
from test_framework.ssot.base_test_case import SSotBaseTestCase
from test_framework.ssot.isolated_import import fresh_import, modules_missing


class TestWebSocketMessageFunctionSignatures(SSotBaseTestCase):
    def test_create_error_message_carries_code_and_message(self) -> None:
        message = create_error_message("AUTH_FAILED", "Authentication failed")
        self.assertEqual(message.error_code, "AUTH_FAILED")
        self.assertEqual(message.error_message, "Authentication failed")
        self.assertEqual(message.to_dict()["type"], "error")

    def test_create_error_message_real_signature_requires_both_arguments(self) -> None:
        error = self._type_error_of(create_error_message, "Authentication failed")
        self.assertIn("missing 1 required positional argument: 'error_message'", str(error))

    def test_create_server_message_real_signature_requires_data(self) -> None:
        error = self._type_error_of(create_server_message, "connected")
        self.assertIn("missing 1 required positional argument: 'data'", str(error))

    def test_server_message_accepts_the_message_type_enum(self) -> None:
        message = create_server_message(MessageType.PONG, {"echo": 1})
        self.assertEqual(message.to_dict()["type"], "pong")
        self.assertEqual(message.data, {"echo": 1})

    def test_messages_serialize_for_the_websocket(self) -> None:
        error = create_error_message("TEST_ERROR", "Test message", {"field": "task"})
        server = create_server_message("thread", {"key": "value"}, correlation_id="c-1")
        json.dumps(error.to_dict())
        self.assertEqual(json.loads(json.dumps(server.to_dict()))["correlation_id"], "c-1")

    def test_package_exports_the_strict_builders(self) -> None:
        from netra_backend.app import websocket_core
        from netra_backend.app.websocket_core import types

        self.assertIs(websocket_core.create_error_message, types.create_error_message)
        self.assertIs(websocket_core.create_server_message, types.create_server_message)

    def test_fallback_builders_accept_a_bare_message(self) -> None:
        with modules_missing("netra_backend.app.websocket_core.types"):
            fallback = fresh_import("netra_backend.app.websocket_core")
            error = fallback.create_error_message("Authentication failed")
            server = fallback.create_server_message("connected")
        self.assertEqual(error, {"type": "error", "error_code": "Authentication failed", "error_message": "Error"})
        self.assertEqual(server, {"type": "connected", "data": {}})

    @staticmethod
    def _type_error_of(function, *args):
        """The TypeError of calling `function(*args)` (called indirectly, the way a signature check does)."""
        try:
            function(*args)
        except TypeError as exc:
            return exc
        raise AssertionError(f"{function.__name__}{args} did not raise TypeError")
