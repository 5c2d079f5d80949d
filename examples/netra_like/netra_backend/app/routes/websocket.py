"""The legacy WebSocket route, and the emergency fallbacks the SSOT route still relies on."""

from __future__ import annotations

import time
from typing import Any

from netra_backend.app.logging_config import get_logger
from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core import create_server_message, create_websocket_manager
from netra_backend.app.websocket_core.event_validator import CRITICAL_EVENTS
from netra_backend.app.websocket_core.unified_manager import WebSocketConnection, _serialize_message_safely
from netra_backend.app.websocket_core.utils import safe_websocket_send

logger = get_logger(__name__)


class EmergencyWebSocketManager:
    """Minimal manager used when the factory fails, so that the connection stays up (WebSocket 1011 fix)."""

    def __init__(self, user_context: UserExecutionContext) -> None:
        self.user_context = user_context
        self._connections: dict[str, WebSocketConnection] = {}
        self._is_emergency = True

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    async def connect(self, connection_id: str, websocket: Any) -> WebSocketConnection:
        connection = WebSocketConnection(connection_id, self.user_context.user_id, websocket)
        self._connections[connection_id] = connection
        return connection

    async def disconnect(self, connection_id: str) -> None:
        self._connections.pop(connection_id, None)

    async def send_to_user(self, message: Any) -> int:
        payload = _serialize_message_safely(message)
        for connection in list(self._connections.values()):
            try:
                await connection.send(payload)
            except (RuntimeError, ConnectionError) as exc:
                logger.warning("emergency send failed: %s", exc)
        return len(self._connections)

    async def emit_critical_event(self, event_type: str, data: dict[str, Any]) -> None:
        await self.send_to_user({"type": event_type, "timestamp": time.time(), "critical": True, **data})


def _create_emergency_websocket_manager(user_context: UserExecutionContext) -> EmergencyWebSocketManager:
    logger.warning("EMERGENCY MODE: using a minimal WebSocket manager for user %s", user_context.user_id)
    return EmergencyWebSocketManager(user_context)


class FallbackAgentHandler:
    """Answers `start_agent` with the five critical events and a canned reply when agents are unavailable."""

    async def handle_message(
        self, user_context: UserExecutionContext, message: dict[str, Any], websocket: Any = None
    ) -> dict[str, Any]:
        events = [{"type": event, "run_id": user_context.run_id, "fallback": True} for event in CRITICAL_EVENTS]
        return {"type": "agent_run_finished", "data": {"events": events, "result": "Agents are temporarily unavailable."}}


def _create_fallback_agent_handler() -> FallbackAgentHandler:
    return FallbackAgentHandler()


async def legacy_websocket_endpoint(websocket: Any, user_context: UserExecutionContext) -> dict[str, Any]:
    """The pre-SSOT endpoint, still served at /ws/legacy for old desktop clients."""
    from ..agents import agent_websocket_bridge  # only this endpoint needs the agents

    await websocket.accept()
    manager = create_websocket_manager(context=user_context)
    await manager.connect(user_context.request_id, websocket)
    bridge = agent_websocket_bridge.create_agent_websocket_bridge(user_context, manager)
    await safe_websocket_send(websocket, create_server_message("connected"))
    return {"bridge": bridge, "manager": manager}
