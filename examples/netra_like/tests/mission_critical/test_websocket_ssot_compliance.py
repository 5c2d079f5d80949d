"""MISSION CRITICAL: one WebSocket manager implementation, and no call written for the old signatures."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "netra_backend" / "app"


def _modules() -> list[tuple[str, ast.Module]]:
    root = APP.parents[1]
    return [
        (".".join(path.relative_to(root).with_suffix("").parts), ast.parse(path.read_text(encoding="utf-8")))
        for path in sorted(APP.rglob("*.py"))
    ]


def _is_protocol(node: ast.ClassDef) -> bool:
    return any(isinstance(base, ast.Name) and base.id == "Protocol" for base in node.bases)


def test_exactly_one_websocket_manager_implementation() -> None:
    """A manager implementation is any concrete class that can send to a user's connections."""
    implementations = [
        f"{module}.{node.name}"
        for module, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        and not _is_protocol(node)
        and any(isinstance(item, ast.AsyncFunctionDef) and item.name == "send_to_user" for item in node.body)
    ]
    canonical = "netra_backend.app.websocket_core.websocket_manager.UnifiedWebSocketManager"
    others = [name for name in implementations if name != canonical]
    assert canonical in implementations
    assert others == [], f"SSOT WARNING: Found other WebSocket Manager classes: {others}"


def test_no_error_message_is_built_without_an_error_code() -> None:
    single_argument_calls = [
        f"{module}:{node.lineno}"
        for module, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "create_error_message"
        and len(node.args) == 1
        and not node.keywords
    ]
    assert single_argument_calls == [], f"create_error_message() called with a message only: {single_argument_calls}"
