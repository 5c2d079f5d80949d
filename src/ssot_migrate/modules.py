"""Path <-> dotted module name, through source roots and packages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Iterable, Sequence

from .names import dotted_prefixes

_TEST_FILE = re.compile(r"^(test_.*|.*_test|conftest)\.pyi?$")


@dataclass(frozen=True)
class ModuleInfo:
    """What a file is as a module: its dotted name and the package relative imports start from."""

    name: str
    package: str
    is_package: bool


def default_roots(existing_dirs: Iterable[str]) -> tuple[str, ...]:
    """`src` first when the project has one, then the repository root."""
    return ("src", ".") if "src" in set(existing_dirs) else (".",)


class ModuleMap:
    """Module names of a project's Python files.

    A file's module name is its path relative to the longest matching source
    root, through packages; folders without `__init__.py` count as namespace
    packages, except that a test file (`test_*.py`, `*_test.py`, `conftest.py`)
    is named the way pytest's default import mode names it: relative to the
    first folder upwards that is not a package.
    """

    def __init__(self, roots: Sequence[str], files: Iterable[str]) -> None:
        normalized = []
        for root in roots:
            text = str(PurePosixPath(root.replace("\\", "/")))
            normalized.append("" if text in (".", "") else text.strip("/"))
        # Longest root first, so `src` wins over `.` for files below it.
        self.roots = tuple(sorted(set(normalized), key=lambda r: (-len(r), r)))
        self.files = tuple(files)
        self._init_dirs = {
            folder for folder, _, name in (f.rpartition("/") for f in self.files) if name in ("__init__.py", "__init__.pyi")
        }
        self._by_module: dict[str, str] = {}
        for path in self.files:
            info = self.info_for(path)
            if info is None:
                continue
            current = self._by_module.get(info.name)
            if current is None or (current.endswith(".pyi") and path.endswith(".py")):
                self._by_module[info.name] = path
        self._prefixes = {prefix for name in self._by_module for prefix in dotted_prefixes(name) if prefix != name}

    def _root_of(self, path: str) -> str | None:
        for root in self.roots:
            if root == "" or path.startswith(root + "/"):
                return root
        return None

    def info_for(self, path: str) -> ModuleInfo | None:
        """The module a repo-relative `/` path is, or None when it is not importable Python."""
        # Plain string operations: this runs for every file of the repository on every run.
        if not path.endswith((".py", ".pyi")):
            return None
        root = self._root_of(path)
        if root is None:
            return None
        relative = path[len(root) + 1 :] if root else path
        folder, _, filename = relative.rpartition("/")
        folder_parts = folder.split("/") if folder else []
        if _TEST_FILE.match(filename):
            # pytest (prepend/append mode): the base is the first folder upwards without __init__.py.
            kept: list[str] = []
            for depth in range(len(folder_parts), 0, -1):
                folder = "/".join(([root] if root else []) + folder_parts[:depth])
                if folder not in self._init_dirs:
                    break
                kept.insert(0, folder_parts[depth - 1])
            folder_parts = kept
        for part in folder_parts:
            if not part.isidentifier():
                return None
        stem = filename.rsplit(".", 1)[0]
        if stem == "__init__":
            if not folder_parts:
                return None
            name = ".".join(folder_parts)
            return ModuleInfo(name, name, True)
        if not stem.isidentifier():
            return None
        name = ".".join(folder_parts + [stem])
        return ModuleInfo(name, ".".join(folder_parts), False)

    def path_of(self, module: str) -> str | None:
        return self._by_module.get(module)

    def is_module(self, module: str) -> bool:
        return module in self._by_module or self.is_namespace_package(module)

    def is_namespace_package(self, module: str) -> bool:
        return module in self._prefixes

    def top_level_names(self) -> set[str]:
        return {name.split(".")[0] for name in self._by_module}

    def modules(self) -> Iterable[str]:
        return self._by_module.keys()


def absolute_module(info: ModuleInfo, level: int, module: str | None) -> str | None:
    """The absolute module a `from <dots><module> import` statement names, or None if it escapes."""
    if level == 0:
        return module
    package_parts = info.package.split(".") if info.package else []
    if level - 1 > len(package_parts):
        return None
    base = package_parts[: len(package_parts) - (level - 1)]
    if module:
        base = base + module.split(".")
    return ".".join(base) if base else None
