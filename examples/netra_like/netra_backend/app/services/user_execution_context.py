"""UserExecutionContext: who a request runs for. Passed explicitly; never stored in globals."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UserExecutionContext:
    user_id: str
    thread_id: str
    run_id: str
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    websocket_client_id: str | None = None

    def for_new_run(self, run_id: str) -> UserExecutionContext:
        return UserExecutionContext(self.user_id, self.thread_id, run_id, websocket_client_id=self.websocket_client_id)
