"""WebSocket route: sets up the agent handler for a connection."""

from __future__ import annotations

from ..agents import agent_websocket_bridge


async def on_connect(user_id: str) -> dict:
    bridge = agent_websocket_bridge.create_agent_websocket_bridge(user_id)
    return await bridge.notify("connected")
