"""What a SIGKILLed apply leaves is recognised and removed by the next run, with a note: the test suite it
started (and what that suite started), a ref lock cut short in `update-ref`, temporary folders and refs."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .helpers import cli_env, git, make_repo, run_cli
from .test_apply_branch import BRANCH, HALF_DONE, branches
from .test_apply_signals import alive

# A suite that starts a helper process in its own group (a server, a worker) and waits.
SUITE = """\
import os, pathlib, subprocess, sys, time
helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
pathlib.Path(sys.argv[1]).write_text(f"{os.getpid()} {helper.pid}")
time.sleep(120)
"""


def wait_for(predicate, what: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.mark.parametrize("mode", ["--branch", "--in-place"])
def test_a_sigkilled_apply_takes_its_suite_along_and_the_next_run_ends_what_the_suite_started(
    tmp_path: Path, mode: str
) -> None:
    repo = make_repo(tmp_path / "repo", HALF_DONE)
    (tmp_path / "suite.py").write_text(SUITE)
    marker = tmp_path / "started"
    command = f"{shlex.quote(sys.executable)} {tmp_path / 'suite.py'} {marker}"
    target = ("--branch", BRANCH) if mode == "--branch" else ("--in-place",)
    process = subprocess.Popen(
        [sys.executable, "-m", "ssot_migrate", "apply", "--spec", "migration.toml", *target, "--no-baseline",
         "--test-command", command], cwd=repo, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wait_for(lambda: marker.is_file() and " " in marker.read_text(), "the suite to start")
    suite, helper = map(int, marker.read_text().split())
    process.kill()
    process.wait(timeout=30)
    # The suite dies with the apply that started it; the helper it started is an orphan in its group.
    wait_for(lambda: not alive(suite), "the suite to die with its apply")
    assert alive(helper)
    scratch = [folder for folder in Path(tempfile.gettempdir()).glob("ssot-migrate-*")
               if (folder / "ssot-migrate-owner").is_file()
               and (folder / "ssot-migrate-owner").read_text().split("\n")[1] == str(process.pid)]
    assert len(scratch) == 1, "the killed run's temporary folder is there, named as ours"
    # The next run: for --in-place `recover` (apply refuses until the write is resolved), else apply itself.
    if mode == "--in-place":
        result = run_cli("recover", "--rollback", cwd=repo)
    else:
        result = run_cli("apply", "--spec", "migration.toml", *target, "--no-gate", cwd=repo)
    stderr = " ".join(result.stderr.decode().split())
    assert result.returncode == 0, stderr
    assert f"ended the test suite (process group {suite}) an interrupted apply left running" in stderr
    wait_for(lambda: not alive(helper), "the helper to be ended")
    assert f"removed the leftover temporary folder {scratch[0]} of an interrupted apply" in stderr
    assert not scratch[0].exists()


def test_a_ref_lock_left_by_a_killed_update_ref_is_removed_with_a_note(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", HALF_DONE)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    # What a SIGKILL between git's lock and its rename leaves: our lock naming a dead apply, the branch's ref lock.
    (repo / ".git/ssot-migrate.lock").write_text(f"{dead.pid} host\n")
    lock = repo / ".git/refs/heads" / f"{BRANCH}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(git(repo, "rev-parse", "HEAD").stdout)
    os.utime(lock, (time.time() - 60, time.time() - 60))
    result = run_cli("apply", "--spec", "migration.toml", "--branch", BRANCH, "--no-gate", cwd=repo)
    stderr = " ".join(result.stderr.decode().split())
    assert result.returncode == 0, stderr
    assert f"removed the stale ref lock {lock} an interrupted apply left" in stderr.replace(" ", " ")
    assert branches(repo) == ["main", BRANCH] and not lock.exists()
