"""Exceptions of the resilience layer."""

from __future__ import annotations


class RetryExhaustedException(Exception):
    """A call was not attempted or not retried any further: the circuit is open or the retries are used up."""

    def __init__(self, circuit_name: str, retry_after: float) -> None:
        super().__init__(f"circuit {circuit_name!r} is open; retry after {retry_after:.1f}s")
        self.circuit_name = circuit_name
        self.retry_after = retry_after
