"""The cache stays small on its own: once a day a run prunes what no run needs (other formats, tool versions not run
for a week, entries written a month ago, stale temporary files), only in a folder that is ssot-migrate's; and
`ssot-migrate cache` shows, prunes or clears it."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from .helpers import make_repo, run_cli
from .test_cache import FILES, plan_json

DAY = 24 * 3600
KEY = "ab" + "0" * 62


def _plant(path: Path, age_days: float, text: str = "x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    _age(path, age_days)
    return path


def _age(path: Path, age_days: float) -> None:
    when = time.time() - age_days * DAY
    os.utime(path, (when, when))


def _age_folders(top: Path, age_days: float) -> None:
    for folder in sorted((p for p in top.rglob("*") if p.is_dir()), reverse=True):
        _age(folder, age_days)
    _age(top, age_days)


def _identity(cache: Path) -> Path:
    (mine,) = [p for p in (cache / "v4").iterdir() if p.is_dir()]
    return mine


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", FILES)


def test_a_run_prunes_once_a_day_what_no_run_needs(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = plan_json(repo, "--cache-dir", str(cache))
    assert first["stats"]["cached"] == 0
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    mine = _identity(cache)
    kept_entries = sorted(mine.rglob("*.json"))
    hits = plan_json(repo, "--cache-dir", str(cache))["stats"]["cached"]
    assert kept_entries and hits >= first["stats"]["parsed"] > 0

    old_format = _plant(cache / "v3" / "ab" / f"{KEY}.json", 8)
    _age_folders(cache / "v3", 8)
    used_format = _plant(cache / "v5" / ("3" * 16) / "ab" / f"{KEY}.json", 8)  # a newer ssot-migrate, run 2 days ago
    _age_folders(cache / "v5", 8)
    _age(used_format.parent.parent, 2)
    unused_version = _plant(cache / "v4" / ("1" * 16) / "ab" / f"{KEY}.json", 8)
    _age_folders(unused_version.parent.parent, 8)
    recent_version = _plant(cache / "v4" / ("2" * 16) / "ab" / f"{KEY}.json", 8)
    _age_folders(recent_version.parent.parent, 8)
    _age(recent_version.parent.parent, 2)
    # This version's entries go 30 days after their writing, plus 0-10 days by shard (00: none, ff: all 10).
    month_old = _plant(mine / "00" / ("00" + "1" * 62 + ".json"), 31)
    month_old_but_spread = _plant(mine / "ff" / ("ff" + "1" * 62 + ".json"), 35)
    forty_days_old = _plant(mine / "ff" / ("ff" + "2" * 62 + ".json"), 41)
    stale_temporary = _plant(mine / "cd" / ".tmp-123-4.json", 2)
    fresh_temporary = _plant(mine / "cd" / ".tmp-123-5.json", 0.01)
    stale_tag_write = _plant(cache / ".tmp-77-0.json", 2)
    planted = [old_format, used_format, unused_version, recent_version, month_old, month_old_but_spread,
               forty_days_old, stale_temporary, fresh_temporary, stale_tag_write]
    fresh = [used_format, recent_version, month_old_but_spread, fresh_temporary]

    # Pruned less than a day ago: this run prunes nothing.
    _age(cache / "last-prune", 0.5)
    assert plan_json(repo, "--cache-dir", str(cache))["stats"]["cached"] == hits
    assert all(p.exists() for p in planted)

    _age(cache / "last-prune", 1.1)
    second = plan_json(repo, "--cache-dir", str(cache))
    assert second["stats"]["cached"] == hits, "this version's recent entries stay"
    assert [p for p in planted if p.exists()] == fresh
    assert not (cache / "v3").exists() and not unused_version.parent.parent.exists()
    assert sorted(set(mine.rglob("*.json")) - {fresh_temporary, month_old_but_spread}) == kept_entries
    assert time.time() - (cache / "last-prune").stat().st_mtime < 600


@pytest.mark.parametrize("shape", ["another tool's tag", "a file of the user's in a format folder"])
def test_a_folder_that_only_looks_like_a_cache_is_never_adopted(repo: Path, tmp_path: Path, shape: str) -> None:
    folder = tmp_path / "mine"
    entry = _plant(folder / "v2" / "cd" / f"{KEY}.json", 40)
    if shape == "another tool's tag":
        _plant(folder / "CACHEDIR.TAG", 40, "Signature: 8a477f597d28d172789f06886806bc55\n# created by another tool\n")
    else:
        _plant(folder / "v2" / "notes.txt", 40)
    _age_folders(folder, 40)
    before = sorted(p for p in folder.rglob("*"))
    plan_json(repo, "--cache-dir", str(folder))
    for option in ("--prune", "--clear"):
        assert run_cli("cache", "--cache-dir", str(folder), option, cwd=repo).returncode == 2
    assert entry.exists() and not (folder / "last-prune").exists()
    assert sorted(p for p in folder.rglob("*") if "v4" not in p.parts) == before


def test_pruning_never_follows_a_symlink_out_of_the_cache(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plan_json(repo, "--cache-dir", str(cache))
    outside = _plant(tmp_path / "outside" / "ab" / f"{KEY}.json", 40)
    _age_folders(tmp_path / "outside", 40)
    (cache / "v3").symlink_to(tmp_path / "outside", target_is_directory=True)
    mine = _identity(cache)
    free = next(f"{n:02x}" for n in range(256) if not (mine / f"{n:02x}").exists())  # a shard no entry uses yet
    (mine / free).symlink_to(tmp_path / "outside" / "ab", target_is_directory=True)
    pruned = run_cli("cache", "--cache-dir", str(cache), "--prune", cwd=repo)
    assert pruned.returncode == 0 and pruned.stdout.decode().startswith(f"pruned {cache}: 0 entries")
    cleared = run_cli("cache", "--cache-dir", str(cache), "--clear", cwd=repo)
    assert cleared.returncode == 0
    assert outside.exists()


def test_a_prune_stamp_from_the_future_does_not_stop_pruning(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plan_json(repo, "--cache-dir", str(cache))
    old = _plant(cache / "v3" / "ab" / f"{KEY}.json", 9)
    _age_folders(cache / "v3", 9)
    _age(cache / "last-prune", -30)  # a clock that was a month ahead
    plan_json(repo, "--cache-dir", str(cache))
    assert not old.exists()


def test_a_cache_dir_of_other_files_is_never_pruned_or_cleared(repo: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    notes = _plant(folder / "notes.txt", 40, "the user's own file")
    looks_cached = _plant(folder / "v3" / "ab" / f"{KEY}.json", 40)
    plan_json(repo, "--cache-dir", str(folder))
    assert not (folder / "CACHEDIR.TAG").exists()
    for option in ("--prune", "--clear"):
        refused = run_cli("cache", "--cache-dir", str(folder), option, cwd=repo)
        assert refused.returncode == 2
        assert refused.stderr.decode().startswith(f"error: --cache-dir {folder}: not an ssot-migrate cache")
    assert notes.exists() and looks_cached.exists()


def test_the_cache_command_shows_prunes_and_clears(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plan = plan_json(repo, "--cache-dir", str(cache))
    mine = _identity(cache)
    count = len(list(mine.rglob("*.json")))
    size = sum(p.stat().st_size for p in mine.rglob("*.json"))
    shown = run_cli("cache", "--cache-dir", str(cache), cwd=repo)
    assert shown.returncode == 0
    rounded = f" ({size / 1000:.1f} kB)"
    line = f"cache {cache}: {count} entries, {size} bytes{rounded}; this version of ssot-migrate: {count} entries, " \
           f"{size} bytes{rounded}"
    assert 1000 <= size < 1_000_000
    assert shown.stdout.decode() == line + "\n"

    _plant(cache / "v2" / "ab" / f"{KEY}.json", 9, "12345")
    _age_folders(cache / "v2", 9)
    pruned = run_cli("cache", "--cache-dir", str(cache), "--prune", cwd=repo)
    assert pruned.stdout.decode().splitlines() == [f"pruned {cache}: 1 entries, 5 bytes removed", line]
    cleared = run_cli("cache", "--cache-dir", str(cache), "--clear", cwd=repo)
    assert cleared.stdout.decode().splitlines() == [
        f"cleared {cache}: {count} entries, {size} bytes{rounded} removed",
        f"cache {cache}: 0 entries, 0 bytes; this version of ssot-migrate: 0 entries, 0 bytes",
    ]
    assert sorted(p.name for p in cache.iterdir()) == ["CACHEDIR.TAG", "last-prune"]
    again = plan_json(repo, "--cache-dir", str(cache))
    assert again["stats"]["cached"] == 0 and again["files"] == plan["files"]

    both = run_cli("cache", "--cache-dir", str(cache), "--prune", "--clear", cwd=repo)
    assert both.returncode == 2 and b"--prune and --clear exclude each other" in both.stderr


def test_a_mistyped_cache_dir_is_reported_empty_and_not_created(repo: Path, tmp_path: Path) -> None:
    typo = tmp_path / "cahce"
    for option in ("--prune", "--clear"):
        result = run_cli("cache", "--cache-dir", str(typo), option, cwd=repo)
        assert result.returncode == 0
        assert result.stdout.decode().splitlines()[-1] == (
            f"cache {typo}: 0 entries, 0 bytes; this version of ssot-migrate: 0 entries, 0 bytes")
    assert not typo.exists()
