"""Shared test helpers: real files, real git repositories, the real CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Mapping, Sequence

ENV_BASE = {
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Author",
    "GIT_COMMITTER_EMAIL": "author@example.com",
    "NO_COLOR": "1",
}


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_bytes(content.encode("utf-8"))


def git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **ENV_BASE}
    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=check, env=env)


def make_repo(root: Path, files: Mapping[str, str | bytes], *, commit: bool = True) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    write_files(root, files)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Author")
    git(root, "config", "user.email", "author@example.com")
    git(root, "config", "commit.gpgsign", "false")
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial", "--allow-empty")
    return root


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(value)


def spec_text(codemods: list[Mapping[str, Any]], name: str = "test-migration", **migration: Any) -> str:
    lines = ["[migration]", f"name = {toml_value(name)}"]
    lines += [f"{key} = {toml_value(value)}" for key, value in migration.items()]
    for codemod in codemods:
        lines += ["", "[[codemod]]"]
        lines += [f"{key} = {toml_value(value)}" for key, value in codemod.items()]
    return "\n".join(lines) + "\n"


def run_cli(*args: str, cwd: Path, env: Mapping[str, str] | None = None, input: str | None = None,
            timeout: float = 300, unset: Sequence[str] = ()) -> subprocess.CompletedProcess[bytes]:
    full_env = cli_env(env, unset)
    return subprocess.run(
        [sys.executable, "-m", "ssot_migrate", *args], cwd=cwd, capture_output=True, env=full_env,
        input=input.encode() if input is not None else None, timeout=timeout,
    )


def cli_env(env: Mapping[str, str] | None = None, unset: Sequence[str] = ()) -> dict[str, str]:
    """The environment the CLI runs with in tests: ours, plus `env`, without `unset` and PYTEST_ADDOPTS."""
    full_env = {**os.environ, **ENV_BASE, **(env or {})}
    for name in ("PYTEST_ADDOPTS", *unset):
        full_env.pop(name, None)
    return full_env


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under root (outside .git) and its bytes."""
    out = {}
    for path in sorted(root.rglob("*")):
        if ".git" in path.relative_to(root).parts or not path.is_file():
            continue
        out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


def run_in_terminal(*args: str, cwd: Path, columns: int = 120, env: Mapping[str, str] | None = None,
                    timeout: float = 300) -> tuple[int, str]:
    """The CLI on a real pseudo-terminal `columns` wide (stdout and stderr both on it), outside CI: its exit
    code and everything it showed."""
    import fcntl
    import pty
    import select
    import struct
    import termios
    import time

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "ssot_migrate", *args], cwd=cwd, stdin=slave, stdout=slave, stderr=slave,
        env={**cli_env(env, unset=("CI", "COLUMNS", "LINES", "TERM")), "TERM": "xterm"}, close_fds=True,
    )
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    os.close(master)
    code = process.wait(timeout=max(1.0, deadline - time.monotonic()))
    return code, b"".join(chunks).decode("utf-8", errors="replace").replace("\r\n", "\n")
