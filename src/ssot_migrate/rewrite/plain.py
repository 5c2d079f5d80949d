"""rename-import on the plain shapes of a file, from the stdlib `ast` alone (no libcst parse, no scope metadata).

A package move touches hundreds of files whose every edit is one of two shapes:

- `from old.sub import x` -> `from new.sub import x` (only the module path of the statement changes);
- `from parent import old` -> `from parent import new`, and every use of the local name `old` -> `new`, where
  the file binds `old` exactly once (that import, at module level, or in a function whose body holds every use)
  and never mentions `new`.

For such a file the libcst path (`ReferenceRewriter`) writes exactly these edits and reports nothing; this module
writes the same bytes and the same edit positions by splicing the file's text at the positions `ast` gives. Any
other shape, or anything the libcst path could act on or report (another relation to a rule, a re-export that
keeps working, a string that names or may build an old path, a string annotation, `__all__`, `match`, a name
inside an f-string, a coding cookie, a `\\r`), returns None and the file takes the libcst path. The result is then
verified like any other rewrite (engine `_finish`): a mistake here is refused, never written.

`SSOT_MIGRATE_LIBCST_ALWAYS=1` turns this path off (every edit through libcst); the tests plan the same shapes
both ways and require byte-identical plans.
"""

from __future__ import annotations

import ast
import io
import os
import re
import tokenize
from dataclasses import dataclass
from typing import Iterable, Sequence

from ..modules import ModuleInfo, absolute_module
from ..names import is_dotted_under
from ..scan import character_column
from .rules import ModuleFacts, RenameRule, match_rule
from .dotted import dotted_string_note, names_in_text, rewrite_dotted_string

OFF_ENV = "SSOT_MIGRATE_LIBCST_ALWAYS"
_IDENTIFIER = re.compile(rb"[A-Za-z0-9_]")
# A PEP 263 cookie on one of the first two lines (libcst then decodes and re-encodes the file).
_COOKIE = re.compile(rb"^[ \t\f]*#.*?coding[:=]", re.MULTILINE)
# Fields that can hold a name a node binds (parameters, definitions, `except ... as`, match captures, type params);
# `keyword.arg` is not a binding but is counted too: erring towards the libcst path is always safe.
_BINDING_FIELDS = ("id", "name", "asname", "arg", "rest")
_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")
_HINT_CALLS = frozenset({"cast", "TypeVar", "NewType"})
# Where a string literal stands.
_ARGUMENT = "argument"  # a call's argument, or part of a built string (`+`, `%`, an f-string): all checks apply
_PROSE = "prose"  # a string statement (a docstring): never an annotation, an argument or an `__all__` entry
_ELSEWHERE = "elsewhere"


@dataclass(frozen=True)
class PlainRewrite:
    new_bytes: bytes
    positions: list[tuple[int, int]]  # 1-based line and character column of each edit, as libcst reports them
    findings: list[tuple[int, int, str, str, str]]  # (line, column, severity, code, message)


def enabled() -> bool:
    return not os.environ.get(OFF_ENV)


@dataclass
class _Alias:
    statement: ast.Import | ast.ImportFrom
    alias: ast.alias | None  # None: a star import
    from_module: str | None
    level: int
    imported: str
    local: str
    bound: str


def plain_rename(
    data: bytes, tree: ast.Module, info: ModuleInfo, rules: Sequence[RenameRule], facts: ModuleFacts, *,
    label: str, strings: str,
) -> PlainRewrite | None:
    """The libcst path's rewrite of a file for `rules`, when the file has only the plain shapes (see the module
    docstring); None otherwise, or when it would edit nothing."""
    if b"\r" in data or data.startswith(b"\xef\xbb\xbf") or _COOKIE.search(data, 0, _second_line_end(data)):
        return None
    aliases, owners, names_by_id, literals, has_match, in_fstring = _facts(tree, info)
    if has_match:
        return None
    olds = [r.old.dotted for r in rules]
    leaves = {r.old.leaf for r in rules}
    lines = _line_starts(data)
    findings: list[tuple[int, int, str, str, str]] = []
    for value, node, place, _ in literals:
        dotted = value.replace(":", ".").rstrip(".")
        if place is not _ARGUMENT:
            # Not a call's argument, not part of a built string (a setting, a docstring, a list entry): only a
            # whole value naming an old path matters, which the libcst path leaves with an SSOT110 note.
            if any(is_dotted_under(dotted, old) for old in olds):
                note = _note(data, lines, node, value, rules, label, strings)
                if note is None:
                    return None
                if note:
                    findings.append(note)
        elif value in leaves or any(
            (value and old.startswith(value)) or is_dotted_under(dotted, old) or names_in_text(value, old)
            for old in olds
        ):
            return None  # a call's target, a string that may build an old path, `patch.object(m, "leaf")`
    splices: list[tuple[int, int, bytes, tuple[int, int]]] = []
    done: set[int] = set()
    renamed: dict[str, str] = {}
    for item in aliases:
        rule, relation, _ = match_rule(
            rules, facts.shadowed, from_module=item.from_module, is_star=item.alias is None, imported=item.imported,
            bound=item.bound,
        )
        if rule is None:
            continue
        if rule.report_only or rule.via is not None or item.level:
            return None
        if relation == "module":
            module_parts, attr_parts = rule.new.split_for(0)
            if attr_parts:
                return None
            assert item.from_module is not None
            new_module = ".".join(module_parts) + item.from_module[len(rule.old.dotted) :]
            if new_module == info.name:
                return None
            if id(item.statement) in done:
                continue
            done.add(id(item.statement))
            splice = _module_splice(data, lines, item.statement, item.from_module, new_module)
            if splice is None:
                return None
            splices.append(splice)
        elif relation == "moved" and item.alias is not None and item.statement.__class__ is ast.ImportFrom:
            if rule.new.is_builtin or item.alias.asname is not None:
                return None
            owner = owners.get(id(item.statement))
            if owner is not None and (
                owner.__class__ is ast.ClassDef or not _all_inside(names_by_id.get(item.local, ()), owner.body)  # type: ignore[attr-defined]
            ):
                return None  # a class body's import, or a function's with a use of the name outside the function
            module_parts, attr_parts = rule.new.split_for(1)
            new_module = ".".join(module_parts)
            if len(attr_parts) != 1 or new_module != item.from_module or new_module == info.name:
                return None
            new_local = attr_parts[0]
            if item.local in renamed or _word(new_local, data) or _bindings(names_by_id, item.local) != 1:
                return None
            if item.local in in_fstring or any(
                place is not _PROSE and (value == item.local or (hint and item.local in _words(value)))
                for value, _, place, hint in literals
            ):
                return None  # a string annotation or (maybe) an `__all__` entry names it; a use inside an f-string
            renamed[item.local] = new_local
            splice = _name_splice(data, lines, item.alias.lineno, item.alias.col_offset, item.local, new_local)
            if splice is None:
                return None
            splices.append(splice)
            for node in names_by_id.get(item.local, ()):
                if node.__class__ is ast.Name:
                    splice = _name_splice(data, lines, node.lineno, node.col_offset, item.local, new_local)
                    if splice is None:
                        return None
                    splices.append(splice)
        else:
            return None  # a parent of an old path, `import old`, a star import that may bring an old name in
    if not splices and not findings:
        return None
    splices.sort()
    out: list[bytes] = []
    at = 0
    for start, end, text, _ in splices:
        if start < at:
            return None
        out += [data[at:start], text]
        at = end
    out.append(data[at:])
    return PlainRewrite(b"".join(out), sorted({position for *_, position in splices}), findings)


def _facts(
    tree: ast.Module, info: ModuleInfo
) -> tuple[list[_Alias], dict[int, ast.AST | None], dict[str, list[ast.AST]], list[tuple[str, ast.Constant, object, bool]], bool, set[str]]:
    """One walk: the import aliases, the function or class each statement is in (None: module level), every node that can bind or use a
    name (by name), the string literals, whether a `match` occurs, and the names used inside f-strings."""
    owners: dict[int, ast.AST | None] = {}
    stack: list[tuple[ast.stmt, ast.AST | None]] = [(statement, None) for statement in tree.body]
    while stack:
        statement, owner = stack.pop()
        owners[id(statement)] = owner
        inner = statement if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else owner
        for field in _BLOCKS:
            for child in getattr(statement, field, ()):
                if isinstance(child, ast.ExceptHandler):
                    stack.extend((s, inner) for s in child.body)
                elif isinstance(child, ast.match_case):
                    stack.extend((s, inner) for s in child.body)
                elif isinstance(child, ast.stmt):
                    stack.append((child, inner))
    aliases: list[_Alias] = []
    names: dict[str, list[ast.AST]] = {}
    constants: list[ast.Constant] = []
    hint_roots: list[ast.AST] = []  # annotations and the other places libcst reads strings as annotations
    subscripts: list[tuple[str, ast.AST]] = []
    places: dict[int, object] = {}  # a literal that is a call's argument, part of a built string, or a docstring
    has_match = False
    in_fstring: set[str] = set()
    for node in ast.walk(tree):
        kind = node.__class__
        if kind is ast.Name:
            names.setdefault(node.id, []).append(node)  # type: ignore[attr-defined]
        elif kind is ast.Constant:
            if isinstance(node.value, (str, bytes)):  # type: ignore[attr-defined]
                constants.append(node)  # type: ignore[arg-type]
        elif kind is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            if (func.id if func.__class__ is ast.Name else getattr(func, "attr", None)) in _HINT_CALLS:
                hint_roots.extend(node.args)  # type: ignore[attr-defined]
            for argument in node.args:  # type: ignore[attr-defined]
                places[id(argument)] = _ARGUMENT
            for keyword in node.keywords:  # type: ignore[attr-defined]
                places[id(keyword.value)] = _ARGUMENT
                if keyword.arg is not None:
                    names.setdefault(keyword.arg, []).append(keyword)
        elif kind is ast.BinOp:
            places[id(node.left)] = places[id(node.right)] = _ARGUMENT  # type: ignore[attr-defined]
        elif kind is ast.Import or kind is ast.ImportFrom:
            aliases.extend(_aliases(node, info))  # type: ignore[arg-type]
            for alias in node.names:  # type: ignore[attr-defined]
                local = alias.asname or alias.name.partition(".")[0]
                names.setdefault(local, []).append(alias)
        elif kind is ast.Global or kind is ast.Nonlocal:
            for name in node.names:  # type: ignore[attr-defined]
                names.setdefault(name, []).append(node)
        elif kind is ast.Match:
            has_match = True
        elif kind is ast.JoinedStr:
            in_fstring.update(n.id for n in ast.walk(node) if n.__class__ is ast.Name)  # type: ignore[attr-defined]
            for part in node.values:  # type: ignore[attr-defined]
                places[id(part)] = _ARGUMENT
        elif kind is ast.Expr:
            places.setdefault(id(node.value), _PROSE)  # type: ignore[attr-defined]
        elif kind is ast.alias or kind is ast.keyword:
            pass  # counted with their statement or call
        elif kind is ast.Subscript:
            if node.value.__class__ is ast.Name:  # type: ignore[attr-defined]
                subscripts.append((node.value.id, node.slice))  # type: ignore[attr-defined]
        elif kind is ast.AnnAssign:
            hint_roots.append(node.annotation)  # type: ignore[attr-defined]
        else:
            if kind is ast.arg:
                if node.annotation is not None:  # type: ignore[attr-defined]
                    hint_roots.append(node.annotation)  # type: ignore[attr-defined]
            elif (kind is ast.FunctionDef or kind is ast.AsyncFunctionDef) and node.returns is not None:  # type: ignore[attr-defined]
                hint_roots.append(node.returns)  # type: ignore[attr-defined]
            for field in _BINDING_FIELDS:
                value = getattr(node, field, None)
                if value.__class__ is str:
                    names.setdefault(value, []).append(node)  # type: ignore[arg-type]
    # libcst reads a string as an annotation inside an annotation, inside `X[...]` where `X` is a name from
    # `typing` (or `typing_extensions`), and in the arguments of `cast`, `TypeVar` and `NewType`.
    typing_names = {a.local for a in aliases if a.from_module in ("typing", "typing_extensions")}
    star = any(a.alias is None for a in aliases if a.from_module in ("typing", "typing_extensions"))
    hint_roots += [index for name, index in subscripts if star or name in typing_names]
    hints = {id(n) for root in hint_roots for n in ast.walk(root) if n.__class__ is ast.Constant}
    literals = []
    for constant in constants:
        value = constant.value
        place = places.get(id(constant), _ELSEWHERE)
        if isinstance(value, bytes):
            value, place = value.decode("latin-1"), _ARGUMENT  # never noted by the libcst path: decided there
        literals.append((value, constant, place, id(constant) in hints))
    return aliases, owners, names, literals, has_match, in_fstring


def _aliases(statement: ast.Import | ast.ImportFrom, info: ModuleInfo) -> Iterable[_Alias]:
    """The bindings of one import statement, as `bindings.FileContext.imports` describes them."""
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            if alias.asname is not None:
                yield _Alias(statement, alias, None, 0, alias.name, alias.asname, alias.name)
            else:
                local = alias.name.split(".")[0]
                yield _Alias(statement, alias, None, 0, alias.name, local, local)
        return
    module = absolute_module(info, statement.level, statement.module)
    if module is None:
        return
    for alias in statement.names:
        if alias.name == "*":
            yield _Alias(statement, None, module, statement.level, f"{module}.*", "*", module)
            return
        imported = f"{module}.{alias.name}"
        yield _Alias(statement, alias, module, statement.level, imported, alias.asname or alias.name, imported)


def _all_inside(nodes: Iterable[ast.AST], body: list[ast.stmt]) -> bool:
    """Whether every node lies in the text of a function's body (its parameters' defaults and annotations, and
    its decorators, are evaluated outside it)."""
    start = (body[0].lineno, body[0].col_offset)
    end = (body[-1].end_lineno or 0, body[-1].end_col_offset or 0)
    return all(start <= (node.lineno, node.col_offset) < end for node in nodes)  # type: ignore[attr-defined]


def _bindings(names_by_id: dict[str, list[ast.AST]], name: str) -> int:
    """How many nodes may bind `name` anywhere in the file (a load of it is not one)."""
    return sum(
        1 for node in names_by_id.get(name, ())
        if not (node.__class__ is ast.Name and node.ctx.__class__ is ast.Load)  # type: ignore[attr-defined]
    )


def _word(word: str, data: bytes) -> bool:
    return re.search(rb"(?<![A-Za-z0-9_])" + re.escape(word.encode()) + rb"(?![A-Za-z0-9_])", data) is not None


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text))


def _line_starts(data: bytes) -> list[int]:
    starts = [0]
    find = data.find
    at = find(b"\n")
    while at != -1:
        starts.append(at + 1)
        at = find(b"\n", at + 1)
    return starts


def _second_line_end(data: bytes) -> int:
    first = data.find(b"\n")
    if first == -1:
        return len(data)
    second = data.find(b"\n", first + 1)
    return len(data) if second == -1 else second


def _name_splice(
    data: bytes, lines: list[int], line: int, col_offset: int, old: str, new: str
) -> tuple[int, int, bytes, tuple[int, int]] | None:
    start = lines[line - 1] + col_offset
    end = start + len(old)
    if data[start:end] != old.encode() or _IDENTIFIER.match(data, end):
        return None
    return start, end, new.encode(), (line, character_column(data[lines[line - 1] : start]))


def _note(
    data: bytes, lines: list[int], node: ast.Constant, value: str, rules: Sequence[RenameRule], label: str, strings: str
) -> tuple[int, int, str, str, str] | tuple[()] | None:
    """The libcst path's SSOT110 note on a whole-value dotted string that stands outside calls; () when it notes
    nothing; None when only the libcst path can say (another `strings` setting, implicitly concatenated literals,
    which libcst sees as several strings)."""
    if strings != "calls" or node.end_lineno is None or node.end_col_offset is None:
        return None
    new_value = rewrite_dotted_string(value, rules)
    if new_value is None or new_value == value:
        return ()
    start = lines[node.lineno - 1] + node.col_offset
    end = lines[node.end_lineno - 1] + node.end_col_offset
    try:
        tokens = [t for t in tokenize.tokenize(io.BytesIO(data[start:end]).readline) if t.type == tokenize.STRING]
    except (tokenize.TokenError, SyntaxError):
        return None
    if len(tokens) != 1 or tokens[0].string.encode() != data[start:end]:
        return None
    return node.lineno, character_column(data[lines[node.lineno - 1] : start]), "info", "SSOT110", dotted_string_note(label, value, new_value)


def _module_splice(
    data: bytes, lines: list[int], statement: ast.ImportFrom, old_module: str, new_module: str
) -> tuple[int, int, bytes, tuple[int, int]] | None:
    """The module path of `from <module> import ...` written plainly on the statement's first line."""
    start = lines[statement.lineno - 1] + statement.col_offset
    found = re.compile(rb"from[ \t\f]+" + re.escape(old_module.encode()) + rb"(?=[ \t\f\\])").match(data, start)
    if found is None:
        return None
    begin = found.end() - len(old_module)
    return begin, found.end(), new_module.encode(), (statement.lineno, character_column(data[lines[statement.lineno - 1] : begin]))
