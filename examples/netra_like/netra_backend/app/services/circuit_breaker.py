"""Compatibility module: circuit breakers live in core.resilience.unified_circuit_breaker now.

Kept so that existing imports keep working during the SSOT consolidation (issue #824);
new code imports from `netra_backend.app.core.resilience.unified_circuit_breaker`.
"""

from __future__ import annotations

from netra_backend.app.core.resilience.unified_circuit_breaker import (
    UnifiedCircuitBreaker as CircuitBreaker,
    UnifiedCircuitBreakerManager as CircuitBreakerManager,
    UnifiedCircuitConfig as CircuitBreakerConfig,
    get_unified_circuit_breaker_manager as get_circuit_breaker_manager,
)

# CircuitBreakerState was renamed UnifiedCircuitBreakerState; no alias is kept here.
__all__ = ["CircuitBreaker", "CircuitBreakerConfig", "CircuitBreakerManager", "get_circuit_breaker_manager"]
