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

    old_format = _plant(cache / "v3" / "ab" / f"{KEY}.json", 1)
    unused_version = _plant(cache / "v4" / ("1" * 16) / "ab" / f"{KEY}.json", 8)
    _age(unused_version.parent.parent, 8)
    recent_version = _plant(cache / "v4" / ("2" * 16) / "ab" / f"{KEY}.json", 8)
    _age(recent_version.parent.parent, 2)
    month_old = _plant(mine / "cd" / ("cd" + "1" * 62 + ".json"), 31)
    stale_temporary = _plant(mine / "cd" / ".tmp-123-4.json", 2)
    fresh_temporary = _plant(mine / "cd" / ".tmp-123-5.json", 0.01)
    planted = [old_format, unused_version, recent_version, month_old, stale_temporary, fresh_temporary]

    # Pruned less than a day ago: this run prunes nothing.
    _age(cache / "last-prune", 0.5)
    assert plan_json(repo, "--cache-dir", str(cache))["stats"]["cached"] == hits
    assert all(p.exists() for p in planted)

    _age(cache / "last-prune", 1.1)
    second = plan_json(repo, "--cache-dir", str(cache))
    assert second["stats"]["cached"] == hits, "this version's recent entries stay"
    assert [p for p in planted if p.exists()] == [recent_version, fresh_temporary]
    assert not (cache / "v3").exists() and not unused_version.parent.parent.exists()
    assert sorted(set(mine.rglob("*.json")) - {fresh_temporary}) == kept_entries
    assert time.time() - (cache / "last-prune").stat().st_mtime < 600


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

    _plant(cache / "v2" / "ab" / f"{KEY}.json", 0, "12345")
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
