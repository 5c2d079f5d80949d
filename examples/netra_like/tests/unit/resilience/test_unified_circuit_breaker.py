"""The unified circuit breaker: closed -> open -> half-open -> closed, on a fake clock."""

from __future__ import annotations

import pytest

from netra_backend.app.core.resilience.exceptions import RetryExhaustedException
from netra_backend.app.core.resilience.unified_circuit_breaker import (
    UnifiedCircuitBreaker,
    UnifiedCircuitBreakerState,
    UnifiedCircuitConfig,
    get_unified_circuit_breaker_manager,
)


def make_breaker(clock, threshold: int = 2, recovery: float = 30.0) -> UnifiedCircuitBreaker:
    return UnifiedCircuitBreaker(UnifiedCircuitConfig("llm", threshold, recovery), clock)


def test_a_new_breaker_is_closed(clock) -> None:
    assert make_breaker(clock).state is UnifiedCircuitBreakerState.CLOSED


def test_it_opens_after_the_failure_threshold(clock) -> None:
    breaker = make_breaker(clock)
    breaker.record_failure()
    breaker.record_failure()
    assert breaker.state is UnifiedCircuitBreakerState.OPEN
    assert breaker.get_status()["consecutive_failures"] == 2


def test_it_goes_half_open_after_the_recovery_timeout(clock) -> None:
    breaker = make_breaker(clock)
    breaker.record_failure()
    breaker.record_failure()
    clock.advance(29.9)
    assert breaker.state is UnifiedCircuitBreakerState.OPEN
    clock.advance(0.2)
    assert breaker.state is UnifiedCircuitBreakerState.HALF_OPEN
    assert breaker.can_execute()


async def test_a_success_while_half_open_closes_it(clock) -> None:
    breaker = make_breaker(clock, threshold=1)
    breaker.record_failure()
    clock.advance(31)

    async def ok() -> str:
        return "ok"

    assert await breaker.call(ok) == "ok"
    assert breaker.state is UnifiedCircuitBreakerState.CLOSED


def test_a_failure_while_half_open_opens_it_again(clock) -> None:
    breaker = make_breaker(clock, threshold=1)
    breaker.record_failure()
    clock.advance(31)
    assert breaker.state is UnifiedCircuitBreakerState.HALF_OPEN
    breaker.record_failure()
    assert breaker.state is UnifiedCircuitBreakerState.OPEN


async def test_an_open_circuit_refuses_calls_without_running_them(clock) -> None:
    breaker = make_breaker(clock, threshold=1)
    breaker.record_failure()
    ran = []

    async def operation() -> None:
        ran.append(True)

    with pytest.raises(RetryExhaustedException, match="circuit 'llm' is open; retry after 30.0s"):
        await breaker.call(operation)
    assert ran == [] and breaker.metrics.rejected_calls == 1


def test_the_manager_returns_one_breaker_per_name() -> None:
    manager = get_unified_circuit_breaker_manager()
    assert manager.get_breaker("llm") is manager.get_breaker("llm")
    assert list(manager.all_status()) == ["llm"]
