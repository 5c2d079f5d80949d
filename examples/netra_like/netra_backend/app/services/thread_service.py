"""Chat threads: create, read, and notify the owner's connections of changes."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from netra_backend.app.services.user_execution_context import UserExecutionContext
from netra_backend.app.websocket_core.manager import WebSocketManager


class ThreadNotFoundError(LookupError):
    pass


@dataclass
class Thread:
    thread_id: str
    user_id: str
    title: str
    messages: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"thread_id": self.thread_id, "title": self.title, "messages": list(self.messages)}


class ThreadService:
    def __init__(self, notifier: WebSocketManager | None = None) -> None:
        if notifier is not None and not isinstance(notifier, WebSocketManager):
            raise TypeError(f"ThreadService needs a WebSocketManager, got {type(notifier).__name__}")
        self.notifier = notifier
        self._threads: dict[str, Thread] = {}
        self._ids = itertools.count(1)

    async def create_thread(self, user_context: UserExecutionContext, title: str) -> Thread:
        thread = Thread(f"thread-{next(self._ids)}", user_context.user_id, title)
        self._threads[thread.thread_id] = thread
        if self.notifier is not None:
            await self.notifier.send_to_user({"type": "thread_created", "thread": thread.to_dict()})
        return thread

    async def get_thread(self, user_context: UserExecutionContext, thread_id: str) -> Thread:
        thread = self._threads.get(thread_id)
        if thread is None or thread.user_id != user_context.user_id:
            raise ThreadNotFoundError(thread_id)
        return thread
