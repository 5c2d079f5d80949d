"""Which files a run looks at: `git ls-files` (or a pruned walk), narrowed by paths and excludes."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

import pathspec

from .errors import UsageError

PYTHON_SUFFIXES = (".py", ".pyi")
_PRUNED_DIRS = {"__pycache__", "node_modules", "site-packages", "build", "dist"}


@dataclass(frozen=True)
class Discovery:
    """Files of a project, as repo-relative `/` paths, sorted."""

    root: Path
    files: tuple[str, ...]
    is_git: bool

    @property
    def python_files(self) -> tuple[str, ...]:
        return tuple(f for f in self.files if f.endswith(PYTHON_SUFFIXES))


def _git_files(root: Path) -> list[str] | None:
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=root, capture_output=True, check=False,
        )
    except OSError:
        return None
    if result.returncode != 0:
        return None
    return [p for p in result.stdout.decode("utf-8", "surrogateescape").split("\0") if p]


def _walk_files(root: Path) -> list[str]:
    found: list[str] = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        base = Path(folder)
        dirs[:] = sorted(
            d for d in dirs
            if not d.startswith(".") and d not in _PRUNED_DIRS and not (base / d / "pyvenv.cfg").exists()
        )
        for name in names:
            found.append((base / name).relative_to(root).as_posix())
    return found


def compile_patterns(patterns: Iterable[str]) -> pathspec.PathSpec | None:
    lines = [p for p in patterns if p.strip()]
    return pathspec.GitIgnoreSpec.from_lines(lines) if lines else None


def discover(
    root: Path,
    *,
    restrict: Sequence[str] = (),
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> Discovery:
    """Every regular file under `root` that git does not ignore (symlinks are never followed).

    `restrict` are root-relative paths (files or folders) from the command line;
    `include`/`exclude` are gitignore-style patterns from the spec and config.
    """
    root = root.resolve()
    listed = _git_files(root)
    is_git = listed is not None
    candidates = listed if listed is not None else _walk_files(root)
    include_spec = compile_patterns(include)
    exclude_spec = compile_patterns(exclude)
    prefixes = [p.strip("/") for p in restrict if p.strip("/") not in ("", ".")]
    files: set[str] = set()
    for path in candidates:
        if prefixes and not any(path == p or path.startswith(p + "/") for p in prefixes):
            continue
        if include_spec is not None and not include_spec.match_file(path):
            continue
        if exclude_spec is not None and exclude_spec.match_file(path):
            continue
        full = root / path
        if full.is_symlink() or not full.is_file():
            continue
        files.add(path)
    return Discovery(root=root, files=tuple(sorted(files)), is_git=is_git)


def restrict_paths(root: Path, paths: Sequence[Path]) -> tuple[str, ...]:
    """Command-line paths as root-relative prefixes; a path outside the root is a usage error."""
    resolved_root = root.resolve()
    out = []
    for path in paths:
        full = path.resolve()
        try:
            relative = full.relative_to(resolved_root)
        except ValueError:
            raise UsageError(f"{path}: outside the project root {resolved_root}") from None
        if not full.exists():
            raise UsageError(f"{path}: no such file or folder")
        out.append(relative.as_posix())
    return tuple(out)


def inside_root(root: Path, path: str) -> bool:
    """True when `root/path` resolves (through any symlinked folder) to a place inside `root`."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(root / path)
    return real == real_root or real.startswith(real_root + os.sep)
