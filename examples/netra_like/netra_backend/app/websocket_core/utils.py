"""Sending and closing that never takes a connection handler down."""

from __future__ import annotations

from typing import Any

from netra_backend.app.logging_config import get_logger
from netra_backend.app.websocket_core.unified_manager import _serialize_message_safely

logger = get_logger(__name__)


class WebSocketDisconnect(Exception):
    """The client went away (the shape of Starlette's exception)."""

    def __init__(self, code: int = 1000) -> None:
        super().__init__(f"WebSocket disconnected with code {code}")
        self.code = code


async def safe_websocket_send(websocket: Any, message: Any) -> bool:
    try:
        await websocket.send_json(_serialize_message_safely(message))
    except (RuntimeError, ConnectionError) as exc:
        logger.warning("send failed: %s", exc)
        return False
    return True


async def safe_websocket_close(websocket: Any, code: int = 1000, reason: str = "") -> None:
    try:
        await websocket.close(code=code, reason=reason)
    except (RuntimeError, ConnectionError) as exc:
        logger.warning("close failed: %s", exc)
