"""The production incident, reproduced: call sites written for a permissive fallback crash with TypeError
against the strict definition, and run correctly after `ssot-migrate apply --in-place`.

Every check runs real code in a subprocess: the crash before, the CLI, the fixed code after.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from .helpers import make_repo, run_cli, spec_text, tree_bytes

PACKAGE = {
    "netra_backend/__init__.py": "",
    "netra_backend/app/__init__.py": "",
    "netra_backend/app/websocket_core/types.py": (
        "from typing import Any, Dict, Optional\n"
        "\n"
        "\n"
        "def create_error_message(error_code: str, error_message: str, details: Optional[dict] = None) -> Dict[str, Any]:\n"
        "    return {'type': 'error', 'code': error_code, 'message': error_message, 'details': details or {}}\n"
        "\n"
        "\n"
        "def create_server_message(msg_type: str, data: Dict[str, Any]) -> Dict[str, Any]:\n"
        "    return {'type': msg_type, 'data': data}\n"
    ),
    "netra_backend/app/websocket_core/manager.py": (
        "class IsolatedWebSocketManager:\n"
        "    def __init__(self, user_context):\n"
        "        self.user_context = user_context\n"
        "\n"
        "\n"
        "def create_websocket_manager(user_context):\n"
        "    return IsolatedWebSocketManager(user_context)\n"
    ),
    # The permissive fallback that hid the missing argument while the real module failed to import.
    "netra_backend/app/websocket_core/__init__.py": (
        "try:\n"
        "    from .types import create_error_message, create_server_message\n"
        "except ImportError:\n"
        "    def create_error_message(error_code, message=\"Error\", **kwargs):\n"
        "        return {'type': 'error', 'code': error_code, 'message': message}\n"
        "\n"
        "    def create_server_message(msg_type, data=None):\n"
        "        return {'type': msg_type, 'data': data}\n"
        "\n"
        "from .manager import create_websocket_manager\n"
    ),
    "netra_backend/app/routes/__init__.py": "",
    "netra_backend/app/routes/websocket_ssot.py": (
        "from netra_backend.app.websocket_core.types import create_server_message, create_error_message\n"
        "from netra_backend.app.websocket_core import create_websocket_manager\n"
        "\n"
        "\n"
        "def authenticate(token):\n"
        "    if token != 'secret':\n"
        "        return create_error_message(\"Authentication failed\")\n"
        "    return create_server_message(\"authenticated\")\n"
        "\n"
        "\n"
        "def initialize(context):\n"
        "    try:\n"
        "        manager = create_websocket_manager(context=context)\n"
        "    except RuntimeError:\n"
        "        return create_error_message(\"Service initialization failed\")\n"
        "    return manager\n"
        "\n"
        "\n"
        "def cleanup(reason):\n"
        "    return create_error_message(f\"Cleanup failed: {reason}\")\n"
    ),
    "netra_backend/app/routes/legacy.py": (
        "from ..websocket_core import create_error_message as error_for\n"
        "\n"
        "\n"
        "def legacy_failure():\n"
        "    return error_for(message=\"WebSocket closed!\")\n"
    ),
    "unrelated.py": "def create_error_message(text):\n    return text\n\n\nprint(create_error_message('untouched'))\n",
}
SPEC = spec_text(
    [
        {
            "kind": "error-code-message",
            "function": "netra_backend.app.websocket_core.types.create_error_message",
            "codes": {"Authentication failed": "AUTH_FAILED", "Service initialization failed": "SERVICE_INIT_FAILED"},
            "derive": "upper-snake",
            "dynamic": "INTERNAL_ERROR",
        },
        {
            "kind": "call-args",
            "function": "netra_backend.app.websocket_core.create_websocket_manager",
            "keyword_to_positional": {"context": 0},
        },
        {
            "kind": "call-args",
            "function": "netra_backend.app.websocket_core.create_server_message",
            "add": [{"name": "data", "position": 1, "value": "{}"}],
        },
    ],
    name="websocket-ssot",
)

SCENARIOS = {
    "auth": "from netra_backend.app.routes.websocket_ssot import authenticate\nresult = authenticate('wrong')",
    "init": "from netra_backend.app.routes.websocket_ssot import initialize\nresult = initialize('ctx').user_context",
    "ok": "from netra_backend.app.routes.websocket_ssot import authenticate\nresult = authenticate('secret')",
    "cleanup": "from netra_backend.app.routes.websocket_ssot import cleanup\nresult = cleanup('socket gone')",
    "legacy": "from netra_backend.app.routes.legacy import legacy_failure\nresult = legacy_failure()",
}


def _run(repo: Path, scenario: str) -> subprocess.CompletedProcess[str]:
    code = SCENARIOS[scenario] + "\nimport json\nprint(json.dumps(result))\n"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, timeout=60,
        env={"PYTHONPATH": str(repo), "PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", {**PACKAGE, "migration.toml": SPEC})


@pytest.mark.parametrize(
    ("scenario", "error"),
    [
        ("auth", "TypeError: create_error_message() missing 1 required positional argument: 'error_message'"),
        ("init", "TypeError: create_websocket_manager() got an unexpected keyword argument 'context'"),
        ("ok", "TypeError: create_server_message() missing 1 required positional argument: 'data'"),
        ("cleanup", "TypeError: create_error_message() missing 1 required positional argument: 'error_message'"),
        ("legacy", "TypeError: create_error_message() got an unexpected keyword argument 'message'"),
    ],
)
def test_the_call_sites_crash_before_the_migration(repo: Path, scenario: str, error: str) -> None:
    result = _run(repo, scenario)
    assert result.returncode == 1
    assert error in result.stderr


def test_apply_in_place_fixes_every_call_site_and_the_code_runs(repo: Path) -> None:
    applied = run_cli("apply", "--in-place", "--spec", "migration.toml", cwd=repo)
    assert applied.returncode == 0, applied.stderr.decode()
    assert applied.stdout.decode().endswith("Wrote 2 files.\n")

    outputs = {}
    for scenario in SCENARIOS:
        result = _run(repo, scenario)
        assert result.returncode == 0, (scenario, result.stderr)
        outputs[scenario] = json.loads(result.stdout)
    assert outputs["auth"] == {"type": "error", "code": "AUTH_FAILED", "message": "Authentication failed", "details": {}}
    assert outputs["init"] == "ctx"
    assert outputs["ok"] == {"type": "authenticated", "data": {}}
    assert outputs["cleanup"]["code"] == "INTERNAL_ERROR"
    assert outputs["cleanup"]["message"] == "Cleanup failed: socket gone"
    assert outputs["legacy"]["code"] == "WEB_SOCKET_CLOSED"
    assert outputs["legacy"]["message"] == "WebSocket closed!"

    routes = (repo / "netra_backend/app/routes/websocket_ssot.py").read_text()
    assert 'create_error_message("AUTH_FAILED", "Authentication failed")' in routes
    assert 'create_error_message("SERVICE_INIT_FAILED", "Service initialization failed")' in routes
    assert "create_websocket_manager(context)" in routes
    assert 'create_server_message("authenticated", {})' in routes
    assert (repo / "netra_backend/app/routes/legacy.py").read_text().endswith(
        'return error_for("WEB_SOCKET_CLOSED", "WebSocket closed!")\n'
    )
    assert (repo / "unrelated.py").read_text() == PACKAGE["unrelated.py"]


def test_the_plan_reports_the_fallback_trap_once_and_the_dynamic_message(repo: Path) -> None:
    result = run_cli("plan", "--spec", "migration.toml", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    plan = json.loads(result.stdout)
    found = [(f["code"], f["path"], f["line"], f["codemod"]) for f in plan["findings"]]
    assert found == [
        ("SSOT301", "netra_backend/app/routes/websocket_ssot.py", 20, 0),
        ("SSOT313", "netra_backend/app/websocket_core/__init__.py", 4, 0),
        ("SSOT203", "netra_backend/app/websocket_core/__init__.py", 7, 2),
    ]
    trap = plan["findings"][1]["message"]
    assert "(error_code, message=..., **kwargs)" in trap and "(error_code, error_message, details=...)" in trap
    assert [c["edits"] for c in plan["codemods"]] == [4, 1, 1]


def test_a_second_run_plans_nothing(repo: Path) -> None:
    assert run_cli("apply", "--in-place", "--spec", "migration.toml", cwd=repo).returncode == 0
    after = tree_bytes(repo)
    second = run_cli("plan", "--spec", "migration.toml", "--format", "diff", cwd=repo)
    assert second.returncode == 0 and second.stdout == b""
    assert tree_bytes(repo) == after


def test_a_call_that_still_would_not_bind_stops_a_strict_apply_and_is_never_written(tmp_path: Path) -> None:
    files = {
        **PACKAGE,
        "netra_backend/app/routes/retry.py": (
            "from netra_backend.app.websocket_core.types import create_error_message\n"
            "\n"
            "\n"
            "def retry_failed():\n"
            "    return create_error_message(\"Retry failed\", retry=True)\n"
        ),
        "migration.toml": SPEC,
    }
    repo = make_repo(tmp_path / "repo", files)
    before = tree_bytes(repo)

    strict = run_cli("apply", "--in-place", "--strict", "--spec", "migration.toml", cwd=repo)
    assert strict.returncode == 3
    assert "--strict: 1 error finding(s); nothing was written." in strict.stdout.decode()
    assert tree_bytes(repo) == before, "--strict writes nothing when a call would not bind"

    applied = run_cli("apply", "--in-place", "--spec", "migration.toml", "--format", "json", cwd=repo)
    assert applied.returncode == 0, applied.stderr.decode()
    report = json.loads(applied.stdout)
    refused = [f for f in report["findings"] if f["code"] == "SSOT312"]
    assert [(f["path"], f["line"], f["severity"]) for f in refused] == [("netra_backend/app/routes/retry.py", 5, "error")]
    assert "got an unexpected keyword argument 'retry'" in refused[0]["message"]
    assert "netra_backend/app/routes/retry.py" not in report["written"]
    assert (repo / "netra_backend/app/routes/retry.py").read_bytes() == before["netra_backend/app/routes/retry.py"]
    assert _run(repo, "auth").returncode == 0
