"""Codemod kinds: one module per kind, and the registry from kind name to class.

Third-party kinds are installed packages that declare an entry point in the
`ssot_migrate.kinds` group; no code named in a spec is ever imported otherwise.
The registry imports a kind's module when the kind is first looked up: a spec that
uses only rename-import never imports the other kinds (nor reads the installed
packages' entry points), which keeps a pre-commit run's start-up small.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from typing import TYPE_CHECKING, Iterator, Mapping

if TYPE_CHECKING:
    from .base import Kind

ENTRY_POINT_GROUP = "ssot_migrate.kinds"
# kind name -> module:class of every built-in kind, in the order `ssot-migrate codemods` lists them.
BUILTIN_KINDS = {
    "rename-import": "rename_import:RenameImport",
    "call-args": "call_args:CallArgs",
    "error-code-message": "error_code_message:ErrorCodeMessage",
    "collapse-class": "collapse_class:CollapseClass",
}


class KindRegistry(Mapping[str, "type[Kind]"]):
    """Kind name -> class: the built-in kinds, then installed plugins (a plugin cannot replace a built-in)."""

    def __init__(self) -> None:
        self._loaded: dict[str, type[Kind]] = {}

    def __getitem__(self, name: str) -> type[Kind]:
        if name not in self._loaded:
            if name in BUILTIN_KINDS:
                module_name, class_name = BUILTIN_KINDS[name].split(":")
                self._loaded[name] = getattr(importlib.import_module(f"{__name__}.{module_name}"), class_name)
            elif name in _plugins():
                self._loaded[name] = _plugins()[name].load()
            else:
                raise KeyError(name)
        return self._loaded[name]

    def __contains__(self, name: object) -> bool:
        return name in BUILTIN_KINDS or name in _plugins()

    def __iter__(self) -> Iterator[str]:
        yield from BUILTIN_KINDS
        yield from (name for name in _plugins() if name not in BUILTIN_KINDS)

    def __len__(self) -> int:
        return sum(1 for _ in self)


@lru_cache(maxsize=1)
def _plugins() -> dict:
    """Entry points of installed kinds, by kind name (read once, and only when needed)."""
    from importlib.metadata import entry_points

    return {point.name: point for point in entry_points(group=ENTRY_POINT_GROUP)}


@lru_cache(maxsize=1)
def kind_registry() -> KindRegistry:
    return KindRegistry()
