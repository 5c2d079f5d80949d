"""Call sites of one function, found through every path that reaches it, and argument-list surgery: moving
arguments with their comments, and the static `Signature.bind` check every rewritten call must pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Literal, Sequence, Union

import libcst as cst
from libcst.metadata import Assignment

from ..bindings import FileContext, string_value
from ..names import is_dotted_under
from ..scan import FileScan, Signature
from ..types import Finding, Severity
from .edits import Codemod, ImportEdits, TransformResult


@dataclass(frozen=True)
class CallCodes:
    """The finding codes a call-site kind uses for the events every call-site kind shares."""

    star: str
    unbound: str
    conflict: str
    not_found: str
    receiver: str
    through_class: str
    ambiguous: str
    layout: str
    # The function used as a value (passed, stored, wrapped): calls made through it are out of reach. Reported by
    # the kinds that set it, for a target that is a function (a class's name is used as a value all the time).
    value_use: str | None = None


@dataclass(frozen=True)
class SignatureRef:
    """One definition a call can reach: where it is (`path:line`) and its parameters."""

    where: str
    signature: Signature


@dataclass(frozen=True)
class CallTarget:
    """Everything a worker needs to recognise calls of the spec's function, prepared from the index.

    Function mode: `paths` are the qualified names that name the callable (its
    definitions and every re-export of them); `uncertain` paths may also be bound to
    something whose signature is unknown, so calls through them are only reported.
    Method mode (`module.Class.method`):
    `class_paths` name the class, and a call matches through a receiver of known class.
    `signatures` maps a matched path (or class path) to the definitions it reaches.
    """

    function: str
    paths: frozenset[str]
    signatures: tuple[tuple[str, tuple[SignatureRef, ...]], ...]
    method: str | None = None
    class_paths: frozenset[str] = frozenset()
    class_level: bool = False
    uncertain: frozenset[str] = frozenset()
    # Every definition the paths reach is a function (not a class, not a variable): its uses as a value matter.
    is_function: bool = False

    def signatures_for(self, names: Iterable[str]) -> tuple[SignatureRef, ...]:
        table = dict(self.signatures)
        found: dict[SignatureRef, None] = {}
        for name in sorted(names):
            found.update(dict.fromkeys(table.get(name, ())))
        return tuple(found)

    @property
    def first_parameters(self) -> frozenset[str]:
        """The name of the first parameter of every known definition (what a code keyword is called)."""
        names = set()
        for _path, refs in self.signatures:
            for ref in refs:
                params = [p for p in ref.signature.parameters if p.kind != "var_keyword"]
                if params and params[0].kind != "var_positional":
                    names.add(params[0].name)
        return frozenset(names)

    def triggers(self) -> tuple[str, ...]:
        if self.method is not None:
            return (self.method,)
        return tuple(sorted({path.rsplit(".", 1)[-1] for path in self.paths | self.uncertain}))

    def confirm(self, scan: FileScan) -> bool:
        """Whether the file imports (or is) a module on the way to the function."""
        if not scan.parsed:
            return True  # let the parse error surface as a finding
        candidates = self.class_paths if self.method is not None else self.paths | self.uncertain
        own = scan.summary.module if scan.summary is not None else None
        # `import click.utils` binds `click`, so `click.confirm(...)` reaches `click.confirm` although only
        # `click.utils` is imported (the fuzzer's keyword-add seed 3 trial 14): what a plain import binds counts.
        reached = scan.imported | {use.bound for use in scan.uses if use.from_module is None and use.local != "*"}
        for path in candidates:
            if own and is_dotted_under(path, own):
                return True
            if any(is_dotted_under(path, imported) for imported in reached):
                return True
        return False

    def describe(self) -> dict:
        return {
            "paths": sorted(self.paths),
            "uncertain": sorted(self.uncertain),
            "method": self.method,
            "class_paths": sorted(self.class_paths),
            "class_level": self.class_level,
            "is_function": self.is_function,
            "signatures": [(p, [(r.where, r.signature.describe()) for r in refs]) for p, refs in self.signatures],
        }


@dataclass(frozen=True)
class CallSite:
    """A call of the target: the node, the definitions it may reach, the quotes of f-strings around it."""

    call: cst.Call
    signatures: tuple[SignatureRef, ...]
    fstring_quotes: frozenset[str]

    def quote_clashes(self, text: str) -> bool:
        """Whether `text` cannot be written inside the f-strings around the call (before Python 3.12)."""
        return bool(self.fstring_quotes) and ("\\" in text or any(q in text for q in self.fstring_quotes))


class _CallCollector(cst.CSTVisitor):
    def __init__(self) -> None:
        self.calls: list[tuple[cst.Call, frozenset[str]]] = []
        self._quotes: list[str] = []

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        self._quotes.append(node.end[0])

    def leave_FormattedString(self, original_node: cst.FormattedString) -> None:
        self._quotes.pop()

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append((node, frozenset(self._quotes)))


class _ValueUses(cst.CSTVisitor):
    """The names and dotted names spelling one of `leaves` where the value is read but not called: an argument
    (`map(f, xs)`, `callback=f`, `partial(f, ...)`), a default, an assignment's value, a decorator (`@f`), a
    returned or stored value. Never a call's callee, the name of an import, a definition, a parameter or a keyword,
    an assignment target, or the object of an attribute access (`f.cache_clear()`)."""

    def __init__(self, leaves: frozenset[str]) -> None:
        self.leaves = leaves
        self.found: list[cst.BaseExpression] = []
        self.strings: list[tuple[cst.SimpleString, str]] = []  # whole strings that may spell a path to a leaf
        self.replaced: list[tuple[cst.BaseExpression, cst.SimpleString, str]] = []  # (object, "name", name)
        self._not_values: set[int] = set()

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        if any(leaf in node.value for leaf in self.leaves):
            value = string_value(node)
            if value is not None and value.rpartition(".")[2].rpartition(":")[2] in self.leaves:
                self.strings.append((node, value))

    def _skip(self, *nodes: cst.CSTNode | None) -> None:
        self._not_values.update(id(n) for n in nodes if n is not None)

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Call(self, node: cst.Call) -> None:
        self._skip(node.func)
        # `monkeypatch.setattr(module, "f", ...)`, `patch.object(module, "f")`, `setattr(module, "f", ...)`: an
        # object and an attribute name that may spell the function on a module.
        if len(node.args) >= 2 and node.args[1].keyword is None:
            name = node.args[1].value
            value = string_value(name)
            if value in self.leaves:
                self.replaced.append((node.args[0].value, name, value))  # type: ignore[arg-type]

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._skip(node.value, node.attr)
        self._check(node, node.attr.value)

    def visit_Name(self, node: cst.Name) -> None:
        self._check(node, node.value)

    def visit_Arg(self, node: cst.Arg) -> None:
        self._skip(node.keyword)

    def visit_Param(self, node: cst.Param) -> None:
        self._skip(node.name)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._skip(node.name)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self._skip(node.name)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._skip(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._skip(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._skip(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._skip(node.target)

    def visit_CompFor(self, node: cst.CompFor) -> None:
        self._skip(node.target)

    def visit_Del(self, node: cst.Del) -> None:
        self._skip(node.target)

    def visit_AsName(self, node: cst.AsName) -> None:
        self._skip(node.name)

    def visit_NameItem(self, node: cst.NameItem) -> None:
        self._skip(node.name)

    def _check(self, node: cst.BaseExpression, leaf: str) -> None:
        if leaf in self.leaves and id(node) not in self._not_values:
            self.found.append(node)


class CallSiteRewriter:
    """One file's calls of the target: finds them, reports the ones it must not touch, and writes
    argument edits that pass the binding check. Kinds decide *what* to change at each site."""

    def __init__(self, ctx: FileContext, kind: Codemod, target: CallTarget, codes: CallCodes) -> None:
        self.ctx = ctx
        self.kind = kind
        self.target = target
        self.codes = codes
        self.edits = ImportEdits(ctx)
        self.positions: list[tuple[int, int]] = []
        self.findings: list[Finding] = []

    # -- matching ------------------------------------------------------------------------------

    def sites(self) -> list[CallSite]:
        collector = _CallCollector()
        self.ctx.module.visit(collector)
        found = []
        for call, quotes in collector.calls:
            signatures = self._match(call)
            if signatures is not None:
                found.append(CallSite(call, signatures, quotes))
        return found

    def _match(self, call: cst.Call) -> tuple[SignatureRef, ...] | None:
        if self.target.method is not None:
            return self._match_method(call)
        if not isinstance(call.func, (cst.Name, cst.Attribute)):
            # `cached(lru)(func)` calls what `cached(lru)` returned, and `handlers[0](x)` an item: libcst names both
            # after the inner callee, but neither calls the target (the fuzzer's keyword-add seed 3 trial 27).
            return None
        names = self.ctx.qualified_names(call.func)
        hits = names & self.target.paths
        if not hits and not names & self.target.uncertain:
            return None
        if names - self.target.paths:
            self.report(
                call, "warning", self.codes.ambiguous,
                f"`{_callee(self.ctx, call)}` may be {self.target.function} or something else here "
                f"({', '.join(sorted(names - self.target.paths))}); left unchanged, check it by hand",
            )
            return None
        return self.target.signatures_for(hits)

    def _match_method(self, call: cst.Call) -> tuple[SignatureRef, ...] | None:
        func = call.func
        if not isinstance(func, cst.Attribute) or func.attr.value != self.target.method:
            return None
        classes = self.target.class_paths
        receiver = func.value
        if isinstance(receiver, cst.Call):
            created = self.ctx.qualified_names(receiver.func)
            if created and created <= classes:
                return self.target.signatures_for(created)
        else:
            through = self.ctx.qualified_names(receiver)
            if through and through <= classes:
                if self.target.class_level:
                    return self.target.signatures_for(through)
                self.report(
                    call, "warning", self.codes.through_class,
                    f"`{_callee(self.ctx, call)}(...)` calls the instance method through its class: the first argument "
                    "is the instance, so argument positions differ from the spec's; left unchanged",
                )
                return None
            if isinstance(receiver, cst.Name):
                known = self._receiver_class(call, receiver.value)
                if known and known <= classes:
                    return self.target.signatures_for(known)
            if self._is_module_reference(receiver):
                return None
        self.report(
            call, "info", self.codes.receiver,
            f"`{_callee(self.ctx, call)}(...)` may call {self.target.function}, but the receiver's class is not known "
            "from a constructor call or an annotation in this scope; left unchanged",
        )
        return None

    def _receiver_class(self, call: cst.Call, name: str) -> frozenset[str] | None:
        """The qualified class names a local variable holds, when every binding of it in the call's own
        scope says so (`x = C(...)`, `x: C`, a parameter `x: C`, `with C(...) as x`)."""
        scope = self.ctx.scope_of(call)
        if scope is None:
            return None
        assignments = list(scope.assignments[name])
        if not assignments:
            return None
        classes: set[str] = set()
        for assignment in assignments:
            if not isinstance(assignment, Assignment):
                return None
            node = assignment.node
            parent = self.ctx.parents.get(node)
            expression: cst.BaseExpression | None = None
            if isinstance(node, cst.Param):
                expression = node.annotation.annotation if node.annotation is not None else None
            elif isinstance(parent, cst.AnnAssign) and parent.target is node:
                expression = parent.annotation.annotation
            elif isinstance(parent, cst.AssignTarget):
                statement = self.ctx.parents.get(parent)
                if isinstance(statement, cst.Assign) and isinstance(statement.value, cst.Call):
                    expression = statement.value.func
            elif isinstance(parent, cst.AsName):
                item = self.ctx.parents.get(parent)
                if isinstance(item, cst.WithItem) and isinstance(item.item, cst.Call):
                    expression = item.item.func
            if expression is None or not isinstance(expression, (cst.Name, cst.Attribute)):
                return None
            names = self.ctx.qualified_names(expression)
            if not names:
                return None
            classes |= names
        return frozenset(classes)

    def _is_module_reference(self, receiver: cst.BaseExpression) -> bool:
        """`json.dumps`-style receivers: a chain whose head is bound by a plain `import`."""
        head = receiver
        while isinstance(head, cst.Attribute):
            head = head.value
        if not isinstance(head, cst.Name):
            return False
        scope = self.ctx.scope_of(receiver)
        bindings = self.ctx.bindings_for_name(scope, head.value) if scope is not None else []
        return bool(bindings) and all(not b.is_from for b in bindings)

    def report_value_uses(self) -> None:
        """Each use of the function as a value (`callback=f`, `partial(f, ...)`, `@f`): the calls made through it
        are out of the codemod's reach, so a person checks them (`CallCodes.value_use`)."""
        code = self.codes.value_use
        if code is None or not self.target.is_function or self.target.method is not None:
            return
        leaves = frozenset(path.rsplit(".", 1)[-1] for path in self.target.paths)
        uses = _ValueUses(leaves)
        self.ctx.module.visit(uses)
        for node in uses.found:
            if self.ctx.qualified_names(node) & self.target.paths:
                self.report(
                    node, "info", code,
                    f"`{self.ctx.code(node).strip()}` uses {self.target.function} as a value (passed, stored or "
                    "wrapped): calls made through it elsewhere are not rewritten; check them by hand",
                )
        for holder, node, value in uses.replaced:
            if any(f"{name}.{value}" in self.target.paths for name in self.ctx.qualified_names(holder)):
                self.report(
                    node, "info", code,
                    f"`{self.ctx.code(holder).strip()}` gets its {node.value} replaced here (setattr, monkeypatch, "
                    f"patch.object): while it is, calls of {self.target.function} reach the replacement with the "
                    "arguments this codemod gave them; check that it accepts them",
                )
        for node, value in uses.strings:
            if value.replace(":", ".") in self.target.paths:
                self.report(
                    node, "info", code,
                    f"the string {node.value} names {self.target.function}: whatever imports it by that name (a plugin "
                    "or handler registry, `mock.patch`) calls it out of this codemod's reach; check those calls by hand",
                )

    # -- reporting and writing -------------------------------------------------------------------

    def report(self, node: cst.CSTNode, severity: Severity, code: str, message: str) -> None:
        line, col = self.ctx.position(node)
        labelled = f"{self.kind.label}: {message}"
        self.findings.append(self.kind.finding(self.ctx.path, line, col, severity, code, labelled))

    def star_refusal(self, site: CallSite, hidden: str) -> None:
        self.report(
            site.call, "warning", self.codes.star,
            f"`{_callee(self.ctx, site.call)}(...)` passes *args/**kwargs, which could hide {hidden}; left unchanged, "
            "check it by hand",
        )

    def commit(self, site: CallSite, arguments: Arguments) -> bool:
        """Write the edited arguments of one call, unless the result would not bind or would move a comment."""
        if not arguments.changed:
            return False
        shape = arguments.shape()
        for ref in site.signatures:
            problems = ref.signature.bind_problems(
                shape.positional, shape.keywords, star_args=shape.star_args, star_kwargs=shape.star_kwargs
            )
            if problems:
                self.report(
                    site.call, "error", self.codes.unbound,
                    f"after the rewrite `{_callee(self.ctx, site.call)}(...)` would still raise TypeError: it "
                    f"{'; '.join(problems)} (signature {ref.signature.describe()} at {ref.where}); left unchanged, "
                    "fix this call by hand",
                )
                return False
        plan = arguments.plan()
        if apply_argument_plan(site.call, plan) is None:
            self.report(
                site.call, "warning", self.codes.layout,
                f"`{_callee(self.ctx, site.call)}(...)`: the edit would move a comment between arguments laid out "
                "on one line; left unchanged, edit it by hand",
            )
            return False
        self.edits.replace_node(site.call, lambda updated: apply_argument_plan(updated, plan) or updated)  # type: ignore[arg-type, return-value]
        self.positions.append(self.ctx.position(site.call))
        return True

    def result(self) -> TransformResult | None:
        if self.edits.is_empty:
            return TransformResult(self.ctx.module, [], self.findings) if self.findings else None
        return TransformResult(
            self.edits.apply(), sorted(set(self.positions)), self.findings, released=tuple(self.edits.released)
        )


def _callee(ctx: FileContext, call: cst.Call) -> str:
    text = ctx.code(call.func).strip()
    return text if len(text) <= 60 else text[:57] + "..."


@dataclass(frozen=True)
class ArgShape:
    """What `Signature.bind_problems` needs to know about a call's arguments."""

    positional: int
    keywords: tuple[str, ...]
    star_args: bool
    star_kwargs: bool


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED = _Unchanged()


KeywordChange = Union[_Unchanged, str, None]  # keep / become `name=` / become positional


@dataclass(frozen=True)
class PlannedArg:
    """One argument of the rewritten call: an original one (by index, maybe re-keyworded) or a new one."""

    origin: int | None
    keyword: KeywordChange = UNCHANGED
    new: cst.Arg | None = None


@dataclass(frozen=True)
class ArgumentPlan:
    """The rewritten argument list, applied to the call as the transformer sees it (nested calls inside
    arguments may have been rewritten already; they keep their positions)."""

    arguments: tuple[PlannedArg, ...]


@dataclass
class _Entry:
    origin: int | None
    arg: cst.Arg
    keyword: KeywordChange = UNCHANGED

    @property
    def current_keyword(self) -> str | None:
        if isinstance(self.keyword, _Unchanged):
            return self.arg.keyword.value if self.arg.keyword is not None else None
        return self.keyword

    @property
    def is_star(self) -> bool:
        return self.arg.star in ("*", "**")


class Arguments:
    """A call's arguments as an editable list; edits are recorded as a plan, so comments travel with
    their argument and nested rewrites inside argument values survive."""

    def __init__(self, call: cst.Call) -> None:
        self.entries = [_Entry(position, arg) for position, arg in enumerate(call.args)]
        self.changed = False

    # -- questions -------------------------------------------------------------------------------

    @property
    def star_args(self) -> bool:
        return any(e.arg.star == "*" for e in self.entries)

    @property
    def star_kwargs(self) -> bool:
        return any(e.arg.star == "**" for e in self.entries)

    def positional_indexes(self) -> list[int]:
        """Entry indexes of plain positional arguments (no `*`), in order."""
        return [i for i, e in enumerate(self.entries) if not e.is_star and e.current_keyword is None]

    @property
    def positional(self) -> int:
        return len(self.positional_indexes())

    def keyword_index(self, name: str) -> int | None:
        return next((i for i, e in enumerate(self.entries) if not e.is_star and e.current_keyword == name), None)

    def keywords(self) -> list[str]:
        return [k for e in self.entries if not e.is_star and (k := e.current_keyword) is not None]

    def value(self, index: int) -> cst.BaseExpression:
        return self.entries[index].arg.value

    def shape(self) -> ArgShape:
        return ArgShape(self.positional, tuple(self.keywords()), self.star_args, self.star_kwargs)

    # -- edits -------------------------------------------------------------------------------------

    def remove(self, index: int) -> None:
        del self.entries[index]
        self.changed = True

    def set_keyword(self, index: int, name: str) -> None:
        """`value` -> `name=value`, or `old=value` -> `name=value`."""
        self.entries[index].keyword = name
        self.changed = True

    def move_to_positional(self, index: int, position: int) -> None:
        """`name=value` becomes the positional argument at entry index `position`."""
        entry = self.entries.pop(index)
        entry.keyword = None
        self.entries.insert(position, entry)
        self.changed = True

    def insert(self, position: int, arg: cst.Arg) -> None:
        self.entries.insert(position, _Entry(None, arg))
        self.changed = True

    def plan(self) -> ArgumentPlan:
        return ArgumentPlan(
            tuple(
                PlannedArg(e.origin, e.keyword) if e.origin is not None else PlannedArg(None, new=e.arg)
                for e in self.entries
            )
        )


def keyword_arg(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value, keyword=cst.Name(name), equal=_EQUAL)


def positional_arg(value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(value=value)


_EQUAL = cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace(""))


Hole = Literal["arg", "comma"]


@dataclass
class _Item:
    arg: cst.Arg  # no comma, no whitespace after it: layout lives in the slots
    leading: tuple[cst.EmptyLine, ...] = ()
    trailing: cst.TrailingWhitespace | None = None  # the rest of its line when that holds a comment


@dataclass
class _Slot:
    """The layout after one argument: whitespace before the comma, the comma (or none)."""

    after_arg: cst.BaseParenthesizableWhitespace
    comma: cst.Comma | cst.MaybeSentinel
    hole: Hole | None = None  # where a trailing comment goes

    def comment_hole(self) -> Hole | None:
        if self.hole is not None:
            return self.hole
        if isinstance(self.comma, cst.Comma) and isinstance(self.comma.whitespace_after, cst.ParenthesizedWhitespace):
            return "comma"
        if isinstance(self.after_arg, cst.ParenthesizedWhitespace):
            return "arg"
        return None


@dataclass
class _Layout:
    before: cst.BaseParenthesizableWhitespace
    slots: list[_Slot] = field(default_factory=list)


def _bare(line: cst.TrailingWhitespace) -> cst.TrailingWhitespace:
    return cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace(""), comment=None, newline=line.newline)


def _split(call: cst.Call) -> tuple[list[_Item], _Layout]:
    """The arguments without their layout, and the layout without the comments (which go with the arguments)."""
    args = list(call.args)
    before = call.whitespace_before_args
    leading: tuple[cst.EmptyLine, ...] = ()
    if args and isinstance(before, cst.ParenthesizedWhitespace) and before.empty_lines:
        leading = tuple(before.empty_lines)
        before = before.with_changes(empty_lines=())
    items: list[_Item] = []
    layout = _Layout(before)
    for position, arg in enumerate(args):
        last = position == len(args) - 1
        after_arg, comma = arg.whitespace_after_arg, arg.comma
        trailing = None
        hole: Hole | None = None
        if isinstance(after_arg, cst.ParenthesizedWhitespace) and after_arg.first_line.comment is not None:
            trailing, hole = after_arg.first_line, "arg"
            after_arg = after_arg.with_changes(first_line=_bare(after_arg.first_line))
        elif (
            isinstance(comma, cst.Comma)
            and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)
            and comma.whitespace_after.first_line.comment is not None
        ):
            trailing, hole = comma.whitespace_after.first_line, "comma"
            comma = comma.with_changes(
                whitespace_after=comma.whitespace_after.with_changes(first_line=_bare(comma.whitespace_after.first_line))
            )
        next_leading: tuple[cst.EmptyLine, ...] = ()
        if (
            not last
            and isinstance(comma, cst.Comma)
            and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)
            and comma.whitespace_after.empty_lines
        ):
            next_leading = tuple(comma.whitespace_after.empty_lines)
            comma = comma.with_changes(whitespace_after=comma.whitespace_after.with_changes(empty_lines=()))
        bare_arg = arg.with_changes(comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=cst.SimpleWhitespace(""))
        items.append(_Item(bare_arg, leading, trailing))
        layout.slots.append(_Slot(after_arg, comma, hole))
        leading = next_leading
    return items, layout


def apply_argument_plan(call: cst.Call, plan: ArgumentPlan) -> cst.Call | None:
    """The call with its arguments rewritten per `plan`; None when a comment would have nowhere to go."""
    items, layout = _split(call)
    kept = {p.origin for p in plan.arguments if p.origin is not None}
    carried: dict[int | None, list[cst.EmptyLine]] = {}
    pending: list[cst.EmptyLine] = []
    for position, item in enumerate(items):
        # Own-line comments above a removed argument stay: they move to the next argument kept.
        pending.extend(item.leading)
        if position in kept:
            carried[position] = pending
            pending = []
    new_items: list[_Item] = []
    for planned in plan.arguments:
        if planned.origin is None:
            assert planned.new is not None
            new_items.append(_Item(planned.new))
            continue
        item = items[planned.origin]
        arg = item.arg
        if planned.keyword is None:
            arg = arg.with_changes(keyword=None, equal=cst.MaybeSentinel.DEFAULT)
        elif isinstance(planned.keyword, str):
            arg = arg.with_changes(
                keyword=cst.Name(planned.keyword), equal=arg.equal if arg.keyword is not None else _EQUAL
            )
        new_items.append(_Item(arg, tuple(carried.get(planned.origin, ())), item.trailing))
    return _assemble(call, new_items, layout, pending)


def _assemble(
    call: cst.Call, items: list[_Item], layout: _Layout, closing_lines: Sequence[cst.EmptyLine]
) -> cst.Call | None:
    slots = layout.slots
    if not items:
        if not slots:
            return call
        if closing_lines or _has_comment(layout):
            return None
        return call.with_changes(args=(), whitespace_before_args=cst.SimpleWhitespace(""))
    closing = slots[-1] if slots else _Slot(cst.SimpleWhitespace(""), cst.MaybeSentinel.DEFAULT)
    inner = slots[:-1]
    before = layout.before

    def inner_slot(position: int) -> _Slot:
        if position < len(inner):
            return inner[position]
        if inner:
            return _Slot(inner[-1].after_arg, inner[-1].comma)
        if isinstance(before, cst.ParenthesizedWhitespace):
            # A multi-line call with one argument: a new line indented like the first argument.
            separator = cst.ParenthesizedWhitespace(
                first_line=cst.TrailingWhitespace(), empty_lines=(), indent=before.indent, last_line=before.last_line
            )
            return _Slot(cst.SimpleWhitespace(""), cst.Comma(whitespace_after=separator))
        return _Slot(cst.SimpleWhitespace(""), cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))

    args: list[cst.Arg] = []
    for position, item in enumerate(items):
        value = item.arg.value
        if len(items) > 1 and isinstance(value, cst.GeneratorExp) and not value.lpar:
            # `f(x for x in y)` is the only form where a generator needs no parentheses of its own.
            parenthesized = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            item = _Item(item.arg.with_changes(value=parenthesized), item.leading, item.trailing)
        slot = closing if position == len(items) - 1 else inner_slot(position)
        after_arg, comma = slot.after_arg, slot.comma
        if item.trailing is not None:
            hole = slot.comment_hole()
            if hole == "arg":
                assert isinstance(after_arg, cst.ParenthesizedWhitespace)
                after_arg = after_arg.with_changes(first_line=_with_comment(after_arg.first_line, item.trailing))
            elif hole == "comma":
                assert isinstance(comma, cst.Comma) and isinstance(comma.whitespace_after, cst.ParenthesizedWhitespace)
                whitespace = comma.whitespace_after
                first_line = _with_comment(whitespace.first_line, item.trailing)
                comma = comma.with_changes(whitespace_after=whitespace.with_changes(first_line=first_line))
            else:
                return None
        if item.leading:
            if position == 0:
                if not isinstance(before, cst.ParenthesizedWhitespace):
                    return None
                before = before.with_changes(empty_lines=item.leading)
            else:
                previous = args[-1]
                previous_comma = previous.comma
                if not (
                    isinstance(previous_comma, cst.Comma)
                    and isinstance(previous_comma.whitespace_after, cst.ParenthesizedWhitespace)
                ):
                    return None
                args[-1] = previous.with_changes(
                    comma=previous_comma.with_changes(
                        whitespace_after=previous_comma.whitespace_after.with_changes(empty_lines=item.leading)
                    )
                )
        args.append(item.arg.with_changes(whitespace_after_arg=after_arg, comma=comma))
    if closing_lines:
        last = args[-1]
        if isinstance(last.comma, cst.Comma) and isinstance(last.comma.whitespace_after, cst.ParenthesizedWhitespace):
            whitespace = last.comma.whitespace_after
            args[-1] = last.with_changes(
                comma=last.comma.with_changes(
                    whitespace_after=whitespace.with_changes(empty_lines=[*closing_lines, *whitespace.empty_lines])
                )
            )
        elif isinstance(last.whitespace_after_arg, cst.ParenthesizedWhitespace):
            whitespace = last.whitespace_after_arg
            args[-1] = last.with_changes(
                whitespace_after_arg=whitespace.with_changes(empty_lines=[*closing_lines, *whitespace.empty_lines])
            )
        else:
            return None
    return call.with_changes(args=args, whitespace_before_args=before)


def _has_comment(layout: _Layout) -> bool:
    """Whether a comment sits in the layout itself (before the closing parenthesis)."""
    nodes: list[cst.CSTNode] = [layout.before]
    for slot in layout.slots:
        nodes.append(slot.after_arg)
        if isinstance(slot.comma, cst.Comma):
            nodes.append(slot.comma)
    finder = _CommentFinder()
    for node in nodes:
        node.visit(finder)
    return finder.found


class _CommentFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_Comment(self, node: cst.Comment) -> None:
        self.found = True


def _with_comment(line: cst.TrailingWhitespace, comment: cst.TrailingWhitespace) -> cst.TrailingWhitespace:
    return line.with_changes(whitespace=comment.whitespace, comment=comment.comment)


def prevailing_quote(module: cst.Module) -> str:
    """The quote character most one-line string literals of the file use (`"` on a tie)."""
    counter = _QuoteCounter()
    module.visit(counter)
    return "'" if counter.single > counter.double else '"'


class _QuoteCounter(cst.CSTVisitor):
    def __init__(self) -> None:
        self.single = 0
        self.double = 0

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        quote = node.quote
        if quote == "'":
            self.single += 1
        elif quote == '"':
            self.double += 1


def string_literal(value: str, quote: str) -> str:
    """`value` as a Python string literal delimited by `quote`."""
    escaped = value.replace("\\", "\\\\").replace(quote, "\\" + quote).replace("\n", "\\n").replace("\r", "\\r")
    return f"{quote}{escaped}{quote}"


def parse_argument_value(text: str) -> cst.BaseExpression | None:
    """The expression `text` as one call argument (parsed, never executed); None when it is not one."""
    try:
        probe = cst.parse_expression(f"f({text}\n)")
    except cst.ParserSyntaxError:
        return None
    if not isinstance(probe, cst.Call) or len(probe.args) != 1:
        return None
    arg = probe.args[0]
    if arg.keyword is not None or arg.star:
        return None
    return arg.value
