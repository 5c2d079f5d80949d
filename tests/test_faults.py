"""The fault-injection harness (bench/faults.py), seeded and short: 30 trials of SIGTERM, SIGINT and SIGKILL
against `apply --branch` and `apply --in-place` on a fixture with a real pytest gate, every invariant checked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_seeded_quick_fault_run_finds_no_violation(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "bench/faults.py"), "--trials", "30", "--seed", "7", "--files", "20",
         "--workdir", str(tmp_path)],
        capture_output=True, text=True, timeout=1800,
    )
    lines = result.stdout.splitlines()
    assert lines[-1] == "30 trials, 0 violations", "\n".join(line for line in lines if "VIOLATION" in line) + \
        result.stderr[-2000:]
    trials = [line for line in lines if line.startswith("trial ")]
    assert len(trials) == 30 and result.returncode == 0
    # The seed covers each mode, each signal and both ways of striking.
    for word in ("branch", "in-place-gated", "SIGTERM", "SIGINT", "SIGKILL", "git step", "s: exit", "group"):
        assert any(word in line for line in trials), word
