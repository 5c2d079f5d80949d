"""Leave the statements a codemod cannot act on out of the libcst parse, and splice them back after.

libcst's parse and its scope metadata cost grow with the whole file, while a rename
touches a few statements of it. A left-out statement becomes a placeholder (a string
literal) with the same number of lines, so every line and column libcst reports stays true.
"""

from __future__ import annotations

import ast
import hashlib
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

_WORD_START = rb"(?<![A-Za-z0-9_])"
_WORD_END = rb"(?![A-Za-z0-9_])"
# A statement that declares `global`/`nonlocal` can bind module-level names from inside a
# function: it is always analysed.
_SCOPE_DECLARATION = _WORD_START + rb"(?:global|nonlocal)" + _WORD_END
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass(frozen=True)
class Focus:
    """What makes a module-level or class-level statement matter to a codemod.

    A statement is kept when its text holds one of `words` (as a whole word), matches one
    of `patterns` (bytes regexes) or declares `global`/`nonlocal`. A `def`/`class` is also
    kept when it defines one of `names`; any other statement when its text holds one of
    `names` (it may bind it) or `import` (the file's imports stay complete).
    """

    words: frozenset[str]
    names: frozenset[str] = frozenset()
    patterns: tuple[bytes, ...] = ()
    # Words that matter once an earlier codemod of the spec has changed the file (the engine
    # adds them when several codemods run on it): every name the codemod can act on.
    chained: frozenset[str] = frozenset()

    def union(self, other: Focus) -> Focus:
        return Focus(
            self.words | other.words, self.names | other.names, self.patterns + other.patterns,
            self.chained | other.chained,
        )

    def compile(self) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
        """(what keeps a `def`/`class`, what keeps any other statement)."""
        definition = [_SCOPE_DECLARATION, *self.patterns, *_words(self.words)]
        statement = [*definition, *_words(self.names | {"import"})]
        return _any_of(definition), _any_of(statement)


def _words(words: Iterable[str]) -> list[bytes]:
    alternatives = b"|".join(re.escape(w.encode()) for w in sorted(words))
    return [_WORD_START + b"(?:" + alternatives + b")" + _WORD_END] if alternatives else []


def _any_of(alternatives: Sequence[bytes]) -> re.Pattern[bytes]:
    return re.compile(b"|".join(b"(?:" + a + b")" for a in alternatives))


@dataclass(frozen=True)
class Elided:
    """A file with left-out statements replaced by placeholders; `restore` puts them back."""

    source: bytes
    pieces: tuple[tuple[bytes, bytes], ...]  # (placeholder, original bytes), in file order
    marker: bytes
    kept_lines: int
    total_lines: int

    def restore(self, result: bytes) -> bytes | None:
        """The whole file for libcst's output on `source`; None if a placeholder did not survive intact."""
        if result.count(self.marker) != len(self.pieces):
            return None
        out: list[bytes] = []
        position = 0
        for placeholder, original in self.pieces:
            found = result.find(placeholder, position)
            if found < 0:
                return None
            out.append(result[position:found])
            out.append(original)
            position = found + len(placeholder)
        out.append(result[position:])
        return b"".join(out)


@dataclass(frozen=True)
class _Chunk:
    """Lines [start, end) of a body that hold one statement (or several that cannot be split)."""

    start: int
    end: int
    statements: tuple[ast.stmt, ...]


def elide(data: bytes, tree: ast.Module, focus: Focus) -> Elided | None:
    """`data` with every statement outside `focus` left out, or None when nothing would be."""
    if data.count(b"\r") != data.count(b"\r\n"):
        return None  # lone CR line ends: byte lines and Python's lines could disagree
    lines = data.splitlines(keepends=True)
    if not lines or not tree.body:
        return None
    nonce = hashlib.sha256(data).hexdigest()[:12].encode()
    marker = b"ssot-migrate-elided-" + nonce
    if marker in data:
        return None
    cutter = _Cutter(lines, *focus.compile(), focus.names, marker)
    first = _first_line(tree.body[0], lines)
    if first is None:
        return None
    cutter.emit_kept(1, first)
    cutter.body(tree.body, first, len(lines) + 1)
    cutter.flush()
    if not cutter.pieces:
        return None
    source = b"".join(cutter.out)
    return Elided(source, tuple(cutter.pieces), marker, cutter.kept_lines, len(lines))


class _Cutter:
    def __init__(
        self,
        lines: Sequence[bytes],
        definition: re.Pattern[bytes],
        statement: re.Pattern[bytes],
        names: frozenset[str],
        marker: bytes,
    ) -> None:
        self.lines = lines
        self.definition = definition
        self.statement = statement
        self.names = names
        self.marker = marker
        self.out: list[bytes] = []
        self.pieces: list[tuple[bytes, bytes]] = []
        self.kept_lines = 0
        # A run of consecutive left-out lines becomes one placeholder.
        self._drop_start: int | None = None
        self._drop_end = 0
        self._drop_indent = b""

    def text(self, start: int, end: int) -> bytes:
        return b"".join(self.lines[start - 1 : end - 1])

    def emit_kept(self, start: int, end: int) -> None:
        if start >= end:
            return
        self.flush()
        self.out.append(self.text(start, end))
        self.kept_lines += end - start

    def drop(self, start: int, end: int, indent: bytes) -> None:
        if self._drop_start is not None and self._drop_end == start and self._drop_indent == indent:
            self._drop_end = end
            return
        self.flush()
        self._drop_start, self._drop_end, self._drop_indent = start, end, indent

    def flush(self) -> None:
        if self._drop_start is None:
            return
        start, end = self._drop_start, self._drop_end
        self._drop_start = None
        original = self.text(start, end)
        last = self.lines[end - 2]
        ending = last[len(last.rstrip(b"\r\n")) :]
        label = self.marker + b"-" + str(len(self.pieces)).encode()
        # One string literal spans the lines: one node however long the left-out part is.
        placeholder = self._drop_indent + b'"""' + b"\n" * (end - start - 1) + b'"""  # ' + label + ending
        self.pieces.append((placeholder, original))
        self.out.append(placeholder)

    def body(self, statements: Sequence[ast.stmt], start: int, end: int) -> None:
        for chunk in self._chunks(statements, start, end):
            self.chunk(chunk)

    def chunk(self, chunk: _Chunk) -> None:
        node = chunk.statements[0]
        single = len(chunk.statements) == 1
        if single and isinstance(node, _DEFINITIONS):
            if node.name in self.names:
                self.emit_kept(chunk.start, chunk.end)
                return
            pattern = self.definition
        else:
            pattern = self.statement
        if pattern.search(self.text(chunk.start, chunk.end)) is None:
            line = self.lines[chunk.start - 1]
            self.drop(chunk.start, chunk.end, line[: len(line) - len(line.lstrip(b" \t"))])
        elif not (single and self.descend(node, chunk)):
            self.emit_kept(chunk.start, chunk.end)

    def descend(self, node: ast.stmt, chunk: _Chunk) -> bool:
        """Keep a compound statement's headers and cut inside its bodies; False when its
        layout does not allow it (a body on the header's line, say)."""
        bodies = [body for body in _bodies(node) if body]
        starts = [_first_line(body[0], self.lines) for body in bodies]
        if not bodies or any(start is None for start in starts):
            return False
        ends = [(body[-1].end_lineno or body[-1].lineno) + 1 for body in bodies]
        if any(start < end for start, end in zip(starts[1:], ends)):  # pragma: no cover - defensive
            return False
        position = chunk.start
        for body, start, end in zip(bodies, starts, ends):
            assert start is not None
            self.emit_kept(position, start)
            self.body(body, start, end)
            position = end
        self.emit_kept(position, chunk.end)
        return True

    def _chunks(self, statements: Sequence[ast.stmt], start: int, end: int) -> Iterable[_Chunk]:
        """Statements grouped at the lines where one can be cut from the previous one
        (`start` is where the first one starts)."""
        group: list[ast.stmt] = []
        previous_end = 0
        for statement in statements:
            first = _first_line(statement, self.lines)
            if group and first is not None and first > previous_end:
                yield _Chunk(start, first, tuple(group))
                group = []
                start = first
            group.append(statement)
            previous_end = max(previous_end, statement.end_lineno or statement.lineno)
        if group:
            yield _Chunk(start, end, tuple(group))


def _first_line(statement: ast.stmt, lines: Sequence[bytes]) -> int | None:
    """The line where a statement's first token (its first decorator) starts, when that line
    starts with it after indentation; None when the statement cannot be cut there."""
    decorators = getattr(statement, "decorator_list", None) or []
    line = min([statement.lineno] + [d.lineno for d in decorators])
    if line < 1 or line > len(lines):
        return None
    text = lines[line - 1]
    stripped = text.lstrip(b" \t")
    indent = len(text) - len(stripped)
    if decorators:
        return line if stripped.startswith(b"@") else None
    return line if indent == statement.col_offset and stripped[:1] not in (b"", b"#", b"\r", b"\n") else None


def _bodies(node: ast.stmt) -> list[list[ast.stmt]]:
    """The statement lists of a compound statement, in source order (an `elif` chain stays whole)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.With, ast.AsyncWith)):
        return [node.body]
    if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
        return [node.body, node.orelse]
    if isinstance(node, ast.If):
        return [node.body] if node.orelse and isinstance(node.orelse[0], ast.If) else [node.body, node.orelse]
    if isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
        handlers = [handler.body for handler in node.handlers]  # type: ignore[attr-defined]
        return [node.body, *handlers, node.orelse, node.finalbody]  # type: ignore[attr-defined]
    return []
