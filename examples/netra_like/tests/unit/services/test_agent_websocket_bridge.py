"""The agent bridge (SSOT in services) turns agent progress into the five critical events."""

from __future__ import annotations

from netra_backend.app.services.agent_websocket_bridge import create_agent_websocket_bridge
from netra_backend.app.websocket_core.websocket_manager import UnifiedWebSocketManager
from test_framework.ssot.base_test_case import SSotAsyncTestCase
from test_framework.ssot.websocket_test_utils import FakeWebSocket


class TestAgentWebSocketBridge(SSotAsyncTestCase):
    async def test_bridge_records_the_events_in_order(self) -> None:
        bridge = create_agent_websocket_bridge(self.create_user_context(run_id="r1"))
        await bridge.notify_agent_started("supervisor", "count words: a b")
        await bridge.notify_agent_completed("supervisor", 2)
        self.assertEqual(
            bridge.sent,
            [
                {"type": "agent_started", "run_id": "r1", "agent_name": "supervisor", "task": "count words: a b"},
                {"type": "agent_completed", "run_id": "r1", "agent_name": "supervisor", "result": 2},
            ],
        )

    async def test_bridge_forwards_events_to_the_users_manager(self) -> None:
        context = self.create_user_context(run_id="r2")
        manager = UnifiedWebSocketManager(context)
        websocket = FakeWebSocket()
        await manager.connect("c1", websocket)
        bridge = create_agent_websocket_bridge(context, manager)
        await bridge.notify_tool_executing("word_count", {"text": "a b"})
        self.assertEqual(
            websocket.without_timestamps(),
            [{"type": "tool_executing", "critical": True, "run_id": "r2", "tool_name": "word_count",
              "arguments": {"text": "a b"}}],
        )
