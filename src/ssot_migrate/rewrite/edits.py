"""The one place that edits a file's tree: import statements and expression replacements, applied in one pass,
and what one codemod returns for one file.

Kinds record what they want (rename or remove an alias, point a `from` import
at another module, add an import next to an existing one) and `apply_edits`
writes all of it in one pass. Imports are edited where they stand: additions go
right after the statement they relate to, inside the same block, never hoisted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol, Union

import libcst as cst

from ..bindings import FileContext, ImportBinding, dotted_of, expression_for
from ..types import Finding, Severity

class Codemod(Protocol):
    """What the rewrite core needs of the codemod it works for: its index, how people name it, its findings."""

    index: int

    @property
    def label(self) -> str: ...

    def finding(self, path: str, line: int, col: int, severity: Severity, code: str, message: str, **extra: Any) -> Finding: ...


@dataclass
class TransformResult:
    """What one codemod did to one file."""

    module: cst.Module
    edits: list[tuple[int, int]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Module-level names this file now binds under another name (old -> new):
    # the engine uses them to follow re-exports across files.
    exports: dict[str, str] = field(default_factory=dict)
    # What names of this file mean after the edits beyond the codemod's own renames (`Kind.renames`): (old,
    # new) dotted prefixes, e.g. a moved module's relative imports written as what they meant before.
    renames: tuple[tuple[str, str], ...] = ()
    # Import bindings whose uses the edits rewrote: the import pass removes each one nothing uses any more.
    released: tuple[ReleasedImport, ...] = ()


@dataclass(frozen=True)
class ReleasedImport:
    """An import binding an edit no longer needs, named as `scopes.ImportBinding` names it (the import pass
    finds it again in the final text, whatever the later codemods did to the lines around it)."""

    scope: str  # "" at module level, else the qualified name of the enclosing function or class
    local: str
    imported: str


Replacement = Union[cst.CSTNode, Callable[[cst.CSTNode], cst.CSTNode]]
StatementLine = Union[cst.SimpleStatementLine, cst.SimpleStatementSuite]


@dataclass
class _FromTarget:
    module: str
    relative: int


@dataclass
class ImportEdits:
    """Planned changes to one file's imports and expressions."""

    ctx: FileContext
    # ImportAlias (by identity) -> replacement alias, or None to remove it.
    aliases: dict[int, cst.ImportAlias | None] = field(default_factory=dict)
    # ImportFrom (by identity) -> new module.
    from_modules: dict[int, _FromTarget] = field(default_factory=dict)
    # ImportFrom (by identity) -> aliases merged into it.
    merged: dict[int, list[cst.ImportAlias]] = field(default_factory=dict)
    # Statement line (by identity) -> statements inserted after it.
    after: dict[int, list[cst.BaseSmallStatement]] = field(default_factory=dict)
    # Any node (by identity) -> its replacement.
    nodes: dict[int, Replacement] = field(default_factory=dict)
    # Statements inserted at the very top of a module that has no leading imports.
    head: list[cst.BaseSmallStatement] = field(default_factory=list)
    # Function body (by identity) -> statements inserted at its start (after the docstring).
    block_head: dict[int, list[cst.BaseSmallStatement]] = field(default_factory=dict)
    # Statements appended at the end of the module.
    tail: list[cst.BaseStatement] = field(default_factory=list)
    # List/tuple/set literal (by identity) -> string entries dropped from it (`__all__`).
    dropped: dict[int, set[str]] = field(default_factory=dict)
    # Alias of an `import` statement (by identity) -> aliases written right after it (`import a` -> `import a, z`).
    appended: dict[int, list[cst.ImportAlias]] = field(default_factory=dict)
    # Bindings whose uses were rewritten: removed by the import pass when nothing uses them any more.
    released: list[ReleasedImport] = field(default_factory=list)
    # The module-level statement (by identity) that follows imports added after the leading import block.
    after_leading_imports: int | None = None
    _added_keys: set[tuple[int, str]] = field(default_factory=set)

    @property
    def is_empty(self) -> bool:
        return not (
            self.aliases or self.from_modules or self.merged or self.after or self.nodes or self.head
            or self.block_head or self.tail or self.dropped or self.appended
        )

    # -- recording ---------------------------------------------------------------

    def replace_node(self, node: cst.CSTNode, replacement: Replacement) -> None:
        self.nodes[id(node)] = replacement

    def drop_entries(self, container: cst.CSTNode, values: Iterable[str]) -> None:
        """Drop the string entries with these values from a list, tuple or set literal (an `__all__`), keeping its
        commas right; other edits of the same literal still apply."""
        self.dropped.setdefault(id(container), set()).update(values)

    def remove_statement(self, statement: cst.BaseStatement) -> None:
        """Drop a whole statement (its leading comments go with it); an emptied block gets `pass`."""
        self.nodes[id(statement)] = cst.RemovalSentinel.REMOVE  # type: ignore[assignment]

    def replace_alias(self, alias: cst.ImportAlias, new_alias: cst.ImportAlias) -> None:
        self.aliases[id(alias)] = new_alias

    def remove_alias(self, alias: cst.ImportAlias) -> None:
        self.aliases[id(alias)] = None

    def release(self, binding: ImportBinding) -> None:
        """The edits rewrote uses of `binding`: the import pass removes it once nothing uses it."""
        self.release_name(binding, binding.local_name, binding.imported)

    def release_name(self, near: ImportBinding, local: str, imported: str) -> None:
        """The binding of `local` to `imported` in `near`'s scope (one these edits add, say) goes in the import pass
        unless something uses it."""
        released = ReleasedImport(scope_path(self.ctx, near.statement), local, imported)
        if released not in self.released:
            self.released.append(released)

    def append_import(self, anchor: ImportBinding, module: str) -> None:
        """`module` appended to the `import` statement of `anchor` (`import a` -> `import a, z`), as libcst's
        RenameCommand does where the old module itself was imported."""
        assert isinstance(anchor.statement, cst.Import) and anchor.alias is not None
        key = (id(anchor.statement), f"append {module}")
        if key in self._added_keys:
            return
        self._added_keys.add(key)
        # Right after the alias it serves: `import a, b, c` -> `import a, b, c, d` (and `c` may go later).
        self.appended.setdefault(id(anchor.alias), []).append(cst.ImportAlias(name=expression_for(module)))  # type: ignore[arg-type]

    def set_from_module(self, statement: cst.ImportFrom, module: str, *, keep_relative: bool) -> None:
        relative = 0
        text = module
        if keep_relative and statement.relative:
            relative, text = relative_form(self.ctx.info.package, module)
        self.from_modules[id(statement)] = _FromTarget(text, relative)

    def add_from_import(
        self, anchor: ImportBinding, module: str, name: str, asname: str | None = None, *, beside: bool = False
    ) -> None:
        """`from module import name [as asname]` for a use that `anchor` bound: after the leading import block
        when `anchor` stands in it (where libcst's AddImportsVisitor puts it), else right after `anchor`'s statement
        (an import inside a function, a `TYPE_CHECKING` block or a `try` stays there, and so does a statement
        that replaces `anchor`'s whole statement: `beside`); merged when possible."""
        if not beside and self._in_leading_block(anchor.line):
            self.add_module_level_from_import(module, name, asname)
            return
        relative, text = (0, module)
        if isinstance(anchor.statement, cst.ImportFrom) and anchor.statement.relative:
            relative, text = relative_form(self.ctx.info.package, module)
        key = (id(anchor.line), f"from {'.' * relative}{text} import {name} as {asname}")
        if key in self._added_keys:
            return
        self._added_keys.add(key)
        alias = _alias(name, asname)
        merge_into = self._mergeable_from(anchor, module)
        if merge_into is not None:
            self.merged.setdefault(id(merge_into), []).append(alias)
            return
        statement = cst.ImportFrom(
            module=expression_for(text) if text else None,  # type: ignore[arg-type]
            names=[alias],
            relative=[cst.Dot() for _ in range(relative)],
        )
        self.after.setdefault(id(anchor.line), []).append(statement)

    def add_import(self, anchor: ImportBinding, module: str, asname: str | None = None, *, beside: bool = False) -> None:
        """`import module [as asname]` for a use that `anchor` bound (placed as `add_from_import` places it, or
        right after `anchor`'s statement with `beside`)."""
        if not beside and self._in_leading_block(anchor.line):
            self.add_module_level_import(module, asname)
            return
        key = (id(anchor.line), f"import {module} as {asname}")
        if key in self._added_keys:
            return
        self._added_keys.add(key)
        alias = cst.ImportAlias(
            name=expression_for(module),  # type: ignore[arg-type]
            asname=cst.AsName(name=cst.Name(asname)) if asname else None,
        )
        self.after.setdefault(id(anchor.line), []).append(cst.Import(names=[alias]))

    def add_module_level_from_import(self, module: str, name: str, asname: str | None = None) -> None:
        """`from module import name [as asname]` for a file that has no binding of it yet.

        Merged into a module-level `from module import ...` when there is one; else
        written after the file's leading imports (after the docstring and any
        `__future__` import), else at the top.
        """
        key = (0, f"module level: from {module} import {name} as {asname}")
        if key in self._added_keys:
            return
        self._added_keys.add(key)
        alias = _alias(name, asname)
        if self._pending_module_level(module, alias):
            return
        existing = self._module_level_from(module)
        if existing is not None:
            self.merged.setdefault(id(existing), []).append(alias)
            return
        statement = cst.ImportFrom(module=expression_for(module), names=[alias])  # type: ignore[arg-type]
        self._add_after_leading_imports(statement)

    def add_module_level_import(self, module: str, asname: str | None = None) -> None:
        """`import module [as asname]` after the file's leading imports (unless exactly that is planned)."""
        key = (0, f"module level: import {module} as {asname}")
        if key in self._added_keys:
            return
        self._added_keys.add(key)
        alias = cst.ImportAlias(
            name=expression_for(module),  # type: ignore[arg-type]
            asname=cst.AsName(name=cst.Name(asname)) if asname else None,
        )
        self._add_after_leading_imports(cst.Import(names=[alias]))

    def _leading_block(self) -> tuple[list[cst.BaseStatement], int]:
        """(the leading import statements, the index of the first statement after them): a docstring first,
        then one-import lines, as libcst's AddImportsVisitor reads a module."""
        body = list(self.ctx.module.body)
        start = 1 if body and _is_docstring_line(body[0]) else 0
        end = start
        while end < len(body) and _is_single_import_line(body[end]):
            end += 1
        return body[start:end], end

    def _in_leading_block(self, line: cst.CSTNode) -> bool:
        leading, _ = self._leading_block()
        return any(statement is line for statement in leading)

    def _add_after_leading_imports(self, statement: cst.BaseSmallStatement) -> None:
        """After the last leading import (after the docstring, else at the top), with an empty line before the
        code that follows, as libcst's AddImportsVisitor writes it."""
        leading, end = self._leading_block()
        body = self.ctx.module.body
        if leading:
            self.after.setdefault(id(leading[-1]), []).append(statement)
        elif end == 1:
            self.after.setdefault(id(body[0]), []).append(statement)
        else:
            self.head.append(statement)
            return
        if end < len(body):
            self.after_leading_imports = id(body[end])

    def add_function_import(
        self, function: cst.FunctionDef, module: str, name: str, asname: str | None = None
    ) -> None:
        """`from module import name [as asname]` as the first statement of a function body (after its
        docstring): a local import runs at call time, so it cannot close an import cycle."""
        key = (id(function.body), f"from {module} import {name} as {asname}")
        if key in self._added_keys:
            return
        self._added_keys.add(key)
        statement = cst.ImportFrom(module=expression_for(module), names=[_alias(name, asname)])  # type: ignore[arg-type]
        self.block_head.setdefault(id(function.body), []).append(statement)

    def _pending_module_level(self, module: str, alias: cst.ImportAlias) -> bool:
        """Whether an import of exactly `alias` from `module` was already planned at module level."""
        from ..modules import absolute_module

        top = {id(line) for line in self.ctx.module.body}
        planned = [s for key, added in self.after.items() if key in top for s in added] + list(self.head)
        for statement in planned:
            if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
                continue
            written = dotted_of(statement.module) if statement.module is not None else None
            if absolute_module(self.ctx.info, len(statement.relative), written) != module:
                continue
            if any(_alias_key(a) == _alias_key(alias) for a in statement.names):
                return True
        return False

    def _module_level_from(self, module: str) -> cst.ImportFrom | None:
        from ..modules import absolute_module

        for line in self.ctx.module.body:
            if not isinstance(line, cst.SimpleStatementLine):
                continue
            for statement in line.body:
                if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
                    continue
                written = dotted_of(statement.module) if statement.module is not None else None
                if absolute_module(self.ctx.info, len(statement.relative), written) != module:
                    continue
                if id(statement) in self.from_modules or all(self.aliases.get(id(a), a) is None for a in statement.names):
                    continue
                return statement
        return None

    def _mergeable_from(self, anchor: ImportBinding, module: str) -> cst.ImportFrom | None:
        """An existing `from module import ...` in the anchor's block (not one being rewritten)."""
        block = self.ctx.parents.get(anchor.line)
        body = getattr(block, "body", None)
        if not isinstance(body, (list, tuple)):
            return None
        for line in body:
            if not isinstance(line, cst.SimpleStatementLine):
                continue
            for statement in line.body:
                if not isinstance(statement, cst.ImportFrom) or isinstance(statement.names, cst.ImportStar):
                    continue
                if statement is anchor.statement:
                    continue
                written = dotted_of(statement.module) if statement.module is not None else None
                from ..modules import absolute_module

                if absolute_module(self.ctx.info, len(statement.relative), written) != module:
                    continue
                if id(statement) in self.from_modules:
                    continue
                if all(self.aliases.get(id(a), a) is None for a in statement.names):
                    continue
                return statement
        return None

    # -- applying ------------------------------------------------------------------

    def apply(self) -> cst.Module:
        return self.ctx.module.visit(_Applier(self))


def relative_form(package: str, module: str) -> tuple[int, str]:
    """(dots, rest) writing `module` relative to `package`, or (0, module) when they share no top package."""
    package_parts = package.split(".") if package else []
    module_parts = module.split(".")
    for level in range(1, len(package_parts) + 1):
        anchor = package_parts[: len(package_parts) - (level - 1)]
        if module_parts[: len(anchor)] == anchor:
            return level, ".".join(module_parts[len(anchor) :])
    return 0, module


def _alias(name: str, asname: str | None) -> cst.ImportAlias:
    """`name as asname`; `name as name` too (an explicit re-export is written as one)."""
    return cst.ImportAlias(name=cst.Name(name), asname=cst.AsName(name=cst.Name(asname)) if asname else None)


def _without_strings(container: cst.List | cst.Tuple | cst.Set, dropped: set[str]) -> cst.CSTNode:
    from ..bindings import string_value

    elements = list(container.elements)
    kept = [e for e in elements if not (isinstance(e, cst.Element) and string_value(e.value) in dropped)]
    if len(kept) == len(elements):
        return container
    if kept and elements[-1] is not kept[-1]:
        # The last entry went: the new last one takes its comma (none, or a trailing one before the bracket).
        kept[-1] = kept[-1].with_changes(comma=elements[-1].comma)
    if isinstance(container, cst.Tuple) and len(kept) == 1 and not isinstance(kept[0].comma, cst.Comma):
        kept[0] = kept[0].with_changes(comma=cst.Comma())
    return container.with_changes(elements=kept)


def _starts_blank(statement: cst.BaseStatement) -> bool:
    leading = statement.leading_lines
    return bool(leading) and leading[0].comment is None


def _is_single_import_line(line: cst.CSTNode) -> bool:
    return (
        isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1
        and isinstance(line.body[0], (cst.Import, cst.ImportFrom))
    )


def scope_path(ctx: FileContext, node: cst.CSTNode) -> str:
    """The qualified name of the function or class a node is in ("" at module level), as `scopes` names it."""
    names: list[tuple[str, bool]] = []
    current = ctx.parents.get(node)
    while current is not None:
        if isinstance(current, (cst.FunctionDef, cst.ClassDef)):
            names.append((current.name.value, isinstance(current, cst.FunctionDef)))
        current = ctx.parents.get(current)
    path = ""
    parent_is_function = False
    for name, is_function in reversed(names):
        path = name if not path else f"{path}.<locals>.{name}" if parent_is_function else f"{path}.{name}"
        parent_is_function = is_function
    return path


def _is_docstring_line(line: cst.CSTNode) -> bool:
    return (
        isinstance(line, cst.SimpleStatementLine)
        and len(line.body) == 1
        and isinstance(line.body[0], cst.Expr)
        and isinstance(line.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


class _Applier(cst.CSTTransformer):
    def __init__(self, edits: ImportEdits) -> None:
        super().__init__()
        self.edits = edits
        self.removed_statements: set[int] = set()
        # Blank lines of a removed statement, waiting for the next statement of its block (by identity).
        self.carried: list[cst.EmptyLine] = []
        self.receivers: dict[int, list[cst.EmptyLine]] = {}
        # Only the edited nodes and their ancestors are visited: the rest of the tree is kept as is.
        targets = [
            *edits.aliases, *edits.from_modules, *edits.merged, *edits.after, *edits.nodes, *edits.block_head,
            *edits.dropped, *edits.appended,
            *([edits.after_leading_imports] if edits.after_leading_imports is not None else []),
        ]
        parents = edits.ctx.parents
        by_id = {id(node): node for node in parents} | {id(edits.ctx.module): edits.ctx.module}
        self.on_path: set[int] = set()
        for target in targets:
            node = by_id.get(target)
            while node is not None and id(node) not in self.on_path:
                self.on_path.add(id(node))
                node = parents.get(node)

    def on_visit(self, node: cst.CSTNode) -> bool:
        if self.carried and isinstance(node, cst.BaseStatement):
            self.receivers[id(node)] = self.carried
            self.carried = []
        return id(node) in self.on_path and super().on_visit(node)

    def _carry(self, removed: cst.CSTNode) -> None:
        """A removed statement's blank lines separate what came before from what follows: keep them."""
        self.carried = [line for line in getattr(removed, "leading_lines", ()) if line.comment is None]

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        self.carried = []
        body = list(updated_node.body)
        if body and original_node.body and not _starts_blank(original_node.body[0]) and _starts_blank(body[0]):
            # The first statements went away: the module does not start with the blank lines meant to follow them.
            leading = list(body[0].leading_lines)
            while leading and leading[0].comment is None:
                leading.pop(0)
            body[0] = body[0].with_changes(leading_lines=leading)
            updated_node = updated_node.with_changes(body=body)
        if not body and original_node.body and not updated_node.header and not self.edits.head and not self.edits.tail:
            # Every statement went away: an empty file, not a lone newline.
            return updated_node.with_changes(has_trailing_newline=False)
        if not self.edits.head and not self.edits.tail:
            return updated_node
        lines = [cst.SimpleStatementLine(body=[statement]) for statement in self.edits.head]
        if lines and body and not any(line.comment is None and not line.whitespace.value for line in body[0].leading_lines):
            # Separate the new import from the code below it as formatters would: two blank lines before a def/class.
            blank = 2 if isinstance(body[0], (cst.FunctionDef, cst.ClassDef)) else 1
            body[0] = body[0].with_changes(leading_lines=[*(cst.EmptyLine() for _ in range(blank)), *body[0].leading_lines])
        tail = list(self.edits.tail)
        if tail and (body or lines) and isinstance(tail[0], (cst.FunctionDef, cst.ClassDef)) and not tail[0].leading_lines:
            tail[0] = tail[0].with_changes(leading_lines=[cst.EmptyLine(), cst.EmptyLine()])
        return updated_node.with_changes(body=[*lines, *body, *tail])

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[override]
        if id(original_node) == self.edits.after_leading_imports and isinstance(updated_node, cst.BaseStatement):
            updated_node = _blank_line_before(updated_node)
        carried = self.receivers.pop(id(original_node), None)
        if carried and not _starts_blank(updated_node):  # type: ignore[arg-type]
            updated_node = updated_node.with_changes(leading_lines=[*carried, *updated_node.leading_lines])  # type: ignore[attr-defined]
        dropped = self.edits.dropped.get(id(original_node))
        if dropped and isinstance(updated_node, (cst.List, cst.Tuple, cst.Set)):
            updated_node = _without_strings(updated_node, dropped)
        replacement = self.edits.nodes.get(id(original_node))
        if replacement is not None:
            new = replacement(updated_node) if callable(replacement) else replacement
            if new is cst.RemovalSentinel.REMOVE:
                self._carry(original_node)
            return _keep_parens(updated_node, new)
        return super().on_leave(original_node, updated_node)

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import):
        names = self._aliases(original_node.names, updated_node.names)
        if any(id(a) in self.edits.appended for a in original_node.names):
            current = list(names if names is not None else updated_node.names)
            written = {_alias_key(a) for a in current}
            out: list[cst.ImportAlias] = []
            for original, updated in zip(original_node.names, updated_node.names):
                kept = self.edits.aliases.get(id(original), updated) if id(original) in self.edits.aliases else updated
                if kept is not None:
                    out.append(kept.with_changes(comma=updated.comma))
                for alias in self.edits.appended.get(id(original), []):
                    if _alias_key(alias) not in written:
                        written.add(_alias_key(alias))
                        out.append(alias.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))))
            names = out
        if names is None:
            return updated_node
        if not names:
            self.removed_statements.add(id(original_node))
            return cst.RemovalSentinel.REMOVE
        return updated_node.with_changes(names=_fix_commas(names, original_node.names, parenthesized=False))

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom):
        result = updated_node
        target = self.edits.from_modules.get(id(original_node))
        if target is not None:
            result = result.with_changes(
                module=expression_for(target.module) if target.module else None,
                relative=[cst.Dot() for _ in range(target.relative)],
            )
        if isinstance(original_node.names, cst.ImportStar):
            return result
        assert isinstance(updated_node.names, (list, tuple))
        names = self._aliases(original_node.names, updated_node.names)
        merged = self.edits.merged.get(id(original_node), [])
        if names is None and not merged:
            return result
        current = list(names if names is not None else updated_node.names)
        if not current and not merged:
            self.removed_statements.add(id(original_node))
            return cst.RemovalSentinel.REMOVE
        parenthesized = original_node.lpar is not None
        removed_last = self.edits.aliases.get(id(original_node.names[-1]), original_node.names[-1]) is None
        if current:
            current = _fix_commas(current, original_node.names, parenthesized=parenthesized)
            result = result.with_changes(names=current)
            if parenthesized and removed_last:
                result = _fix_closing_paren(result, original_node)
        existing = {_alias_key(a) for a in current}
        fresh = [a for a in merged if _alias_key(a) not in existing]
        if fresh:
            result = _merge_aliases(result, fresh)
        return result

    def _aliases(self, original: tuple | list, updated: tuple | list) -> list[cst.ImportAlias] | None:
        if not any(id(a) in self.edits.aliases for a in original):
            return None
        out = []
        for orig, upd in zip(original, updated):
            if id(orig) in self.edits.aliases:
                new = self.edits.aliases[id(orig)]
                if new is None:
                    continue
                out.append(new.with_changes(comma=upd.comma))
            else:
                out.append(upd)
        return out

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine):
        added = self.edits.after.get(id(original_node), [])
        if not added and updated_node.body:
            return updated_node
        lines: list[cst.BaseStatement] = []
        if updated_node.body:
            lines.append(updated_node)
        for position, statement in enumerate(added):
            leading = original_node.leading_lines if (not updated_node.body and position == 0) else ()
            trailing = updated_node.trailing_whitespace if (not updated_node.body and position == len(added) - 1) else cst.TrailingWhitespace()
            lines.append(cst.SimpleStatementLine(body=[statement], leading_lines=leading, trailing_whitespace=trailing))
        if not lines:
            self._carry(original_node)
            return cst.RemovalSentinel.REMOVE
        return cst.FlattenSentinel(lines)

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite):
        added = self.edits.after.get(id(original_node), [])
        first = self.edits.block_head.get(id(original_node), [])
        body = list(first) + list(updated_node.body) + list(added)
        if not body:
            body = [cst.Pass()]
        if len(body) == len(updated_node.body) and not added and not first:
            return updated_node
        return updated_node.with_changes(body=body)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock):
        self.carried = []
        first = self.edits.block_head.get(id(original_node), [])
        if not first and updated_node.body:
            return updated_node
        body = list(updated_node.body)
        position = 1 if body and _is_docstring_line(body[0]) else 0
        body[position:position] = [cst.SimpleStatementLine(body=[statement]) for statement in first]
        return updated_node.with_changes(body=body or [cst.SimpleStatementLine(body=[cst.Pass()])])


def _blank_line_before(statement: cst.BaseStatement) -> cst.BaseStatement:
    """An empty line between added imports and the code after them, unless one is there (libcst's rule)."""
    leading = list(statement.leading_lines)  # type: ignore[attr-defined]
    if leading and leading[0].comment is None:
        return statement
    return statement.with_changes(leading_lines=[cst.EmptyLine(), *leading])


def _merge_aliases(statement: cst.ImportFrom, fresh: list[cst.ImportAlias]) -> cst.ImportFrom:
    """Add aliases to an existing `from` import: first inside parentheses (taking the opening
    line's whitespace, so no comment moves), last otherwise."""
    names = list(statement.names)  # type: ignore[arg-type]
    if statement.lpar is not None and names:
        separator = statement.lpar.whitespace_after
        if isinstance(separator, cst.SimpleWhitespace) and not separator.value:
            separator = cst.SimpleWhitespace(" ")
        prefix = [a.with_changes(comma=cst.Comma(whitespace_after=separator)) for a in fresh]
        return statement.with_changes(names=prefix + names)
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    if names:
        names[-1] = names[-1].with_changes(comma=comma)
    added = [a.with_changes(comma=comma) for a in fresh[:-1]] + [fresh[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)]
    return statement.with_changes(names=names + added)


def _alias_key(alias: cst.ImportAlias) -> tuple[str | None, str | None]:
    asname = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else None
    return dotted_of(alias.name), asname  # type: ignore[arg-type]


def _keep_parens(old: cst.CSTNode, new: cst.CSTNode) -> cst.CSTNode:
    if hasattr(old, "lpar") and hasattr(new, "lpar") and (getattr(old, "lpar") or getattr(old, "rpar")):
        return new.with_changes(lpar=old.lpar, rpar=old.rpar)  # type: ignore[attr-defined]
    return new


def _fix_commas(names: list[cst.ImportAlias], original: tuple | list, *, parenthesized: bool) -> list[cst.ImportAlias]:
    """Every alias but the last keeps (or gets) a comma; the last keeps one only in a parenthesized list
    that had a trailing comma."""
    if not names:
        return names
    out = []
    default_comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    for alias in names[:-1]:
        out.append(alias if isinstance(alias.comma, cst.Comma) else alias.with_changes(comma=default_comma))
    last = names[-1]
    original_trailing = bool(original) and isinstance(original[-1].comma, cst.Comma)
    if not parenthesized or not original_trailing:
        if isinstance(last.comma, cst.Comma) and not (parenthesized and _comma_has_comment(last.comma)):
            last = last.with_changes(comma=cst.MaybeSentinel.DEFAULT)
    out.append(last)
    return out


def _comma_has_comment(comma: cst.Comma) -> bool:
    after = comma.whitespace_after
    return isinstance(after, cst.ParenthesizedWhitespace) and after.first_line.comment is not None


def _fix_closing_paren(result: cst.ImportFrom, original: cst.ImportFrom) -> cst.ImportFrom:
    """When the last alias of a multi-line parenthesized import went away and it had no trailing comma, the
    closing whitespace it carried moves to the parenthesis."""
    if not isinstance(result.names, (list, tuple)) or not result.names:
        return result
    last = result.names[-1]
    comma = last.comma
    if not isinstance(comma, cst.Comma) or not isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace):
        return result
    closing_source = original.names[-1].comma  # type: ignore[index]
    if isinstance(closing_source, cst.Comma) and isinstance(closing_source.whitespace_after, cst.ParenthesizedWhitespace):
        # The new last name keeps its comma and the line break after it, as libcst writes it: the closing
        # parenthesis is then indented like a name (a hanging indent PEP 8 allows).
        return result
    # The removed alias had no trailing comma: its closing whitespace sits on the paren.
    rpar = result.rpar
    if rpar is not None and isinstance(rpar.whitespace_before, cst.ParenthesizedWhitespace):
        first = comma.whitespace_after.first_line
        new_before = rpar.whitespace_before.with_changes(first_line=first, empty_lines=comma.whitespace_after.empty_lines)
        names = list(result.names[:-1]) + [last.with_changes(comma=cst.MaybeSentinel.DEFAULT)]
        return result.with_changes(names=names, rpar=rpar.with_changes(whitespace_before=new_before))
    return result
