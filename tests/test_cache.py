"""The content-addressed cache: hits on an unchanged tree, misses on every input that changed,
its folder (never inside the project), and runs sharing it at the same time."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ssot_migrate import api
from ssot_migrate.cache import PlanCache

from .helpers import ENV_BASE, git, make_repo, run_cli, spec_text, tree_bytes

FILES = {
    "pkg/__init__.py": "",
    "pkg/new.py": "def f():\n    return 1\n",
    "app/__init__.py": "",
    "app/main.py": "from pkg.old import f\n\nf()\n",
    "app/other.py": "import pkg.old\n\n\ndef g():\n    return pkg.old.f()\n",
    "app/prose.py": '"""Mentions pkg.old in prose only: a string is not an import."""\n',
    "app/untouched.py": "def h():\n    return 2\n",
}
RENAME = "pkg.old=pkg.new"


def plan_json(repo: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    result = run_cli("plan", "--rename", RENAME, "-f", "json", *args, cwd=repo, env=env)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def content(plan: dict[str, Any]) -> dict[str, Any]:
    """A plan without its statistics (which say how it was computed, not what it is)."""
    return {key: value for key, value in plan.items() if key != "stats"}


def entries(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.json") if p.is_file()) if folder.exists() else []


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", FILES)


def test_a_replan_of_an_unchanged_tree_comes_from_the_cache(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = plan_json(repo, "--cache-dir", str(cache))
    # app/main.py, app/other.py, and pkg/new.py (the moved module's own imports are checked).
    assert first["stats"]["cached"] == 0 and first["stats"]["parsed"] == 3
    second = plan_json(repo, "--cache-dir", str(cache))
    assert second["stats"]["cached"] == second["stats"]["prefiltered"] == first["stats"]["prefiltered"]
    assert second["stats"]["parsed"] == 0
    assert content(second) == content(first)
    assert [f["path"] for f in second["files"]] == ["app/main.py", "app/other.py"]


def test_a_changed_file_is_planned_again_and_the_others_still_hit(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plan_json(repo, "--cache-dir", str(cache))
    (repo / "app/main.py").write_text("from pkg.old import f\n\nf()\nf()\n")
    again = plan_json(repo, "--cache-dir", str(cache))
    assert again["stats"]["parsed"] == 1
    assert again["stats"]["cached"] == again["stats"]["prefiltered"] - 1
    main = next(f for f in again["files"] if f["path"] == "app/main.py")
    assert main["diff"].count("+f()") == 0 and "+from pkg.new import f\n" in main["diff"]
    assert " f()\n f()\n" in main["diff"]


def test_a_changed_spec_misses_the_cache(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plan_json(repo, "--cache-dir", str(cache))
    (repo / "pkg/newer.py").write_text("def f():\n    return 1\n")
    git(repo, "add", "-A")
    result = run_cli("plan", "--rename", "pkg.old=pkg.newer", "-f", "json", "--cache-dir", str(cache), cwd=repo)
    data = json.loads(result.stdout)
    assert data["stats"]["cached"] == 0
    assert all("pkg.newer" in f["diff"] for f in data["files"])


def test_a_repository_change_that_alters_the_prepared_rules_misses_the_cache(tmp_path: Path) -> None:
    # app/user.py never changes, but whether `pkg.f` is a re-export of the moved name depends on
    # pkg/__init__.py: the codemod's prepared state is part of every key.
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "from .old import f\n",
        "pkg/old.py": "def f():\n    return 1\n",
        "pkg/new.py": "def f():\n    return 1\n",
        "app/__init__.py": "",
        "app/user.py": "from pkg import f\n\nf()\n",
    })
    cache = tmp_path / "cache"
    spec = spec_text([{"kind": "rename-import", "old": "pkg.old.f", "new": "pkg.new.f", "follow_reexports": True}])
    (tmp_path / "spec.toml").write_text(spec)
    args = ("plan", "--spec", str(tmp_path / "spec.toml"), "-f", "json", "--cache-dir", str(cache))
    first = json.loads(run_cli(*args, cwd=repo).stdout)
    assert "app/user.py" in [f["path"] for f in first["files"]]
    (repo / "pkg/__init__.py").write_text("def f():\n    return 2\n")
    second = json.loads(run_cli(*args, cwd=repo).stdout)
    assert "app/user.py" not in [f["path"] for f in second["files"]]
    assert second["stats"]["cached"] == 0


def test_another_tool_version_misses_the_cache(repo: Path, tmp_path: Path) -> None:
    target = api.resolve_target([], repo)
    migration = api.load_target_migration(target, (), (RENAME,))
    folder = tmp_path / "cache"
    first = api.plan_target(target, migration, cache=PlanCache(folder, tool="0.1.0"))
    same = api.plan_target(target, migration, cache=PlanCache(folder, tool="0.1.0"))
    other = api.plan_target(target, migration, cache=PlanCache(folder, tool="0.2.0"))
    assert first.stats.cached == 0
    assert same.stats.cached == same.stats.prefiltered > 0
    assert other.stats.cached == 0 and other.stats.parsed == first.stats.parsed
    assert [f.new_bytes for f in other.files] == [f.new_bytes for f in first.files]


def test_no_cache_neither_reads_nor_writes(repo: Path, private_cache_home: Path) -> None:
    plan_json(repo, "--no-cache")
    assert entries(private_cache_home) == []
    plan_json(repo)  # the default folder: $XDG_CACHE_HOME/ssot-migrate
    assert entries(private_cache_home / "ssot-migrate")
    assert plan_json(repo, "--no-cache")["stats"]["cached"] == 0
    assert plan_json(repo)["stats"]["cached"] > 0


def test_cache_dir_chooses_the_folder(repo: Path, tmp_path: Path, private_cache_home: Path) -> None:
    folder = tmp_path / "elsewhere" / "cache"
    plan_json(repo, "--cache-dir", str(folder))
    assert entries(folder)
    assert entries(private_cache_home) == []


def test_a_cache_dir_inside_the_project_is_refused(repo: Path) -> None:
    before = tree_bytes(repo)
    result = run_cli("plan", "--rename", RENAME, "--cache-dir", str(repo / ".cache"), cwd=repo)
    assert result.returncode == 2
    assert "inside the project" in result.stderr.decode()
    assert tree_bytes(repo) == before


def test_a_default_cache_folder_inside_the_project_is_not_used(repo: Path) -> None:
    env = {"XDG_CACHE_HOME": str(repo / ".cache")}
    plan_json(repo, env=env)
    again = plan_json(repo, env=env)
    assert again["stats"]["cached"] == 0
    assert not (repo / ".cache").exists()
    assert git(repo, "status", "--porcelain").stdout == ""


def test_two_concurrent_plans_share_a_cache_folder(tmp_path: Path) -> None:
    files = dict(FILES)
    for number in range(30):
        files[f"app/mod{number}.py"] = f"from pkg.old import f\n\n\ndef use{number}():\n    return f()\n"
    repo = make_repo(tmp_path / "repo", files)
    cache = tmp_path / "cache"
    env = {**os.environ, **ENV_BASE}
    env.pop("PYTEST_ADDOPTS", None)
    command = [sys.executable, "-m", "ssot_migrate", "plan", "--rename", RENAME, "-f", "json", "--cache-dir", str(cache)]
    for _round in range(2):
        runs = [subprocess.Popen(command, cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        outputs = [run.communicate(timeout=300) for run in runs]
        assert [run.returncode for run in runs] == [0, 0], [err.decode() for _out, err in outputs]
        plans = [json.loads(out) for out, _err in outputs]
        assert content(plans[0]) == content(plans[1])
        assert len(plans[0]["files"]) == 32
    assert not list(cache.rglob(".tmp-*"))
    assert plan_json(repo, "--cache-dir", str(cache))["stats"]["parsed"] == 0


def test_check_shares_the_cache_and_honours_no_cache(repo: Path, tmp_path: Path) -> None:
    spec = tmp_path / "spec.toml"
    spec.write_text(spec_text([{"kind": "rename-import", "old": "pkg.old", "new": "pkg.new"}]))
    cache = tmp_path / "cache"
    plan_json(repo, "--cache-dir", str(cache))  # a plan of the same migration fills the cache

    def check(*args: str) -> dict[str, Any]:
        result = run_cli("check", "app/main.py", "--spec", str(spec), "-f", "json", *args, cwd=repo)
        assert result.returncode == 1, result.stderr.decode()  # app/main.py still holds a pending edit
        return json.loads(result.stdout)

    warm = check("--cache-dir", str(cache))
    assert warm["stats"]["cached"] == 1 and warm["stats"]["parsed"] == 0
    assert [f["path"] for f in warm["findings"]] == ["app/main.py"]
    cold = check("--no-cache")
    assert cold["stats"]["cached"] == 0 and cold["stats"]["parsed"] == 1
    assert cold["findings"] == warm["findings"]


def _damage(entry: Path) -> None:
    """Change one byte in the middle of an entry's JSON, as a disk error or a hand edit would."""
    data = bytearray(entry.read_bytes())
    middle = len(data) // 2 + 5
    data[middle] = ord("0") if data[middle] != ord("0") else ord("1")
    entry.write_bytes(bytes(data))


def test_a_damaged_entry_is_a_miss_and_is_written_again(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = plan_json(repo, "--cache-dir", str(cache))
    stored = entries(cache)
    assert stored
    for entry in stored:
        _damage(entry)
    again = plan_json(repo, "--cache-dir", str(cache))
    assert again["stats"]["cached"] == 0 and again["stats"]["parsed"] == first["stats"]["parsed"]
    assert content(again) == content(first)
    warm = plan_json(repo, "--cache-dir", str(cache))
    assert warm["stats"]["cached"] == warm["stats"]["prefiltered"] > 0, "the damaged entries were written again"


def test_a_damaged_audit_scan_is_a_miss_even_in_a_part_decoded_late(tmp_path: Path, private_cache_home: Path) -> None:
    """A warm hook decodes some parts of a cached scan (signatures) only when a check reads them: damage there
    must still be a miss, not a traceback in the middle of the checks."""
    project = make_repo(tmp_path / "project", {
        "pkg/__init__.py": "",
        "pkg/api.py": "def kept(a, b=1, *, c=2):\n    pass\n",
        "pkg/user.py": "from pkg.api import kept\n\nkept(1, 2, 3)\n",
    })
    args = ("audit", "--fail-on", "error", "--importers", "--output-format", "concise", "pkg/api.py")
    first = run_cli(*args, cwd=project)
    assert first.returncode == 1 and b"pkg/user.py:3:1: SSOT530 error:" in first.stdout
    stored = entries(private_cache_home)
    assert stored
    damaged_entries = 0
    for entry in stored:
        text = entry.read_bytes()
        # Inside the late-decoded JSON text of `kept`'s parameter `a`: the whole entry still parses as JSON.
        damaged = text.replace(b'\\"a\\"', b'\\"a\\"\\"')  # `"a"` -> `"a""` in the inner text only
        if damaged != text:
            entry.write_bytes(damaged)
            damaged_entries += 1
    assert damaged_entries, "some cached scan holds the signature as late-decoded JSON text"
    damaged = run_cli(*args, cwd=project)
    assert damaged.returncode == 1, damaged.stderr.decode()
    assert b"Traceback" not in damaged.stderr
    assert damaged.stdout.splitlines()[:-1] == first.stdout.splitlines()[:-1]


# -- the writer: atomic entries without a random temporary name per entry -------------------------------------------


def test_an_entry_interrupted_before_its_rename_leaves_nothing_readable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ssot_migrate.cache as cache_module
    from ssot_migrate.modules import ModuleInfo
    from ssot_migrate.scan import scan_source

    folder = tmp_path / "cache"
    cache = PlanCache(folder, tool="test")
    info = ModuleInfo("app.main", "app", False)
    data = b"from pkg.old import f\n\nf()\n"
    scan = scan_source(data, info, "app/main.py", expressions=True)

    def interrupted(source: str, target: str) -> None:
        raise KeyboardInterrupt  # a Ctrl-C after the bytes were written, before the rename

    monkeypatch.setattr(cache_module.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cache.put_scan(data, "app/main.py", info, scan)
    monkeypatch.undo()
    assert [p for p in folder.rglob("*") if p.is_file()] == []  # neither the entry nor its temporary file
    assert cache.get_scan(data, "app/main.py", info) is None
    # A killed writer's leftover under the name this process would use next is skipped, never read as an entry.
    entry_folder = Path(cache._file(cache._key("scan", data, "app/main.py", info, ""))).parent
    leftover = entry_folder / f".tmp-{os.getpid()}-{next(cache_module._TEMPORARY) + 1}.json"
    leftover.write_bytes(b"0000\n{\"@FileScan\": [tr")
    cache.put_scan(data, "app/main.py", info, scan)
    assert cache.get_scan(data, "app/main.py", info) == scan
    assert leftover.read_bytes() == b"0000\n{\"@FileScan\": [tr"
    assert len(entries(folder)) == 2  # the entry and the leftover, which no key names


def test_half_written_entries_are_misses_and_are_written_again(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = plan_json(repo, "--cache-dir", str(cache))
    stored = entries(cache)
    assert stored
    for entry in stored:  # what a disk filled up (or a copy cut short) leaves
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2])
    again = plan_json(repo, "--cache-dir", str(cache))
    assert again["stats"]["cached"] == 0 and content(again) == content(first)
    warm = plan_json(repo, "--cache-dir", str(cache))
    assert warm["stats"]["cached"] == warm["stats"]["prefiltered"] > 0 and content(warm) == content(first)
    assert not list(cache.rglob(".tmp-*"))
