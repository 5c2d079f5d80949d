"""The legacy compatibility layer still works for the callers that use it."""

from __future__ import annotations

from netra_backend.app.websocket_core.manager import WebSocketManager
from netra_backend.app.websocket_core.protocols import WebSocketManagerProtocol
from test_framework.ssot.base_test_case import SSotAsyncTestCase
from test_framework.ssot.websocket_test_utils import FakeWebSocket


class TestLegacyWebSocketManager(SSotAsyncTestCase):
    async def test_legacy_manager_sends_to_the_user(self) -> None:
        manager = WebSocketManager(self.create_user_context())
        websocket = FakeWebSocket()
        await manager.connect("c1", websocket)
        await manager.send_to_user({"type": "thread_created"})
        self.assertEqual(websocket.sent_types(), ["thread_created"])

    async def test_legacy_manager_emits_critical_events(self) -> None:
        manager = WebSocketManager(self.create_user_context())
        websocket = FakeWebSocket()
        await manager.connect("c1", websocket)
        await manager.emit_critical_event("agent_completed", {"run_id": "r1", "result": 3})
        self.assertEqual(websocket.without_timestamps()[0]["result"], 3)

    def test_legacy_manager_satisfies_the_protocol(self) -> None:
        self.assertIsInstance(WebSocketManager(self.create_user_context()), WebSocketManagerProtocol)
