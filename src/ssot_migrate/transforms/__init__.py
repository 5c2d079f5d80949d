"""Codemod kinds: one module per kind, and the registry from kind name to class.

Third-party kinds are installed packages that declare an entry point in the
`ssot_migrate.kinds` group; no code named in a spec is ever imported otherwise.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import Kind

ENTRY_POINT_GROUP = "ssot_migrate.kinds"
# module:class of every built-in kind, in the order `ssot-migrate codemods` lists them.
BUILTIN_KINDS = (
    "rename_import:RenameImport",
    "call_args:CallArgs",
    "error_code_message:ErrorCodeMessage",
    "collapse_class:CollapseClass",
)


@lru_cache(maxsize=1)
def kind_registry() -> dict[str, type[Kind]]:
    registry: dict[str, type[Kind]] = {}
    for entry in BUILTIN_KINDS:
        module_name, class_name = entry.split(":")
        module = importlib.import_module(f"{__name__}.{module_name}")
        kind = getattr(module, class_name)
        registry[kind.name] = kind
    for point in entry_points(group=ENTRY_POINT_GROUP):
        kind = point.load()
        registry.setdefault(kind.name, kind)
    return registry
