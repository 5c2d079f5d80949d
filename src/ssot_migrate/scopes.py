"""Every name reference of a file and what it means, from the stdlib `ast`: a second, independent resolver.

libcst's metadata drives the rewrites; this view of a whole file (cheap: the parse is CPython's) decides
which imports the edits left unused and verifies the result against the original. Resolution is
flow-insensitive, as in libcst and pyflakes: a name means every binding its scope has for it.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field
from typing import Iterator

from .modules import ModuleInfo, absolute_module

BUILTIN_NAMES = frozenset(dir(builtins))
# Names every module has without binding them.
MODULE_ATTRIBUTES = frozenset(
    {"__name__", "__file__", "__doc__", "__spec__", "__loader__", "__package__", "__path__", "__builtins__",
     "__annotations__", "__dict__", "__cached__"}
)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_DEFS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
# The fields of each node class that can hold a block of statements (handlers and match cases included).
_BLOCK_FIELDS = {
    cls: fields
    for cls in vars(ast).values()
    if isinstance(cls, type) and issubclass(cls, ast.AST)
    and (fields := tuple(f for f in ("body", "orelse", "finalbody", "handlers", "cases") if f in cls._fields))
}
_BLOCK_ITEMS = (ast.stmt, ast.excepthandler, ast.match_case)
_COMPREHENSION_KINDS = frozenset(_COMPREHENSIONS)
# Nodes with no child that `_expression` acts on: contexts, operators, constants (`ast.iter_child_nodes` yields
# the first two; a constant's value is never a node).
_LEAVES = frozenset(
    cls for cls in vars(ast).values()
    if isinstance(cls, type) and issubclass(cls, (ast.expr_context, ast.boolop, ast.operator, ast.unaryop, ast.cmpop))
) | {ast.Constant}
# The fields of a node class that can hold child nodes, in `_fields` order (that of `ast.iter_child_nodes`).
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(kind: type) -> tuple[str, ...]:
    fields = () if kind in _LEAVES else tuple(f for f in kind._fields if f not in ("ctx", "op", "ops"))  # type: ignore[attr-defined]
    _CHILD_FIELDS[kind] = fields
    return fields


@dataclass(frozen=True)
class Reference:
    """A use of a name: a bare name, the longest attribute chain written on it, or an `__all__` entry.

    `meanings` are the fully qualified names the whole chain can denote (`import a.b` + `a.b.c` ->
    `a.b.c`; a name bound inside a function or class body -> `<local>.x`). `unbound`: no scope binds the
    head name, it is no builtin, and no star import can supply it (a NameError when it runs).
    """

    line: int
    col: int  # 1-based, of the chain's head (of the string, for names inside a string annotation)
    text: str
    meanings: frozenset[str]
    unbound: bool
    role: str  # load | store | del | all | annotation


@dataclass
class ImportBinding:
    """One name bound by an import alias: `target` is what the name refers to (`import a.b` binds `a` to `a`)."""

    scope: str  # "" at module level, else the qualified name of the function or class
    local: str
    target: str
    imported: str  # the dotted path the alias names (`import a.b` -> `a.b`)
    line: int
    col: int
    statement_line: int
    is_from: bool
    has_asname: bool
    explicit_reexport: bool  # `import a as a`, `from m import x as x`
    block: tuple[int, int]  # (line of the block's first statement, its indentation): siblings share it
    used: int = 0


@dataclass
class FileNames:
    """The references and import bindings of one file."""

    module: str
    references: list[Reference]
    imports: list[ImportBinding]
    star_modules: tuple[str, ...]

    def unused_imports(self) -> list[ImportBinding]:
        return [b for b in self.imports if not b.used]


@dataclass
class _Binding:
    meaning: str
    imported: ImportBinding | None = None


@dataclass
class _Scope:
    kind: str  # module | function | class | comprehension
    qualname: str
    parent: _Scope | None
    bindings: dict[str, list[_Binding]] = field(default_factory=dict)
    global_names: set[str] = field(default_factory=set)
    nonlocal_names: set[str] = field(default_factory=set)

    def prefix(self, module: str) -> str:
        """What the names this scope binds mean: `module.name` at module level; a name local to a function or
        class is only `<local>.name` (a rename of the function does not change which binding a use finds)."""
        return module if self.kind == "module" else "<local>"


# A reference before resolution: (scope, line, col, head name, the attributes after it, role). A plain tuple:
# a big file has a hundred thousand of them.
_PendingReference = tuple[_Scope, int, int, str, tuple[str, ...], str]


def file_names(tree: ast.Module, info: ModuleInfo) -> FileNames:
    """Resolve every reference of a parsed file (module name and package from `info`)."""
    collector = _Collector(info)
    collector.run(tree)
    return collector.resolve()


class _Collector:
    def __init__(self, info: ModuleInfo) -> None:
        self.info = info
        self.module = _Scope("module", "", None)
        self.pending: list[_PendingReference] = []
        self.imports: list[ImportBinding] = []
        self.star_modules: list[str] = []
        self.block_of: dict[int, tuple[int, int]] = {}
        # id of a function node -> the names its scope declares (global, nonlocal)
        self.declared: dict[int, tuple[set[str], set[str]]] = {}

    # -- pass 1: scopes, bindings, unresolved references -------------------------------------

    def run(self, tree: ast.Module) -> None:
        self._blocks(tree)
        self._statements(tree.body, self.module)
        self._dunder_all(tree)

    def _blocks(self, tree: ast.Module) -> None:
        """Each statement's block: (first statement's line, indentation) of the list it belongs to; and the names
        each function declares `global` or `nonlocal` (declarations apply to the whole scope, wherever they stand
        in it, nested blocks included, nested functions and classes not)."""
        block_of = self.block_of
        declared = self.declared
        # (node, the function whose scope the node's own statements are in: None at module or class level)
        stack: list[tuple[ast.AST, ast.AST | None]] = [(tree, None)]
        while stack:
            node, owner = stack.pop()
            kind = type(node)
            if kind in _DEFS:
                owner = node if kind is not ast.ClassDef else None
            elif owner is not None and (kind is ast.Global or kind is ast.Nonlocal):
                names = declared.get(id(owner))
                if names is None:
                    names = declared[id(owner)] = (set(), set())
                names[kind is ast.Nonlocal].update(node.names)  # type: ignore[attr-defined]
            for name in _BLOCK_FIELDS.get(kind, ()):
                statements = getattr(node, name, None)
                if isinstance(statements, list) and statements and isinstance(statements[0], _BLOCK_ITEMS):
                    first = statements[0]
                    key = (getattr(first, "lineno", 0), getattr(first, "col_offset", 0))
                    for statement in statements:
                        block_of[id(statement)] = key
                        stack.append((statement, owner))

    def _bind(self, scope: _Scope, name: str, binding: _Binding | None = None) -> None:
        target = scope
        if name in scope.global_names:
            target = self.module
        elif name in scope.nonlocal_names:
            target = self._nonlocal_owner(scope, name) or scope
        elif scope.kind == "comprehension" and binding is None:
            pass
        if binding is None:
            binding = _Binding(f"{target.prefix(self.info.name)}.{name}")
        target.bindings.setdefault(name, []).append(binding)

    def _nonlocal_owner(self, scope: _Scope, name: str) -> _Scope | None:
        current = scope.parent
        while current is not None and current.kind != "module":
            if current.kind == "function" and (name in current.bindings or name in current.nonlocal_names):
                return current
            current = current.parent
        return None

    def _reference(self, scope: _Scope, node: ast.expr, role: str) -> None:
        """A Name, or an attribute chain on a Name: one reference (its inner nodes are not walked again)."""
        rest: list[str] = []
        current = node
        while isinstance(current, ast.Attribute):
            rest.append(current.attr)
            current = current.value
        if isinstance(current, ast.Name):
            self.pending.append(
                (scope, current.lineno, current.col_offset + 1, current.id, tuple(reversed(rest)), role)
            )
        else:
            self._expression(current, scope)

    def _statements(self, statements: list[ast.stmt], scope: _Scope) -> None:
        for statement in statements:
            self._statement(statement, scope)

    def _statement(self, node: ast.stmt, scope: _Scope) -> None:
        # The commonest statements first, each as the generic walk below takes its fields (in `_fields` order).
        kind = type(node)
        if kind is ast.Expr or kind is ast.Return:
            if node.value is not None:  # type: ignore[attr-defined]
                self._expression(node.value, scope)  # type: ignore[attr-defined]
            return
        if kind is ast.Assign:
            for target in node.targets:  # type: ignore[attr-defined]
                self._target(target, scope)
            self._expression(node.value, scope)  # type: ignore[attr-defined]
            return
        if kind is ast.If:
            self._expression(node.test, scope)  # type: ignore[attr-defined]
            self._statements(node.body, scope)  # type: ignore[attr-defined]
            self._statements(node.orelse, scope)  # type: ignore[attr-defined]
            return
        if kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            for decorator in node.decorator_list:
                self._expression(decorator, scope)
            self._arguments_outside(node.args, scope)
            if node.returns is not None:
                self._annotation(node.returns, scope)
            self._bind(scope, node.name)
            inner = _Scope("function", _qualname(scope, node.name), scope)
            declared = self.declared.get(id(node))
            if declared is not None:
                inner.global_names.update(declared[0])
                inner.nonlocal_names.update(declared[1])
            self._parameters(node.args, inner)
            self._statements(node.body, inner)
            return
        if isinstance(node, ast.ClassDef):
            for decorator in node.decorator_list:
                self._expression(decorator, scope)
            for base in node.bases:
                self._expression(base, scope)
            for keyword in node.keywords:
                self._expression(keyword.value, scope)
            self._bind(scope, node.name)
            inner = _Scope("class", _qualname(scope, node.name), scope)
            self._statements(node.body, inner)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            self._import(node, scope)
            return
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            if scope.kind != "function":
                (scope.global_names if isinstance(node, ast.Global) else scope.nonlocal_names).update(node.names)
            return
        if isinstance(node, ast.AnnAssign):
            self._annotation(node.annotation, scope)
            if node.value is not None:
                self._expression(node.value, scope)
            self._target(node.target, scope)
            return
        if isinstance(node, ast.AugAssign):
            self._expression(node.value, scope)
            if isinstance(node.target, ast.Name):
                self._reference(scope, node.target, "load")
                self._bind(scope, node.target.id)
            else:
                self._target(node.target, scope)
            return
        type_alias = getattr(ast, "TypeAlias", None)
        if type_alias is not None and isinstance(node, type_alias):
            self._expression(node.value, scope)
            self._target(node.name, scope)
            return
        if isinstance(node, ast.Match):
            self._expression(node.subject, scope)
            for case in node.cases:
                self._pattern(case.pattern, scope)
                if case.guard is not None:
                    self._expression(case.guard, scope)
                self._statements(case.body, scope)
            return
        for name, value in ast.iter_fields(node):
            if name in ("body", "orelse", "finalbody") and isinstance(value, list):
                self._statements(value, scope)
            elif name == "handlers":
                for handler in value:
                    if handler.type is not None:
                        self._expression(handler.type, scope)
                    if handler.name:
                        self._bind(scope, handler.name)
                    self._statements(handler.body, scope)
            elif name in ("targets", "target") or (name == "items" and isinstance(node, (ast.With, ast.AsyncWith))):
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, ast.withitem):
                        self._expression(item.context_expr, scope)
                        if item.optional_vars is not None:
                            self._target(item.optional_vars, scope)
                    else:
                        self._target(item, scope)
            elif isinstance(value, ast.expr):
                self._expression(value, scope)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.expr):
                        self._expression(item, scope)

    def _target(self, node: ast.expr, scope: _Scope) -> None:
        """An assignment target: names are bindings, attribute and subscript targets are uses."""
        if isinstance(node, ast.Name):
            self._bind(scope, node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self._target(element, scope)
        elif isinstance(node, ast.Starred):
            self._target(node.value, scope)
        elif isinstance(node, ast.Attribute):
            self._reference(scope, node, "store" if isinstance(node.ctx, ast.Store) else "del")
        else:
            self._expression(node, scope)

    def _pattern(self, node: ast.AST, scope: _Scope) -> None:
        if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            self._bind(scope, node.name)
        if isinstance(node, ast.MatchMapping) and node.rest:
            self._bind(scope, node.rest)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.pattern):
                self._pattern(child, scope)
            elif isinstance(child, ast.expr):
                self._expression(child, scope)

    def _arguments_outside(self, args: ast.arguments, scope: _Scope) -> None:
        """Defaults and annotations are evaluated where the function is defined."""
        for default in [*args.defaults, *(d for d in args.kw_defaults if d is not None)]:
            self._expression(default, scope)
        for arg in _all_args(args):
            if arg.annotation is not None:
                self._annotation(arg.annotation, scope)

    def _parameters(self, args: ast.arguments, scope: _Scope) -> None:
        for arg in _all_args(args):
            self._bind(scope, arg.arg)

    def _annotation(self, node: ast.expr, scope: _Scope) -> None:
        self._expression(node, scope)
        for inner in ast.walk(node):
            if isinstance(inner, ast.Constant) and isinstance(inner.value, str):
                self._string_annotation(inner, scope)

    def _string_annotation(self, node: ast.Constant, scope: _Scope) -> None:
        try:
            parsed = ast.parse(node.value.strip(), mode="eval")
        except (SyntaxError, ValueError):
            return
        for inner in _chains(parsed.body):
            rest: list[str] = []
            current = inner
            while isinstance(current, ast.Attribute):
                rest.append(current.attr)
                current = current.value
            assert isinstance(current, ast.Name)
            self.pending.append(
                (scope, node.lineno, node.col_offset + 1, current.id, tuple(reversed(rest)), "annotation")
            )

    def _expression(self, node: ast.expr, scope: _Scope) -> None:
        # Depth first, children left to right (the order references are listed in), dispatched on the exact node
        # class: `ast.parse` makes no subclasses. Leaves without names (constants, contexts, operators) are not
        # pushed.
        stack: list[ast.AST] = [node]
        pop = stack.pop
        while stack:
            current = pop()
            kind = type(current)
            if kind is ast.Name:
                if type(current.ctx) is ast.Load:  # type: ignore[attr-defined]
                    self._reference(scope, current, "load")  # type: ignore[arg-type]
                else:
                    self._bind(scope, current.id)  # type: ignore[attr-defined]
                continue
            if kind is ast.Attribute:
                self._reference(scope, current, "load" if type(current.ctx) is ast.Load else "store")  # type: ignore[arg-type, attr-defined]
                continue
            if kind is ast.Lambda:
                self._arguments_outside(current.args, scope)  # type: ignore[attr-defined]
                inner = _Scope("function", _qualname(scope, "<lambda>"), scope)
                self._parameters(current.args, inner)  # type: ignore[attr-defined]
                self._expression(current.body, inner)  # type: ignore[attr-defined]
                continue
            if kind in _COMPREHENSION_KINDS:
                self._comprehension(current, scope)  # type: ignore[arg-type]
                continue
            if kind is ast.NamedExpr:
                owner = scope
                while owner.kind == "comprehension" and owner.parent is not None:
                    owner = owner.parent
                self._bind(owner, current.target.id)  # type: ignore[attr-defined]
                stack.append(current.value)  # type: ignore[attr-defined]
                continue
            if kind is ast.Call:
                if _is_cast(current) and current.args:  # type: ignore[arg-type, attr-defined]
                    first = current.args[0]  # type: ignore[attr-defined]
                    if isinstance(first, ast.Constant) and isinstance(first.value, str):
                        self._string_annotation(first, scope)
                if _is_object_attribute_call(current):  # type: ignore[arg-type]
                    # `patch.object(module, "Name")` uses `module.Name`, which is what a rename must follow.
                    target, name = current.args[0], current.args[1]  # type: ignore[attr-defined]
                    self._reference(scope, ast.Attribute(target, name.value, ast.Load()), "load")  # type: ignore[union-attr]
                    stack.extend(reversed([current.func, *current.args[2:], *current.keywords]))  # type: ignore[attr-defined]
                    continue
            fields = _CHILD_FIELDS.get(kind)
            if fields is None:
                fields = _child_fields(kind)
            if not fields:
                continue
            children: list[ast.AST] = []
            for name in fields:
                value = getattr(current, name, None)
                if type(value) is list:
                    for item in value:
                        if type(item) not in _LEAVES and isinstance(item, ast.AST):
                            children.append(item)
                elif type(value) not in _LEAVES and isinstance(value, ast.AST):
                    children.append(value)
            children.reverse()
            stack.extend(children)

    def _comprehension(self, node: ast.expr, scope: _Scope) -> None:
        generators = node.generators  # type: ignore[attr-defined]
        self._expression(generators[0].iter, scope)
        inner = _Scope("comprehension", _qualname(scope, "<comprehension>"), scope)
        for position, generator in enumerate(generators):
            if position:
                self._expression(generator.iter, inner)
            self._target(generator.target, inner)
            for condition in generator.ifs:
                self._expression(condition, inner)
        if isinstance(node, ast.DictComp):
            self._expression(node.key, inner)
            self._expression(node.value, inner)
        else:
            self._expression(node.elt, inner)  # type: ignore[attr-defined]

    def _import(self, node: ast.Import | ast.ImportFrom, scope: _Scope) -> None:
        block = self.block_of.get(id(node), (node.lineno, node.col_offset))
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    local, target = alias.asname, alias.name
                else:
                    local = target = alias.name.split(".")[0]
                self._import_binding(scope, node, alias, local, target, alias.name, block, is_from=False)
            return
        module = absolute_module(self.info, node.level, node.module)
        if module is None:
            module = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name == "*":
                self.star_modules.append(module)
                continue
            local = alias.asname or alias.name
            self._import_binding(scope, node, alias, local, f"{module}.{alias.name}", f"{module}.{alias.name}", block, is_from=True)

    def _import_binding(
        self, scope: _Scope, node: ast.stmt, alias: ast.alias, local: str, target: str, imported: str,
        block: tuple[int, int], *, is_from: bool,
    ) -> None:
        binding = ImportBinding(
            scope.qualname, local, target, imported, alias.lineno, alias.col_offset + 1, node.lineno, is_from,
            alias.asname is not None, alias.asname is not None and alias.asname == alias.name, block,
        )
        self.imports.append(binding)
        self._bind(scope, local, _Binding(target, binding))

    def _dunder_all(self, tree: ast.Module) -> None:
        for node in tree.body:
            values: list[ast.expr] = []
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
                values.append(node.value)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and isinstance(node.target, ast.Name) and node.target.id == "__all__" and node.value is not None:
                values.append(node.value)
            elif (
                isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute) and isinstance(node.value.func.value, ast.Name)
                and node.value.func.value.id == "__all__" and node.value.func.attr in ("extend", "append")
            ):
                values.extend(node.value.args)
            for value in values:
                for entry in _all_strings(value):
                    self.pending.append(
                        (self.module, entry.lineno, entry.col_offset + 1, entry.value, (), "all")
                    )

    # -- pass 2: resolution ------------------------------------------------------------------

    def resolve(self) -> FileNames:
        references = []
        # What a name means from a scope is looked up once (the bindings are complete by now), with the imports
        # among its bindings.
        found: dict[tuple[int, str], tuple[set[str], bool, list[ImportBinding], frozenset[str]]] = {}
        by_owner: dict[tuple[int, str], tuple[set[str], bool, list[ImportBinding], frozenset[str]]] = {}
        for scope, line, col, head, rest, role in self.pending:
            key = (id(scope), head)
            lookup = found.get(key)
            if lookup is None:
                owner = self._owner(scope, head)
                # Every scope whose lookup finds the same owner (or none) means the same.
                owner_key = (id(owner) if owner is not None else 0, head)
                lookup = by_owner.get(owner_key)
                if lookup is None:
                    meanings, unbound, bindings = self._lookup(owner, head)
                    imports = [b.imported for b in bindings if b.imported is not None]
                    lookup = by_owner[owner_key] = (meanings, unbound, imports, frozenset(meanings))
                found[key] = lookup
            meanings, unbound, imports, bare = lookup
            if rest:
                suffix = "." + ".".join(rest)
                text = head + suffix
                chain_meanings = frozenset([m + suffix for m in meanings])
            else:
                text = head
                chain_meanings = bare
            if imports:
                self._mark_used(imports, text)
            references.append(Reference(line, col, text, chain_meanings, unbound, role))
        return FileNames(self.info.name, references, self.imports, tuple(self.star_modules))

    def _lookup(self, owner: _Scope | None, name: str) -> tuple[set[str], bool, list[_Binding]]:
        """What `name` means when a lookup finds `owner`'s bindings (None: no scope binds it)."""
        if owner is not None:
            bindings = owner.bindings[name]
            return {b.meaning for b in bindings}, False, bindings
        if name in BUILTIN_NAMES:
            return {f"builtins.{name}"}, False, []
        if name in MODULE_ATTRIBUTES or (name.startswith("__") and name.endswith("__")):
            return {f"{self.info.name}.{name}"}, False, []
        if self.star_modules:
            return {f"{module}.{name}" for module in self.star_modules}, False, []
        return {f"{self.info.name}.{name}"}, True, []

    def _owner(self, scope: _Scope, name: str) -> _Scope | None:
        """The scope whose binding of `name` a lookup from `scope` finds (Python's LEGB, class scopes skipped
        from nested functions)."""
        if name in scope.global_names:
            return self.module if name in self.module.bindings else None
        current: _Scope | None = scope
        first = True
        while current is not None:
            if (first or current.kind != "class") and name in current.bindings:
                return current
            first = False
            current = current.parent
        return None

    @staticmethod
    def _mark_used(imports: list[ImportBinding], chain: str) -> None:
        # `import a.b` and `import a.c` both bind `a`: `a.c.x` uses the import that loads `a.c`.
        specific = [
            b for b in imports
            if not b.is_from and not b.has_asname and "." in b.imported
            and (chain == b.imported or chain.startswith(b.imported + "."))
        ]
        for binding in specific or imports:
            binding.used += 1


def _qualname(scope: _Scope, name: str) -> str:
    if scope.kind == "module":
        return name
    if scope.kind == "class":
        return f"{scope.qualname}.{name}"
    return f"{scope.qualname}.<locals>.{name}"


def _all_args(args: ast.arguments) -> list[ast.arg]:
    found = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    if args.vararg is not None:
        found.append(args.vararg)
    if args.kwarg is not None:
        found.append(args.kwarg)
    return found


def _chains(node: ast.AST) -> Iterator[ast.expr]:
    """The Names and outermost attribute chains on a Name inside an expression."""
    stack: list[ast.AST] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, (ast.Name, ast.Attribute)):
            head = current
            while isinstance(head, ast.Attribute):
                head = head.value
            if isinstance(head, ast.Name):
                yield current  # type: ignore[misc]
                continue
            stack.append(head)
            continue
        stack.extend(ast.iter_child_nodes(current))


_OBJECT_ATTRIBUTE_CALLS = ("patch.object", "monkeypatch.setattr", "monkeypatch.delattr")
_ATTRIBUTE_BUILTINS = ("getattr", "hasattr", "setattr", "delattr")


def _is_object_attribute_call(call: ast.Call) -> bool:
    """`patch.object(obj, "name", ...)`-like: an object expression and a string naming an attribute of it."""
    if len(call.args) < 2:
        return False
    target, name = call.args[0], call.args[1]
    if not (isinstance(name, ast.Constant) and isinstance(name.value, str) and name.value.isidentifier()):
        return False
    if not isinstance(target, (ast.Name, ast.Attribute)):
        return False
    written = _dotted(call.func)
    if written is None:
        return False
    if written.removeprefix("builtins.") in _ATTRIBUTE_BUILTINS:
        return True
    return any(written == c or written.endswith("." + c) for c in _OBJECT_ATTRIBUTE_CALLS)


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _is_cast(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Name) and func.id == "cast") or (isinstance(func, ast.Attribute) and func.attr == "cast")


def _all_strings(value: ast.expr) -> Iterator[ast.Constant]:
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        for element in value.elts:
            yield from _all_strings(element)
    elif isinstance(value, ast.BinOp):
        yield from _all_strings(value.left)
        yield from _all_strings(value.right)
    elif isinstance(value, ast.Constant) and isinstance(value.value, str):
        yield value
