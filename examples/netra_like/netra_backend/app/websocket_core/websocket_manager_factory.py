"""The factory that gives each user context its own isolated WebSocket manager."""

from __future__ import annotations

import time
from typing import Any

from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core.event_validator import validate_critical_event
from netra_backend.app.websocket_core.unified_manager import WebSocketConnection, _serialize_message_safely


class FactoryInitializationError(Exception):
    """The factory could not create a manager (an invalid or non-SSOT user context)."""


class IsolatedWebSocketManager:
    """A manager bound to exactly one user context (factory pattern, WebSocket v2 security migration)."""

    def __init__(self, user_context: UserExecutionContext) -> None:
        self.user_context = user_context
        self._connections: dict[str, WebSocketConnection] = {}

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
            await connection.send(payload)
        return len(self._connections)

    async def emit_critical_event(self, event_type: str, data: dict[str, Any]) -> None:
        validate_critical_event(event_type, data)
        await self.send_to_user({"type": event_type, "timestamp": time.time(), "critical": True, **data})


def _validate_ssot_user_context(user_context: Any) -> None:
    if not isinstance(user_context, UserExecutionContext):
        raise FactoryInitializationError(
            f"expected the SSOT UserExecutionContext from services, got {type(user_context).__name__}"
        )
    for name in ("user_id", "thread_id", "run_id", "request_id"):
        if not getattr(user_context, name):
            raise FactoryInitializationError(f"UserExecutionContext.{name} is empty")


def create_websocket_manager(user_context: UserExecutionContext) -> IsolatedWebSocketManager:
    _validate_ssot_user_context(user_context)
    return IsolatedWebSocketManager(user_context)
