"""A worker process that ends abruptly (killed for memory, a crash in libcst's native parser) must not cost the
run: its work is done again one file at a time, and a file that kills its worker again is named, with nothing
written and no traceback. The crash is real: the worker kills itself with SIGKILL on one file's name."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import cli_env, git, make_repo, spec_text, tree_bytes

CRASHER = "pkg/users/user_07.py"
# Run the CLI with one worker task that SIGKILLs its own process when it meets CRASHER: always, or only the first
# time (a marker file remembers). Pool workers are forked, so they run the replaced task.
RUNNER = """
import os, signal, sys
from pathlib import Path
import ssot_migrate.{module} as target
marker, mode, crasher = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
real = target.{task}
def crashing(payload, work):
    if os.getpid() != PARENT and any(crasher in {{str(part) for part in item[:2]}} for item in work):
        if mode == "always" or not marker.exists():
            marker.write_text("crashed")
            os.kill(os.getpid(), signal.SIGKILL)
    return real(payload, work)
PARENT = os.getpid()
target.{task} = crashing
sys.argv = ["ssot-migrate", *sys.argv[4:]]
from ssot_migrate.__main__ import main
main()
"""
PLAN = ("engine", "_worker_plan_files")
AUDIT = ("audit", "_scan_files_chunk")


def _repo(tmp_path: Path, users: int, padding: int) -> Path:
    files = {
        "pkg/__init__.py": "",
        "pkg/users/__init__.py": "",
        "pkg/new.py": "def f():\n    return 1\n",
        "migration.toml": spec_text([{"kind": "rename-import", "old": "pkg.old", "new": "pkg.new"}]),
    }
    for number in range(users):
        files[f"pkg/users/user_{number:02}.py"] = (
            "from pkg.old import f\n\n\ndef use():\n    return f()\n" + "# padding line of a big module\n" * padding
        )
    return make_repo(tmp_path / "repo", files)


def _run(repo: Path, which: tuple[str, str], mode: str, *args: str) -> subprocess.CompletedProcess[str]:
    module, task = which
    script = RUNNER.format(module=module, task=task)
    return subprocess.run([sys.executable, "-c", script, str(repo.parent / "crashed"), mode, CRASHER, *args],
                          cwd=repo, env=cli_env(), capture_output=True, text=True, timeout=300)


def _plan_json(result: subprocess.CompletedProcess[str]) -> dict:
    plan = json.loads(result.stdout)
    plan["stats"].pop("seconds", None)
    return plan


def test_a_worker_killed_once_costs_nothing_but_time(tmp_path: Path) -> None:
    repo = _repo(tmp_path, users=30, padding=400)
    crashed = _run(repo, PLAN, "once", "plan", "--spec", "migration.toml", "--jobs", "2", "--no-cache", "-f", "json")
    assert (repo.parent / "crashed").exists(), "the worker never met the file: the pool did not start"
    assert crashed.returncode == 0, crashed.stderr
    assert "Traceback" not in crashed.stderr
    serial = _run(repo, PLAN, "never", "plan", "--spec", "migration.toml", "--jobs", "1", "--no-cache", "-f", "json")
    assert _plan_json(crashed) == _plan_json(serial)
    assert len(_plan_json(crashed)["files"]) == 30


def test_a_file_that_kills_its_worker_again_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    repo = _repo(tmp_path, users=30, padding=400)
    before = tree_bytes(repo)
    result = _run(repo, PLAN, "always", "apply", "--spec", "migration.toml", "--in-place", "--jobs", "2",
                  "--no-cache")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {CRASHER}: working on this file ended its worker process abruptly, twice")
    assert "nothing was written" in result.stderr and "--jobs 1" in result.stderr
    assert tree_bytes(repo) == before
    assert git(repo, "status", "--porcelain").stdout == ""


@pytest.mark.parametrize("mode", ["once", "always"])
def test_audit_survives_a_killed_worker_or_names_the_file(tmp_path: Path, mode: str) -> None:
    repo = _repo(tmp_path, users=420, padding=0)
    result = _run(repo, AUDIT, mode, "audit", "--jobs", "2", "-f", "json")
    assert (repo.parent / "crashed").exists(), "the worker never met the file: the pool did not start"
    assert "Traceback" not in result.stderr
    if mode == "always":
        assert result.returncode == 1, result.stderr
        assert result.stderr.startswith(f"error: {CRASHER}: working on this file ended its worker process abruptly")
        return
    assert result.returncode == 0, result.stderr
    serial = _run(repo, AUDIT, "never", "audit", "--jobs", "1", "-f", "json")
    assert json.loads(result.stdout)["findings"] == json.loads(serial.stdout)["findings"] != []


# -- the pool itself: a task that records each run in a folder, and kills its worker on one item ---------------------

def _record_and_square(payload: tuple[str, str | None], numbers: list[int]) -> list[int]:
    import os
    import signal

    folder, killer = payload
    for number in numbers:
        with open(os.path.join(folder, f"{number}.runs"), "a") as runs:
            runs.write(f"{os.getpid()}\n")
        if killer is not None and str(number) == killer:
            os.kill(os.getpid(), signal.SIGKILL)
    return [number * number for number in numbers]


def _die_at_start() -> None:
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


class _Phases:
    def __init__(self) -> None:
        self.names: list[str] = []

    def phase(self, name: str, total: int | None = None) -> None:
        self.names.append(name)

    def advance(self, count: int = 1) -> None:
        pass


def _items(count: int) -> list[tuple[int, int]]:
    return [(number, number) for number in range(count)]


def test_a_pool_broken_while_idle_between_two_phases_just_starts_again(tmp_path: Path) -> None:
    from ssot_migrate.engine import WorkPool

    phases = _Phases()
    pool = WorkPool(2, phases)
    try:
        first = dict(pool.run(_record_and_square, (str(tmp_path), None), _items(40), lambda _: 1))
        assert first == {n: n * n for n in range(40)}
        # The kernel's OOM killer takes one idle worker between two phases; the pool then ends the others itself.
        process = next(iter(pool._executor._processes.values()))
        os.kill(process.pid, signal.SIGKILL)
        process.join()
        deadline = time.monotonic() + 30
        while not pool._executor._broken and time.monotonic() < deadline:  # the pool notices on its own thread
            time.sleep(0.01)
        assert pool._executor._broken
        second = dict(pool.run(_record_and_square, (str(tmp_path), None), _items(40), lambda _: 1))
    finally:
        pool.close()
    assert second == first
    assert phases.names == [], "a pool that broke while idle is restarted quietly"


def test_a_file_that_kills_its_worker_is_found_among_the_few_running_and_named(tmp_path: Path) -> None:
    from ssot_migrate.engine import WorkPool
    from ssot_migrate.errors import WorkerCrash

    phases = _Phases()
    pool = WorkPool(2, phases)
    try:
        with pytest.raises(WorkerCrash) as crash:
            dict(pool.run(_record_and_square, (str(tmp_path), "33"), _items(60), lambda _: 1,
                          name=lambda key: f"file_{key}.py"))
    finally:
        pool.close()
    assert crash.value.path == "file_33.py"
    assert str(crash.value).startswith("file_33.py: working on this file ended its worker process abruptly, twice")
    assert len(phases.names) == 1 and phases.names[0].startswith("a worker process ended abruptly: working on the ")
    runs = {int(p.stem): len(p.read_text().splitlines()) for p in tmp_path.glob("*.runs")}
    # The killer ran in the chunked pool (and its restart, when it broke before any chunk came back), in the
    # one-file-per-task pool and alone; no other file ran more often than that.
    assert runs[33] in (3, 4) and max(runs.values()) == runs[33]


def test_workers_that_end_as_they_start_blame_no_file(tmp_path: Path) -> None:
    from ssot_migrate.engine import WorkPool
    from ssot_migrate.errors import WorkerCrash

    pool = WorkPool(2, initializer=_die_at_start)
    try:
        with pytest.raises(WorkerCrash) as crash:
            dict(pool.run(_record_and_square, (str(tmp_path), None), _items(20), lambda _: 1))
    finally:
        pool.close()
    assert crash.value.path is None
    assert str(crash.value).startswith("worker processes end as soon as they start")
    assert list(tmp_path.glob("*.runs")) == []
