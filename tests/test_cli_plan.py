"""`ssot-migrate plan` and `apply --in-place` end to end: the real CLI on real git repositories."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from .helpers import git, make_repo, run_cli, spec_text, tree_bytes

BRIDGE_SPEC = spec_text(
    [{
        "kind": "rename-import",
        "old": "app.agents.agent_websocket_bridge",
        "new": "app.services.agent_websocket_bridge",
    }],
    name="websocket-ssot",
    description="Finish the bridge move",
)
REPO_FILES = {
    "app/__init__.py": "",
    "app/agents/__init__.py": "",
    "app/services/__init__.py": "",
    "app/services/agent_websocket_bridge.py": "def create_agent_websocket_bridge(user):\n    return user\n",
    "app/routes.py": (
        "from app.agents.agent_websocket_bridge import create_agent_websocket_bridge\n"
        "\n"
        "\n"
        "def handler(user):\n"
        "    return create_agent_websocket_bridge(user)\n"
    ),
    "app/unrelated.py": "def helper():\n    return 'agent_websocket_bridge is mentioned only in prose'\n",
    "tests/test_routes.py": (
        "from unittest import mock\n"
        "\n"
        "from app.routes import handler\n"
        "\n"
        "\n"
        "@mock.patch('app.agents.agent_websocket_bridge.create_agent_websocket_bridge')\n"
        "def test_handler(factory):\n"
        "    assert handler('u') == 'u'\n"
    ),
    "migration.toml": BRIDGE_SPEC,
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", REPO_FILES)


def test_plan_prints_a_summary_and_diffs_and_writes_nothing(repo: Path) -> None:
    before = tree_bytes(repo)
    result = run_cli("plan", "--spec", "migration.toml", cwd=repo)
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    # Results on stdout (`plan > plan.txt`, `plan | less`): the codemods, each diff, one summary line.
    lines = out.splitlines()
    assert lines[:2] == ["migration websocket-ssot", "1. rename-import app.agents.agent_websocket_bridge "
                         "-> app.services.agent_websocket_bridge: 2 files, 2 edits"]
    assert "+from app.services.agent_websocket_bridge import create_agent_websocket_bridge" in out
    diff = run_cli("plan", "--spec", "migration.toml", "-f", "diff", cwd=repo).stdout.decode()
    assert diff and "\n".join(lines[2:-1]) + "\n" == diff
    assert lines[-1].startswith("websocket-ssot: 2 files to change (2 edits); No findings; ")
    assert b"rename-import" not in result.stderr and b"+from" not in result.stderr
    assert tree_bytes(repo) == before


def test_plan_diff_applies_with_git_apply(repo: Path) -> None:
    result = run_cli("plan", "--spec", "migration.toml", "--format", "diff", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    patch = repo.parent / "change.patch"
    patch.write_bytes(result.stdout)
    git(repo, "apply", str(patch))
    routes = (repo / "app/routes.py").read_text()
    assert "from app.services.agent_websocket_bridge import" in routes
    assert "@mock.patch('app.services.agent_websocket_bridge.create_agent_websocket_bridge')" in (
        repo / "tests/test_routes.py"
    ).read_text()
    second = run_cli("plan", "--spec", "migration.toml", "--format", "diff", cwd=repo)
    assert second.returncode == 0 and second.stdout == b"", "nothing left to migrate after applying the diff"


def test_plan_json_is_versioned_and_complete(repo: Path) -> None:
    result = run_cli("plan", "--spec", "migration.toml", "--format", "json", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["schema_version"] == 1
    assert data["tool"]["name"] == "ssot-migrate"
    assert data["migration"]["name"] == "websocket-ssot"
    assert data["migration"]["spec_hash"].startswith("sha256:")
    assert data["codemods"] == [{"index": 0, "kind": "rename-import", "files": 2, "edits": 2}]
    files = {f["path"]: f for f in data["files"]}
    assert sorted(files) == ["app/routes.py", "tests/test_routes.py"]
    assert files["app/routes.py"]["edits"] == [{"codemod": 0, "line": 1, "col": 6}]
    assert files["app/routes.py"]["diff"].startswith("diff --git a/app/routes.py b/app/routes.py\n")
    assert set(data["stats"]) == {"discovered", "prefiltered", "parsed", "changed", "cached", "recalled", "verified", "seconds"}
    stats = data["stats"]
    assert stats["discovered"] == 8 and stats["changed"] == 2
    # The prefilter lets in files with a fragment that can bind the old name (not the prose-only
    # mention in app/unrelated.py) and the moved module itself; only those are parsed.
    assert stats["prefiltered"] == 3
    assert stats["parsed"] <= 3


def test_plan_markdown_is_a_pull_request_summary_with_a_footer(repo: Path) -> None:
    result = run_cli("plan", "--spec", "migration.toml", "--format", "markdown", cwd=repo)
    text = result.stdout.decode()
    assert result.returncode == 0
    assert text.startswith("## ssot-migrate: websocket-ssot\n")
    assert "Finish the bridge move" in text
    assert "| 1 | `rename-import` |" in text
    assert "- `app/routes.py` (1 edit)" in text
    assert "```diff" in text
    assert '<!-- ssot-migrate: {"migration": "websocket-ssot"' in text


@pytest.mark.parametrize("fmt", ["diff", "json", "markdown"])
def test_output_option_writes_the_report_to_a_file(repo: Path, fmt: str) -> None:
    target = repo.parent / f"report.{fmt}"
    result = run_cli("plan", "--spec", "migration.toml", "--format", fmt, "-o", str(target), cwd=repo)
    assert result.returncode == 0
    assert result.stdout == b""
    assert target.read_bytes() == run_cli("plan", "--spec", "migration.toml", "--format", fmt, cwd=repo).stdout or fmt == "json"
    if fmt == "json":
        assert json.loads(target.read_text())["migration"]["name"] == "websocket-ssot"


def test_specs_come_from_pyproject_when_none_is_given(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.ssot-migrate]\nspecs = ["migration.toml"]\n')
    result = run_cli("plan", "--format", "json", cwd=repo / "app")
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["stats"]["changed"] == 2


def test_rename_option_needs_no_spec_file(repo: Path) -> None:
    result = run_cli(
        "plan", "--rename", "app.agents.agent_websocket_bridge=app.services.agent_websocket_bridge", "-f", "json", cwd=repo
    )
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["migration"]["specs"] == ["<command line>"]
    assert [f["path"] for f in data["files"]] == ["app/routes.py", "tests/test_routes.py"]


def test_paths_argument_limits_the_run(repo: Path) -> None:
    result = run_cli("plan", "tests", "--spec", "migration.toml", "-f", "json", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == ["tests/test_routes.py"]


def test_no_spec_at_all_is_a_usage_error(repo: Path) -> None:
    result = run_cli("plan", cwd=repo)
    assert result.returncode == 2
    assert "no codemods to run" in result.stderr.decode()


def test_apply_in_place_writes_every_file_and_the_tests_pass(repo: Path) -> None:
    result = run_cli("apply", "--spec", "migration.toml", "--in-place", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode().endswith("Wrote 2 files.\n")
    status = git(repo, "status", "--porcelain").stdout.split("\n")
    assert sorted(line for line in status if line) == [" M app/routes.py", " M tests/test_routes.py"]
    pytest_run = run_cli_pytest(repo)
    assert pytest_run.returncode == 0, pytest_run.stdout


def test_apply_without_a_mode_is_a_usage_error(repo: Path) -> None:
    result = run_cli("apply", "--spec", "migration.toml", cwd=repo)
    assert result.returncode == 2
    assert "--in-place" in result.stderr.decode()


def test_apply_json_report_lists_written_files(repo: Path) -> None:
    result = run_cli("apply", "--spec", "migration.toml", "--in-place", "--format", "json", cwd=repo)
    assert result.returncode == 0
    assert json.loads(result.stdout)["written"] == ["app/routes.py", "tests/test_routes.py"]


def test_apply_with_nothing_to_do_changes_nothing(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app/__init__.py": "", "migration.toml": BRIDGE_SPEC})
    before = tree_bytes(repo)
    result = run_cli("apply", "--spec", "migration.toml", "--in-place", cwd=repo)
    assert result.returncode == 0
    assert ": nothing to migrate; " in result.stdout.decode()
    assert tree_bytes(repo) == before


def test_a_file_that_does_not_parse_is_a_finding_and_the_rest_is_planned(repo: Path) -> None:
    (repo / "app/broken.py").write_text("import app.agents.agent_websocket_bridge\ndef oops(:\n    pass\n")
    result = run_cli("plan", "--spec", "migration.toml", "-f", "json", cwd=repo)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert [f["path"] for f in data["files"]] == ["app/routes.py", "tests/test_routes.py"]
    [finding] = [f for f in data["findings"] if f["code"] == "SSOT001"]
    assert finding["path"] == "app/broken.py" and finding["line"] == 2 and finding["severity"] == "error"
    assert finding["codemod"] is None


def test_strict_exits_3_before_writing_when_a_file_does_not_parse(repo: Path) -> None:
    (repo / "app/broken.py").write_text("import app.agents.agent_websocket_bridge\ndef oops(:\n")
    before = tree_bytes(repo)
    result = run_cli("apply", "--spec", "migration.toml", "--in-place", "--strict", cwd=repo)
    assert result.returncode == 3
    assert re.search(r"^app/broken\.py:2:\d+: SSOT001 error: ", result.stdout.decode(), flags=re.MULTILINE)
    assert result.stdout.decode().endswith("--strict: 1 error finding(s); nothing was written.\n")
    assert tree_bytes(repo) == before


def test_version() -> None:
    result = run_cli("--version", cwd=Path.cwd())
    assert result.returncode == 0
    assert result.stdout.decode().startswith("ssot-migrate 0.1.0")


def run_cli_pytest(repo: Path):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=repo, capture_output=True, text=True, env={"PYTHONPATH": str(repo), "PATH": "/usr/bin:/bin"},
    )
