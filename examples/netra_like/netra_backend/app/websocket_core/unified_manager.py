"""Connection bookkeeping shared by the WebSocket managers.

UnifiedWebSocketManager export removed - use UnifiedWebSocketManager from
websocket_manager.py (SSOT consolidation, issue #824). The implementation class
below is kept for the callers that still construct it directly.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core.event_validator import validate_critical_event

__all__ = ["WebSocketConnection", "_serialize_message_safely", "WebSocketManagerMode"]


class WebSocketManagerMode(str, Enum):
    UNIFIED = "unified"
    ISOLATED = "isolated"
    EMERGENCY = "emergency"


@dataclass
class WebSocketConnection:
    connection_id: str
    user_id: str
    websocket: Any
    connected_at: float = field(default_factory=time.time)

    async def send(self, message: dict[str, Any]) -> None:
        await self.websocket.send_json(message)


def _serialize_message_safely(message: Any) -> dict[str, Any]:
    """A JSON-safe dict for any message object (dataclass messages, dicts, enums)."""
    if hasattr(message, "to_dict"):
        message = message.to_dict()
    return json.loads(json.dumps(message, default=lambda value: getattr(value, "value", str(value))))


class _UnifiedWebSocketManagerImplementation:
    """The pre-SSOT unified manager, still constructed by agents that run without a route."""

    def __init__(
        self, user_context: UserExecutionContext | None = None, mode: WebSocketManagerMode = WebSocketManagerMode.UNIFIED
    ) -> None:
        self.user_context = user_context
        self.mode = mode
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
