"""The supervisor: triage, tool, and the five critical events for every run."""

from __future__ import annotations

from netra_backend.app.agents.supervisor import SupervisorAgent, run_agent
from netra_backend.app.agents.tool_dispatcher import ToolDispatcher
from netra_backend.app.websocket_core.unified_manager import _UnifiedWebSocketManagerImplementation
from netra_backend.app.websocket_core.websocket_manager import UnifiedWebSocketManager
from test_framework.ssot.base_test_case import create_test_user_context
from test_framework.ssot.websocket_test_utils import FakeWebSocket

CRITICAL_EVENTS = ["agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed"]


async def test_the_supervisor_reports_every_step_to_the_user() -> None:
    context = create_test_user_context()
    manager = UnifiedWebSocketManager(context)
    websocket = FakeWebSocket()
    await manager.connect("c1", websocket)
    result = await SupervisorAgent(context, manager).run("count words: one two three")
    assert (result.tool, result.answer) == ("word_count", 3)
    assert websocket.sent_types() == CRITICAL_EVENTS


async def test_summaries_go_through_the_llm() -> None:
    result = await run_agent(create_test_user_context(), "summarize: Costs rose in May. Then they fell.")
    assert (result.tool, result.answer) == ("summarize", "Costs rose in May.")


async def test_a_standalone_run_gets_a_private_manager() -> None:
    agent = SupervisorAgent(create_test_user_context())
    assert isinstance(agent.websocket_manager, _UnifiedWebSocketManagerImplementation)
    result = await agent.run("hello")
    assert (result.tool, result.answer) == ("echo", "hello")
    assert [event["type"] for event in agent.bridge.sent] == CRITICAL_EVENTS


async def test_custom_tools_can_be_plugged_in() -> None:
    async def echo(text: str) -> str:
        return text.upper()

    agent = SupervisorAgent(create_test_user_context(), dispatcher=ToolDispatcher({"echo": echo}))
    assert (await agent.run("shout")).answer == "SHOUT"
