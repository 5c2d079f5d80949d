"""Fixtures shared by the whole suite."""

from __future__ import annotations

import asyncio
import inspect

import pytest

from netra_backend.app.core.resilience import unified_circuit_breaker
from netra_backend.app.services.user_execution_context import UserExecutionContext
from test_framework.ssot.base_test_case import create_test_user_context


@pytest.fixture(autouse=True)
def fresh_circuit_breakers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts with no circuits (the manager is process-wide)."""
    monkeypatch.setattr(unified_circuit_breaker, "_manager", None)


@pytest.fixture
def user_context() -> UserExecutionContext:
    return create_test_user_context()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run `async def` test functions on a fresh event loop (the suite needs no asyncio plugin)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    parameters = inspect.signature(pyfuncitem.obj).parameters
    # Arguments that mock.patch decorators supply are not fixtures: the patch wrapper passes them itself.
    arguments = {name: pyfuncitem.funcargs[name] for name in parameters if name in pyfuncitem.funcargs}
    asyncio.run(pyfuncitem.obj(**arguments))
    return True
