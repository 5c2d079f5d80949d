"""Git-style unified diffs of file bytes: `git apply` takes them, and each file keeps its own encoding."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from typing import AnyStr

NO_NEWLINE = b"\\ No newline at end of file\n"


def unified_diff(path: str, old: bytes, new: bytes, *, context: int = 3) -> bytes:
    """A `diff --git` section for one file (empty when the bytes are equal)."""
    if old == new:
        return b""
    old_lines = text_lines(old)
    new_lines = text_lines(new)
    body = bytearray()
    lines = difflib.diff_bytes(
        difflib.unified_diff, old_lines, new_lines,
        fromfile=f"a/{path}".encode(), tofile=f"b/{path}".encode(), n=context, lineterm=b"",
    )
    for number, line in enumerate(lines):
        # Headers are told by place, never by prefix: a removed line `--x` reads `---x`, an added `++x` reads `+++x`.
        # A hunk's `@@` cannot be mistaken: every body line starts with " ", "-" or "+".
        if number < 2 or line.startswith(b"@@"):
            body += line.rstrip(b"\n") + b"\n"
            continue
        body += line
        if not line.endswith(b"\n"):
            body += b"\n" + NO_NEWLINE
    header = f"diff --git a/{path} b/{path}\n".encode()
    return header + bytes(body)


def text_lines(text: AnyStr) -> list[AnyStr]:
    """Lines as git counts them, ends kept: each ends at a newline and only there. `splitlines` also ends one at a
    lone `\r` (which Python reads as a line break, git does not: a diff cut there does not apply) and, on text, at a
    form feed, U+2028 and more (a fragment of a line would look like a line of its own)."""
    newline = b"\n" if isinstance(text, bytes) else "\n"
    lines = text.split(newline)  # type: ignore[arg-type]
    last = lines.pop()
    return [line + newline for line in lines] + ([last] if last else [])  # type: ignore[operator]


def line_kinds(lines: Iterable[str]) -> Iterator[str]:
    """What each line of a diff is, by its place and never by its prefix alone: "meta" (from `diff --git` to the
    first `@@`), "hunk", "add", "del", "ctx" or "note" (`\\ No newline at end of file`). A removed line `--x` reads
    `---x` and is a deletion, not a header."""
    in_header = True
    for line in lines:
        if line.startswith("diff --git"):
            in_header = True
            yield "meta"
        elif line.startswith("@@"):
            in_header = False
            yield "hunk"
        elif in_header:
            yield "meta"
        elif line.startswith("\\"):
            yield "note"
        else:
            yield {"+": "add", "-": "del"}.get(line[:1], "ctx")
