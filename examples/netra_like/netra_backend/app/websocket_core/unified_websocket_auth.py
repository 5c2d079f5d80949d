"""WebSocket authentication: a signed bearer token in the `authorization` header -> a user context."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from typing import Any

from netra_backend.app.config import get_settings
from netra_backend.app.services.user_execution_context import UserExecutionContext


@dataclass(frozen=True)
class WebSocketAuthResult:
    success: bool
    user_context: UserExecutionContext | None = None
    error: str | None = None


def sign_token(claims: dict[str, Any], secret: str | None = None) -> str:
    body = base64.urlsafe_b64encode(json.dumps(claims, sort_keys=True).encode()).decode().rstrip("=")
    return f"{body}.{_signature(body, secret)}"


def decode_token(token: str, secret: str | None = None) -> dict[str, Any] | None:
    body, _, signature = token.partition(".")
    if not body or not hmac.compare_digest(signature, _signature(body, secret)):
        return None
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def _signature(body: str, secret: str | None) -> str:
    key = (secret or get_settings().jwt_secret).encode()
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]


async def authenticate_websocket_connection(websocket: Any) -> WebSocketAuthResult:
    header = websocket.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        return WebSocketAuthResult(False, error="missing bearer token")
    claims = decode_token(header.removeprefix("Bearer ").strip())
    if claims is None or "sub" not in claims:
        return WebSocketAuthResult(False, error="invalid token")
    context = UserExecutionContext(
        user_id=claims["sub"],
        thread_id=claims.get("thread_id", "default"),
        run_id=claims.get("run_id") or uuid.uuid4().hex,
        websocket_client_id=websocket.headers.get("x-client-id"),
    )
    return WebSocketAuthResult(True, user_context=context)
