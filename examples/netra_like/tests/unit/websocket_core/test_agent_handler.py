"""start_agent messages: an isolated manager per run, the five events on the user's socket."""

from __future__ import annotations

from dataclasses import dataclass

from netra_backend.app.services.agent_websocket_bridge import create_agent_websocket_bridge
from netra_backend.app.websocket_core.agent_handler import AgentMessageHandler
from test_framework.ssot.base_test_case import SSotAsyncTestCase


@dataclass(frozen=True)
class EchoResult:
    answer: str


class EchoAgent:
    """Reports the five events and answers with the task."""

    def __init__(self, user_context, websocket_manager=None, bridge=None) -> None:
        self.bridge = bridge
        self.websocket_manager = websocket_manager

    async def run(self, task: str) -> EchoResult:
        await self.bridge.notify_agent_started("echo", task)
        await self.bridge.notify_agent_thinking("echo", "nothing to think about")
        await self.bridge.notify_tool_executing("echo", {"text": task})
        await self.bridge.notify_tool_completed("echo", task)
        await self.bridge.notify_agent_completed("echo", task)
        return EchoResult(task)


class TestAgentMessageHandler(SSotAsyncTestCase):
    async def test_start_agent_streams_the_five_critical_events(self) -> None:
        handler = AgentMessageHandler(EchoAgent, create_agent_websocket_bridge)
        websocket = self.create_websocket()
        reply = await handler.handle_message(self.create_user_context(), {"data": {"task": "hi"}}, websocket)
        self.assertEqual(
            websocket.sent_types(),
            ["agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"],
        )
        self.assertEqual(reply.data["result"], "hi")
        self.assertEqual(reply.data["events"], 5)

    async def test_the_run_gets_its_own_context_and_is_disconnected_after(self) -> None:
        seen = []

        class RecordingAgent(EchoAgent):
            def __init__(self, user_context, websocket_manager=None, bridge=None) -> None:
                super().__init__(user_context, websocket_manager, bridge)
                seen.append((user_context, websocket_manager))

        handler = AgentMessageHandler(RecordingAgent, create_agent_websocket_bridge)
        context = self.create_user_context()
        await handler.handle_message(context, {"run_id": "run-42", "data": {"task": "x"}}, self.create_websocket())
        (run_context, run_manager), = seen
        self.assertEqual((run_context.user_id, run_context.run_id), (context.user_id, "run-42"))
        self.assertEqual(run_manager.connection_count, 0)

    async def test_a_message_without_a_task_is_an_error(self) -> None:
        handler = AgentMessageHandler(EchoAgent, create_agent_websocket_bridge)
        reply = await handler.handle_message(self.create_user_context(), {"data": {}})
        self.assertEqual((reply.error_code, reply.error_message), ("MISSING_TASK", "start_agent needs data.task"))
