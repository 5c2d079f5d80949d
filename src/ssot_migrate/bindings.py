"""Per-file name resolution: which import binds each name, and what every reference means.

This is the one resolver every kind uses. It reads libcst's scope and
fully-qualified-name metadata (relative imports resolved from the file's own
module name) and never matches names as text.
"""

from __future__ import annotations

import dataclasses
import operator
import os
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterator, Mapping, Sequence

import libcst as cst
from libcst import MaybeSentinel
from libcst._batched_visitor import _BatchedCSTVisitor
from libcst._nodes.internal import CodegenState
from libcst._typed_visitor import CSTTypedVisitorFunctions
from libcst.metadata import (
    Access,
    BaseAssignment,
    BatchableMetadataProvider,
    ClassScope,
    CodeRange,
    ExpressionContextProvider,
    GlobalScope,
    ImportAssignment,
    MetadataWrapper,
    PositionProvider,
    QualifiedName,
    QualifiedNameSource,
    Scope,
    ScopeProvider,
)
from libcst.metadata.position_provider import NEWLINE_RE as _POSITION_NEWLINE
from libcst.metadata.position_provider import PositionProvidingCodegenState
from libcst.metadata.scope_provider import _ASSIGNMENT_LIKE_NODES, ScopeVisitor

from .modules import ModuleInfo, absolute_module


def dotted_of(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a Name/Attribute chain, None for anything else."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_of(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def expression_for(dotted: str) -> cst.BaseExpression:
    """A Name/Attribute chain for a dotted name."""
    parts = dotted.split(".")
    expr: cst.BaseExpression = cst.Name(parts[0])
    for part in parts[1:]:
        expr = cst.Attribute(value=expr, attr=cst.Name(part))
    return expr


@dataclass(eq=False)
class ImportBinding:
    """One name bound by one import alias (or a star import) somewhere in a file.

    `imported` is what the alias imports (`import a.b` -> `a.b`; `from p import n`
    -> `p.n`); `bound` is the qualified name the local name refers to
    (`import a.b` binds `a` to `a`; `import a.b as m` binds `m` to `a.b`).
    """

    statement: cst.Import | cst.ImportFrom
    line: cst.SimpleStatementLine | cst.SimpleStatementSuite
    alias: cst.ImportAlias | None
    scope: Scope
    is_from: bool
    from_module: str | None
    relative_level: int
    imported: str
    local_name: str
    bound: str
    has_asname: bool
    assignments: list[BaseAssignment] = field(default_factory=list)

    @property
    def is_star(self) -> bool:
        return self.alias is None

    @property
    def is_module_level(self) -> bool:
        return isinstance(self.scope, GlobalScope)

    def accesses(self) -> list[Access]:
        seen: dict[int, Access] = {}
        for assignment in self.assignments:
            for access in assignment.references:
                seen.setdefault(id(access), access)
        return list(seen.values())


# libcst's batched visitor asks each provider instance for its visit_/leave_ methods with
# `inspect.getmembers` over ~1,600 attributes: ~3 ms per file for scope metadata, more than
# the focused parse of a small file. The names depend on the class only, so they are found once.
_VISITOR_NAMES: dict[type, tuple[str, ...]] = {}


def _visitors_by_class(provider: BatchableMetadataProvider[Any]) -> Mapping[str, Any]:
    names = _VISITOR_NAMES.get(type(provider))
    if names is None:
        names = _VISITOR_NAMES[type(provider)] = tuple(BatchableMetadataProvider.get_visitors(provider))
    return {name: getattr(provider, name) for name in names}


class _ExpressionContext(ExpressionContextProvider):
    """libcst's ExpressionContextProvider, with its visitor methods found once per class."""

    get_visitors = _visitors_by_class


class _Scopes(ScopeProvider):
    """libcst's ScopeProvider on `_ExpressionContext`: the same scopes, without the per-file
    method lookup (`get_metadata` answers its ExpressionContextProvider questions from it)."""

    METADATA_DEPENDENCIES = (_ExpressionContext,)
    get_visitors = _visitors_by_class

    _DEPENDENCIES = frozenset(METADATA_DEPENDENCIES)

    @classmethod
    def get_inherited_dependencies(cls) -> frozenset:
        return cls._DEPENDENCIES

    def get_metadata(self, key: Any, node: cst.CSTNode, *default: Any) -> Any:
        return super().get_metadata(_ExpressionContext if key is ExpressionContextProvider else key, node, *default)

    def visit_Module(self, node: cst.Module) -> bool | None:  # ScopeProvider.visit_Module, with `_ScopeVisitor`
        visitor = _ScopeVisitor(self)
        node.visit(visitor)
        visitor.infer_accesses()
        return None


_ASSIGNMENT_LIKE: dict[type, bool] = {}


class _ScopeVisitor(ScopeVisitor):
    """libcst's ScopeVisitor, with its per-node `isinstance` against 18 node classes answered once per class."""

    def on_leave(self, original_node: cst.CSTNode) -> None:  # ScopeVisitor.on_leave
        self.provider.set_metadata(original_node, self.scope)
        kind = type(original_node)
        assignment_like = _ASSIGNMENT_LIKE.get(kind)
        if assignment_like is None:
            assignment_like = _ASSIGNMENT_LIKE[kind] = isinstance(original_node, _ASSIGNMENT_LIKE_NODES)
        if assignment_like:
            self.scope._assignment_count += 1
        super(ScopeVisitor, self).on_leave(original_node)


class _FieldRecorder(cst.CSTVisitor):
    """Notes which fields a node's `_visit_and_replace_children` visits, in order, without descending."""

    def __init__(self) -> None:
        self.fields: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return False

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.fields.append(attribute)


_VISITED_FIELDS: dict[object, tuple[tuple[str, ...], Callable[[cst.CSTNode], tuple[Any, ...]]]] = {}
# The node classes whose `_visit_and_replace_children` visits a field only when it is not None (every other
# class visits the same fields, in the same order, for every node; tests/test_performance.py checks the list).
CONDITIONAL_VISITS = {"FormattedStringExpression": "format_spec", "TemplatedStringExpression": "format_spec"}


def _visited_fields(node: cst.CSTNode) -> tuple[tuple[str, ...], Callable[[cst.CSTNode], tuple[Any, ...]]]:
    """The fields `_visit_and_replace_children` visits, in order, and a getter of their values."""
    kind = type(node)
    key: object = kind
    optional = CONDITIONAL_VISITS.get(kind.__name__)
    if optional is not None:
        key = (kind, getattr(node, optional) is None)
    fields = _VISITED_FIELDS.get(key)
    if fields is None:
        recorder = _FieldRecorder()
        node._visit_and_replace_children(recorder)  # builds one throw-away copy of this node, once per shape
        names = tuple(recorder.fields)
        getter = operator.attrgetter(*names) if len(names) > 1 else (lambda n, a=operator.attrgetter(*names): (a(n),)) if names else (lambda n: ())
        fields = _VISITED_FIELDS[key] = (names, getter)
    return fields


def _visit_in_place(self: cst.CSTNode, visitor: Any) -> Any:
    """`CSTNode.visit` for a read-only `CSTVisitor`: the same callbacks in the same order, without the copy.

    libcst's `visit` rebuilds every node it passes (`_visit_and_replace_children`) and, for a
    `CSTVisitor`, drops the copy and returns the original node: the copies are a third of what
    scope metadata costs. This walks the same fields in the same order (recorded from
    `_visit_and_replace_children` once per node class), calling `on_visit_attribute`/
    `on_leave_attribute` as libcst's helpers do (skipped only where they would find no hook),
    and returns the original node as libcst does.
    """
    hooks = _attribute_hooks(visitor)
    if hooks is _NOT_A_VISITOR:
        return _LIBCST_VISIT(self, visitor)
    _walk_in_place(self, visitor, hooks)
    return self


def _walk_in_place(node: cst.CSTNode, visitor: Any, hooks: frozenset[str]) -> None:
    # Only `Module` overrides `visit`, and a module is no node's child: children are walked here directly.
    if visitor.on_visit(node):
        kind = type(node)
        hooked = hooks is _EVERY_NODE or kind.__name__ in hooks
        fields, values = _visited_fields(node)
        for name, value in zip(fields, values(node)):
            if hooked:
                visitor.on_visit_attribute(node, name)
            kind = type(value)
            if kind is tuple or kind is list:
                for child in value:
                    _walk_in_place(child, visitor, hooks)
            elif value is not None and kind is not MaybeSentinel:
                _walk_in_place(value, visitor, hooks)
            if hooked:
                visitor.on_leave_attribute(node, name)
    visitor.on_leave(node)


_LIBCST_VISIT = cst.CSTNode.visit
_NOT_A_VISITOR: frozenset[str] = frozenset(["(a transformer)"])
_EVERY_NODE: frozenset[str] = frozenset(["(any node)"])
# Per visitor class: the node class names it has `visit_<Node>_<attribute>`/`leave_<Node>_<attribute>` hooks for
# (libcst's default `on_visit_attribute`/`on_leave_attribute` look those up and do nothing else; the ones every
# visitor inherits from CSTTypedVisitorFunctions are empty: tests/test_performance.py checks it).
_HOOKS: dict[type, frozenset[str]] = {}
# The batched visitor keeps its hooks per instance: found once per instance during one `visits_in_place`.
_BATCHED_HOOKS: dict[int, tuple[object, frozenset[str]]] = {}


def _attribute_hooks(visitor: object) -> frozenset[str]:
    kind = type(visitor)
    hooks = _HOOKS.get(kind)
    if hooks is not None:
        return hooks
    if kind is _BatchedCSTVisitor:
        found = _BATCHED_HOOKS.get(id(visitor))
        if found is None:
            names = frozenset(_hooked_node(name) for name in visitor.visitor_methods)  # type: ignore[attr-defined]
            found = _BATCHED_HOOKS[id(visitor)] = (visitor, names - {None})  # type: ignore[operator]
        return found[1]
    if not isinstance(visitor, cst.CSTVisitor):
        hooks = _NOT_A_VISITOR
    elif kind.on_visit_attribute is cst.CSTVisitor.on_visit_attribute and kind.on_leave_attribute is cst.CSTVisitor.on_leave_attribute:
        hooks = frozenset(
            node for node, method in ((_hooked_node(name), name) for name in dir(kind))
            if node is not None and getattr(kind, method) is not getattr(CSTTypedVisitorFunctions, method, None)
        )
    else:
        hooks = _EVERY_NODE
    _HOOKS[kind] = hooks
    return hooks


def _hooked_node(method: str) -> str | None:
    """`ClassDef` for `visit_ClassDef_bases`/`leave_ClassDef_bases`, None for any other name."""
    parts = method.split("_", 2)
    return parts[1] if len(parts) == 3 and parts[0] in ("visit", "leave") and parts[1] else None


# `SSOT_MIGRATE_LIBCST_VISIT=1` keeps libcst's own visit everywhere: the in-place walk must not change a plan,
# and the tests compare both.
LIBCST_VISIT_ENV = "SSOT_MIGRATE_LIBCST_VISIT"
_LIBCST_VISIT_ONLY = bool(os.environ.get(LIBCST_VISIT_ENV))


@contextmanager
def visits_in_place() -> Iterator[None]:
    """Read-only libcst visits (metadata resolution) walk the tree without rebuilding it, for the duration."""
    if _LIBCST_VISIT_ONLY or cst.CSTNode.visit is _visit_in_place:  # off, or already on (nested)
        yield
        return
    cst.CSTNode.visit = _visit_in_place  # type: ignore[method-assign]
    try:
        yield
    finally:
        cst.CSTNode.visit = _LIBCST_VISIT  # type: ignore[method-assign]
        _BATCHED_HOOKS.clear()


class FileContext:
    """A parsed file plus the metadata kinds read; built once per tree version."""

    def __init__(self, module: cst.Module, info: ModuleInfo, path: str) -> None:
        self.info = info
        self.path = path
        self.wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self.module = self.wrapper.module
        self._qualified: dict[cst.CSTNode, frozenset[str]] = {}
        self._statement_positions: dict[cst.CSTNode, Mapping[cst.CSTNode, CodeRange]] = {}
        self._block_starts: dict[cst.CSTNode, dict[cst.CSTNode, tuple[int, int, tuple[str, ...]]]] = {}

    @cached_property
    def scopes(self) -> dict[cst.CSTNode, Scope]:
        with visits_in_place():
            return dict(self.wrapper.resolve(_Scopes))

    @cached_property
    def parents(self) -> dict[cst.CSTNode, cst.CSTNode]:
        return parent_map(self.module)

    @cached_property
    def _statement_lines(self) -> dict[cst.CSTNode, int]:
        """The line where each module-level statement (with its leading comments) starts."""
        lines: dict[cst.CSTNode, int] = {}
        line = 1 + len(self.module.header)
        for statement in self.module.body:
            lines[statement] = line
            line += len(_NEWLINE.findall(self.module.code_for_node(statement)))
        return lines

    @cached_property
    def global_scope(self) -> GlobalScope:
        scope = self.scopes.get(self.module)
        if scope is None:  # an empty module has no statements to carry a scope
            for node, node_scope in self.scopes.items():
                if isinstance(node_scope, GlobalScope):
                    return node_scope
            raise LookupError("module has no global scope")
        assert isinstance(scope, GlobalScope)
        return scope

    def qualified_names(self, node: cst.CSTNode) -> frozenset[str]:
        """Fully qualified names of a node, as libcst's FullyQualifiedNameProvider gives them.

        Computed per asked node from the scope metadata: the provider would resolve every
        node of the file, which costs more than the parse.
        """
        names = self._qualified.get(node)
        if names is None and node is self.module:
            names = self._qualified[node] = frozenset([self.info.name])  # as the provider names the module
        if names is None:
            scope = self.scopes.get(node)
            found = scope.get_qualified_names_for(node) if scope is not None else ()
            names = frozenset(
                name for name in (_fully_qualify(self.info, q) for q in found) if name is not None
            )
            self._qualified[node] = names
        return names

    def position(self, node: cst.CSTNode) -> tuple[int, int]:
        """1-based line and column of a node of this tree (libcst's PositionProvider start).

        Positions are computed for the innermost statement of an indented block that holds the
        node (or the module-level statement): most files have a few edits, and positions for the
        whole file (or a whole class) cost more than its parse.
        """
        statement = node
        inner: cst.CSTNode | None = None  # the innermost statement of an indented block holding the node
        while (parent := self.parents.get(statement)) is not None and parent is not self.module:
            if inner is None and type(parent) is cst.IndentedBlock and isinstance(statement, cst.BaseStatement):
                inner = statement
            statement = parent
        first_line = self._statement_lines.get(statement)
        if first_line is None:  # the module itself, or its header or footer
            start = self.wrapper.resolve(PositionProvider)[node].start
            return start.line, start.column + 1
        if inner is not None:
            positions = self._statement_positions.get(inner)
            if positions is None:
                starts = self._block_starts.get(statement)
                if starts is None:
                    starts = self._block_starts[statement] = block_starts(statement, self.module)
                positions = self._statement_positions[inner] = nested_positions(inner, self.module, *starts[inner])
            start = positions[node].start
            return first_line + start.line - 1, start.column + 1
        positions = self._statement_positions.get(statement)
        if positions is None:  # as a PositionProvider pass over the statement alone in a module
            positions = self._statement_positions[statement] = nested_positions(statement, self.module, 1, 0, ())
        start = positions[node].start
        return first_line + start.line - 1, start.column + 1

    def scope_of(self, node: cst.CSTNode) -> Scope | None:
        current: cst.CSTNode | None = node
        while current is not None:
            scope = self.scopes.get(current)
            if scope is not None:
                return scope
            current = self.parents.get(current)
        return None

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    def chain_from(self, node: cst.CSTNode) -> list[cst.BaseExpression]:
        """The head Name of the access and every Attribute built on it: `a`, `a.b`, `a.b.c`.

        libcst reports an access through `import a.b` at the `a.b` Attribute; the
        chain always starts at the head Name so every prefix can be matched.
        """
        chain: list[cst.BaseExpression] = []
        while isinstance(node, cst.Attribute):
            node = node.value
        current = node
        while isinstance(current, (cst.Name, cst.Attribute)):
            chain.append(current)
            parent = self.parents.get(current)
            if isinstance(parent, cst.Attribute) and parent.value is current:
                current = parent
            else:
                break
        return chain

    # -- imports -------------------------------------------------------------

    @cached_property
    def imports(self) -> list[ImportBinding]:
        finder = _ImportFinder()
        walk(self.module, finder)
        bindings: list[ImportBinding] = []
        for line, statement in finder.found:
            scope = self.scope_of(statement)
            if scope is None:
                continue
            bindings.extend(self._bindings_of(line, statement, scope))
        return bindings

    def _bindings_of(
        self,
        line: cst.SimpleStatementLine | cst.SimpleStatementSuite,
        statement: cst.Import | cst.ImportFrom,
        scope: Scope,
    ) -> Iterator[ImportBinding]:
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                imported = dotted_of(alias.name)
                if imported is None:
                    continue
                if alias.asname is not None:
                    local = _asname(alias)
                    bound = imported
                    names = (local,)
                else:
                    local = imported.split(".")[0]
                    bound = local
                    # libcst records `import a.b` under both `a` and `a.b`.
                    names = tuple({local, imported})
                yield ImportBinding(
                    statement, line, alias, scope, False, None, 0, imported, local, bound,
                    alias.asname is not None, self._assignments(scope, names, statement),
                )
            return
        level = len(statement.relative)
        written = dotted_of(statement.module) if statement.module is not None else None
        module = absolute_module(self.info, level, written)
        if module is None:
            return
        if isinstance(statement.names, cst.ImportStar):
            yield ImportBinding(statement, line, None, scope, True, module, level, f"{module}.*", "*", module, False)
            return
        for alias in statement.names:
            name = dotted_of(alias.name)
            if name is None:
                continue
            local = _asname(alias) if alias.asname is not None else name
            imported = f"{module}.{name}"
            yield ImportBinding(
                statement, line, alias, scope, True, module, level, imported, local, imported,
                alias.asname is not None, self._assignments(scope, (local,), statement),
            )

    @staticmethod
    def _assignments(scope: Scope, names: Sequence[str], statement: cst.CSTNode) -> list[BaseAssignment]:
        found: list[BaseAssignment] = []
        for name in names:
            for assignment in scope.assignments[name]:
                if isinstance(assignment, ImportAssignment) and assignment.node is statement:
                    found.append(assignment)
        return found

    @cached_property
    def binding_of_assignment(self) -> dict[int, ImportBinding]:
        return {id(a): b for b in self.imports for a in b.assignments}

    def bindings_for_name(self, scope: Scope, name: str) -> list[ImportBinding]:
        """Import bindings that `name` can refer to when looked up from `scope`."""
        found = []
        for assignment in scope[name]:
            binding = self.binding_of_assignment.get(id(assignment))
            if binding is not None:
                found.append(binding)
        return found

    def assignments_in(self, scope: Scope, name: str) -> list[BaseAssignment]:
        """Bindings of `name` made directly in `scope` (not inherited)."""
        return list(scope.assignments[name])

    def names_bound_in(self, scope: Scope) -> set[str]:
        return {a.name for a in scope.assignments}

    def enclosing_scopes(self, scope: Scope) -> list[Scope]:
        """`scope` and every scope whose names are visible from it (class scopes skipped)."""
        chain: list[Scope] = [scope]
        current = scope
        while not isinstance(current, GlobalScope):
            current = current.parent
            if not isinstance(current, ClassScope):
                chain.append(current)
            if current is current.parent:  # pragma: no cover - defensive
                break
        return chain

    def exported_names(self) -> set[str]:
        """String entries of the module's `__all__`."""
        return {value for value, _node in self.all_entries()}

    def all_entries(self) -> list[tuple[str, cst.SimpleString]]:
        finder = _AllFinder()
        for statement in self.module.body:
            walk(statement, finder)
        return finder.entries


class _BlockStarts(CodegenState):
    """A plain codegen of one module-level statement (as if alone at line 1) that notes where each statement of
    an indented block starts: its line and column as libcst's PositionProvider counts them, and the indentation
    in force. Plain codegen costs a ninth of a position-tracking one."""

    def __init__(self, module: cst.Module) -> None:
        super().__init__(default_indent=module.default_indent, default_newline=module.default_newline)
        self.starts: dict[cst.CSTNode, tuple[int, int, tuple[str, ...]]] = {}
        self.block_statements: set[int] = set()
        self._counted = 0
        self._line = 1
        self._column = 0

    def before_codegen(self, node: cst.CSTNode) -> None:
        if type(node) is cst.IndentedBlock:  # its statements are generated after it starts
            self.block_statements.update(id(child) for child in node.body)  # type: ignore[attr-defined]
        elif id(node) in self.block_statements:
            for token in self.tokens[self._counted :]:  # PositionProvider's _update_position, per token
                segments = _POSITION_NEWLINE.split(token)
                if len(segments) == 1:
                    self._column += len(token)
                else:
                    self._line += len(segments) - 1
                    self._column = len(segments[-1])
            self._counted = len(self.tokens)
            self.starts[node] = (self._line, self._column, tuple(self.indent_tokens))


def block_starts(statement: cst.CSTNode, module: cst.Module) -> dict[cst.CSTNode, tuple[int, int, tuple[str, ...]]]:
    """Where each statement of an indented block inside a module-level statement starts (see `_BlockStarts`)."""
    state = _BlockStarts(module)
    statement._codegen(state)
    return state.starts


def nested_positions(
    statement: cst.CSTNode, module: cst.Module, line: int, column: int, indent: tuple[str, ...]
) -> Mapping[cst.CSTNode, CodeRange]:
    """libcst's positions for the nodes of one statement of an indented block, its codegen started where it
    starts in its module-level statement (line, column, indentation): the same numbers a PositionProvider pass
    over the module-level statement gives, without the position-tracking codegen of the rest of it."""
    provider = PositionProvider()
    state = PositionProvidingCodegenState(
        default_indent=module.default_indent, default_newline=module.default_newline, provider=provider,
        indent_tokens=list(indent), line=line, column=column,
    )
    statement._codegen(state)
    return provider._computed


def _fully_qualify(info: ModuleInfo, name: QualifiedName) -> str | None:
    """A qualified name made absolute (libcst's FullyQualifiedNameProvider rules); None when a
    relative import escapes the top-level package."""
    if name.source is QualifiedNameSource.BUILTIN:
        return name.name
    text = name.name
    if name.source is QualifiedNameSource.IMPORT and not text.startswith("."):
        return text
    bare = text.lstrip(".")
    dots = len(text) - len(bare)
    if not dots:
        return f"{info.name}.{bare}"
    # Like importlib._bootstrap._resolve_name.
    bits = info.package.rsplit(".", dots - 1)
    if len(bits) < dots:
        return None
    return f"{bits[0]}.{bare}"


def parent_map(root: cst.CSTNode) -> dict[cst.CSTNode, cst.CSTNode]:
    """Every node's parent (libcst's ParentNodeProvider), read from the node fields.

    A libcst visit rebuilds each node it passes; reading the fields is several times faster.
    """
    parents: dict[cst.CSTNode, cst.CSTNode] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        for child in _children(node):
            parents[child] = node
            stack.append(child)
    return parents


def walk(root: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """Run a read-only visitor's `visit_<Node>`/`leave_<Node>` methods over a tree, without
    rebuilding it (a libcst visit constructs a copy of every node it passes and drops it).

    Children come in field order; a `visit_` method that returns False skips the subtree.
    For visitors that only collect what they see.
    """
    visits: dict[type, object] = {}
    leaves: dict[type, object] = {}
    stack: list[tuple[cst.CSTNode, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        kind = type(node)
        if leaving:
            leave = leaves.get(kind, _UNSET)
            if leave is _UNSET:
                leave = leaves[kind] = getattr(visitor, f"leave_{kind.__name__}", None)
            if leave is not None:
                leave(node)  # type: ignore[operator]
            continue
        visit = visits.get(kind, _UNSET)
        if visit is _UNSET:
            visit = visits[kind] = getattr(visitor, f"visit_{kind.__name__}", None)
        stack.append((node, True))
        if visit is not None and visit(node) is False:  # type: ignore[operator]
            continue
        stack.extend((child, False) for child in reversed(list(_children(node))))


_UNSET = object()
_NEWLINE = re.compile(r"\r\n?|\n")
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    names = _CHILD_FIELDS.get(type(node))
    if names is None:
        names = _CHILD_FIELDS[type(node)] = tuple(f.name for f in dataclasses.fields(node))
    for name in names:
        value = getattr(node, name)
        kind = type(value)
        if kind is tuple or kind is list:
            for item in value:
                if _is_node(item):
                    yield item
        elif _is_node(value):
            yield value


_NODE_TYPES: dict[type, bool] = {}


def _is_node(value: object) -> bool:
    # isinstance() against the CSTNode ABC is slow; the answer only depends on the type.
    kind = type(value)
    known = _NODE_TYPES.get(kind)
    if known is None:
        known = _NODE_TYPES[kind] = isinstance(value, cst.CSTNode)
    return known


def _asname(alias: cst.ImportAlias) -> str:
    assert alias.asname is not None
    name = alias.asname.name
    assert isinstance(name, cst.Name)
    return name.value


class _ImportFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found: list[tuple[cst.SimpleStatementLine | cst.SimpleStatementSuite, cst.Import | cst.ImportFrom]] = []
        self._lines: list[cst.SimpleStatementLine | cst.SimpleStatementSuite] = []

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self._lines.append(node)

    def leave_SimpleStatementLine(self, original_node: cst.SimpleStatementLine) -> None:
        self._lines.pop()

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._lines.append(node)

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        self._lines.pop()

    def visit_Import(self, node: cst.Import) -> bool:
        self.found.append((self._lines[-1], node))
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self.found.append((self._lines[-1], node))
        return False


def string_value(node: cst.BaseExpression) -> str | None:
    """The value of a plain (non-f, non-bytes) string literal, else None."""
    if not isinstance(node, cst.SimpleString):
        return None
    prefix = node.prefix.lower()
    if "b" in prefix or "f" in prefix:
        return None
    try:
        value = node.evaluated_value
    except Exception:  # noqa: BLE001 - malformed escapes are simply not names
        return None
    return value if isinstance(value, str) else None


class _AllFinder(cst.CSTVisitor):
    """String entries of `__all__ = [...]`, `__all__ += [...]`, `__all__.extend/append(...)`."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, cst.SimpleString]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def _collect(self, value: cst.BaseExpression) -> None:
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            for element in value.elements:
                if isinstance(element, cst.Element):
                    self._collect(element.value)
        elif isinstance(value, cst.BinaryOperation):
            self._collect(value.left)
            self._collect(value.right)
        elif isinstance(value, cst.SimpleString):
            text = string_value(value)
            if text is not None:
                self.entries.append((text, value))

    def visit_Assign(self, node: cst.Assign) -> None:
        if any(isinstance(t.target, cst.Name) and t.target.value == "__all__" for t in node.targets):
            self._collect(node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if isinstance(node.target, cst.Name) and node.target.value == "__all__" and node.value is not None:
            self._collect(node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if isinstance(node.target, cst.Name) and node.target.value == "__all__":
            self._collect(node.value)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value == "__all__"
            and func.attr.value in {"extend", "append"}
        ):
            for arg in node.args:
                self._collect(arg.value)
