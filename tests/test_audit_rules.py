"""The audit's rules one at a time, each on a small real repository through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from .helpers import make_repo, run_cli


def findings(tmp_path: Path, files: dict[str, str], *args: str) -> list[tuple[str, str, int, str]]:
    """(code, path, line, severity) of every finding, in report order."""
    repo = make_repo(tmp_path / "repo", files)
    result = run_cli("audit", "--format", "json", *args, cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    return [(f["code"], f["path"], f["line"], f["severity"]) for f in report["findings"]]


def messages(tmp_path: Path, files: dict[str, str]) -> list[str]:
    repo = make_repo(tmp_path / "repo", files)
    result = run_cli("audit", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    return [f["message"] for f in json.loads(result.stdout)["findings"]]


PKG = {"pkg/__init__.py": "", "pkg/core.py": "def run(a, b=1):\n    return a\n"}


# -- what is not broken ---------------------------------------------------------------------------------


def test_stdlib_installed_and_aliased_modules_are_not_broken(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        **PKG,
        "app.py": (
            "import os.path\nimport json\nfrom xml.etree import ElementTree\nimport pytest\nimport jsonschema.validators\n"
            "from pkg import core\nfrom pkg.core import run\nimport pkg.core as c\n"
        ),
    }) == []


def test_a_module_in_neither_place_is_reported_once_per_top_level_name(tmp_path: Path) -> None:
    files = {"a.py": "import nonexistent_dependency_xyz\n", "b.py": "from nonexistent_dependency_xyz.sub import x\n",
             "c.py": "try:\n    import optional_dependency_xyz\nexcept ImportError:\n    optional_dependency_xyz = None\n"}
    repo = make_repo(tmp_path / "repo", files)
    report = json.loads(run_cli("audit", "--format", "json", cwd=repo).stdout)
    [finding] = report["findings"]
    assert (finding["code"], finding["path"], finding["severity"]) == ("SSOT505", "a.py", "warning")
    assert "'nonexistent_dependency_xyz'" in finding["message"] and "(and 1 other import)" in finding["message"]


def test_sibling_modules_of_scripts_and_tests_are_importable(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        "tests/helpers.py": "X = 1\n",
        "tests/test_a.py": "from helpers import X\n",
        "scripts/tool.py": "import common\n",
        "scripts/common.py": "",
    }) == []


def test_generated_module_git_ignores_still_exists(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {
        ".gitignore": "pkg/_version.py\n", "pkg/__init__.py": "from pkg._version import version\n",
    })
    (repo / "pkg" / "_version.py").write_text("version = '1.0'\n")
    result = run_cli("audit", "--format", "json", cwd=repo)
    assert json.loads(result.stdout)["findings"] == []


def test_submodules_module_getattr_and_star_exports_bind_names(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        **PKG,
        "pkg/lazy.py": "def __getattr__(name):\n    return name\n",
        "pkg/api.py": "from .core import *\n",
        "app.py": "from pkg import core\nfrom pkg.lazy import anything\nfrom pkg.api import run\n",
    }) == []


# -- what is broken -------------------------------------------------------------------------------------


def test_star_import_respects_all(tmp_path: Path) -> None:
    result = findings(tmp_path, {
        "pkg/__init__.py": "from .impl import *\n",
        "pkg/impl.py": "__all__ = ['Public']\n\n\nclass Public:\n    pass\n\n\nclass Hidden:\n    pass\n",
        "app.py": "from pkg import Public\nfrom pkg import Hidden\n",
    })
    assert result == [("SSOT502", "app.py", 2, "error")]


def test_guarded_and_type_checking_imports_are_warnings(tmp_path: Path) -> None:
    result = findings(tmp_path, {
        **PKG,
        "app.py": (
            "from typing import TYPE_CHECKING\n"
            "try:\n    from pkg.core import gone\nexcept ImportError:\n    gone = None\n"
            "if TYPE_CHECKING:\n    from pkg.missing import Thing\n"
            "from pkg.core import also_gone\n"
        ),
    })
    assert result == [
        ("SSOT502", "app.py", 3, "warning"), ("SSOT501", "app.py", 7, "warning"), ("SSOT502", "app.py", 8, "error"),
    ]


def test_imports_inside_functions_are_audited(tmp_path: Path) -> None:
    assert findings(tmp_path, {**PKG, "app.py": "def f():\n    from pkg.core import gone\n    return gone\n"}) == [
        ("SSOT502", "app.py", 2, "error"),
    ]


def test_relative_import_above_the_top_package(tmp_path: Path) -> None:
    assert findings(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": "from ...x import y\n"}) == [
        ("SSOT506", "pkg/a.py", 1, "error"),
    ]


def test_a_file_that_does_not_parse_is_a_finding_and_the_rest_is_audited(tmp_path: Path) -> None:
    assert findings(tmp_path, {**PKG, "bad.py": "def f(:\n", "app.py": "from pkg.core import gone\n"}) == [
        ("SSOT502", "app.py", 1, "error"), ("SSOT001", "bad.py", 1, "error"),
    ]


def test_close_spelling_and_factory_variants_are_suggested(tmp_path: Path) -> None:
    found = messages(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/managers.py": "class WebSocketManagerFactory:\n    pass\n\n\nclass ConnectionRegistry:\n    pass\n",
        "app.py": "from pkg.managers import WebSocketManager\nfrom pkg.managers import ConnectionRegistery\n",
    })
    assert found == [
        "cannot import name 'WebSocketManager' from 'pkg.managers' (not defined there); "
        "renamed variant: pkg.managers:WebSocketManagerFactory",
        "cannot import name 'ConnectionRegistery' from 'pkg.managers' (not defined there); "
        "close spelling: pkg.managers:ConnectionRegistry",
    ]


def test_two_candidates_leave_the_choice_to_a_human(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "", "pkg/a.py": "class Thing:\n    pass\n", "pkg/b.py": "class Thing:\n    pass\n",
        "pkg/old.py": "", "app.py": "from pkg.old import Thing\n",
    })
    spec = tmp_path / "draft.toml"
    assert run_cli("audit", "--emit-spec", str(spec), cwd=repo).returncode == 0
    text = spec.read_text()
    assert "\n[[codemod]]" not in text
    assert "# A human must decide: alternatives: pkg.b:Thing." in text
    assert '# new = "pkg.a:Thing"' in text


# -- calls ----------------------------------------------------------------------------------------------


def test_calls_are_checked_through_imports_aliases_and_classes(tmp_path: Path) -> None:
    result = messages(tmp_path, {
        **PKG,
        "pkg/models.py": "class User:\n    def __init__(self, name, *, admin=False):\n        self.name = name\n",
        "app.py": (
            "import pkg.core as core\nfrom pkg.models import User\n\n"
            "core.run()\n"
            "core.run(1, 2, 3)\n"
            "core.run(1, c=2)\n"
            "User('x', True)\n"
            "User('x', admin=True)\n"
            "core.run(*[1, 2])\n"
            "core.run(**{'a': 1})\n"
        ),
    })
    assert [m.split(":")[0] for m in result] == [
        "run() missing 1 required argument",
        "run() takes 2 positional arguments but 3 were given",
        "run() got an unexpected keyword argument 'c'",
        "User() takes 1 positional argument but 2 were given",
    ]


def test_calls_to_shadowed_names_and_decorated_functions_are_not_checked(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        **PKG,
        "pkg/deco.py": "import functools\n\n\n@functools.wraps(print)\ndef wrapped(a):\n    return a\n",
        "app.py": (
            "from pkg.core import run\nfrom pkg.deco import wrapped\n\n"
            "def f(run):\n    return run()\n\n"
            "def g():\n    run = print\n    return run()\n\n"
            "wrapped(1, 2, 3)\n"
        ),
    }) == []


def test_definitions_in_version_branches_are_alternatives(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/m.py": "import sys\n\nif sys.version_info >= (3, 12):\n    def f(a):\n        pass\nelse:\n"
                    "    def f(a, b):\n        pass\n",
        "app.py": "from pkg.m import f\n\nf(1, 2)\nf(1)\nf(1, 2, 3)\n",
    }) == [("SSOT530", "app.py", 5, "error")]


def test_real_world_patterns_that_are_not_leftovers(tmp_path: Path) -> None:
    """Module dunders, py2/platform branches and `except ImportError:` fallbacks of optional dependencies."""
    assert findings(tmp_path, {
        "pkg/__init__.py": "",
        "app.py": (
            "import sys\nfrom pkg import __file__ as pkg_file\n"
            "if sys.version_info[0] < 3:\n    from StringIO import StringIO\n"
            "if sys.platform == 'win32':\n    import winreg_helpers_xyz\n"
            "try:\n    from urllib.parse import urljoin\nexcept ImportError:\n    from urlparse import urljoin\n"
        ),
    }) == []


def test_submodules_of_a_plain_module_are_only_info(tmp_path: Path) -> None:
    """`six.moves.x`: only an import hook installed at runtime can provide it, and whether one does is unknown."""
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "", "pkg/six.py": "moves = None\n", "app.py": "from pkg.six.moves import http_client\n",
    })
    [finding] = json.loads(run_cli("audit", "--format", "json", cwd=repo).stdout)["findings"]
    assert (finding["code"], finding["severity"]) == ("SSOT501", "info")
    assert "pkg.six is a module, not a package: only an import hook can provide this" in finding["message"]


def test_a_candidate_in_another_top_level_package_needs_a_human(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {
        "app/__init__.py": "", "app/main.py": "from app.markdown import render\n",
        "shared/__init__.py": "", "shared/markdown.py": "def render():\n    pass\n",
    })
    report = json.loads(run_cli("audit", "--format", "json", cwd=repo).stdout)
    [finding] = report["findings"]
    assert finding["suggestion"] == {"old": "app.markdown", "new": "shared.markdown"}
    assert finding["message"].endswith("moved to: shared.markdown (it is in another top-level package)")
    spec = tmp_path / "draft.toml"
    run_cli("audit", "--emit-spec", str(spec), cwd=repo)
    assert '# new = "shared.markdown"' in spec.read_text() and "\n[[codemod]]" not in spec.read_text()


def test_a_dynamic_all_is_unknown_not_incomplete(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        "pkg/__init__.py": "_more = ['helper']\n__all__ = ['extra'] + _more\n\nextra = 1\n\n\ndef helper():\n    pass\n",
        "app.py": "from pkg import extra, helper\n",
    }) == []


def test_stub_imports_are_for_type_checkers_only(tmp_path: Path) -> None:
    assert findings(tmp_path, {
        "pkg/__init__.py": "", "pkg/native.pyi": "from _typeshed import StrPath\n\ndef load(path: StrPath) -> None: ...\n",
    }) == []


def test_string_targets_of_patch_and_import_calls_must_resolve(tmp_path: Path) -> None:
    result = findings(tmp_path, {
        **PKG,
        "pkg/models.py": "class User:\n    name = 'x'\n",
        "tests/test_patch.py": (
            "import importlib\nfrom unittest import mock\n\n"
            "@mock.patch('pkg.core.run')\n@mock.patch('pkg.models.User.name')\ndef test_ok(a, b):\n    pass\n\n"
            "@mock.patch('pkg.core.gone')\ndef test_stale(a):\n    pass\n\n"
            "def test_fixture(monkeypatch):\n    monkeypatch.setattr('pkg.old.run', None)\n"
            "    monkeypatch.setattr('pkg.core.run', None)\n\n"
            "def test_import():\n    importlib.import_module('pkg.core')\n    importlib.import_module('pkg.gone')\n"
            "    mock.patch('json.dumps')\n"
        ),
    })
    assert result == [
        ("SSOT507", "tests/test_patch.py", 9, "error"),
        ("SSOT507", "tests/test_patch.py", 14, "error"),
        ("SSOT507", "tests/test_patch.py", 19, "error"),
    ]


def test_a_file_nested_too_deeply_to_walk_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    deep = "x = " + " + ".join(["a"] * 5000) + "\n"  # a BinOp tree 5000 deep
    result = findings(tmp_path, {**PKG, "deep.py": deep, "app.py": "from pkg.core import gone\n"})
    assert result == [("SSOT502", "app.py", 1, "error"), ("SSOT001", "deep.py", 1, "error")]


def test_pattern_groups_never_suggest_collapsing_interfaces_or_unrelated_classes(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/manager.py": "class WebSocketManager:\n    def send(self):\n        pass\n\n    def close(self):\n        pass\n",
        "app/legacy.py": "class LegacyWebSocketManager:\n    def send(self):\n        pass\n",
        "app/protocols.py": (
            "from typing import Protocol\n\n\nclass WebSocketManagerProtocol(Protocol):\n"
            "    def send(self): ...\n"
        ),
        "app/modes.py": "import enum\n\n\nclass WebSocketManagerMode(enum.Enum):\n    ISOLATED = 1\n",
        "app/users.py": "from app.manager import WebSocketManager\nfrom app import manager\n",
    }
    repo = make_repo(tmp_path / "repo", files)
    result = run_cli("audit", "--pattern", "*WebSocketManager*", "-f", "json", cwd=repo)
    by_path = {f["path"]: f for f in json.loads(result.stdout)["findings"] if f["code"] == "SSOT521"}
    assert by_path["app/legacy.py"]["suggestion"] == {"old": "app.legacy.LegacyWebSocketManager",
                                                       "new": "app.manager.WebSocketManager"}
    for path in ("app/protocols.py", "app/modes.py"):
        assert "suggestion" not in by_path[path]
        assert by_path[path]["severity"] == "info"
        assert "no collapse onto app.manager.WebSocketManager is suggested" in by_path[path]["message"]
    draft = tmp_path / "draft.toml"
    run_cli("audit", "--pattern", "*WebSocketManager*", "--emit-spec", str(draft), cwd=repo)
    text = draft.read_text()
    assert "app.legacy.LegacyWebSocketManager" in text
    assert "WebSocketManagerProtocol" not in text.split("duplicates", 1)[-1].split("]", 1)[0]


# -- name families (SSOT522): duplicates found without --pattern -----------------------------------------------

MANAGER_API = (
    "    def connect(self, connection_id):\n        pass\n\n    def disconnect(self, connection_id):\n        pass\n\n"
    "    def send_to_user(self, message):\n        pass\n"
)


def family_findings(tmp_path: Path, files: dict[str, str]) -> list[dict]:
    repo = make_repo(tmp_path / "repo", files)
    result = run_cli("audit", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    return [f for f in json.loads(result.stdout)["findings"] if f["code"].startswith("SSOT52")]


def test_classes_whose_names_are_variants_and_share_api_are_one_group_without_a_pattern(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/manager.py": "class WebSocketManager:\n" + MANAGER_API + "\n    def broadcast(self):\n        pass\n",
        "app/unified.py": "class UnifiedWebSocketManager:\n" + MANAGER_API,
        "app/impl.py": "class _UnifiedWebSocketManagerImplementation:\n" + MANAGER_API,
        "app/routes.py": "class EmergencyWebSocketManager:\n" + MANAGER_API + "\n\nmanager = EmergencyWebSocketManager()\n",
        "app/protocols.py": "from typing import Protocol\n\n\nclass WebSocketManagerProtocol(Protocol):\n" + MANAGER_API,
        "app/modes.py": "import enum\n\n\nclass WebSocketManagerMode(enum.Enum):\n    ISOLATED = 1\n",
        "app/factory.py": "class WebSocketManagerFactory:\n    def create(self):\n        pass\n",
        "app/users.py": "from app.unified import UnifiedWebSocketManager\n",
        "app/more_users.py": "from app.unified import UnifiedWebSocketManager\n",
        "app/legacy_users.py": "from app.manager import WebSocketManager\n",
    }
    found = family_findings(tmp_path, files)
    assert {(f["path"], f["code"], f["severity"]) for f in found} == {
        ("app/manager.py", "SSOT522", "warning"), ("app/unified.py", "SSOT522", "warning"),
        ("app/impl.py", "SSOT522", "warning"), ("app/routes.py", "SSOT522", "warning"),
    }
    group = ["app.impl._UnifiedWebSocketManagerImplementation", "app.manager.WebSocketManager",
             "app.routes.EmergencyWebSocketManager", "app.unified.UnifiedWebSocketManager"]
    assert all(f["group"] == group for f in found)
    legacy = next(f for f in found if f["path"] == "app/manager.py")
    assert legacy["suggestion"] == {"old": "app.manager.WebSocketManager", "new": "app.unified.UnifiedWebSocketManager"}
    assert legacy["message"] == (
        "4 classes are variants of the name WebSocketManager and share public API: " + ", ".join(group)
        + "; suggested canonical: app.unified.UnifiedWebSocketManager (2 imports); 75% of public members shared "
        "with it: connect, disconnect, send_to_user; it lacks broadcast"
    )

    draft = tmp_path / "draft.toml"
    assert run_cli("audit", "--emit-spec", str(draft), cwd=tmp_path / "repo").returncode == 0
    text = draft.read_text()
    assert (
        "# SSOT522 classes whose names are variants of one another and share public API: 3 duplicates of "
        "app.unified.UnifiedWebSocketManager, the class most imports reach.\n"
    ) in text
    assert (
        '\n[[codemod]]\nkind = "collapse-class"\ncanonical = "app.unified.UnifiedWebSocketManager"\n'
        'duplicates = ["app.impl._UnifiedWebSocketManagerImplementation", "app.manager.WebSocketManager", '
        '"app.routes.EmergencyWebSocketManager"]\nleave = "deprecated-alias"\n'
    ) in text

    # Named with --pattern as well, the family is reported once, as the group the person named.
    result = run_cli("audit", "--format", "json", "--pattern", "*WebSocketManager*", cwd=tmp_path / "repo")
    codes = [f["code"] for f in json.loads(result.stdout)["findings"] if f["code"].startswith("SSOT52")]
    assert codes and set(codes) == {"SSOT521"}


def test_a_subclass_and_its_base_are_no_name_family(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/manager.py": "class WebSocketManager:\n" + MANAGER_API,
        "app/unified.py": (
            "from app.manager import WebSocketManager\n\n\nclass UnifiedWebSocketManager(WebSocketManager):\n" + MANAGER_API
        ),
        # Two implementations of one base, the more imported one the canonical: polymorphism, not duplication.
        "app/sessions.py": "class SessionStore:\n" + MANAGER_API,
        "app/redis.py": (
            "from app.sessions import SessionStore\n\n\nclass RedisSessionStore(SessionStore):\n" + MANAGER_API
        ),
        "app/files.py": (
            "from app.sessions import SessionStore\n\n\nclass FileSessionStore(SessionStore):\n" + MANAGER_API
        ),
        "app/users.py": "from app.unified import UnifiedWebSocketManager\nfrom app.redis import RedisSessionStore\n",
        "app/more_users.py": "from app.redis import RedisSessionStore\n",
    }
    found = family_findings(tmp_path, files)
    # UnifiedWebSocketManager extends WebSocketManager; the *SessionStore classes are one hierarchy.
    assert [(f["path"], f["code"]) for f in found] == []


def test_variant_names_without_shared_api_or_outside_production_are_no_name_family(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "",
        "app/manager.py": "class WebSocketManager:\n" + MANAGER_API,
        "app/factory.py": "class WebSocketManagerFactory:\n    def create(self, user):\n        pass\n",
        "app/settings.py": "class WebSocketManagerSettings:\n    timeout = 3\n\n    def __eq__(self, other):\n        return True\n",
        "app/errors.py": "class WebSocketManagerError(Exception):\n    pass\n",
        # A qualifier before the stem keeps the head noun, but nothing of the API is shared.
        "app/remote.py": "class RemoteWebSocketManager:\n    def ping(self):\n        pass\n",
        # The same methods, but another head noun: a client the manager delegates to is another kind of thing.
        "app/client.py": "class WebSocketManagerClient:\n" + MANAGER_API,
        # Mixins are stacked by inheritance: one overriding another's method is design.
        "app/mixins.py": (
            "class ContextMixin:\n    def get_context_data(self):\n        pass\n\n\n"
            "class PasswordContextMixin:\n    def get_context_data(self):\n        pass\n"
        ),
        "tests/__init__.py": "",
        "tests/fakes.py": "class FakeWebSocketManager:\n" + MANAGER_API,
        "app/users.py": "from app.manager import WebSocketManager\n",
    }
    assert family_findings(tmp_path, files) == []
    # The same classes under a name that keeps the head noun are a family: the rule is the names, not the API.
    files["app/client.py"] = "class LegacyWebSocketManager:\n" + MANAGER_API
    assert {f["path"] for f in family_findings(tmp_path / "again", files)} == {"app/manager.py", "app/client.py"}
