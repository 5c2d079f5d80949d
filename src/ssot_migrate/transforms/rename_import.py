"""rename-import: a module or module attribute moved (and maybe got a new name); follow it everywhere.

Rewrites import statements where they stand (splitting, merging, keeping `as`
aliases), every usage that resolves to the old qualified name (attribute chains,
calls, annotations, bases, decorators, defaults, string annotations), `__all__`
entries of renamed bindings, dotted strings in mock.patch-like calls, and
whole-token occurrences in the text files a codemod lists. Names match
semantically (libcst qualified names), never as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

import libcst as cst
from libcst.metadata import Scope

from ..bindings import (
    FileContext,
    ImportBinding,
    dotted_of,
    expression_for,
    string_value,
    walk,
    with_string_value,
)
from ..discover import import_fragments, word_pattern
from ..focus import Focus
from ..modules import ModuleInfo, absolute_module
from ..names import DottedName, is_dotted_under
from ..types import BytesFilter, Finding, Option
from .base import Example, Kind, TransformResult, example_source, jsonable
from .import_edits import ImportEdits

if TYPE_CHECKING:
    from ..repo import RepoContext
    from ..scan import FileScan, ImportUse

# Calls whose first argument (or the named keyword) is a dotted import target.
STRING_TARGET_CALLS: Mapping[str, str] = {
    "unittest.mock.patch": "target",
    "mock.patch": "target",
    "unittest.mock.patch.dict": "in_dict",
    "mock.patch.dict": "in_dict",
    "unittest.mock.patch.multiple": "target",
    "mock.patch.multiple": "target",
    "importlib.import_module": "name",
    "builtins.__import__": "name",
    "__import__": "name",
    "importlib.util.find_spec": "name",
    "pkgutil.resolve_name": "name",
    "doctest.DocTestSuite": "module",
}
# Fixtures reached through a parameter, so matched by the name the fixture always has.
FIXTURE_STRING_CALLS = {
    "monkeypatch.setattr": "target",
    "monkeypatch.delattr": "target",
    "mocker.patch": "target",
    "mocker.patch.dict": "in_dict",
    "mocker.patch.multiple": "target",
}
# `patch.object(module, "name")`-style calls: (object, attribute-name string).
OBJECT_ATTRIBUTE_CALLS = {
    "unittest.mock.patch.object",
    "mock.patch.object",
}
FIXTURE_OBJECT_ATTRIBUTE_CALLS = {"mocker.patch.object", "monkeypatch.setattr", "monkeypatch.delattr"}


@dataclass(frozen=True)
class RenameRule:
    """One old -> new pair this codemod follows in a file.

    `report_only` rules name re-export paths that keep working (the re-export is
    unchanged): sites using them get an info finding instead of an edit. A rule
    derived from a re-export (`via` its module) rewrites dotted strings to
    `string_new`, the re-export's own new path (None: strings stay), because a
    `mock.patch("app.views.Old")` target names where a name is looked up.
    """

    old: DottedName
    new: DottedName
    report_only: bool = False
    via: str | None = None
    string_new: DottedName | None = None

    @property
    def string_target(self) -> DottedName | None:
        """What dotted strings naming `old` become (None: they stay)."""
        if self.report_only:
            return None
        return self.new if self.via is None else self.string_new


class RenameImport(Kind):
    name = "rename-import"
    summary = "A module or symbol moved or was renamed: rewrite imports, usages, __all__ and dotted strings."
    options = (
        Option("old", "dotted", "the old module or symbol path (`pkg.mod`, `pkg.mod.Name`, `pkg.mod:Name`)", required=True),
        Option("new", "dotted", "the new path; `pkg.mod:Name` says where the module part ends", required=True),
        Option(
            "follow_reexports", "bool",
            "also rewrite callers that reach `old` through an unchanged re-export (`from pkg import Name`)",
            default=False,
        ),
        Option(
            "strings", "str",
            "which dotted strings to rewrite: `calls` (mock.patch-like targets and string annotations), "
            "`all` (any literal whose whole value is the name), `none`",
            default="calls", choices=("calls", "all", "none"),
        ),
        Option(
            "local_names", "str",
            "`follow`: bindings take the new name; `keep`: keep every local name (`import new as old`)",
            default="follow", choices=("follow", "keep"),
        ),
        Option(
            "text_files", "str-list",
            "gitignore-style patterns of non-Python files where whole-token occurrences of `old` are rewritten",
            default=(),
        ),
    )
    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        self.old: DottedName = self.values["old"]
        self.new: DottedName = self.values["new"]
        self.rules: tuple[RenameRule, ...] = (RenameRule(self.old, self.new),)
        self.moved_from: str | None = None
        self.known_modules: frozenset[str] = frozenset()
        self.extra_candidates: frozenset[str] = frozenset()

    @classmethod
    def check(cls, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        errors = []
        old, new = values["old"], values["new"]
        if old.dotted == new.dotted:
            errors.append(("new", f"old and new are the same name ({old.dotted}): nothing to migrate"))
        if old.is_builtin:
            errors.append(("old", "a builtin cannot move"))
        return errors

    # -- repository level ----------------------------------------------------------

    def prepare(self, repo: RepoContext) -> list[Finding]:
        findings: list[Finding] = []
        if not self.new.is_builtin and not repo.importable(self.new):
            findings.append(
                self.spec_finding(
                    "new", "warning", "SSOT102",
                    f"{self.label}: {self.new.dotted} is neither a module of this repository nor importable in "
                    "this environment; edits are planned anyway (the gate will tell)",
                )
            )
        self.rules = (RenameRule(self.old, self.new),)
        if not self.old.is_builtin:
            rules = self.rules
            # Recorded with the facts it read (`recall`): a pre-commit run re-checks only the changed files.
            derived = repo.remember(
                "reexport-rules",
                {"kind": self.name, "values": jsonable(self.values)},
                lambda view: reexport_rules(
                    view, rules, follow=self.values["follow_reexports"],
                    transform=lambda ctx, rules: self._rewriter(ctx, rules).run(),
                ),
                encode=encode_rules,
                decode=decode_rules,
            )
            self.rules = tuple(sorted(self.rules + tuple(derived), key=lambda r: -len(r.old.parts)))
        # A moved module's own relative imports: the files now living under `new`.
        if repo.modules.is_module(self.new.dotted) and not self.new.module_len:
            self.moved_from = self.old.dotted
            self.known_modules = frozenset(repo.modules.modules()) | frozenset(_all_prefixes(repo.modules.modules()))
            self.extra_candidates = frozenset(
                path for path in repo.python_files
                if (info := repo.modules.info_for(path)) is not None and is_dotted_under(info.name, self.new.dotted)
            )
        return findings

    def prepared_state(self) -> Any:
        return {
            "rules": [(str(r.old), str(r.new), r.report_only, str(r.string_target)) for r in self.rules],
            "moved_from": self.moved_from,
            "modules": sorted(self.known_modules) if self.moved_from else None,
        }

    def triggers(self) -> tuple[str, ...]:
        return tuple(sorted({r.old.leaf for r in self.rules}))

    def prefilter(self) -> BytesFilter:
        """A file can only reach an old name through a fragment that names its last part: one
        that can import it (`import_fragments`), `"leaf"` (`patch.object(module, "leaf")`), or
        the bare name in a file with a star import."""
        return _rules_filter(self.rules)

    def candidate_paths(self) -> frozenset[str]:
        return self.extra_candidates

    def confirm(self, scan: FileScan) -> bool:
        if scan.path in self.extra_candidates:
            return True  # a moved module's own relative imports are examined
        return rules_may_match(scan, self.rules, self.values["strings"])

    def focus(self, scan: FileScan) -> Focus | None:
        """Statements that can hold something this codemod rewrites: an import that can bind an
        old name (also inside a function), a star import, a usage of a local name whose usages
        change, an old name's last part after a dot, colon or quote (chains, dotted strings,
        `patch.object`), a string literal that is a start of an old name (the literal part of a
        concatenation that may build it); with changing usages also statements binding a part
        of the new name (collisions)."""
        if not scan.parsed or scan.path in self.extra_candidates:
            return None  # a moved module's own relative imports are all examined
        words = {"__all__"}
        names: set[str] = set()
        chained: set[str] = set()
        patterns: list[bytes] = [rb"import[ \t]*\*"]
        for rule in self.rules:
            chained |= {rule.old.leaf, *rule.new.parts}
            chained |= {
                use.local for use in scan.uses if use.local != "*" and _relation(use, rule.old.dotted, scan.chains)
            }
            leaf = re.escape(rule.old.leaf.encode())
            patterns += [
                *import_fragments(rule.old.leaf),
                rb"[\"']" + leaf + rb"[\"']",
                _prefix_string(rule.old.dotted),
            ]
            changing = {
                use.local for use in scan.uses
                if use.local != "*" and _relation(use, rule.old.dotted, scan.chains) and self._usages_change(use, rule, scan)
            }
            if changing:
                words |= changing
                names.update(rule.new.parts)
        return Focus(frozenset(words), frozenset(names), tuple(patterns), frozenset(chained))

    def _usages_change(self, use: ImportUse, rule: RenameRule, scan: FileScan) -> bool:
        """Whether usages of a binding related to `rule` can be rewritten (else only its import is).

        Mirrors `ReferenceRewriter`: a re-export that keeps working, a `from` import out of a
        moved module and a star import are handled at the import alone; `import old as x`
        keeps `x`; `from m import Old` keeps its local name when it has an `as`, under
        `local_names = "keep"`, or when the new name ends the same, unless the new name is a
        builtin or an attribute path, or the file already imports the new name.
        """
        old = rule.old.dotted
        if rule.report_only or use.local == "*":
            return False
        if use.from_module is not None and is_dotted_under(use.from_module, old):
            return False
        if not is_dotted_under(use.imported, old):
            return True  # a parent of the old name: usages that reach it change
        if rule.new.is_builtin:
            return True
        if use.from_module is None:
            return not use.aliased
        attribute = rule.new.split_for(1)[1]
        if len(attribute) != 1:
            return True
        keeps_name = use.aliased or self.values["local_names"] == "keep" or attribute[0] == use.local
        return not keeps_name or any(other.bound == rule.new.dotted for other in scan.uses)

    # -- per file --------------------------------------------------------------------

    def transform(self, ctx: FileContext) -> TransformResult | None:
        return self._rewriter(ctx, self.rules).run()

    def _rewriter(self, ctx: FileContext, rules: Iterable[RenameRule]) -> ReferenceRewriter:
        return ReferenceRewriter(
            ctx, rules, codemod=self,
            strings=self.values["strings"],
            keep_names=self.values["local_names"] == "keep",
            moved=(self.moved_from, self.new.dotted) if self.moved_from else None,
            known_modules=self.known_modules,
        )

    def text_file_patterns(self) -> tuple[str, ...]:
        return tuple(self.values["text_files"])

    def transform_text(self, path: str, data: bytes) -> tuple[bytes, list[tuple[int, int]]]:
        return rewrite_text_tokens(data, [r for r in self.rules if not r.report_only and r.via is None])


def rules_may_match(scan: FileScan, rules: Iterable[RenameRule], strings: str) -> bool:
    """Whether a file's `ast` scan can hold a reference to an old name (the cheap check before libcst):
    some import can reach it (the module, the name itself, a parent used in a chain that reaches
    it, a star import), or a dotted string names it."""
    if not scan.parsed:
        return True
    for rule in rules:
        old = rule.old.dotted
        if any(_relation(use, old, scan.chains) for use in scan.uses):
            return True
        if strings != "none" and any(is_dotted_under(s, old) for s in scan.strings):
            return True
    return False


def _prefix_string(dotted: str) -> bytes:
    """A regex for a string literal whose whole value is a non-empty start of `dotted`."""
    nested = b""
    for char in reversed(dotted.encode()):
        nested = re.escape(bytes([char])) + (b"(?:" + nested + b")?" if nested else b"")
    return rb"[\"']" + nested + rb"[\"']"


@lru_cache(maxsize=64)
def _rules_filter(rules: tuple[RenameRule, ...]) -> BytesFilter:
    leaves = sorted({r.old.leaf for r in rules})
    patterns = []
    for leaf in leaves:
        word = re.escape(leaf.encode())
        if all(len(r.old.parts) == 1 for r in rules if r.old.leaf == leaf):
            patterns.append(word_pattern([leaf]))
            continue
        patterns += [re.compile(fragment) for fragment in import_fragments(leaf)]
        patterns.append(re.compile(rb"[\"']" + word + rb"[\"']"))
        patterns.append(
            re.compile(rb"\A(?=[\s\S]*?import[ \t]*\*)(?=[\s\S]*?(?<![A-Za-z0-9_])" + word + rb"(?![A-Za-z0-9_]))")
        )
    return BytesFilter(tuple(leaf.encode() for leaf in leaves), tuple(p for p in patterns if p is not None))


def encode_rules(rules: Iterable[RenameRule]) -> list:
    def name(value: DottedName | None) -> list | None:
        return None if value is None else [list(value.parts), value.module_len]

    return [[name(r.old), name(r.new), r.report_only, r.via, name(r.string_new)] for r in rules]


def decode_rules(data: list) -> list[RenameRule]:
    def name(value: list | None) -> DottedName | None:
        return None if value is None else DottedName(tuple(value[0]), value[1])

    rules = []
    for old, new, report_only, via, string_new in data:
        rules.append(RenameRule(name(old), name(new), bool(report_only), via, name(string_new)))  # type: ignore[arg-type]
    return rules


def _relation(use: ImportUse, old: str, chains: Iterable[str] | None) -> bool:
    """Whether an import can reach `old` (mirrors `ReferenceRewriter._match`).

    A parent binding (`import a` for `a.b.c`) only counts when one of `chains` written
    through its local name reaches `old`; with `chains=None` every parent binding counts.
    """
    if use.from_module is not None and is_dotted_under(use.from_module, old):
        return True
    if use.local == "*":
        return use.from_module is not None and old.startswith(use.from_module + ".")
    if is_dotted_under(use.imported, old):
        return True
    if not old.startswith(use.bound + "."):
        return False
    if chains is None:
        return True
    head = use.local + "."
    return any(
        chain.startswith(head) and is_dotted_under(use.bound + chain[len(use.local) :], old) for chain in chains
    )


def reexport_rules(
    repo: RepoContext,
    rules: tuple[RenameRule, ...],
    *,
    follow: bool,
    transform: Callable[[FileContext, tuple[RenameRule, ...]], TransformResult | None],
) -> list[RenameRule]:
    """Rules for paths that re-export an old name (`pkg.X` when `pkg/__init__.py` imports it).

    Only re-exports that some file imports (or names in a dotted string) matter. For each, the codemod's own
    `transform` (with the rules so far) is run on the re-exporting module: if its
    binding takes the new name, callers follow it there (`pkg.X` -> `pkg.Y`); if it
    keeps its name the re-export still works, and its callers get an info finding,
    or with `follow` import the new path directly.
    """
    derived: list[RenameRule] = []
    frontier = {r.old.dotted for r in rules if not r.report_only}
    seen: set[str] = set(frontier)
    for depth in range(6):
        aliases = {
            alias: target
            for alias, target in repo.index.direct_reexports(frontier, below=depth == 0).items()
            if alias not in seen
        }
        if not aliases:
            break
        # A re-export matters when a file imports it or names it in a dotted string (`mock.patch("app.views.Old")`).
        wanted = frozenset(aliases)
        named: set[str] = set()
        for path in repo.grep_imports({alias.rsplit(".", 1)[1] for alias in aliases}):
            named |= repo.named_in(path, wanted)
        frontier = set()
        for alias, target in sorted(aliases.items()):
            seen.add(alias)
            if alias not in named:
                continue
            target_new = _new_path(target, (*rules, *derived))
            if target_new is None:
                continue
            module, local = alias.rsplit(".", 1)
            renamed = _exported_name(repo, module, local, (*rules, *derived), transform)
            if renamed is None:
                rule = RenameRule(DottedName.of(alias), target_new, report_only=not follow, via=module)
            else:
                module_parts = tuple(module.split("."))
                own = DottedName((*module_parts, *renamed.split(".")), len(module_parts))
                rule = RenameRule(DottedName.of(alias), target_new if follow else own, via=module, string_new=own)
            derived.append(rule)
            if not rule.report_only:
                frontier.add(alias)
        if not frontier:
            break
    return derived


def _exported_name(
    repo: RepoContext,
    module: str,
    local: str,
    rules: tuple[RenameRule, ...],
    transform: Callable[[FileContext, tuple[RenameRule, ...]], TransformResult | None],
) -> str | None:
    """The name a module-level binding of `module` takes after the codemod (None: unchanged)."""
    path = repo.modules.path_of(module)
    ctx = repo.context_for(path) if path is not None else None
    if ctx is None:
        return None
    result = transform(ctx, rules)
    if result is None:
        return None
    renamed = result.exports.get(local)
    return renamed if renamed != local else None


def _all_prefixes(modules: Iterable[str]) -> set[str]:
    out = set()
    for name in modules:
        parts = name.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return out


_TOKEN_BOUNDARY = rb"(?<![A-Za-z0-9_.])"
_TOKEN_END = rb"(?![A-Za-z0-9_])"


def rewrite_text_tokens(data: bytes, rules: Iterable[RenameRule]) -> tuple[bytes, list[tuple[int, int]]]:
    """Whole-token occurrences of each old dotted name (or `module:attr` spelling) in a text file."""
    edits: list[tuple[int, int]] = []
    for rule in rules:
        old_parts = rule.old.parts
        spellings = [".".join(old_parts)] + [
            ".".join(old_parts[:i]) + ":" + ".".join(old_parts[i:]) for i in range(1, len(old_parts))
        ]
        pattern = re.compile(
            _TOKEN_BOUNDARY + b"(" + b"|".join(re.escape(s.encode()) for s in spellings) + b")" + _TOKEN_END
        )
        out = bytearray()
        last = 0
        for match in pattern.finditer(data):
            text = match.group(1).decode()
            if ":" in text:
                attr_len = len(text.split(":", 1)[1].split("."))
                module, attr = rule.new.split_for(attr_len)
                replacement = ".".join(module) + (":" + ".".join(attr) if attr else "")
            else:
                replacement = rule.new.dotted
            line = data.count(b"\n", 0, match.start()) + 1
            col = match.start() - (data.rfind(b"\n", 0, match.start()) + 1) + 1
            edits.append((line, col))
            out += data[last : match.start()] + replacement.encode()
            last = match.end()
        out += data[last:]
        data = bytes(out)
    return data, edits


@dataclass
class _BindingPlan:
    """How one matched import binding changes, and what usages of the old name become."""

    binding: ImportBinding
    rule: RenameRule
    relation: str  # moved | parent
    parents: list[RenameRule] = field(default_factory=list)
    local_after: str | None = None
    expression_rest: tuple[str, ...] = ()
    new_dotted: str | None = None
    # The qualified name the rewritten `from` import binds under its own name, if it does.
    imported_as: str | None = None


class ReferenceRewriter:
    """Rewrites every reference to the old names of `rules` in one file, with rename-import semantics.

    Other kinds reuse it (collapse-class): build it, `collect()`, add their own
    edits to `.edits`, then `result()` applies everything in one pass.
    `moved` is (old module, new module) when a whole module moved, so its own
    broken relative imports get fixed; `known_modules` lists the repo's modules.
    With `rewrite_imports=False` import bindings and the usages they bind are left
    to the caller (which places imports itself); dotted strings are still rewritten.
    """

    def __init__(
        self,
        ctx: FileContext,
        rules: Iterable[RenameRule],
        *,
        codemod: Kind,
        strings: str = "calls",
        keep_names: bool = False,
        moved: tuple[str, str] | None = None,
        known_modules: frozenset[str] = frozenset(),
        rewrite_imports: bool = True,
    ) -> None:
        self.kind = codemod
        self.rewrite_imports = rewrite_imports
        self.ctx = ctx
        self.rules = tuple(sorted(rules, key=lambda r: -len(r.old.parts)))
        self.strings = strings
        self.keep_names = keep_names
        self.moved = moved
        self.known_modules = known_modules
        self.edits = ImportEdits(ctx)
        self.positions: list[tuple[int, int]] = []
        self.findings: list[Finding] = []
        self.exports: dict[str, str] = {}
        self.global_renames: dict[str, str] = {}
        self.plans: list[_BindingPlan] = []
        self.plan_of: dict[int, _BindingPlan] = {}
        self.statements_done: set[int] = set()
        self.rewritten_access: dict[int, int] = {}

    # -- driver ------------------------------------------------------------------------

    def run(self) -> TransformResult | None:
        self.collect()
        return self.result()

    def collect(self) -> None:
        for binding in self.ctx.imports if self.rewrite_imports else ():
            self._plan_binding(binding)
        for plan in self.plans:
            self._rewrite_usages(plan)
        if self.strings != "none":
            self._rewrite_string_annotations()
            self._rewrite_call_strings()
        self._remove_unused_parents()
        self._rewrite_dunder_all()
        if self.moved is not None:
            self._fix_moved_relative_imports()

    def result(self) -> TransformResult | None:
        if self.edits.is_empty:
            return TransformResult(self.ctx.module, [], self.findings) if self.findings else None
        module = self.edits.apply()
        return TransformResult(module, sorted(set(self.positions)), self.findings, self.exports)

    def _edit_at(self, node: cst.CSTNode) -> None:
        self.positions.append(self.ctx.position(node))

    def _finding(self, node: cst.CSTNode, severity: str, code: str, message: str) -> None:
        line, col = self.ctx.position(node)
        self.findings.append(self.kind.finding(self.ctx.path, line, col, severity, code, message))  # type: ignore[arg-type]

    # -- matching ------------------------------------------------------------------------

    def _match(self, binding: ImportBinding) -> tuple[RenameRule | None, str, list[RenameRule]]:
        parents: list[RenameRule] = []
        for rule in self.rules:
            old = rule.old.dotted
            if binding.is_from:
                assert binding.from_module is not None
                if is_dotted_under(binding.from_module, old):
                    return rule, "module", []
                if binding.is_star:
                    if old.startswith(binding.from_module + "."):
                        return rule, "star-symbol", []
                    continue
                if binding.imported == old:
                    return rule, "moved", []
                if old.startswith(binding.imported + "."):
                    parents.append(rule)
            else:
                if is_dotted_under(binding.imported, old):
                    return rule, "moved", []
                if old.startswith(binding.bound + "."):
                    parents.append(rule)
        if parents:
            return parents[0], "parent", parents
        return None, "", []

    def _plan_binding(self, binding: ImportBinding) -> None:
        rule, relation, parents = self._match(binding)
        if rule is None:
            return
        if rule.report_only:
            if relation in ("moved", "module") and binding.alias is not None:
                self._finding(
                    binding.alias, "info", "SSOT104",
                    f"{self.kind.label}: {binding.imported} is a re-export in {rule.via} that keeps working; left as is "
                    f"(set follow_reexports = true to import {rule.new.dotted} directly)",
                )
            return
        if relation == "star-symbol":
            self._finding(
                binding.statement, "warning", "SSOT101",
                f"{self.kind.label}: `from {binding.from_module} import *` may bring in {rule.old.dotted}, which moved to "
                f"{rule.new.dotted}; import it explicitly",
            )
            return
        if relation == "module":
            self._rewrite_from_module(binding, rule)
            return
        plan = _BindingPlan(binding, rule, relation, parents)
        if relation == "moved":
            ok = self._plan_moved_from(plan) if binding.is_from else self._plan_moved_import(plan)
            if not ok:
                return
        self.plans.append(plan)
        self.plan_of[id(binding)] = plan

    # -- import statements ---------------------------------------------------------------

    def _rewrite_from_module(self, binding: ImportBinding, rule: RenameRule) -> None:
        statement = binding.statement
        assert isinstance(statement, cst.ImportFrom) and binding.from_module is not None
        if id(statement) in self.statements_done:
            return
        self.statements_done.add(id(statement))
        module_parts, attr_parts = rule.new.split_for(0)
        if attr_parts:
            self._finding(
                statement, "error", "SSOT105",
                f"{self.kind.label}: `from {binding.from_module} import ...` imports from a module that became "
                f"{rule.new}, which is not a module; rewrite this import by hand",
            )
            return
        new_module = ".".join(module_parts) + binding.from_module[len(rule.old.dotted) :]
        if new_module == self.ctx.info.name:
            return  # the new module re-exporting from the old one: importing itself would break it
        self.edits.set_from_module(statement, new_module, keep_relative=True)
        self._edit_at(statement.module if statement.module is not None else statement)

    def _plan_moved_from(self, plan: _BindingPlan) -> bool:
        binding, rule = plan.binding, plan.rule
        assert isinstance(binding.statement, cst.ImportFrom) and binding.alias is not None
        if rule.new.is_builtin:
            return self._plan_builtin(plan)
        module_parts, attr_parts = rule.new.split_for(1)
        new_module = ".".join(module_parts)
        if new_module == self.ctx.info.name:
            # This module is where the new name lives (usually by re-exporting the old one): it must not import itself.
            return False
        if not attr_parts:
            return self._plan_from_to_top_level_module(plan, new_module)
        import_name, rest = attr_parts[0], attr_parts[1:]
        # A name bound more than once (a try/except ImportError fallback) keeps its binding: it cannot be dropped.
        bound_once = len(binding.scope.assignments[binding.local_name]) == len(binding.assignments)
        existing = self._existing_binding(binding.scope, f"{new_module}.{import_name}", exclude=binding)
        if existing is not None and not binding.has_asname and existing.scope is binding.scope and bound_once:
            # Already imported under some name: drop this alias and use that one.
            plan.local_after = existing.local_name
            plan.expression_rest = tuple(rest)
            self.edits.remove_alias(binding.alias)
            self._edit_at(binding.alias)
            self._note_rename(binding, plan.local_after, rest)
            return True
        shared = self._planned_import(binding, f"{new_module}.{import_name}")
        if shared is not None and not binding.has_asname and not self.keep_names and bound_once:
            # Another old name in this block already becomes this import (collapse-class): share it.
            plan.local_after = shared
            plan.expression_rest = tuple(rest)
            self.edits.remove_alias(binding.alias)
            self._edit_at(binding.alias)
            self._note_rename(binding, shared, rest)
            return True
        if binding.has_asname or self.keep_names or rest:
            local = binding.local_name
        elif self._collides(import_name, binding, f"{new_module}.{import_name}"):
            local = binding.local_name
        else:
            local = import_name
        module_name = binding.from_module
        plan.local_after = local
        plan.expression_rest = tuple(rest)
        plan.imported_as = f"{new_module}.{import_name}" if local == import_name else None
        new_alias = cst.ImportAlias(
            name=cst.Name(import_name),
            asname=cst.AsName(name=cst.Name(local)) if local != import_name else None,
        )
        statement = binding.statement
        if rest:
            # `from m import A` where the old name is now `A.B`: import A under the old local name
            # is not possible; usages become `A.B` through an import of A.
            local = import_name
            plan.local_after = import_name
            new_alias = cst.ImportAlias(name=cst.Name(import_name))
            if self._collides(import_name, binding, f"{new_module}.{import_name}"):
                self._finding(
                    binding.alias, "error", "SSOT106",
                    f"{self.kind.label}: cannot import {new_module}.{import_name} here: {import_name!r} is already bound",
                )
                return False
        if new_module == module_name:
            self.edits.replace_alias(binding.alias, new_alias)
        elif isinstance(statement.names, (list, tuple)) and len(statement.names) == 1 and id(statement) not in self.statements_done:
            self.statements_done.add(id(statement))
            self.edits.set_from_module(statement, new_module, keep_relative=True)
            self.edits.replace_alias(binding.alias, new_alias)
        else:
            self.edits.remove_alias(binding.alias)
            self.edits.add_from_import(binding, new_module, import_name, local if local != import_name else None)
        self._edit_at(binding.alias)
        self._note_rename(binding, local, rest)
        return True

    def _plan_from_to_top_level_module(self, plan: _BindingPlan, new_module: str) -> bool:
        """`from pkg import old_mod` where the new module is top level (`queue`): only `import` can name it."""
        binding = plan.binding
        assert binding.alias is not None
        plan.expression_rest = ()
        existing = self._existing_binding(binding.scope, new_module, exclude=binding)
        if existing is not None and not binding.has_asname and existing.scope is binding.scope:
            plan.local_after = existing.local_name
            self.edits.remove_alias(binding.alias)
            self._edit_at(binding.alias)
            self._note_rename(binding, plan.local_after, ())
            return True
        local = binding.local_name
        root = new_module.split(".")[0]
        if not (binding.has_asname or self.keep_names) and not self._collides(root, binding, root, allow_import_of=root):
            local = new_module
        plan.local_after = local
        self.edits.remove_alias(binding.alias)
        self.edits.add_import(binding, new_module, local if local != new_module else None)
        self._edit_at(binding.alias)
        self._note_rename(binding, local, ())
        return True

    def _planned_import(self, binding: ImportBinding, fqn: str) -> str | None:
        """The local name of an import of `fqn` already planned in the same block as `binding`."""
        block = self.ctx.parents.get(binding.line)
        for plan in self.plans:
            if plan.imported_as == fqn and self.ctx.parents.get(plan.binding.line) is block:
                return plan.local_after
        return None

    def _plan_builtin(self, plan: _BindingPlan) -> bool:
        binding = plan.binding
        assert binding.alias is not None
        name = plan.rule.new.leaf
        if self._collides(name, binding, plan.rule.new.dotted):
            self._finding(
                binding.alias, "error", "SSOT106",
                f"{self.kind.label}: cannot use the builtin {name!r} here: the name is bound locally",
            )
            return False
        plan.local_after = name
        self.edits.remove_alias(binding.alias)
        self._edit_at(binding.alias)
        self._note_rename(binding, name, ())
        return True

    def _note_rename(self, binding: ImportBinding, local: str, rest: Iterable[str]) -> None:
        new_text = ".".join([local, *rest])
        if binding.is_module_level and new_text != binding.local_name:
            self.global_renames[binding.local_name] = new_text
            self.exports[binding.local_name] = new_text

    def _plan_moved_import(self, plan: _BindingPlan) -> bool:
        binding, rule = plan.binding, plan.rule
        alias = binding.alias
        assert alias is not None
        rest = binding.imported[len(rule.old.dotted) :]
        if rule.new.is_builtin:
            return self._plan_builtin(plan) if not rest else False
        module_parts, attr_parts = rule.new.split_for(0)
        new_module = ".".join(module_parts)
        if attr_parts and rest:
            self._finding(
                alias, "error", "SSOT105",
                f"{self.kind.label}: `import {binding.imported}` names a submodule of {rule.old.dotted}, which became "
                f"{rule.new}, not a module; rewrite this import by hand",
            )
            return False
        if binding.has_asname:
            if attr_parts:
                if len(attr_parts) > 1:
                    self._finding(
                        alias, "error", "SSOT105",
                        f"{self.kind.label}: `import {binding.imported} as {binding.local_name}` cannot name {rule.new}",
                    )
                    return False
                self._replace_with_from(binding, new_module, attr_parts[0], binding.local_name)
            else:
                self.edits.replace_alias(alias, alias.with_changes(name=expression_for(new_module + rest)))
            self._edit_at(alias)
            plan.new_dotted = None
            return True
        new_root = new_module.split(".")[0]
        old_root = binding.local_name
        if new_root != old_root and self._collides(new_root, binding, new_root):
            self._finding(
                alias, "error", "SSOT106",
                f"{self.kind.label}: cannot `import {new_module}` here: {new_root!r} is already bound to something else",
            )
            return False
        self.edits.replace_alias(alias, alias.with_changes(name=expression_for(new_module + (rest if not attr_parts else ""))))
        self._edit_at(alias)
        plan.new_dotted = ".".join([*module_parts, *attr_parts])
        # `import a.b` also bound `a`: keep that binding alive for other uses of `a`.
        if new_root != old_root and self._root_used_elsewhere(binding, rule):
            self.edits.add_import(binding, old_root)
        return True

    def _replace_with_from(self, binding: ImportBinding, module: str, name: str, asname: str) -> None:
        assert binding.alias is not None
        self.edits.remove_alias(binding.alias)
        self.edits.add_from_import(binding, module, name, asname if asname != name else None)

    def _root_used_elsewhere(self, binding: ImportBinding, rule: RenameRule) -> bool:
        for access in binding.accesses():
            node = access.node
            if not isinstance(node, (cst.Name, cst.Attribute)):
                continue
            chain = self.ctx.chain_from(node)
            if not any(is_dotted_under(q, rule.old.dotted) for n in chain for q in self.ctx.qualified_names(n)):
                others = [
                    b for b in self.ctx.bindings_for_name(binding.scope, binding.local_name) if b is not binding
                ]
                if not others:
                    return True
        return False

    # -- usages -------------------------------------------------------------------------

    def _rewrite_usages(self, plan: _BindingPlan) -> None:
        binding = plan.binding
        for access in binding.accesses():
            node = access.node
            if not isinstance(node, (cst.Name, cst.Attribute)):
                continue  # string annotations are handled with all bindings at once
            rules = plan.parents if plan.relation == "parent" else [plan.rule]
            target = None
            for chain_node in self.ctx.chain_from(node):
                names = self.ctx.qualified_names(chain_node)
                for rule in rules:
                    if rule.old.dotted in names:
                        target = (chain_node, rule)
                        break
                if target:
                    break
            if target is None:
                continue
            chain_node, rule = target
            scope = self.ctx.scope_of(chain_node) or binding.scope
            replacement = self._replacement_for(plan, rule, scope, chain_node)
            if replacement is None:
                continue
            if replacement != self.ctx.code(chain_node):
                self.edits.replace_node(chain_node, expression_for(replacement))
                self._edit_at(chain_node)
            self.rewritten_access[id(access)] = 1

    def _replacement_for(self, plan: _BindingPlan, rule: RenameRule, scope: Scope, anchor_node: cst.CSTNode) -> str | None:
        """The dotted expression the old name becomes at a usage (None: leave it)."""
        if plan.relation == "moved":
            if plan.local_after is not None:
                return ".".join([plan.local_after, *plan.expression_rest])
            if plan.new_dotted is not None:
                return plan.new_dotted
            return None
        if rule.report_only:
            return None
        return self._new_reference(plan.binding, rule, scope, anchor_node)

    def _new_reference(self, binding: ImportBinding, rule: RenameRule, scope: Scope, anchor_node: cst.CSTNode) -> str | None:
        """An expression for `rule.new` at a usage reached through a parent binding, adding an import."""
        new = rule.new
        old = rule.old.dotted
        if new.is_builtin:
            if self._collides(new.leaf, binding, new.dotted, scope=scope):
                self._finding(anchor_node, "error", "SSOT106", f"{self.kind.label}: the builtin {new.leaf!r} is shadowed here")
                return None
            return new.leaf
        if binding.is_from:
            assert binding.from_module is not None
            attr_len = len(old.split(".")) - len(binding.from_module.split("."))
            module_parts, attr_parts = new.split_for(attr_len)
            module = ".".join(module_parts)
            head = attr_parts[0] if attr_parts else None
            if head is not None:
                existing = self._existing_binding(scope, f"{module}.{head}", exclude=None)
                if existing is not None:
                    return ".".join([existing.local_name, *attr_parts[1:]])
                if not self._collides(head, binding, f"{module}.{head}", scope=scope):
                    self.edits.add_from_import(binding, module, head)
                    return ".".join(attr_parts)
        # Import style: `import new.module` and the full dotted path.
        site_parts = _common_prefix(binding.imported.split("."), old.split(".")) if not binding.is_from else binding.from_module.split(".")  # type: ignore[union-attr]
        attr_len = len(old.split(".")) - len(site_parts)
        module_parts, attr_parts = new.split_for(attr_len)
        module = ".".join(module_parts)
        provider = self._module_provider(scope, module)
        if provider is not None:
            return ".".join([provider, *attr_parts])
        root = module_parts[0]
        if self._collides(root, binding, root, scope=scope, allow_import_of=root):
            self._finding(
                anchor_node, "error", "SSOT106",
                f"{self.kind.label}: cannot import {module} here: {root!r} is already bound to something else",
            )
            return None
        self.edits.add_import(binding, module)
        return ".".join([*module_parts, *attr_parts])

    def _module_provider(self, scope: Scope, module: str) -> str | None:
        """A name already visible in `scope` that holds `module` (`import module`, `from pkg import mod`)."""
        for candidate in self.ctx.imports:
            if candidate.is_star or candidate.alias is None:
                continue
            if candidate.scope not in self.ctx.enclosing_scopes(scope):
                continue
            if id(candidate) in self.plan_of and self.plan_of[id(candidate)].relation == "moved":
                continue
            if not candidate.is_from and not candidate.has_asname and is_dotted_under(candidate.imported, module):
                return module
            if candidate.bound == module:
                return candidate.local_name
        return None

    def _existing_binding(self, scope: Scope, fqn: str, exclude: ImportBinding | None) -> ImportBinding | None:
        visible = self.ctx.enclosing_scopes(scope)
        for candidate in self.ctx.imports:
            if candidate is exclude or candidate.is_star or candidate.alias is None:
                continue
            if candidate.bound == fqn and candidate.scope in visible:
                if id(candidate) in self.plan_of:
                    continue
                return candidate
        return None

    def _collides(
        self,
        name: str,
        binding: ImportBinding,
        target_fqn: str,
        *,
        scope: Scope | None = None,
        allow_import_of: str | None = None,
    ) -> bool:
        """Whether binding `name` would clash: bound in the global scope, or in a scope that holds a usage."""
        scopes: list[Scope] = [self.ctx.global_scope, binding.scope]
        if scope is not None:
            scopes.extend(self.ctx.enclosing_scopes(scope))
        else:
            for access in binding.accesses():
                usage_scope = access.scope
                scopes.extend(self.ctx.enclosing_scopes(usage_scope))
        for candidate_scope in {id(s): s for s in scopes}.values():
            for assignment in candidate_scope.assignments[name]:
                owner = self.ctx.binding_of_assignment.get(id(assignment))
                if owner is binding:
                    continue
                if owner is not None and (owner.bound == target_fqn or (allow_import_of and owner.bound == allow_import_of)):
                    continue
                return True
        # A local name bound more than once (try/except fallbacks, reassignment) must keep its name.
        if name != binding.local_name and len(binding.scope.assignments[binding.local_name]) > len(binding.assignments):
            return True
        return False

    # -- strings ----------------------------------------------------------------------------

    def _rewrite_string_annotations(self) -> None:
        strings: dict[int, tuple[cst.SimpleString, list[tuple[Any, _BindingPlan]]]] = {}
        for plan in self.plans:
            for access in plan.binding.accesses():
                node = access.node
                if isinstance(node, cst.SimpleString):
                    strings.setdefault(id(node), (node, []))[1].append((access, plan))
        for node, accesses in strings.values():
            self._rewrite_annotation_string(node, accesses)

    def _rewrite_annotation_string(self, node: cst.SimpleString, accesses: list[tuple[Any, _BindingPlan]]) -> None:
        value = string_value(node)
        if value is None:
            return
        try:
            expression = cst.parse_expression(value)
        except cst.ParserSyntaxError:
            return
        scope = self.ctx.scope_of(node)
        if scope is None:
            return
        by_name: dict[str, _BindingPlan] = {}
        for _access, plan in accesses:
            by_name.setdefault(plan.binding.local_name, plan)
        replacer = _StringAnnotationRewriter(self, by_name, scope, node)
        new_expression = expression.visit(replacer)
        if not replacer.changed:
            return
        new_value = cst.Module([]).code_for_node(new_expression)
        self.edits.replace_node(node, node.with_changes(value=f"{node.prefix}{node.quote}{new_value}{node.quote}"))
        self._edit_at(node)
        for access, plan in accesses:
            if plan.binding.local_name in replacer.fully_rewritten:
                self.rewritten_access[id(access)] = 1

    def _rewrite_call_strings(self) -> None:
        visitor = _CallStringFinder(self.ctx)
        walk(self.ctx.module, visitor)
        for node in visitor.targets:
            self._rewrite_target_string(node)
        for obj, name_node in visitor.object_attributes:
            self._rewrite_object_attribute(obj, name_node)
        for node in visitor.concatenations:
            self._check_concatenation(node)
        if self.strings == "all":
            for node in visitor.all_strings:
                if id(node) not in self.edits.nodes:
                    self._rewrite_target_string(node)

    def _rewrite_target_string(self, node: cst.SimpleString) -> None:
        value = string_value(node)
        if value is None:
            return
        new_value = rewrite_dotted_string(value, self.rules)
        if new_value is None or new_value == value:
            return
        self.edits.replace_node(node, with_string_value(node, new_value))
        self._edit_at(node)

    def _rewrite_object_attribute(self, obj: cst.BaseExpression, name_node: cst.SimpleString) -> None:
        """`patch.object(module, "Name")` where `module.Name` is the old name."""
        name = string_value(name_node)
        if name is None or not name.isidentifier():
            return
        for base in self.ctx.qualified_names(obj):
            full = f"{base}.{name}"
            for rule in self.rules:
                target = rule.string_target
                if target is None or full != rule.old.dotted:
                    continue
                module_parts, attr_parts = target.split_for(1)
                if len(attr_parts) != 1:
                    continue
                new_base = ".".join(module_parts)
                if new_base != base:
                    scope = self.ctx.scope_of(obj)
                    anchor = self._anchor_for_expression(obj)
                    if scope is None or anchor is None:
                        continue
                    parent_rule = RenameRule(DottedName.of(base), DottedName(tuple(module_parts)))
                    expression = self._new_reference(anchor, parent_rule, scope, obj)
                    if expression is None:
                        continue
                    self.edits.replace_node(obj, expression_for(expression))
                if attr_parts[0] != name:
                    self.edits.replace_node(name_node, with_string_value(name_node, attr_parts[0]))
                self._edit_at(name_node)
                return

    def _anchor_for_expression(self, node: cst.BaseExpression) -> ImportBinding | None:
        head = node
        while isinstance(head, cst.Attribute):
            head = head.value
        if not isinstance(head, cst.Name):
            return None
        scope = self.ctx.scope_of(head)
        if scope is None:
            return None
        bindings = self.ctx.bindings_for_name(scope, head.value)
        return bindings[0] if bindings else None

    def _check_concatenation(self, node: cst.BaseExpression) -> None:
        prefix = _literal_prefix(node)
        if not prefix:
            return
        for rule in self.rules:
            old = rule.old.dotted
            if old.startswith(prefix) or is_dotted_under(prefix.rstrip("."), old):
                self._finding(
                    node, "warning", "SSOT103",
                    f"{self.kind.label}: this concatenation may build {old}, which is now {rule.new.dotted}; "
                    "check it by hand",
                )
                return

    # -- cleanup -----------------------------------------------------------------------------

    def _remove_unused_parents(self) -> None:
        exported = self.ctx.exported_names()
        for plan in self.plans:
            if plan.relation != "parent":
                continue
            binding = plan.binding
            accesses = binding.accesses()
            if not accesses or binding.alias is None:
                continue
            if not all(id(a) in self.rewritten_access for a in accesses):
                continue
            if binding.is_module_level and binding.local_name in exported:
                continue
            self.edits.remove_alias(binding.alias)

    def _rewrite_dunder_all(self) -> None:
        """`__all__` entries follow their binding; one that would repeat a name already listed goes."""
        if not self.global_renames:
            return
        entries = self.ctx.all_entries()
        listed = {value for value, _node in entries if value not in self.global_renames}
        for value, node in entries:
            new = self.global_renames.get(value)
            if new is None or "." in new:
                continue
            element = self.ctx.parents.get(node)
            container = self.ctx.parents.get(element) if isinstance(element, cst.Element) else None
            if new in listed and container is not None:
                self.edits.drop_entries(container, [value])
            else:
                self.edits.replace_node(node, with_string_value(node, new))
                listed.add(new)
            self._edit_at(node)

    def _fix_moved_relative_imports(self) -> None:
        """A module that moved under `new`: relative imports that broke are written as they meant before."""
        info = self.ctx.info
        assert self.moved is not None
        old_root, new_root = self.moved
        if not is_dotted_under(info.name, new_root):
            return
        old_name = old_root + info.name[len(new_root) :]
        old_package = old_name if info.is_package else old_name.rpartition(".")[0]
        old_info = ModuleInfo(old_name, old_package, info.is_package)
        known = self.known_modules
        for binding in self.ctx.imports:
            statement = binding.statement
            if not isinstance(statement, cst.ImportFrom) or not statement.relative or id(statement) in self.statements_done:
                continue
            written = dotted_of(statement.module) if statement.module is not None else None
            now = absolute_module(info, len(statement.relative), written)
            before = absolute_module(old_info, len(statement.relative), written)
            if now is None or before is None or now == before:
                continue
            if now in known or before not in known:
                continue
            self.statements_done.add(id(statement))
            target = before
            for rule in self.rules:
                if is_dotted_under(before, rule.old.dotted) and not rule.report_only:
                    target = rule.new.dotted + before[len(rule.old.dotted) :]
            self.edits.set_from_module(statement, target, keep_relative=False)
            self._edit_at(statement)
            self._finding(
                statement, "info", "SSOT107",
                f"{self.kind.label}: relative import `{'.' * len(statement.relative)}{written or ''}` no longer resolves "
                f"from {info.name}; rewritten to {target}, what it meant in {old_name}",
            )


def _new_path(target: str, rules: Iterable[RenameRule]) -> DottedName | None:
    """Where `target` goes under the first rule that rewrites it."""
    for rule in sorted(rules, key=lambda r: -len(r.old.parts)):
        if rule.report_only or not is_dotted_under(target, rule.old.dotted):
            continue
        rest = target[len(rule.old.dotted) :]
        if not rest:
            return rule.new
        return DottedName((*rule.new.parts, *rest.lstrip(".").split(".")), rule.new.module_len)
    return None


def _common_prefix(a: list[str], b: list[str]) -> list[str]:
    out = []
    for x, y in zip(a, b):
        if x != y:
            break
        out.append(x)
    return out


def rewrite_dotted_string(value: str, rules: Iterable[RenameRule]) -> str | None:
    """The new value of a string whose whole value is a dotted name (or `module:attr`) under an old name."""
    dotted = value.replace(":", ".")
    for rule in rules:
        new = rule.string_target
        old = rule.old.dotted
        if new is None or not is_dotted_under(dotted, old):
            continue
        rest = dotted[len(old) :]
        if ":" in value:
            # Keep the colon where the module ends: the attribute part after it keeps its length.
            attr_len = len(value.split(":", 1)[1].split("."))
            rest_len = len(rest.lstrip(".").split(".")) if rest else 0
            module_parts, attr_parts = new.split_for(max(attr_len - rest_len, 0))
            attr_text = ".".join([*attr_parts, *(rest.lstrip(".").split(".") if rest else [])])
            return ".".join(module_parts) + (f":{attr_text}" if attr_text else "")
        return new.dotted + rest
    return None


def _literal_prefix(node: cst.BaseExpression) -> str | None:
    """The literal text a concatenation starts with ('' when it starts with something else)."""
    if isinstance(node, cst.SimpleString):
        return string_value(node) or ""
    if isinstance(node, cst.ConcatenatedString):
        left = _literal_prefix(node.left)  # type: ignore[arg-type]
        right = _literal_prefix(node.right)  # type: ignore[arg-type]
        return (left or "") + (right or "") if left is not None else None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left = _literal_prefix(node.left)
        if left is None:
            return None
        right = node.right
        if isinstance(right, (cst.SimpleString, cst.ConcatenatedString)):
            return left + (_literal_prefix(right) or "")
        return left
    return None


class _CallStringFinder(cst.CSTVisitor):
    """String arguments that name import targets, and string concatenations in those places."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.targets: list[cst.SimpleString] = []
        self.object_attributes: list[tuple[cst.BaseExpression, cst.SimpleString]] = []
        self.concatenations: list[cst.BaseExpression] = []
        self.all_strings: list[cst.SimpleString] = []

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.all_strings.append(node)

    def visit_Call(self, node: cst.Call) -> None:
        names = set(self.ctx.qualified_names(node.func))
        written = dotted_of(node.func)
        if written is not None:
            names.add(written)
        keyword = None
        for name in names:
            keyword = STRING_TARGET_CALLS.get(name) or FIXTURE_STRING_CALLS.get(name)
            if keyword:
                break
        positional = [a for a in node.args if a.keyword is None and not a.star]
        if keyword:
            argument = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == keyword), None)
            if argument is None and positional:
                argument = positional[0].value
            is_fixture_object_form = written in FIXTURE_OBJECT_ATTRIBUTE_CALLS and len(positional) >= 2 and not isinstance(
                positional[0].value, cst.SimpleString
            )
            if argument is not None and not is_fixture_object_form:
                self._take(argument)
        if (names & OBJECT_ATTRIBUTE_CALLS) or (written in FIXTURE_OBJECT_ATTRIBUTE_CALLS and len(positional) >= 2):
            if len(positional) >= 2 and isinstance(positional[1].value, cst.SimpleString):
                if not isinstance(positional[0].value, cst.SimpleString):
                    self.object_attributes.append((positional[0].value, positional[1].value))

    def _take(self, argument: cst.BaseExpression) -> None:
        if isinstance(argument, cst.SimpleString):
            self.targets.append(argument)
        elif isinstance(argument, (cst.ConcatenatedString, cst.BinaryOperation)):
            self.concatenations.append(argument)


class _StringAnnotationRewriter(cst.CSTTransformer):
    """Rewrites the names inside one string annotation, resolved at the string's own scope."""

    def __init__(self, owner: ReferenceRewriter, by_name: dict[str, _BindingPlan], scope: Scope, anchor: cst.CSTNode) -> None:
        super().__init__()
        self.owner = owner
        self.by_name = by_name
        self.scope = scope
        self.anchor = anchor
        self.changed = False
        self.seen: dict[str, int] = {}
        self.rewritten: dict[str, int] = {}
        self.fully_rewritten: set[str] = set()
        self.pending: dict[int, str] = {}

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        return self._maybe(node) is None

    def visit_Name(self, node: cst.Name) -> bool:
        self._maybe(node)
        return False

    def _maybe(self, node: cst.BaseExpression) -> Any:
        dotted = dotted_of(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        plan = self.by_name.get(head)
        if plan is None:
            return None
        self.seen[head] = self.seen.get(head, 0) + 1
        full = plan.binding.bound + ("." + rest if rest else "")
        rules = plan.parents if plan.relation == "parent" else [plan.rule]
        for rule in rules:
            old = rule.old.dotted
            if not is_dotted_under(full, old):
                continue
            old_len = len(old.split(".")) - len(plan.binding.bound.split(".")) + 1
            parts = dotted.split(".")
            replacement = self.owner._replacement_for(plan, rule, self.scope, self.anchor)
            if replacement is None:
                return None
            new_dotted = ".".join([replacement, *parts[old_len:]])
            self.rewritten[head] = self.rewritten.get(head, 0) + 1
            if self.rewritten[head] == self.seen[head]:
                self.fully_rewritten.add(head)
            if new_dotted != dotted:
                self.changed = True
                self.pending[id(node)] = new_dotted
            return True
        # `from m import Old` where m moved: names below a moved module keep their spelling.
        if plan.relation == "moved" and plan.local_after is None and plan.new_dotted is None:
            self.rewritten[head] = self.rewritten.get(head, 0) + 1
            if self.rewritten[head] == self.seen[head]:
                self.fully_rewritten.add(head)
        return None

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[override]
        new = self.pending.get(id(original_node))
        if new is not None:
            return expression_for(new)
        return super().on_leave(original_node, updated_node)


_MODULE_MOVE = {"old": "pkg.old", "new": "pkg.new"}
_MODULE_FILES = {"pkg/__init__.py": "", "pkg/new.py": "def f():\n    return 1\n"}
_SYMBOL_MOVE = {
    "old": "pkg.services.circuit_breaker.CircuitBreakerState",
    "new": "pkg.core.resilience:UnifiedCircuitBreakerState",
}
_SYMBOL_FILES = {
    "pkg/__init__.py": "",
    "pkg/services/__init__.py": "",
    "pkg/services/circuit_breaker.py": "class CircuitBreaker:\n    pass\n",
    "pkg/core/__init__.py": "",
    "pkg/core/resilience.py": "class UnifiedCircuitBreakerState:\n    pass\n\n\nclass UnifiedCircuitBreaker:\n    pass\n",
}


def _module_case(title: str, before: str, after: str | None, path: str = "app/main.py", **extra: Any) -> Example:
    files = {**_MODULE_FILES, "app/__init__.py": "", **extra.pop("files", {}), path: example_source(before)}
    files = {name: text for name, text in files.items() if text is not None}
    expected = {path: example_source(after)} if after is not None else {}
    expected.update(extra.pop("also", {}))
    return Example(title, {**_MODULE_MOVE, **extra.pop("options", {})}, files, expected, tuple(extra.pop("findings", ())))


def _symbol_case(title: str, before: str, after: str | None, path: str = "app/main.py", **extra: Any) -> Example:
    files = {**_SYMBOL_FILES, "app/__init__.py": "", **extra.pop("files", {}), path: example_source(before)}
    expected = {path: example_source(after)} if after is not None else {}
    expected.update(extra.pop("also", {}))
    return Example(title, {**_SYMBOL_MOVE, **extra.pop("options", {})}, files, expected, tuple(extra.pop("findings", ())))


RenameImport.examples = (
    # -- module moves ------------------------------------------------------------------
    _module_case(
        "import a.b: statement and attribute usages follow",
        """
        import pkg.old

        pkg.old.f()
        """,
        """
        import pkg.new

        pkg.new.f()
        """,
    ),
    _module_case(
        "import a.b as c: the alias is kept and usages stay",
        """
        import pkg.old as legacy

        legacy.f()
        """,
        """
        import pkg.new as legacy

        legacy.f()
        """,
    ),
    _module_case(
        "from a import b: the module bound as a name takes the new name",
        """
        from pkg import old

        old.f()
        """,
        """
        from pkg import new

        new.f()
        """,
    ),
    _module_case(
        "from a.b import x: only the module path changes",
        """
        from pkg.old import f

        f()
        """,
        """
        from pkg.new import f

        f()
        """,
    ),
    _module_case(
        "from a.b import x as y: alias kept",
        """
        from pkg.old import f as g

        g()
        """,
        """
        from pkg.new import f as g

        g()
        """,
    ),
    _module_case(
        "submodules move with their module",
        """
        import pkg.old.sub
        from pkg.old.sub.deep import thing

        pkg.old.sub.run(thing)
        """,
        """
        import pkg.new.sub
        from pkg.new.sub.deep import thing

        pkg.new.sub.run(thing)
        """,
        files={"pkg/new/__init__.py": "", "pkg/new/sub/__init__.py": "", "pkg/new/sub/deep.py": "thing = 1\n", "pkg/new.py": None},
    ),
    _module_case(
        "parenthesized multi-line import with comments and a trailing comma",
        """
        from pkg.old import (  # the old home
            f,  # first
            g,  # second
        )

        f(g)
        """,
        """
        from pkg.new import (  # the old home
            f,  # first
            g,  # second
        )

        f(g)
        """,
    ),
    _module_case(
        "imports inside functions are edited where they stand",
        """
        def handler():
            import pkg.old
            from pkg.old import f as helper

            return pkg.old.f(), helper()
        """,
        """
        def handler():
            import pkg.new
            from pkg.new import f as helper

            return pkg.new.f(), helper()
        """,
    ),
    _module_case(
        "imports under TYPE_CHECKING stay there",
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from pkg.old import f


        def use(callback: "f") -> None:
            pass
        """,
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from pkg.new import f


        def use(callback: "f") -> None:
            pass
        """,
    ),
    _symbol_case(
        "a fallback binding keeps its name even when the new name is already imported",
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState

        try:
            from pkg.services.circuit_breaker import CircuitBreakerState
        except ImportError:
            CircuitBreakerState = UnifiedCircuitBreakerState
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState

        try:
            from pkg.core.resilience import UnifiedCircuitBreakerState as CircuitBreakerState
        except ImportError:
            CircuitBreakerState = UnifiedCircuitBreakerState
        """,
    ),
    _module_case(
        "try/except ImportError fallbacks: each branch is rewritten in place",
        """
        try:
            from pkg.old import f
        except ImportError:  # pragma: no cover
            from pkg.compat import f
        """,
        """
        try:
            from pkg.new import f
        except ImportError:  # pragma: no cover
            from pkg.compat import f
        """,
    ),
    _module_case(
        "relative import from the same package stays relative",
        """
        from .old import f
        from .other import unrelated
        """,
        """
        from .new import f
        from .other import unrelated
        """,
        path="pkg/feature.py",
        files={"pkg/other.py": "unrelated = 1\n"},
    ),
    _module_case(
        "relative import two levels up stays relative",
        """
        from ..old import f
        from .. import old

        old.f(f)
        """,
        """
        from ..new import f
        from .. import new

        new.f(f)
        """,
        path="pkg/sub/feature.py",
        files={"pkg/sub/__init__.py": ""},
    ),
    Example(
        "`import a.b` also bound `a`: when the root changes, `a` stays imported for its other uses",
        {"old": "legacy.old", "new": "pkg.new"},
        {**_MODULE_FILES, "legacy/__init__.py": "VERSION = 1\n", "app/__init__.py": "", "app/main.py": example_source(
            """
            import legacy.old

            legacy.old.f()
            legacy.VERSION
            """
        )},
        {"app/main.py": example_source(
            """
            import pkg.new
            import legacy

            pkg.new.f()
            legacy.VERSION
            """
        )},
    ),
    _module_case(
        "star import from a moved module: the path is rewritten",
        """
        from pkg.old import *
        """,
        """
        from pkg.new import *
        """,
    ),
    _module_case(
        "dotted strings in mock.patch, monkeypatch and importlib follow; prose does not",
        """
        import importlib
        from unittest import mock


        @mock.patch("pkg.old.f")
        def test_f(patched, monkeypatch):
            monkeypatch.setattr("pkg.old.f", lambda: 2)
            module = importlib.import_module("pkg.old")
            note = "pkg.old.f is documented in pkg.old"
            # pkg.old.f is the function
            return module, note
        """,
        """
        import importlib
        from unittest import mock


        @mock.patch("pkg.new.f")
        def test_f(patched, monkeypatch):
            monkeypatch.setattr("pkg.new.f", lambda: 2)
            module = importlib.import_module("pkg.new")
            note = "pkg.old.f is documented in pkg.old"
            # pkg.old.f is the function
            return module, note
        """,
    ),
    _module_case(
        "strings = 'all' also rewrites settings-style lists; 'name:attr' keeps its colon",
        """
        PLUGINS = ["pkg.old.f", "pkg.old:f", "pkg.older.f"]
        """,
        """
        PLUGINS = ["pkg.new.f", "pkg.new:f", "pkg.older.f"]
        """,
        options={"strings": "all"},
    ),
    _module_case(
        "strings = 'calls' (the default) leaves settings-style lists alone",
        """
        PLUGINS = ["pkg.old.f"]
        """,
        None,
    ),
    _module_case(
        "strings = 'none' leaves even mock.patch targets alone",
        """
        from unittest import mock

        with mock.patch("pkg.old.f"):
            pass
        """,
        None,
        options={"strings": "none"},
    ),
    _module_case(
        "a concatenation that could build the old name is a finding, not an edit",
        """
        from unittest import mock

        with mock.patch("pkg.old" + ".f"):
            pass
        """,
        None,
        findings=("SSOT103",),
    ),
    _module_case(
        "an unrelated module with the same leaf name is untouched",
        """
        import other.old
        from vendor.pkg.old import f

        other.old.f(f)
        """,
        None,
    ),
    _module_case(
        "text files listed in text_files: whole-token occurrences only",
        """
        from pkg.old import f
        """,
        """
        from pkg.new import f
        """,
        options={"text_files": ["setup.cfg"]},
        files={"setup.cfg": "[options.entry_points]\nconsole_scripts =\n    tool = pkg.old:f\n    other = pkg.older:f\n"},
        also={"setup.cfg": "[options.entry_points]\nconsole_scripts =\n    tool = pkg.new:f\n    other = pkg.older:f\n"},
    ),
    _module_case(
        "a file with match and async syntax parses and is rewritten",
        """
        import pkg.old


        async def handle(event):
            match event:
                case {"kind": "ping"}:
                    return await pkg.old.f()
                case _:
                    return None
        """,
        """
        import pkg.new


        async def handle(event):
            match event:
                case {"kind": "ping"}:
                    return await pkg.new.f()
                case _:
                    return None
        """,
    ),
    # -- symbol moves with a rename ----------------------------------------------------
    _symbol_case(
        "symbol moved and renamed: import and every kind of usage",
        """
        import functools
        from pkg.services.circuit_breaker import CircuitBreakerState


        class Tracked(CircuitBreakerState):
            kind: type = CircuitBreakerState


        @functools.singledispatch
        def describe(state: CircuitBreakerState = CircuitBreakerState()) -> CircuitBreakerState:
            if isinstance(state, CircuitBreakerState):
                return state
            try:
                raise ValueError
            except (CircuitBreakerState, ValueError):
                return CircuitBreakerState()
        """,
        """
        import functools
        from pkg.core.resilience import UnifiedCircuitBreakerState


        class Tracked(UnifiedCircuitBreakerState):
            kind: type = UnifiedCircuitBreakerState


        @functools.singledispatch
        def describe(state: UnifiedCircuitBreakerState = UnifiedCircuitBreakerState()) -> UnifiedCircuitBreakerState:
            if isinstance(state, UnifiedCircuitBreakerState):
                return state
            try:
                raise ValueError
            except (UnifiedCircuitBreakerState, ValueError):
                return UnifiedCircuitBreakerState()
        """,
    ),
    _symbol_case(
        "an existing `as` alias for the moved symbol is kept",
        """
        from pkg.services.circuit_breaker import CircuitBreakerState as State

        State()
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState as State

        State()
        """,
    ),
    _symbol_case(
        "new name already bound in the module: keep the old local name with `as`",
        """
        from pkg.services.circuit_breaker import CircuitBreakerState

        UnifiedCircuitBreakerState = "something else"
        CircuitBreakerState()
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState as CircuitBreakerState

        UnifiedCircuitBreakerState = "something else"
        CircuitBreakerState()
        """,
    ),
    _symbol_case(
        "new name bound in a scope that holds a usage: keep the old local name",
        """
        from pkg.services.circuit_breaker import CircuitBreakerState


        def check(UnifiedCircuitBreakerState):
            return CircuitBreakerState, UnifiedCircuitBreakerState
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState as CircuitBreakerState


        def check(UnifiedCircuitBreakerState):
            return CircuitBreakerState, UnifiedCircuitBreakerState
        """,
    ),
    _symbol_case(
        "local_names = 'keep' keeps every local name",
        """
        from pkg.services.circuit_breaker import CircuitBreakerState

        CircuitBreakerState()
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState as CircuitBreakerState

        CircuitBreakerState()
        """,
        options={"local_names": "keep"},
    ),
    _symbol_case(
        "split: only the moved name leaves a multi-name import",
        """
        from pkg.services.circuit_breaker import CircuitBreaker, CircuitBreakerState

        CircuitBreaker(CircuitBreakerState())
        """,
        """
        from pkg.services.circuit_breaker import CircuitBreaker
        from pkg.core.resilience import UnifiedCircuitBreakerState

        CircuitBreaker(UnifiedCircuitBreakerState())
        """,
    ),
    _symbol_case(
        "split a parenthesized import: the other names and their comments stay",
        """
        from pkg.services.circuit_breaker import (
            CircuitBreaker,  # the breaker
            CircuitBreakerState,  # its state
        )

        CircuitBreaker(CircuitBreakerState())
        """,
        """
        from pkg.services.circuit_breaker import (
            CircuitBreaker,  # the breaker
        )
        from pkg.core.resilience import UnifiedCircuitBreakerState

        CircuitBreaker(UnifiedCircuitBreakerState())
        """,
    ),
    _symbol_case(
        "merge into an existing import of the new module",
        """
        from pkg.core.resilience import UnifiedCircuitBreaker
        from pkg.services.circuit_breaker import CircuitBreaker, CircuitBreakerState

        UnifiedCircuitBreaker(CircuitBreaker(), CircuitBreakerState())
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreaker, UnifiedCircuitBreakerState
        from pkg.services.circuit_breaker import CircuitBreaker

        UnifiedCircuitBreaker(CircuitBreaker(), UnifiedCircuitBreakerState())
        """,
    ),
    _symbol_case(
        "no duplicate import when the new name is already imported",
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState
        from pkg.services.circuit_breaker import CircuitBreakerState

        assert CircuitBreakerState is UnifiedCircuitBreakerState
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState

        assert UnifiedCircuitBreakerState is UnifiedCircuitBreakerState
        """,
    ),
    _symbol_case(
        "usage through `import a.b`: new import added, the old one removed once unused",
        """
        import pkg.services.circuit_breaker

        state = pkg.services.circuit_breaker.CircuitBreakerState()
        """,
        """
        import pkg.core.resilience

        state = pkg.core.resilience.UnifiedCircuitBreakerState()
        """,
    ),
    _symbol_case(
        "usage through `import a.b`: the old import stays while something else uses it",
        """
        import pkg.services.circuit_breaker

        state = pkg.services.circuit_breaker.CircuitBreakerState()
        breaker = pkg.services.circuit_breaker.CircuitBreaker()
        """,
        """
        import pkg.services.circuit_breaker
        import pkg.core.resilience

        state = pkg.core.resilience.UnifiedCircuitBreakerState()
        breaker = pkg.services.circuit_breaker.CircuitBreaker()
        """,
    ),
    _symbol_case(
        "an alias of a parent module: `bar.qux` becomes the new path, the alias stays while used",
        """
        from pkg.services import circuit_breaker as cb

        cb.CircuitBreaker(cb.CircuitBreakerState())
        """,
        """
        from pkg.services import circuit_breaker as cb
        from pkg.core.resilience import UnifiedCircuitBreakerState

        cb.CircuitBreaker(UnifiedCircuitBreakerState())
        """,
    ),
    _symbol_case(
        "without a colon in `new`, the parent alias's shape is mirrored: `from pkg.core import resilience`",
        """
        from pkg.services import circuit_breaker as cb

        cb.CircuitBreaker(cb.CircuitBreakerState())
        """,
        """
        from pkg.services import circuit_breaker as cb
        from pkg.core import resilience

        cb.CircuitBreaker(resilience.UnifiedCircuitBreakerState())
        """,
        options={"new": "pkg.core.resilience.UnifiedCircuitBreakerState"},
    ),
    _symbol_case(
        "an alias of a parent module used only for the moved name goes away",
        """
        import pkg.services.circuit_breaker as cb

        cb.CircuitBreakerState()
        """,
        """
        import pkg.core.resilience

        pkg.core.resilience.UnifiedCircuitBreakerState()
        """,
    ),
    _symbol_case(
        "string annotations, also inside subscripts and typing.cast",
        """
        from typing import Optional, cast

        from pkg.services.circuit_breaker import CircuitBreakerState


        def load(raw: object) -> "Optional[CircuitBreakerState]":
            return cast("CircuitBreakerState", raw)
        """,
        """
        from typing import Optional, cast

        from pkg.core.resilience import UnifiedCircuitBreakerState


        def load(raw: object) -> "Optional[UnifiedCircuitBreakerState]":
            return cast("UnifiedCircuitBreakerState", raw)
        """,
    ),
    _symbol_case(
        "patch.object(module, 'Name') follows both the module and the name",
        """
        from unittest import mock

        from pkg.services import circuit_breaker


        @mock.patch.object(circuit_breaker, "CircuitBreakerState")
        def test_state(patched):
            return circuit_breaker.CircuitBreaker
        """,
        """
        from unittest import mock

        from pkg.services import circuit_breaker
        from pkg.core import resilience


        @mock.patch.object(resilience, "UnifiedCircuitBreakerState")
        def test_state(patched):
            return circuit_breaker.CircuitBreaker
        """,
    ),
    _symbol_case(
        "shadowing: parameters and locals with the old name are not the import",
        """
        from pkg.services.circuit_breaker import CircuitBreakerState


        def f(CircuitBreakerState):
            return CircuitBreakerState


        def g():
            CircuitBreakerState = 1
            return CircuitBreakerState


        CircuitBreakerState()
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState


        def f(CircuitBreakerState):
            return CircuitBreakerState


        def g():
            CircuitBreakerState = 1
            return CircuitBreakerState


        UnifiedCircuitBreakerState()
        """,
    ),
    _symbol_case(
        "attributes of unrelated objects, comments and prose are untouched",
        """
        # CircuitBreakerState lives in pkg.services.circuit_breaker
        class Holder:
            CircuitBreakerState = None

            def use(self, obj):
                return self.CircuitBreakerState, obj.circuit_breaker.CircuitBreakerState


        DOC = "pkg.services.circuit_breaker.CircuitBreakerState was renamed"
        """,
        None,
    ),
    _symbol_case(
        "star import of the old module where the symbol moved: a finding",
        """
        from pkg.services.circuit_breaker import *

        CircuitBreakerState()
        """,
        None,
        findings=("SSOT101",),
    ),
    _symbol_case(
        "__all__ entries of a re-exporting module follow their binding; callers through it follow too",
        """
        from .services.circuit_breaker import CircuitBreakerState

        __all__ = ["CircuitBreakerState"]
        """,
        """
        from .core.resilience import UnifiedCircuitBreakerState

        __all__ = ["UnifiedCircuitBreakerState"]
        """,
        path="pkg/__init__.py",
        files={"app/use.py": "from pkg import CircuitBreakerState\n\nCircuitBreakerState()\n"},
        also={"app/use.py": "from pkg import UnifiedCircuitBreakerState\n\nUnifiedCircuitBreakerState()\n"},
    ),
    _symbol_case(
        "a mock.patch target through a module whose import of the old name is renamed follows that binding",
        """
        from pkg.services.circuit_breaker import CircuitBreakerState


        def state():
            return CircuitBreakerState()
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState


        def state():
            return UnifiedCircuitBreakerState()
        """,
        files={"tests/test_main.py": "from unittest import mock\n\n\n@mock.patch('app.main.CircuitBreakerState')\ndef test_state(patched):\n    pass\n"},
        also={"tests/test_main.py": "from unittest import mock\n\n\n@mock.patch('app.main.UnifiedCircuitBreakerState')\ndef test_state(patched):\n    pass\n"},
    ),
    Example(
        "__all__: an entry whose binding now has a name already listed goes instead of repeating it",
        {"old": "pkg.old.helper", "new": "pkg.new:f"},
        {**_MODULE_FILES, "pkg/api.py": example_source(
            """
            from .new import f
            from .old import helper

            __all__ = ["f", "helper"]
            """
        )},
        {"pkg/api.py": example_source(
            """
            from .new import f

            __all__ = ["f"]
            """
        )},
    ),
    _module_case(
        "an unchanged re-export keeps working: its callers get an info finding",
        """
        from .old import f

        __all__ = ["f"]
        """,
        """
        from .new import f

        __all__ = ["f"]
        """,
        path="pkg/api.py",
        files={"app/use.py": "from pkg.api import f\n\nf()\n"},
        findings=("SSOT104",),
    ),
    _module_case(
        "follow_reexports = true: callers of an unchanged re-export import the new path directly; a mock.patch "
        "target there still names where the function is looked up",
        """
        from .old import f
        """,
        """
        from .new import f
        """,
        path="pkg/api.py",
        options={"old": "pkg.old.f", "new": "pkg.new.f", "follow_reexports": True},
        files={
            "app/use.py": "from pkg.api import f\n\nf()\n",
            "tests/test_api.py": "from unittest import mock\n\n\n@mock.patch('pkg.api.f')\ndef test_f(patched):\n    pass\n",
        },
        also={"app/use.py": "from pkg.new import f\n\nf()\n"},
    ),
    Example(
        "typing.List -> builtins.list: usages become the bare builtin, the import goes",
        {"old": "typing.List", "new": "builtins.list"},
        {"app/__init__.py": "", "app/main.py": example_source(
            """
            import typing
            from typing import Dict, List


            def f(x: List[int], y: typing.List[str]) -> Dict[str, int]:
                return {}
            """
        )},
        {"app/main.py": example_source(
            """
            from typing import Dict


            def f(x: list[int], y: list[str]) -> Dict[str, int]:
                return {}
            """
        )},
    ),
    Example(
        "a moved module's own relative imports that broke are rewritten to what they meant",
        {"old": "pkg.legacy.bridge", "new": "pkg.services.bridge"},
        {
            "pkg/__init__.py": "",
            "pkg/legacy/__init__.py": "",
            "pkg/legacy/helpers.py": "def helper():\n    return 1\n",
            "pkg/services/__init__.py": "",
            "pkg/services/bridge.py": "from .helpers import helper\nfrom . import registry\n",
            "pkg/services/registry.py": "",
        },
        {"pkg/services/bridge.py": "from pkg.legacy.helpers import helper\nfrom . import registry\n"},
        ("SSOT107",),
    ),
    Example(
        "`from pkg import mod` where the module became top level: only `import` can name it",
        {"old": "compat.moves.queue", "new": "queue:"},
        {"compat/__init__.py": "", "compat/moves/__init__.py": "", "app/__init__.py": "", "app/main.py": example_source(
            """
            from compat.moves import queue, sentinel
            from compat.moves import queue as q

            queue.Queue(), q.LifoQueue(), sentinel
            """
        )},
        {"app/main.py": example_source(
            """
            from compat.moves import sentinel
            import queue
            import queue as q

            queue.Queue(), q.LifoQueue(), sentinel
            """
        )},
    ),
    Example(
        "`from pkg import mod` to a dotted module: `import a.b` when free, `import a.b as mod` when `a` is taken",
        {"old": "compat.moves.http_client", "new": "http.client:"},
        {"compat/__init__.py": "", "compat/moves/__init__.py": "", "app/__init__.py": "",
         "app/free.py": example_source(
            """
            from compat.moves import http_client

            http_client.HTTPConnection
            """
        ), "app/taken.py": example_source(
            """
            def http():
                pass


            from compat.moves import http_client

            http_client.HTTPConnection
            """
        )},
        {"app/free.py": example_source(
            """
            import http.client

            http.client.HTTPConnection
            """
        ), "app/taken.py": example_source(
            """
            def http():
                pass


            import http.client as http_client

            http_client.HTTPConnection
            """
        )},
    ),
    Example(
        "the module that re-exports the old name as the new path keeps its import (it must not import itself)",
        {"old": "pkg.unified_manager.Manager", "new": "pkg.websocket_manager:Manager"},
        {
            "pkg/__init__.py": "",
            "pkg/unified_manager.py": "class Manager:\n    pass\n",
            "pkg/websocket_manager.py": "from .unified_manager import Manager\n\n__all__ = [\"Manager\"]\n",
            "app.py": "from pkg.unified_manager import Manager\n\nManager()\n",
        },
        {"app.py": "from pkg.websocket_manager import Manager\n\nManager()\n"},
    ),
)
