"""A circuit breaker for slow test infrastructure: stop hammering a service that keeps failing."""

from __future__ import annotations

from netra_backend.app.core.resilience.unified_circuit_breaker import (
    UnifiedCircuitBreaker,
    UnifiedCircuitConfig,
)


class PerformanceTestCircuitBreaker:
    def __init__(self, name: str = "performance-tests", failure_threshold: int = 3) -> None:
        self.breaker = UnifiedCircuitBreaker(UnifiedCircuitConfig(name, failure_threshold=failure_threshold))

    def record(self, succeeded: bool) -> None:
        if succeeded:
            self.breaker.record_success()
        else:
            self.breaker.record_failure()

    @property
    def should_run(self) -> bool:
        return self.breaker.can_execute()
