"""The SSOT endpoint end to end: authentication, service initialization, messages, errors, cleanup."""

from __future__ import annotations

import json
from unittest import mock

from netra_backend.app.routes.websocket_ssot import WebSocketSSotEndpoint
from netra_backend.app.websocket_core.websocket_manager import UnifiedWebSocketManager
from netra_backend.app.websocket_core.websocket_manager_factory import FactoryInitializationError
from test_framework.ssot.base_test_case import SSotAsyncTestCase

FACTORY = "netra_backend.app.routes.websocket_ssot.create_websocket_manager"


class TestWebSocketErrorScenarios(SSotAsyncTestCase):
    def error_of(self, message: dict) -> tuple[str, str]:
        self.assertEqual(message["type"], "error")
        return message["error_code"], message["error_message"]

    async def test_authentication_failure_sends_auth_failed_and_closes_1008(self) -> None:
        websocket = self.create_websocket(user_id=None)
        await WebSocketSSotEndpoint().websocket_endpoint(websocket)
        self.assertEqual([self.error_of(m) for m in websocket.sent], [("AUTH_FAILED", "Authentication failed")])
        self.assertEqual(websocket.closed_with, (1008, "Authentication failed"))

    async def test_service_initialization_failure_sends_an_error_and_closes_1011(self) -> None:
        websocket = self.create_websocket()
        with mock.patch(FACTORY, side_effect=FactoryInitializationError("no context")):
            await WebSocketSSotEndpoint(allow_emergency_fallback=False).websocket_endpoint(websocket, mode="main")
        self.assertEqual(
            [self.error_of(m) for m in websocket.sent], [("SERVICE_INIT_FAILED", "Service initialization failed")]
        )
        self.assertEqual(websocket.closed_with, (1011, "Service initialization failed"))

    async def test_an_authenticated_client_is_told_it_is_connected(self) -> None:
        websocket = self.create_websocket()
        await WebSocketSSotEndpoint().websocket_endpoint(websocket)
        self.assertEqual(websocket.without_timestamps(), [{"type": "connected", "data": {}}])
        self.assertIsNone(websocket.closed_with)

    async def test_ping_is_answered_with_pong(self) -> None:
        websocket = self.create_websocket(incoming=[{"type": "ping", "data": 7}])
        await WebSocketSSotEndpoint().websocket_endpoint(websocket)
        self.assertEqual(websocket.without_timestamps()[1], {"type": "pong", "data": {"echo": 7}})

    async def test_invalid_json_is_reported_and_the_connection_stays_open(self) -> None:
        websocket = self.create_websocket(incoming=["{not json", {"type": "ping"}])
        await WebSocketSSotEndpoint().websocket_endpoint(websocket)
        self.assertEqual(websocket.sent_types(), ["connected", "error", "pong"])
        self.assertEqual(self.error_of(websocket.sent[1]), ("INVALID_JSON_FORMAT", "Invalid JSON format"))

    async def test_unknown_message_types_are_reported(self) -> None:
        websocket = self.create_websocket(incoming=[{"type": "teleport"}])
        await WebSocketSSotEndpoint().websocket_endpoint(websocket)
        self.assertEqual(self.error_of(websocket.sent[1]), ("UNKNOWN_MESSAGE_TYPE", "Unknown message type: teleport"))

    async def test_a_connection_error_is_reported_with_the_mode_and_closes_1011(self) -> None:
        websocket = self.create_websocket(incoming=[ConnectionResetError("peer reset")])
        await WebSocketSSotEndpoint().websocket_endpoint(websocket, mode="isolated")
        self.assertEqual(websocket.sent_types(), ["connected", "error"])
        self.assertEqual(self.error_of(websocket.sent[1])[1], "Connection error in isolated mode")
        self.assertEqual(websocket.closed_with, (1011, "Internal error"))

    async def test_a_cleanup_error_is_reported_to_the_client(self) -> None:
        websocket = self.create_websocket()
        manager = UnifiedWebSocketManager(self.create_user_context())
        with mock.patch(FACTORY, return_value=manager), mock.patch.object(
            manager, "disconnect", side_effect=RuntimeError("already gone")
        ):
            await WebSocketSSotEndpoint().websocket_endpoint(websocket)
        self.assertEqual(self.error_of(websocket.sent[-1]), ("CLEANUP_FAILED", "Error during cleanup"))

    async def test_the_emergency_manager_serves_when_the_factory_fails(self) -> None:
        websocket = self.create_websocket(incoming=[{"type": "ping", "data": "still there?"}])
        with mock.patch(FACTORY, side_effect=FactoryInitializationError("no context")):
            await WebSocketSSotEndpoint(allow_emergency_fallback=True).websocket_endpoint(websocket, mode="main")
        self.assertEqual(websocket.sent_types(), ["connected", "pong"])

    async def test_isolated_mode_never_falls_back_to_the_emergency_manager(self) -> None:
        websocket = self.create_websocket()
        with mock.patch(FACTORY, side_effect=FactoryInitializationError("no context")):
            await WebSocketSSotEndpoint(allow_emergency_fallback=True).websocket_endpoint(websocket, mode="isolated")
        self.assertEqual(websocket.sent_types(), ["error"])

    async def test_the_agent_handler_is_set_up_with_the_ssot_bridge(self) -> None:
        endpoint = WebSocketSSotEndpoint()
        handler = await endpoint._setup_agent_handler()
        self.assertIsNone(endpoint.agent_handler_error)
        self.assertEqual(type(handler).__name__, "AgentMessageHandler")

    async def test_start_agent_streams_events_then_the_result(self) -> None:
        websocket = self.create_websocket(incoming=[json.dumps({"type": "start_agent", "data": {"task": "count words: a b c"}})])
        await WebSocketSSotEndpoint().websocket_endpoint(websocket)
        self.assertEqual(
            websocket.sent_types(),
            ["connected", "agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed",
             "agent_run_finished"],
        )
        self.assertEqual(websocket.sent[-1]["data"]["result"], 3)
