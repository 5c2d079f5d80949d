"""Integration services: Docker while it is healthy, in-memory services once its health checks keep failing."""

from __future__ import annotations

# ssot-migrate example: `audit` reports this import (the module was planned, never written); no codemod can
# create it. See the example README, "Fixed by hand".
from test_framework.docker_circuit_breaker import DockerCircuitBreaker, select_service_backend


def test_docker_is_used_while_it_is_healthy() -> None:
    breaker = DockerCircuitBreaker(failure_threshold=2)
    breaker.record_health_check(healthy=True)
    assert select_service_backend(breaker) == "docker"


def test_failed_health_checks_trip_the_breaker() -> None:
    breaker = DockerCircuitBreaker(failure_threshold=2)
    breaker.record_health_check(healthy=False)
    assert breaker.docker_available
    breaker.record_health_check(healthy=False)
    assert not breaker.docker_available


def test_services_fall_back_to_in_memory_when_docker_is_down() -> None:
    breaker = DockerCircuitBreaker(failure_threshold=1)
    breaker.record_health_check(healthy=False)
    assert select_service_backend(breaker) == "in-memory"
