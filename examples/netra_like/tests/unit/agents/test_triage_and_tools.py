"""Triage rules and the tool dispatcher."""

from __future__ import annotations

import pytest

from netra_backend.app.agents.tool_dispatcher import ToolDispatcher, UnknownToolError
from netra_backend.app.agents.triage_agent import TriageAgent


@pytest.mark.parametrize(
    ("task", "tool", "arguments"),
    [
        ("summarize: the report", "summarize", {"text": "the report"}),
        ("Count words: a b c", "word_count", {"text": "a b c"}),
        ("what time is it?", "echo", {"text": "what time is it?"}),
    ],
)
def test_triage_picks_the_tool(task: str, tool: str, arguments: dict) -> None:
    decision = TriageAgent().triage(task)
    assert (decision.tool, decision.arguments) == (tool, arguments)


async def test_unknown_tools_are_refused() -> None:
    with pytest.raises(UnknownToolError):
        await ToolDispatcher.default().dispatch("rm_rf", {})
