"""Runs an agent and reports progress over the user's WebSocket."""

from __future__ import annotations

from netra_backend.app.agents.agent_websocket_bridge import create_agent_websocket_bridge


async def run_agent(user_id: str, task: str) -> list[dict]:
    bridge = create_agent_websocket_bridge(user_id)
    await bridge.notify("agent_started", {"task": task})
    await bridge.notify("agent_completed", {"task": task})
    return bridge.sent
