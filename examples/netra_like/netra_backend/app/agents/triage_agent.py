"""Triage: which tool a task needs (rules first; the LLM only summarizes)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class TriageDecision:
    tool: str
    arguments: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


class TriageAgent:
    name = "triage"

    def triage(self, task: str) -> TriageDecision:
        text = task.strip()
        match = re.match(r"(?i)summari[sz]e[:\s]+(.+)", text, re.S)
        if match:
            return TriageDecision("summarize", {"text": match.group(1)}, "the user asked for a summary")
        match = re.match(r"(?i)count words[:\s]+(.+)", text, re.S)
        if match:
            return TriageDecision("word_count", {"text": match.group(1)}, "the user asked for a word count")
        return TriageDecision("echo", {"text": text}, "no specialised tool matches")
