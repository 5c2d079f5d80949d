"""Legacy compatibility layer: the WebSocketManager of the singleton era.

Kept while callers move to websocket_manager.UnifiedWebSocketManager.
"""

from __future__ import annotations

import time
from typing import Any

from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core.event_validator import validate_critical_event
from netra_backend.app.websocket_core.unified_manager import WebSocketConnection, _serialize_message_safely


class WebSocketManager:
    def __init__(self, user_context: UserExecutionContext | None = None) -> None:
        self.user_context = user_context
        self._connections: dict[str, WebSocketConnection] = {}

    @property
    def connection_count(self) -> int:
        return len(self._connections)

    async def connect(self, connection_id: str, websocket: Any) -> WebSocketConnection:
        user_id = self.user_context.user_id if self.user_context else "anonymous"
        connection = WebSocketConnection(connection_id, user_id, websocket)
        self._connections[connection_id] = connection
        return connection

    async def disconnect(self, connection_id: str) -> None:
        self._connections.pop(connection_id, None)

    async def send_to_user(self, message: Any) -> int:
        payload = _serialize_message_safely(message)
        for connection in list(self._connections.values()):
            await connection.send(payload)
        return len(self._connections)

    async def emit_critical_event(self, event_type: str, data: dict[str, Any]) -> None:
        validate_critical_event(event_type, data)
        await self.send_to_user({"type": event_type, "timestamp": time.time(), "critical": True, **data})

    async def broadcast_to_all(self, message: Any) -> int:
        """Singleton-era broadcast to every connection; unused since user isolation (no SSOT equivalent)."""
        return await self.send_to_user(message)
