"""What every bench script shares: pinned source distributions downloaded once with pip and checked against their
SHA-256, and subprocesses run with a fixed git identity (bench/run.py, bench/soundness, bench/audit_precision.py)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Protocol

GIT_ENV = {
    "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_AUTHOR_DATE": "2025-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2025-01-01T00:00:00Z",
}


class Pinned(Protocol):
    requirement: str  # `name==version`
    archive: str  # the sdist's file name
    sha256: str


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
        check: bool = True) -> subprocess.CompletedProcess[bytes]:
    result = subprocess.run(cmd, cwd=cwd, env={**os.environ, **GIT_ENV, **(env or {})}, capture_output=True)
    if check and result.returncode != 0:
        raise SystemExit(f"failed ({result.returncode}): {' '.join(cmd)}\n{result.stderr.decode(errors='replace')}")
    return result


def fetch(pinned: Pinned, downloads: Path) -> Path:
    """The source distribution, downloaded with pip into `downloads` once and checked against its pinned hash."""
    archive = downloads / pinned.archive
    if not archive.exists():
        downloads.mkdir(parents=True, exist_ok=True)
        print(f"downloading {pinned.requirement} (sdist) with pip ...", file=sys.stderr)
        run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:",
             "--dest", str(downloads), pinned.requirement])
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != pinned.sha256:
        raise SystemExit(f"{archive}: sha256 {digest} is not the pinned {pinned.sha256}; delete it and rerun")
    return archive


def extracted_repo(pinned: Pinned, downloads: Path, repo: Path) -> Path:
    """The sdist extracted into `repo` as a git repository with one commit, made once. Built aside and renamed into
    place, so that two runs started at once never see half a corpus."""
    if (repo / ".git").is_dir():
        return repo
    archive = fetch(pinned, downloads)
    staging = repo.parent / f".{repo.name}-extract-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(staging, filter="data")
    [top] = list(staging.iterdir())
    run(["git", "init", "-q", "-b", "main"], cwd=top)
    run(["git", "add", "-A"], cwd=top)
    run(["git", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "corpus"], cwd=top)
    try:
        top.rename(repo)
    except OSError:
        if not (repo / ".git").is_dir():
            raise
    shutil.rmtree(staging, ignore_errors=True)
    return repo
