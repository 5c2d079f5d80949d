"""Repo-wide symbol index: definitions, re-exports and aliases, built lazily from `ast` summaries.

Only modules on the path of a question are parsed: resolving `pkg.f` reads
`pkg/__init__.py` and whatever it re-exports `f` from; finding who re-exports a
name reads only the files that can import that name.
"""

from __future__ import annotations

import builtins
import re
from dataclasses import dataclass
from typing import Callable, Iterable

from .modules import ModuleMap
from .scan import Definition, FileScan, ModuleSummary, scan_source

_MAX_DEPTH = 12
_STAR_IMPORT = re.compile(rb"^[ \t]*from[ \t]+[\w.]+[ \t]+import[ \t]+\*", re.MULTILINE)


@dataclass(frozen=True)
class Resolved:
    """Where a dotted path ends up: a definition in the repo, a repo module, or outside the repo."""

    fqn: str
    module: str | None
    definition: Definition | None
    via_fallback: bool = False
    # Reached only through an `except ImportError` branch: what runs when the guarded import failed.
    via_handler: bool = False

    @property
    def in_repo(self) -> bool:
        return self.module is not None


class RepoIndex:
    """Lazily answers questions about the repository's modules."""

    def __init__(
        self,
        modules: ModuleMap,
        read: Callable[[str], bytes | None],
        grep: Callable[[Iterable[str]], list[str]],
        scan: Callable[[str], FileScan | None] | None = None,
    ) -> None:
        self.modules = modules
        self._read = read
        self._grep = grep
        self._scan = scan
        self._summaries: dict[str, ModuleSummary | None] = {}
        self._splits: dict[str, tuple[str, tuple[str, ...]] | None] = {}

    # -- modules -----------------------------------------------------------------

    def summary(self, module: str) -> ModuleSummary | None:
        if module not in self._summaries:
            path = self.modules.path_of(module)
            summary = None
            if path is not None and self._scan is not None:
                scan = self._scan(path)  # shared with the caller's per-run scans: each file is parsed once
                summary = scan.summary if scan is not None else None
            elif path is not None:
                data = self._read(path)
                info = self.modules.info_for(path)
                if data is not None and info is not None:
                    summary = scan_source(data, info, path).summary
            self._summaries[module] = summary
        return self._summaries[module]

    def remember(self, summary: ModuleSummary) -> None:
        """Adopt a summary already computed for a module's own file (audit scans every file once)."""
        self._summaries[summary.module] = summary

    def summary_for_path(self, path: str) -> ModuleSummary | None:
        info = self.modules.info_for(path)
        return self.summary(info.name) if info is not None and self.modules.path_of(info.name) == path else None

    def split_module(self, fqn: str) -> tuple[str, tuple[str, ...]] | None:
        """(longest repo module prefix, remaining attribute parts), or None when no prefix is a repo module."""
        try:
            return self._splits[fqn]
        except KeyError:
            pass
        split = None
        # The longest prefix first, cut at each dot from the right (no list of parts joined again per cut).
        module, is_module = fqn, self.modules.is_module
        while True:
            if is_module(module):
                split = (module, tuple(fqn[len(module) + 1:].split(".")) if len(module) < len(fqn) else ())
                break
            cut = module.rfind(".")
            if cut < 0:
                break
            module = module[:cut]
        self._splits[fqn] = split
        return split

    def is_repo_module(self, fqn: str) -> bool:
        return self.modules.is_module(fqn)

    # -- forward: a path to its definitions ------------------------------------------

    def resolve(self, fqn: str) -> list[Resolved]:
        """Every definition `fqn` can reach through re-exports (several when fallbacks rebind it)."""
        found: dict[str, Resolved] = {}
        self._resolve(fqn, found, set(), 0, False, False)
        return list(found.values())

    def _resolve(
        self, fqn: str, found: dict[str, Resolved], seen: set[str], depth: int, fallback: bool, handler: bool
    ) -> None:
        if fqn in seen or depth > _MAX_DEPTH:
            return
        seen.add(fqn)
        split = self.split_module(fqn)
        if split is None:
            found.setdefault(fqn, Resolved(fqn, None, None, fallback, handler))
            return
        module, attrs = split
        if not attrs:
            found.setdefault(fqn, Resolved(fqn, module, None, fallback, handler))
            return
        summary = self.summary(module)
        name, rest = attrs[0], attrs[1:]
        suffix = "".join("." + r for r in rest)
        matched = False
        if summary is not None:
            for definition in summary.definitions_of(name):
                matched = True
                target = f"{module}.{name}{suffix}"
                found.setdefault(
                    target,
                    Resolved(target, module, definition, fallback or definition.fallback, handler or definition.handler),
                )
            for imported in summary.imports_of(name):
                matched = True
                self._resolve(
                    imported.target + suffix, found, seen, depth + 1, fallback or imported.fallback,
                    handler or imported.handler,
                )
            if not matched:
                for star in summary.star_imports:
                    if not self.star_binds(star, name):
                        continue
                    before = len(found)
                    self._resolve(f"{star}.{name}{suffix}", found, seen, depth + 1, fallback, handler)
                    if len(found) > before:
                        matched = True
        if not matched:
            found.setdefault(fqn, Resolved(fqn, module, None, fallback, handler))

    def star_binds(self, module: str, name: str) -> bool:
        """Whether `from module import *` can bind `name`: listed in its `__all__`, else any public name.

        A module outside the repository (or one that does not parse) may bind anything.
        """
        summary = self.summary(module) if self.modules.is_module(module) else None
        if summary is None:
            return not self.modules.is_module(module) or self.modules.path_of(module) is not None
        if summary.all_names is not None:
            return name in summary.all_names
        return not name.startswith("_")

    def definitions(self, fqn: str) -> list[Resolved]:
        return [r for r in self.resolve(fqn) if r.definition is not None]

    # -- reverse: who re-exports a name -----------------------------------------------

    def reexports(
        self, targets: Iterable[str], *, limit_depth: int = 6, below: bool = False, stars: bool = False
    ) -> dict[str, str]:
        """Module-level aliases of `targets` in the repo: {`pkg.X`: the target it reaches}.

        An alias is a module-level `from` import binding (`from .types import X [as Y]`,
        including fallbacks) whose target is a target or another alias; with
        `below`, also a binding of anything below a target (`from .old import f`
        for the module `pkg.old`); with `stars`, also a public name a module gets
        from `from .types import *` (unless it binds that name itself).
        """
        targets = set(targets)
        aliases: dict[str, str] = {}
        frontier = {t: t for t in targets}
        for depth in range(limit_depth):
            words = {fqn.rsplit(".", 1)[-1] for fqn in frontier}
            paths = set(self._grep(words))
            if stars:
                # Star imports name the module, not the symbol: only files that star-import are read.
                module_words = {fqn.split(".")[-2] for fqn in frontier if "." in fqn}
                paths |= {
                    p for p in self._grep(module_words) if (data := self._read(p)) is not None and _STAR_IMPORT.search(data)
                }
            new: dict[str, str] = {}
            for path in sorted(paths):
                summary = self.summary_for_path(path)
                if summary is None:
                    continue
                if stars:
                    new.update(
                        (alias, root) for alias, root in self._star_aliases(summary, frontier).items()
                        if alias not in targets and alias not in aliases
                    )
                for imported in summary.imports:
                    if imported.is_module_import:
                        continue
                    root = frontier.get(imported.target)
                    if root is None and below and depth == 0:
                        root = next((imported.target for t in frontier if imported.target.startswith(t + ".")), None)
                    if root is None:
                        continue
                    alias = f"{summary.module}.{imported.local}"
                    if alias not in targets and alias not in aliases:
                        new[alias] = root
            if not new:
                break
            aliases.update(new)
            frontier = new
        return aliases

    def _star_aliases(self, summary: ModuleSummary, frontier: dict[str, str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for star in summary.star_imports:
            source = None
            for target, root in frontier.items():
                module, _, name = target.rpartition(".")
                if module != star or summary.definitions_of(name) or summary.imports_of(name):
                    continue
                source = source or self.summary(star)
                exported = source.all_names if source is not None else None
                if (name in exported) if exported is not None else not name.startswith("_"):
                    found[f"{summary.module}.{name}"] = root
        return found

    def direct_reexports(self, targets: Iterable[str], *, below: bool = False) -> dict[str, str]:
        """Like `reexports`, one hop only: {alias: the target its binding imports}."""
        return self.reexports(targets, limit_depth=1, below=below)

    def aliases_of(self, fqn: str) -> set[str]:
        """Every path that names the same definition as `fqn`: its definition and all re-exports of it."""
        definitions = {r.fqn for r in self.resolve(fqn)} | {fqn}
        return definitions | set(self.reexports(definitions, stars=True))


def signature_conflicts(index: RepoIndex, fqn: str) -> list[tuple[Resolved, Resolved]]:
    """Pairs of definitions that `fqn` can reach (through re-exports and try/except ImportError
    fallbacks) whose signatures disagree: the trap behind `missing 1 required positional argument`."""
    callables = [
        r for r in index.resolve(fqn)
        if r.definition is not None and r.definition.signature is not None
    ]
    conflicts = []
    for position, first in enumerate(callables):
        for second in callables[position + 1 :]:
            if first.definition.signature != second.definition.signature:  # type: ignore[union-attr]
                conflicts.append((first, second))
    return conflicts


# -- classes, aliases and the import graph -------------------------------------------------


def qualify(index: RepoIndex, module: str, expression: str) -> str | None:
    """What a dotted expression written at the top level of `module` names (`base.Manager` -> `pkg.base.Manager`).

    Subscripts are dropped (`Generic[T]` names `typing.Generic`); None when the head
    name is bound neither by an import nor by a definition of the module, nor a builtin.
    """
    expression = expression.split("[", 1)[0].strip()
    head, _, rest = expression.partition(".")
    if not head.isidentifier():
        return None
    suffix = f".{rest}" if rest else ""
    summary = index.summary(module)
    if summary is not None:
        imported = summary.imports_of(head)
        steady = [i for i in imported if not i.fallback] or imported
        if steady:
            return steady[0].target + suffix
        if summary.definitions_of(head):
            return f"{module}.{head}{suffix}"
    if hasattr(builtins, head):
        return f"builtins.{head}{suffix}"
    return None


def class_definitions(index: RepoIndex, fqn: str) -> list[Resolved]:
    """The class definitions `fqn` names, through re-exports and `Old = New` aliases (several with fallbacks)."""
    found: dict[str, Resolved] = {}
    _class_definitions(index, fqn, found, {fqn}, 0)
    return list(found.values())


def _class_definitions(index: RepoIndex, fqn: str, found: dict[str, Resolved], seen: set[str], depth: int) -> None:
    for resolved in index.resolve(fqn):
        definition = resolved.definition
        if definition is None or resolved.module is None or resolved.fqn != f"{resolved.module}.{definition.name}":
            continue
        if definition.kind == "class":
            found.setdefault(resolved.fqn, resolved)
        elif definition.kind == "variable" and definition.value and depth < _MAX_DEPTH:
            target = qualify(index, resolved.module, definition.value)
            if target is not None and target not in seen:
                seen.add(target)
                _class_definitions(index, target, found, seen, depth + 1)


def runtime_imports(index: RepoIndex, module: str) -> set[str]:
    """The repo modules that importing `module` imports at once: its module-level imports outside
    TYPE_CHECKING (`from pkg import sub` names the submodule, `from pkg import name` the package).

    The parent packages that Python initialises first are not edges: by the time a module's own
    code runs they are already in `sys.modules`, so they cannot close a cycle through it.
    """
    summary = index.summary(module)
    if summary is None:
        return set()
    found: set[str] = set()
    for imported, names in summary.runtime_imports:
        needs_module = not names
        for name in names:
            submodule = f"{imported}.{name}"
            if index.modules.path_of(submodule) is not None:
                found.add(submodule)
            else:
                needs_module = True
        if needs_module and index.modules.path_of(imported) is not None:
            found.add(imported)
    found.discard(module)
    return found


def import_closure(index: RepoIndex, start: str) -> dict[str, str | None]:
    """Every repo module that importing `start` runs, each with the module that imports it
    (`start` maps to None): follow the values back to get the chain."""
    reached: dict[str, str | None] = {start: None}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for module in frontier:
            for imported in sorted(runtime_imports(index, module)):
                if imported not in reached:
                    reached[imported] = module
                    following.append(imported)
        frontier = following
    return reached


def import_chain(closure: dict[str, str | None], target: str) -> list[str] | None:
    """`[start, ..., target]` through an `import_closure`, or None when `start` does not import `target`."""
    if target not in closure:
        return None
    chain = [target]
    while (previous := closure[chain[-1]]) is not None:
        chain.append(previous)
    return chain[::-1]
