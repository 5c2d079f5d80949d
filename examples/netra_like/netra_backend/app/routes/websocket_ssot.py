"""The SSOT WebSocket endpoint (/ws): authenticate, create the user's manager, serve messages.

Modes: `main` (factory manager; emergency manager if the factory fails and the
settings allow it) and `isolated` (factory manager only).
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any

from netra_backend.app.config import get_settings
from netra_backend.app.logging_config import get_logger
from netra_backend.app.routes.websocket import _create_emergency_websocket_manager, _create_fallback_agent_handler
from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core.agent_handler import AgentMessageHandler
from netra_backend.app.websocket_core.types import create_error_message, create_server_message
from netra_backend.app.websocket_core.unified_websocket_auth import authenticate_websocket_connection
from netra_backend.app.websocket_core.utils import WebSocketDisconnect, safe_websocket_close, safe_websocket_send
from netra_backend.app.websocket_core.websocket_manager_factory import (
    FactoryInitializationError,
    create_websocket_manager,
)

logger = get_logger(__name__)


class WebSocketMode(str, Enum):
    MAIN = "main"
    ISOLATED = "isolated"


class WebSocketSSotEndpoint:
    def __init__(self, allow_emergency_fallback: bool | None = None) -> None:
        if allow_emergency_fallback is None:
            allow_emergency_fallback = get_settings().allow_emergency_websocket_fallback
        self.allow_emergency_fallback = allow_emergency_fallback
        self.agent_handler_error: str | None = None

    async def websocket_endpoint(self, websocket: Any, mode: str = "main") -> None:
        ws_mode = WebSocketMode(mode)
        await websocket.accept()
        auth_result = await authenticate_websocket_connection(websocket)
        if not auth_result.success:
            logger.warning("[%s MODE] authentication failed: %s", ws_mode.value.upper(), auth_result.error)
            await safe_websocket_send(websocket, create_error_message("Authentication failed"))
            await safe_websocket_close(websocket, 1008, "Authentication failed")
            return
        user_context = auth_result.user_context
        assert user_context is not None
        ws_manager = self._create_websocket_manager(user_context, ws_mode)
        if ws_manager is None:
            await safe_websocket_send(websocket, create_error_message("Service initialization failed"))
            await safe_websocket_close(websocket, 1011, "Service initialization failed")
            return
        connection_id = user_context.websocket_client_id or user_context.request_id
        await ws_manager.connect(connection_id, websocket)
        handler = await self._setup_agent_handler()
        await safe_websocket_send(websocket, create_server_message("connected"))
        try:
            await self._message_loop(websocket, handler, user_context)
        except WebSocketDisconnect:
            logger.info("client %s disconnected", connection_id)
        except Exception as exc:  # a broken message must not take the server down
            logger.error("[%s MODE] Connection error: %s", ws_mode.value.upper(), exc)
            await safe_websocket_send(websocket, create_error_message(f"Connection error in {ws_mode.value} mode"))
            await safe_websocket_close(websocket, 1011, "Internal error")
        finally:
            await self._cleanup(websocket, ws_manager, connection_id)

    def _create_websocket_manager(self, user_context: UserExecutionContext, mode: WebSocketMode) -> Any:
        try:
            return create_websocket_manager(user_context)
        except FactoryInitializationError as exc:
            logger.error("factory failed: %s", exc)
            if mode is WebSocketMode.MAIN and self.allow_emergency_fallback:
                return _create_emergency_websocket_manager(user_context)
            return None

    async def _setup_agent_handler(self) -> Any:
        try:
            from netra_backend.app.agents.agent_websocket_bridge import create_agent_websocket_bridge
            from netra_backend.app.agents.supervisor import SupervisorAgent
        except ImportError as exc:
            logger.error("Agent handler setup failed: %s", exc)
            self.agent_handler_error = str(exc)
            return _create_fallback_agent_handler()
        return AgentMessageHandler(SupervisorAgent, create_agent_websocket_bridge)

    async def _message_loop(self, websocket: Any, handler: Any, user_context: UserExecutionContext) -> None:
        while True:
            raw = await websocket.receive_text()
            try:
                message = json.loads(raw)
            except json.JSONDecodeError:
                await safe_websocket_send(websocket, create_error_message("Invalid JSON format"))
                continue
            message_type = message.get("type")
            if message_type == "ping":
                await safe_websocket_send(websocket, create_server_message("pong", {"echo": message.get("data")}))
            elif message_type == "start_agent":
                await safe_websocket_send(websocket, await handler.handle_message(user_context, message, websocket))
            else:
                await safe_websocket_send(
                    websocket, create_error_message("UNKNOWN_MESSAGE_TYPE", f"Unknown message type: {message_type}")
                )

    async def _cleanup(self, websocket: Any, ws_manager: Any, connection_id: str) -> None:
        try:
            await ws_manager.disconnect(connection_id)
        except Exception as exc:
            logger.error("Error during cleanup: %s", exc)
            await safe_websocket_send(websocket, create_error_message("Error during cleanup"))
