"""Git-style unified diffs of file bytes: `git apply` takes them, and each file keeps its own encoding."""

from __future__ import annotations

import difflib

NO_NEWLINE = b"\\ No newline at end of file\n"


def unified_diff(path: str, old: bytes, new: bytes, *, context: int = 3) -> bytes:
    """A `diff --git` section for one file (empty when the bytes are equal)."""
    if old == new:
        return b""
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    body = bytearray()
    for line in difflib.diff_bytes(
        difflib.unified_diff, old_lines, new_lines,
        fromfile=f"a/{path}".encode(), tofile=f"b/{path}".encode(), n=context, lineterm=b"",
    ):
        if line.startswith((b"---", b"+++", b"@@")):
            body += line.rstrip(b"\n") + b"\n"
            continue
        body += line
        if not line.endswith(b"\n"):
            body += b"\n" + NO_NEWLINE
    header = f"diff --git a/{path} b/{path}\n".encode()
    return header + bytes(body)
