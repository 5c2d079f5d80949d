"""The factory: one isolated manager per valid SSOT user context."""

from __future__ import annotations

from dataclasses import dataclass

from netra_backend.app.websocket_core.websocket_manager_factory import (
    FactoryInitializationError,
    IsolatedWebSocketManager,
    create_websocket_manager,
)
from test_framework.ssot.base_test_case import SSotBaseTestCase


@dataclass
class LookalikeContext:
    user_id: str = "u"
    thread_id: str = "t"
    run_id: str = "r"
    request_id: str = "q"


class TestWebSocketManagerFactory(SSotBaseTestCase):
    def test_factory_creates_a_manager_bound_to_the_context(self) -> None:
        context = self.create_user_context()
        manager = create_websocket_manager(context)
        self.assertIsInstance(manager, IsolatedWebSocketManager)
        self.assertIs(manager.user_context, context)

    def test_factory_accepts_the_context_by_its_parameter_name(self) -> None:
        context = self.create_user_context()
        self.assertIs(create_websocket_manager(user_context=context).user_context, context)

    def test_factory_rejects_a_context_that_is_not_the_ssot_type(self) -> None:
        with self.assertRaises(FactoryInitializationError):
            create_websocket_manager(LookalikeContext())

    def test_factory_rejects_empty_ids(self) -> None:
        with self.assertRaises(FactoryInitializationError):
            create_websocket_manager(self.create_user_context(run_id=""))

    def test_each_call_returns_a_new_isolated_manager(self) -> None:
        context = self.create_user_context()
        self.assertIsNot(create_websocket_manager(context), create_websocket_manager(context))
