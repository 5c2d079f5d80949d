"""The unified circuit breaker (SSOT for every circuit breaker in the backend).

The circuit breaker is state based: callers may ask `can_execute()` before a call;
`call()` refuses with RetryExhaustedException while the circuit is open.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Awaitable, Callable, TypeVar

from netra_backend.app.core.resilience.exceptions import RetryExhaustedException

T = TypeVar("T")


class UnifiedCircuitBreakerState(str, Enum):
    """Renamed from CircuitBreakerState during the SSOT consolidation (issue #824)."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@dataclass(frozen=True)
class UnifiedCircuitConfig:
    name: str
    failure_threshold: int = 5
    recovery_timeout: float = 30.0
    half_open_max_calls: int = 1


@dataclass
class CircuitMetrics:
    successful_calls: int = 0
    failed_calls: int = 0
    rejected_calls: int = 0
    state_changes: list[tuple[str, str]] = field(default_factory=list)


class UnifiedCircuitBreaker:
    def __init__(self, config: UnifiedCircuitConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.metrics = CircuitMetrics()
        self._clock = clock
        self._state = UnifiedCircuitBreakerState.CLOSED
        self._consecutive_failures = 0
        self._opened_at = 0.0
        self._half_open_calls = 0

    @property
    def state(self) -> UnifiedCircuitBreakerState:
        if self._state is UnifiedCircuitBreakerState.OPEN and self._retry_after() <= 0:
            self._transition(UnifiedCircuitBreakerState.HALF_OPEN)
        return self._state

    def can_execute(self) -> bool:
        state = self.state
        if state is UnifiedCircuitBreakerState.CLOSED:
            return True
        if state is UnifiedCircuitBreakerState.HALF_OPEN:
            return self._half_open_calls < self.config.half_open_max_calls
        return False

    async def call(self, operation: Callable[..., Awaitable[T]], *args: Any, **kwargs: Any) -> T:
        if not self.can_execute():
            self.metrics.rejected_calls += 1
            raise RetryExhaustedException(self.config.name, max(self._retry_after(), 0.0))
        if self.state is UnifiedCircuitBreakerState.HALF_OPEN:
            self._half_open_calls += 1
        try:
            result = await operation(*args, **kwargs)
        except Exception:
            self.record_failure()
            raise
        self.record_success()
        return result

    def record_success(self) -> None:
        self.metrics.successful_calls += 1
        self._consecutive_failures = 0
        if self._state is not UnifiedCircuitBreakerState.CLOSED:
            self._transition(UnifiedCircuitBreakerState.CLOSED)

    def record_failure(self) -> None:
        self.metrics.failed_calls += 1
        self._consecutive_failures += 1
        if self._state is UnifiedCircuitBreakerState.HALF_OPEN or (
            self._consecutive_failures >= self.config.failure_threshold
        ):
            self._opened_at = self._clock()
            self._transition(UnifiedCircuitBreakerState.OPEN)

    def reset(self) -> None:
        self._consecutive_failures = 0
        self._transition(UnifiedCircuitBreakerState.CLOSED)

    def get_status(self) -> dict[str, Any]:
        return {
            "name": self.config.name,
            "state": self.state.value,
            "consecutive_failures": self._consecutive_failures,
            "rejected_calls": self.metrics.rejected_calls,
        }

    def _retry_after(self) -> float:
        return self._opened_at + self.config.recovery_timeout - self._clock()

    def _transition(self, new_state: UnifiedCircuitBreakerState) -> None:
        if new_state is not self._state:
            self.metrics.state_changes.append((self._state.value, new_state.value))
            self._state = new_state
            self._half_open_calls = 0


class UnifiedCircuitBreakerManager:
    """Every named circuit of the process, created on first use."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._breakers: dict[str, UnifiedCircuitBreaker] = {}

    def get_breaker(self, name: str, **config: Any) -> UnifiedCircuitBreaker:
        if name not in self._breakers:
            self._breakers[name] = UnifiedCircuitBreaker(UnifiedCircuitConfig(name, **config), self._clock)
        return self._breakers[name]

    def all_status(self) -> dict[str, dict[str, Any]]:
        return {name: breaker.get_status() for name, breaker in sorted(self._breakers.items())}


_manager: UnifiedCircuitBreakerManager | None = None


def get_unified_circuit_breaker_manager() -> UnifiedCircuitBreakerManager:
    global _manager
    if _manager is None:
        _manager = UnifiedCircuitBreakerManager()
    return _manager
