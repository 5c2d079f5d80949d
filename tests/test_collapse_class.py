"""collapse-class end to end: three duplicate managers collapse onto one, through the real CLI, and the migrated
code runs. Deprecated aliases warn once per access and never on import; strict and remove refuse what is unsafe.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .helpers import make_repo, run_cli, spec_text, tree_bytes

CANONICAL = "pkg.websocket_manager.UnifiedWebSocketManager"
DUPLICATES = [
    "pkg.legacy_manager.WebSocketManager",
    "pkg.unified_manager._UnifiedWebSocketManager",
    "pkg.emergency.EmergencyWebSocketManager",
]


def _src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


THREE_MANAGERS = {
    "pkg/__init__.py": "",
    "pkg/websocket_manager.py": _src(
        """
        class UnifiedWebSocketManager:
            def __init__(self, user_id=None):
                self.user_id = user_id
                self.sent = []

            def send(self, message):
                self.sent.append(message)
                return len(self.sent)
        """
    ),
    # The easy cases: a subclass that adds nothing, and an alias.
    "pkg/legacy_manager.py": _src(
        """
        from pkg.websocket_manager import UnifiedWebSocketManager


        class WebSocketManager(UnifiedWebSocketManager):
            \"\"\"Kept for old imports.\"\"\"
        """
    ),
    "pkg/emergency.py": _src(
        """
        from pkg.websocket_manager import UnifiedWebSocketManager

        EmergencyWebSocketManager = UnifiedWebSocketManager
        """
    ),
    # The hard case: its own state and behaviour, a member the canonical lacks, another __init__.
    "pkg/unified_manager.py": _src(
        """
        class _UnifiedWebSocketManager:
            def __init__(self, user_id=None, loop=None):
                self.user_id = user_id
                self.loop = loop
                self.sent = []

            def send(self, message):
                self.sent.append(message)
                return len(self.sent)

            def broadcast(self, message):
                return [message]
        """
    ),
    "app/__init__.py": "",
    "app/service.py": _src(
        """
        from pkg.emergency import EmergencyWebSocketManager
        from pkg.legacy_manager import WebSocketManager
        from pkg.unified_manager import _UnifiedWebSocketManager


        def make(user_id):
            manager = _UnifiedWebSocketManager(user_id)
            manager.send("hello")
            return manager


        def is_manager(obj) -> bool:
            return isinstance(obj, (WebSocketManager, EmergencyWebSocketManager, _UnifiedWebSocketManager))


        class AuditedManager(WebSocketManager):
            def send(self, message):
                return super().send(message.upper())
        """
    ),
    # Never run by the tests: it relies on what only the hard duplicate has.
    "app/admin.py": _src(
        """
        from pkg.unified_manager import _UnifiedWebSocketManager


        def announce(manager: _UnifiedWebSocketManager, text):
            return manager.broadcast(text)


        def build():
            return _UnifiedWebSocketManager(user_id="admin", loop=None)
        """
    ),
    "tests/test_service.py": _src(
        """
        from unittest import mock

        from app.service import AuditedManager, is_manager, make
        from pkg.emergency import EmergencyWebSocketManager


        def test_make_sends():
            manager = make("u1")
            assert manager.sent == ["hello"]
            assert is_manager(manager)


        def test_subclass_is_a_manager():
            manager = AuditedManager("u2")
            assert manager.send("hi") == 1
            assert manager.sent == ["HI"]
            assert is_manager(manager) and is_manager(EmergencyWebSocketManager())


        @mock.patch("app.service._UnifiedWebSocketManager")
        def test_make_with_a_patched_class(patched):
            make("u3")
            patched.assert_called_once_with("u3")
        """
    ),
}


def _spec(**options: object) -> str:
    return spec_text(
        [{"kind": "collapse-class", "canonical": CANONICAL, "duplicates": DUPLICATES, **options}],
        name="websocket-ssot",
    )


def _repo(tmp_path: Path, files: dict[str, str] | None = None, **options: object) -> Path:
    return make_repo(tmp_path / "repo", {**(files or THREE_MANAGERS), "migration.toml": _spec(**options)})


def _run_python(repo: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _src(code)], cwd=repo, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(repo), "PYTHONDONTWRITEBYTECODE": "1"},
    )


def _pytest(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"], cwd=repo, capture_output=True,
        text=True, timeout=300, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(repo), "PYTHONDONTWRITEBYTECODE": "1"},
    )


def _apply(repo: Path) -> None:
    result = run_cli("apply", "--spec", "migration.toml", "--in-place", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()


def _findings(repo: Path) -> list[dict]:
    result = run_cli("plan", "--spec", "migration.toml", "-f", "json", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)["findings"]


# -- the callers work against the canonical class ---------------------------------------------


def test_callers_work_against_the_canonical_class_after_apply(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    assert _pytest(repo).returncode == 0, "the fixture's own tests pass before the migration"

    _apply(repo)

    service = (repo / "app/service.py").read_text()
    assert service.startswith("from pkg.websocket_manager import UnifiedWebSocketManager\n\n\n")
    assert "isinstance(obj, UnifiedWebSocketManager)" in service
    assert "class AuditedManager(UnifiedWebSocketManager):" in service
    assert '@mock.patch("app.service.UnifiedWebSocketManager")' in (repo / "tests/test_service.py").read_text()
    for path in ("app/service.py", "app/admin.py", "tests/test_service.py"):
        text = (repo / path).read_text()
        assert "WebSocketManager(" not in text.replace("UnifiedWebSocketManager(", "")
        assert "legacy_manager" not in text and "unified_manager" not in text and "emergency" not in text

    after = _pytest(repo)
    assert after.returncode == 0, after.stdout + after.stderr
    run = _run_python(repo, """
        from app.service import AuditedManager, is_manager, make
        from pkg.websocket_manager import UnifiedWebSocketManager

        manager = make("u1")
        assert type(manager) is UnifiedWebSocketManager, type(manager)
        assert AuditedManager.__mro__[1] is UnifiedWebSocketManager
        assert is_manager(manager) and is_manager(AuditedManager())
        print("ok")
    """)
    assert run.stdout == "ok\n", run.stderr


def test_a_second_plan_after_apply_changes_nothing(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _apply(repo)
    before = tree_bytes(repo)
    result = run_cli("plan", "--spec", "migration.toml", "-f", "diff", cwd=repo)
    assert result.returncode == 0 and result.stdout == b""
    assert tree_bytes(repo) == before


# -- deprecated aliases ---------------------------------------------------------------------------


def test_an_old_name_warns_once_per_access_and_never_on_plain_import(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    _apply(repo)
    run = _run_python(repo, """
        import json
        import warnings

        warnings.simplefilter("error")  # a warning on plain import would raise here
        import pkg.emergency
        import pkg.legacy_manager
        import pkg.unified_manager

        from pkg.websocket_manager import UnifiedWebSocketManager

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            from pkg.legacy_manager import WebSocketManager
            after_import = len(caught)
            first = pkg.unified_manager._UnifiedWebSocketManager
            second = pkg.unified_manager._UnifiedWebSocketManager
            emergency = pkg.emergency.EmergencyWebSocketManager
        try:
            pkg.legacy_manager.NoSuchName
        except AttributeError as exc:
            missing = str(exc)
        print(json.dumps({
            "after_import": after_import,
            "warnings": [(w.category.__name__, str(w.message), w.filename) for w in caught],
            "canonical": [c is UnifiedWebSocketManager for c in (WebSocketManager, first, second, emergency)],
            "missing": missing,
        }))
    """)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["after_import"] == 1
    use = "use pkg.websocket_manager.UnifiedWebSocketManager"
    assert [w[:2] for w in report["warnings"]] == [
        ["DeprecationWarning", f"WebSocketManager is deprecated; {use}"],
        ["DeprecationWarning", f"_UnifiedWebSocketManager is deprecated; {use}"],
        ["DeprecationWarning", f"_UnifiedWebSocketManager is deprecated; {use}"],
        ["DeprecationWarning", f"EmergencyWebSocketManager is deprecated; {use}"],
    ]
    assert {w[2] for w in report["warnings"]} == {"<string>"}, "the warning points at the code that used the old name"
    assert report["canonical"] == [True, True, True, True]
    assert report["missing"] == "module 'pkg.legacy_manager' has no attribute 'NoSuchName'"


# -- API comparison ----------------------------------------------------------------------------------


def test_the_json_plan_lists_the_api_findings_with_their_users(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    findings = _findings(repo)
    by_code: dict[str, list[dict]] = {}
    for finding in findings:
        by_code.setdefault(finding["code"], []).append(finding)

    [hard] = by_code["SSOT402"]
    assert (hard["path"], hard["line"], hard["severity"]) == ("pkg/unified_manager.py", 1, "warning")
    assert "hard case" in hard["message"] and "own state and behaviour" in hard["message"]
    easy = sorted((f["path"], f["message"].split(":")[1].strip()) for f in by_code["SSOT401"])
    assert easy == [("pkg/emergency.py", "easy case"), ("pkg/legacy_manager.py", "easy case")]

    missing = {f["message"].split(": ", 1)[1].split(" ", 1)[0]: f for f in by_code["SSOT403"]}
    assert sorted(missing) == ["_UnifiedWebSocketManager.broadcast", "_UnifiedWebSocketManager.loop"]
    broadcast = missing["_UnifiedWebSocketManager.broadcast"]
    assert (broadcast["path"], broadcast["line"], broadcast["severity"]) == ("pkg/unified_manager.py", 11, "warning")
    assert broadcast["message"].endswith("used at app/admin.py:5")

    [init] = by_code["SSOT404"]
    assert init["line"] == 2
    assert "_UnifiedWebSocketManager.__init__(user_id=..., loop=...) differs from UnifiedWebSocketManager.__init__" in (
        init["message"]
    )
    assert "app/admin.py:9 (got an unexpected keyword argument 'loop')" in init["message"]

    [subclass] = by_code["SSOT406"]
    assert (subclass["path"], subclass["line"], subclass["severity"]) == ("app/service.py", 16, "info")
    assert "AuditedManager derives from pkg.legacy_manager.WebSocketManager" in subclass["message"]
    assert all(f["codemod"] == 0 for f in findings)


def test_the_pull_request_body_tells_the_hard_case_from_the_easy_ones(tmp_path: Path) -> None:
    repo = _repo(tmp_path)
    result = run_cli("plan", "--spec", "migration.toml", "-f", "markdown", cwd=repo)
    text = result.stdout.decode()
    human, notes = text.split("### Needs a human", 1)[1].split("### Notes", 1)
    assert "| warning | `pkg/unified_manager.py:1:1` | SSOT402 |" in human and "hard case" in human
    assert "easy case" not in human
    assert "| info | `pkg/legacy_manager.py:4:1` | SSOT401 |" in notes and "easy case" in notes


def test_strict_refuses_the_duplicate_whose_api_differs_and_collapses_the_rest(tmp_path: Path) -> None:
    repo = _repo(tmp_path, strict=True)
    original = tree_bytes(repo)
    [refusal] = [f for f in _findings(repo) if f["code"] == "SSOT405"]
    assert (refusal["path"], refusal["severity"]) == ("pkg/unified_manager.py", "error")
    assert "UnifiedWebSocketManager lacks loop, broadcast" in refusal["message"]

    _apply(repo)

    after = tree_bytes(repo)
    assert after["pkg/unified_manager.py"] == original["pkg/unified_manager.py"]
    assert after["app/admin.py"] == original["app/admin.py"]
    service = after["app/service.py"].decode()
    assert "from pkg.unified_manager import _UnifiedWebSocketManager\n" in service
    assert "isinstance(obj, (UnifiedWebSocketManager, _UnifiedWebSocketManager))" in service
    assert b"class WebSocketManager" not in after["pkg/legacy_manager.py"]
    assert _pytest(repo).returncode == 0


# -- remove --------------------------------------------------------------------------------------------


def test_remove_is_refused_while_references_remain_and_done_once_they_are_gone(tmp_path: Path) -> None:
    files = {
        **THREE_MANAGERS,
        "app/plugins.py": "from pkg.legacy_manager import *\n\nPLUGIN = WebSocketManager\n",
    }
    repo = make_repo(tmp_path / "repo", {**files, "migration.toml": spec_text([{
        "kind": "collapse-class", "canonical": CANONICAL, "duplicates": ["pkg.legacy_manager.WebSocketManager"],
        "leave": "remove",
    }])})
    [refusal] = [f for f in _findings(repo) if f["code"] == "SSOT408"]
    assert (refusal["path"], refusal["line"], refusal["severity"]) == ("pkg/legacy_manager.py", 4, "error")
    assert "app/plugins.py (from pkg.legacy_manager import *)" in refusal["message"]

    _apply(repo)
    assert "class WebSocketManager(UnifiedWebSocketManager):" in (repo / "pkg/legacy_manager.py").read_text()
    assert "from pkg.legacy_manager" not in (repo / "app/service.py").read_text()
    assert _pytest(repo).returncode == 0

    (repo / "app/plugins.py").write_text(
        "from pkg.websocket_manager import UnifiedWebSocketManager\n\nPLUGIN = UnifiedWebSocketManager\n"
    )
    assert [f["code"] for f in _findings(repo) if f["code"] == "SSOT408"] == []
    _apply(repo)
    assert (repo / "pkg/legacy_manager.py").read_text() == ""
    assert _pytest(repo).returncode == 0


# -- import cycles -------------------------------------------------------------------------------------


def test_a_duplicate_the_canonical_module_imports_gets_function_local_imports_and_still_imports(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/websocket_manager.py": _src(
            """
            from pkg.connections import normalize


            class UnifiedWebSocketManager:
                def send(self, message):
                    return normalize(message)
            """
        ),
        "pkg/connections.py": _src(
            """
            def normalize(message):
                return message.strip()


            class ConnectionManager:
                def send(self, message):
                    return normalize(message)


            def make_manager():
                return ConnectionManager()
            """
        ),
    }
    repo = make_repo(tmp_path / "repo", {**files, "migration.toml": spec_text([{
        "kind": "collapse-class", "canonical": CANONICAL, "duplicates": ["pkg.connections.ConnectionManager"],
    }])})
    _apply(repo)
    connections = (repo / "pkg/connections.py").read_text()
    assert "    from pkg.websocket_manager import UnifiedWebSocketManager\n    return UnifiedWebSocketManager()\n" in (
        connections
    )
    assert not connections.startswith("from pkg.websocket_manager")
    for first in ("pkg.connections", "pkg.websocket_manager"):
        run = _run_python(repo, f"""
            import warnings
            warnings.simplefilter("error")
            import {first}
            from pkg.connections import make_manager
            from pkg.websocket_manager import UnifiedWebSocketManager
            assert type(make_manager()) is UnifiedWebSocketManager
            assert make_manager().send(" hi ") == "hi"
            print("ok")
        """)
        assert run.stdout == "ok\n", run.stderr


# -- bytes and spec errors ---------------------------------------------------------------------------


def test_crlf_files_stay_crlf_and_untouched_lines_keep_their_bytes(tmp_path: Path) -> None:
    legacy = (
        "# -*- coding: utf-8 -*-\r\n"
        "from pkg.websocket_manager import UnifiedWebSocketManager  # the one manager\r\n"
        "\r\n"
        "\r\n"
        "class WebSocketManager(UnifiedWebSocketManager):\r\n"
        "    pass\r\n"
        "\r\n"
        "\r\n"
        "def make():  # factory   with odd   spacing\r\n"
        "    return WebSocketManager()\r\n"
    )
    files = {**THREE_MANAGERS, "pkg/legacy_manager.py": legacy}
    repo = make_repo(tmp_path / "repo", {**files, "migration.toml": spec_text([{
        "kind": "collapse-class", "canonical": CANONICAL, "duplicates": ["pkg.legacy_manager.WebSocketManager"],
    }])})
    _apply(repo)
    data = (repo / "pkg/legacy_manager.py").read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.startswith(
        b"# -*- coding: utf-8 -*-\r\n"
        b"from pkg.websocket_manager import UnifiedWebSocketManager  # the one manager\r\n"
        b"\r\n"
        b"\r\n"
        b"def make():  # factory   with odd   spacing\r\n"
        b"    return UnifiedWebSocketManager()\r\n"
        b"\r\n"
        b"\r\n"
        b"def __getattr__(name: str) -> object:\r\n"
    )


@pytest.mark.parametrize(
    ("duplicates", "message"),
    [
        ([CANONICAL, DUPLICATES[0]], f"key 'duplicates': {CANONICAL} is the canonical class; it cannot also be a duplicate"),
        ([DUPLICATES[0], DUPLICATES[0]], f"key 'duplicates': {DUPLICATES[0]} is listed twice"),
        ([], "key 'duplicates': list at least one duplicate class"),
        (["pkg"], "key 'duplicates': pkg is not a class of a module: write it as 'pkg.module.Class'"),
    ],
)
def test_a_bad_spec_exits_2_naming_the_key_and_touches_nothing(tmp_path: Path, duplicates: list[str], message: str) -> None:
    repo = make_repo(tmp_path / "repo", {**THREE_MANAGERS, "migration.toml": spec_text([{
        "kind": "collapse-class", "canonical": CANONICAL, "duplicates": duplicates, "leave": "remove",
    }])})
    before = tree_bytes(repo)
    result = run_cli("apply", "--spec", "migration.toml", "--in-place", cwd=repo)
    assert result.returncode == 2
    assert f"migration.toml:7: codemod 1 (collapse-class): {message}" in result.stderr.decode()
    assert tree_bytes(repo) == before


def test_an_unknown_leave_value_is_a_spec_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {**THREE_MANAGERS, "migration.toml": spec_text([{
        "kind": "collapse-class", "canonical": CANONICAL, "duplicates": DUPLICATES, "leave": "delete",
    }])})
    result = run_cli("plan", "--spec", "migration.toml", cwd=repo)
    assert result.returncode == 2
    assert "key 'leave': expected one of 'alias', 'deprecated-alias', 'remove', got 'delete'" in result.stderr.decode()


def test_a_canonical_class_that_does_not_exist_collapses_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {**THREE_MANAGERS, "migration.toml": spec_text([{
        "kind": "collapse-class", "canonical": "pkg.websocket_manager.UnifiedWebSocketManagr", "duplicates": DUPLICATES,
    }])})
    result = run_cli("plan", "--spec", "migration.toml", "-f", "json", cwd=repo)
    data = json.loads(result.stdout)
    assert data["files"] == []
    [error] = data["findings"]
    assert (error["code"], error["path"], error["line"], error["severity"]) == ("SSOT411", "migration.toml", 6, "error")


def test_api_findings_name_users_through_variables_with_blocks_attributes_and_protocols(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "",
        "pkg/websocket_manager.py": "class UnifiedWebSocketManager:\n    def send(self, message):\n        return message\n",
        "pkg/legacy.py": _src(
            """
            class WebSocketManager:
                def send(self, message):
                    return message

                def ping(self):
                    return True

                def close(self):
                    return None

                def flush(self):
                    return None

                @classmethod
                def create(cls):
                    return cls()

                def __enter__(self):
                    return self

                def __exit__(self, *exc):
                    return False
            """
        ),
        "app/__init__.py": "",
        "app/uses.py": _src(
            """
            from pkg.legacy import WebSocketManager


            def local_variable():
                manager = WebSocketManager()
                return manager.ping()


            def with_block():
                with WebSocketManager() as manager:
                    manager.close()


            class Holder:
                def __init__(self):
                    self.manager = WebSocketManager.create()
                    self.other = WebSocketManager()

                def drain(self):
                    self.other.flush()
            """
        ),
        "migration.toml": spec_text([{
            "kind": "collapse-class", "canonical": CANONICAL, "duplicates": ["pkg.legacy.WebSocketManager"],
        }]),
    }
    repo = make_repo(tmp_path / "repo", files)
    missing = {
        f["message"].split(": ", 1)[1].split(" ", 1)[0]: f["message"].rsplit("; ", 1)[1]
        for f in _findings(repo) if f["code"] == "SSOT403"
    }
    assert missing == {
        "WebSocketManager.ping": "used at app/uses.py:6",
        "WebSocketManager.close": "used at app/uses.py:11",
        "WebSocketManager.flush": "used at app/uses.py:20",
        "WebSocketManager.create": "used at app/uses.py:16",
        "WebSocketManager.__enter__": "used at app/uses.py:10",
        "WebSocketManager.__exit__": "used at app/uses.py:10",
    }
