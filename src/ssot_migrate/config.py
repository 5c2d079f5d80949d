"""Project settings: `[tool.ssot-migrate]` in the target's pyproject.toml, and where the project root is."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

CONFIG_KEYS = ("specs", "roots", "test-command", "exclude")
# A spec or pyproject.toml larger than this, or nested deeper, is refused before (or instead of) parsing it.
MAX_FILE_BYTES = 1 << 20
MAX_DEPTH = 16


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


def read_toml_bytes(path: Path, display: str, what: str, error: type[Exception]) -> bytes:
    """A TOML file's bytes, refused (one line) when it is not a regular file or larger than MAX_FILE_BYTES."""
    import os
    import stat as stat_module

    try:
        info = os.stat(path)
        if not stat_module.S_ISREG(info.st_mode):
            raise error(f"{display}: not a regular file (a folder, FIFO or device); {what} takes a TOML file")
        if info.st_size > MAX_FILE_BYTES:
            raise error(f"{display}: {info.st_size} bytes, more than the {MAX_FILE_BYTES} a TOML file here may have")
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise error(f"{display}: cannot read {'spec' if what == '--spec' else 'it'}: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise error(f"{display}: more than the {MAX_FILE_BYTES} bytes a TOML file here may have")
    return data


def parse_toml(text: str, display: str, error: type[Exception]) -> dict[str, Any]:
    """`tomllib.loads`, with nesting deeper than MAX_DEPTH refused in one line naming the key."""
    try:
        document = tomllib.loads(text)
    except RecursionError:
        raise error(f"{display}: key {_deep_key_in_text(text)!r}: nested deeper than {MAX_DEPTH} levels; "
                    "no setting needs more than a few") from None
    deep = _too_deep(document)
    if deep is not None:
        raise error(f"{display}: key {deep!r}: nested deeper than {MAX_DEPTH} levels; no setting needs more than a few")
    return document


def _too_deep(document: dict[str, Any]) -> str | None:
    stack: list[tuple[Any, int, str]] = [(value, 1, key) for key, value in document.items()]
    while stack:
        value, depth, key = stack.pop()
        if depth > MAX_DEPTH:
            return key
        if isinstance(value, dict):
            stack.extend((v, depth + 1, f"{key}.{k}") for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, depth + 1, key) for v in value)
    return None


def _deep_key_in_text(text: str) -> str:
    """The key on the first line that opens more than MAX_DEPTH brackets (tomllib could not even parse it)."""
    for line in text.splitlines():
        if line.count("[") + line.count("{") > MAX_DEPTH and "=" in line:
            return line.split("=", 1)[0].strip().strip('"\'')
    return "?"


def pattern_problem(pattern: str) -> str | None:
    """Why a `paths`/`exclude` pattern cannot stay inside the project, or None."""
    import os

    if any(ord(c) < 32 or ord(c) == 127 for c in pattern):
        return f"{pattern!r} contains a control character"
    parts = pattern.replace("\\", "/").split("/")
    if ".." in parts:
        return f"{pattern!r} leads out of the project ('..'): patterns are relative to the project root"
    if pattern.startswith("/") and len(pattern) > 1 and os.path.exists(pattern):
        return (f"{pattern!r} names {pattern} outside the project: patterns are relative to the project root "
                f"(gitignore style); write {pattern.lstrip('/')!r}")
    return None


def _outside(root: Path, relative: str) -> str | None:
    """Why a path in `specs`/`roots` is not inside the project (a repository must not make the tool read
    elsewhere), or None."""
    if relative.startswith("catalog:"):
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in relative):
        return f"{relative!r} contains a control character"
    resolved = (root / relative).resolve()
    base = root.resolve()
    if resolved != base and base not in resolved.parents:
        return f"{relative!r} leads outside the project {root}: name a file inside it"
    return None


def load_config(root: Path) -> ProjectConfig:
    """Read `[tool.ssot-migrate]`; unknown keys and wrong types are usage errors (exit 2)."""
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return ProjectConfig(root=root)
    data = read_toml_bytes(pyproject, str(pyproject), "the project", UsageError)
    try:
        document = parse_toml(data.decode("utf-8-sig"), str(pyproject), UsageError)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
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
        for item in value:
            problem = pattern_problem(item) if key == "exclude" else _outside(root, item)
            if problem:
                raise UsageError(f"{pyproject}: [tool.ssot-migrate]: key {key!r}: {problem}")
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
