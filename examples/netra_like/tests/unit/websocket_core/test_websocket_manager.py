"""UnifiedWebSocketManager, the SSOT manager: connections, user isolation, critical events."""

from __future__ import annotations

from netra_backend.app.websocket_core.event_validator import InvalidCriticalEventError
from netra_backend.app.websocket_core.protocols import WebSocketManagerProtocol
from netra_backend.app.websocket_core.websocket_manager import UnifiedWebSocketManager
from test_framework.ssot.base_test_case import SSotAsyncTestCase
from test_framework.ssot.websocket_test_utils import FakeWebSocket


class TestUnifiedWebSocketManager(SSotAsyncTestCase):
    async def test_connect_and_send_to_user(self) -> None:
        manager = UnifiedWebSocketManager(self.create_user_context())
        websocket = FakeWebSocket()
        await manager.connect("c1", websocket)
        delivered = await manager.send_to_user({"type": "hello"})
        self.assertEqual(delivered, 1)
        self.assertEqual(websocket.sent, [{"type": "hello"}])

    async def test_messages_reach_only_the_users_own_connections(self) -> None:
        alice, bob = UnifiedWebSocketManager(self.create_user_context("alice")), UnifiedWebSocketManager(
            self.create_user_context("bob")
        )
        alice_socket, bob_socket = FakeWebSocket(), FakeWebSocket()
        await alice.connect("a", alice_socket)
        await bob.connect("b", bob_socket)
        await alice.send_to_user({"type": "secret"})
        self.assertEqual(alice_socket.sent_types(), ["secret"])
        self.assertEqual(bob_socket.sent, [])

    async def test_disconnect_removes_the_connection(self) -> None:
        manager = UnifiedWebSocketManager(self.create_user_context())
        await manager.connect("c1", FakeWebSocket())
        await manager.disconnect("c1")
        self.assertEqual(manager.connection_count, 0)
        self.assertFalse(manager.is_connected("c1"))

    async def test_critical_events_carry_business_data_at_the_root(self) -> None:
        manager = UnifiedWebSocketManager(self.create_user_context())
        websocket = FakeWebSocket()
        await manager.connect("c1", websocket)
        await manager.emit_critical_event("agent_started", {"run_id": "r1", "agent_name": "supervisor"})
        self.assertEqual(
            websocket.without_timestamps(),
            [{"type": "agent_started", "critical": True, "run_id": "r1", "agent_name": "supervisor"}],
        )

    async def test_unknown_critical_events_are_rejected(self) -> None:
        manager = UnifiedWebSocketManager(self.create_user_context())
        with self.assertRaises(InvalidCriticalEventError):
            await manager.emit_critical_event("agent_exploded", {"run_id": "r1"})

    def test_the_package_exports_the_ssot_manager(self) -> None:
        from netra_backend.app import websocket_core

        self.assertIs(websocket_core.UnifiedWebSocketManager, UnifiedWebSocketManager)

    def test_the_manager_satisfies_the_protocol(self) -> None:
        self.assertIsInstance(UnifiedWebSocketManager(self.create_user_context()), WebSocketManagerProtocol)
