"""Thread messages over the WebSocket."""

from __future__ import annotations

from netra_backend.app.routes.threads import send_thread
from netra_backend.app.services.thread_service import ThreadService
from test_framework.ssot.base_test_case import create_test_user_context
from test_framework.ssot.websocket_test_utils import FakeWebSocket


async def test_a_thread_is_sent_to_its_owner() -> None:
    service, context, websocket = ThreadService(), create_test_user_context(), FakeWebSocket()
    thread = await service.create_thread(context, "Budget")
    assert await send_thread(websocket, context, thread.thread_id, service)
    assert websocket.without_timestamps() == [
        {"type": "thread", "data": {"thread_id": thread.thread_id, "title": "Budget", "messages": []}}
    ]


async def test_an_unknown_thread_is_an_error_message() -> None:
    websocket = FakeWebSocket()
    assert not await send_thread(websocket, create_test_user_context(), "thread-404", ThreadService())
    (message,) = websocket.without_timestamps()
    assert (message["type"], message["error_code"], message["error_message"]) == (
        "error", "THREAD_NOT_FOUND", "Thread not found",
    )
