"""The legacy /ws/legacy endpoint and the emergency fallbacks of routes.websocket."""

from __future__ import annotations

from unittest import mock

from netra_backend.app.routes.websocket import (
    EmergencyWebSocketManager,
    _create_emergency_websocket_manager,
    _create_fallback_agent_handler,
    legacy_websocket_endpoint,
)
from test_framework.ssot.base_test_case import create_test_user_context
from test_framework.ssot.websocket_test_utils import FakeWebSocket


async def test_the_legacy_endpoint_connects_and_bridges_agents() -> None:
    context, websocket = create_test_user_context(), FakeWebSocket()
    session = await legacy_websocket_endpoint(websocket, context)
    assert websocket.accepted and websocket.sent_types() == ["connected"]
    await session["bridge"].notify_agent_started("supervisor", "hi")
    assert websocket.sent_types() == ["connected", "agent_started"]


@mock.patch("netra_backend.app.agents.agent_websocket_bridge.create_agent_websocket_bridge")
async def test_the_legacy_endpoint_uses_the_bridge_factory(factory) -> None:
    context = create_test_user_context()
    session = await legacy_websocket_endpoint(FakeWebSocket(), context)
    factory.assert_called_once_with(context, session["manager"])


async def test_the_emergency_manager_keeps_the_connection_up() -> None:
    context, websocket = create_test_user_context(), FakeWebSocket()
    manager = _create_emergency_websocket_manager(context)
    assert isinstance(manager, EmergencyWebSocketManager)
    await manager.connect("c1", websocket)
    await websocket.close(1001, "going away")
    await manager.send_to_user({"type": "late"})  # a closed socket must not raise (WebSocket 1011 fix)
    assert websocket.sent == []


async def test_the_fallback_agent_handler_still_emits_the_five_events() -> None:
    reply = await _create_fallback_agent_handler().handle_message(create_test_user_context(run_id="r9"), {})
    assert [event["type"] for event in reply["data"]["events"]] == [
        "agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed",
    ]
