"""The false-positive shapes audit met on healthy projects (Django, rich, attrs, zope.interface, pip), one small
real repository each, through the real CLI: each must stay silent (or `info`), and the real problem next to it
must still be reported."""

from __future__ import annotations

import json
from pathlib import Path

from .helpers import make_repo, run_cli


def report(tmp_path: Path, files: dict[str, str], *args: str) -> dict:
    repo = make_repo(tmp_path / "repo", files)
    result = run_cli("audit", "--format", "json", *args, cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def found(tmp_path: Path, files: dict[str, str], *args: str) -> list[tuple[str, str, int, str]]:
    return [(f["code"], f["path"], f["line"], f["severity"]) for f in report(tmp_path, files, *args)["findings"]]


# -- roots: imports resolve the way the project's own test run resolves them ----------------------------


RUNNER_PROJECT = {
    "pkg/__init__.py": "",
    "pkg/db.py": "class Model:\n    pass\n",
    # Django's shape: tests/ is no package; tests/runtests.py is run from there, so tests/ is sys.path[0].
    "tests/runtests.py": "import sys\n\n\ndef main():\n    return 0\n\n\nif __name__ == '__main__':\n    sys.exit(main())\n",
    "tests/composite_pk/__init__.py": "",
    "tests/composite_pk/models.py": "from pkg.db import Model\n\n\nclass Tenant(Model):\n    pass\n",
    "tests/composite_pk/helpers.py": "def make():\n    return 1\n",
    "tests/composite_pk/test_models.py": (
        "from composite_pk.models import Tenant\nfrom composite_pk import helpers\nimport composite_pk.helpers\n"
        "from composite_pk.missing import nothing\n"
    ),
    "tests/admin_checks/__init__.py": "",
    "tests/admin_checks/tests.py": "from composite_pk.models import Tenant\nfrom composite_pk.helpers import make\n",
}


def test_a_top_level_test_runner_puts_its_folder_on_sys_path_and_the_stats_say_so(tmp_path: Path) -> None:
    data = report(tmp_path, RUNNER_PROJECT)
    assert [(f["code"], f["path"], f["line"], f["severity"]) for f in data["findings"]] == [
        ("SSOT501", "tests/composite_pk/test_models.py", 4, "error"),  # the one import that is really broken
    ]
    assert {"folder": "tests", "how": "test runner script tests/runtests.py (its folder is sys.path[0])"} in \
        data["stats"]["roots"]
    verbose = run_cli("audit", "--verbose", cwd=tmp_path / "repo")
    assert b"audit: import root tests (test runner script tests/runtests.py" in verbose.stderr


def test_pytest_pythonpath_and_conftest_placement_are_roots(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": '[tool.pytest.ini_options]\npythonpath = ["support"]\n',
        "support/fixtures_lib.py": "def build():\n    return 1\n",
        "app/__init__.py": "",
        "tests/conftest.py": "",
        "tests/helpers/__init__.py": "def helper():\n    return 1\n",
        "tests/unit/test_a.py": "from fixtures_lib import build\nfrom helpers import helper\n",
    }
    data = report(tmp_path, files)
    assert data["findings"] == []
    roots = {r["folder"]: r["how"] for r in data["stats"]["roots"]}
    assert roots["support"] == "pyproject.toml [tool.pytest.ini_options] pythonpath"
    assert roots["tests"] == "conftest.py placement (tests/conftest.py)"


def test_tox_changedir_and_sys_path_inserts_of_a_runner_are_roots(tmp_path: Path) -> None:
    files = {
        "tox.ini": "[testenv]\nchangedir = suite\ncommands = {envpython} run_suite.py\n",
        "suite/run_suite.py": "print('run')\n",
        "suite/cases/__init__.py": "",
        "suite/cases/test_x.py": "from cases import test_y\n",
        "suite/cases/test_y.py": "",
        "runtests.py": (
            "import os\nimport sys\n\nsys.path.insert(0, os.path.join(os.path.dirname(__file__), 'vendor_libs'))\n\n"
            "if __name__ == '__main__':\n    pass\n"
        ),
        "vendor_libs/extra.py": "X = 1\n",
        "tools/use.py": "import extra\n",
    }
    data = report(tmp_path, files)
    assert data["findings"] == []
    roots = {r["folder"]: r["how"] for r in data["stats"]["roots"]}
    assert roots["suite"] == "tox.ini [testenv] runs suite/run_suite.py"
    assert roots["vendor_libs"] == "sys.path.insert in runtests.py:4"


def test_many_imports_under_one_undetected_folder_are_one_finding_naming_the_roots_setting(tmp_path: Path) -> None:
    files = {"app/__init__.py": "", "suite/cases/__init__.py": "", "checks/__init__.py": ""}
    for n in range(6):
        files[f"suite/cases/mod{n}.py"] = f"X{n} = 1\n"
        files[f"checks/check_{n}.py"] = f"from cases.mod{n} import X{n}\n"
    data = report(tmp_path, files)
    [finding] = data["findings"]
    assert (finding["code"], finding["severity"]) == ("SSOT508", "warning")
    assert "6 imports in 6 files" in finding["message"]
    assert "with suite/ on sys.path" in finding["message"]
    assert 'roots = [".", "suite"]' in finding["message"]
    # Fewer than five are reported one by one, as broken imports.
    few = {k: v for k, v in files.items() if not k.startswith(("checks/check_3", "checks/check_4", "checks/check_5"))}
    assert [f[0] for f in found(tmp_path / "few", few)] == ["SSOT505"]


def test_a_test_package_named_like_an_installed_library_means_the_library_outside_the_tests(tmp_path: Path) -> None:
    files = {
        "tests/sphinx/__init__.py": "",
        "tests/sphinx/test_docs.py": "from sphinx import helpers\n",
        "tests/sphinx/helpers.py": "",
        "docs/conf.py": "from sphinx import addnodes\n",
    }
    # Outside tests/ `sphinx` is the documentation tool, which is not installed here: SSOT505, not a broken name.
    assert found(tmp_path, files) == [("SSOT505", "docs/conf.py", 1, "warning")]


# -- every error is real ---------------------------------------------------------------------------------


def test_import_of_dunder_all_and_names_a_module_binds_dynamically_are_not_errors(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/fields.py": "__all__ = ['A'] + ['B']\nA = B = 1\n",
        "pkg/models.py": "from pkg.fields import *\nfrom pkg.fields import __all__ as fields_all\n__all__ = fields_all\n",
        "pkg/dyn.py": "for name in ('C', 'D'):\n    globals()[name] = name\n",
        "pkg/lazy.py": "def __getattr__(name):\n    return name\n",
        "pkg/_compat.py": (
            "import sys\n\n\ndef use_c_impl(py_impl):\n    sys._getframe(1).f_globals[py_impl.__name__ + 'Py'] = py_impl\n"
            "    return py_impl\n"
        ),
        "pkg/decl.py": "from pkg._compat import use_c_impl\n\n\n@use_c_impl\ndef provided():\n    pass\n",
        "pkg/cond.py": "import sys\n\nif sys.platform == 'win32':\n    def f():\n        pass\nelse:\n    def f():\n        pass\n",
        "pkg/typed.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from pkg.fields import A\n",
        "use.py": (
            "from pkg.models import A, B\nfrom pkg.dyn import C\nfrom pkg.lazy import anything\n"
            "from pkg.decl import providedPy\nfrom pkg.cond import f\nfrom pkg.typed import A as TA\n"
            "from pkg.fields import Nope\n"
        ),
    }
    assert found(tmp_path, files) == [("SSOT502", "use.py", 7, "error")]


def test_namespace_portions_and_compiled_extensions_are_not_missing_modules(tmp_path: Path) -> None:
    files = {
        # An old-style namespace package: `zope.testing` is another distribution's portion.
        "src/zope/__init__.py": "__import__('pkg_resources').declare_namespace(__name__)\n",
        "src/zope/interface/__init__.py": "",
        "src/zope/interface/_speedups.c": "/* built at install time */\n",
        "src/zope/interface/_compat.py": "from zope.interface import _speedups\n",
        "src/zope/interface/tests.py": "import zope.testing.loggingsupport\n",
    }
    assert found(tmp_path, files) == [("SSOT505", "src/zope/interface/tests.py", 1, "warning")]


def test_signatures_follow_the_mro_and_stay_silent_where_they_cannot_be_known(tmp_path: Path) -> None:
    lib = (
        "import functools\nimport attrs\nfrom dataclasses import dataclass\nfrom typing import NamedTuple, overload\n\n\n"
        "class Base:\n    def __init__(self, a, b=1):\n        pass\n\n\n"
        "class Child(Base):\n    pass\n\n\n"
        "class Forwarding(Base):\n    def __init__(self, *args, extra=None, **kwargs):\n"
        "        super().__init__(*args, **kwargs)\n\n\n"
        "class KeywordOnly(Base):\n    def __init__(self, *, name=None, **kwargs):\n        super().__init__(**kwargs)\n\n"
        "    @classmethod\n    def build(cls, a, b, c):\n        return cls(a=a)\n\n\n"
        "@dataclass\nclass Record:\n    x: int\n\n\n"
        "@attrs.define\nclass Point:\n    x: int\n    y: int = 0\n\n\n"
        "class Pair(NamedTuple):\n    left: int\n    right: int\n\n\n"
        "class Meta(type):\n    def __call__(cls, *args):\n        return super().__call__()\n\n\n"
        "class WithMeta(metaclass=Meta):\n    def __init__(self):\n        pass\n\n\n"
        "def deco(f):\n    @functools.wraps(f)\n    def wrapper(*args, **kwargs):\n        return f(*args, **kwargs)\n"
        "    return wrapper\n\n\n"
        "@deco\ndef wrapped(a):\n    return a\n\n\n"
        "@overload\ndef over(a: int) -> int: ...\n@overload\ndef over(a: str, b: str) -> str: ...\n"
        "def over(*args):\n    return args\n\n\n"
        "class Overloaded:\n    @overload\n    def __init__(self, a: int) -> None: ...\n"
        "    @overload\n    def __init__(self, a: str, b: str) -> None: ...\n    def __init__(self, *args):\n        pass\n"
    )
    use = (
        "import pytest\nfrom pkg.lib import Base, Child, Forwarding, KeywordOnly, Record, Pair, WithMeta, wrapped, over\n"
        "from pkg.lib import Overloaded, Point\n\n"
        "Child(1, 2)\nForwarding(1, 2, extra=3)\nKeywordOnly.build(1, 2, 3)\nRecord(1)\nPair(1, 2)\nWithMeta(1, 2)\n"
        "wrapped(1, 2, 3)\nover('a', 'b')\nOverloaded('a', 'b'); Point(1, 2)\n\n"
        "with pytest.raises(TypeError):\n    Base()\n\n"
        "Child()\n"  # line 18: really broken, through the MRO
    )
    files = {"pkg/__init__.py": "", "pkg/lib.py": lib, "pkg/use.py": use}
    data = report(tmp_path, files)
    assert [(f["code"], f["line"]) for f in data["findings"]] == [("SSOT530", 18)]
    assert "missing 1 required argument: 'a'" in data["findings"][0]["message"]


def test_vendored_code_and_import_hook_submodules_are_milder(tmp_path: Path) -> None:
    files = {
        "src/tool/__init__.py": "",
        "src/tool/_vendor/__init__.py": "",
        "src/tool/_vendor/rich/__init__.py": "",
        "src/tool/_vendor/rich/tree.py": "from tool._vendor.rich.markdown import Markdown\n",
        "src/tool/_vendor/six.py": "moves = None\n",
        "src/tool/net.py": "from tool._vendor.six.moves import http_client\n",
    }
    assert sorted(found(tmp_path, files)) == [
        ("SSOT501", "src/tool/_vendor/rich/tree.py", 1, "warning"),
        ("SSOT501", "src/tool/net.py", 1, "info"),
    ]


def test_names_a_module_re_exports_on_purpose_or_that_everyone_imports_from_it_are_no_warning(tmp_path: Path) -> None:
    files = {
        "web/__init__.py": "",
        "web/base.py": "__all__ = ['Node', 'Other']\n\n\nclass Node:\n    pass\n\n\nclass Other:\n    pass\n",
        "web/template.py": "from web.base import Node  # noqa\nfrom web.base import Other\n__all__ = ['render']\n\n\n"
                           "def render():\n    pass\n",
        "app/__init__.py": "",
        "app/a.py": "from web.template import Node\nfrom web.template import Other\n",
        "app/b.py": "from web.template import Other\n",
        "app/c.py": "from web.template import Other\n",
    }
    # `Node` is a deliberate re-export (# noqa); `Other` is how the repository imports it (3 to 0): info only.
    assert found(tmp_path, files) == [
        ("SSOT503", "app/a.py", 2, "info"), ("SSOT503", "app/b.py", 1, "info"), ("SSOT503", "app/c.py", 1, "info"),
    ]


# -- duplicates that mean something ------------------------------------------------------------------------


def test_duplicate_classes_are_production_copies_that_share_api_and_the_message_says_what(tmp_path: Path) -> None:
    service = "class Cache:\n    def get(self, key):\n        pass\n\n    def set(self, key, value):\n        pass\n"
    files = {
        "app/__init__.py": "", "app/cache.py": service,
        "lib/__init__.py": "", "lib/cache.py": service + "\n    def clear(self):\n        pass\n",
        # Only a name in common (no shared public member).
        "app/errors.py": "class Error(Exception):\n    pass\n",
        "lib/errors.py": "class Error(ValueError):\n    code = 1\n",
        # Test models and helpers, migrations, __main__ demos.
        "tests/test_a.py": "class Article:\n    def save(self):\n        pass\n",
        "tests/test_b.py": "class Article:\n    def save(self):\n        pass\n",
        "app/migrations/__init__.py": "", "app/migrations/initial.py": "class Migration:\n    operations = []\n",
        "lib/migrations/__init__.py": "", "lib/migrations/initial.py": "class Migration:\n    operations = []\n",
        "app/demo.py": "if __name__ == '__main__':\n    class Cache:\n        def get(self, key):\n            pass\n",
        # Implementations of one base in plugin modules (`Command(BaseCommand)` per command).
        "app/commands/__init__.py": "class BaseCommand:\n    def handle(self):\n        pass\n",
        "app/commands/run.py": "from app.commands import BaseCommand\n\n\nclass Command(BaseCommand):\n    help = 'run'\n\n"
                               "    def handle(self):\n        pass\n",
        "lib/commands.py": "from app.commands import BaseCommand\n\n\nclass Command(BaseCommand):\n    help = 'lib'\n\n"
                           "    def handle(self):\n        pass\n",
    }
    data = report(tmp_path, files)
    duplicates = [f for f in data["findings"] if f["code"] == "SSOT520"]
    assert {(f["path"], f["severity"]) for f in duplicates} == {("app/cache.py", "warning"), ("lib/cache.py", "warning")}
    copy = next(f for f in duplicates if "suggested canonical:" in f["message"])
    assert "67% of public members shared with it: get, set" in copy["message"]
    everything = report(tmp_path / "all", files, "--duplicates", "all")
    names = {f["message"].split(" is defined")[0] for f in everything["findings"] if f["code"] == "SSOT520"}
    assert names == {"Cache", "Error", "Article", "Migration", "Command"}


# -- the bundled example: what a codemod can fix, the draft fixes ---------------------------------------------


def test_the_drafted_spec_applied_on_a_branch_leaves_only_what_a_person_fixes(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "netra_like"
    files = {p.relative_to(example).as_posix(): p.read_bytes() for p in sorted(example.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts}
    repo = make_repo(tmp_path / "example", files)
    draft = tmp_path / "draft.toml"
    # Default settings: the duplicate managers are found as one name family, no --pattern needed.
    audited = run_cli("audit", "--emit-spec", str(draft), cwd=repo)
    assert audited.returncode == 0, audited.stderr.decode()
    text = draft.read_text()
    ws = "netra_backend.app.websocket_core"
    assert (
        '[[codemod]]\nkind = "collapse-class"\n'
        f'canonical = "{ws}.websocket_manager.UnifiedWebSocketManager"\n'
        f'duplicates = ["netra_backend.app.routes.websocket.EmergencyWebSocketManager", "{ws}.manager.WebSocketManager", '
        f'"{ws}.unified_manager._UnifiedWebSocketManagerImplementation", '
        f'"{ws}.websocket_manager_factory.IsolatedWebSocketManager"]\n'
    ) in text, "the collapse is drafted live"
    assert "# Confirm before merging: data = {} (an empty Dict, from its annotation)." in text
    assert '"Service initialization failed" = "SERVICE_INIT_FAILED"' in text  # the pair the tests already write
    applied = run_cli("apply", "--spec", str(draft), "--branch", "ssot/{name}", cwd=repo)
    assert applied.returncode == 0, applied.stderr.decode()
    err = applied.stdout.decode() + applied.stderr.decode()
    assert "gate: passed" in err
    assert "gate: after the edits: 79 passed, 2 collection errors" in err
    still = sorted(line.split("still failing: ")[1] for line in err.splitlines() if "still failing: " in line)
    assert still == ["tests.integration.test_docker_services_fallback",
                     "tests.mission_critical.test_circuit_breaker_resilience"]


# -- the pre-commit hook ------------------------------------------------------------------------------------------


def test_the_hook_fails_on_errors_in_the_changed_files_and_in_the_files_they_break(tmp_path: Path) -> None:
    hooks = (Path(__file__).resolve().parents[1] / ".pre-commit-hooks.yaml").read_text()
    entry = next(line.split("entry: ", 1)[1] for line in hooks.splitlines()[hooks.splitlines().index("- id: ssot-migrate-audit"):]
                 if line.strip().startswith("entry:"))
    assert entry == "ssot-migrate audit --fail-on error --importers --output-format concise"
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "",
        "pkg/api.py": "def kept():\n    pass\n",  # the changed file: `removed` is gone
        "pkg/user.py": "from pkg.api import removed\n",
        "pkg/other.py": "from pkg.gone import thing\n",  # broken, but not by this change
        "pkg/clean.py": "from pkg.api import kept\n",
    })
    hook = run_cli(*entry.split()[1:], "pkg/api.py", cwd=repo)
    assert hook.returncode == 1
    lines = hook.stdout.decode().splitlines()
    assert lines[0] == ("pkg/user.py:1:21: SSOT502 error: cannot import name 'removed' from 'pkg.api' (not defined "
                        "there); no candidate in the repository")
    assert not any("pkg/other.py" in line for line in lines)
    # Without --importers only the changed files are reported: here, nothing.
    assert run_cli("audit", "--fail-on", "error", "pkg/api.py", cwd=repo).returncode == 0


def test_an_audit_of_some_paths_reports_there_exactly_what_the_whole_audit_reports(tmp_path: Path) -> None:
    """Files outside PATHS are read for their statements only (a cheaper scan); the findings must not change."""
    fixture = Path(__file__).parent / "fixtures" / "ssot_debt"
    files = {p.relative_to(fixture).as_posix(): p.read_bytes() for p in sorted(fixture.rglob("*")) if p.is_file()}
    repo = make_repo(tmp_path / "repo", files)

    def audit(*args: str) -> list[dict]:
        result = run_cli("audit", "--format", "json", "--pattern", "*WebSocketManager*", *args, cwd=repo)
        assert result.returncode == 0, result.stderr.decode()
        return json.loads(result.stdout)["findings"]

    everything = audit()
    for paths in (["netra_backend/app/routes"], ["tests/test_circuit_breaker.py", "netra_backend/app/websocket_core"]):
        expected = [f for f in everything if any(f["path"] == p or f["path"].startswith(p + "/") for p in paths)]
        assert expected and audit(*paths) == expected


def test_a_cached_statement_scan_never_hides_a_change_outside_the_paths(tmp_path: Path, private_cache_home: Path) -> None:
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "", "pkg/api.py": "def kept():\n    pass\n", "pkg/user.py": "from pkg.api import kept\n",
    })
    first = run_cli("audit", "--fail-on", "error", "pkg/user.py", cwd=repo)
    assert first.returncode == 0, first.stdout.decode()
    assert any(private_cache_home.rglob("*.json")), "the statement scans of the other files are cached"
    assert run_cli("audit", "--fail-on", "error", "pkg/user.py", cwd=repo).returncode == 0
    (repo / "pkg" / "api.py").write_text("def renamed():\n    pass\n")
    after = run_cli("audit", "--fail-on", "error", "pkg/user.py", cwd=repo)
    assert after.returncode == 1
    assert b"pkg/user.py:1:21: SSOT502 error: cannot import name 'kept' from 'pkg.api'" in after.stdout


def test_the_hooks_cached_scans_of_importers_follow_their_changes(tmp_path: Path, private_cache_home: Path) -> None:
    """With --importers, the files that import a changed file are scanned for their sites and cached by content:
    a second run reads them from the cache and reports the same; an importer that changes is scanned again."""
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "",
        "pkg/api.py": "def kept(a):\n    pass\n",
        "pkg/user.py": "from pkg.api import kept\n\nkept(1)\n",
    })
    args = ("audit", "--fail-on", "error", "--importers", "--output-format", "concise", "pkg/api.py")
    first = run_cli(*args, cwd=repo)
    assert first.returncode == 0, first.stdout.decode()
    cached = {p.name for p in private_cache_home.rglob("*.json")}
    # The statement scans of the two other files, the site scans of the changed file and of its importer.
    assert len(cached) == 4
    warm = run_cli(*args, cwd=repo)
    assert warm.returncode == 0 and warm.stdout.splitlines()[:-1] == first.stdout.splitlines()[:-1]
    assert {p.name for p in private_cache_home.rglob("*.json")} == cached, "the warm run found every scan cached"
    (repo / "pkg" / "user.py").write_text("from pkg.api import kept\n\nkept(1, 2)\n")
    after = run_cli(*args, cwd=repo)
    assert after.returncode == 1
    assert b"pkg/user.py:3:1: SSOT530 error:" in after.stdout


def test_signatures_read_from_cached_scans_fit_the_calls_as_fresh_ones_and_follow_their_changes(
    tmp_path: Path, private_cache_home: Path
) -> None:
    """A warm run decodes a cached scan's signatures and methods only when a checked call reaches them: the calls
    get the same findings as on the cold run, and a changed definition outside PATHS is never served stale."""
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "",
        "pkg/api.py": (
            "class Client:\n    def __init__(self, url, *, retries=3):\n        pass\n\n\n"
            "def fetch(url, timeout):\n    pass\n"
        ),
        "pkg/user.py": "from pkg.api import Client, fetch\n\nClient('u', 5)\nfetch('u')\n",
    })
    args = ("audit", "--fail-on", "error", "--output-format", "concise", "pkg/user.py")
    cold = run_cli(*args, cwd=repo)
    assert cold.returncode == 1
    findings = cold.stdout.decode().splitlines()[:-1]
    assert [line.split(" error: ")[0] for line in findings] == ["pkg/user.py:3:1: SSOT530", "pkg/user.py:4:1: SSOT530"]
    assert "Client() takes 1 positional argument but 2 were given" in findings[0]
    assert "fetch() missing 1 required argument: 'timeout'" in findings[1]
    warm = run_cli(*args, cwd=repo)
    assert warm.returncode == 1 and warm.stdout.decode().splitlines()[:-1] == findings
    (repo / "pkg" / "api.py").write_text(
        "class Client:\n    def __init__(self, url, retries=3):\n        pass\n\n\ndef fetch(url, timeout=1):\n    pass\n"
    )
    after = run_cli(*args, cwd=repo)
    assert after.returncode == 0, after.stdout.decode()
    assert b"SSOT530" not in after.stdout
