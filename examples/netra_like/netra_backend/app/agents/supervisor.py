"""The supervisor agent: triage a task, run the tool, and report every step over the user's WebSocket."""

from __future__ import annotations

from typing import Any

from netra_backend.app.agents.agent_websocket_bridge import AgentWebSocketBridge, create_agent_websocket_bridge
from netra_backend.app.agents.base_agent import AgentResult, BaseAgent
from netra_backend.app.agents.tool_dispatcher import ToolDispatcher
from netra_backend.app.agents.triage_agent import TriageAgent
from netra_backend.app.services.user_execution_context import UserExecutionContext


class SupervisorAgent(BaseAgent):
    name = "supervisor"

    def __init__(
        self,
        user_context: UserExecutionContext,
        websocket_manager: Any = None,
        bridge: AgentWebSocketBridge | None = None,
        dispatcher: ToolDispatcher | None = None,
    ) -> None:
        super().__init__(user_context, websocket_manager)
        self.bridge = bridge or create_agent_websocket_bridge(user_context, self.websocket_manager)
        self.triage = TriageAgent()
        self.dispatcher = dispatcher or ToolDispatcher.default()

    async def run(self, task: str) -> AgentResult:
        await self.bridge.notify_agent_started(self.name, task)
        decision = self.triage.triage(task)
        await self.bridge.notify_agent_thinking(self.name, decision.reason)
        await self.bridge.notify_tool_executing(decision.tool, decision.arguments)
        answer = await self.dispatcher.dispatch(decision.tool, decision.arguments)
        await self.bridge.notify_tool_completed(decision.tool, answer)
        await self.bridge.notify_agent_completed(self.name, answer)
        return AgentResult(self.user_context.run_id, decision.tool, answer)


async def run_agent(user_context: UserExecutionContext, task: str, websocket_manager: Any = None) -> AgentResult:
    return await SupervisorAgent(user_context, websocket_manager).run(task)
