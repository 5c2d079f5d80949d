"""The index answers class and import-graph questions: aliases of a class, what a class has, who imports whom."""

from __future__ import annotations

from pathlib import Path

from ssot_migrate.config import load_config
from ssot_migrate.discover import discover
from ssot_migrate.repo import build_repo
from ssot_migrate.index import class_definitions, import_chain, import_closure, qualify, runtime_imports

from .helpers import make_repo

PACKAGE = {
    "pkg/__init__.py": "from .core import Manager\nfrom . import helpers\n",
    "pkg/core.py": (
        "from typing import TYPE_CHECKING\n"
        "\n"
        "import pkg.events\n"
        "from pkg import helpers\n"
        "\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.legacy import LegacyManager\n"
        "\n"
        "\n"
        "class Manager:\n"
        "    retries = 3\n"
        "\n"
        "    def __init__(self, user_id):\n"
        "        self.user_id = user_id\n"
        "\n"
        "    @property\n"
        "    def active(self):\n"
        "        return True\n"
        "\n"
        "    @classmethod\n"
        "    def create(cls):\n"
        "        return cls(None)\n"
        "\n"
        "    async def send(self, message):\n"
        "        self.last = message\n"
    ),
    "pkg/events.py": "from pkg.legacy import notify\n",
    "pkg/helpers.py": "",
    "pkg/legacy.py": (
        "from pkg import Manager as _Manager\n"
        "\n"
        "LegacyManager = _Manager\n"
        "\n"
        "\n"
        "def notify():\n"
        "    return 1\n"
    ),
}


def _index(tmp_path: Path):
    root = make_repo(tmp_path / "repo", PACKAGE)
    return build_repo(root, load_config(root), discover(root)).index


def test_runtime_imports_skip_type_checking_and_name_submodules_not_parents(tmp_path: Path) -> None:
    index = _index(tmp_path)
    assert runtime_imports(index, "pkg.core") == {"pkg.events", "pkg.helpers"}
    assert runtime_imports(index, "pkg") == {"pkg.core", "pkg.helpers"}
    assert runtime_imports(index, "pkg.legacy") == {"pkg"}


def test_import_closure_gives_the_chain_that_would_close_a_cycle(tmp_path: Path) -> None:
    index = _index(tmp_path)
    closure = import_closure(index, "pkg.core")
    assert set(closure) == {"pkg.core", "pkg.events", "pkg.helpers", "pkg.legacy", "pkg"}
    assert import_chain(closure, "pkg.legacy") == ["pkg.core", "pkg.events", "pkg.legacy"]
    assert import_chain(import_closure(index, "pkg.helpers"), "pkg.core") is None


def test_class_definitions_follow_reexports_and_assignments(tmp_path: Path) -> None:
    index = _index(tmp_path)
    assert [r.fqn for r in class_definitions(index, "pkg.legacy.LegacyManager")] == ["pkg.core.Manager"]
    assert [r.fqn for r in class_definitions(index, "pkg.Manager")] == ["pkg.core.Manager"]
    assert class_definitions(index, "pkg.legacy.notify") == []
    assert qualify(index, "pkg.legacy", "_Manager") == "pkg.Manager"
    assert qualify(index, "pkg.core", "pkg.events.notify") == "pkg.events.notify"
    assert qualify(index, "pkg.core", "Exception") == "builtins.Exception"
    assert qualify(index, "pkg.core", "undefined_name") is None


def test_class_members_say_what_each_member_is(tmp_path: Path) -> None:
    index = _index(tmp_path)
    [manager] = class_definitions(index, "pkg.core.Manager")
    assert manager.definition is not None
    assert manager.definition.member_kinds == (
        ("retries", "attribute", 11),
        ("__init__", "method", 13),
        ("active", "property", 17),
        ("create", "classmethod", 21),
        ("send", "async method", 24),
        ("user_id", "instance attribute", 14),
        ("last", "instance attribute", 25),
    )
