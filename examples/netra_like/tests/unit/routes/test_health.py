"""GET /health reflects the circuit breakers."""

from __future__ import annotations

from netra_backend.app.core.resilience.unified_circuit_breaker import get_unified_circuit_breaker_manager
from netra_backend.app.routes.health import health_check
from netra_backend.app.services import circuit_breaker


async def test_health_is_ok_while_every_circuit_is_closed() -> None:
    get_unified_circuit_breaker_manager().get_breaker("llm")
    assert (await health_check())["status"] == "ok"


async def test_health_is_degraded_while_a_circuit_is_open() -> None:
    breaker = circuit_breaker.get_circuit_breaker_manager().get_breaker("llm", failure_threshold=1)
    breaker.record_failure()
    status = await health_check()
    assert status["status"] == "degraded"
    assert status["circuits"]["llm"]["state"] == circuit_breaker.CircuitBreakerState.OPEN.value
