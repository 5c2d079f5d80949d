"""The repository as kinds see it while preparing: its files, module names, symbol index and environment.

Name resolution across files starts here (`RepoContext.index`, `importable`); `RecordingRepo` is the
same view with every read noted as a fact, so `recall` can replay a repository-wide result.
"""

from __future__ import annotations

import importlib.machinery
import os
import re
import sys
from dataclasses import dataclass, field, fields
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, TypeVar

from .config import ProjectConfig
from .discover import Discovery, import_filter, word_filter
from .index import RepoIndex
from .modules import ModuleInfo, ModuleMap, default_roots
from .names import DottedName, dotted_prefixes
from .recall import Recording, fact_value, remember
from .scan import FileScan, scan_source
from .types import BytesFilter

if TYPE_CHECKING:
    from .cache import PlanCache

T = TypeVar("T")
# A string literal that is a dotted path (`"a.b.C"`, `'a.b:C'`), as the `ast` scan's strings are.
# Looking for the quote first keeps the search fast: most of a file is not a string.
_DOTTED_STRING = re.compile(rb"""["']([A-Za-z_][A-Za-z0-9_]*(?:[.:][A-Za-z_][A-Za-z0-9_]*)+)["']""")


def may_name_in_string(data: bytes, wanted: Iterable[str]) -> bool:
    """Whether `data` holds a string literal naming one of the dotted paths `wanted` or something below it.

    One pass over the file, whatever the number of paths (a module that many files import
    from has hundreds of module-level bindings)."""
    wanted = set(wanted)
    for run in _DOTTED_STRING.findall(data):
        text = run.decode("ascii").replace(":", ".")
        if any(prefix in wanted for prefix in dotted_prefixes(text)):
            return True
    return False


@lru_cache(maxsize=16)
def _parents(wanted: frozenset[str]) -> frozenset[str]:
    """The paths some of `wanted` lie under (once per set: `named_in` asks it for every file of a grep)."""
    return frozenset(prefix for name in wanted for prefix in dotted_prefixes(name) if prefix != name)


@dataclass
class RepoContext:
    """The repository as kinds see it while preparing: files, module names, the symbol index."""

    root: Path
    files: tuple[str, ...]
    python_files: tuple[str, ...]
    modules: ModuleMap
    cache: PlanCache | None = None
    # From the listing (`Discovery.stats`): what `remember` compares to find changed files.
    stats: Mapping[str, tuple[int, int, int]] = field(default_factory=dict)
    listed_at_ns: int = 0
    recalled: int = 0  # results `remember` replayed in this run
    _contents: dict[str, bytes | None] = field(default_factory=dict)
    _scans: dict[str, FileScan | None] = field(default_factory=dict)
    _import_scans: dict[str, FileScan | None] = field(default_factory=dict)
    # Scans of many files at once on other processes ((path, info, bytes), expressions -> (path, scan) as they
    # come, each already stored in `cache`; None when too few to be worth it): the engine's worker pool, while
    # preparing.
    scan_many: Callable[[list[tuple[str, ModuleInfo | None, bytes]], bool], Iterable[tuple[str, FileScan]] | None] | None = None

    def read(self, path: str) -> bytes | None:
        if path not in self._contents:
            try:
                with open(os.path.join(self.root, path), "rb") as stream:  # cheaper than a Path per file
                    self._contents[path] = stream.read()
            except OSError:
                self._contents[path] = None
        return self._contents[path]

    def grep(self, words: Iterable[str]) -> list[str]:
        """Python files that contain any of `words` as a whole word."""
        return self._grep(word_filter(words))

    def grep_imports(self, names: Iterable[str]) -> list[str]:
        """Python files that can import something called one of `names` (`discover.import_fragments`).

        Their statement scans, which the callers read next, are made now, on the worker pool when
        there are many."""
        paths = self._grep(import_filter(names))
        self._prefetch_import_scans(paths)
        return paths

    def _prefetch_import_scans(self, paths: list[str]) -> None:
        self._prefetch_scans([p for p in paths if p not in self._scans and p not in self._import_scans], expressions=False)

    def _prefetch_scans(self, paths: list[str], *, expressions: bool) -> None:
        """Make the scans of `paths` that the cache folder does not hold on the worker pool, when there are many
        (otherwise `scan` and `import_scan` make them one by one when asked)."""
        if self.scan_many is None or not paths:
            return
        scans = self._scans if expressions else self._import_scans
        todo: list[tuple[str, ModuleInfo | None, bytes]] = []
        for path in paths:
            data = self._contents.get(path)
            if data is None:
                continue
            info = self.modules.info_for(path)
            cached = self.cache.get_scan(data, path, info, expressions=expressions) if self.cache is not None else None
            if cached is not None:
                scans[path] = cached
            else:
                todo.append((path, info, data))
        made = self.scan_many(todo, expressions) if todo else None
        if made is None:
            return
        for path, scan in made:  # the workers stored them in the cache folder
            scans[path] = scan

    def prefetch_named_in(self, paths: Iterable[str], wanted: frozenset[str]) -> None:
        """Make, on the worker pool, the scans of expressions that `named_in(path, wanted)` will read for `paths`
        (their statement scans made already: `grep_imports`). Nothing is noted as a fact: `named_in` notes its
        answer when asked."""
        todo = []
        for path in paths:
            if path in self._scans:
                continue
            scan = self._import_scans.get(path)
            data = self._contents.get(path)
            if scan is not None and data is not None and self._needs_expressions(data, scan, wanted):
                todo.append(path)
        self._prefetch_scans(todo, expressions=True)

    def _grep(self, found: BytesFilter | None) -> list[str]:
        if found is None:
            return []
        return [p for p in self.python_files if (data := self.read(p)) is not None and found.search(data)]

    def scan(self, path: str) -> FileScan | None:
        """The `ast` scan of one file (cached for the run and in the cache folder)."""
        return self._scan(path, self._scans, expressions=True)

    def import_scan(self, path: str) -> FileScan | None:
        """The imports (any scope) and module summary of one file: a scan of its statements only."""
        if path in self._scans:
            return self._scans[path]
        return self._scan(path, self._import_scans, expressions=False)

    def _scan(self, path: str, scans: dict[str, FileScan | None], *, expressions: bool) -> FileScan | None:
        if path not in scans:
            data = self.read(path)
            info = self.modules.info_for(path)
            scan = None
            if data is not None:
                cache = self.cache
                scan = cache.get_scan(data, path, info, expressions=expressions) if cache is not None else None
                if scan is None:
                    scan = scan_source(data, info, path, expressions=expressions)
                    if cache is not None:
                        cache.put_scan(data, path, info, scan)
            scans[path] = scan
        return scans[path]

    def named_in(self, path: str, wanted: frozenset[str]) -> frozenset[str]:
        """Which of the dotted paths `wanted` this file imports, names in a dotted string or reaches as an attribute
        of a module it imports, itself or something below it (`mock.patch("app.views.Old.method")` names
        `app.views.Old`; `from pkg import filters` + `filters.PHP()` names `pkg.filters.PHP`)."""
        data = self.read(path) or b""
        scan = self.import_scan(path)
        if scan is None:
            return frozenset()
        if self._needs_expressions(data, scan, wanted):
            scan = self.scan(path) or scan
        named = {name for name in scan.imported | scan.strings}
        bound = {use.local: use.bound for use in scan.uses if use.local != "*"}
        for chain in scan.chains:
            head, _, rest = chain.partition(".")
            if rest and head in bound:
                named.add(f"{bound[head]}.{rest}")
        return frozenset(prefix for name in named for prefix in dotted_prefixes(name) if prefix in wanted)

    @staticmethod
    def _needs_expressions(data: bytes, scan: FileScan, wanted: frozenset[str]) -> bool:
        """Only a file that holds a dotted string naming a wanted path, or imports a module a wanted path is an
        attribute of, needs the (slower) scan of its expressions to say what it names."""
        parents = _parents(wanted)
        return may_name_in_string(data, wanted) or any(use.bound in parents for use in scan.uses)

    # `compute(repo)`, replayed from the cache folder while no fact it read changed (see `recall.remember`).
    remember = remember

    def recording_view(self, recording: Recording) -> RecordingRepo:
        """A copy of this context sharing its file contents and scans, with a fresh index, that notes
        every fact read into `recording`."""
        view = RecordingRepo(**{f.name: getattr(self, f.name) for f in fields(self)})
        view.recording = recording
        return view

    def imported_anywhere(self, words: Iterable[str]) -> set[str]:
        """Every name imported (any scope) by a file that can import one of `words`."""
        names: set[str] = set()
        for path in self.grep_imports(words):
            scan = self.import_scan(path)
            if scan is not None:
                names |= scan.imported
        return names

    def context_for(self, path: str):
        """A libcst FileContext for a file, for kinds that must look at a module while preparing."""
        import libcst as cst  # only kinds that transform a module while preparing pay for libcst

        from .bindings import FileContext

        data = self.read(path)
        info = self.modules.info_for(path)
        if data is None or info is None:
            return None
        try:
            return FileContext(cst.parse_module(data), info, path)
        except cst.ParserSyntaxError:
            return None

    @cached_property
    def index(self) -> RepoIndex:
        return RepoIndex(self.modules, self.read, self.grep_imports, self.import_scan)

    def importable(self, name: DottedName) -> bool:
        """Whether `name` (or its module part) is a repo module or locatable in this environment.

        Nothing is imported: repo modules come from the file list, others from
        the import system's finders, which read no package code.
        """
        parts = name.parts
        candidates = [parts[: name.module_len]] if name.module_len else [parts[:cut] for cut in range(len(parts), 0, -1)]
        for module_parts in candidates:
            module = ".".join(module_parts)
            if self.modules.is_module(module):
                if module_parts == parts or name.module_len:
                    return True
                return self._attribute_exists(module, parts[len(module_parts)])
            if environment_has_module(module):
                return True
        return False

    def _attribute_exists(self, module: str, attribute: str) -> bool:
        return bool(self.index.definitions(f"{module}.{attribute}")) or self.modules.is_module(f"{module}.{attribute}")


class RecordingRepo(RepoContext):
    """The repository as `remember`'s computation sees it: every read is noted as a fact."""

    recording: Recording

    def _noted(self, kind: str, path: str, answer: Callable[..., T], *args: Any, wanted: frozenset[str] | None = None) -> T:
        """`answer(*args)`, noted as a fact of `kind` about `path` unless an outer fact holds it."""
        with self.recording.muted() as outer:
            result = answer(*args)
        if outer:
            self.recording.fact(kind, path, fact_value(kind, result), wanted)
        return result

    def read(self, path: str) -> bytes | None:
        return self._noted("bytes", path, super().read, path)

    def scan(self, path: str) -> FileScan | None:
        return self._noted("scan", path, super().scan, path)

    def import_scan(self, path: str) -> FileScan | None:
        return self._noted("imports", path, super().import_scan, path)

    def named_in(self, path: str, wanted: frozenset[str]) -> frozenset[str]:
        return self._noted("named", path, super().named_in, path, wanted, wanted=wanted)

    def context_for(self, path: str):
        self.read(path)  # a transform of the module depends on all of its bytes
        with self.recording.muted():
            return super().context_for(path)

    def grep(self, words: Iterable[str]) -> list[str]:
        return self._grepped("words", list(words), super().grep)

    def grep_imports(self, names: Iterable[str]) -> list[str]:
        return self._grepped("imports", list(names), super().grep_imports)

    def _grepped(self, how: str, words: list[str], search: Callable[[list[str]], list[str]]) -> list[str]:
        """`search(words)`, noted with its result (a grep reads every file: no per-file fact)."""
        with self.recording.muted():
            paths = search(words)
        self.recording.grep(how, words, paths)
        return paths


def environment_has_module(module: str) -> bool:
    """Locate `module` with the import system's path finders without running any package code."""
    parts = module.split(".")
    if parts[0] in sys.builtin_module_names:
        return len(parts) == 1
    search: list[str] | None = None
    for depth, part in enumerate(parts):
        name = ".".join(parts[: depth + 1])
        spec = importlib.machinery.PathFinder.find_spec(name, search)
        if spec is None and depth == 0 and name in sys.stdlib_module_names:
            # The standard library of another platform or build (winreg, tkinter): not a typo.
            return True
        if spec is None:
            return False
        search = list(spec.submodule_search_locations or [])
        if depth < len(parts) - 1 and not search:
            return False
    return True


def build_repo(root: Path, config: ProjectConfig, discovery: Discovery, cache: PlanCache | None = None) -> RepoContext:
    top_dirs = {p.split("/", 1)[0] for p in discovery.files if "/" in p}
    roots = config.roots or default_roots(top_dirs)
    python_files = discovery.python_files
    return RepoContext(
        root, discovery.files, python_files, ModuleMap(roots, python_files), cache,
        stats=discovery.stats, listed_at_ns=discovery.listed_at_ns,
    )
