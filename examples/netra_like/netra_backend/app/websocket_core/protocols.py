"""What every WebSocket manager offers: the interface callers may rely on."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable


@runtime_checkable
class WebSocketManagerProtocol(Protocol):
    @property
    def connection_count(self) -> int: ...

    async def connect(self, connection_id: str, websocket: Any) -> Any: ...

    async def disconnect(self, connection_id: str) -> None: ...

    async def send_to_user(self, message: Any) -> int: ...

    async def emit_critical_event(self, event_type: str, data: dict[str, Any]) -> None: ...
