"""Project settings: `[tool.ssot-migrate]` in the target's pyproject.toml, and where the project root is."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_KEYS = ("specs", "roots", "test-command", "exclude")


@dataclass(frozen=True)
class ProjectConfig:
    """Settings of one target project; every path in it is relative to `root`."""

    root: Path
    specs: tuple[str, ...] = ()
    roots: tuple[str, ...] | None = None
    test_command: str | None = None
    exclude: tuple[str, ...] = ()


def git_toplevel(path: Path) -> Path | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=path, capture_output=True, text=True, check=False,
        )
    except OSError:
        return None
    return Path(out.stdout.strip()).resolve() if out.returncode == 0 and out.stdout.strip() else None


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above `start` with a pyproject.toml, not above the git top level.

    Without a pyproject.toml the git top level is the root, and outside git `start` itself.
    """
    start = start.resolve()
    if start.is_file():
        start = start.parent
    top = git_toplevel(start)
    current = start
    while True:
        if (current / "pyproject.toml").is_file():
            return current
        if top is not None and current == top:
            return top
        if current.parent == current:
            return top or start
        current = current.parent


def load_config(root: Path) -> ProjectConfig:
    """Read `[tool.ssot-migrate]`; unknown keys and wrong types are usage errors (exit 2)."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return ProjectConfig(root=root)
    try:
        document = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{pyproject}: cannot read [tool.ssot-migrate]: {exc}") from None
    table = document.get("tool", {}).get("ssot-migrate", {})
    if not isinstance(table, dict):
        raise UsageError(f"{pyproject}: [tool.ssot-migrate] must be a table")
    for key in table:
        if key not in CONFIG_KEYS:
            raise UsageError(
                f"{pyproject}: [tool.ssot-migrate]: unknown key {key!r} (known keys: {', '.join(CONFIG_KEYS)})"
            )

    def strings(key: str) -> tuple[str, ...] | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UsageError(f"{pyproject}: [tool.ssot-migrate]: {key!r} must be a list of strings")
        return tuple(value)

    command = table.get("test-command")
    if command is not None and not isinstance(command, str):
        raise UsageError(f"{pyproject}: [tool.ssot-migrate]: 'test-command' must be a string")
    return ProjectConfig(
        root=root,
        specs=strings("specs") or (),
        roots=strings("roots"),
        test_command=command,
        exclude=strings("exclude") or (),
    )
