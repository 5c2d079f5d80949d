"""collapse-class: many duplicate classes become one canonical class, safely.

Every reference to a duplicate is rewritten with rename-import's rules (the reused
`ReferenceRewriter`); each duplicate's definition becomes an alias, a deprecated alias
served lazily by a PEP 562 module `__getattr__`, or goes. APIs are compared first.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Iterable, Mapping

import libcst as cst
from libcst.metadata import Access, Assignment, FunctionScope, ImportAssignment

from ..bindings import FileContext, ImportBinding, expression_for, string_value
from ..index import class_definitions, import_chain, import_closure
from ..names import DottedName, is_dotted_under
from ..scan import FileScan, scan_source
from ..types import Finding, Option, Severity
from ..rewrite.edits import TransformResult
from ..rewrite.references import ReferenceRewriter
from ..rewrite.rules import RenameRule, reexport_rules, rule_renames, rules_may_match
from ..rewrite.strings import rewritten_literal
from .base import Example, Kind, example_source
from .class_api import (
    ApiGap,
    ClassApi,
    ClassUsers,
    class_api,
    compare_apis,
    describe_sites,
    find_users,
    is_public,
)

if TYPE_CHECKING:
    from ..repo import RepoContext
    from ..index import RepoIndex, Resolved

LEAVE = ("alias", "deprecated-alias", "remove")
# Rewriter findings that mean a reference to an old name is still there after the plan.
# (Star imports, SSOT101, are found in the rewritten file itself.)
_UNREWRITTEN_CODES = frozenset({"SSOT103", "SSOT105", "SSOT106"})


@dataclass(frozen=True)
class Duplicate:
    """One duplicate class as prepared: where it is bound, how it relates to the canonical, what happens to it.

    `site` is how its module binds it: `class` (its own class statement), `variable`
    (`Old = Canonical`), `import` (`from m import Canonical as Old`), or None when the
    repository does not define it. `relation`: alias | subclass | independent | missing |
    collapsed. `action`: alias | deprecated-alias | remove (what its definition becomes),
    keep (references are rewritten, the definition stays) or refuse (nothing is edited).
    """

    written: str
    fqn: str
    paths: tuple[str, ...]
    module: str | None
    path: str | None
    name: str
    line: int
    site: str | None
    relation: str
    action: str


class CollapseClass(Kind):
    name = "collapse-class"
    summary = "Many duplicate classes become one canonical class: every reference follows, definitions become aliases."
    inserts_expressions = True  # definitions become aliases, `__getattr__` shims or go
    options = (
        Option("canonical", "dotted", "the class that stays (`pkg.mod.Class` or `pkg.mod:Class`)", required=True),
        Option(
            "duplicates", "dotted-list",
            "the classes that collapse onto it: where they are defined or any path that re-exports them",
            required=True,
        ),
        Option(
            "leave", "str",
            "what each duplicate's definition becomes: `alias` (`Old = Canonical`), `deprecated-alias` (removed; a "
            "module `__getattr__` serves the old name with a DeprecationWarning) or `remove`",
            default="deprecated-alias", choices=LEAVE,
        ),
        Option(
            "strict", "bool",
            "refuse (edit nothing for) a duplicate whose public API the canonical lacks or defines differently",
            default=False,
        ),
    )

    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        self.canonical: DottedName = self.values["canonical"]
        self.leave: str = self.values["leave"]
        self.strict: bool = self.values["strict"]
        self.canonical_module = ".".join(self.canonical.parts[:-1])
        self.canonical_leaf = self.canonical.leaf
        self.duplicates: tuple[Duplicate, ...] = ()
        self.rules: tuple[RenameRule, ...] = ()
        # Modules where the canonical class is a module-level name, and that name.
        self.homes: dict[str, str] = {}
        self.canonical_paths: frozenset[str] = frozenset()
        # For the canonical's module and its packages: every module importing it runs, and by whom.
        self.closures: dict[str, dict[str, str | None]] = {}
        # Every path that names a duplicate (re-exports included) -> that duplicate's fqn.
        self.owners: dict[str, str] = {}
        # Per duplicate module: imports that removing a class would leave unused but other files import from it.
        self.kept_imports: dict[str, frozenset[str]] = {}

    @classmethod
    def check(cls, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []
        canonical: DottedName = values["canonical"]
        duplicates: tuple[DottedName, ...] = values["duplicates"]
        if not duplicates:
            errors.append(("duplicates", "list at least one duplicate class"))
        for key, name in [("canonical", canonical), *(("duplicates", d) for d in duplicates)]:
            if len(name.parts) < 2 or name.is_builtin:
                errors.append((key, f"{name} is not a class of a module: write it as 'pkg.module.Class'"))
            elif name.module_len is not None and len(name.parts) - name.module_len != 1:
                errors.append((key, f"{name}: after ':' comes exactly one class name ('pkg.module:Class')"))
        seen: set[str] = set()
        for duplicate in duplicates:
            text = duplicate.dotted
            if text == canonical.dotted:
                errors.append(("duplicates", f"{text} is the canonical class; it cannot also be a duplicate"))
            elif text in seen:
                errors.append(("duplicates", f"{text} is listed twice"))
            elif is_dotted_under(canonical.dotted, text):
                errors.append(("duplicates", f"the canonical {canonical.dotted} lies inside the duplicate {text}"))
            elif any(is_dotted_under(text, other.dotted) and text != other.dotted for other in duplicates):
                errors.append(("duplicates", f"{text} lies inside another duplicate; list only the outer class"))
            seen.add(text)
        return errors

    # -- repository level ----------------------------------------------------------

    def prepare(self, repo: RepoContext) -> list[Finding]:
        index = repo.index
        findings: list[Finding] = []
        canonical = self._canonical_class(repo, findings)
        self._split_canonical(index)
        self.homes = {self.canonical_module: self.canonical_leaf}
        if canonical is not None:
            assert canonical.module is not None and canonical.definition is not None
            self.homes[canonical.module] = canonical.definition.name
        self.canonical_paths = frozenset(index.aliases_of(canonical.fqn) if canonical else ()) | {self.canonical.dotted}
        canonical_api = class_api(index, canonical) if canonical is not None else None
        refuse_all = canonical is None and not repo.importable(self.canonical)

        prepared: list[tuple[Duplicate, ClassApi | None]] = []
        seen: dict[str, Duplicate] = {}
        for written in self.values["duplicates"]:
            if refuse_all:
                text = written.dotted
                prepared.append((Duplicate(text, text, (text,), None, None, written.leaf, 1, None, "missing", "refuse"), None))
                continue
            duplicate, api = self._duplicate(repo, written, canonical, canonical_api, findings)
            if duplicate.fqn in seen and duplicate.site is not None:
                first = seen[duplicate.fqn]
                merged = replace(first, paths=tuple(dict.fromkeys(first.paths + duplicate.paths)))
                prepared = [(merged if d is first else d, a) for d, a in prepared]
                seen[duplicate.fqn] = merged
                continue
            seen[duplicate.fqn] = duplicate
            prepared.append((duplicate, api))

        names: dict[str, str] = {}
        for duplicate, _api in prepared:
            for path in duplicate.paths:
                names.setdefault(path, duplicate.fqn)
            if duplicate.site is not None:
                for alias in index.reexports(duplicate.paths):
                    names.setdefault(alias, duplicate.fqn)
        contexts = self._contexts(repo, names)
        users = find_users(contexts.values(), names)

        collapsing = {(d.path, d.name) for d, _api in prepared}
        duplicates: list[Duplicate] = []
        for duplicate, api in prepared:
            if duplicate.action != "refuse":
                duplicate = self._compare(duplicate, api, canonical_api, users[duplicate.fqn], collapsing, findings)
            duplicates.append(duplicate)
        self.duplicates = tuple(duplicates)
        self.owners = {path: fqn for path, fqn in names.items() if self.duplicate_of(fqn).action != "refuse"}
        self.closures = self._closures(index)

        base = tuple(
            RenameRule(DottedName.of(path), self.canonical)
            for duplicate in self.duplicates if duplicate.action != "refuse"
            for path in duplicate.paths
        )
        self.rules = base
        # Callers that reach a duplicate through a re-export import the canonical class from its own path:
        # one class, one import path.
        derived = reexport_rules(
            repo, base, follow=True, transform=lambda ctx, rules: _FileCollapse(self, ctx, rules).run()
        )
        self.rules = tuple(sorted(base + tuple(derived), key=lambda r: -len(r.old.parts)))
        self.kept_imports = self._kept_imports(repo, contexts)
        if any(d.action == "remove" for d in self.duplicates):
            findings.extend(self._refuse_unsafe_removals(repo, contexts))
        return findings

    def _canonical_class(self, repo: RepoContext, findings: list[Finding]) -> Resolved | None:
        classes = class_definitions(repo.index, self.canonical.dotted)
        if classes:
            return sorted(classes, key=lambda r: (r.via_fallback, r.fqn))[0]
        if repo.importable(self.canonical) and not repo.index.definitions(self.canonical.dotted):
            findings.append(self.spec_finding(
                "canonical", "warning", "SSOT412",
                f"{self.label}: {self.canonical.dotted} is outside this repository; references are rewritten but the "
                "duplicates' APIs cannot be compared with it",
            ))
            return None
        findings.append(self.spec_finding(
            "canonical", "error", "SSOT411",
            f"{self.label}: {self.canonical.dotted} is not a class this repository defines (or re-exports) nor "
            "importable; nothing was collapsed. Check the spelling of `canonical`",
        ))
        return None

    def _split_canonical(self, index: RepoIndex) -> None:
        parts = self.canonical.parts
        if self.canonical.module_len is not None:
            self.canonical_module = ".".join(parts[: self.canonical.module_len])
        else:
            split = index.split_module(self.canonical.dotted)
            module = split[0] if split is not None and len(split[1]) == 1 else ".".join(parts[:-1])
            self.canonical_module = module
        self.canonical_leaf = parts[-1]

    def _duplicate(
        self,
        repo: RepoContext,
        written: DottedName,
        canonical: Resolved | None,
        canonical_api: ClassApi | None,
        findings: list[Finding],
    ) -> tuple[Duplicate, ClassApi | None]:
        index = repo.index
        text = written.dotted
        split = index.split_module(text)
        module, attrs = split if split is not None else (None, ())
        classes = class_definitions(index, text)
        same_class = canonical is not None and any(c.fqn == canonical.fqn for c in classes)
        bound = [
            r for r in index.resolve(text)
            if r.definition is not None and r.module is not None and r.fqn == f"{r.module}.{r.definition.name}"
        ]
        site = next((r for r in bound if not (canonical is not None and r.fqn == canonical.fqn)), None)
        path = index.modules.path_of(module) if module is not None else None

        if site is None and same_class and module is not None and len(attrs) == 1:
            summary = index.summary(module)
            line = next((i.line for i in summary.imports_of(attrs[0])), 1) if summary else 1
            action = "keep" if self.leave == "alias" else self.leave
            return Duplicate(text, text, (text,), module, path, attrs[0], line, "import", "alias", action), None
        if site is None:
            name = attrs[0] if len(attrs) == 1 else written.leaf
            if module is not None and path is not None and len(attrs) == 1 and self._served_by_getattr(repo, path, name):
                relation = "collapsed"
            else:
                relation = "missing"
                findings.append(self.spec_finding(
                    "duplicates", "info", "SSOT414",
                    f"{self.label}: {text} is not defined in this repository (already removed?): its references are "
                    "rewritten; there is no definition to compare or replace",
                ))
            return Duplicate(text, text, (text,), module, path, name, 1, None, relation, "keep"), None

        assert site.definition is not None and site.module is not None
        definition = site.definition
        site_path = index.modules.path_of(site.module)
        paths = tuple(dict.fromkeys((site.fqn, text)))

        def refused(message: str) -> tuple[Duplicate, ClassApi | None]:
            findings.append(self.finding(site_path or "", definition.line, definition.col, "error", "SSOT413", message))
            return Duplicate(
                text, site.fqn, paths, site.module, site_path, definition.name, definition.line, None, "foreign", "refuse"
            ), None

        if definition.kind == "variable":
            if not same_class:
                return refused(
                    f"{self.label}: {text} is bound to `{definition.value or 'an expression'}`, not to a class of its "
                    f"own nor to {self.canonical.dotted}: list the class it names as the duplicate; nothing was edited for it"
                )
            action = "keep" if self.leave == "alias" else self.leave
            return Duplicate(
                text, site.fqn, paths, site.module, site_path, definition.name, definition.line, "variable", "alias", action
            ), None
        if definition.kind != "class":
            return refused(f"{self.label}: {text} is a {definition.kind}, not a class; nothing was edited for it")
        if same_class:
            return refused(
                f"{self.label}: {self.canonical.dotted} is an alias of {text}, whose class body lives here: collapsing "
                "would delete the canonical's own code. Name this class as `canonical`, or move its body to the "
                "canonical module first; nothing was edited for it"
            )
        stop = frozenset({canonical.fqn}) if canonical is not None else frozenset()
        api = class_api(index, site, stop_at=stop)
        if canonical_api is not None and site.fqn in canonical_api.ancestors:
            return refused(
                f"{self.label}: {self.canonical.dotted} derives from {text}: collapsing would remove the canonical's own "
                "base class; nothing was edited for it"
            )
        relation = "subclass" if canonical is not None and canonical.fqn in api.ancestors else "independent"
        return Duplicate(
            text, site.fqn, paths, site.module, site_path, definition.name, definition.line, "class", relation, self.leave
        ), api

    def _served_by_getattr(self, repo: RepoContext, path: str, name: str) -> bool:
        """Whether the module's own `__getattr__` already serves `name` (a previous deprecated-alias run)."""
        ctx = repo.context_for(path)
        if ctx is None:
            return False
        for statement in ctx.module.body:
            if isinstance(statement, cst.FunctionDef) and statement.name.value == "__getattr__":
                return any(
                    string_value(c.comparator) == name
                    for c in _nodes_of(statement, cst.ComparisonTarget)
                    if isinstance(c.comparator, cst.SimpleString)
                )
        return False

    def _contexts(self, repo: RepoContext, names: Mapping[str, str]) -> dict[str, FileContext]:
        """Every file that may mention a duplicate, parsed once for the whole preparation."""
        words = {path.rsplit(".", 1)[-1] for path in names}
        contexts: dict[str, FileContext] = {}
        for path in repo.grep(words):
            ctx = repo.context_for(path)
            if ctx is not None:
                contexts[path] = ctx
        return contexts

    def duplicate_of(self, fqn: str) -> Duplicate:
        return next(d for d in self.duplicates if d.fqn == fqn)

    def _compare(
        self,
        duplicate: Duplicate,
        api: ClassApi | None,
        canonical_api: ClassApi | None,
        users: ClassUsers,
        collapsing: set[tuple[str | None, str]],
        findings: list[Finding],
    ) -> Duplicate:
        """The easy/hard verdict, API findings (members the canonical lacks, differing signatures), subclasses
        (except those in `collapsing`, the (path, name) of every duplicate)."""
        where = (duplicate.path or "", duplicate.line, 1)
        canon = self.canonical_leaf
        if duplicate.relation == "alias":
            findings.append(self.finding(
                *where, "info", "SSOT401",
                f"{self.label}: easy case: {duplicate.written} is an alias of {self.canonical.dotted} (the same class); "
                "its references now name the canonical class",
            ))
            return duplicate
        if api is None:
            return duplicate
        gaps = compare_apis(api, canonical_api) if canonical_api is not None else []
        if duplicate.relation == "subclass":
            added = [g.member.name for g in gaps if g.member.owner == duplicate.fqn and g.canonical is None]
            overridden = sorted(
                name for name in api.own
                if canonical_api is not None and name in canonical_api.members and (is_public(name) or name == "__init__")
            )
            detail = "adds nothing public" if not added else f"adds {', '.join(added)}"
            if overridden:
                detail += f"; it overrides {', '.join(overridden)}, whose own behaviour is dropped"
            findings.append(self.finding(
                *where, "info", "SSOT401",
                f"{self.label}: easy case: {duplicate.written} is a subclass of {self.canonical.dotted} and {detail}; "
                "its references now name the canonical class",
            ))
        else:
            members = list(api.members.values())
            state = [m for m in members if m.kind in ("attribute", "instance attribute")]
            methods = [m for m in members if m.kind not in ("attribute", "instance attribute", "class")]
            public = sorted(name for name in api.members if is_public(name))
            inherited = sorted({m.owner for m in members if m.owner != duplicate.fqn})
            origin = f", through {', '.join(inherited)}" if inherited else ""
            findings.append(self.finding(
                *where, "warning", "SSOT402",
                f"{self.label}: hard case: {duplicate.written} is an independent class with its own state and behaviour "
                f"({len(methods)} method{'s' if len(methods) != 1 else ''}, {len(state)} attribute"
                f"{'s' if len(state) != 1 else ''}{origin}; public: {', '.join(public) or 'none'}); after the collapse "
                f"its users get {canon}'s behaviour instead: review the API findings for it",
            ))
        if canonical_api is None:
            findings.append(self.finding(
                *where, "warning", "SSOT412",
                f"{self.label}: the API of {duplicate.written} was not compared: {self.canonical.dotted} is outside this "
                "repository",
            ))
            if self.strict:
                return self._refuse(duplicate, "its API could not be compared with the canonical's", findings)
        for gap in gaps:
            findings.append(self._gap_finding(duplicate, gap, users, canonical_api))
        if gaps and self.strict:
            missing = [g.member.name for g in gaps if g.canonical is None]
            differing = [g.member.name for g in gaps if g.canonical is not None]
            reasons = []
            if missing:
                reasons.append(f"{canon} lacks {', '.join(missing)}")
            if differing:
                reasons.append(f"{canon} defines {', '.join(differing)} with another signature")
            return self._refuse(duplicate, "; ".join(reasons), findings)
        for subclass in users.subclasses:
            if (subclass.path, subclass.name) in collapsing:
                continue  # itself a duplicate: it goes away rather than being re-parented
            relied = [name for name in subclass.uses if canonical_api is not None and name not in canonical_api.members]
            extra = f"; it uses inherited {', '.join(relied)}, which {canon} lacks" if relied else ""
            severity: Severity = "warning" if duplicate.relation == "independent" or relied else "info"
            findings.append(self.finding(
                subclass.path, subclass.line, subclass.col, severity, "SSOT406",
                f"{self.label}: {subclass.name} derives from {duplicate.written}, which collapses onto "
                f"{self.canonical.dotted}: it is re-parented onto {canon}{extra}",
            ))
        return duplicate

    def _gap_finding(self, duplicate: Duplicate, gap: ApiGap, users: ClassUsers, canonical_api: ClassApi | None) -> Finding:
        member = gap.member
        canon = self.canonical_leaf
        owner = member.owner.rsplit(".", 1)[-1]
        sites = users.constructions if member.name == "__init__" else users.members.get(member.name, [])
        if gap.canonical is None:
            used = f"used at {describe_sites(sites)}" if sites else "no use found in this repository"
            return self.finding(
                member.path, member.line, 1, "warning", "SSOT403",
                f"{self.label}: {owner}.{member.name} ({member.kind}) is not defined on {canon}: after the collapse its "
                f"users get AttributeError; {used}",
            )
        assert gap.canonical.signature is not None and member.signature is not None
        failing = [(site, site.bind_problems(gap.canonical.signature)) for site in sites]
        failing = [(site, problems) for site, problems in failing if problems]
        if failing:
            detail = ", ".join(f"{site.where} ({problems[0]})" for site, problems in failing[:5])
            more = f" and {len(failing) - 5} more" if len(failing) > 5 else ""
            calls = f"{len(failing)} of {len(sites)} call{'s' if len(sites) != 1 else ''} would fail: {detail}{more}"
        elif len(sites) == 1:
            calls = f"the one call in this repository still binds: {describe_sites(sites)}"
        elif sites:
            calls = f"all {len(sites)} calls in this repository still bind: {describe_sites(sites)}"
        else:
            calls = "no call found in this repository"
        return self.finding(
            member.path, member.line, 1, "warning", "SSOT404",
            f"{self.label}: {owner}.{member.name}{member.signature.describe()} differs from "
            f"{canon}.{member.name}{gap.canonical.signature.describe()}; {calls}",
        )

    def _refuse(self, duplicate: Duplicate, reason: str, findings: list[Finding]) -> Duplicate:
        findings.append(self.finding(
            duplicate.path or "", duplicate.line, 1, "error", "SSOT405",
            f"{self.label}: strict: {duplicate.written} was not collapsed: {reason}; nothing was edited for it",
        ))
        return replace(duplicate, action="refuse")

    def _closures(self, index: RepoIndex) -> dict[str, dict[str, str | None]]:
        parts = self.canonical_module.split(".")
        starts = [".".join(parts[:cut]) for cut in range(len(parts), 0, -1)]
        return {start: import_closure(index, start) for start in starts if index.modules.path_of(start) is not None}

    def _kept_imports(self, repo: RepoContext, contexts: Mapping[str, FileContext]) -> dict[str, frozenset[str]]:
        """Imports of a duplicate's module that only its class used but that other files import from it."""
        kept: dict[str, frozenset[str]] = {}
        for module in {d.module for d in self.duplicates if d.site in ("class", "variable") and d.action in LEAVE}:
            assert module is not None
            path = repo.modules.path_of(module)
            ctx = contexts.get(path) if path else None
            if ctx is None:
                continue
            definitions = [
                node for d in self.duplicates if d.module == module and d.site in ("class", "variable")
                for node in _definition_nodes(ctx, d.name)
            ]
            candidates = {b.local_name for b in _imports_only_used_in(ctx, definitions)}
            if not candidates:
                continue
            imported: set[str] = set()
            for other in repo.grep([module.rsplit(".", 1)[-1]]):
                scan = repo.scan(other)
                if scan is not None and other != path:
                    imported |= scan.imported
            kept[module] = frozenset(name for name in candidates if f"{module}.{name}" in imported)
        return kept

    def _refuse_unsafe_removals(self, repo: RepoContext, contexts: Mapping[str, FileContext]) -> list[Finding]:
        """`remove` is refused while anything still references a duplicate after the plan: a dry run says what."""
        left: dict[str, list[str]] = {d.fqn: [] for d in self.duplicates if d.action == "remove"}
        paths = dict(contexts)
        for duplicate in self.duplicates:
            if duplicate.fqn in left and duplicate.path and duplicate.path not in paths:
                ctx = repo.context_for(duplicate.path)
                if ctx is not None:
                    paths[duplicate.path] = ctx
        for path, ctx in sorted(paths.items()):
            collapse = _FileCollapse(self, ctx, self.rules)
            result = collapse.run()
            for fqn, sites in collapse.left.items():
                if fqn in left:
                    left[fqn].extend(f"{path}:{line} ({what})" for line, _col, what in sites)
            data = result.module.bytes if result is not None else ctx.module.bytes
            self._remaining_in(path, ctx, scan_source(data, ctx.info, path), result, left)
        findings: list[Finding] = []
        refused = set()
        for fqn, sites in left.items():
            if not sites:
                continue
            duplicate = self.duplicate_of(fqn)
            refused.add(fqn)
            shown = list(dict.fromkeys(sites))
            listing = ", ".join(shown[:6]) + (f" and {len(shown) - 6} more" if len(shown) > 6 else "")
            findings.append(self.finding(
                duplicate.path or "", duplicate.line, 1, "error", "SSOT408",
                f"{self.label}: remove refused: {duplicate.written} is still referenced where this plan cannot rewrite "
                f"it: {listing}. The class is kept (every other reference was rewritten); fix those and plan again, "
                "or use leave = \"deprecated-alias\"",
            ))
        self.duplicates = tuple(replace(d, action="keep") if d.fqn in refused else d for d in self.duplicates)
        return findings

    def _remaining_in(
        self, path: str, ctx: FileContext, scan: FileScan, result: TransformResult | None, left: dict[str, list[str]]
    ) -> None:
        for duplicate in self.duplicates:
            if duplicate.fqn not in left:
                continue
            here = left[duplicate.fqn]
            for imported in scan.imported:
                if any(is_dotted_under(imported, p) for p in duplicate.paths):
                    here.append(f"{path} (import of {imported})")
            if duplicate.module in scan.star_modules and duplicate.module != ctx.info.name:
                here.append(f"{path} (from {duplicate.module} import *)")
            for text in scan.strings:
                if any(is_dotted_under(text, p) for p in duplicate.paths):
                    here.append(f"{path} (string {text!r})")
            for finding in result.findings if result is not None else ():
                if finding.code in _UNREWRITTEN_CODES and any(p in finding.message for p in duplicate.paths):
                    here.append(f"{path}:{finding.line} ({finding.code})")

    def renames(self) -> tuple[tuple[str, str], ...]:
        return rule_renames(self.rules)

    def prepared_state(self) -> Any:
        return {
            "rules": [(str(r.old), str(r.new), r.report_only, str(r.string_target)) for r in self.rules],
            "owners": sorted(self.owners.items()),
            "duplicates": [
                (d.fqn, d.paths, d.module, d.name, d.site, d.relation, d.action) for d in self.duplicates
            ],
            "canonical": (self.canonical_module, self.canonical_leaf, sorted(self.homes.items())),
            "canonical_paths": sorted(self.canonical_paths),
            "closures": {start: sorted(closure) for start, closure in sorted(self.closures.items())},
            "kept": {module: sorted(names) for module, names in sorted(self.kept_imports.items())},
        }

    def triggers(self) -> tuple[str, ...]:
        words = {rule.old.leaf for rule in self.rules}
        words |= {d.name for d in self.duplicates if d.action != "refuse" and d.site is not None}
        return tuple(sorted(words))

    def candidate_paths(self) -> frozenset[str]:
        return frozenset(d.path for d in self.duplicates if d.path and d.site is not None and d.action != "refuse")

    def confirm(self, scan: FileScan) -> bool:
        if scan.summary is not None and scan.summary.module in self._local_modules():
            return True
        return rules_may_match(scan, self.rules, "calls")

    def _local_modules(self) -> set[str]:
        return {d.module for d in self.duplicates if d.module and d.site is not None and d.action != "refuse"}

    # -- per file --------------------------------------------------------------------

    def mode_of(self, module: str) -> str:
        """`home` (the canonical is a module-level name here), `cycle` (the canonical's module imports this
        one, so a top-level import of it here would close a cycle) or `normal`."""
        if module in self.homes:
            return "home"
        for start, closure in self.closures.items():
            if start != self.canonical_module and is_dotted_under(module, start):
                continue  # a package being initialised already when this module runs
            if module in closure:
                return "cycle"
        return "normal"

    def cycle_text(self, module: str) -> str:
        """`a -> b -> a`: the import cycle a top-level import of the canonical's module in `module` would close."""
        for start, closure in self.closures.items():
            chain = import_chain(closure, module)
            if chain is not None:
                return " -> ".join([*chain, chain[0]] if start == self.canonical_module else [*chain, start])
        return module

    def transform(self, ctx: FileContext) -> TransformResult | None:
        return _FileCollapse(self, ctx, self.rules).run()


@dataclass
class _Reference:
    """One place in a file that names a duplicate: a Name/Attribute, or a string annotation holding `names`."""

    accesses: list[Access]
    node: cst.CSTNode
    owner: str
    names: tuple[str, ...] = ()

    @property
    def is_string(self) -> bool:
        return isinstance(self.node, cst.SimpleString)


class _FileCollapse:
    """collapse-class on one file: the ReferenceRewriter's edits, then local references and definitions."""

    def __init__(self, kind: CollapseClass, ctx: FileContext, rules: Iterable[RenameRule]) -> None:
        self.kind = kind
        self.ctx = ctx
        self.module = ctx.info.name
        self.mode = kind.mode_of(self.module)
        self.rules = tuple(rules)
        self.rewriter = ReferenceRewriter(ctx, self.rules, codemod=kind, rewrite_imports=self.mode == "normal")
        self.edits = self.rewriter.edits
        self.olds = {r.old.dotted for r in self.rules if not r.report_only}
        self.local = [
            d for d in kind.duplicates
            if d.module == self.module and d.site is not None and d.action != "refuse"
        ]
        # Duplicate fqn -> (line, col, why) of references this file keeps.
        self.left: dict[str, list[tuple[int, int, str]]] = {}
        self.rewritten: set[int] = set()
        self.removed: list[cst.CSTNode] = []
        self.references: list[_Reference] = []
        self._module_name: str | None = None
        self._module_name_failed = False

    def run(self) -> TransformResult | None:
        self.rewriter.collect()
        references = self.references = self._references()
        for reference in references:
            self._rewrite(reference)
        if self.mode != "normal":
            self._tidy_imports()
        self._definitions()
        self._merge_class_tuples()
        return self.rewriter.result()

    # -- finding what names a duplicate ------------------------------------------------------

    def _references(self) -> list[_Reference]:
        found: dict[int, _Reference] = {}
        own_classes = [node for d in self.local if d.action in LEAVE for node in _class_nodes(self.ctx, d.name)]
        for duplicate in self.local:
            if duplicate.relation == "alias" and duplicate.action == "keep":
                continue  # already the canonical class under another name, and staying so
            for assignment in self.ctx.global_scope.assignments[duplicate.name]:
                for access in assignment.references:
                    _add_reference(found, access, access.node, duplicate.fqn, duplicate.name)
        if self.mode != "normal":
            for scope in {id(s): s for s in self.ctx.scopes.values()}.values():
                for access in scope.accesses:
                    self._qualified_reference(access, found)
        references = [r for r in found.values() if not _inside(self.ctx, r.node, own_classes)]
        return sorted(references, key=lambda r: self.ctx.position(r.node))

    def _qualified_reference(self, access: Access, found: dict[int, _Reference]) -> None:
        node = access.node
        if isinstance(node, cst.SimpleString):
            for referent in access.referents:
                binding = self.ctx.binding_of_assignment.get(id(referent)) if isinstance(referent, ImportAssignment) else None
                if binding is not None and binding.imported in self.olds:
                    owner = self.kind.owners.get(binding.imported, binding.imported)
                    _add_reference(found, access, node, owner, binding.local_name)
            return
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return
        for chain_node in self.ctx.chain_from(node):
            hit = next((n for n in sorted(self.ctx.qualified_names(chain_node)) if n in self.olds), None)
            if hit is not None:
                _add_reference(found, access, chain_node, self.kind.owners.get(hit, hit), None)
                return

    # -- rewriting references ---------------------------------------------------------------

    def _rewrite(self, reference: _Reference) -> None:
        name = self._name_at(reference)
        if name is None:
            return
        node = reference.node
        if isinstance(node, cst.SimpleString):
            new = _renamed_in_string(node, reference.names, name)
            if new is None:
                self._keep(reference, "a string annotation that cannot be rewritten")
                return
            if new is not node:
                self.edits.replace_node(node, new)
                self.rewriter.positions.append(self.ctx.position(node))
        elif self.ctx.code(node) != name:
            self.edits.replace_node(node, cst.Name(name))
            self.rewriter.positions.append(self.ctx.position(node))
        self.rewritten.update(id(access) for access in reference.accesses)

    def _name_at(self, reference: _Reference) -> str | None:
        """The name the canonical class has at a reference (adding the import it needs), or None to keep it."""
        function, deferred = _enclosing_function(self.ctx, reference.node)
        if self.mode == "home":
            name = self.kind.homes[self.module]
            defined_at = self._home_line()
            if not deferred and defined_at is not None and self.ctx.position(reference.node)[0] < defined_at:
                self._keep(reference, f"used at import time before {name} is defined")
                return None
            return name
        if self.mode == "cycle":
            if reference.is_string or function is None:
                chain = self.kind.cycle_text(self.module)
                what = "a string annotation" if reference.is_string else "module level"
                self._keep(
                    reference,
                    f"{what}: a top-level import of {self.kind.canonical_module} here would close the import cycle "
                    f"{chain}; move this use into a function or break the cycle",
                )
                return None
            name = self._function_name(function)
            if name is None:
                self._keep(reference, f"{self.kind.canonical_leaf} is already bound in `{function.name.value}`")
            return name
        name = self._module_level_name()
        if name is None:
            self._keep(reference, f"{self.kind.canonical_leaf} is already bound in this module")
        return name

    def _keep(self, reference: _Reference, why: str) -> None:
        line, col = self.ctx.position(reference.node)
        self.left.setdefault(reference.owner, []).append((line, col, why))
        self._finding(
            reference.node, "warning", "SSOT407",
            f"{self.kind.label}: this reference to {reference.owner} is kept: {why}",
        )

    def _finding(self, node: cst.CSTNode, severity: Severity, code: str, message: str) -> None:
        line, col = self.ctx.position(node)
        self.rewriter.findings.append(self.kind.finding(self.ctx.path, line, col, severity, code, message))

    def _home_line(self) -> int | None:
        name = self.kind.homes[self.module]
        lines = [
            self.ctx.position(a.node)[0] for a in self.ctx.global_scope.assignments[name]
            if isinstance(a, (Assignment, ImportAssignment))
        ]
        return min(lines) if lines else None

    def _function_name(self, function: cst.FunctionDef) -> str | None:
        """The canonical's name inside a function, through a function-local import (added once per function)."""
        leaf = self.kind.canonical_leaf
        scope = self.ctx.scopes.get(function.body) or self.ctx.scope_of(function.body)
        if not isinstance(scope, FunctionScope):
            return None
        for assignment in scope.assignments[leaf]:
            binding = self.ctx.binding_of_assignment.get(id(assignment))
            if binding is not None and binding.bound in self.kind.canonical_paths:
                return leaf
            return None
        for access in scope.accesses[leaf]:
            if any(not self._is_canonical_binding(r) for r in access.referents):
                return None
        self.edits.add_function_import(function, self.kind.canonical_module, leaf)
        return leaf

    def _is_canonical_binding(self, assignment: Any) -> bool:
        binding = self.ctx.binding_of_assignment.get(id(assignment))
        return binding is not None and binding.bound in self.kind.canonical_paths

    def _module_level_name(self) -> str | None:
        """The canonical's module-level name here: an import that exists or that the rewriter just wrote, else a
        new `from <canonical module> import <Canonical>` (`as _<Canonical>` when that name is taken)."""
        if self._module_name is not None or self._module_name_failed:
            return self._module_name
        local_names = {d.name for d in self.local}
        for binding in self.ctx.imports:
            if binding.is_star or binding.alias is None or not self._top_level(binding.line):
                continue
            if binding.bound in self.kind.canonical_paths and binding.local_name not in local_names:
                if id(binding) not in self.rewriter.plan_of:
                    self._module_name = binding.local_name
                    return self._module_name
        for plan in self.rewriter.plans:
            if (
                plan.relation == "moved" and plan.local_after and not plan.expression_rest
                and plan.rule.new.dotted == self.kind.canonical.dotted and self._top_level(plan.binding.line)
            ):
                self._module_name = plan.local_after
                return self._module_name
        leaf = self.kind.canonical_leaf
        for candidate in (leaf, f"_{leaf}"):
            if self._free_at_module_level(candidate):
                self.edits.add_module_level_from_import(
                    self.kind.canonical_module, leaf, candidate if candidate != leaf else None
                )
                self._module_name = candidate
                return candidate
        self._module_name_failed = True
        return None

    def _free_at_module_level(self, name: str) -> bool:
        """Nothing else is bound to `name` at module level, except a duplicate class of that name whose
        alias the new import becomes; and no function binds it where a reference is rewritten."""
        for assignment in self.ctx.global_scope.assignments[name]:
            duplicate = next((d for d in self.local if d.name == name), None)
            if duplicate is None or duplicate.action != "alias" or not isinstance(assignment.node, cst.ClassDef):
                return False
        for reference in self.references:
            scope = self.ctx.scope_of(reference.node)
            for enclosing in self.ctx.enclosing_scopes(scope) if scope is not None else ():
                if enclosing is not self.ctx.global_scope and enclosing.assignments[name]:
                    return False
        return True

    def _top_level(self, line: cst.CSTNode) -> bool:
        return any(statement is line for statement in self.ctx.module.body)

    def _tidy_imports(self) -> None:
        """Imports of a duplicate that every use left (cycle and home modules, where this kind places imports)."""
        exported = self.ctx.exported_names()
        for binding in self.ctx.imports:
            if binding.is_star or binding.alias is None or binding.imported not in self.olds:
                continue
            accesses = binding.accesses()
            if accesses and all(id(a) in self.rewritten for a in accesses) and not (
                binding.is_module_level and binding.local_name in exported
            ):
                self.edits.remove_alias(binding.alias)
                self.rewriter.positions.append(self.ctx.position(binding.alias))
            elif binding.is_module_level:
                owner = self.kind.owners.get(binding.imported, binding.imported)
                line, col = self.ctx.position(binding.alias)
                why = "still used at module level" if accesses else "a re-export"
                self.left.setdefault(owner, []).append((line, col, f"import kept: {why}"))
                if self.mode == "cycle" and not accesses:
                    self._finding(
                        binding.alias, "warning", "SSOT407",
                        f"{self.kind.label}: the import of {binding.imported} is kept ({why}): importing "
                        f"{self.kind.canonical_module} at the top of this module would close the import cycle "
                        f"{self.kind.cycle_text(self.module)}",
                    )

    def _merge_class_tuples(self) -> None:
        """`isinstance(x, (Old, Older))` and `except (Old, Older):` name one class twice after the rewrite: once."""
        if not self.edits.nodes:
            return
        for node in _nodes_of(self.ctx.module, (cst.Call, cst.ExceptHandler)):
            if isinstance(node, cst.Call):
                names = self.ctx.qualified_names(node.func)
                positional = [a for a in node.args if a.keyword is None and not a.star]
                if not names & {"builtins.isinstance", "builtins.issubclass"} or len(positional) != 2:
                    continue
                holder, classes = positional[1], positional[1].value
            else:
                holder, classes = node, node.type
            if not isinstance(classes, cst.Tuple):
                continue
            if any(id(e.value) in self.edits.nodes for e in classes.elements):
                self.edits.replace_node(holder, _merge_holder)

    # -- definitions ------------------------------------------------------------------------

    def _definitions(self) -> None:
        removed_names: list[str] = []
        deprecated: list[str] = []
        removed_statements: set[int] = set()
        for duplicate in self.local:
            if duplicate.action not in LEAVE:
                continue
            if self.left.get(duplicate.fqn):
                self._definition_kept(duplicate, "references to it stay at module level here, see SSOT407")
                continue
            done = self._replace_definition(duplicate, removed_statements)
            if not done:
                continue
            if duplicate.action in ("deprecated-alias", "remove"):
                removed_names.append(duplicate.name)
            if duplicate.action == "deprecated-alias":
                deprecated.append(duplicate.name)
        deprecated.extend(self._keep_reexported_names())
        if removed_names:
            self._drop_from_all(removed_names)
        if deprecated:
            self._serve_deprecated(deprecated)
        if self.removed:
            self._drop_unused_imports()
        if any(d.action == "remove" for d in self.local) and removed_statements:
            self._report_emptied(removed_statements)

    def _keep_reexported_names(self) -> list[str]:
        """A package (or a module listing it in `__all__`) that re-exported a duplicate keeps serving the old
        name as `leave` says: `Old = Canonical` (alias) or through `__getattr__` (the names returned)."""
        if self.mode != "normal":
            return []
        exported = self.ctx.exported_names()
        served: list[str] = []
        for plan in self.rewriter.plans:
            binding = plan.binding
            old = binding.local_name
            new = self.rewriter.exports.get(old)
            if plan.relation != "moved" or new is None or new == old or not self._top_level(binding.line):
                continue
            if not (self.ctx.info.is_package or old in exported) or any(d.name == old for d in self.local):
                continue
            owner = self.kind.owners.get(binding.imported)
            action = self.kind.duplicate_of(owner).action if owner else None
            if action == "alias":
                alias = cst.Assign(targets=[cst.AssignTarget(cst.Name(old))], value=expression_for(new))
                self.edits.after.setdefault(id(binding.line), []).append(alias)
            elif action == "deprecated-alias":
                served.append(old)
        return served

    def _definition_kept(self, duplicate: Duplicate, why: str) -> None:
        line = duplicate.line
        self.rewriter.findings.append(self.kind.finding(
            self.ctx.path, line, 1, "error", "SSOT410",
            f"{self.kind.label}: the definition of {duplicate.written} is kept: {why}; its other references "
            "were rewritten",
        ))

    def _replace_definition(self, duplicate: Duplicate, removed_statements: set[int]) -> bool:
        assignments = list(self.ctx.global_scope.assignments[duplicate.name])
        if duplicate.site == "class":
            classes = [a.node for a in assignments if isinstance(a.node, cst.ClassDef)]
            if not classes:
                return False
            if duplicate.action == "alias":
                return self._alias_classes(duplicate, classes, removed_statements)
            for node in classes:
                self.edits.remove_statement(node)  # type: ignore[arg-type]
                self.removed.append(node)
                removed_statements.add(id(node))
                self.rewriter.positions.append(self.ctx.position(node))
            return True
        if duplicate.site == "variable":
            statements = []
            for assignment in assignments:
                statement = _simple_assignment_line(self.ctx, assignment.node)
                if statement is None:
                    if isinstance(assignment, Assignment):
                        self._definition_kept(duplicate, "it is bound by a statement that binds other names too")
                        return False
                    continue
                statements.append(statement)
            for statement in statements:
                self.edits.remove_statement(statement)
                self.removed.append(statement)
                removed_statements.add(id(statement))
                self.rewriter.positions.append(self.ctx.position(statement))
            return bool(statements)
        bindings = [self.ctx.binding_of_assignment.get(id(a)) for a in assignments]
        aliases = [b.alias for b in bindings if b is not None and b.alias is not None and b.is_module_level]
        for alias in aliases:
            self.edits.remove_alias(alias)
            self.rewriter.positions.append(self.ctx.position(alias))
        return bool(aliases)

    def _alias_classes(self, duplicate: Duplicate, classes: list[cst.CSTNode], removed_statements: set[int]) -> bool:
        if self.mode == "cycle":
            self._definition_kept(
                duplicate,
                f"`{duplicate.name} = {self.kind.canonical_leaf}` needs a top-level import of "
                f"{self.kind.canonical_module}, which would close the import cycle {self.kind.cycle_text(self.module)}; "
                "leave = \"deprecated-alias\" imports it lazily instead",
            )
            return False
        if self.mode == "home":
            name: str | None = self.kind.homes[self.module]
            defined_at = self._home_line()
        else:
            name = self._module_level_name()
            defined_at = None
        if name is None:
            self._definition_kept(duplicate, f"{self.kind.canonical_leaf} is already bound in this module")
            return False
        for node in classes:
            assert isinstance(node, cst.ClassDef)
            self.removed.append(node)
            self.rewriter.positions.append(self.ctx.position(node))
            if name == duplicate.name:
                self.edits.remove_statement(node)
                removed_statements.add(id(node))
                continue
            alias = cst.SimpleStatementLine(
                body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(duplicate.name))], value=cst.Name(name))],
                leading_lines=node.leading_lines,
            )
            if defined_at is not None and self.ctx.position(node)[0] < defined_at:
                # The canonical is defined further down: the alias has to come after it.
                self.edits.remove_statement(node)
                self.edits.tail.append(alias.with_changes(leading_lines=()))
            else:
                self.edits.replace_node(node, alias)
        return True

    def _drop_from_all(self, names: list[str]) -> None:
        containers: dict[int, cst.CSTNode] = {}
        for value, node in self.ctx.all_entries():
            element = self.ctx.parents.get(node)
            container = self.ctx.parents.get(element) if isinstance(element, cst.Element) else None
            if value in names and isinstance(container, (cst.List, cst.Tuple, cst.Set)):
                containers[id(container)] = container
                self.rewriter.positions.append(self.ctx.position(node))
        for container in containers.values():
            self.edits.drop_entries(container, names)

    def _serve_deprecated(self, deprecated: list[str]) -> None:
        """A PEP 562 module `__getattr__` that serves each old name with a DeprecationWarning (extended if present)."""
        existing = next(
            (s for s in self.ctx.module.body if isinstance(s, cst.FunctionDef) and s.name.value == "__getattr__"), None
        )
        if existing is not None and existing.params.params:
            parameter = existing.params.params[0].name.value
            blocks = self._getattr_blocks(deprecated, parameter)
            self.edits.replace_node(existing, lambda updated: _prepend_to_function(updated, blocks))
            self.rewriter.positions.append(self.ctx.position(existing))
            return
        text = "def __getattr__(name: str) -> object:\n"
        text += textwrap.indent(self._getattr_text(deprecated, "name"), "    ")
        text += '    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")\n'
        self.edits.tail.append(cst.parse_statement(text))

    def _getattr_text(self, deprecated: list[str], parameter: str) -> str:
        home = self.kind.homes.get(self.module) if self.mode == "home" else None
        leaf = home or self.kind.canonical_leaf
        lines = []
        for name in deprecated:
            message = f"{name} is deprecated; use {self.kind.canonical.dotted}"
            lines.append(f'if {parameter} == "{name}":\n    import warnings\n\n')
            if home is None:
                lines.append(f"    from {self.kind.canonical_module} import {leaf}\n\n")
            lines.append(
                f'    warnings.warn(\n        "{message}",\n        DeprecationWarning,\n        stacklevel=2,\n    )\n'
                f"    return {leaf}\n"
            )
        return "".join(lines)

    def _getattr_blocks(self, deprecated: list[str], parameter: str) -> list[cst.BaseStatement]:
        return list(cst.parse_module(self._getattr_text(deprecated, parameter)).body)

    def _drop_unused_imports(self) -> None:
        kept = self.kind.kept_imports.get(self.module, frozenset())
        for binding in _imports_only_used_in(self.ctx, self.removed):
            if binding.local_name in kept or binding.local_name == self._module_name:
                continue
            if id(binding) in self.rewriter.plan_of or binding.alias is None:
                continue
            self.edits.remove_alias(binding.alias)

    def _report_emptied(self, removed_statements: set[int]) -> None:
        remaining = [
            s for s in self.ctx.module.body if id(s) not in removed_statements and not _is_bookkeeping(s)
        ]
        if not remaining:
            self.rewriter.findings.append(self.kind.finding(
                self.ctx.path, 1, 1, "warning", "SSOT409",
                f"{self.kind.label}: {self.module} defines nothing any more; the file is kept: delete it once nothing "
                "imports it",
            ))


# -- syntax helpers --------------------------------------------------------------------------


def _nodes_of(node: cst.CSTNode, kind: type | tuple[type, ...]) -> list[Any]:
    found: list[Any] = []

    class Finder(cst.CSTVisitor):
        def on_visit(self, visited: cst.CSTNode) -> bool:
            if isinstance(visited, kind):
                found.append(visited)
            return True

    node.visit(Finder())
    return found


def _class_nodes(ctx: FileContext, name: str) -> list[cst.ClassDef]:
    return [a.node for a in ctx.global_scope.assignments[name] if isinstance(a.node, cst.ClassDef)]


def _definition_nodes(ctx: FileContext, name: str) -> list[cst.CSTNode]:
    """The class statements and `Name = value` lines that bind `name` at module level."""
    found: list[cst.CSTNode] = list(_class_nodes(ctx, name))
    for assignment in ctx.global_scope.assignments[name]:
        line = _simple_assignment_line(ctx, assignment.node)
        if line is not None:
            found.append(line)
    return found


def _inside(ctx: FileContext, node: cst.CSTNode, containers: list[cst.CSTNode]) -> bool:
    if not containers:
        return False
    ids = {id(c) for c in containers}
    current: cst.CSTNode | None = ctx.parents.get(node)
    while current is not None:
        if id(current) in ids:
            return True
        current = ctx.parents.get(current)
    return False


def _enclosing_function(ctx: FileContext, node: cst.CSTNode) -> tuple[cst.FunctionDef | None, bool]:
    """(innermost function whose body holds `node`, whether `node` runs only when called).

    Decorators, defaults and annotations run where the function is defined; a lambda body runs
    later but has no statement block to put an import in.
    """
    child = node
    parent = ctx.parents.get(child)
    deferred = False
    while parent is not None:
        if isinstance(parent, cst.FunctionDef) and child is parent.body:
            return parent, True
        if isinstance(parent, cst.Lambda) and child is parent.body:
            deferred = True
        child, parent = parent, ctx.parents.get(parent)
    return None, deferred


def _add_reference(
    found: dict[int, _Reference], access: Access, node: cst.CSTNode, owner: str, name: str | None
) -> None:
    """Record a reference; a string annotation naming several duplicates is one reference to all of them."""
    reference = found.get(id(node))
    if reference is None:
        found[id(node)] = _Reference([access], node, owner, (name,) if name and isinstance(node, cst.SimpleString) else ())
        return
    reference.accesses.append(access)
    if name and isinstance(node, cst.SimpleString) and name not in reference.names:
        reference.names += (name,)


def _renamed_in_string(node: cst.SimpleString, old: tuple[str, ...], new: str) -> cst.SimpleString | None:
    """A string annotation with the names `old` (not attributes of other things) written as `new`."""
    value = string_value(node)
    if value is None:
        return None
    try:
        expression = cst.parse_expression(value)
    except cst.ParserSyntaxError:
        return None

    class Renamer(cst.CSTTransformer):
        def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
            return updated.with_changes(attr=original.attr)

        def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
            return updated.with_changes(value=new) if original.value in old else updated

    text = cst.Module([]).code_for_node(expression.visit(Renamer()))
    if text == value:
        return node
    return rewritten_literal(node, value, text)


def _simple_assignment_line(ctx: FileContext, target: cst.CSTNode) -> cst.SimpleStatementLine | None:
    """The line of `Old = value` when it is a statement of its own binding only that name."""
    assign = ctx.parents.get(ctx.parents.get(target)) if isinstance(target, cst.Name) else None
    line = ctx.parents.get(assign) if assign is not None else None
    if (
        isinstance(assign, cst.Assign) and len(assign.targets) == 1 and assign.targets[0].target is target
        and isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1
    ):
        return line
    return None


def _imports_only_used_in(ctx: FileContext, containers: list[cst.CSTNode]) -> list[ImportBinding]:
    """Module-level imports whose every use lies inside `containers` (and that `__all__` does not export)."""
    if not containers:
        return []
    exported = ctx.exported_names()
    found = []
    for binding in ctx.imports:
        if binding.is_star or binding.alias is None or not binding.is_module_level or binding.local_name in exported:
            continue
        accesses = binding.accesses()
        if accesses and all(_inside(ctx, access.node, containers) for access in accesses):
            found.append(binding)
    return found


def _merge_holder(holder: cst.CSTNode) -> cst.CSTNode:
    """An `isinstance` argument or `except` clause whose tuple of classes names one twice: each once (a single
    class is written bare)."""
    classes = holder.value if isinstance(holder, cst.Arg) else holder.type  # type: ignore[attr-defined]
    if not isinstance(classes, cst.Tuple):
        return holder
    seen: set[str] = set()
    kept: list[cst.BaseElement] = []
    for element in classes.elements:
        text = cst.Module([]).code_for_node(element.value)
        if text not in seen:
            seen.add(text)
            kept.append(element)
    if len(kept) == len(classes.elements):
        return holder
    if len(kept) == 1:
        merged: cst.BaseExpression = kept[0].value
    else:
        if classes.elements[-1] is not kept[-1]:
            kept[-1] = kept[-1].with_changes(comma=classes.elements[-1].comma)
        merged = classes.with_changes(elements=kept)
    return holder.with_changes(value=merged) if isinstance(holder, cst.Arg) else holder.with_changes(type=merged)


def _prepend_to_function(function: cst.FunctionDef, blocks: list[cst.BaseStatement]) -> cst.FunctionDef:
    body = function.body
    if isinstance(body, cst.SimpleStatementSuite):
        return function.with_changes(body=cst.IndentedBlock(body=[*blocks, cst.SimpleStatementLine(body=list(body.body))]))
    statements = list(body.body)
    first = statements[0] if statements else None
    is_docstring = (
        isinstance(first, cst.SimpleStatementLine) and len(first.body) == 1 and isinstance(first.body[0], cst.Expr)
        and isinstance(first.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )
    position = 1 if is_docstring else 0
    return function.with_changes(body=body.with_changes(body=[*statements[:position], *blocks, *statements[position:]]))


def _is_bookkeeping(statement: cst.CSTNode) -> bool:
    """Docstrings, imports, `__all__` and `pass`: what is left of a module that no longer defines anything."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    for small in statement.body:
        if isinstance(small, (cst.Import, cst.ImportFrom, cst.Pass)):
            continue
        if isinstance(small, cst.Expr) and isinstance(small.value, (cst.SimpleString, cst.ConcatenatedString)):
            continue
        if isinstance(small, (cst.Assign, cst.AugAssign, cst.AnnAssign)):
            targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
            if all(isinstance(t, cst.Name) and t.value == "__all__" for t in targets):
                continue
        return False
    return True


# -- before/after table -------------------------------------------------------------------------


_CANONICAL = "pkg.websocket_manager.UnifiedWebSocketManager"
_FILES = {
    "pkg/__init__.py": "",
    "app/__init__.py": "",
    "pkg/websocket_manager.py": example_source(
        """
        class UnifiedWebSocketManager:
            def __init__(self, user_id=None):
                self.user_id = user_id

            def send(self, message):
                return message
        """
    ),
}
_SUBCLASS = example_source(
    """
    from pkg.websocket_manager import UnifiedWebSocketManager


    class WebSocketManager(UnifiedWebSocketManager):
        \"\"\"Kept for old imports.\"\"\"
    """
)


def _getattr(names: list[str], *, import_line: bool = True, leaf: str = "UnifiedWebSocketManager") -> str:
    blocks = ""
    for name in names:
        imported = f"\n        from pkg.websocket_manager import {leaf}\n" if import_line else ""
        blocks += (
            f'    if name == "{name}":\n        import warnings\n{imported}\n'
            f'        warnings.warn(\n            "{name} is deprecated; use {_CANONICAL}",\n'
            f"            DeprecationWarning,\n            stacklevel=2,\n        )\n        return {leaf}\n"
        )
    return (
        "def __getattr__(name: str) -> object:\n" + blocks
        + '    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")\n'
    )


def _case(
    title: str,
    files: Mapping[str, str],
    after: Mapping[str, str],
    *,
    duplicates: tuple[str, ...] = ("pkg.legacy.WebSocketManager",),
    findings: tuple[str, ...] = (),
    **options: Any,
) -> Example:
    codemod = {"canonical": _CANONICAL, "duplicates": list(duplicates), **options}
    before = {**_FILES, **{path: example_source(text) for path, text in files.items()}}
    return Example(title, codemod, before, {path: example_source(text) for path, text in after.items()}, findings)


CollapseClass.examples = (
    _case(
        "a subclass duplicate: imports, construction, isinstance, annotations, class attributes and mock.patch follow",
        {
            "pkg/legacy.py": _SUBCLASS,
            "app/use.py": """
                from unittest import mock

                from pkg.legacy import WebSocketManager


                class Handler:
                    manager_class = WebSocketManager

                    def __init__(self, manager: "WebSocketManager") -> None:
                        assert isinstance(manager, WebSocketManager)
                        self.manager = manager


                @mock.patch("pkg.legacy.WebSocketManager")
                def test_handler(patched):
                    return Handler(WebSocketManager())
                """,
        },
        {
            "app/use.py": """
                from unittest import mock

                from pkg.websocket_manager import UnifiedWebSocketManager


                class Handler:
                    manager_class = UnifiedWebSocketManager

                    def __init__(self, manager: "UnifiedWebSocketManager") -> None:
                        assert isinstance(manager, UnifiedWebSocketManager)
                        self.manager = manager


                @mock.patch("pkg.websocket_manager.UnifiedWebSocketManager")
                def test_handler(patched):
                    return Handler(UnifiedWebSocketManager())
                """,
            "pkg/legacy.py": _getattr(["WebSocketManager"]),
        },
        findings=("SSOT401",),
    ),
    _case(
        "references inside the duplicate's own module follow too; the class gives way to a lazy __getattr__",
        {
            "pkg/legacy.py": """
                \"\"\"Old home of the manager.\"\"\"
                from pkg.websocket_manager import UnifiedWebSocketManager


                class WebSocketManager(UnifiedWebSocketManager):
                    pass


                def default_manager() -> "WebSocketManager":
                    return WebSocketManager()
                """,
        },
        {
            "pkg/legacy.py": example_source("""
                \"\"\"Old home of the manager.\"\"\"
                from pkg.websocket_manager import UnifiedWebSocketManager


                def default_manager() -> "UnifiedWebSocketManager":
                    return UnifiedWebSocketManager()


                """) + _getattr(["WebSocketManager"]),
        },
        findings=("SSOT401",),
    ),
    _case(
        "leave = 'alias': the class becomes `Old = Canonical` under the name the module already imports it by",
        {
            "pkg/legacy.py": """
                from pkg.websocket_manager import UnifiedWebSocketManager as Base


                class WebSocketManager(Base):
                    pass


                def make():
                    return WebSocketManager()
                """,
        },
        {
            "pkg/legacy.py": """
                from pkg.websocket_manager import UnifiedWebSocketManager as Base


                WebSocketManager = Base


                def make():
                    return Base()
                """,
        },
        leave="alias",
        findings=("SSOT401",),
    ),
    _case(
        "leave = 'alias' for an independent class of the same name: an import of the canonical takes its place",
        {
            "pkg/old.py": """
                class UnifiedWebSocketManager:
                    def __init__(self, user_id=None):
                        self.user_id = user_id

                    def send(self, message):
                        return message


                DEFAULT = UnifiedWebSocketManager
                """,
        },
        {
            "pkg/old.py": """
                from pkg.websocket_manager import UnifiedWebSocketManager

                DEFAULT = UnifiedWebSocketManager
                """,
        },
        duplicates=("pkg.old.UnifiedWebSocketManager",),
        leave="alias",
        findings=("SSOT402",),
    ),
    _case(
        "two duplicates imported side by side become one import; a tuple of classes names the canonical once",
        {
            "pkg/legacy.py": _SUBCLASS,
            "pkg/emergency.py": """
                from pkg.websocket_manager import UnifiedWebSocketManager

                EmergencyWebSocketManager = UnifiedWebSocketManager
                """,
            "app/use.py": """
                from pkg.emergency import EmergencyWebSocketManager
                from pkg.legacy import WebSocketManager


                def is_manager(obj):
                    return isinstance(obj, (WebSocketManager, EmergencyWebSocketManager))


                def close(manager):
                    try:
                        manager.close()
                    except (EmergencyWebSocketManager, WebSocketManager, ValueError):
                        pass
                """,
        },
        {
            "app/use.py": """
                from pkg.websocket_manager import UnifiedWebSocketManager


                def is_manager(obj):
                    return isinstance(obj, UnifiedWebSocketManager)


                def close(manager):
                    try:
                        manager.close()
                    except (UnifiedWebSocketManager, ValueError):
                        pass
                """,
            "pkg/emergency.py": _getattr(["EmergencyWebSocketManager"]),
            "pkg/legacy.py": _getattr(["WebSocketManager"]),
        },
        duplicates=("pkg.legacy.WebSocketManager", "pkg.emergency.EmergencyWebSocketManager"),
        findings=("SSOT401", "SSOT401"),
    ),
    _case(
        "a duplicate named through its package's re-export: the package keeps serving the old name, deprecated",
        {
            "pkg/compat/__init__.py": """
                from .legacy import LegacyManager

                __all__ = ["LegacyManager"]
                """,
            "pkg/compat/legacy.py": """
                from ..websocket_manager import UnifiedWebSocketManager


                class LegacyManager(UnifiedWebSocketManager):
                    pass
                """,
            "app/use.py": """
                from pkg.compat import LegacyManager

                manager = LegacyManager()
                """,
        },
        {
            "app/use.py": """
                from pkg.websocket_manager import UnifiedWebSocketManager

                manager = UnifiedWebSocketManager()
                """,
            "pkg/compat/__init__.py": example_source("""
                from ..websocket_manager import UnifiedWebSocketManager

                __all__ = ["UnifiedWebSocketManager"]


                """) + _getattr(["LegacyManager"]),
            "pkg/compat/legacy.py": _getattr(["LegacyManager"]),
        },
        duplicates=("pkg.compat.LegacyManager",),
        findings=("SSOT401",),
    ),
    _case(
        "leave = 'alias' through a package: it keeps `Old = Canonical`, lists the canonical once in __all__, and its "
        "callers import the canonical from its own module",
        {
            "pkg/core/__init__.py": """
                from ..websocket_manager import UnifiedWebSocketManager
                from .manager import WebSocketManager

                __all__ = [
                    "UnifiedWebSocketManager",
                    "WebSocketManager",
                ]
                """,
            "pkg/core/manager.py": """
                from ..websocket_manager import UnifiedWebSocketManager


                class WebSocketManager(UnifiedWebSocketManager):
                    pass
                """,
            "app/use.py": """
                from pkg.core import WebSocketManager

                manager = WebSocketManager()
                """,
        },
        {
            "app/use.py": """
                from pkg.websocket_manager import UnifiedWebSocketManager

                manager = UnifiedWebSocketManager()
                """,
            "pkg/core/__init__.py": """
                from ..websocket_manager import UnifiedWebSocketManager
                WebSocketManager = UnifiedWebSocketManager

                __all__ = [
                    "UnifiedWebSocketManager",
                ]
                """,
            "pkg/core/manager.py": """
                from ..websocket_manager import UnifiedWebSocketManager


                WebSocketManager = UnifiedWebSocketManager
                """,
        },
        duplicates=("pkg.core.manager.WebSocketManager",),
        leave="alias",
        findings=("SSOT401",),
    ),
    _case(
        "an existing module __getattr__ is extended, not replaced",
        {
            "pkg/legacy.py": """
                from pkg.websocket_manager import UnifiedWebSocketManager


                class WebSocketManager(UnifiedWebSocketManager):
                    pass


                def __getattr__(attribute):
                    \"\"\"Names served lazily.\"\"\"
                    if attribute == "settings":
                        return {}
                    raise AttributeError(attribute)
                """,
        },
        {
            "pkg/legacy.py": """
                def __getattr__(attribute):
                    \"\"\"Names served lazily.\"\"\"
                    if attribute == "WebSocketManager":
                        import warnings

                        from pkg.websocket_manager import UnifiedWebSocketManager

                        warnings.warn(
                            "WebSocketManager is deprecated; use pkg.websocket_manager.UnifiedWebSocketManager",
                            DeprecationWarning,
                            stacklevel=2,
                        )
                        return UnifiedWebSocketManager
                    if attribute == "settings":
                        return {}
                    raise AttributeError(attribute)
                """,
        },
        findings=("SSOT401",),
    ),
    _case(
        "a duplicate in the canonical's own module: its references use the local name, no import",
        {
            "pkg/websocket_manager.py": """
                class WebSocketManagerFactory:
                    def send(self, message):
                        return message


                class UnifiedWebSocketManager:
                    def send(self, message):
                        return message


                def create():
                    return WebSocketManagerFactory()
                """,
        },
        {
            "pkg/websocket_manager.py": example_source("""
                class UnifiedWebSocketManager:
                    def send(self, message):
                        return message


                def create():
                    return UnifiedWebSocketManager()


                """) + _getattr(["WebSocketManagerFactory"], import_line=False),
        },
        duplicates=("pkg.websocket_manager.WebSocketManagerFactory",),
        findings=("SSOT402",),
    ),
    _case(
        "import cycle: the canonical's module imports the duplicate's; uses in functions import it locally, a "
        "module-level use is kept and so is the class",
        {
            "pkg/websocket_manager.py": """
                from pkg.connections import normalize


                class UnifiedWebSocketManager:
                    def send(self, message):
                        return normalize(message)
                """,
            "pkg/connections.py": """
                def normalize(message):
                    return message.strip()


                class ConnectionManager:
                    def send(self, message):
                        return normalize(message)


                DEFAULT_CLASS = ConnectionManager


                def make_manager():
                    \"\"\"A fresh manager.\"\"\"
                    return ConnectionManager()
                """,
        },
        {
            "pkg/connections.py": """
                def normalize(message):
                    return message.strip()


                class ConnectionManager:
                    def send(self, message):
                        return normalize(message)


                DEFAULT_CLASS = ConnectionManager


                def make_manager():
                    \"\"\"A fresh manager.\"\"\"
                    from pkg.websocket_manager import UnifiedWebSocketManager
                    return UnifiedWebSocketManager()
                """,
        },
        duplicates=("pkg.connections.ConnectionManager",),
        findings=("SSOT402", "SSOT410", "SSOT407"),
    ),
    _case(
        "a module the canonical's module imports: its top-level import of the duplicate becomes function-local "
        "imports of the canonical, and the old module serves the name lazily",
        {
            "pkg/websocket_manager.py": """
                from pkg import events


                class UnifiedWebSocketManager:
                    def send(self, message):
                        return events.emit(message)
                """,
            "pkg/events.py": """
                \"\"\"Event helpers.\"\"\"
                from pkg.legacy import WebSocketManager


                def emit(message):
                    return message


                def is_manager(obj) -> bool:
                    \"\"\"Whether obj manages sockets.\"\"\"
                    return isinstance(obj, WebSocketManager)
                """,
            "pkg/legacy.py": """
                class WebSocketManager:
                    def send(self, message):
                        return message
                """,
        },
        {
            "pkg/events.py": """
                \"\"\"Event helpers.\"\"\"


                def emit(message):
                    return message


                def is_manager(obj) -> bool:
                    \"\"\"Whether obj manages sockets.\"\"\"
                    from pkg.websocket_manager import UnifiedWebSocketManager
                    return isinstance(obj, UnifiedWebSocketManager)
                """,
            "pkg/legacy.py": _getattr(["WebSocketManager"]),
        },
        findings=("SSOT402",),
    ),
    _case(
        "leave = 'remove': the class, the imports only it used and its __all__ entry go; an emptied module is kept",
        {
            "pkg/legacy.py": """
                \"\"\"Old manager.\"\"\"
                from pkg.websocket_manager import UnifiedWebSocketManager

                __all__ = ["WebSocketManager"]


                class WebSocketManager(UnifiedWebSocketManager):
                    pass
                """,
            "app/use.py": """
                from pkg.legacy import WebSocketManager

                manager = WebSocketManager()
                """,
        },
        {
            "app/use.py": """
                from pkg.websocket_manager import UnifiedWebSocketManager

                manager = UnifiedWebSocketManager()
                """,
            "pkg/legacy.py": """
                \"\"\"Old manager.\"\"\"

                __all__ = []
                """,
        },
        leave="remove",
        findings=("SSOT409", "SSOT401"),
    ),
    _case(
        "leave = 'remove' is refused while a star import may use the class; every other reference is rewritten",
        {
            "pkg/legacy.py": _SUBCLASS,
            "app/star.py": """
                from pkg.legacy import *

                manager = WebSocketManager()
                """,
            "app/use.py": """
                from pkg.legacy import WebSocketManager

                manager = WebSocketManager()
                """,
        },
        {
            "app/use.py": """
                from pkg.websocket_manager import UnifiedWebSocketManager

                manager = UnifiedWebSocketManager()
                """,
        },
        leave="remove",
        findings=("SSOT101", "SSOT401", "SSOT408"),
    ),
    _case(
        "strict = true refuses a duplicate whose API the canonical lacks: nothing is edited for it",
        {
            "pkg/legacy.py": """
                class WebSocketManager:
                    def __init__(self, user_id, *, timeout=5):
                        self.user_id = user_id

                    def send(self, message):
                        return message

                    def broadcast(self, message):
                        return [message]
                """,
            "app/use.py": """
                from pkg.legacy import WebSocketManager


                def notify(manager: WebSocketManager):
                    return manager.broadcast("hi")


                manager = WebSocketManager("u1", timeout=2)
                """,
        },
        {},
        strict=True,
        findings=("SSOT402", "SSOT405", "SSOT404", "SSOT403"),
    ),
    _case(
        "a hard case: an independent class; its subclass is re-parented and its missing member reported",
        {
            "pkg/legacy.py": """
                class WebSocketManager:
                    def send(self, message):
                        return message

                    def broadcast(self, message):
                        return [message]
                """,
            "app/custom.py": """
                from pkg.legacy import WebSocketManager


                class AuditedManager(WebSocketManager):
                    def ping(self):
                        return self.broadcast("ping")
                """,
        },
        {
            "app/custom.py": """
                from pkg.websocket_manager import UnifiedWebSocketManager


                class AuditedManager(UnifiedWebSocketManager):
                    def ping(self):
                        return self.broadcast("ping")
                """,
            "pkg/legacy.py": _getattr(["WebSocketManager"]),
        },
        findings=("SSOT406", "SSOT402", "SSOT403"),
    ),
    _case(
        "relative imports inside the package stay relative; an `import a.b` reference takes the canonical module",
        {
            "pkg/legacy.py": _SUBCLASS,
            "pkg/service.py": """
                import pkg.legacy

                from .legacy import WebSocketManager


                def build():
                    return WebSocketManager(), pkg.legacy.WebSocketManager()
                """,
        },
        {
            "pkg/legacy.py": _getattr(["WebSocketManager"]),
            "pkg/service.py": """
                import pkg.websocket_manager

                from .websocket_manager import UnifiedWebSocketManager


                def build():
                    return UnifiedWebSocketManager(), pkg.websocket_manager.UnifiedWebSocketManager()
                """,
        },
        findings=("SSOT401",),
    ),
)
