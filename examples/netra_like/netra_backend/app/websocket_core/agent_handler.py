"""Handles `start_agent` messages: runs an agent for the user and streams its events."""

from __future__ import annotations

from typing import Any, Callable, Protocol

from netra_backend.app.logging_config import get_logger
from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core.types import create_error_message, create_server_message
from netra_backend.app.websocket_core.websocket_manager_factory import create_websocket_manager

logger = get_logger(__name__)

BridgeFactory = Callable[[UserExecutionContext, Any], Any]


class AgentRunner(Protocol):
    def __init__(self, user_context: UserExecutionContext, websocket_manager: Any = None, bridge: Any = None) -> None: ...

    async def run(self, task: str) -> Any: ...


class AgentMessageHandler:
    def __init__(self, agent_class: type[AgentRunner], bridge_factory: BridgeFactory) -> None:
        self.agent_class = agent_class
        self.bridge_factory = bridge_factory

    async def handle_message(
        self, user_context: UserExecutionContext, message: dict[str, Any], websocket: Any = None
    ) -> Any:
        task = (message.get("data") or {}).get("task")
        if not task:
            return create_error_message("MISSING_TASK", "start_agent needs data.task")
        run_context = user_context.for_new_run(message.get("run_id") or f"{user_context.run_id}-agent")
        # Each run gets its own isolated manager: no state is shared between users' runs.
        run_manager = create_websocket_manager(context=run_context)
        if websocket is not None:
            await run_manager.connect(run_context.run_id, websocket)
        bridge = self.bridge_factory(run_context, run_manager)
        agent = self.agent_class(run_context, run_manager, bridge)
        try:
            result = await agent.run(task)
        finally:
            await run_manager.disconnect(run_context.run_id)
        logger.info("agent run %s finished", run_context.run_id)
        return create_server_message(
            "agent_run_finished", {"run_id": run_context.run_id, "result": result.answer, "events": len(bridge.sent)}
        )
