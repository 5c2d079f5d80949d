"""A seeded quick run of the soundness fuzzer (bench/soundness) on the smallest pinned project, and proof that its
oracles catch a broken rewrite. The full run (300 trials on five projects) is recorded in docs/soundness.md."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FUZZER = ROOT / "bench" / "soundness"


def fuzz(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, str(FUZZER), "--project", "pathspec", *args], capture_output=True,
                          text=True, env=env, timeout=600)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    report = tmp_path_factory.mktemp("quick") / "report.jsonl"
    return fuzz("--seed", "0", "--trials", "3", "--report", str(report)), report


def test_quick_trials_on_pathspec_leave_working_code(quick_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    done, report = quick_run
    lines = done.stdout.strip().splitlines()
    assert done.returncode == 0, done.stdout + done.stderr
    trial_lines = [line for line in lines if line.startswith("trial ")]
    assert len(trial_lines) == 3
    for number, line in enumerate(trial_lines):
        assert re.fullmatch(rf"trial 0:{number} (module-move|package-move|symbol-rename|symbol-move) \S+ -> \S+: "
                            r"(passed|refused .*)", line), line
    assert re.fullmatch(r"\d passed, 0 failed, \d refused \(3 trials, [\d.]+ min\)", lines[-1]), lines[-1]
    records = [json.loads(line) for line in report.read_text().splitlines()]
    assert [r["trial"] for r in records] == ["0:0", "0:1", "0:2"]
    # The tool really rewrote something in these trials (a run that edits nothing would pass trivially).
    assert sum(len(r["changed"]) for r in records) >= 6


def test_a_trial_runs_alone_and_the_same_as_in_the_run(quick_run: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    alone = fuzz("--only", "0:2")
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert alone.stdout.splitlines()[0] == quick_run[0].stdout.splitlines()[2]


def test_a_file_the_rewrite_missed_is_caught(tmp_path: Path) -> None:
    done = fuzz("--only", "0:0", "--sabotage", "missed-file", "--keep", str(tmp_path))
    assert done.returncode == 1, done.stdout + done.stderr
    line = done.stdout.splitlines()[0]
    assert line.startswith("trial 0:0 ") and ": failed (" in line, line
    assert "second plan: edits" in line, line
    assert done.stdout.strip().splitlines()[-1].startswith("0 passed, 1 failed, 0 refused")
    assert (tmp_path / "trial-0-0" / "repo").is_dir() and (tmp_path / "trial-0-0" / "spec.toml").is_file()


def test_an_unused_import_left_by_a_rewrite_is_caught() -> None:
    done = fuzz("--only", "0:0", "--sabotage", "unused-import")
    assert done.returncode == 1, done.stdout + done.stderr
    line = done.stdout.splitlines()[0]
    assert "pyflakes: " in line and "UnusedImport" in line and "_soundness_sabotage" in line, line


def test_keyword_renames_on_sqlparse_rewrite_calls_and_a_missed_one_is_caught(tmp_path: Path) -> None:
    """`--kind keyword-rename`: a function's parameter renamed by the person, a `call-args` spec renaming the keyword
    at every call. The trials must pass with calls really rewritten, and a rewrite undone must be caught."""
    env = {**os.environ, "NO_COLOR": "1"}
    command = [sys.executable, str(FUZZER), "--project", "sqlparse", "--kind", "keyword-rename"]
    report = tmp_path / "report.jsonl"
    done = subprocess.run([*command, "--seed", "0", "--trials", "2", "--report", str(report)], capture_output=True,
                          text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    for line in done.stdout.splitlines()[:2]:
        assert re.fullmatch(r"trial 0:\d keyword-rename sqlparse\.\S+ -> \w+_renamed: passed", line), line
    records = [json.loads(line) for line in report.read_text().splitlines()]
    assert all(r["written"] for r in records), "every trial rewrote a call"
    broken = subprocess.run([*command, "--only", "0:0", "--sabotage", "missed-file"], capture_output=True, text=True,
                            env=env, timeout=600)
    assert broken.returncode == 1 and ": failed (" in broken.stdout.splitlines()[0], broken.stdout + broken.stderr
