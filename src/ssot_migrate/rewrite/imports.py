"""The import pass: after a file's last codemod, on its whole final text, remove the imports the edits left unused
and the bindings they made twice.

Kinds only request: they release the bindings whose uses they rewrote and add the imports their new references
need. This pass decides, by resolving every name of the final text (`scopes`), as libcst's RemoveImportsVisitor
decides after every command on the transformed module. An import that was unused before the edits stays.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

import libcst as cst

from ..focus import Focus, elide
from ..scopes import FileNames, ImportBinding
from .edits import ReleasedImport


@dataclass(frozen=True)
class ImportPass:
    """The final text of a file after the import pass, and its names (reused by verification)."""

    data: bytes
    names: FileNames
    tree: ast.Module
    removed: int


def finish_imports(
    data: bytes,
    tree: ast.Module,
    names: FileNames,
    original: FileNames,
    released: Iterable[ReleasedImport],
    expected: Callable[[str], str],
    resolve: Callable[[ast.Module], FileNames],
) -> ImportPass:
    """`data` (parsed as `tree`, resolved as `names`) without the imports the edits left unused or bound twice.

    `original` is the file before the edits; `expected` maps an original dotted path to what it means after them.
    """
    removals = _unused(names, original, set(released), expected) + _duplicates(names, original)
    if not removals:
        return ImportPass(data, names, tree, 0)
    new = _remove(data, tree, {(b.line, b.col) for b in removals})
    if new is None or new == data:
        return ImportPass(data, names, tree, 0)
    new_tree = ast.parse(new)
    return ImportPass(new, resolve(new_tree), new_tree, len(removals))


def _key(binding: ImportBinding) -> tuple[str, str, str]:
    return binding.scope, binding.local, binding.imported


def _unused(
    names: FileNames, original: FileNames, released: set[ReleasedImport], expected: Callable[[str], str]
) -> list[ImportBinding]:
    """Unused bindings the edits are responsible for: released ones, and ones that did not exist unused before."""
    before = {_key(b) for b in original.imports}
    unused_before = Counter((b.scope, expected(b.imported)) for b in original.imports if not b.used)
    found = []
    for binding in names.unused_imports():
        if binding.explicit_reexport or binding.imported.startswith("__future__."):
            continue
        if ReleasedImport(*_key(binding)) in released:
            found.append(binding)
            continue
        if _key(binding) in before:
            continue  # written as it was: not the edits' doing
        counterpart = (binding.scope, binding.imported)
        if unused_before[counterpart]:
            unused_before[counterpart] -= 1  # an unused import that was moved, still unused: kept
            continue
        found.append(binding)
    return found


def _duplicates(names: FileNames, original: FileNames) -> list[ImportBinding]:
    """A binding repeated in the same block (the same name to the same path) beyond what the original had."""
    # Counted as written: two imports that the renames make equal are the duplicate this pass removes.
    allowed = Counter((b.scope, b.block, b.local, b.imported, b.has_asname) for b in original.imports)
    seen: Counter[tuple] = Counter()
    found = []
    for binding in sorted(names.imports, key=lambda b: (b.line, b.col)):
        key = (binding.scope, binding.block, binding.local, binding.imported, binding.has_asname)
        seen[key] += 1
        if seen[key] > max(allowed[key], 1):
            found.append(binding)
    return found


def _remove(data: bytes, tree: ast.Module, positions: set[tuple[int, int]]) -> bytes | None:
    """`data` without the import aliases at `positions` (1-based line, byte column), edited with libcst on the
    file's import statements only."""
    from ..bindings import FileContext
    from ..modules import ModuleInfo
    from .edits import ImportEdits

    elided = elide(data, tree, Focus(frozenset({"import"})))
    source = elided.source if elided is not None else data
    module = cst.parse_module(source)
    ctx = FileContext(module, ModuleInfo("_", "", False), "_")
    edits = ImportEdits(ctx)
    lines = source.splitlines()
    for statement in _import_statements(module):
        for alias in statement.names if isinstance(statement.names, (list, tuple)) else ():
            line, col = ctx.position(alias)
            text = lines[line - 1] if line - 1 < len(lines) else b""
            if (line, _byte_column(text, col, module.encoding)) in positions:
                edits.remove_alias(alias)
    if edits.is_empty:
        return None
    result = edits.apply().bytes
    return elided.restore(result) if elided is not None else result


def _byte_column(line: bytes, col: int, encoding: str) -> int:
    """libcst counts columns in characters, `ast` in bytes of the line as UTF-8: the `ast` column of a libcst one."""
    try:
        return len(line.decode(encoding)[: col - 1].encode("utf-8")) + 1
    except (UnicodeDecodeError, LookupError):
        return col


def _import_statements(module: cst.Module) -> list[cst.Import | cst.ImportFrom]:
    found: list[cst.Import | cst.ImportFrom] = []

    class Finder(cst.CSTVisitor):
        def visit_Import(self, node: cst.Import) -> bool:
            found.append(node)
            return False

        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            found.append(node)
            return False

    module.visit(Finder())
    return found
