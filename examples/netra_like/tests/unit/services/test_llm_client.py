"""The LLM client goes through its circuit breaker."""

from __future__ import annotations

import pytest

from netra_backend.app.core.resilience.exceptions import RetryExhaustedException
from netra_backend.app.services.llm_client import LLMClient, offline_transport


async def test_completion_goes_through_the_breaker() -> None:
    client = LLMClient(offline_transport)
    assert await client.complete("Costs rose. Then they fell.") == "Costs rose."
    assert client.breaker.metrics.successful_calls == 1


async def test_a_failing_provider_is_not_called_once_the_circuit_opens() -> None:
    calls = []

    async def failing(prompt: str) -> str:
        calls.append(prompt)
        raise ConnectionError("provider down")

    client = LLMClient(failing)
    for _ in range(3):
        with pytest.raises(ConnectionError):
            await client.complete("hello")
    with pytest.raises(RetryExhaustedException):
        await client.complete("hello")
    assert len(calls) == 3
