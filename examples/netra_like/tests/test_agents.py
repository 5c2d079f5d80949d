import asyncio
from unittest import mock

from netra_backend.app.agents.supervisor import run_agent
from netra_backend.app.routes.websocket import on_connect


def test_run_agent_reports_start_and_completion():
    sent = asyncio.run(run_agent("u1", "summarize"))
    assert [m["type"] for m in sent] == ["agent_started", "agent_completed"]


def test_connect_sends_connected():
    message = asyncio.run(on_connect("u2"))
    assert message == {"type": "connected", "user_id": "u2", "payload": {}}


@mock.patch("netra_backend.app.agents.agent_websocket_bridge.create_agent_websocket_bridge")
def test_supervisor_uses_the_bridge_factory(factory):
    factory.return_value.notify = mock.AsyncMock(return_value={})
    factory.return_value.sent = []
    asyncio.run(run_agent("u3", "t"))
    factory.assert_called_once_with("u3")
