"""Replaying `prepare` from the cache (`recall`): rename-import's repository-wide re-export rules are
recorded with the facts they were read from, replayed while those hold, and computed again as soon as one
changes; every plan equals a plan without the cache."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from .helpers import git, make_repo, run_cli

RENAME = "pkg.core.Thing=pkg.fresh.Thing"
FILES = {
    "pkg/__init__.py": 'from pkg.core import Thing\n\n__all__ = ["Thing"]\n',
    "pkg/core.py": "class Thing:\n    pass\n",
    "pkg/fresh.py": "class Thing:\n    pass\n",
    "app/__init__.py": "",
    # Imports the old name directly: an edit in every plan.
    "app/direct.py": "from pkg.core import Thing\n\nTHING = Thing()\n",
    # Imports the package's re-export of it: the derived rule `pkg.Thing` (report-only, SSOT104).
    "app/facade.py": "from pkg import Thing\n\n\ndef make():\n    return Thing()\n",
    # Mentions the name without importing it from anywhere that re-exports it.
    "app/bystander.py": "Thing = None  # a local Thing\n",
    "app/quiet.py": "def nothing():\n    return None\n",
}


def plan(repo: Path, cache: Path | None) -> dict[str, Any]:
    option = ["--cache-dir", str(cache)] if cache is not None else ["--no-cache"]
    result = run_cli("plan", "--rename", RENAME, "-f", "json", *option, cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def content(result: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in result.items() if key != "stats"}


def facade_findings(result: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((f["path"], f["code"]) for f in result["findings"] if f["code"] == "SSOT104")


def age(repo: Path, seconds: float = 3600) -> None:
    """Set every file's mtime well before now, as on a checkout that is not being edited."""
    then = time.time() - seconds
    for path in repo.rglob("*.py"):
        os.utime(path, (then, then))


def checked(repo: Path, cache: Path) -> dict[str, Any]:
    """A cached plan, asserted equal to a plan without the cache."""
    cached = plan(repo, cache)
    assert content(cached) == content(plan(repo, None))
    return cached


def recomputed(repo: Path, cache: Path) -> dict[str, Any]:
    """A cached plan that had to compute the rules again (a fact changed), equal to a plan without the cache."""
    result = checked(repo, cache)
    assert result["stats"]["recalled"] == 0
    return result


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = make_repo(tmp_path / "repo", FILES)
    age(root)
    return root


def test_an_edit_outside_the_imports_replays_the_rules(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = checked(repo, cache)
    assert first["stats"]["recalled"] == 0
    assert facade_findings(first) == [("app/facade.py", "SSOT104")]
    with open(repo / "app/facade.py", "a") as stream:
        stream.write("# a comment appended, as a pre-commit run sees it\n")
    again = checked(repo, cache)
    assert again["stats"]["recalled"] == 1
    assert facade_findings(again) == [("app/facade.py", "SSOT104")]
    # Nothing changed since: replayed again, now without re-checking the file.
    assert checked(repo, cache)["stats"]["recalled"] == 1


def test_a_file_that_starts_importing_the_reexport_is_seen(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    checked(repo, cache)
    (repo / "app/quiet.py").write_text("from pkg import Thing\n\n\ndef nothing():\n    return Thing\n")
    again = recomputed(repo, cache)
    assert facade_findings(again) == [("app/facade.py", "SSOT104"), ("app/quiet.py", "SSOT104")]


def test_a_file_that_already_named_the_word_and_now_imports_the_reexport_is_seen(
    tmp_path: Path,
) -> None:
    # The only user of the re-export goes away, then comes back in a file that always held the word.
    files = {**FILES, "app/facade.py": "def make():\n    return None\n"}
    repo = make_repo(tmp_path / "repo", files)
    age(repo)
    cache = tmp_path / "cache"
    assert facade_findings(checked(repo, cache)) == []
    (repo / "app/bystander.py").write_text("from pkg import Thing  # now the facade's\n")
    again = recomputed(repo, cache)
    assert facade_findings(again) == [("app/bystander.py", "SSOT104")]


def test_a_dotted_string_naming_the_reexport_is_seen(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    files = {**FILES, "app/facade.py": "def make():\n    return None\n"}
    for path, text in files.items():
        (repo / path).write_text(text)
    age(repo)
    assert facade_findings(checked(repo, cache)) == []
    (repo / "app/quiet.py").write_text('TARGET = "pkg.Thing"\n')
    recomputed(repo, cache)


def test_a_reexporting_module_that_changes_invalidates_the_rules(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    checked(repo, cache)
    # The package now re-exports the new class under the old name itself: callers keep working.
    (repo / "pkg/__init__.py").write_text('from pkg.fresh import Thing\n\n__all__ = ["Thing"]\n')
    again = recomputed(repo, cache)
    assert facade_findings(again) == []


def test_a_new_file_invalidates_the_rules(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    checked(repo, cache)
    (repo / "app/late.py").write_text("from pkg import Thing\n")
    again = recomputed(repo, cache)
    assert ("app/late.py", "SSOT104") in facade_findings(again)
    # A removed file too.
    (repo / "app/late.py").unlink()
    recomputed(repo, cache)


def test_a_file_changed_within_the_mtime_tick_of_the_recording_is_still_seen(tmp_path: Path) -> None:
    # Files written just before the run (as here: not aged) are racy: the record keeps no stat for them, so a
    # change that keeps the size and the mtime is still found.
    repo = make_repo(tmp_path / "repo", {**FILES, "app/quiet.py": "from pkg.core import Thing as T  # x\n"})
    cache = tmp_path / "cache"
    assert facade_findings(checked(repo, cache)) == [("app/facade.py", "SSOT104")]
    target = repo / "app/quiet.py"
    before = target.stat()
    replacement = "from pkg import Thing as T  # now via the facade"
    replacement = replacement[: before.st_size - 1].ljust(before.st_size - 1) + "\n"
    target.write_text(replacement)
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    again = recomputed(repo, cache)
    assert ("app/quiet.py", "SSOT104") in facade_findings(again)


def test_check_on_changed_files_replays_and_still_fails_on_pending_edits(repo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    git(repo, "add", "-A")
    checked(repo, cache)
    with open(repo / "app/direct.py", "a") as stream:
        stream.write("# edited\n")
    spec = tmp_path / "spec.toml"
    old, new = RENAME.split("=")
    spec.write_text(f'[migration]\nname = "thing"\n\n[[codemod]]\nkind = "rename-import"\nold = "{old}"\nnew = "{new}"\n')
    result = run_cli("check", "app/direct.py", "--spec", str(spec), "--cache-dir", str(cache), "-f", "json", cwd=repo)
    assert result.returncode == 1, result.stderr.decode()
    report = json.loads(result.stdout)
    assert [f["path"] for f in report["findings"] if f["code"].startswith("SSOT5")] == ["app/direct.py"]
