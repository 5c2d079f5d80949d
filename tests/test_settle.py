"""A file settled from its `ast` scan (no libcst parse) gets exactly the plan of the libcst path.

`rename-import` settles the home module of a symbol that moves to another module, planned before the person moved
the definition: when nothing there can reach an old path, the only result is SSOT108 at the definition. Each case
below plans the same repository twice, through the real CLI (settling on) and in-process with settling turned
off, and compares every edit and finding; `shortcut` says whether the home file must skip the libcst parse.
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from ssot_migrate.api import load_target_migration, plan_target, resolve_target
from ssot_migrate.transforms.rename_import import RenameImport

from .helpers import make_repo, run_cli, spec_text


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@dataclass(frozen=True)
class Case:
    title: str
    home: str  # pkg/a.py, which defines (or not) `Foo`; the spec moves pkg.a.Foo to pkg.b:Foo
    shortcut: bool


CASES = [
    Case(
        "a class with its own uses, string annotations and leading comments",
        src('''
            """The module."""
            import os

            # A comment above the class.

            class Foo:
                def copy(self) -> "Foo":
                    return Foo()


            DEFAULT = Foo()
            __all__ = ["Foo", "DEFAULT"]
            '''),
        shortcut=True,
    ),
    Case("a function", "def Foo():\n    return 1\n\n\nVALUE = Foo()\n", shortcut=True),
    Case("an async function", "async def Foo():\n    return 1\n", shortcut=True),
    Case("a decorated class (libcst places it at its decorator)", "import functools\n\n\n@functools.total_ordering\nclass Foo:\n    pass\n", shortcut=False),
    Case("the name bound again in a function", "class Foo:\n    pass\n\n\ndef f():\n    Foo = 1\n    return Foo\n", shortcut=False),
    Case("a parameter of the same name", "class Foo:\n    pass\n\n\ndef f(Foo=None):\n    return Foo\n", shortcut=False),
    Case("a `global` of the name", "class Foo:\n    pass\n\n\ndef reset():\n    global Foo\n    Foo = None\n", shortcut=False),
    Case("defined under `if`", "import sys\n\nif sys.version_info >= (3,):\n    class Foo:\n        pass\n", shortcut=False),
    Case("defined twice", "class Foo:\n    pass\n\n\nclass Foo:  # noqa: F811\n    pass\n", shortcut=False),
    Case("imported as well", "from pkg.c import Foo\n\n\nclass Bar(Foo):\n    pass\n", shortcut=False),
    Case("a self-import that reaches the old path", "class Foo:\n    pass\n\n\ndef f():\n    import pkg.a\n    return pkg.a.Foo\n", shortcut=False),
    Case("a dotted string naming the old path", 'class Foo:\n    pass\n\n\nTARGET = "pkg.a.Foo"\n', shortcut=False),
    Case("a literal that may start the old path", 'class Foo:\n    pass\n\n\ndef f(name):\n    return "pkg.a." + name\n', shortcut=False),
    Case("a match capture of the name", "class Foo:\n    pass\n\n\ndef f(x):\n    match x:\n        case [Foo]:\n            return Foo\n", shortcut=False),
    Case("no definition left (the person moved it)", "VALUE = 1\n", shortcut=False),
]


def _repo(tmp_path: Path, home: str) -> Path:
    return make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "",
        "pkg/a.py": home,
        "pkg/b.py": "",
        "pkg/c.py": "class Foo:\n    pass\n",
        "main.py": "from pkg.a import Foo\n\nprint(Foo)\n",
        "migration.toml": spec_text([{"kind": "rename-import", "old": "pkg.a.Foo", "new": "pkg.b:Foo"}]),
    })


def _libcst_path(repo: Path, monkeypatch: pytest.MonkeyPatch) -> dict:
    """The same plan with settling turned off, in this process (one job: no worker sees another class)."""
    monkeypatch.setattr(RenameImport, "settle", lambda self, scan, tree: None)
    monkeypatch.chdir(repo)
    target = resolve_target((), repo)
    plan = plan_target(target, load_target_migration(target, ["migration.toml"]), jobs=1, cache=None)
    return {
        "files": {f.path: f.diff.decode() for f in plan.files},
        "findings": sorted((f.path, f.line, f.col, f.severity, f.code, f.message) for f in plan.findings),
        "parsed": plan.stats.parsed,
    }


@pytest.mark.parametrize("case", CASES, ids=[c.title for c in CASES])
def test_a_settled_file_gets_the_plan_of_the_libcst_path(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = _repo(tmp_path, case.home)
    result = run_cli("plan", "--spec", "migration.toml", "--format", "json", "--no-cache", "--jobs", "1", cwd=repo)
    assert result.returncode in (0, 1), result.stderr.decode()
    report = json.loads(result.stdout)
    settled = {
        "files": {f["path"]: f["diff"] for f in report["files"]},
        "findings": sorted(
            (f["path"], f["line"], f["col"], f["severity"], f["code"], f["message"]) for f in report["findings"]
        ),
    }
    assert "main.py" in settled["files"]
    reference = _libcst_path(repo, monkeypatch)
    assert settled == {"files": reference["files"], "findings": reference["findings"]}
    # The home file is parsed by libcst only when it cannot be settled.
    assert report["stats"]["parsed"] == reference["parsed"] - (1 if case.shortcut else 0)
    if case.shortcut:
        assert [f[4] for f in settled["findings"] if f[0] == "pkg/a.py"] == ["SSOT108"]
