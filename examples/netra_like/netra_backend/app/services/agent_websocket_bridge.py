"""The single source of truth for the agent <-> WebSocket bridge (moved here from app.agents)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AgentWebSocketBridge:
    user_id: str
    sent: list[dict] = field(default_factory=list)

    async def notify(self, event: str, payload: dict | None = None) -> dict:
        message = {"type": event, "user_id": self.user_id, "payload": payload or {}}
        self.sent.append(message)
        return message


def create_agent_websocket_bridge(user_id: str) -> AgentWebSocketBridge:
    return AgentWebSocketBridge(user_id=user_id)
