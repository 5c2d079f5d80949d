"""What a class offers and who relies on it: members (own and inherited in the repo), and the sites
that construct it, subclass it or use its members. collapse-class compares duplicates with this.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

import libcst as cst
from libcst.metadata import Access, Assignment, BaseAssignment, ImportAssignment

from ..bindings import FileContext
from ..index import RepoIndex, Resolved, class_definitions, qualify
from ..scan import Signature, is_public

# Bases every class can have without adding members a caller could rely on.
NEUTRAL_BASES = frozenset({
    "builtins.object", "abc.ABC", "typing.Generic", "typing.Protocol", "typing_extensions.Protocol",
})


@dataclass(frozen=True)
class Member:
    """One member of a class: where it is defined and, for callables, its signature (receiver dropped)."""

    name: str
    kind: str
    line: int
    owner: str
    path: str
    signature: Signature | None = None


@dataclass(frozen=True)
class ClassApi:
    """A class with every member it has through its in-repo bases (nearest definition wins).

    `external_bases` are bases outside the repository, whose members are unknown.
    """

    fqn: str
    path: str
    line: int
    members: Mapping[str, Member]
    ancestors: tuple[str, ...]
    external_bases: tuple[str, ...]
    own: frozenset[str]

    def public(self) -> dict[str, Member]:
        return {name: member for name, member in self.members.items() if is_public(name)}

    @property
    def init(self) -> Member | None:
        return self.members.get("__init__")


def class_api(index: RepoIndex, resolved: Resolved, *, stop_at: frozenset[str] = frozenset()) -> ClassApi:
    """The API of the class `resolved` names; bases in `stop_at` are recorded as ancestors, not walked."""
    members: dict[str, Member] = {}
    ancestors: list[str] = []
    external: list[str] = []
    own: frozenset[str] = frozenset()
    home = index.summary(resolved.module) if resolved.module else None
    queue = [resolved]
    seen: set[str] = set()
    while queue:
        current = queue.pop(0)
        if current.fqn in seen or current.definition is None or current.module is None:
            continue
        seen.add(current.fqn)
        definition = current.definition
        summary = index.summary(current.module)
        path = summary.path if summary is not None else ""
        signatures = dict(definition.methods)
        for name, kind, line in definition.member_kinds:
            members.setdefault(name, Member(name, kind, line, current.fqn, path, signatures.get(name)))
        if current is resolved:
            own = frozenset(name for name, _kind, _line in definition.member_kinds)
        for base in definition.bases:
            target = qualify(index, current.module, base)
            if target is None:
                external.append(base)
                continue
            if target in NEUTRAL_BASES:
                continue
            found = class_definitions(index, target)
            if not found:
                external.append(target)
                continue
            for base_class in found:
                ancestors.append(base_class.fqn)
                if base_class.fqn not in stop_at:
                    queue.append(base_class)
    return ClassApi(
        resolved.fqn, home.path if home is not None else "", resolved.definition.line if resolved.definition else 1,
        members, tuple(dict.fromkeys(ancestors)), tuple(dict.fromkeys(external)), own,
    )


@dataclass(frozen=True)
class ApiGap:
    """A public member of a duplicate that the canonical lacks (`canonical` None) or has with another signature."""

    member: Member
    canonical: Member | None


def compare_apis(duplicate: ClassApi, canonical: ClassApi) -> list[ApiGap]:
    """Public members (and `__init__`) of `duplicate` that `canonical` lacks or defines with a different signature."""
    gaps: list[ApiGap] = []
    theirs = canonical.members
    for name, member in sorted(duplicate.members.items(), key=lambda item: (item[1].path, item[1].line, item[0])):
        if name != "__init__" and not is_public(name):
            continue
        if member.owner in canonical.ancestors or member.owner == canonical.fqn:
            continue  # inherited from the canonical's own hierarchy: the same member
        other = theirs.get(name)
        if other is None:
            if name == "__init__":
                if canonical.external_bases or member.signature is None or not member.signature.parameters:
                    continue
                gaps.append(ApiGap(member, Member("__init__", "method", canonical.line, canonical.fqn, canonical.path, Signature(()))))
                continue
            gaps.append(ApiGap(member, None))
        elif member.signature is not None and other.signature is not None and member.signature != other.signature:
            gaps.append(ApiGap(member, other))
    return gaps


# -- who uses a class ------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """A place in a file; `call` is (positional count, keyword names, *args, **kwargs) when it is a call."""

    path: str
    line: int
    col: int
    call: tuple[int, tuple[str, ...], bool, bool] | None = None

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}"

    def bind_problems(self, signature: Signature) -> list[str]:
        if self.call is None:
            return []
        positional, keywords, star_args, star_kwargs = self.call
        return signature.bind_problems(positional, keywords, star_args=star_args, star_kwargs=star_kwargs)


@dataclass(frozen=True)
class Subclass:
    """A class that derives directly from a duplicate."""

    path: str
    line: int
    col: int
    name: str
    uses: tuple[str, ...]


@dataclass
class ClassUsers:
    """Who relies on one class: constructions, member uses (by member name) and direct subclasses."""

    constructions: list[Site] = field(default_factory=list)
    members: dict[str, list[Site]] = field(default_factory=dict)
    subclasses: list[Subclass] = field(default_factory=list)

    def use(self, member: str, site: Site) -> None:
        self.members.setdefault(member, []).append(site)


def find_users(contexts: Iterable[FileContext], targets: Mapping[str, str]) -> dict[str, ClassUsers]:
    """Users of classes, keyed like `targets` (qualified name or re-export path -> class key).

    Instances are followed as far as a reader would without types: `x = C()`, `with C() as x`,
    parameters and variables annotated with the class, and `self.attr = <instance>` inside a class.
    """
    users: dict[str, ClassUsers] = {key: ClassUsers() for key in set(targets.values())}
    for ctx in contexts:
        _FileUsers(ctx, targets, users).collect()
    return users


def call_shape(call: cst.Call) -> tuple[int, tuple[str, ...], bool, bool]:
    positional = sum(1 for arg in call.args if arg.keyword is None and not arg.star)
    keywords = tuple(arg.keyword.value for arg in call.args if arg.keyword is not None)
    return positional, keywords, any(a.star == "*" for a in call.args), any(a.star == "**" for a in call.args)


class _FileUsers:
    def __init__(self, ctx: FileContext, targets: Mapping[str, str], users: dict[str, ClassUsers]) -> None:
        self.ctx = ctx
        self.targets = targets
        self.users = users
        # (class, attribute) -> (class node, key): `self.attribute` holds an instance inside that class.
        self.tracked_self: dict[tuple[int, str], tuple[cst.ClassDef, str]] = {}

    def collect(self) -> None:
        for node, key in self.references():
            self._reference(node, key)
        for (_owner_id, attribute), (owner, key) in list(self.tracked_self.items()):
            self._self_attribute_uses(owner, attribute, key)

    def references(self) -> list[tuple[cst.CSTNode, str]]:
        """(node, key) for every expression in the file that names a target class."""
        found: dict[int, tuple[cst.CSTNode, str]] = {}
        for scope in {id(s): s for s in self.ctx.scopes.values()}.values():
            for access in scope.accesses:
                node = access.node
                if isinstance(node, cst.SimpleString):
                    key = self._string_target(access)
                    if key is not None:
                        found.setdefault(id(node), (node, key))
                    continue
                if not isinstance(node, (cst.Name, cst.Attribute)):
                    continue
                for chain_node in self.ctx.chain_from(node):
                    hit = next((self.targets[n] for n in self.ctx.qualified_names(chain_node) if n in self.targets), None)
                    if hit is not None:
                        found.setdefault(id(chain_node), (chain_node, hit))
                        break
        return sorted(found.values(), key=lambda item: self.ctx.position(item[0]))

    def _string_target(self, access: Access) -> str | None:
        for referent in access.referents:
            qualified = self._assignment_target(referent)
            if qualified in self.targets:
                return self.targets[qualified]
        return None

    def _assignment_target(self, assignment: BaseAssignment) -> str | None:
        if isinstance(assignment, ImportAssignment):
            binding = self.ctx.binding_of_assignment.get(id(assignment))
            return binding.imported if binding is not None else None
        if isinstance(assignment, Assignment) and self.ctx.scope_of(assignment.node) is self.ctx.global_scope:
            return f"{self.ctx.info.name}.{assignment.name}"
        return None

    def _site(self, node: cst.CSTNode, call: cst.Call | None = None) -> Site:
        line, col = self.ctx.position(node)
        return Site(self.ctx.path, line, col, call_shape(call) if call is not None else None)

    def _reference(self, node: cst.CSTNode, key: str) -> None:
        parents = self.ctx.parents
        parent = parents.get(node)
        users = self.users[key]
        if isinstance(parent, cst.Call) and parent.func is node:
            users.constructions.append(self._site(parent, parent))
            self._instance(parent, key)
        elif isinstance(parent, cst.Attribute) and parent.value is node:
            self._member_use(parent, key)
        elif isinstance(parent, cst.Arg) and isinstance(parents.get(parent), cst.ClassDef):
            owner = parents[parent]
            assert isinstance(owner, cst.ClassDef)
            if any(arg is parent for arg in owner.bases):
                self._subclass(owner, key)
        else:
            self._annotated(node, key)

    def _member_use(self, attribute: cst.Attribute, key: str) -> None:
        grand = self.ctx.parents.get(attribute)
        call = grand if isinstance(grand, cst.Call) and grand.func is attribute else None
        self.users[key].use(attribute.attr.value, self._site(attribute, call))

    def _instance(self, expression: cst.CSTNode, key: str) -> None:
        """An expression that evaluates to an instance: follow it one step (attribute, assignment, `with ... as`),
        and count the protocol it is used through (`with`, `for`, a call, `await`)."""
        parent = self.ctx.parents.get(expression)
        users = self.users[key]
        if isinstance(parent, cst.Attribute) and parent.value is expression:
            self._member_use(parent, key)
        elif isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is expression:
            targets = [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]
            for target in targets:
                self._bound(target, key)
        elif isinstance(parent, cst.WithItem) and parent.item is expression:
            statement = self.ctx.parents.get(parent)
            is_async = isinstance(statement, cst.With) and statement.asynchronous is not None
            for dunder in ("__aenter__", "__aexit__") if is_async else ("__enter__", "__exit__"):
                users.use(dunder, self._site(expression))
            if parent.asname is not None:
                self._bound(parent.asname.name, key)
        elif isinstance(parent, cst.For) and parent.iter is expression:
            users.use("__aiter__" if parent.asynchronous is not None else "__iter__", self._site(expression))
        elif isinstance(parent, cst.Call) and parent.func is expression:
            users.use("__call__", self._site(parent, parent))
        elif isinstance(parent, cst.Await):
            users.use("__await__", self._site(expression))

    def _bound(self, target: cst.CSTNode, key: str) -> None:
        if isinstance(target, cst.Name):
            self._follow_name(target, key)
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == "self":
            owner = self._enclosing_class(target)
            if owner is not None:
                self.tracked_self.setdefault((id(owner), target.attr.value), (owner, key))

    def _follow_name(self, node: cst.CSTNode, key: str) -> None:
        """Uses of a name bound at `node` (a Name target or a Param)."""
        name = node.name.value if isinstance(node, cst.Param) else node.value  # type: ignore[union-attr]
        scope = self.ctx.scopes.get(node) or self.ctx.scope_of(node)
        if scope is None:
            return
        for assignment in scope.assignments[name]:
            if not isinstance(assignment, Assignment) or assignment.node is not node:
                continue
            for access in assignment.references:
                if isinstance(access.node, cst.Name):
                    self._instance(access.node, key)

    def _annotated(self, node: cst.CSTNode, key: str) -> None:
        """`param: C`, `x: C = ...`, `Optional[C]`: the annotated name holds an instance."""
        current: cst.CSTNode | None = node
        while current is not None and not isinstance(current, cst.Annotation):
            if isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.SimpleStatementLine)):
                return
            current = self.ctx.parents.get(current)
        if current is None:
            return
        owner = self.ctx.parents.get(current)
        if isinstance(owner, cst.Param) and owner.annotation is current:
            self._follow_name(owner, key)
        elif isinstance(owner, cst.AnnAssign) and owner.annotation is current:
            self._bound(owner.target, key)

    def _subclass(self, owner: cst.ClassDef, key: str) -> None:
        own = {
            statement.name.value
            for statement in owner.body.body
            if isinstance(statement, (cst.FunctionDef, cst.ClassDef))
        }
        uses: dict[str, None] = {}
        for attribute in _attributes_in(owner):
            receiver = attribute.value
            inherited = (isinstance(receiver, cst.Name) and receiver.value in ("self", "cls")) or (
                isinstance(receiver, cst.Call) and isinstance(receiver.func, cst.Name) and receiver.func.value == "super"
            )
            if inherited and attribute.attr.value not in own:
                self._member_use(attribute, key)
                uses.setdefault(attribute.attr.value, None)
        line, col = self.ctx.position(owner)
        self.users[key].subclasses.append(Subclass(self.ctx.path, line, col, owner.name.value, tuple(uses)))

    def _self_attribute_uses(self, owner: cst.CSTNode, attribute_name: str, key: str) -> None:
        for attribute in _attributes_in(owner):
            inner = attribute.value
            if (
                isinstance(inner, cst.Attribute)
                and inner.attr.value == attribute_name
                and isinstance(inner.value, cst.Name)
                and inner.value.value == "self"
            ):
                self._member_use(attribute, key)

    def _enclosing_class(self, node: cst.CSTNode) -> cst.ClassDef | None:
        current = self.ctx.parents.get(node)
        while current is not None and not isinstance(current, cst.ClassDef):
            current = self.ctx.parents.get(current)
        return current


def _attributes_in(node: cst.CSTNode) -> list[cst.Attribute]:
    found: list[cst.Attribute] = []

    class Finder(cst.CSTVisitor):
        def visit_Attribute(self, attribute: cst.Attribute) -> None:
            found.append(attribute)

    node.visit(Finder())
    return found


def describe_sites(sites: Iterable[Site], limit: int = 5) -> str:
    """`a.py:3, b.py:7 and 4 more` (each place once)."""
    unique = list(dict.fromkeys(site.where for site in sites))
    text = ", ".join(unique[:limit])
    return text + (f" and {len(unique) - limit} more" if len(unique) > limit else "")

