"""A cheap stdlib-`ast` look at one file: what it imports, its module-level bindings, its signatures.

The engine uses it to confirm a prefilter hit before the (much slower) libcst
parse; the repository index keeps one summary per module it needed.
"""

from __future__ import annotations

import ast
import re
from collections import deque
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Iterable, Iterator, Literal

from .modules import ModuleInfo, absolute_module

_CHAIN = re.compile(r"(?<![\w.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:[.:][A-Za-z_][A-Za-z0-9_]*)+$")

# Dunders that are part of how callers use an instance (calling, iterating, `with`, comparing, ...).
PROTOCOL_DUNDERS = frozenset(
    f"__{name}__"
    for name in (
        "call iter aiter next anext enter exit aenter aexit await len length_hint getitem setitem delitem contains "
        "missing bool eq ne lt le gt ge hash add sub mul truediv floordiv mod pow and or xor neg pos abs invert "
        "int float index bytes fspath reversed get set delete getattr"
    ).split()
)


def is_public(name: str) -> bool:
    """Whether a class member is part of what callers can rely on."""
    return not name.startswith("_") or name in PROTOCOL_DUNDERS


ParamKind = Literal["positional_only", "positional_or_keyword", "var_positional", "keyword_only", "var_keyword"]


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: ParamKind
    has_default: bool
    # The annotation's head as written (`Dict` for `Dict[str, Any]`, `Optional` for `X | None`), for drafting a
    # value a person confirms; not part of what the signature is.
    annotation: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Signature:
    """A function's parameters as `inspect.Signature.bind` would see them."""

    parameters: tuple[Parameter, ...]

    def bind_problems(
        self, positional: int, keywords: Iterable[str], *, star_args: bool = False, star_kwargs: bool = False
    ) -> list[str]:
        """Why a call with these arguments would raise TypeError (empty when it binds).

        With `*args`/`**kwargs` at the call the answer is unknowable for what they could
        supply; only problems they cannot hide are reported.
        """
        problems: list[str] = []
        keywords = list(keywords)
        params = self.parameters
        positional_params = [p for p in params if p.kind in ("positional_only", "positional_or_keyword")]
        has_var_positional = any(p.kind == "var_positional" for p in params)
        has_var_keyword = any(p.kind == "var_keyword" for p in params)
        if positional > len(positional_params) and not has_var_positional:
            problems.append(
                f"takes {len(positional_params)} positional argument{'s' if len(positional_params) != 1 else ''} "
                f"but {positional} were given"
            )
        filled = {p.name for p in positional_params[:positional]}
        by_name = {p.name: p for p in params}
        for keyword in keywords:
            param = by_name.get(keyword)
            if param is None or param.kind in ("positional_only", "var_positional", "var_keyword"):
                if not has_var_keyword:
                    problems.append(f"got an unexpected keyword argument {keyword!r}")
            elif keyword in filled:
                problems.append(f"got multiple values for argument {keyword!r}")
            else:
                filled.add(keyword)
        if not (star_args or star_kwargs):
            missing = [
                p.name for p in params
                if p.kind in ("positional_only", "positional_or_keyword", "keyword_only")
                and not p.has_default and p.name not in filled
            ]
            if missing:
                names = " and ".join(repr(m) for m in missing)
                problems.append(f"missing {len(missing)} required argument{'s' if len(missing) != 1 else ''}: {names}")
        return problems

    def describe(self) -> str:
        parts = []
        for p in self.parameters:
            text = {"var_positional": "*", "var_keyword": "**"}.get(p.kind, "") + p.name
            parts.append(text + ("=..." if p.has_default and p.kind not in ("var_positional", "var_keyword") else ""))
        return "(" + ", ".join(parts) + ")"


def _annotation_head(node: ast.expr | None) -> str | None:
    """`Dict[str, Any]` -> Dict, `typing.List[int]` -> List, `X | None`/`Optional[X]` -> Optional; cheap (no unparse)."""
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        text = node.value.split("[", 1)[0].strip()
        return text.rsplit(".", 1)[-1] or None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        if any(isinstance(side, ast.Constant) and side.value is None for side in (node.left, node.right)):
            return "Optional"
        return None
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    if isinstance(node, ast.Name):
        return node.id
    return None


def signature_of(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, *, drop_first: bool = False) -> Signature:
    args = node.args
    params: list[Parameter] = []
    positional = list(args.posonlyargs) + list(args.args)
    defaults_from = len(positional) - len(args.defaults)
    for position, arg in enumerate(positional):
        kind: ParamKind = "positional_only" if position < len(args.posonlyargs) else "positional_or_keyword"
        params.append(Parameter(arg.arg, kind, position >= defaults_from, _annotation_head(arg.annotation)))
    if args.vararg:
        params.append(Parameter(args.vararg.arg, "var_positional", True))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults):
        params.append(Parameter(arg.arg, "keyword_only", default is not None, _annotation_head(arg.annotation)))
    if args.kwarg:
        params.append(Parameter(args.kwarg.arg, "var_keyword", True))
    if drop_first and params and params[0].kind in ("positional_only", "positional_or_keyword"):
        params = params[1:]
    return Signature(tuple(params))


@dataclass(frozen=True)
class ImportedName:
    """A module-level name bound by an import; `fallback` when inside try/except ImportError.

    `handler` narrows `fallback` to the `except ImportError` branch: the binding
    that only exists when the guarded import failed.
    """

    local: str
    target: str
    line: int
    col: int
    fallback: bool
    is_module_import: bool
    handler: bool = False


@dataclass(frozen=True)
class Definition:
    """A module-level def/class/assignment."""

    name: str
    kind: Literal["function", "class", "variable"]
    line: int
    col: int
    fallback: bool = False
    signature: Signature | None = None
    bases: tuple[str, ...] = ()
    members: tuple[str, ...] = ()
    methods: tuple[tuple[str, Signature], ...] = ()
    # Methods decorated @staticmethod or @classmethod: callable on the class itself (`Class.method(...)`).
    class_level_methods: tuple[str, ...] = ()
    decorators: tuple[str, ...] = ()
    handler: bool = False
    # Every member of a class with what it is and its line: (name, kind, line); kind is one of
    # method, async method, property, classmethod, staticmethod, attribute, class, instance attribute.
    member_kinds: tuple[tuple[str, str, int], ...] = ()
    # A variable bound to a plain name or attribute chain (`Old = New`): that expression as written.
    value: str | None = None
    # Methods whose call signature is not their `def` (decorated, `@overload`ed, defined twice).
    opaque_methods: tuple[str, ...] = ()
    # A class statement's keywords (`metaclass=...`): its calls may not reach `__init__` as written.
    class_keywords: tuple[str, ...] = ()

    def method_signature(self, name: str) -> Signature | None:
        return next((signature for method, signature in self.methods if method == name), None)


@dataclass(frozen=True)
class ModuleSummary:
    """Module-level facts of one module, for the repository index."""

    module: str
    path: str
    is_package: bool
    imports: tuple[ImportedName, ...]
    definitions: tuple[Definition, ...]
    all_names: tuple[str, ...] | None
    star_imports: tuple[str, ...]
    all_line: int | None = None
    # Imports that run when the module is imported (module level, not under TYPE_CHECKING):
    # (module, names) for `from module import names`, (module, ()) for `import module`.
    runtime_imports: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Read from the bytes when audit scans the file: the module writes names it never binds statically
    # (`globals()[...] = `, `globals().update`, `sys.modules[__name__]`), reaches its caller's globals
    # (`f_globals`), or declares an old-style namespace package (pkg_resources/pkgutil).
    dynamic_names: bool = False
    writes_caller_globals: bool = False
    declares_namespace: bool = False
    # Lines of module-level imports marked as deliberate (`# noqa`, `import X as X`): re-exports by intent.
    reexport_lines: tuple[int, ...] = ()
    # Line ranges of module-level `if __name__ == "__main__":` blocks (demos, scripts).
    main_lines: tuple[tuple[int, int], ...] = ()

    def in_main_block(self, line: int) -> bool:
        return any(start <= line <= end for start, end in self.main_lines)

    def imports_of(self, name: str) -> list[ImportedName]:
        return list(self._imports_by_name.get(name, ()))

    def definitions_of(self, name: str) -> list[Definition]:
        return list(self._definitions_by_name.get(name, ()))

    @cached_property
    def bound_names(self) -> frozenset[str]:
        return frozenset([i.local for i in self.imports] + [d.name for d in self.definitions])

    # Built once per summary: the index asks these for every name it follows.
    @cached_property
    def _imports_by_name(self) -> dict[str, tuple[ImportedName, ...]]:
        by_name: dict[str, list[ImportedName]] = {}
        for imported in self.imports:
            by_name.setdefault(imported.local, []).append(imported)
        return {name: tuple(items) for name, items in by_name.items()}

    @cached_property
    def _definitions_by_name(self) -> dict[str, tuple[Definition, ...]]:
        by_name: dict[str, list[Definition]] = {}
        for definition in self.definitions:
            by_name.setdefault(definition.name, []).append(definition)
        return {name: tuple(items) for name, items in by_name.items()}


@dataclass(frozen=True)
class ImportSite:
    """One import of a module or of a name from a module, in any scope, where it is written.

    `line`/`col` locate the imported name (or module), `statement_line`/`statement_col`
    the statement. `module` is absolute (None when a relative import climbs above
    the top-level package); `name` is the imported name of a `from` import (`*`
    for a star import) and None for `import module`. `guarded`: inside a `try`
    whose handlers catch ImportError (its body or those handlers);
    `type_checking`: under `if TYPE_CHECKING:`; `interpreter_gated`: under an
    `if` on `sys.version_info`, `sys.platform` or `os.name`.
    """

    line: int
    col: int
    module: str | None
    name: str | None
    written: str
    guarded: bool
    type_checking: bool
    statement_line: int
    statement_col: int
    interpreter_gated: bool = False


@dataclass(frozen=True)
class CallSite:
    """A call whose callee this file's own bindings name: `target` is that qualified name.

    Module-level names of a module are written `module.name` (the index follows
    its imports and fallbacks); names bound in a function by anything but an
    import are left out (their meaning is not static).
    """

    target: str
    line: int
    col: int
    positional: int
    keywords: tuple[str, ...]
    star_args: bool
    star_kwargs: bool
    # The first positional argument when it is a string literal (`mock.patch("pkg.mod.name")`).
    string_argument: str | None = None
    # False when the callee is not bound statically (a fixture parameter such as `monkeypatch`):
    # then `target` is the call as written, and the site is kept only for its string argument.
    resolved: bool = True
    # Inside `with pytest.raises(...)`/`self.assertRaises(...)` or a `with patch...` block: the call is
    # meant to fail, or reaches a patched stand-in.
    expects_failure: bool = False


@dataclass(frozen=True)
class ImportUse:
    """One name bound by an import anywhere in a file (any scope), as plain strings.

    `imported` is what the alias imports (`import a.b` -> `a.b`, `from m import n` -> `m.n`),
    `bound` what `local` refers to (`import a.b` binds `a` to `a`; `import a.b as x` binds
    `x` to `a.b`); `from_module` is the absolute module of a `from` import. A star import
    has `local == "*"`; `aliased` says the import has an `as` clause.
    """

    local: str
    imported: str
    bound: str
    from_module: str | None = None
    aliased: bool = False


@dataclass(frozen=True)
class FileScan:
    """What one file imports (any scope), which dotted strings and attribute chains it holds.

    With `sites=True`, also every import statement and resolvable call with its position.
    """

    parsed: bool
    imported: frozenset[str] = frozenset()
    star_modules: frozenset[str] = frozenset()
    strings: frozenset[str] = frozenset()
    summary: ModuleSummary | None = None
    error: tuple[int, int, str] | None = None
    import_sites: tuple[ImportSite, ...] = ()
    call_sites: tuple[CallSite, ...] = ()
    path: str = ""
    uses: frozenset[ImportUse] = frozenset()
    # Name-rooted attribute chains as written (`a.b.c`), and `obj.name` for calls such as
    # `patch.object(obj, "name")` whose second argument is a string.
    chains: frozenset[str] = frozenset()
    # False for a scan of the statements only (imports and the summary): no strings, no chains.
    expressions: bool = True
    # (CODE, message) pairs of string literals written together (`f("AUTH_FAILED", "Authentication failed")`,
    # `("AUTH_FAILED", "Authentication failed")`): how this repository pairs error codes with messages.
    code_pairs: frozenset[tuple[str, str]] = frozenset()


# Generated code can nest deeper than the parser (or a tree walk) can recurse.
TOO_DEEP = (1, 1, "too deeply nested to parse")


def character_column(prefix: bytes) -> int:
    """The 1-based character column (libcst's, a person's) after `prefix`, the UTF-8 bytes of a line before a
    position (`ast` gives byte offsets)."""
    return (len(prefix) if prefix.isascii() else len(prefix.decode("utf-8", "replace"))) + 1


def parse_tree(data: bytes, path: str) -> ast.Module | tuple[int, int, str]:
    """The stdlib syntax tree of a file, or (line, col, message) when it does not parse."""
    try:
        return ast.parse(data, filename=path, type_comments=False)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None) or 1
        col = getattr(exc, "offset", None) or 1
        return (line, col, getattr(exc, "msg", str(exc)))
    except RecursionError:
        return TOO_DEEP


def scan_source(
    data: bytes,
    info: ModuleInfo | None,
    path: str,
    *,
    sites: bool = False,
    summary: bool = True,
    expressions: bool = True,
    markers: bool = False,
    member_kinds: bool = True,
) -> FileScan:
    """`markers`: also read the summary's byte-level markers (dynamic globals, deliberate re-exports), as a scan
    with `sites` does."""
    tree = parse_tree(data, path)
    if isinstance(tree, tuple):
        return FileScan(parsed=False, error=tree, path=path, expressions=expressions)
    scan = scan_tree(tree, info, path, summary=summary, expressions=expressions, sites_of=data if sites else None,
                     member_kinds=member_kinds)
    if markers and not sites and scan.summary is not None:
        scan = replace(scan, summary=_dynamic_markers(scan.summary, data))
    return scan


def scan_tree(
    tree: ast.Module,
    info: ModuleInfo | None,
    path: str,
    *,
    summary: bool = True,
    expressions: bool = True,
    sites_of: bytes | None = None,
    member_kinds: bool = True,
) -> FileScan:
    """`expressions=False` visits statements only (imports anywhere, the summary): several times
    cheaper. `sites_of` (the file's bytes) also collects import and call sites."""
    try:
        return _scan_tree(tree, info, path, summary, expressions, sites_of, member_kinds)
    except RecursionError:
        return FileScan(parsed=False, error=TOO_DEEP, path=path, expressions=expressions)


def _scan_tree(
    tree: ast.Module, info: ModuleInfo | None, path: str, summary: bool, expressions: bool, sites_of: bytes | None,
    member_kinds: bool = True,
) -> FileScan:
    # One traversal either way: the site collector does the plain collector's work too.
    collector = _SiteCollector(info, sites_of) if sites_of is not None else _Collector(info)
    if expressions or sites_of is not None:
        collector.visit(tree)
    else:
        collector.imports_in(tree.body)
    import_sites: tuple[ImportSite, ...] = ()
    call_sites: tuple[CallSite, ...] = ()
    if isinstance(collector, _SiteCollector):
        import_sites, call_sites = tuple(collector.imports), collector.resolved_calls()
    module_summary = _summarize(tree, info, path, member_kinds) if summary and info is not None else None
    if module_summary is not None and sites_of is not None:
        module_summary = _dynamic_markers(module_summary, sites_of)
    return FileScan(
        parsed=True,
        imported=frozenset(collector.imported),
        star_modules=frozenset(collector.star_modules),
        strings=frozenset(collector.strings),
        summary=module_summary,
        import_sites=import_sites,
        call_sites=call_sites,
        path=path,
        uses=frozenset(collector.uses),
        chains=frozenset(collector.chains),
        expressions=expressions or sites_of is not None,
        code_pairs=frozenset(getattr(collector, "code_pairs", ())),
    )


_DYNAMIC_GLOBALS = re.compile(rb"\bglobals\(\)\s*(?:\[|\.update\b|\.setdefault\b)|\bsys\.modules\[__name__\]|\bvars\(\)\.update\b")
_CALLER_GLOBALS = re.compile(rb"\bf_globals\b")
_NAMESPACE_DECLARATION = re.compile(rb"\bdeclare_namespace\(|\bextend_path\(")


_ERROR_CODE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_NOQA = re.compile(rb"#\s*noqa", re.IGNORECASE)
# The bytes an identifier is made of (its UTF-8 when it is not ASCII).
_NAME_RUN = re.compile(rb"[A-Za-z0-9_\x80-\xff]*")


def _words_after_as(data: bytes) -> set[bytes]:
    """The identifier-like run of bytes after each ` as ` (overlapping ones too): a name follows some ` as `
    exactly when it starts one of these."""
    words = set()
    at = data.find(b" as ")
    while at >= 0:
        words.add(_NAME_RUN.match(data, at + 4).group())  # type: ignore[union-attr]
        at = data.find(b" as ", at + 1)
    return words


def _dynamic_markers(summary: ModuleSummary, data: bytes) -> ModuleSummary:
    # Substring tests first: the regular expressions run only on the few files that can match.
    dynamic = (b"globals()" in data or b"sys.modules[" in data or b"vars()" in data) and \
        _DYNAMIC_GLOBALS.search(data) is not None
    caller = b"f_globals" in data and _CALLER_GLOBALS.search(data) is not None
    namespace = summary.is_package and _NAMESPACE_DECLARATION.search(data) is not None
    reexports: tuple[int, ...] = ()
    if summary.imports and (b"noqa" in data or b"NOQA" in data or b"NoQA" in data) and _NOQA.search(data):
        lines = data.splitlines()
        reexports = tuple(sorted({
            i.line for i in summary.imports
            if 0 < i.line <= len(lines) and _NOQA.search(lines[i.line - 1])
        }))
    # `from m import x as x` (a deliberate re-export): `x` starts what follows some ` as ` of the file. The words
    # after each ` as ` are found once, not the file searched once per import.
    after = _words_after_as(data) if b" as " in data else ()
    if after:
        reexports += tuple(
            i.line for i in summary.imports
            if not i.is_module_import and i.target.rsplit(".", 1)[-1] == i.local
            and any(word.startswith(local) for local in (i.local.encode(),) for word in after)
        )
    if not (dynamic or caller or namespace or reexports):
        return summary
    return replace(summary, dynamic_names=dynamic, writes_caller_globals=caller, declares_namespace=namespace,
                   reexport_lines=reexports)


class _Collector(ast.NodeVisitor):
    def __init__(self, info: ModuleInfo | None) -> None:
        self.info = info
        self.imported: set[str] = set()
        self.star_modules: set[str] = set()
        self.strings: set[str] = set()
        self.uses: set[ImportUse] = set()
        self.chains: set[str] = set()

    def imports_in(self, statements: list[ast.stmt]) -> None:
        """The imports of these statements and of every statement nested in them."""
        for statement in statements:
            if isinstance(statement, ast.Import):
                self.visit_Import(statement)
            elif isinstance(statement, ast.ImportFrom):
                self.visit_ImportFrom(statement)
            else:
                for name in ("body", "orelse", "finalbody"):
                    inner = getattr(statement, name, None)
                    if isinstance(inner, list):
                        self.imports_in(inner)
                for clause in (*getattr(statement, "handlers", ()), *getattr(statement, "cases", ())):
                    self.imports_in(clause.body)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.imported.add(alias.name)
            if alias.asname:
                self.uses.add(ImportUse(alias.asname, alias.name, alias.name, aliased=True))
            else:
                root = alias.name.split(".")[0]
                self.uses.add(ImportUse(root, alias.name, root))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = _absolute(self.info, node)
        if module is None:
            return
        for alias in node.names:
            if alias.name == "*":
                self.star_modules.add(module)
                self.uses.add(ImportUse("*", f"{module}.*", module, module))
            else:
                self.imported.add(f"{module}.{alias.name}")
                target = f"{module}.{alias.name}"
                self.uses.add(ImportUse(alias.asname or alias.name, target, target, module, alias.asname is not None))

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        if isinstance(value, str) and len(value) < 300:
            if _DOTTED.match(value):
                self.strings.add(value.replace(":", "."))
            elif "." in value:
                # A string annotation (`"te.TypeGuard[int]"`) holds chains too; prose only adds a few extra.
                self.chains.update(_CHAIN.findall(value))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        dotted = _dotted(node)
        if dotted is None:
            self.generic_visit(node)
        else:
            # A chain holds nothing else worth visiting.
            self.chains.add(dotted)

    def visit_Call(self, node: ast.Call) -> None:
        args = node.args
        if len(args) >= 2 and isinstance(args[1], ast.Constant) and isinstance(args[1].value, str):
            base = _dotted(args[0])
            if base is not None and args[1].value.isidentifier():
                self.chains.add(f"{base}.{args[1].value}")
        self.generic_visit(node)


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _absolute(info: ModuleInfo | None, node: ast.ImportFrom) -> str | None:
    if node.level == 0:
        return node.module
    if info is None:
        return None
    return absolute_module(info, node.level, node.module)


def _is_import_error_handler(handler: ast.ExceptHandler) -> bool:
    names: list[ast.expr] = []
    if handler.type is None:
        return True
    names = list(handler.type.elts) if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(
        isinstance(n, (ast.Name, ast.Attribute))
        and (n.id if isinstance(n, ast.Name) else n.attr) in ("ImportError", "ModuleNotFoundError", "Exception")
        for n in names
    )


def _summarize(tree: ast.Module, info: ModuleInfo, path: str, member_kinds: bool = True) -> ModuleSummary:
    imports: list[ImportedName] = []
    definitions: list[Definition] = []
    stars: list[str] = []
    all_names: list[str] | None = None
    all_line: int | None = None
    # `__all__` built from anything but literal strings (`+ other.__all__`): its content is unknown.
    all_dynamic = False

    def walk(statements: list[ast.stmt], fallback: bool, handler: bool = False) -> None:
        nonlocal all_names, all_line, all_dynamic
        for stmt in statements:
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.asname:
                        imports.append(
                            ImportedName(alias.asname, alias.name, stmt.lineno, stmt.col_offset + 1, fallback, True, handler)
                        )
                    else:
                        root = alias.name.split(".")[0]
                        imports.append(ImportedName(root, root, stmt.lineno, stmt.col_offset + 1, fallback, True, handler))
            elif isinstance(stmt, ast.ImportFrom):
                module = _absolute(info, stmt)
                if module is None:
                    continue
                for alias in stmt.names:
                    if alias.name == "*":
                        stars.append(module)
                    else:
                        imports.append(
                            ImportedName(alias.asname or alias.name, f"{module}.{alias.name}", stmt.lineno,
                                         stmt.col_offset + 1, fallback, False, handler)
                        )
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                definitions.append(
                    Definition(
                        stmt.name, "function", stmt.lineno, stmt.col_offset + 1, fallback, signature_of(stmt),
                        decorators=_decorator_names(stmt), handler=handler,
                    )
                )
            elif isinstance(stmt, ast.ClassDef):
                definitions.append(_class_definition(stmt, fallback, handler, member_kinds))
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    for name in _target_names(target):
                        if name == "__all__":
                            all_line = all_line or stmt.lineno
                            names = _string_list(stmt.value)
                            if names is None:
                                all_dynamic = True
                            elif isinstance(stmt, ast.AugAssign):
                                all_names = (all_names or []) + names
                            else:
                                all_names = names
                            continue
                        signature = signature_of(stmt.value) if isinstance(getattr(stmt, "value", None), ast.Lambda) else None
                        definitions.append(
                            Definition(
                                name, "variable", stmt.lineno, stmt.col_offset + 1, fallback, signature, handler=handler,
                                value=_dotted_source(stmt.value) if not isinstance(stmt, ast.AugAssign) else None,
                            )
                        )
            elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
                call = stmt.value
                if (
                    isinstance(call.func, ast.Attribute)
                    and isinstance(call.func.value, ast.Name)
                    and call.func.value.id == "__all__"
                    and call.func.attr in ("extend", "append")
                    and call.args
                ):
                    extra = _string_list(call.args[0]) if call.func.attr == "extend" else _string_list(ast.List([call.args[0]]))
                    all_dynamic = all_dynamic or extra is None
                    all_names = (all_names or []) + (extra or [])
            elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
                is_fallback = any(_is_import_error_handler(h) for h in stmt.handlers)  # type: ignore[attr-defined]
                walk(stmt.body, fallback or is_fallback, handler)  # type: ignore[attr-defined]
                for except_handler in stmt.handlers:  # type: ignore[attr-defined]
                    walk(except_handler.body, fallback or is_fallback, handler or is_fallback)
                walk(stmt.orelse, fallback, handler)  # type: ignore[attr-defined]
                walk(stmt.finalbody, fallback, handler)  # type: ignore[attr-defined]
            elif isinstance(stmt, ast.If):
                walk(stmt.body, fallback, handler)
                walk(stmt.orelse, fallback, handler)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                walk(stmt.body, fallback, handler)

    walk(tree.body, False)
    main_lines = tuple(
        (stmt.lineno, stmt.end_lineno or stmt.lineno) for stmt in tree.body
        if isinstance(stmt, ast.If) and "__name__" in ast.unparse(stmt.test) and "__main__" in ast.unparse(stmt.test)
    )
    return ModuleSummary(
        main_lines=main_lines,
        module=info.name,
        path=path,
        is_package=info.is_package,
        imports=tuple(imports),
        definitions=tuple(definitions),
        all_names=tuple(all_names) if all_names is not None and not all_dynamic else None,
        star_imports=tuple(stars),
        all_line=all_line,
        runtime_imports=tuple(_runtime_imports(tree.body, info)),
    )


def _decorator_names(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> tuple[str, ...]:
    """Each decorator as written, without call arguments (`functools.lru_cache(maxsize=2)` -> `functools.lru_cache`)."""
    return tuple(ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list)


def _class_definition(stmt: ast.ClassDef, fallback: bool, handler: bool = False, kinds: bool = True) -> Definition:
    """`kinds=False` leaves `member_kinds` empty (what each member is: collapse-class and the API matrices read it,
    audit does not)."""
    members: list[str] = []
    methods: list[tuple[str, Signature]] = []
    class_level: list[str] = []
    opaque: list[str] = []
    for item in stmt.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if item.name in members or any(
                _decorator_leaf(d) not in ("staticmethod", "classmethod") for d in item.decorator_list
            ):
                opaque.append(item.name)
            members.append(item.name)
            decorators = {d.id for d in item.decorator_list if isinstance(d, ast.Name)}
            is_static = "staticmethod" in decorators
            methods.append((item.name, signature_of(item, drop_first=not is_static)))
            if decorators & {"staticmethod", "classmethod"}:
                class_level.append(item.name)
        elif isinstance(item, (ast.Assign, ast.AnnAssign)):
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            for target in targets:
                members.extend(_target_names(target))
    bases = tuple(ast.unparse(base) for base in stmt.bases)
    return Definition(
        stmt.name, "class", stmt.lineno, stmt.col_offset + 1, fallback,
        bases=bases, members=tuple(dict.fromkeys(members)), methods=tuple(methods),
        class_level_methods=tuple(class_level),
        decorators=_decorator_names(stmt), handler=handler,
        member_kinds=_member_kinds(stmt) if kinds else (),
        opaque_methods=tuple(dict.fromkeys(opaque)),
        class_keywords=tuple(k.arg or "**" for k in stmt.keywords),
    )


_MEMBER_DECORATORS = {
    "property": "property", "cached_property": "property", "classmethod": "classmethod",
    "staticmethod": "staticmethod", "abstractproperty": "property",
}


def _member_kinds(stmt: ast.ClassDef) -> tuple[tuple[str, str, int], ...]:
    """What each member of a class is (first definition wins: overloads and setters add nothing)."""
    kinds: dict[str, tuple[str, str, int]] = {}
    functions: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for item in stmt.body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append(item)
            decorated = [_MEMBER_DECORATORS.get(_decorator_leaf(d), "") for d in item.decorator_list]
            kind = next((k for k in decorated if k), "async method" if isinstance(item, ast.AsyncFunctionDef) else "method")
            kinds.setdefault(item.name, (item.name, kind, item.lineno))
        elif isinstance(item, (ast.Assign, ast.AnnAssign)):
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            for target in targets:
                for name in _target_names(target):
                    kinds.setdefault(name, (name, "attribute", item.lineno))
        elif isinstance(item, ast.ClassDef):
            kinds.setdefault(item.name, (item.name, "class", item.lineno))
    # State set on instances: `self.x = ...` in any method.
    for function in functions:
        if not function.args.args:
            continue
        receiver = function.args.args[0].arg
        for node in _statements(function):
            targets: list[ast.expr] = []
            if isinstance(node, ast.Assign):
                targets = list(node.targets)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                targets = [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == receiver:
                    kinds.setdefault(target.attr, (target.attr, "instance attribute", node.lineno))
    return tuple(kinds.values())


_BLOCK_NODES = (ast.stmt, ast.excepthandler, ast.match_case)


def _statements(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The statements below `function`, in `ast.walk` order, without descending into expressions
    (an assignment is always a statement; expressions are most of the nodes)."""
    todo: deque[ast.AST] = deque([function])
    while todo:
        node = todo.popleft()
        for name in node._fields:
            value = getattr(node, name, None)
            if type(value) is list:
                todo.extend(item for item in value if isinstance(item, _BLOCK_NODES))
        yield node


def _decorator_leaf(decorator: ast.expr) -> str:
    """`functools.cached_property` -> cached_property; `name.setter` -> setter; calls by their callee."""
    if isinstance(decorator, ast.Call):
        decorator = decorator.func
    if isinstance(decorator, ast.Attribute):
        return decorator.attr
    return decorator.id if isinstance(decorator, ast.Name) else ""


def _dotted_source(value: ast.expr | None) -> str | None:
    if isinstance(value, (ast.Name, ast.Attribute)):
        text = ast.unparse(value)
        return text if all(part.isidentifier() for part in text.split(".")) else None
    return None


def _runtime_imports(statements: list[ast.stmt], info: ModuleInfo) -> list[tuple[str, tuple[str, ...]]]:
    """Module-level imports that run at import time: into if/try/with blocks, not under TYPE_CHECKING."""
    found: list[tuple[str, tuple[str, ...]]] = []
    for stmt in statements:
        if isinstance(stmt, ast.Import):
            found.extend((alias.name, ()) for alias in stmt.names)
        elif isinstance(stmt, ast.ImportFrom):
            module = _absolute(info, stmt)
            if module is not None:
                found.append((module, tuple(alias.name for alias in stmt.names if alias.name != "*")))
        elif isinstance(stmt, ast.If):
            if not _is_type_checking(stmt.test):
                found.extend(_runtime_imports(stmt.body, info))
            found.extend(_runtime_imports(stmt.orelse, info))
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            for block in (stmt.body, *(h.body for h in stmt.handlers), stmt.orelse, stmt.finalbody):  # type: ignore[attr-defined]
                found.extend(_runtime_imports(block, info))
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            found.extend(_runtime_imports(stmt.body, info))
    return found


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [n for element in target.elts for n in _target_names(element)]
    return []


def _string_list(value: ast.expr | None) -> list[str] | None:
    """The strings of a literal list/tuple/set, or a `+` of them; None when any part is not a literal string."""
    if isinstance(value, (ast.List, ast.Tuple, ast.Set)):
        if all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts):
            return [e.value for e in value.elts]  # type: ignore[attr-defined]
        return None
    if isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add):
        left, right = _string_list(value.left), _string_list(value.right)
        return left + right if left is not None and right is not None else None
    return None


# -- sites: every import and every statically named call, for `audit` --------------------------------


class _Scope:
    """Names one scope binds: an import maps to its target, anything else to None (not static)."""

    __slots__ = ("kind", "bindings", "declared")

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.bindings: dict[str, str | None] = {}
        self.declared: set[str] = set()

    def bind(self, name: str, target: str | None) -> None:
        if name in self.bindings and self.bindings[name] != target:
            target = None  # bound two different ways: not static
        self.bindings[name] = target


def _parameter_names(args: ast.arguments) -> list[str]:
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return names


def _is_interpreter_check(test: ast.expr) -> bool:
    """`if sys.version_info < (3,)`, `if sys.platform == "win32"`, `if os.name == "nt"` and combinations."""
    # Through the shapes such a test has (and/or/not, comparisons, subscripts, `sys.platform.startswith(...)`),
    # not `ast.walk`: every `if` of a file asks.
    todo = [test]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and (node.value.id, node.attr) in _INTERPRETER_ATTRIBUTES:
                return True
            todo.append(node.value)
        elif isinstance(node, ast.BoolOp):
            todo.extend(node.values)
        elif isinstance(node, ast.Compare):
            todo.append(node.left)
            todo.extend(node.comparators)
        elif isinstance(node, ast.UnaryOp):
            todo.append(node.operand)
        elif isinstance(node, ast.Subscript):
            todo.append(node.value)
        elif isinstance(node, ast.Call):
            todo.append(node.func)
            todo.extend(node.args)
    return False


_INTERPRETER_ATTRIBUTES = frozenset({("sys", "version_info"), ("sys", "platform"), ("os", "name")})


def _expects_failure(expr: ast.expr) -> bool:
    """`pytest.raises(...)`, `self.assertRaises*(...)`, `patch(...)`/`patch.object(...)`/`mock.patch.dict(...)`."""
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    names = []
    while isinstance(func, ast.Attribute):
        names.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        names.append(func.id)
    return any(n in ("raises", "patch", "assertRaises", "assertRaisesMessage", "assertRaisesRegex", "assertRaisesRegexp")
               for n in names)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


# Fields of a node that hold no node worth visiting: the load/store context and the operators (no children, no
# `visit_` method of the site collector).
_LEAF_FIELDS = frozenset({"ctx", "op", "ops"})
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


class _SiteCollector(_Collector):
    """Import statements and calls with positions, in one traversal.

    Calls are resolved after the walk, when every scope's bindings are known (a
    name assigned anywhere in a function is local to all of it). A module's own
    names resolve to `module.name` so the index can follow its fallbacks and
    re-exports; comprehension targets count as bindings of the enclosing scope,
    which can only hide a call, never misname one.
    """

    # One method per node class, looked up once per collector class (`NodeVisitor.visit` builds the
    # method name and calls getattr for each of a file's tens of thousands of nodes).
    _methods: dict[type, object] = {}

    def visit(self, node: ast.AST) -> object:
        method = self._methods.get(type(node))
        if method is None:
            method = getattr(type(self), "visit_" + type(node).__name__, None) or type(self).generic_visit
            self._methods[type(node)] = method
        return method(self, node)  # type: ignore[operator]

    def generic_visit(self, node: ast.AST) -> None:
        fields = _CHILD_FIELDS.get(type(node))
        if fields is None:
            fields = _CHILD_FIELDS[type(node)] = tuple(f for f in node._fields if f not in _LEAF_FIELDS)
        for name in fields:
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST):
                        self.visit(item)
            elif isinstance(value, ast.AST):
                self.visit(value)

    def visit_Constant(self, node: ast.Constant) -> None:
        """Audit reads no strings but a call's first argument (taken from the call itself)."""

    def visit_Attribute(self, node: ast.Attribute) -> None:
        """Audit reads no attribute chains: only what is not a plain `a.b.c` chain is visited (a call, a subscript)."""
        value = node.value
        while type(value) is ast.Attribute:
            value = value.value
        if type(value) is not ast.Name:
            self.generic_visit(node)

    def __init__(self, info: ModuleInfo | None, data: bytes) -> None:
        super().__init__(info)
        self.lines = data.splitlines()
        self.scopes: list[_Scope] = [_Scope("module")]
        # The scopes as a tuple, rebuilt when one is entered or left: every call in a scope shares it.
        self._chain: tuple[_Scope, ...] = tuple(self.scopes)
        self.guarded = 0
        self.type_checking = 0
        self.interpreter_gated = 0
        self.expecting_failure = 0
        self.code_pairs: set[tuple[str, str]] = set()
        self.imports: list[ImportSite] = []
        # (scopes, head, attributes, node, expects_failure) of each call whose callee starts with a name.
        self.calls: list[tuple[tuple[_Scope, ...], str, tuple[str, ...], ast.Call, bool]] = []

    def _column(self, line: int, offset: int) -> int:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else b""
        return character_column(text[:offset])

    # -- scopes -------------------------------------------------------------------------------

    def _bind(self, name: str, target: str | None = None) -> None:
        self.scopes[-1].bind(name, target)

    def _enter(self, kind: str, body: Iterable[ast.AST], parameters: Iterable[str] = ()) -> None:
        scope = _Scope(kind)
        for name in parameters:
            scope.bind(name, None)
        self.scopes.append(scope)
        outer, self._chain = self._chain, tuple(self.scopes)
        for child in body:
            self.visit(child)
        self.scopes.pop()
        self._chain = outer

    def _visit_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._bind(node.name)
        for expr in (*node.decorator_list, *node.args.defaults, *[d for d in node.args.kw_defaults if d is not None]):
            self.visit(expr)
        self._enter("function", node.body, _parameter_names(node.args))

    visit_FunctionDef = _visit_function
    visit_AsyncFunctionDef = _visit_function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for expr in (*node.args.defaults, *[d for d in node.args.kw_defaults if d is not None]):
            self.visit(expr)
        self._enter("function", [node.body], _parameter_names(node.args))

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._bind(node.name)
        for expr in (*node.decorator_list, *node.bases, *node.keywords):
            self.visit(expr)
        self._enter("class", node.body)

    def visit_Name(self, node: ast.Name) -> None:
        if not isinstance(node.ctx, ast.Load):
            self._bind(node.id)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._bind(node.name)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        self.scopes[-1].declared.update(node.names)

    visit_Nonlocal = visit_Global

    def visit_MatchAs(self, node: ast.AST) -> None:
        if getattr(node, "name", None):
            self._bind(node.name)  # type: ignore[attr-defined]
        self.generic_visit(node)

    visit_MatchStar = visit_MatchAs

    def visit_MatchMapping(self, node: ast.AST) -> None:
        if getattr(node, "rest", None):
            self._bind(node.rest)  # type: ignore[attr-defined]
        self.generic_visit(node)

    def visit_Try(self, node: ast.Try) -> None:
        # The body and the `except ImportError` branches are both fallback territory:
        # whichever import fails there is handled (or is the last resort) at runtime.
        guarded = any(_is_import_error_handler(h) for h in node.handlers)
        self.guarded += guarded
        for part in (*node.body, *node.handlers):
            self.visit(part)
        self.guarded -= guarded
        for stmt in (*node.orelse, *node.finalbody):
            self.visit(stmt)

    visit_TryStar = visit_Try

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        lenient = any(_expects_failure(item.context_expr) for item in node.items)
        for item in node.items:
            self.visit(item)
        self.expecting_failure += lenient
        for stmt in node.body:
            self.visit(stmt)
        self.expecting_failure -= lenient

    visit_AsyncWith = visit_With

    def visit_If(self, node: ast.If) -> None:
        self.visit(node.test)
        checking = _is_type_checking(node.test)
        gated = _is_interpreter_check(node.test)
        self.type_checking += checking
        self.interpreter_gated += gated
        for stmt in node.body:
            self.visit(stmt)
        self.type_checking -= checking
        for stmt in node.orelse:
            self.visit(stmt)
        self.interpreter_gated -= gated

    # -- sites --------------------------------------------------------------------------------

    def _site(
        self, statement: ast.stmt, node: ast.stmt | ast.alias, module: str | None, name: str | None, written: str
    ) -> None:
        self.imports.append(
            ImportSite(
                node.lineno, self._column(node.lineno, node.col_offset), module, name, written,
                self.guarded > 0, self.type_checking > 0,
                statement.lineno, self._column(statement.lineno, statement.col_offset), self.interpreter_gated > 0,
            )
        )

    def visit_Import(self, node: ast.Import) -> None:
        super().visit_Import(node)
        for alias in node.names:
            self._site(node, alias, alias.name, None, alias.name)
            if alias.asname:
                self._bind(alias.asname, alias.name)
            else:
                root = alias.name.split(".")[0]
                self._bind(root, root)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        super().visit_ImportFrom(node)
        module = _absolute(self.info, node)
        written = "." * node.level + (node.module or "")
        for alias in node.names:
            self._site(node, node if alias.name == "*" else alias, module, alias.name, written)
            if alias.name != "*":
                self._bind(alias.asname or alias.name, f"{module}.{alias.name}" if module else None)

    def _pair(self, elements: list[ast.expr]) -> None:
        if len(elements) >= 2:
            code, message = elements[0], elements[1]
            if (isinstance(code, ast.Constant) and isinstance(code.value, str) and _ERROR_CODE.match(code.value)
                    and isinstance(message, ast.Constant) and isinstance(message.value, str)):
                self.code_pairs.add((code.value, message.value))

    def visit_Tuple(self, node: ast.Tuple) -> None:
        if len(node.elts) == 2:
            self._pair(node.elts)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        self._pair(node.args)
        func = node.func
        attributes: list[str] = []
        while isinstance(func, ast.Attribute):
            attributes.append(func.attr)
            func = func.value
        if isinstance(func, ast.Name):
            attributes.reverse()
            self.calls.append((self._chain, func.id, tuple(attributes), node, self.expecting_failure > 0))
        self.generic_visit(node)

    def resolved_calls(self) -> tuple[CallSite, ...]:
        out = []
        for scopes, name, attributes, node, expects_failure in self.calls:
            first = node.args[0] if node.args else None
            string = first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None
            head = self._lookup(scopes, name)
            if head is None and (string is None or not attributes):
                continue
            out.append(
                CallSite(
                    ".".join([head or name, *attributes]), node.lineno, self._column(node.lineno, node.col_offset),
                    sum(1 for a in node.args if not isinstance(a, ast.Starred)),
                    tuple(k.arg for k in node.keywords if k.arg is not None),
                    any(isinstance(a, ast.Starred) for a in node.args),
                    any(k.arg is None for k in node.keywords),
                    string, head is not None, expects_failure,
                )
            )
        return tuple(out)

    def _lookup(self, scopes: tuple[_Scope, ...], name: str) -> str | None:
        innermost = len(scopes) - 1
        for depth in range(innermost, -1, -1):
            scope = scopes[depth]
            if scope.kind == "class" and depth != innermost:
                continue  # a class body's names are not visible in its methods
            if name in scope.declared:
                continue
            if name in scope.bindings:
                if scope.kind == "module" and self.info is not None:
                    return f"{self.info.name}.{name}"
                return scope.bindings[name]
        return None
