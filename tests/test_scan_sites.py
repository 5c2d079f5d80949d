"""What audit reads from the `ast` scan and the index: import and call sites, fallback branches, star exports."""

from __future__ import annotations

from pathlib import Path

from ssot_migrate.config import load_config
from ssot_migrate.discover import discover
from ssot_migrate.repo import build_repo
from ssot_migrate.modules import ModuleInfo
from ssot_migrate.scan import scan_source

from .helpers import make_repo

MODULE = ModuleInfo("pkg.mod", "pkg", False)


def sites(source: str):
    return scan_source(source.encode("utf-8"), MODULE, "pkg/mod.py", sites=True)


def test_import_sites_in_every_scope_with_guard_and_type_checking_flags() -> None:
    scan = sites(
        "from typing import TYPE_CHECKING\n"
        "try:\n    from .types import make\nexcept ImportError:\n    make = None\n"
        "if TYPE_CHECKING:\n    from .x import Y\n"
        "def f():\n    import a.b as c\n"
    )
    assert [(s.module, s.name, s.line, s.col, s.guarded, s.type_checking) for s in scan.import_sites] == [
        ("typing", "TYPE_CHECKING", 1, 20, False, False),
        ("pkg.types", "make", 3, 24, True, False),
        ("pkg.x", "Y", 7, 20, False, True),
        ("a.b", None, 9, 12, False, False),
    ]
    assert [(s.statement_line, s.statement_col) for s in scan.import_sites][1] == (3, 5)


def test_call_sites_resolve_through_the_files_own_bindings() -> None:
    scan = sites(
        "import pkg.core as core\n"
        "from pkg.types import make\n"
        "def helper():\n    pass\n"
        "def f(make):\n    make()\n"
        "def g():\n    from pkg.local import tool\n    tool(1, k=2)\n    core.run(*a, **k)\n    helper()\n"
        "class C:\n    make = staticmethod(print)\n    def m(self):\n        make('x')\n"
        "print(make(1))\n"
    )
    calls = [(c.target, c.line, c.positional, c.keywords, c.star_args, c.star_kwargs) for c in scan.call_sites]
    assert calls == [
        ("pkg.local.tool", 9, 1, ("k",), False, False),
        ("pkg.mod.core.run", 10, 0, (), True, True),
        ("pkg.mod.helper", 11, 0, (), False, False),
        ("pkg.mod.make", 15, 1, (), False, False),
        ("pkg.mod.make", 16, 1, (), False, False),
    ]


def test_columns_count_characters_not_utf8_bytes() -> None:
    scan = sites("x = ('café', make())\nfrom pkg.types import make\n")
    assert [(c.line, c.col) for c in scan.call_sites] == [(1, 14)]  # 15 in UTF-8 bytes


def test_fallback_branch_and_decorators_are_recorded() -> None:
    summary = sites(
        "import functools\n"
        "try:\n    from .types import make\nexcept ImportError:\n    def make(code, message='x'):\n        pass\n"
        "@functools.lru_cache(maxsize=2)\ndef cached(a):\n    pass\n"
        "class K:\n    def __init__(self, a):\n        pass\n"
        "__all__ = ['make']\n"
    ).summary
    [imported] = summary.imports_of("make")
    [fallback] = summary.definitions_of("make")
    assert imported.fallback and not imported.handler
    assert fallback.fallback and fallback.handler
    assert summary.definitions_of("cached")[0].decorators == ("functools.lru_cache",)
    assert summary.definitions_of("K")[0].method_signature("__init__").describe() == "(a)"
    assert summary.all_line == 13


def test_index_star_imports_respect_all_and_mark_fallback_branches(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": (
            "from .impl import *\n"
            "try:\n    from .types import make\nexcept ImportError:\n    def make(code):\n        pass\n"
        ),
        "pkg/impl.py": "__all__ = ['Public']\n\n\nclass Public:\n    pass\n\n\nclass Hidden:\n    pass\n",
        "pkg/types.py": "def make(code, message):\n    pass\n",
    })
    repo = build_repo(root, load_config(root), discover(root))
    assert [r.fqn for r in repo.index.definitions("pkg.Public")] == ["pkg.impl.Public"]
    assert repo.index.definitions("pkg.Hidden") == []
    reached = {r.fqn: r.via_handler for r in repo.index.definitions("pkg.make")}
    assert reached == {"pkg.types.make": False, "pkg.make": True}
