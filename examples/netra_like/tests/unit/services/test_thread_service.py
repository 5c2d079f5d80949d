"""Threads: ownership, and change notifications through the user's WebSocket manager."""

from __future__ import annotations

import pytest

from netra_backend.app.services.thread_service import ThreadNotFoundError, ThreadService
from netra_backend.app.websocket_core import create_websocket_manager
from test_framework.ssot.base_test_case import create_test_user_context
from test_framework.ssot.websocket_test_utils import FakeWebSocket


async def test_create_and_read_a_thread() -> None:
    service = ThreadService()
    context = create_test_user_context()
    thread = await service.create_thread(context, "Quarterly costs")
    assert (await service.get_thread(context, thread.thread_id)).title == "Quarterly costs"


async def test_other_users_cannot_read_a_thread() -> None:
    service = ThreadService()
    thread = await service.create_thread(create_test_user_context("alice"), "private")
    with pytest.raises(ThreadNotFoundError):
        await service.get_thread(create_test_user_context("bob"), thread.thread_id)


async def test_new_threads_are_announced_on_the_users_manager() -> None:
    context = create_test_user_context()
    manager = create_websocket_manager(context)
    websocket = FakeWebSocket()
    await manager.connect("c1", websocket)
    service = ThreadService(manager)
    await service.create_thread(context, "Launch plan")
    assert websocket.sent == [
        {"type": "thread_created", "thread": {"thread_id": "thread-1", "title": "Launch plan", "messages": []}}
    ]
