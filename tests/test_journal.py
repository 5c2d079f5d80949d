"""`apply --in-place` journaled: a run killed (SIGKILL) after writing leaves a journal, every later apply
refuses until `ssot-migrate recover --complete|--rollback` brings the tree to all-new or all-old."""

from __future__ import annotations

import shlex
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .helpers import cli_env, make_repo, run_cli, spec_text, tree_bytes, write_files

# A test command that says it started (with its pid), then waits for a release file.
SUITE = """\
import os, pathlib, sys, time
pathlib.Path(sys.argv[1]).write_text(str(os.getpid()))
deadline = time.monotonic() + 120
while not pathlib.Path(sys.argv[2]).exists() and time.monotonic() < deadline:
    time.sleep(0.05)
"""
FILES = 40


def project(root: Path, git: bool) -> Path:
    files = {"app/__init__.py": "", "app/new.py": "X = 1\n",
             "migration.toml": spec_text([{"kind": "rename-import", "old": "app.old.X", "new": "app.new:X"}])}
    files |= {f"app/user_{n}.py": f"from app.old import X\n\nVALUE_{n} = X\n" for n in range(FILES)}
    if git:
        return make_repo(root, files)
    root.mkdir(parents=True)
    write_files(root, files)
    return root


def start_in_place(repo: Path, tmp_path: Path, env: dict[str, str]) -> tuple[subprocess.Popen, int, Path]:
    (tmp_path / "suite.py").write_text(SUITE)
    marker, release = tmp_path / "suite-started", tmp_path / "release"
    command = f"{shlex.quote(sys.executable)} {tmp_path / 'suite.py'} {marker} {release}"
    process = subprocess.Popen(
        [sys.executable, "-m", "ssot_migrate", "apply", "--spec", "migration.toml", "--in-place", "--no-baseline",
         "--test-command", command], cwd=repo, env=cli_env(env), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not (marker.is_file() and marker.read_text()) and time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"apply ended before its gate started: {process.stderr.read().decode()}")
        time.sleep(0.05)
    return process, int(marker.read_text()), release


def gone(pid: int) -> None:
    """Wait for the suite a SIGKILLed apply started to die with it (the kernel kills it), then make sure."""
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rsplit(") ", 1)[1].startswith("Z"):
                    return
        except OSError:
            return
        time.sleep(0.05)
    assert not Path(f"/proc/{pid}").exists(), "the suite outlived the SIGKILLed apply"


def owned_folders(repo: Path) -> list[Path]:
    """Temporary folders of ssot-migrate that name this project as their owner."""
    found = []
    for folder in Path(tempfile.gettempdir()).glob("ssot-migrate-*"):
        owner = folder / "ssot-migrate-owner"
        if owner.is_file() and owner.read_text().split("\n")[0] == str(repo):
            found.append(folder)
    return found


def temporary_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.ssot-tmp"))


@pytest.mark.parametrize("git", [True, False], ids=["git", "no-git"])
@pytest.mark.parametrize("direction", ["rollback", "complete"])
def test_a_sigkilled_in_place_run_is_refused_until_recovered_to_all_old_or_all_new(
    tmp_path: Path, git: bool, direction: str
) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    repo = project(tmp_path / "repo", git)
    before = tree_bytes(repo)
    process, suite, _ = start_in_place(repo, tmp_path, env)
    written = tree_bytes(repo)
    process.kill()
    process.wait(timeout=30)
    gone(suite)
    changed = sorted(path for path in before if before[path] != written[path])
    assert len(changed) == FILES  # every file was written, none gated: the journal says so
    # A stray temporary file of a replace that was cut short, as a SIGKILL mid-write leaves one.
    (repo / "app/.user_3.py.k2j9x0ab.ssot-tmp").write_bytes(b"half")

    refused = run_cli("apply", "--spec", "migration.toml", "--in-place", cwd=repo, env=env)
    assert refused.returncode == 3
    [line] = refused.stderr.decode().splitlines()
    assert line.startswith(f"error: an interrupted `apply --in-place` left {FILES} file(s) half written in {repo}")
    assert line.endswith("run `ssot-migrate recover --complete` to finish the write or `ssot-migrate recover "
                         "--rollback` to undo it")
    assert tree_bytes(repo) == {**written, "app/.user_3.py.k2j9x0ab.ssot-tmp": b"half"}
    # Commands that only read the tree still run, and each says in one line that it is half written.
    for command in (["plan"], ["check"], ["audit"]):
        warned = run_cli(*command, cwd=repo, env=env).stderr.decode().splitlines()
        assert f"warning: {line[len('error: '):]}" in warned, (command, warned)
    assert tree_bytes(repo) == {**written, "app/.user_3.py.k2j9x0ab.ssot-tmp": b"half"}

    result = run_cli("recover", f"--{direction}", cwd=repo, env=env)
    out = result.stdout.decode()
    assert result.returncode == 0, result.stderr.decode()
    done = "completed" if direction == "complete" else "rolled back"
    assert out.splitlines()[-1] == f"{done} the interrupted write: {FILES} file(s) " \
                                   f"{'new' if direction == 'complete' else 'old'}, 0 left as they are"
    assert "removed temporary file: app/.user_3.py.k2j9x0ab.ssot-tmp" in out
    assert temporary_files(repo) == []
    assert tree_bytes(repo) == (written if direction == "complete" else before)
    again = run_cli("recover", "--rollback", cwd=repo, env=env)
    assert again.returncode == 0 and again.stdout.decode().startswith("nothing to recover")
    assert "interrupted `apply --in-place`" not in run_cli("plan", cwd=repo, env=env).stderr.decode()
    # The next apply starts: after a rollback it writes the migration again, after completion there is nothing left.
    code = run_cli("apply", "--spec", "migration.toml", "--in-place", cwd=repo, env=env)
    assert code.returncode == 0, code.stderr.decode()
    assert tree_bytes(repo) == written


def test_recover_leaves_a_file_changed_since_the_interrupted_write_and_says_so(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo", True)
    process, suite, _ = start_in_place(repo, tmp_path, {})
    process.kill()
    process.wait(timeout=30)
    gone(suite)
    (repo / "app/user_0.py").write_text("# the user's own edit\n")
    scratch = owned_folders(repo)
    assert len(scratch) == 1, "the killed run left its temporary folder"
    result = run_cli("recover", "--rollback", cwd=repo)
    assert result.returncode == 1
    assert f"note: removed the leftover temporary folder {scratch[0]} of an interrupted apply" in \
        " ".join(result.stderr.decode().split())
    assert owned_folders(repo) == []
    lines = result.stdout.decode().splitlines()
    assert "left as it is: app/user_0.py (changed since the interrupted write: neither its old nor its new content)" \
        in lines
    assert (repo / "app/user_0.py").read_text() == "# the user's own edit\n"
    assert (repo / "app/user_1.py").read_text().startswith("from app.old import X\n")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "ctrl-c"])
def test_an_in_place_run_interrupted_during_its_gate_restores_every_file_and_says_so(
    tmp_path: Path, sig: signal.Signals
) -> None:
    repo = project(tmp_path / "repo", True)
    before = tree_bytes(repo)
    process, _, _ = start_in_place(repo, tmp_path, {})
    process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 128 + sig
    assert f"interrupted ({sig.name}): cleaned up; no branch was created or changed and no file was left written" \
        in " ".join(stderr.decode().split())
    assert tree_bytes(repo) == before and temporary_files(repo) == []
    assert list((repo / ".git").glob("ssot-migrate-journal-*")) == []


def test_recover_needs_exactly_one_direction(tmp_path: Path) -> None:
    repo = project(tmp_path / "repo", True)
    for args in ((), ("--complete", "--rollback")):
        result = run_cli("recover", *args, cwd=repo)
        assert result.returncode == 2
        assert result.stderr.decode().strip() == ("error: recover needs exactly one of --complete (finish the "
                                                   "interrupted write) or --rollback (undo it)")
