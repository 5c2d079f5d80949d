"""Resilience primitives: the unified circuit breaker and its exceptions (SSOT)."""
