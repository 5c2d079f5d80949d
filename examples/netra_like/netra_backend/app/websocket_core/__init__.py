"""WebSocket core: the public surface of the WebSocket layer.

Import from here. Optional pieces are imported in try/except blocks so that a
broken module degrades the service (emergency mode) instead of refusing every
connection.
"""

from __future__ import annotations

from netra_backend.app.logging_config import get_logger
from netra_backend.app.websocket_core.unified_manager import WebSocketConnection, WebSocketManagerMode
from netra_backend.app.websocket_core.websocket_manager import UnifiedWebSocketManager
from netra_backend.app.websocket_core.websocket_manager_factory import (
    FactoryInitializationError,
    create_websocket_manager,
)

logger = get_logger(__name__)

try:
    from netra_backend.app.websocket_core.types import (
        ErrorMessage,
        MessageType,
        ServerMessage,
        create_error_message,
        create_server_message,
    )
except ImportError as exc:  # emergency fallback: plain dict messages
    logger.warning("websocket_core.types unavailable, falling back to dict messages: %s", exc)
    ErrorMessage = ServerMessage = MessageType = None  # type: ignore[assignment,misc]

    def create_error_message(error_code, message="Error", **kwargs):  # type: ignore[no-redef]
        return {"type": "error", "error_code": error_code, "error_message": message, **kwargs}

    def create_server_message(msg_type, data=None, **kwargs):  # type: ignore[no-redef]
        return {"type": str(msg_type), "data": data or {}, **kwargs}


try:
    from netra_backend.app.websocket_core.manager import WebSocketManager  # legacy compatibility layer
except ImportError:
    WebSocketManager = UnifiedWebSocketManager  # type: ignore[misc,assignment]

__all__ = [
    "ErrorMessage",
    "FactoryInitializationError",
    "MessageType",
    "ServerMessage",
    "UnifiedWebSocketManager",
    "WebSocketConnection",
    "WebSocketManager",
    "WebSocketManagerMode",
    "create_error_message",
    "create_server_message",
    "create_websocket_manager",
]
