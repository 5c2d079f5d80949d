"""A fake WebSocket with Starlette's interface, and signed test tokens."""

from __future__ import annotations

import json
from typing import Any

from netra_backend.app.websocket_core.unified_websocket_auth import sign_token
from netra_backend.app.websocket_core.utils import WebSocketDisconnect


def auth_headers(user_id: str, **claims: Any) -> dict[str, str]:
    return {"authorization": f"Bearer {sign_token({'sub': user_id, **claims})}"}


class FakeWebSocket:
    """Records what the server sends; serves `incoming` to receive_text(), then disconnects.

    An exception instance in `incoming` is raised instead of being received.
    """

    def __init__(self, headers: dict[str, str] | None = None, incoming: list[Any] | None = None) -> None:
        self.headers = dict(headers or {})
        self.incoming = list(incoming or [])
        self.accepted = False
        self.sent: list[dict[str, Any]] = []
        self.closed_with: tuple[int, str] | None = None

    async def accept(self) -> None:
        self.accepted = True

    async def send_json(self, message: dict[str, Any]) -> None:
        if self.closed_with is not None:
            raise RuntimeError("Cannot send once the connection is closed")
        json.dumps(message)  # the real socket would fail on anything that is not JSON
        self.sent.append(message)

    async def receive_text(self) -> str:
        if not self.incoming:
            raise WebSocketDisconnect(1000)
        item = self.incoming.pop(0)
        if isinstance(item, BaseException):
            raise item
        return item if isinstance(item, str) else json.dumps(item)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed_with = (code, reason)

    def sent_types(self) -> list[str]:
        return [message["type"] for message in self.sent]

    def without_timestamps(self) -> list[dict[str, Any]]:
        return [{k: v for k, v in message.items() if k != "timestamp"} for message in self.sent]
