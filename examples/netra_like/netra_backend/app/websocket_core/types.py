"""WebSocket message types and the strict message builders (SSOT for every message we send)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Dict, Optional, Union


class MessageType(str, Enum):
    CONNECTED = "connected"
    PING = "ping"
    PONG = "pong"
    START_AGENT = "start_agent"
    AGENT_RUN_FINISHED = "agent_run_finished"
    THREAD = "thread"
    ERROR = "error"


@dataclass(frozen=True)
class ServerMessage:
    type: str
    data: Dict[str, Any]
    correlation_id: Optional[str] = None
    timestamp: float = field(default_factory=time.time)

    def to_dict(self) -> Dict[str, Any]:
        message = {"type": self.type, "data": self.data, "timestamp": self.timestamp}
        if self.correlation_id:
            message["correlation_id"] = self.correlation_id
        return message


@dataclass(frozen=True)
class ErrorMessage:
    error_code: str
    error_message: str
    details: Dict[str, Any] = field(default_factory=dict)
    timestamp: float = field(default_factory=time.time)

    def to_dict(self) -> Dict[str, Any]:
        return {
            "type": "error",
            "error_code": self.error_code,
            "error_message": self.error_message,
            "details": self.details,
            "timestamp": self.timestamp,
        }


def create_server_message(
    msg_type: Union[str, MessageType], data: Dict[str, Any], correlation_id: Optional[str] = None
) -> ServerMessage:
    kind = msg_type.value if isinstance(msg_type, MessageType) else str(msg_type)
    return ServerMessage(kind, dict(data), correlation_id)


def create_error_message(
    error_code: str, error_message: str, details: Optional[Dict[str, Any]] = None
) -> ErrorMessage:
    return ErrorMessage(error_code, error_message, dict(details or {}))
