"""The LLM client: every completion goes through the `llm` circuit breaker."""

from __future__ import annotations

from typing import Awaitable, Callable

from netra_backend.app.services.circuit_breaker import CircuitBreaker, CircuitBreakerConfig

Transport = Callable[[str], Awaitable[str]]


class LLMClient:
    def __init__(self, transport: Transport, breaker: CircuitBreaker | None = None) -> None:
        self._transport = transport
        self.breaker = breaker or CircuitBreaker(CircuitBreakerConfig("llm", failure_threshold=3))

    async def complete(self, prompt: str) -> str:
        return await self.breaker.call(self._transport, prompt)


async def offline_transport(prompt: str) -> str:
    """The transport used without an API key: answers with the prompt's first sentence."""
    return prompt.split(". ", 1)[0].strip().rstrip(".") + "."
