"""What a rename follows: old -> new rules, which imports can reach an old name, and the rules derived
from re-exports of it across the repository."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Callable, Iterable

from ..discover import import_fragments, keyed_filter, word_pattern
from ..names import DottedName, is_dotted_under
from ..types import BytesFilter

if TYPE_CHECKING:
    from ..bindings import FileContext
    from ..repo import RepoContext
    from ..scan import FileScan, ImportUse
    from .edits import TransformResult

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


@dataclass(frozen=True)
class HomeRename:
    """Where the old name is (or was) defined, and where it goes: the home module's own uses follow it.

    DESIGN: a global name of `module` that was bound to `old` and is now unbound (the person renamed or moved
    the definition first) means `old`; a definition that still has the old name is renamed when `new` is in
    the same module, and is a finding when `new` is elsewhere (the move has not happened yet)."""

    module: str
    path: str
    old: str  # the name in `module`
    new_module: str
    new: str
    # `new_module` imports `module` when it is imported: an import of it here must wait until a function runs.
    cyclic: bool = False
    # The home module still binds the old name after the plan (it moves elsewhere, and the module uses or lists
    # it, so it imports it back, or still defines it): patches of `module.old` must stay there, where its own
    # code looks the name up.
    keeps: bool = False

    @property
    def path_of_old(self) -> str:
        return f"{self.module}.{self.old}"

    def still_defined(self, label: str) -> str:
        """SSOT108's message: the definition is still here while `new` is in another module."""
        return (
            f"{label}: {self.module}.{self.old} is still defined here; move the definition to {self.new_module} and "
            "plan again (its uses in this module are left as they are)"
        )


@dataclass(frozen=True)
class ModuleFacts:
    """What the repository says about a rule's paths: `old_modules` are old paths that name modules (whether the
    files moved yet or not), `present` the modules under them that still exist, `home` where the old name is
    defined when it is a module attribute, `shadowed` the submodules a package attribute hides."""

    old_modules: frozenset[str] = frozenset()
    present: frozenset[str] = frozenset()
    home: HomeRename | None = None
    # Submodules under `old` whose package binds their name to something else (`pkg/__init__.py: from .widget
    # import widget`): `from pkg import widget` and `pkg.widget` mean that binding, which keeps working.
    shadowed: frozenset[str] = frozenset()

    def is_module(self, path: str) -> bool:
        return any(is_dotted_under(path, module) for module in self.old_modules)


def match_rule(
    rules: Iterable[RenameRule], shadowed: frozenset[str], *, from_module: str | None, is_star: bool, imported: str,
    bound: str,
) -> tuple[RenameRule | None, str, list[RenameRule]]:
    """The rule one import binding relates to, and how: `module` (a `from` import out of an old module), `moved`
    (the binding imports an old path), `star-symbol` (a star import that may bring an old name in), `parent` (the
    binding holds a parent of old paths: every such rule, first one first); (None, "", []) for no relation.

    `from_module` is the absolute module of a `from` import (None for `import`); `imported` and `bound` as in
    `bindings.ImportBinding`. The libcst path (`ReferenceRewriter`) and the `ast` path (`plain.py`) both decide
    with it, so they cannot disagree on what a binding is."""
    parents: list[RenameRule] = []
    for rule in rules:
        old = rule.old.dotted
        if from_module is not None:
            if is_dotted_under(from_module, old):
                return rule, "module", []
            if is_star:
                if old.startswith(from_module + "."):
                    return rule, "star-symbol", []
                continue
            if imported == old and old not in shadowed:
                return rule, "moved", []
            if old.startswith(imported + ".") and not rule.report_only:
                parents.append(rule)
        else:
            if is_dotted_under(imported, old):
                return rule, "moved", []
            # A re-export that keeps working (report-only) is reported at its import alone: as a parent it
            # must not stand for the binding, or the binding's other rules would never run (`import pkg.a`
            # with `pkg.a.x` re-exporting `pkg.old.x`, and `pkg.old.y` used through the same `pkg`).
            if old.startswith(bound + ".") and not rule.report_only:
                parents.append(rule)
    if parents:
        return parents[0], "parent", parents
    return None, "", []


def rule_renames(rules: Iterable[RenameRule]) -> tuple[tuple[str, str], ...]:
    """(old, new) pairs of the rules that rewrite (re-exports that keep working are left as they are)."""
    return tuple((rule.old.dotted, rule.new.dotted) for rule in rules if not rule.report_only)


def rules_may_match(scan: FileScan, rules: Iterable[RenameRule], strings: str) -> bool:
    """Whether a file's `ast` scan can hold a reference to an old name (the cheap check before libcst):
    some import can reach it (the module, the name itself, a parent used in a chain that reaches
    it, a star import), or a dotted string names it."""
    if not scan.parsed:
        return True
    for rule in rules:
        old = rule.old.dotted
        if any(relation(use, old, scan.chains) for use in scan.uses):
            return True
        if strings != "none" and any(is_dotted_under(s, old) for s in scan.strings):
            return True
    return False


def prefix_string(dotted: str) -> bytes:
    """A regex for a string literal whose whole value is a non-empty start of `dotted`."""
    nested = b""
    for char in reversed(dotted.encode()):
        nested = re.escape(bytes([char])) + (b"(?:" + nested + b")?" if nested else b"")
    return rb"[\"']" + nested + rb"[\"']"


@lru_cache(maxsize=64)
def rules_filter(rules: tuple[RenameRule, ...]) -> BytesFilter:
    leaves = sorted({r.old.leaf for r in rules})
    # Every pattern of a leaf holds it as a whole word: one pass over a file lists its words, and only the
    # patterns of the leaves it holds are tried (a package move has hundreds of leaves).
    groups: list[tuple[str, list[re.Pattern[bytes]]]] = []
    for leaf in leaves:
        word = re.escape(leaf.encode())
        if all(len(r.old.parts) == 1 for r in rules if r.old.leaf == leaf):
            groups.append((leaf, [p for p in (word_pattern([leaf]),) if p is not None]))
            continue
        patterns = [re.compile(fragment) for fragment in import_fragments(leaf)]
        patterns.append(re.compile(rb"[\"']" + word + rb"[\"']"))
        patterns.append(
            re.compile(rb"\A(?=[\s\S]*?import[ \t]*\*)(?=[\s\S]*?(?<![A-Za-z0-9_])" + word + rb"(?![A-Za-z0-9_]))")
        )
        groups.append((leaf, patterns))
    return keyed_filter(groups)


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


def relation(use: ImportUse, old: str, chains: Iterable[str] | None) -> bool:
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
        # A re-export in a module under an old path moves with it (the rule for that path covers it): only
        # re-exports outside the old paths can keep working.
        moving = [r.old.dotted for r in (*rules, *derived) if not r.report_only]
        aliases = {
            alias: target
            for alias, target in repo.index.direct_reexports(frontier, below=depth == 0).items()
            if alias not in seen and not any(is_dotted_under(alias, old) for old in moving)
        }
        if not aliases:
            break
        # A re-export matters when a file imports it or names it in a dotted string (`mock.patch("app.views.Old")`).
        wanted = frozenset(aliases)
        named: set[str] = set()
        importers = repo.grep_imports({alias.rsplit(".", 1)[1] for alias in aliases})
        repo.prefetch_named_in(importers, wanted)  # the scans `named_in` reads, on the worker pool
        for path in importers:
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


def all_prefixes(modules: Iterable[str]) -> set[str]:
    out = set()
    for name in modules:
        parts = name.split(".")
        out.update(".".join(parts[:i]) for i in range(1, len(parts)))
    return out


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


def module_facts(repo: RepoContext, old: DottedName, new: DottedName) -> ModuleFacts:
    """Which old paths are modules, which of them still exist, and where `old` is defined when it is an
    attribute of a repository module (its home: DESIGN's in-place renames and moves)."""
    from ..index import import_closure

    modules = repo.modules
    present = frozenset(m for m in modules.modules() if is_dotted_under(m, old.dotted))
    is_module = bool(present) or any(is_dotted_under(m, new.dotted) for m in modules.modules()) or bool(
        new.module_len and new.module_len == len(new.parts)
    )
    old_modules = frozenset({old.dotted}) if is_module else frozenset()
    # Only a module can be hidden by its package's attribute of the same name.
    shadowed = frozenset(m for m in present | {old.dotted} if _shadowed_submodule(repo, m)) if is_module else frozenset()
    home = None
    split = repo.index.split_module(old.dotted) if not old.is_builtin and not is_module else None
    if split is not None and len(split[1]) == 1 and not new.is_builtin:
        module, (name,) = split
        new_module_parts, new_attr = new.split_for(1)
        path = modules.path_of(module)
        # `new` re-exporting the definition that stays at `old` is a consolidation by alias, not a move.
        aliased = any(r.fqn == old.dotted for r in repo.index.definitions(new.dotted))
        if path is not None and len(new_attr) == 1 and new_attr[0].isidentifier() and not aliased:
            new_module = ".".join(new_module_parts)
            cyclic = new_module != module and module in import_closure(repo.index, new_module)
            keeps = new_module != module and _home_uses(repo, path, module, name, f"{new_module}.{new_attr[0]}")
            home = HomeRename(module, path, name, new_module, new_attr[0], cyclic, keeps)
    return ModuleFacts(old_modules, present, home, shadowed)


def _home_uses(repo: RepoContext, path: str, module: str, name: str, new: str) -> bool:
    """Whether the home module defines `name`, uses it or lists it in `__all__`, or imports it back from `new`
    (builtins included: a module global shadows a builtin of the same name, so a use of it meant the module's
    own)."""
    import ast

    from ..scan import parse_tree
    from ..scopes import file_names

    data = repo.read(path)
    tree = parse_tree(data, path) if data is not None else None
    info = repo.modules.info_for(path)
    if not isinstance(tree, ast.Module) or info is None:
        return False
    names = file_names(tree, info)
    return any(
        reference.text.partition(".")[0] == name
        and reference.meanings & {f"{module}.{name}", f"builtins.{name}", new}
        for reference in names.references
    )


def _shadowed_submodule(repo: RepoContext, module: str) -> bool:
    """Whether `pkg/__init__.py` binds the name of its submodule `pkg.sub` to something else (`from .sub import
    sub`, a function): then `from pkg import sub` and `pkg.sub` mean that, not the module."""
    package, _, name = module.rpartition(".")
    summary = repo.index.summary(package) if package else None
    if summary is None or not summary.is_package:
        return False
    if summary.definitions_of(name):
        return True
    return any(imported.target != module for imported in summary.imports_of(name))
