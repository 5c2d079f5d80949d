"""Git-style unified diffs of file bytes: `git apply` takes them, and each file keeps its own encoding."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator

NO_NEWLINE = b"\\ No newline at end of file\n"


def unified_diff(path: str, old: bytes, new: bytes, *, context: int = 3) -> bytes:
    """A `diff --git` section for one file (empty when the bytes are equal)."""
    if old == new:
        return b""
    old_lines = _lines(old)
    new_lines = _lines(new)
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


def _lines(data: bytes) -> list[bytes]:
    """Lines as git counts them: each ends at `\n` and only there (`bytes.splitlines` also ends one at a lone `\r`,
    which Python reads as a line break, but git does not: a diff cut there does not apply)."""
    lines = data.split(b"\n")
    last = lines.pop()
    return [line + b"\n" for line in lines] + ([last] if last else [])


def text_lines(text: str) -> list[str]:
    """The lines of a diff's text, ends kept, cut at `\n` only (`str.splitlines` also cuts at `\r`, a form feed,
    U+2028 and more, which would make a fragment of a line look like a line of its own)."""
    lines = text.split("\n")
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


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
