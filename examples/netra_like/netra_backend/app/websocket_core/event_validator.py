"""The five critical agent events the chat UI depends on, and their validation."""

from __future__ import annotations

from typing import Any

CRITICAL_EVENTS = ("agent_started", "agent_thinking", "tool_executing", "tool_completed", "agent_completed")


class InvalidCriticalEventError(ValueError):
    pass


def validate_critical_event(event_type: str, data: dict[str, Any]) -> None:
    if event_type not in CRITICAL_EVENTS:
        raise InvalidCriticalEventError(f"{event_type!r} is not a critical event (expected one of {CRITICAL_EVENTS})")
    if "run_id" not in data:
        raise InvalidCriticalEventError(f"{event_type} event without run_id")
