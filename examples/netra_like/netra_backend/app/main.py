"""Application wiring: which handler serves which path."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from netra_backend.app.routes import health, threads
from netra_backend.app.routes.websocket_ssot import WebSocketSSotEndpoint

Handler = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Route:
    path: str
    handler: Handler
    websocket: bool = False


def create_app() -> dict[str, Route]:
    endpoint = WebSocketSSotEndpoint()
    routes = [
        Route("/ws", endpoint.websocket_endpoint, websocket=True),
        Route("/health", health.health_check),
        Route("/threads/{thread_id}", threads.send_thread, websocket=True),
    ]
    return {route.path: route for route in routes}
