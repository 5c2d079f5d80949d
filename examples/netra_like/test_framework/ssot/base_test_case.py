"""SSotBaseTestCase / SSotAsyncTestCase: isolated environment, user contexts, fake WebSockets."""

from __future__ import annotations

import os
import unittest
import uuid
from typing import Any

from netra_backend.app.config import get_settings
from netra_backend.app.services.user_execution_context import UserExecutionContext
from test_framework.ssot.websocket_test_utils import FakeWebSocket, auth_headers


def create_test_user_context(user_id: str = "test_user_123", **overrides: Any) -> UserExecutionContext:
    values = {"thread_id": "test_thread_456", "run_id": f"run-{uuid.uuid4().hex[:8]}", **overrides}
    return UserExecutionContext(user_id=user_id, **values)


class _IsolatedEnvironment:
    """Each test sees the settings as the environment defines them, and restores the environment after."""

    def _isolate(self) -> None:
        self._saved_env = dict(os.environ)
        get_settings.cache_clear()

    def _restore(self) -> None:
        os.environ.clear()
        os.environ.update(self._saved_env)
        get_settings.cache_clear()


class SSotBaseTestCase(_IsolatedEnvironment, unittest.TestCase):
    def setUp(self) -> None:
        super().setUp()
        self._isolate()
        self.addCleanup(self._restore)

    def create_user_context(self, user_id: str = "test_user_123", **overrides: Any) -> UserExecutionContext:
        return create_test_user_context(user_id, **overrides)


class SSotAsyncTestCase(_IsolatedEnvironment, unittest.IsolatedAsyncioTestCase):
    def setUp(self) -> None:
        super().setUp()
        self._isolate()
        self.addCleanup(self._restore)

    def create_user_context(self, user_id: str = "test_user_123", **overrides: Any) -> UserExecutionContext:
        return create_test_user_context(user_id, **overrides)

    def create_websocket(self, user_id: str | None = "test_user_123", incoming: list[Any] | None = None) -> FakeWebSocket:
        headers = auth_headers(user_id) if user_id else {}
        return FakeWebSocket(headers=headers, incoming=incoming)
