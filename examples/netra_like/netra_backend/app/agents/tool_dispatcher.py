"""Runs a named tool with its arguments."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from netra_backend.app.services.llm_client import LLMClient, offline_transport

Tool = Callable[..., Awaitable[Any]]


class UnknownToolError(KeyError):
    pass


class ToolDispatcher:
    def __init__(self, tools: dict[str, Tool]) -> None:
        self.tools = dict(tools)

    @classmethod
    def default(cls, llm: LLMClient | None = None) -> ToolDispatcher:
        llm = llm or LLMClient(offline_transport)

        async def echo(text: str) -> str:
            return text

        async def word_count(text: str) -> int:
            return len(text.split())

        async def summarize(text: str) -> str:
            return await llm.complete(text)

        return cls({"echo": echo, "word_count": word_count, "summarize": summarize})

    async def dispatch(self, tool: str, arguments: dict[str, Any]) -> Any:
        if tool not in self.tools:
            raise UnknownToolError(tool)
        return await self.tools[tool](**arguments)
