"""GET /health: the service is degraded while any circuit is open."""

from __future__ import annotations

from typing import Any

from netra_backend.app.core.resilience.unified_circuit_breaker import (
    UnifiedCircuitBreakerManager,
    UnifiedCircuitBreakerState,
    get_unified_circuit_breaker_manager,
)


async def health_check(manager: UnifiedCircuitBreakerManager | None = None) -> dict[str, Any]:
    manager = manager or get_unified_circuit_breaker_manager()
    circuits = manager.all_status()
    degraded = [name for name, status in circuits.items() if status["state"] == UnifiedCircuitBreakerState.OPEN.value]
    return {"status": "degraded" if degraded else "ok", "open_circuits": degraded, "circuits": circuits}
