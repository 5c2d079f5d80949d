"""MISSION CRITICAL: the five agent events reach the user, with business data at the root, and only that user."""

from __future__ import annotations

from netra_backend.app.services.agent_websocket_bridge import create_agent_websocket_bridge
from netra_backend.app.websocket_core.unified_manager import UnifiedWebSocketManager, WebSocketConnection
from test_framework.ssot.base_test_case import SSotAsyncTestCase
from test_framework.ssot.websocket_test_utils import FakeWebSocket

REQUIRED_AGENT_EVENTS = ["agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"]


class TestWebSocketAgentEventsSuite(SSotAsyncTestCase):
    async def emit_all(self, bridge) -> None:
        await bridge.notify_agent_started("supervisor", "count words: a b")
        await bridge.notify_agent_thinking("supervisor", "routing")
        await bridge.notify_tool_executing("word_count", {"text": "a b"})
        await bridge.notify_tool_completed("word_count", 2)
        await bridge.notify_agent_completed("supervisor", 2)

    async def test_all_five_critical_events_reach_the_user(self) -> None:
        context = self.create_user_context()
        manager = UnifiedWebSocketManager(context)
        websocket = FakeWebSocket()
        connection = await manager.connect("c1", websocket)
        self.assertIsInstance(connection, WebSocketConnection)
        await self.emit_all(create_agent_websocket_bridge(context, manager))
        self.assertEqual(websocket.sent_types(), REQUIRED_AGENT_EVENTS)

    async def test_events_carry_business_data_at_the_root(self) -> None:
        context = self.create_user_context(run_id="r-77")
        manager = UnifiedWebSocketManager(context)
        websocket = FakeWebSocket()
        await manager.connect("c1", websocket)
        await self.emit_all(create_agent_websocket_bridge(context, manager))
        completed = websocket.without_timestamps()[-1]
        self.assertEqual(
            completed, {"type": "agent_completed", "critical": True, "run_id": "r-77", "agent_name": "supervisor",
                        "result": 2},
        )

    async def test_events_of_one_user_never_reach_another(self) -> None:
        alice, bob = self.create_user_context("alice"), self.create_user_context("bob")
        alice_manager, bob_manager = UnifiedWebSocketManager(alice), UnifiedWebSocketManager(bob)
        alice_socket, bob_socket = FakeWebSocket(), FakeWebSocket()
        await alice_manager.connect("a", alice_socket)
        await bob_manager.connect("b", bob_socket)
        await self.emit_all(create_agent_websocket_bridge(alice, alice_manager))
        self.assertEqual(len(alice_socket.sent), 5)
        self.assertEqual(bob_socket.sent, [])
