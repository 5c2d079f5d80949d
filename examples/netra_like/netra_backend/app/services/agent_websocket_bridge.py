"""The agent <-> WebSocket bridge (SSOT; moved here from app.agents).

Agents report progress through the bridge; the bridge turns it into the five
critical WebSocket events the chat UI renders.
"""

from __future__ import annotations

from typing import Any, Protocol

from netra_backend.app.services.user_execution_context import UserExecutionContext


class CriticalEventSink(Protocol):
    async def emit_critical_event(self, event_type: str, data: dict[str, Any]) -> None: ...


class AgentWebSocketBridge:
    def __init__(self, user_context: UserExecutionContext, websocket_manager: CriticalEventSink | None = None) -> None:
        self.user_context = user_context
        self.websocket_manager = websocket_manager
        self.sent: list[dict[str, Any]] = []

    async def notify_agent_started(self, agent_name: str, task: str) -> None:
        await self._emit("agent_started", {"agent_name": agent_name, "task": task})

    async def notify_agent_thinking(self, agent_name: str, thought: str) -> None:
        await self._emit("agent_thinking", {"agent_name": agent_name, "thought": thought})

    async def notify_tool_executing(self, tool_name: str, arguments: dict[str, Any]) -> None:
        await self._emit("tool_executing", {"tool_name": tool_name, "arguments": arguments})

    async def notify_tool_completed(self, tool_name: str, result: Any) -> None:
        await self._emit("tool_completed", {"tool_name": tool_name, "result": result})

    async def notify_agent_completed(self, agent_name: str, result: Any) -> None:
        await self._emit("agent_completed", {"agent_name": agent_name, "result": result})

    async def _emit(self, event_type: str, payload: dict[str, Any]) -> None:
        payload = {"run_id": self.user_context.run_id, **payload}
        self.sent.append({"type": event_type, **payload})
        if self.websocket_manager is not None:
            await self.websocket_manager.emit_critical_event(event_type, payload)


def create_agent_websocket_bridge(
    user_context: UserExecutionContext, websocket_manager: CriticalEventSink | None = None
) -> AgentWebSocketBridge:
    return AgentWebSocketBridge(user_context, websocket_manager)
