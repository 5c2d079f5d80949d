"""A rewritten file checked against the original before it counts.

Names are resolved again on both texts (`scopes.file_names`, CPython's parser and an independent resolver)
and compared: every reference means what it meant, with each codemod's renames applied; no name became
unbound; no import was left unused or bound twice; the text parses. A file that fails is not written.
"""

from __future__ import annotations

import ast
import difflib
from bisect import bisect_left
from collections import Counter, defaultdict
from itertools import compress, count
from operator import ne
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from ..scopes import BUILTIN_NAMES, MODULE_ATTRIBUTES, FileNames, ImportBinding, Reference

# A reference is compared by what it can mean and whether it is bound at all.
_Meaning = tuple[frozenset[str], bool]


@dataclass(frozen=True)
class Expectation:
    """What the edits of one file were allowed to change.

    `renames`: for each codemod that edited the file, in order, its (old, new) dotted prefixes; a
    meaning under `old` is expected to become the same path under `new`. `lenient`: a codemod inserted
    or deleted expressions (call arguments, class bodies), so edited lines are only checked for names
    that became unbound or still mean an old path. `kept`: original lines where a finding says an old
    reference stays (a refusal, a re-export that keeps working).
    """

    renames: tuple[tuple[tuple[str, str], ...], ...]
    lenient: bool = False
    kept: frozenset[int] = frozenset()

    def expected(self, meaning: str) -> str:
        for step in self.renames:
            for old, new in step:
                if meaning == old or meaning.startswith(old + "."):
                    meaning = new + meaning[len(old) :]
                    break
        return meaning

    def is_old(self, meaning: str) -> bool:
        return self.expected(meaning) != meaning


@dataclass(frozen=True)
class Problem:
    """Why a rewritten file was refused: a place in the new file and what is wrong there."""

    line: int
    col: int
    message: str


def verify_rewrite(
    original: bytes, new: bytes, before: FileNames, after: FileNames, expectation: Expectation
) -> list[Problem]:
    """Problems of `new` as a rewrite of `original` (both resolved: `before`, `after`); empty when the rewrite keeps
    every name's meaning."""
    problems = _references(original, new, before, after, expectation)
    problems += _dunder_all(before, after, expectation)
    problems += _imports(before, after, expectation)
    return sorted(set(problems), key=lambda p: (p.line, p.col, p.message))


def _references(original: bytes, new: bytes, before: FileNames, after: FileNames, expectation: Expectation) -> list[Problem]:
    old_lines, new_lines = original.splitlines(), new.splitlines()
    old_refs = _by_line(r for r in before.references if r.role != "all")
    new_refs = _by_line(r for r in after.references if r.role != "all")
    problems: list[Problem] = []
    matcher = _LineMatcher(None, old_lines, new_lines, autojunk=False)
    # Many references share their meanings: each set is mapped through the renames once.
    renamed: dict[frozenset[str], frozenset[str]] = {}

    def expect(meanings: frozenset[str]) -> frozenset[str]:
        found = renamed.get(meanings)
        if found is None:
            found = renamed[meanings] = frozenset(expectation.expected(m) for m in meanings)
        return found

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                old = old_refs.get(i1 + offset + 1)
                if old:  # (a line without references has nothing to compare)
                    problems += _same_line(old, new_refs.get(j1 + offset + 1, ()), i1 + offset + 1, expectation, expect)
        else:
            old_hunk = [r for line in range(i1 + 1, i2 + 1) for r in old_refs.get(line, ())]
            new_hunk = [r for line in range(j1 + 1, j2 + 1) for r in new_refs.get(line, ())]
            kept = any(line in expectation.kept for line in range(i1 + 1, i2 + 1))
            problems += _edited_lines(old_hunk, new_hunk, expectation, kept)
    return problems


class _LineMatcher(difflib.SequenceMatcher):
    """`difflib.SequenceMatcher` without junk (`isjunk=None, autojunk=False`), with the same longest matches found
    faster: the same opcodes, so the same lines are compared as unchanged and as edited.

    difflib's search walks, for every line of `a` in the range, every position of that line in `b`, the ones before
    the range included: a rewritten file of 3,000 lines, hundreds of them blank, costs millions of steps per search,
    and a file with many edited hunks is searched again on each side of each match. Here the search starts from the
    longest run of equal lines on the two diagonals through the range's corners (the rewrite keeps lines in place,
    so it is usually a long one); a match at least that long holds a whole window of `h` lines, and every such
    window's rarest line is looked up in `b`, the matches through it extended both ways. A match of difflib's
    choice is the longest in the range, earliest in `a`, then in `b` (difflib's own statement of its result, with
    no junk): the same is kept here. Short candidates fall back to difflib's own loop, started at the range.
    """

    # Below this, the windows are too short to prune: difflib's loop (from `blo`) is as fast.
    WINDOWED_FROM = 8
    # How many times each line of `a` occurs in `b` (for the `a` and `b2j` it was counted on).
    _rarity: tuple[Sequence[bytes], dict[bytes, list[int]], list[int]] | None = None

    def find_longest_match(self, alo: int = 0, ahi: int | None = None, blo: int = 0, bhi: int | None = None) -> difflib.Match:
        a, b = self.a, self.b
        if ahi is None:
            ahi = len(a)
        if bhi is None:
            bhi = len(b)
        # A lower bound: the longest run of equal lines on the diagonal through (alo, blo) and the one through (ahi, bhi).
        bound = max(_diagonal_run(a, b, alo, ahi, blo, bhi, blo - alo), _diagonal_run(a, b, alo, ahi, blo, bhi, bhi - ahi))
        if bound < self.WINDOWED_FROM:
            return self._scan(alo, ahi, blo, bhi)
        return self._windowed(alo, ahi, blo, bhi, (bound + 1) // 2)

    def _scan(self, alo: int, ahi: int, blo: int, bhi: int) -> difflib.Match:
        """difflib's loop (no junk), each line's positions in `b` entered at `blo` instead of walked from 0."""
        a, b2j = self.a, self.b2j
        besti, bestj, bestsize = alo, blo, 0
        j2len: dict[int, int] = {}
        nothing: list[int] = []
        for i in range(alo, ahi):
            positions = b2j.get(a[i], nothing)
            j2lenget = j2len.get
            newj2len: dict[int, int] = {}
            for index in range(bisect_left(positions, blo), len(positions)):
                j = positions[index]
                if j >= bhi:
                    break
                k = newj2len[j] = j2lenget(j - 1, 0) + 1
                if k > bestsize:
                    besti, bestj, bestsize = i - k + 1, j - k + 1, k
            j2len = newj2len
        return difflib.Match(besti, bestj, bestsize)

    def _windowed(self, alo: int, ahi: int, blo: int, bhi: int, h: int) -> difflib.Match:
        """The longest match, earliest in `a` then `b`, when one of at least `2h - 1` lines exists: such a match
        covers a whole window `[alo + k*h, alo + (k+1)*h)`, so it goes through the window's rarest line."""
        a, b, b2j = self.a, self.b, self.b2j
        if self._rarity is None or self._rarity[0] is not a or self._rarity[1] is not b2j:
            self._rarity = (a, b2j, [len(b2j.get(line, ())) for line in a])
        rarity = self._rarity[2].__getitem__
        besti, bestj, bestsize = alo, blo, 0
        reached: dict[int, int] = {}  # diagonal (j - i) -> end in `a` of the last match extended on it
        nothing: list[int] = []
        for start in range(alo, ahi - h + 1, h):
            rarest = min(range(start, start + h), key=rarity)
            positions = b2j.get(a[rarest], nothing)
            for index in range(bisect_left(positions, blo), len(positions)):
                j = positions[index]
                if j >= bhi:
                    break
                diagonal = j - rarest
                if reached.get(diagonal, -1) > rarest:
                    continue  # inside a match already extended
                i0, j0 = rarest, j
                while i0 > alo and j0 > blo and a[i0 - 1] == b[j0 - 1]:
                    i0 -= 1
                    j0 -= 1
                i1, j1 = rarest + 1, j + 1
                while i1 < ahi and j1 < bhi and a[i1] == b[j1]:
                    i1 += 1
                    j1 += 1
                reached[diagonal] = i1
                size = i1 - i0
                if size > bestsize or (size == bestsize and (i0, j0) < (besti, bestj)):
                    besti, bestj, bestsize = i0, j0, size
        return difflib.Match(besti, bestj, bestsize)


def _diagonal_run(a: Sequence[bytes], b: Sequence[bytes], alo: int, ahi: int, blo: int, bhi: int, diagonal: int) -> int:
    """The longest run of `a[i] == b[i + diagonal]` with i in [alo, ahi) and i + diagonal in [blo, bhi): the widest
    gap between the places where they differ (found without a Python loop over the equal lines)."""
    start, stop = max(alo, blo - diagonal), min(ahi, bhi - diagonal)
    if stop <= start:
        return 0
    differing = compress(count(), map(ne, a[start:stop], b[start + diagonal : stop + diagonal]))
    best, previous = 0, -1
    for position in differing:
        if position - previous - 1 > best:
            best = position - previous - 1
        previous = position
    return max(best, stop - start - previous - 1)


def _by_line(references: Iterable[Reference]) -> dict[int, list[Reference]]:
    grouped: dict[int, list[Reference]] = defaultdict(list)
    for reference in references:
        grouped[reference.line].append(reference)
    return grouped


def _expected(reference: Reference, expectation: Expectation) -> _Meaning:
    return frozenset(expectation.expected(m) for m in reference.meanings), reference.unbound


def _same_line(
    old: Sequence[Reference], new: Sequence[Reference], line: int, expectation: Expectation,
    expect: Callable[[frozenset[str]], frozenset[str]],
) -> list[Problem]:
    """An unchanged line: each reference at the same column must mean what it meant, renames applied (`expect`)."""
    problems = []
    later = {(r.col, r.text, r.role): r for r in new}
    for reference in old:
        counterpart = later.get((reference.col, reference.text, reference.role))
        if counterpart is None:
            continue  # the resolver saw the line differently (a changed string around it): judged by parse
        meanings, unbound = expect(reference.meanings), reference.unbound
        if counterpart.meanings == meanings and (counterpart.unbound <= unbound):
            continue
        if counterpart.meanings == reference.meanings and line in expectation.kept:
            continue  # a finding says this reference stays
        problems.append(_mismatch(counterpart, meanings, unbound))
    return problems


def _edited_lines(old: Sequence[Reference], new: Sequence[Reference], expectation: Expectation, kept: bool) -> list[Problem]:
    """Edited lines: the references they hold must be the original's, renames applied (as a multiset)."""
    problems = []
    for reference in new:
        if reference.unbound and not any(
            r.unbound and _expected(r, expectation)[0] == reference.meanings for r in old
        ):
            problems.append(Problem(reference.line, reference.col, f"`{reference.text}` is not defined after the rewrite"))
        elif not kept and any(expectation.is_old(m) for m in reference.meanings):
            problems.append(
                Problem(reference.line, reference.col, f"`{reference.text}` still refers to {_names(reference.meanings)}")
            )
    if expectation.lenient:
        return problems
    # Compared by meaning: a name that was undefined and now is defined is what a rename of its definition does.
    wanted = Counter(_expected(r, expectation)[0] for r in old)
    found = Counter(r.meanings for r in new)
    if wanted == found:
        return problems
    surplus = found - wanted
    missing = wanted - found
    for reference in new:
        if surplus[reference.meanings] <= 0:
            continue
        if kept and any(r.meanings == reference.meanings for r in old):
            continue
        surplus[reference.meanings] -= 1
        expected = [m for m, count in missing.items() if count]
        detail = f"; expected {_names(expected[0])}" if len(expected) == 1 else ""
        problems.append(
            Problem(reference.line, reference.col, f"`{reference.text}` now refers to {_names(reference.meanings)}{detail}")
        )
    if missing and not problems and not kept:
        anchor = new[0] if new else None
        line, col = (anchor.line, anchor.col) if anchor else (1, 1)
        problems.append(Problem(line, col, f"a reference to {_names(next(iter(missing)))} was lost"))
    return problems


def _mismatch(reference: Reference, meanings: frozenset[str], unbound: bool) -> Problem:
    if reference.unbound and not unbound:
        return Problem(reference.line, reference.col, f"`{reference.text}` is not defined after the rewrite")
    return Problem(
        reference.line, reference.col,
        f"`{reference.text}` now refers to {_names(reference.meanings)} instead of {_names(meanings)}",
    )


def _names(meanings: Iterable[str]) -> str:
    return " or ".join(sorted(meanings)) or "nothing"


def _dunder_all(before: FileNames, after: FileNames, expectation: Expectation) -> list[Problem]:
    """`__all__` lists what it listed (renames applied; an entry that became a repeat may go), all defined."""
    wanted = {_expected(r, expectation) for r in before.references if r.role == "all"}
    listed = [r for r in after.references if r.role == "all"]
    problems = []
    for reference in listed:
        if (reference.meanings, reference.unbound) in wanted or (reference.meanings, True) in wanted:
            continue  # (an entry that was undefined and now is: its definition was renamed)
        if reference.unbound:
            problems.append(Problem(reference.line, reference.col, f"`__all__` lists {reference.text!r}, which is not defined"))
        elif not expectation.lenient:
            problems.append(
                Problem(reference.line, reference.col, f"`__all__` entry {reference.text!r} now means {_names(reference.meanings)}")
            )
    missing = {m for m, _ in wanted} - {r.meanings for r in listed}
    if missing and not expectation.lenient:
        anchor = listed[0] if listed else None
        line, col = (anchor.line, anchor.col) if anchor else (1, 1)
        problems.append(Problem(line, col, f"`__all__` no longer lists {_names(next(iter(missing)))}"))
    return problems


def _imports(before: FileNames, after: FileNames, expectation: Expectation) -> list[Problem]:
    """No import the edits left unused, none bound twice."""
    problems = []
    unused_before = Counter(_import_key(b, expectation) for b in before.imports if not b.used)
    for binding in after.imports:
        if binding.used or binding.explicit_reexport or binding.target.startswith("__future__."):
            continue
        key = _import_key(binding)
        if unused_before[key]:
            unused_before[key] -= 1
            continue
        problems.append(Problem(binding.line, binding.col, f"`{_import_text(binding)}` is unused after the rewrite"))
    bound_before = Counter((b.local, *_import_key(b)) for b in before.imports)
    bound_after = Counter((b.local, *_import_key(b)) for b in after.imports)
    for binding in after.imports:
        key = (binding.local, *_import_key(binding))
        if bound_after[key] > max(bound_before[key], 1):
            bound_after[key] -= 1
            problems.append(Problem(binding.line, binding.col, f"`{_import_text(binding)}` binds {binding.local!r} a second time"))
    return problems


def _import_key(binding: ImportBinding, expectation: Expectation | None = None) -> tuple[str, str]:
    """An import by scope and the path it imports (`import a.b` and `import a.c` both bind `a`, to different ends)."""
    imported = binding.imported
    return binding.scope, expectation.expected(imported) if expectation is not None else imported


def _import_text(binding: ImportBinding) -> str:
    if binding.is_from:
        module, _, name = binding.imported.rpartition(".")
        return f"from {module} import {name}" + (f" as {binding.local}" if binding.has_asname else "")
    return f"import {binding.imported}" + (f" as {binding.local}" if binding.has_asname else "")


def import_time_problems(original: ast.Module, new: ast.Module) -> list[Problem]:
    """Names the rewrite made the module read at import time before anything binds them (a NameError on import).

    Name resolution here is flow-insensitive, as in libcst: a module-level `x = issubclass` that runs before a
    later `def issubclass` reads the builtin, yet resolves to the definition. A rewrite that follows the
    definition there (the person renamed it) writes a name the module does not have yet. This counts the
    module-level reads that run on import before any module-level binding of their name (outside loops, for
    names that are no builtin, bound by no star import or `global`), in both texts: more of them after the rewrite
    is a problem, at the first read whose name the original did not read early."""
    before, after = _early_reads(original), _early_reads(new)
    if after is None or before is None or len(after) <= len(before):
        return []
    # Only now (rarely) the names a function may bind with `global` (a walk of every function body) are left out.
    before, after = _early_reads(original, globals_too=True), _early_reads(new, globals_too=True)
    if after is None or before is None or len(after) <= len(before):
        return []
    known = {name for _, _, name in before}
    line, col, name = next((read for read in after if read[2] not in known), after[0])
    return [Problem(line, col, f"`{name}` is read when the module is imported, before anything defines it (a NameError)")]


_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_LOOPS = (ast.For, ast.AsyncFor, ast.While)
_DEFERRED = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _early_reads(tree: ast.Module, *, globals_too: bool = False) -> list[tuple[int, int, str]] | None:
    """Module-level reads that run on import before the name's first module-level binding (None: a star import
    or a `match`, which this does not follow); `globals_too`: without the names a function declares `global`."""
    bound: dict[str, tuple[int, int]] = {}
    reads: list[tuple[int, int, str]] = []
    skip: set[str] = set(BUILTIN_NAMES) | MODULE_ATTRIBUTES

    def bind(name: str, node: ast.AST) -> None:
        where = (node.lineno, node.col_offset)  # type: ignore[attr-defined]
        if name not in bound or where < bound[name]:
            bound[name] = where

    def expression(node: ast.AST, looping: bool) -> None:
        """Reads and binds (walrus) in an expression evaluated at import, without deferred bodies."""
        stack = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, ast.Name):
                if isinstance(current.ctx, ast.Load):
                    if not looping:
                        reads.append((current.lineno, current.col_offset, current.id))
                else:
                    bind(current.id, current)
            elif isinstance(current, _DEFERRED):
                continue
            else:
                stack.extend(ast.iter_child_nodes(current))

    def statements(body: list[ast.stmt], looping: bool) -> bool:
        for statement in body:
            if isinstance(statement, (ast.ImportFrom, ast.Import)):
                for alias in statement.names:
                    if alias.name == "*":
                        return False
                    bind(alias.asname or alias.name.partition(".")[0], statement)
            elif isinstance(statement, (*_FUNCTIONS, ast.ClassDef)):
                # Decorators, defaults and bases run on import; the body does not (a class body is left out too).
                parts: list[ast.AST] = list(statement.decorator_list)
                if isinstance(statement, ast.ClassDef):
                    parts += statement.bases + [k.value for k in statement.keywords]
                else:
                    parts += [d for d in statement.args.defaults + statement.args.kw_defaults if d is not None]
                for part in parts:
                    expression(part, looping)
                bind(statement.name, statement)
                if globals_too:
                    for node in ast.walk(statement):
                        if isinstance(node, ast.Global):
                            skip.update(node.names)
            elif isinstance(statement, ast.Match):
                return False
            else:
                inner = looping or isinstance(statement, _LOOPS)
                for field, value in ast.iter_fields(statement):
                    if field in ("body", "orelse", "finalbody", "handlers"):
                        continue
                    if isinstance(value, ast.AST):
                        expression(value, looping if field != "target" else inner)
                    elif isinstance(value, list):
                        for item in value:
                            if isinstance(item, ast.AST) and not isinstance(item, ast.stmt):
                                expression(item, looping)
                for field in ("body", "orelse", "finalbody"):
                    block = getattr(statement, field, None)
                    if block and not statements(block, inner):
                        return False
                for handler in getattr(statement, "handlers", ()):
                    if handler.name:
                        bind(handler.name, handler)
                    if handler.type is not None:
                        expression(handler.type, inner)
                    if not statements(handler.body, inner):
                        return False
        return True

    if not statements(tree.body, False):
        return None
    return sorted(
        (line, col, name) for line, col, name in reads
        if name not in skip and (name not in bound or (line, col) < bound[name])
    )
