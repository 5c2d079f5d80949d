"""The services.circuit_breaker compatibility names still drive the unified breaker."""

from __future__ import annotations

import pytest

from netra_backend.app.core.resilience.unified_circuit_breaker import UnifiedCircuitBreaker
from netra_backend.app.services.circuit_breaker import CircuitBreaker, CircuitBreakerConfig, CircuitBreakerState


def test_compat_breaker_starts_closed() -> None:
    breaker = CircuitBreaker(CircuitBreakerConfig("payments"))
    assert breaker.state is CircuitBreakerState.CLOSED


def test_compat_breaker_opens_after_the_failure_threshold() -> None:
    breaker = CircuitBreaker(CircuitBreakerConfig("payments", failure_threshold=2))
    breaker.record_failure()
    assert breaker.state is CircuitBreakerState.CLOSED
    breaker.record_failure()
    assert breaker.state is CircuitBreakerState.OPEN
    assert not breaker.can_execute()


def test_compat_names_are_the_unified_classes() -> None:
    assert CircuitBreaker is UnifiedCircuitBreaker


@pytest.mark.parametrize(("state", "value"), [("CLOSED", "closed"), ("OPEN", "open"), ("HALF_OPEN", "half_open")])
def test_state_values_are_stable_for_the_dashboards(state: str, value: str) -> None:
    assert CircuitBreakerState[state].value == value
