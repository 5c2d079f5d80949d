"""`apply --branch` interrupted for real: Ctrl-C, SIGTERM and SIGKILL sent to a running CLI process,
and a second apply while the first holds the repository's lock."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import cli_env, git, make_repo, run_cli
from .test_apply_branch import BRANCH, HALF_DONE, branches, worktrees

# A test command that says where and as which process it runs, then waits for a release file.
GATE_SCRIPT = """\
import os, pathlib, sys, time
pathlib.Path(sys.argv[1]).write_text(f"{os.getpid()}\\n{os.getcwd()}")
release = pathlib.Path(sys.argv[2])
deadline = time.monotonic() + 120
while not release.exists() and time.monotonic() < deadline:
    time.sleep(0.05)
"""


def start_apply(repo: Path, tmp_path: Path, branch: str = BRANCH) -> tuple[subprocess.Popen, Path, Path]:
    script = tmp_path / "gate.py"
    script.write_text(GATE_SCRIPT)
    marker, release = tmp_path / f"started-{branch.replace('/', '-')}", tmp_path / f"release-{branch.replace('/', '-')}"
    command = f"{shlex.quote(sys.executable)} {script} {marker} {release}"
    process = subprocess.Popen(
        [sys.executable, "-m", "ssot_migrate", "apply", "--spec", "migration.toml", "--branch", branch,
         "--no-baseline", "--test-command", command],
        cwd=repo, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not (marker.is_file() and marker.read_text().count("\n") == 1) and time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"apply ended before its gate started: {process.stderr.read().decode()}")
        time.sleep(0.05)
    assert marker.is_file(), "the gate never started"
    return process, marker, release


def held(repo: Path) -> list[str]:
    """The names of the refs under refs/ssot-migrate/ (whatever pid they belong to)."""
    refs = git(repo, "for-each-ref", "--format=%(refname)", "refs/ssot-migrate/").stdout.split()
    return sorted(ref.rsplit("/", 1)[1] for ref in refs)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return not stat.read().split(") ")[1].startswith("Z")
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_apply_removes_its_worktree_stops_the_suite_and_creates_no_branch(
    tmp_path: Path, sig: signal.Signals
) -> None:
    repo = make_repo(tmp_path / "repo", HALF_DONE)
    process, marker, _ = start_apply(repo, tmp_path)
    suite_pid, checkout = marker.read_text().split("\n")
    # The suite runs in an isolated clone, not in a worktree of the user's repository; refs hold the commits.
    assert Path(checkout).is_dir() and worktrees(repo) == [str(repo)]
    assert (Path(checkout) / ".git").is_dir() and held(repo) == ["base", "tip"]
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + sig, stderr.decode()
    assert f"interrupted ({sig.name})" in stderr.decode()
    assert not Path(checkout).exists() and not Path(checkout).parent.exists()
    assert worktrees(repo) == [str(repo)] and held(repo) == []
    assert branches(repo) == ["main"]
    assert not alive(int(suite_pid)), "the test suite was left running"
    assert (repo / ".git/ssot-migrate.lock").read_text() == "", "the lock was not released"


def test_a_second_apply_on_the_same_repository_is_refused_while_the_first_runs(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", HALF_DONE)
    first, _, release = start_apply(repo, tmp_path)
    try:
        second = run_cli("apply", "--spec", "migration.toml", "--branch", "other", "--no-gate", cwd=repo)
        assert second.returncode == 3
        assert f"another ssot-migrate apply (pid {first.pid} on " in second.stderr.decode()
        assert "is running on this repository; wait for it to finish" in second.stderr.decode()
    finally:
        release.touch()
        _, stderr = first.communicate(timeout=60)
    assert first.returncode == 0, stderr.decode()
    assert branches(repo) == ["main", BRANCH]


def test_after_a_sigkill_the_next_apply_cleans_up_the_stale_lock_and_leftover_worktree(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", HALF_DONE)
    process, marker, _ = start_apply(repo, tmp_path)
    suite_pid, checkout = marker.read_text().split("\n")
    process.kill()
    process.wait(timeout=30)
    # The suite runs in its own session, but the kernel ends it with the apply that started it.
    deadline = time.monotonic() + 30
    while alive(int(suite_pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(int(suite_pid)), "the suite outlived a SIGKILLed apply"
    # Nothing could clean up, and no branch points at the ungated commit.
    assert Path(checkout).is_dir() and held(repo) == ["base", "tip"]
    assert branches(repo) == ["main"]
    assert (repo / ".git/ssot-migrate.lock").read_text().split()[0] == str(process.pid)

    result = run_cli("apply", "--spec", "migration.toml", "--branch", BRANCH, "--no-gate", cwd=repo)
    stderr = result.stderr.decode()
    assert result.returncode == 0, stderr
    assert f"a previous apply (pid {process.pid}) ended without cleaning up; its lock was released" in stderr
    flat = "".join(stderr.split())
    assert f"removedtheleftovertemporaryfolder{Path(checkout).parent}ofaninterruptedapply" in flat
    for name in ("base", "tip"):
        assert f"removedtheleftoverrefrefs/ssot-migrate/{process.pid}/{name}ofaninterruptedapply" in flat
    assert not Path(checkout).parent.exists()
    assert worktrees(repo) == [str(repo)] and held(repo) == []
    assert branches(repo) == ["main", BRANCH]
    assert git(repo, "log", "-1", "--format=%s", BRANCH).stdout.strip() == "ssot-migrate: bridge-move"


def test_an_interrupt_that_python_wrapped_in_another_error_is_still_one_line_and_exit_130(tmp_path: Path) -> None:
    # What a SIGINT inside a class's __set_name__ during an import looks like when it reaches the top.
    script = (
        "import ssot_migrate.cli as cli\n"
        "from ssot_migrate.errors import Interrupted\n"
        "def interrupted_import():\n"
        "    try:\n"
        "        raise Interrupted(2)\n"
        "    except Interrupted as exc:\n"
        "        raise RuntimeError(\"Error calling __set_name__ on 'Field' instance\") from exc\n"
        "cli.main = interrupted_import\n"
        "from ssot_migrate.__main__ import main\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                            env=cli_env(), timeout=60)
    assert result.returncode == 130
    assert result.stderr.splitlines() == [
        "interrupted (SIGINT): no branch was created or changed and no file was left written"
    ]


def test_an_interrupt_inside_a_finalizer_is_one_line_never_a_traceback() -> None:
    """Python swallows an exception raised in a `__del__`, a finalizer or an exit callback and prints its traceback.
    A signal landing there (bench/faults.py: SIGINT at the very end of an in-place run) must say one line; the run
    goes on to its real outcome."""
    import subprocess
    import sys

    code = (
        "import os, signal, sys\n"
        "from ssot_migrate import __main__ as entry\n"
        "for sig in (signal.SIGINT, signal.SIGTERM):\n"
        "    signal.signal(sig, entry._early)\n"
        "sys.unraisablehook = entry._unraisable\n"
        "class Cleanup:\n"
        "    def __del__(self):\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "        sum(range(1000))\n"
        "c = Cleanup()\n"
        "del c\n"
        "print('went on')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (0, "went on\n"), done.stderr
    assert done.stderr == ("note: SIGINT arrived during a cleanup step and was not acted on; the run's own report "
                           "says what exists\n")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_while_the_errors_module_is_half_imported_is_one_line_and_the_signal_exit(
        tmp_path: Path, sig: signal.Signals) -> None:
    """bench/faults.py seed 7 trial 12: a SIGINT 0.047 s in landed while `ssot_migrate.errors` was being imported, and
    a handler that imported `Interrupted` from it failed with "partially initialized module" and a traceback. Here
    the signal is sent from inside that module's body, before `Interrupted` is defined."""
    script = (
        "import builtins, os, signal, sys\n"
        "build = builtins.__build_class__\n"
        "def sending(func, name, *args, **kwargs):\n"
        "    if name == 'ForgeError' and func.__module__ == 'ssot_migrate.errors':\n"
        f"        os.kill(os.getpid(), {int(sig)})\n"
        "    return build(func, name, *args, **kwargs)\n"
        "builtins.__build_class__ = sending\n"
        "sys.argv = ['ssot-migrate', '--help']\n"
        "from ssot_migrate.__main__ import main\n"
        "assert 'ssot_migrate.errors' not in sys.modules\n"
        "main()\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path,
                            env=cli_env(), timeout=60)
    assert result.returncode == 128 + sig, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"interrupted ({sig.name}): no branch was created or changed and no file was left written"
    ]
