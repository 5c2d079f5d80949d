"""The application wires every route."""

from __future__ import annotations

from netra_backend.app.main import create_app


def test_every_route_is_registered() -> None:
    routes = create_app()
    assert sorted(routes) == ["/health", "/threads/{thread_id}", "/ws"]
    assert [path for path, route in sorted(routes.items()) if route.websocket] == ["/threads/{thread_id}", "/ws"]
