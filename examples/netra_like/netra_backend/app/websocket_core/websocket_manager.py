"""UnifiedWebSocketManager: the single WebSocket manager (SSOT).

One instance per user context, never shared between users: every message goes
only to the connections of the user the manager was created for.
"""

from __future__ import annotations

import time
from typing import Any

from netra_backend.app.logging_config import get_logger
from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core.event_validator import validate_critical_event
from netra_backend.app.websocket_core.unified_manager import (
    WebSocketConnection,
    WebSocketManagerMode,
    _serialize_message_safely,
)

__all__ = ["UnifiedWebSocketManager", "WebSocketManagerMode"]

logger = get_logger(__name__)


class UnifiedWebSocketManager:
    def __init__(
        self, user_context: UserExecutionContext | None = None, mode: WebSocketManagerMode = WebSocketManagerMode.UNIFIED
    ) -> None:
        self.user_context = user_context
        self.mode = mode
        self._connections: dict[str, WebSocketConnection] = {}

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    def is_connected(self, connection_id: str) -> bool:
        return connection_id in self._connections

    async def connect(self, connection_id: str, websocket: Any) -> WebSocketConnection:
        user_id = self.user_context.user_id if self.user_context else "anonymous"
        connection = WebSocketConnection(connection_id, user_id, websocket)
        self._connections[connection_id] = connection
        return connection

    async def disconnect(self, connection_id: str) -> None:
        self._connections.pop(connection_id, None)

    async def send_to_user(self, message: Any) -> int:
        """Send to every connection of this user; returns how many got it."""
        payload = _serialize_message_safely(message)
        delivered = 0
        for connection in list(self._connections.values()):
            try:
                await connection.send(payload)
            except (RuntimeError, ConnectionError) as exc:
                # A closed socket must not break delivery to the user's other connections (WebSocket 1011 fix).
                logger.warning("send to %s failed: %s", connection.connection_id, exc)
            else:
                delivered += 1
        return delivered

    async def emit_critical_event(self, event_type: str, data: dict[str, Any]) -> None:
        validate_critical_event(event_type, data)
        # Business data at the root of the event, as the frontend reads it (issue #1021).
        await self.send_to_user({"type": event_type, "timestamp": time.time(), "critical": True, **data})
