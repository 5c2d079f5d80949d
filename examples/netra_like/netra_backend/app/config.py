"""Settings, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Settings:
    environment: str = "development"
    jwt_secret: str = "development-secret"
    websocket_max_connections_per_user: int = 5
    allow_emergency_websocket_fallback: bool = True
    llm_failure_threshold: int = 3
    llm_recovery_timeout: float = 30.0


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings(
        environment=os.environ.get("NETRA_ENV", "development"),
        jwt_secret=os.environ.get("NETRA_JWT_SECRET", "development-secret"),
        allow_emergency_websocket_fallback=os.environ.get("NETRA_EMERGENCY_FALLBACK", "1") == "1",
    )
