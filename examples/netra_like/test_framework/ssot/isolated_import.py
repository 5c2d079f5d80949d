"""Import modules as if some of their dependencies were missing, without disturbing other tests."""

from __future__ import annotations

import importlib
import sys
from contextlib import contextmanager
from types import ModuleType
from typing import Iterator


@contextmanager
def modules_missing(*names: str) -> Iterator[None]:
    """Inside the block, importing any of `names` raises ImportError; afterwards every module is as before."""
    saved = dict(sys.modules)
    for name in names:
        sys.modules[name] = None  # type: ignore[assignment]  # the import system raises ImportError for None
    try:
        yield
    finally:
        sys.modules.clear()
        sys.modules.update(saved)
        # Importing a submodule rebinds it on its parent package: point those attributes back.
        for name, module in saved.items():
            parent, _, child = name.rpartition(".")
            if parent in saved and isinstance(module, ModuleType) and getattr(saved[parent], child, None) is not module:
                setattr(saved[parent], child, module)


def fresh_import(name: str) -> ModuleType:
    """A new module object for `name`, executed again (use inside modules_missing)."""
    sys.modules.pop(name, None)
    return importlib.import_module(name)
