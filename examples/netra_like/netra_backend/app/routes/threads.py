"""Thread messages over the user's WebSocket."""

from __future__ import annotations

from typing import Any

from netra_backend.app.services.thread_service import ThreadNotFoundError, ThreadService
from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core import create_error_message, create_server_message
from netra_backend.app.websocket_core.utils import safe_websocket_send


async def send_thread(websocket: Any, user_context: UserExecutionContext, thread_id: str, service: ThreadService) -> bool:
    try:
        thread = await service.get_thread(user_context, thread_id)
    except ThreadNotFoundError:
        await safe_websocket_send(websocket, create_error_message("Thread not found"))
        return False
    await safe_websocket_send(websocket, create_server_message("thread", thread.to_dict()))
    return True
