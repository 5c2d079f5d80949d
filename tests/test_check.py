"""`ssot-migrate check`: the guard for pre-commit and CI, on clean and dirty files of real git repositories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from pre_commit.clientlib import load_manifest

from .helpers import ENV_BASE, git, make_repo, run_cli, spec_text, tree_bytes

ROOT = Path(__file__).resolve().parents[1]
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

SPEC = spec_text(
    [
        {"kind": "rename-import", "old": "app.agents.bridge", "new": "app.services.bridge"},
        {"kind": "rename-import", "old": "app.services.breaker.CircuitBreakerState",
         "new": "app.core.resilience:UnifiedCircuitBreakerState"},
    ],
    name="websocket-ssot",
)
FILES = {
    "pyproject.toml": '[tool.ssot-migrate]\nspecs = ["migration.toml"]\n',
    "migration.toml": SPEC,
    "app/__init__.py": "",
    "app/agents/__init__.py": "",
    "app/services/__init__.py": "",
    "app/services/bridge.py": "def connect(user):\n    return user\n",
    "app/services/breaker.py": "class CircuitBreaker:\n    pass\n",
    "app/core/__init__.py": "",
    "app/core/resilience.py": "import enum\n\n\nclass UnifiedCircuitBreakerState(enum.Enum):\n    OPEN = 1\n",
    "app/clean.py": "from app.services.bridge import connect\n\n\ndef handler(user):\n    return connect(user)\n",
    "app/dirty.py": (
        "from app.agents.bridge import connect\n"
        "from app.services.breaker import CircuitBreaker, CircuitBreakerState\n"
        "\n"
        "\n"
        "def handler(user):\n"
        "    return connect(user), CircuitBreakerState.OPEN\n"
    ),
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", FILES)


def test_clean_files_pass_silently(repo: Path) -> None:
    result = run_cli("check", "app/clean.py", "app/services/bridge.py", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == b"" and result.stderr == b""


def test_dirty_file_prints_one_line_per_pending_edit_and_exits_1(repo: Path) -> None:
    before = tree_bytes(repo)
    result = run_cli("check", "app/dirty.py", "app/clean.py", cwd=repo)
    assert result.returncode == 1
    # Positions are those of the file on disk, also for the second codemod after the first split line 2.
    assert result.stdout.decode().splitlines() == [
        "app/dirty.py:1:6: SSOT581 error: uses app.agents.bridge, retired by codemod 1 (fix: app.services.bridge)",
        "app/dirty.py:2:50: SSOT581 error: uses app.services.breaker.CircuitBreakerState, retired by codemod 2 "
        "(fix: app.core.resilience.UnifiedCircuitBreakerState)",
        "app/dirty.py:6:27: SSOT581 error: uses app.services.breaker.CircuitBreakerState, retired by codemod 2 "
        "(fix: app.core.resilience.UnifiedCircuitBreakerState)",
        "3 pending edits of migration websocket-ssot: `ssot-migrate apply --in-place` (or `plan` to preview) fixes them.",
    ]
    assert result.stderr == b""
    assert tree_bytes(repo) == before, "check never writes"


def test_without_files_every_file_of_the_project_is_checked(repo: Path) -> None:
    result = run_cli("check", cwd=repo)
    assert result.returncode == 1
    assert {line.split(":")[0] for line in result.stdout.decode().splitlines()[:-1]} == {"app/dirty.py"}


def test_after_apply_the_check_passes(repo: Path) -> None:
    assert run_cli("apply", "--in-place", cwd=repo).returncode == 0
    result = run_cli("check", cwd=repo)
    assert result.returncode == 0 and result.stdout == b""


def test_spec_option_overrides_the_configured_specs(repo: Path) -> None:
    (repo / "only-bridge.toml").write_text(
        spec_text([{"kind": "rename-import", "old": "app.agents.bridge", "new": "app.services.bridge"}])
    )
    result = run_cli("check", "--spec", "only-bridge.toml", "app/dirty.py", cwd=repo)
    assert result.returncode == 1
    lines = result.stdout.decode().splitlines()
    assert [line.split(": ")[1].split()[0] for line in lines[:-1]] == ["SSOT581"]
    assert lines[-1].startswith("1 pending edit of migration test-migration")
    assert run_cli("check", "-q", "--spec", "only-bridge.toml", "app/dirty.py", cwd=repo).stdout.decode() == (
        lines[0] + "\n"), "--quiet: the findings only"


def test_no_spec_anywhere_is_a_usage_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "bare", {"app.py": "import json\n"})
    result = run_cli("check", "app.py", cwd=repo)
    assert result.returncode == 2
    assert b"no codemods to run" in result.stderr


def test_json_report(repo: Path) -> None:
    result = run_cli("check", "--format", "json", "app/dirty.py", cwd=repo)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert set(report) == {"schema_version", "tool", "findings", "stats"}
    first = report["findings"][0]
    assert first == {
        "path": "app/dirty.py", "line": 1, "col": 6, "severity": "error", "code": "SSOT581", "codemod": 0,
        "message": "uses app.agents.bridge, retired by codemod 1 (fix: app.services.bridge)",
        "suggestion": {"old": "app.agents.bridge", "new": "app.services.bridge"},
    }
    assert report["stats"]["discovered"] == 1, "only the given file is planned"


def test_sarif_report_validates(repo: Path) -> None:
    result = run_cli("check", "--format", "sarif", "app/dirty.py", cwd=repo)
    assert result.returncode == 1
    log = json.loads(result.stdout)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))).validate(log)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["SSOT581"] * 3
    assert log["runs"][0]["automationDetails"]["id"] == "ssot-migrate/check/"


def test_a_refusal_in_the_checked_file_fails_the_check(tmp_path: Path) -> None:
    spec = spec_text([{"kind": "rename-import", "old": "app.old", "new": "app.new:thing"}])
    repo = make_repo(tmp_path / "refusal", {
        "app/__init__.py": "", "app/new.py": "thing = 1\n", "app/user.py": "from app.old import helper\n",
        "migration.toml": spec,
    })
    result = run_cli("check", "--spec", "migration.toml", "app/user.py", cwd=repo)
    assert result.returncode == 1
    assert result.stdout.decode().startswith("app/user.py:1:1: SSOT105 error: ")
    assert b"1 refused edit that needs a hand" in result.stdout


# -- pre-commit -----------------------------------------------------------------------------------------


def test_the_hook_manifest_is_valid_for_pre_commit() -> None:
    hooks = {hook["id"]: hook for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    check = hooks["ssot-migrate-check"]
    assert check["entry"] == "ssot-migrate check" and check["language"] == "python"
    assert check["pass_filenames"] is True and check["require_serial"] is True
    assert hooks["ssot-migrate-audit"]["entry"] == "ssot-migrate audit --fail-on error --importers --output-format concise"


def test_pre_commit_runs_the_hook_on_staged_files(repo: Path, tmp_path: Path) -> None:
    """The manifest's hook, run by pre-commit itself (as a local hook using the installed command)."""
    [hook] = [h for h in load_manifest(str(ROOT / ".pre-commit-hooks.yaml")) if h["id"] == "ssot-migrate-check"]
    local = {key: hook[key] for key in ("id", "name", "entry", "types_or", "require_serial")}
    local["language"] = "system"  # the hook env would install this same package; here it already is
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": [local]}]}))
    git(repo, "add", ".pre-commit-config.yaml")
    git(repo, "commit", "-q", "-m", "pre-commit config")
    bin_dir = Path(sys.executable).parent
    env = {**os.environ, **ENV_BASE, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"),
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTEST_ADDOPTS", None)

    def pre_commit(*files: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(bin_dir / "pre-commit"), "run", "--files", *files], cwd=repo,
                              capture_output=True, text=True, env=env)

    clean = pre_commit("app/clean.py")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "ssot-migrate check" in clean.stdout and "Passed" in clean.stdout
    dirty = pre_commit("app/clean.py", "app/dirty.py", "migration.toml")
    assert dirty.returncode == 1, dirty.stdout + dirty.stderr
    assert "Failed" in dirty.stdout
    assert "app/dirty.py:1:6: SSOT581 error: uses app.agents.bridge" in dirty.stdout
