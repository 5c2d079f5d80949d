"""The engine: codemods run in spec order on one tree, each seeing the previous one's result."""

from __future__ import annotations

import json
from pathlib import Path

from .helpers import make_repo, run_cli, spec_text


def test_a_later_codemod_sees_the_earlier_ones_result(tmp_path: Path) -> None:
    spec = spec_text([
        {"kind": "rename-import", "old": "legacy.helpers.make", "new": "pkg.tools:build"},
        {"kind": "rename-import", "old": "pkg.tools.build", "new": "pkg.factory:create"},
    ])
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "", "pkg/factory.py": "def create():\n    return 1\n",
        "app.py": "from legacy.helpers import make\n\nmake()\n",
        "migration.toml": spec,
    })
    data = json.loads(run_cli("plan", "--spec", "migration.toml", "-f", "json", cwd=repo).stdout)
    [file] = data["files"]
    assert "+from pkg.factory import create\n" in file["diff"]
    assert "+create()\n" in file["diff"]
    assert sorted({e["codemod"] for e in file["edits"]}) == [0, 1]
    assert [(c["files"], c["edits"]) for c in data["codemods"]] == [(1, 2), (1, 2)]


def test_a_symbol_rename_inside_a_moved_module_uses_the_new_module_path(tmp_path: Path) -> None:
    spec = spec_text([
        {"kind": "rename-import", "old": "app.agents.bridge", "new": "app.services.bridge"},
        {"kind": "rename-import", "old": "app.services.bridge.make_bridge", "new": "app.services.bridge.create_bridge"},
    ])
    repo = make_repo(tmp_path / "repo", {
        "app/__init__.py": "", "app/services/__init__.py": "",
        "app/services/bridge.py": "def create_bridge():\n    return 1\n",
        "app/main.py": "from app.agents.bridge import make_bridge\n\nmake_bridge()\n",
        "migration.toml": spec,
    })
    result = run_cli("apply", "--spec", "migration.toml", "--in-place", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert (repo / "app/main.py").read_text() == "from app.services.bridge import create_bridge\n\ncreate_bridge()\n"


def _signal_myself(payload: object, arguments: list[int]) -> list[bool]:
    """A pool task: Ctrl-C lands on this worker (as it does on the whole foreground group), then it reports."""
    import os
    import signal

    os.kill(os.getpid(), signal.SIGINT)
    return [signal.getsignal(signal.SIGTERM) is signal.SIG_DFL for _ in arguments]


def test_pool_workers_leave_signals_to_the_main_process() -> None:
    """A signal to the process group reaches the planning workers too: they must neither raise (a traceback beside
    the one-line outcome) nor run the CLI's handler they were forked with. Found by bench/faults.py (trial 216)."""
    import signal

    from ssot_migrate.engine import WorkPool

    def cli_handler(signum: int, frame: object) -> None:
        raise RuntimeError("the CLI's handler ran in a worker")

    previous = {sig: signal.signal(sig, cli_handler) for sig in (signal.SIGINT, signal.SIGTERM)}
    pool = WorkPool(2)
    try:
        results = dict(pool.run(_signal_myself, None, [(n, n) for n in range(8)], lambda item: 1))
    finally:
        pool.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    assert results == {n: True for n in range(8)}


def test_costs_are_written_per_planned_file_only_when_asked(tmp_path: Path) -> None:
    from ssot_migrate.engine import COST_PHASES

    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "",
        "pkg/new.py": "def f():\n    return 1\n",
        "app/__init__.py": "",
        "app/main.py": "from pkg.old import f\n\nf()\n",
        "app/other.py": "import pkg.old\n\n\ndef g():\n    return pkg.old.f()\n",
    })
    costs = tmp_path / "costs.jsonl"
    plain = run_cli("plan", "--rename", "pkg.old=pkg.new", "-f", "json", "--no-cache", cwd=repo)
    timed = run_cli("plan", "--rename", "pkg.old=pkg.new", "-f", "json", "--no-cache", cwd=repo,
                    env={"SSOT_MIGRATE_COSTS": str(costs)})
    assert plain.returncode == timed.returncode == 0, timed.stderr.decode()
    assert json.loads(plain.stdout)["files"] == json.loads(timed.stdout)["files"]
    lines = [json.loads(line) for line in costs.read_text().splitlines()]
    assert sorted(line["path"] for line in lines if line["parsed"]) == ["app/main.py", "app/other.py", "pkg/new.py"]
    # app/main.py's only edit is its import's module path: it is rewritten from the `ast` alone (no libcst).
    assert [line["path"] for line in lines if line["plain"]] == ["app/main.py"]
    for line in lines:
        assert all(line[phase] >= 0 for phase in COST_PHASES)
        if line["plain"]:  # no libcst parse or metadata; its rewrite and verification are timed
            assert line["parse"] == line["metadata"] == 0 and line["rewrite"] + line["verification"] > 0, line
        elif line["parsed"]:  # the phases of a parsed file are timed (CPU time; its libcst parse is never free)
            assert line["parse"] > 0 and line["metadata"] + line["rewrite"] > 0, line
