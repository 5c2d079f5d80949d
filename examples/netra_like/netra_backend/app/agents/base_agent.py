"""What every agent has: a user context, a WebSocket manager for its events, and a result type."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core.unified_manager import _UnifiedWebSocketManagerImplementation


@dataclass(frozen=True)
class AgentResult:
    run_id: str
    tool: str
    answer: Any


class BaseAgent(ABC):
    name = "base"

    def __init__(self, user_context: UserExecutionContext, websocket_manager: Any = None) -> None:
        self.user_context = user_context
        # Standalone runs (scripts, notebooks) get a private manager so their events have somewhere to go.
        self.websocket_manager = websocket_manager or _UnifiedWebSocketManagerImplementation(user_context)

    @abstractmethod
    async def run(self, task: str) -> AgentResult: ...
