"""Where output goes decides how it looks: results on stdout and conversation on stderr, lines in pipes and
tables on wide terminals, colour only when asked for, progress that names its phase, JSON that matches its
shipped schema, and tests that hold whatever the terminal width or the temp path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest

from ssot_migrate.codes import CODES

from .helpers import cli_env, make_repo, run_cli, run_in_terminal, spec_text

ROOT = Path(__file__).resolve().parents[1]
OLD_TO_NEW = spec_text([{"kind": "rename-import", "old": "app.old.X", "new": "app.new:X"}], name="move-x")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", {
        "app/__init__.py": "", "app/old.py": "", "app/new.py": "X = 1\n",
        "app/main.py": "from app.old import X\n\nprint(X)\n",
        "app/broken.py": "from app.old import X\ndef (:\n",
        "pyproject.toml": '[tool.ssot-migrate]\nspecs = ["migration.toml"]\n',
        "migration.toml": OLD_TO_NEW,
    })


def _schema(name: str) -> dict:
    return json.loads(files("ssot_migrate").joinpath(f"schemas/{name}").read_text(encoding="utf-8"))


def test_plan_and_findings_json_match_the_shipped_schemas(repo: Path) -> None:
    validator = jsonschema.Draft202012Validator
    plan = json.loads(run_cli("plan", "-f", "json", cwd=repo).stdout)
    assert plan["files"] and plan["findings"], "a plan with files and findings is checked"
    validator(_schema("plan.schema.json")).validate(plan)
    findings = _schema("findings.schema.json")
    audit = json.loads(run_cli("audit", "-f", "json", cwd=repo).stdout)
    check = json.loads(run_cli("check", "-f", "json", cwd=repo).stdout)
    assert audit["findings"] and check["findings"]
    validator(findings).validate(audit)
    validator(findings).validate(check)
    # The schemas are strict: a key the documentation does not know is an error, not silently accepted.
    plan["stats"]["surprise"] = 1
    assert not validator(_schema("plan.schema.json")).is_valid(plan)


def test_explain_prints_a_codes_documentation(tmp_path: Path) -> None:
    result = run_cli("explain", "ssot402", cwd=tmp_path)
    assert result.returncode == 0
    doc = CODES["SSOT402"]
    assert result.stdout.decode() == (
        f"## SSOT402: {doc.title}\n\n**What happened.** {doc.meaning}\n\n**What to do.** {doc.fix}\n"
    )
    unknown = run_cli("explain", "SSOT999", cwd=tmp_path)
    assert unknown.returncode == 2 and b"unknown finding code 'SSOT999'" in unknown.stderr


def test_colour_follows_the_option_then_no_color(repo: Path) -> None:
    plain = run_cli("check", cwd=repo, env={"NO_COLOR": "1"})
    forced = run_cli("check", "--color", "always", cwd=repo, env={"NO_COLOR": "1"})
    never = run_cli("check", "--color", "never", cwd=repo, unset=("NO_COLOR",), env={"FORCE_COLOR": "1"})
    assert b"\x1b[" not in plain.stdout and b"\x1b[" not in never.stdout
    assert b"\x1b[" in forced.stdout
    strip = __import__("re").compile(rb"\x1b\[[0-9;]*m")
    assert strip.sub(b"", forced.stdout) == plain.stdout


def test_quiet_keeps_only_results_and_verbose_names_every_phase_once(repo: Path) -> None:
    quiet = run_cli("plan", "-q", cwd=repo)
    assert quiet.stderr == b""
    assert quiet.stdout.decode().splitlines()[-1].startswith("app/broken.py:2:"), "no summary line"
    verbose = run_cli("plan", "-v", cwd=repo)
    assert verbose.stderr.decode().splitlines() == [
        "plan: listing files", "plan: repository-wide preparation", "plan: byte prefilter (5 files)",
        "plan: parsing, rewriting and verifying (3 files)",
    ]
    audit = run_cli("audit", "-v", cwd=repo)
    assert audit.stderr.decode().splitlines() == [
        "audit: listing files", "audit: parsing (5 files)", "audit: checking (5 files)",
        "audit: import root . (repository root)",
    ]
    both = run_cli("plan", "-q", "-v", cwd=repo)
    assert both.returncode == 2 and b"--quiet and --verbose contradict each other" in both.stderr


def test_on_a_terminal_progress_is_transient_and_results_are_tables(repo: Path) -> None:
    code, shown = run_in_terminal("plan", cwd=repo, columns=120)
    assert code == 0, shown
    assert "┃ # ┃ kind" in shown and "Findings (1)" in shown
    assert "app/broken.py:2:" in shown and "plan: parsing" not in shown


def test_plan_output_to_a_file_is_the_one_line_form(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.txt"
    result = run_cli("plan", "-o", str(out), cwd=repo, env={"COLUMNS": "250"})
    assert result.returncode == 0 and result.stdout == b""
    text = out.read_text()
    assert text.startswith("migration move-x\n1. rename-import app.old.X -> app.new:X: 1 file, 1 edit\n")
    assert "┃" not in text and "\x1b[" not in text


def test_a_diff_planned_below_the_project_root_says_how_to_apply_it(repo: Path) -> None:
    below = run_cli("plan", "-f", "diff", cwd=repo / "app")
    here = run_cli("plan", "-f", "diff", cwd=repo)
    assert below.stdout == here.stdout and here.stdout
    assert here.stderr == b""
    assert f"Apply it with: git -C {repo.resolve()} apply".encode() in below.stderr
    applied = subprocess.run(["git", "-C", str(repo), "apply"], input=below.stdout, capture_output=True)
    assert applied.returncode == 0, applied.stderr
    assert (repo / "app/main.py").read_text().startswith("from app.new import X\n")


META_TESTS = [
    # check's text never goes through rich (it is the pre-commit hook), so its tests cannot depend on the width.
    "tests/test_cli_plan.py", "tests/test_output.py",
    "tests/test_audit.py::test_emitted_spec_once_applied_makes_the_fixture_tests_pass",
    "tests/test_audit.py::test_piped_output_is_one_line_per_finding_then_a_summary",
]


@pytest.mark.parametrize("columns", ["60", "200"])
def test_cli_tests_hold_at_any_width_and_with_a_long_temp_path(tmp_path: Path, columns: str) -> None:
    """The CLI tests again, in a pytest of their own: COLUMNS set narrow or wide, and a temp path of 120+
    characters (a long user name in `pytest-of-<user>` once made rich wrap a line a test looked for)."""
    base = tmp_path / ("long-temp-path-" + "x" * 100)
    assert len(str(base)) >= 120
    env = cli_env({"COLUMNS": columns})
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--basetemp", str(base),
         "-k", "not test_cli_tests_hold_at_any_width", *META_TESTS],
        cwd=ROOT, capture_output=True, text=True, env=env, timeout=900,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    assert " passed" in result.stdout.splitlines()[-1]
    assert os.path.isdir(base)
