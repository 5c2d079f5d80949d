"""`audit`: what a half-finished SSOT migration left behind, found statically, each with the fix the index can see.

Every Python file is read once with the stdlib-`ast` scan (no repository code is
ever imported or run); the repository index answers where names live; modules
outside the repository are located with the import system's path finders.
"""

from __future__ import annotations

import difflib
import json
import fnmatch
import gc
import importlib.machinery
import os
import re
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, Sequence

from .cache import PlanCache, open_cache
from .config import ProjectConfig
from .modules import default_roots
from .roots import DetectedRoot, detect_roots
from .discover import discover
from .repo import RepoContext, build_repo, environment_has_module
from .index import Resolved, class_definitions, qualify, signature_conflicts
from .modules import ModuleInfo
from .plan import SCHEMA_VERSION, tool_json
from .scan import (
    CallSite,
    Definition,
    FileScan,
    ImportSite,
    ModuleSummary,
    Signature,
    is_public,
    scan_source,
)
from .progress import CHECKING, LISTING, PARSING, SILENT, Progress
from .rewrite.string_calls import FIXTURE_STRING_CALLS, STRING_TARGET_CALLS
from .types import SEVERITY_RANK, Finding, Severity, sorted_findings

# Finding codes (documented in codes.py).
MODULE_NOT_FOUND = "SSOT501"
NAME_NOT_FOUND = "SSOT502"
NOT_EXPORTED = "SSOT503"
ALL_LISTS_MISSING = "SSOT504"
NOT_LOCATED = "SSOT505"
RELATIVE_BEYOND_TOP = "SSOT506"
STRING_TARGET = "SSOT507"
ROOT_NOT_CONFIGURED = "SSOT508"
DUPLICATE_NAME = "SSOT520"
DUPLICATE_PATTERN = "SSOT521"
NAME_FAMILY = "SSOT522"
CALL_DOES_NOT_BIND = "SSOT530"
SIGNATURES_DISAGREE = "SSOT531"
PARSE_ERROR = "SSOT001"

# The cache entries of audit's statement scans (with the summary's byte-level markers), and of its full scans
# (import and call sites too) of the files it reports in.
AUDIT_SCAN_KIND = "audit-statements"
AUDIT_SITES_KIND = "audit-sites"
# Below this many files, a process pool costs more than the parsing it spreads.
IN_PROCESS_MAX_FILES = 400
# Decorators that keep the decorated function's call signature.
TRANSPARENT_DECORATORS = frozenset({
    "staticmethod", "classmethod", "abstractmethod", "abc.abstractmethod", "functools.lru_cache", "lru_cache",
    "functools.cache", "cache", "typing.final", "final", "typing.override", "override", "typing_extensions.override",
})
CLOSE_SPELLING_CUTOFF = 0.85
# Same-name classes are one thing written twice when they share at least this share of the smaller public API.
MEANINGFUL_SHARE = 0.5
# A name family's stem (`WebSocketManager` in `UnifiedWebSocketManager`) has at least this many CamelCase words.
FAMILY_STEM_WORDS = 2
# Words after a stem that keep it the same thing (`_UnifiedWebSocketManagerImplementation`); any other word there is a
# new head noun, another kind of thing (`RedisCacheClient` next to `RedisCache`, `WebSocketManagerFactory`).
FAMILY_SAME_THING_SUFFIXES = frozenset({
    "Impl", "Implementation", "Legacy", "Compat", "Compatibility", "Old", "New", "Fallback", "V",
})
# Stems whose classes are meant to be stacked by inheritance: a mixin overriding another's method is no duplicate.
FAMILY_STACKED_HEADS = frozenset({"Mixin"})
# Standard-library modules of Python versions newer than some that run audit: imported behind a version
# check that is a constant of the project's own (`if PY314: import annotationlib`).
NEWER_STDLIB = frozenset({"tomllib", "_pyrepl", "annotationlib", "compression", "_interpreters", "_interpqueues"})
# From this many broken imports that would resolve below one folder, one SSOT508 names the folder instead.
ROOT_HINT_MIN_IMPORTS = 5
# String-target calls whose string names a module, not an attribute path.
MODULE_STRING_CALLS = frozenset({"importlib.import_module", "builtins.__import__", "__import__", "importlib.util.find_spec"})
_DOTTED_TARGET = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?::[A-Za-z_][A-Za-z0-9_.]*)?$")
# Attributes every module has without binding them.
IMPLICIT_MODULE_ATTRIBUTES = frozenset({
    "__name__", "__file__", "__doc__", "__spec__", "__loader__", "__package__", "__path__", "__cached__",
    "__builtins__", "__dict__",
})


# -- what an audit returns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RenameFix:
    """A rename-import that would fix the finding; `decided` is False when a human must confirm it."""

    old: str
    new: str
    how: str
    decided: bool = True
    alternatives: tuple[str, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class CollapseFix:
    """A collapse-class draft for a group of duplicate classes.

    `decided`: the group is one a person named (`--pattern`) and its canonical is the one class more imports
    reach than any other; the draft writes it live, for the person to confirm. Otherwise it is their decision.
    """

    canonical: str
    duplicates: tuple[str, ...]
    decided: bool = False


@dataclass(frozen=True)
class CallArgsFix:
    """A call-args draft for calls to `function` that no longer fit its signature.

    `mechanical`: the options fix the call with nothing left to decide but the values in `confirm`
    (what a person checks before merging); otherwise `note` says what needs a person.
    """

    function: str
    options: tuple[tuple[str, str], ...]
    note: str = ""
    mechanical: bool = False
    confirm: tuple[str, ...] = ()


@dataclass(frozen=True)
class ErrorCodeFix:
    """An error-code-message draft: a message-only call to `function(code, message, ...)`.

    `message` is the literal message (None when it is not a literal); `code` the code the repository already
    pairs with that message (`("AUTH_FAILED", "Authentication failed")` elsewhere), if exactly one.
    """

    function: str
    message: str | None
    code: str | None = None


Fix = RenameFix | CollapseFix | CallArgsFix | ErrorCodeFix


@dataclass(frozen=True)
class AuditItem:
    finding: Finding
    fix: Fix | None = None


@dataclass
class AuditStats:
    discovered: int = 0
    parsed: int = 0
    unparsable: int = 0
    audited: int = 0
    seconds: float = 0.0
    # The import roots the audit used (configured, or detected the way the project's tests run).
    roots: tuple[DetectedRoot, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "seconds": round(self.seconds, 3), "roots": [r.to_json() for r in self.roots]}


@dataclass
class AuditReport:
    items: list[AuditItem]
    stats: AuditStats = field(default_factory=AuditStats)

    @property
    def findings(self) -> list[Finding]:
        return sorted_findings(item.finding for item in self.items)

    def findings_at_least(self, severity: str) -> list[Finding]:
        rank = SEVERITY_RANK[severity]
        return [f for f in self.findings if SEVERITY_RANK[f.severity] >= rank]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": tool_json(),
            "findings": [f.to_json() for f in self.findings],
            "stats": self.stats.to_json(),
        }


@dataclass(frozen=True)
class AuditRequest:
    root: Path
    config: ProjectConfig
    restrict: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    jobs: int | None = None
    progress: Progress = SILENT
    # Every class name defined twice, not only the groups that share API and live in production code.
    all_duplicates: bool = False
    # With `restrict`: also report in the files that import a restricted file's module (what a change there breaks).
    importers: bool = False


# -- driver --------------------------------------------------------------------------------------------


def run_audit(request: AuditRequest) -> AuditReport:
    # An audit allocates millions of small objects (syntax trees, scans, decoded cache entries) and frees them by
    # reference count: the cycle collector's passes over the growing heap cost a fifth of its time and free nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _run_audit(request)
    finally:
        if collecting:
            gc.enable()


def _run_audit(request: AuditRequest) -> AuditReport:
    started = time.perf_counter()
    progress = request.progress
    progress.phase(LISTING)
    discovery = discover(request.root, exclude=request.config.exclude)
    roots = import_roots(request.root, request.config, discovery.files)
    repo = build_repo(request.root, request.config, discovery)
    prefixes = [p.strip("/") for p in request.restrict if p.strip("/") not in ("", ".")]
    audited = [
        p for p in repo.python_files
        if not prefixes or any(p == prefix or p.startswith(prefix + "/") for prefix in prefixes)
    ]
    progress.phase(PARSING, len(repo.python_files))
    # Import and call sites only where findings are reported; every other file needs its statements only
    # (what it defines and imports, for the index), a scan several times cheaper (the hook's case).
    cache = open_cache(request.root) if prefixes else None
    scans = _scan_files(repo, request.jobs, progress, set(audited) if prefixes else None, cache=cache)
    if prefixes and request.importers:
        importers = _importers_of(repo, scans, audited)
        scans.update(_scan_files(repo, 1, SILENT, set(importers), only=importers, cache=cache))
        audited += importers
    for path, scan in scans.items():
        summary = scan.summary
        if summary is not None and repo.modules.path_of(summary.module) == path:
            repo.index.remember(summary)
    progress.phase(CHECKING, len(audited))
    # Module names stay those of the configured (or default) roots; a detected root is one more place on
    # `sys.path` where an import can succeed, as it does when the project's tests run.
    extra = tuple(r.folder for r in roots if r.folder and r.folder not in repo.modules.roots)
    auditor = _Auditor(repo, scans, frozenset(discovery.files), extra, request.all_duplicates)
    items = auditor.run(audited, request.patterns, progress)
    stats = AuditStats(
        discovered=len(repo.python_files),
        parsed=sum(1 for s in scans.values() if s.parsed),
        unparsable=sum(1 for s in scans.values() if not s.parsed),
        audited=len(audited),
        seconds=time.perf_counter() - started,
        roots=tuple(roots),
    )
    return AuditReport(items, stats)


def _importers_of(repo: RepoContext, scans: dict[str, FileScan], paths: Sequence[str]) -> list[str]:
    """The files outside `paths` that import a module of `paths` (or below it, any scope, relative imports
    resolved), or spell its dotted name (a `mock.patch("pkg.api.f")` target)."""
    modules = {info.name for p in paths if (info := repo.modules.info_for(p)) is not None}
    if not modules:
        return []
    chosen = set(paths)
    spelled = [m.encode() for m in modules if "." in m]

    named: dict[str, bool] = {}  # the same dotted names are imported by many files

    def names(dotted: str) -> bool:
        answer = named.get(dotted)
        if answer is None:
            parts = dotted.split(".")
            answer = named[dotted] = any(".".join(parts[:cut]) in modules for cut in range(1, len(parts) + 1))
        return answer

    out = []
    root = str(repo.root)
    for path in repo.python_files:
        scan = scans.get(path)
        if path in chosen or scan is None:
            continue
        if any(names(imported) for imported in scan.imported):
            out.append(path)
        elif spelled:
            try:
                with open(os.path.join(root, path), "rb") as stream:
                    data = stream.read()
            except OSError:
                continue
            if any(name in data for name in spelled):
                out.append(path)
    return out


def import_roots(root: Path, config: ProjectConfig, files: Sequence[str]) -> list[DetectedRoot]:
    """The configured `roots`, or the repository root plus what the project's own test run puts on `sys.path`."""
    if config.roots:
        return [DetectedRoot("" if r in (".", "") else r.strip("/"), "configured") for r in config.roots]
    top_dirs = {p.split("/", 1)[0] for p in files if "/" in p}
    detected = {r.folder: r for r in detect_roots(root, files)}
    out = [DetectedRoot("", "repository root")]
    out += [DetectedRoot(r, "src layout") for r in default_roots(top_dirs) if r not in (".", "")]
    out += [r for folder, r in detected.items() if folder not in {o.folder for o in out}]
    return out


def _scan_files(
    repo: RepoContext, jobs: int | None, progress: Progress, with_sites: set[str] | None = None,
    only: Sequence[str] | None = None, cache: PlanCache | None = None,
) -> dict[str, FileScan]:
    """Every file's scan (of `only`, when given): with import and call sites for the files of `with_sites`
    (None: all), the statements only for the others, those from `cache` when it has them (by content)."""
    work = [
        (str(repo.root), path, repo.modules.info_for(path), with_sites is None or path in with_sites)
        for path in (only if only is not None else repo.python_files)
    ]
    scans: dict[str, FileScan] = {}
    if cache is not None:
        work, scans, contents = _cached_statement_scans(repo, work, cache, progress)
        fresh = _scan_files_now(work, jobs, progress)
        for path, scan in fresh.items():
            if path in contents and scan.parsed:
                kind = AUDIT_SITES_KIND if scan.expressions else AUDIT_SCAN_KIND
                cache.put_scan(contents[path], path, repo.modules.info_for(path), scan, kind=kind)
        scans.update(fresh)
        return scans
    return _scan_files_now(work, jobs, progress)


def _cached_statement_scans(
    repo: RepoContext, work: list[tuple[str, str, ModuleInfo | None, bool]], cache: PlanCache, progress: Progress
) -> tuple[list[tuple[str, str, ModuleInfo | None, bool]], dict[str, FileScan], dict[str, bytes]]:
    """Scans the cache has (hits), the work left, and the bytes of each miss (statement scans, and full scans of
    the files with sites: the hook's importers rarely change)."""
    left, hits, contents = [], {}, {}
    root = str(repo.root)
    for item in work:
        _, path, info, sites = item
        try:
            with open(os.path.join(root, path), "rb") as stream:
                data = stream.read()
        except OSError:
            left.append(item)
            continue
        scan = cache.get_scan(data, path, info, expressions=sites, kind=AUDIT_SITES_KIND if sites else AUDIT_SCAN_KIND)
        if scan is not None and scan.expressions == sites:
            hits[path] = scan
            progress.advance()
        else:
            contents[path] = data
            left.append(item)
    return left, hits, contents


def _scan_files_now(work: list[tuple[str, str, ModuleInfo | None, bool]], jobs: int | None, progress: Progress
                    ) -> dict[str, FileScan]:
    jobs = jobs or os.cpu_count() or 1
    scans: dict[str, FileScan] = {}
    if jobs <= 1 or len(work) <= IN_PROCESS_MAX_FILES:
        for root, path, info, sites in work:
            scans[path] = _scan_file(root, path, info, sites)
            progress.advance()
        return scans
    from .engine import WorkPool  # only here: the hook's small runs never start a pool

    pool = WorkPool(jobs, progress, initializer=_quiet_scanner)
    found: dict[str, FileScan] = {}
    try:
        for path, scan in pool.run(_scan_files_chunk, None, [(w[1], w) for w in work], lambda _: 1, name=str,
                                   chunk_items=64):
            found[path] = scan
            progress.advance()
    finally:
        pool.close()
    return {path: found[path] for _, path, _, _ in work}


def _quiet_scanner() -> None:
    """An audit worker: signals left to the main process (engine.quiet_worker), no cycle collection (its scans
    are `ast` trees and tuples, freed by reference counting)."""
    from .engine import quiet_worker

    quiet_worker()
    gc.disable()


def _scan_files_chunk(_payload: None, work: list[tuple[str, str, ModuleInfo | None, bool]]) -> list[FileScan]:
    return [_scan_file(*args) for args in work]


def _scan_file(root: str, path: str, info: ModuleInfo | None, sites: bool = True) -> FileScan:
    try:
        data = (Path(root) / path).read_bytes()
    except OSError as exc:
        return FileScan(parsed=False, error=(1, 1, f"cannot read: {exc.strerror or exc}"))
    if sites:
        return scan_source(data, info, path, sites=True, member_kinds=False)
    return scan_source(data, info, path, expressions=False, markers=True, member_kinds=False)


# -- the checks ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Candidate:
    """A place a missing name or module may have gone: `spec` is how a spec writes it."""

    spec: str
    how: str
    identity: str


class _Auditor:
    def __init__(
        self, repo: RepoContext, scans: dict[str, FileScan], files: frozenset[str], extra_roots: tuple[str, ...] = (),
        all_duplicates: bool = False,
    ) -> None:
        self.repo = repo
        self.all_duplicates = all_duplicates
        # Folders the project's test run puts on `sys.path` besides the module map's roots.
        self.extra_roots = extra_roots
        # Missing modules that exist below a folder that is no import root: one finding per folder when many.
        self._under_folder: dict[str, list[tuple[str, ModuleInfo | None, ImportSite, str, tuple[str, ...], bool]]] = {}
        self.index = repo.index
        self.modules = repo.modules
        self.scans = scans
        self.files = files
        self.items: list[AuditItem] = []
        self.summaries: dict[str, ModuleSummary] = {
            s.summary.module: s.summary
            for path, s in scans.items()
            if s.summary is not None and self.modules.path_of(s.summary.module) == path
        }
        self.defined: dict[str, list[tuple[str, Definition]]] = defaultdict(list)
        self.exporters: dict[str, list[str]] = defaultdict(list)
        self.by_leaf: dict[str, list[str]] = defaultdict(list)
        for module, summary in self.summaries.items():
            seen: set[str] = set()
            for definition in summary.definitions:
                if not definition.handler and definition.name not in seen:
                    seen.add(definition.name)
                    self.defined[definition.name].append((module, definition))
            for name in summary.all_names or ():
                if name in summary.bound_names:
                    self.exporters[name].append(module)
        for module in self.modules.modules():
            self.by_leaf[module.rsplit(".", 1)[-1]].append(module)
        self._exists: dict[str, bool] = {}
        self._listings: dict[str, frozenset[str]] = {}
        self._environment: dict[str, bool] = {}
        self._references: dict[str, Counter[str]] = {}
        self._reported_modules: set[tuple[str, int, str]] = set()
        self._callable_memo: dict[str, list[tuple[Resolved, list[Signature]]] | None] = {}
        self._not_located: dict[str, list[tuple[str, ImportSite]]] = {}

    def run(self, audited: Sequence[str], patterns: Sequence[str], progress: Progress = SILENT) -> list[AuditItem]:
        audited_set = set(audited)
        for path in audited:
            progress.advance()
            scan = self.scans.get(path)
            if scan is None:
                continue
            if not scan.parsed:
                line, col, message = scan.error or (1, 1, "cannot parse")
                self._add(path, line, col, "error", PARSE_ERROR, f"cannot parse: {message}; nothing in this file was audited")
                continue
            info = self.modules.info_for(path)
            stub = path.endswith(".pyi")
            for site in scan.import_sites:
                # A stub's imports are read by type checkers only (`_typeshed` is not importable at runtime).
                self._check_import(path, info, replace(site, type_checking=True) if stub else site)
            for call in () if stub else scan.call_sites:
                if call.string_argument is not None:
                    self._check_string_target(path, call)
                if call.resolved:
                    self._check_call(path, call)
        self._report_under_folders()
        self._report_not_located()
        for module, summary in sorted(self.summaries.items()):
            if summary.path in audited_set:
                self._check_dunder_all(summary)
                self._check_fallback_signatures(summary)
        self._check_duplicates(audited_set, patterns)
        return self.items

    def _add(self, path: str, line: int, col: int, severity: Severity, code: str, message: str,
             fix: Fix | None = None, group: tuple[str, ...] | None = None,
             suggestion: tuple[str, str] | None = None) -> None:
        if suggestion is None and isinstance(fix, RenameFix):
            suggestion = (fix.old, fix.new)
        if severity in ("error", "warning") and code != PARSE_ERROR and _is_vendored(path):
            # Vendored copies are pruned by their vendoring tool (`pip/_vendor/rich` ships without `markdown`);
            # what they break is the upstream's code, run only through the project's own imports: one step milder.
            severity = "warning" if severity == "error" else "info"
            message += " (vendored code: the project imports only the parts it keeps)"
        finding = Finding(path, line, col, severity, code, None, message, suggestion, group)
        self.items.append(AuditItem(finding, fix))

    # -- where modules are -------------------------------------------------------------------------

    def module_exists(self, module: str) -> bool:
        """A repo module, or a module file git does not list (generated, compiled) that is on disk."""
        if module not in self._exists:
            self._exists[module] = self.modules.is_module(module) or self._on_disk(module)
        return self._exists[module]

    def _on_disk(self, module: str) -> bool:
        relative = module.replace(".", "/")
        top = str(self.repo.root)
        for root in (*self.modules.roots, *self.extra_roots):
            base = os.path.join(top, root, relative) if root else os.path.join(top, relative)
            # One listing per folder instead of a stat per candidate name (most names asked about are not there),
            # and plain strings: pathlib's overhead showed for the thousands of modules a big project imports.
            folder, name = os.path.split(base)
            names = self._listing(folder)
            if (name + ".py" in names and os.path.isfile(base + ".py")) or (name in names and os.path.isdir(base)):
                return True
            if any(
                name + suffix in names and os.path.isfile(base + suffix)
                for suffix in importlib.machinery.EXTENSION_SUFFIXES
            ):
                return True
            # An extension module built from its C/Cython source at install time.
            stem = f"{root}/{relative}" if root else relative
            if any(f"{stem}{suffix}" in self.files for suffix in (".c", ".pyx", ".cpp")):
                return True
        return False

    def _listing(self, folder: str) -> frozenset[str]:
        names = self._listings.get(folder)
        if names is None:
            try:
                names = frozenset(os.listdir(folder))
            except OSError:
                names = frozenset()
            self._listings[folder] = names
        return names

    def repo_owns(self, top: str, path: str | None = None) -> bool:
        """Whether the top-level name `top` means this repository's package (for an import written in `path`).

        A regular module or package of the repo always wins; a namespace package
        (a folder without `__init__.py`) loses to a regular one of the environment,
        as it does on `sys.path`. A name that is a package only the way pytest names
        test files (`tests/sphinx/__init__.py` under a `tests/` that is no package)
        means that folder only for files beside it.
        """
        if self.modules.path_of(top) is not None:
            return True
        if not self.modules.is_namespace_package(top):
            return False
        if top in sys.stdlib_module_names or self._environment_has(top):
            return False
        if any(top in self._tops_under.get(root, ()) for root in self.modules.roots):
            return True
        return path is not None and self._sibling_exists(path, top, packages=True)

    @cached_property
    def _tops_under(self) -> dict[str, set[str]]:
        """Folder -> the names directly under it that a Python file makes importable (`pkg/`, `mod.py`)."""
        under: dict[str, set[str]] = defaultdict(set)
        for path in self.files:
            if not path.endswith((".py", ".pyi")):
                continue
            parts = path.split("/")
            for cut in range(len(parts)):
                name = parts[cut]
                if cut == len(parts) - 1:
                    name = name.rsplit(".", 1)[0]
                if name.isidentifier():
                    under["/".join(parts[:cut])].add(name)
        return under

    def _package_below_some_folder(self, module: str) -> bool:
        parts = module.split(".")
        relative = "/".join(parts)
        return any(
            f"{folder}/{relative}/__init__.py" in self.files
            for folder, names in self._tops_under.items() if folder and parts[0] in names
        )

    def _folder_with(self, module: str) -> str | None:
        """A folder that is no import root, under which `module` is a file or package (the folder `roots` lacks)."""
        parts = module.split(".")
        known = set(self.modules.roots) | set(self.extra_roots)
        for folder in sorted(f for f, names in self._tops_under.items() if parts[0] in names and f not in known):
            base = f"{folder}/{'/'.join(parts)}"
            if f"{base}.py" in self.files or f"{base}/__init__.py" in self.files or f"{base}.pyi" in self.files:
                return folder
        return None

    def _environment_has(self, module: str) -> bool:
        if module not in self._environment:
            self._environment[module] = (
                module in sys.stdlib_module_names or module in NEWER_STDLIB or environment_has_module(module)
            )
        return self._environment[module]

    def _sibling_exists(self, path: str, top: str, packages: bool = False) -> bool:
        """A script's own folder (and pytest's rootdir-inserted folder) is on `sys.path` when it runs;
        so are the detected roots the file is in."""
        folder = path.rpartition("/")[0]
        folders = [folder]
        while folder and f"{folder}/__init__.py" in self.files:
            folder = folder.rpartition("/")[0]
            folders.append(folder)
        folders += [r for r in self.extra_roots if path.startswith(r + "/")]
        for candidate in folders:
            prefix = f"{candidate}/{top}" if candidate else top
            if f"{prefix}.py" in self.files or f"{prefix}/__init__.py" in self.files:
                return True
            if packages and top in self._tops_under.get(candidate, ()):
                return True
        return False

    # -- imports -------------------------------------------------------------------------------------

    def _check_import(self, path: str, info: ModuleInfo | None, site: ImportSite) -> None:
        if site.module is None:
            if info is not None:
                self._add(
                    path, site.line, site.col, "error", RELATIVE_BEYOND_TOP,
                    f"`from {site.written} import {site.name}` climbs above the top-level package "
                    f"({info.name} is only {info.name.count('.') + (1 if info.is_package else 0)} level(s) deep)",
                )
            return
        module = site.module
        top = module.split(".")[0]
        if not self.repo_owns(top, path):
            optional = site.guarded or site.type_checking or site.interpreter_gated
            if not (optional or self._environment_has(top) or self._sibling_exists(path, top)
                    or any(top in self._tops_under.get(r, ()) for r in self.extra_roots)):
                folder = self._folder_with(module)
                if folder is not None:
                    self._under_folder.setdefault(folder, []).append((path, info, site, module, (), False))
                else:
                    self._not_located.setdefault(top, []).append((path, site))
            return
        if not self.module_exists(module) and self._other_portion(module):
            optional = site.guarded or site.type_checking or site.interpreter_gated
            if not (optional or self._environment_has(module)):
                self._not_located.setdefault(module, []).append((path, site))
            return
        if not self.module_exists(module):
            key = (path, site.statement_line, module)
            if key not in self._reported_modules:
                self._reported_modules.add(key)
                names = self._names_of_statement(path, site)
                folder = self._folder_with(module)
                if folder is not None and self._severity(site)[0] == "error":
                    self._under_folder.setdefault(folder, []).append((path, info, site, module, names, True))
                else:
                    self._report_missing_module(path, info, site, module, names)
            return
        if site.name is None or site.name == "*":
            return
        self._check_name(path, info, site, module, site.name)

    def _other_portion(self, module: str) -> bool:
        """A missing module right below an old-style namespace package (`pkg_resources.declare_namespace`,
        `pkgutil.extend_path`): another distribution installs it (`zope.testing` beside `zope.interface`)."""
        parts = module.split(".")
        for cut in range(1, len(parts)):
            summary = self.index.summary(".".join(parts[:cut]))
            if summary is not None and summary.declares_namespace:
                return not self.module_exists(".".join(parts[: cut + 1]))
        return False

    def _names_of_statement(self, path: str, site: ImportSite) -> tuple[str, ...]:
        scan = self.scans[path]
        return tuple(
            s.name for s in scan.import_sites  # type: ignore[misc]
            if s.statement_line == site.statement_line and s.module == site.module and s.name not in (None, "*")
        )

    def _severity(self, site: ImportSite) -> tuple[Severity, str]:
        if site.guarded:
            return "warning", " (inside try/except ImportError: it fails quietly and a fallback runs instead)"
        if site.type_checking:
            return "warning", " (under `if TYPE_CHECKING:`: type checkers fail here, the program does not)"
        return "error", ""

    def _report_missing_module(
        self, path: str, info: ModuleInfo | None, site: ImportSite, module: str, names: tuple[str, ...]
    ) -> None:
        severity, context = self._severity(site)
        parent = self._plain_module_above(module)
        if parent is not None:
            # `six.moves`-style: only an import hook installed at runtime can provide submodules of a plain module,
            # and nothing here can tell whether one does.
            severity = "info"
            context += f" ({parent} is a module, not a package: only an import hook can provide this)"
        fix = self._module_fix(module, names, importer=info.name if info is not None else None)
        message = f"No module named {module!r}{context}"
        message += self._fix_text(fix)
        self._add(path, site.statement_line, site.statement_col, severity, MODULE_NOT_FOUND, message, fix)

    def _check_name(self, path: str, info: ModuleInfo | None, site: ImportSite, module: str, name: str) -> None:
        summary = self.index.summary(module)
        if summary is not None and name in summary.bound_names and not self.module_exists(f"{module}.{name}"):
            self._check_exported(path, info, site, summary, name)
            return
        reason = self._missing_reason(module, name)
        if reason is None:
            return
        severity, context = self._severity(site)
        fix = self._name_fix(module, name)
        message = f"cannot import name {name!r} from {module!r} ({reason}){context}" + self._fix_text(fix)
        self._add(path, site.line, site.col, severity, NAME_NOT_FOUND, message, fix)

    def _missing_reason(self, module: str, name: str) -> str | None:
        """Why `name` cannot be imported from the existing `module`; None when it can (or nobody can tell)."""
        if self.module_exists(f"{module}.{name}"):
            return None
        summary = self.index.summary(module)
        if summary is None:
            if self.modules.path_of(module) is not None or not self.modules.is_module(module):
                return None  # does not parse (reported on its own), or exists only on disk (generated, compiled)
            if self._package_below_some_folder(module):
                return None  # a regular package where pytest or a runner puts its folder on sys.path: not indexed
            return "a namespace package has only submodules"
        if name in summary.bound_names or name in IMPLICIT_MODULE_ATTRIBUTES:
            return None
        if name == "__all__" and summary.all_line is not None:
            return None  # `from m import __all__ as m_all`: bound by an assignment the summary keeps apart
        if summary.definitions_of("__getattr__") or self._star_bound(module, name) or self._binds_dynamically(summary):
            return None
        if summary.all_names is not None:
            return "not defined there, and its `__all__` does not export it"
        return "not defined there"

    def _check_string_target(self, path: str, call: CallSite) -> None:
        """`mock.patch("pkg.old.name")`, `monkeypatch.setattr("...", v)`, `import_module("...")`: the string must resolve."""
        value = call.string_argument
        if value is None or "." not in value or not _DOTTED_TARGET.match(value):
            return
        if call.resolved:
            names = {call.target} | {r.fqn for r in self.index.resolve(call.target)}
            callee = next((n for n in sorted(names) if n in STRING_TARGET_CALLS), None)
        else:
            callee = call.target if call.target in FIXTURE_STRING_CALLS else None
        dotted = value.replace(":", ".")
        if callee is None or not self.repo_owns(dotted.split(".")[0]):
            return
        if callee in MODULE_STRING_CALLS:
            if self.module_exists(dotted):
                return
            fix = self._module_fix(dotted, ())
            message = f"{callee}({value!r}): no module named {dotted!r}" + self._fix_text(fix)
        else:
            split = self.index.split_module(dotted)
            if split is None or not split[1]:
                return
            module, (name, *_) = split
            reason = self._missing_reason(module, name)
            if reason is None:
                return
            fix = self._name_fix(module, name)
            message = (
                f"{callee}({value!r}) cannot resolve its target: {module!r} has no attribute or submodule {name!r} "
                f"({reason})" + self._fix_text(fix)
            )
        self._add(path, call.line, call.col, "error", STRING_TARGET, message, fix)

    def _binds_dynamically(self, summary: ModuleSummary) -> bool:
        """Whether the module may bind names no statement shows: it writes its own globals, or a decorator it
        applies comes from a repo module that reaches its caller's globals (`sys._getframe(1).f_globals`)."""
        if summary.dynamic_names:
            return True
        for definition in summary.definitions:
            for decorator in definition.decorators:
                head = decorator.split(".")[0]
                for imported in summary.imports_of(head):
                    split = self.index.split_module(imported.target)
                    other = self.index.summary(split[0]) if split is not None else None
                    if other is not None and other.writes_caller_globals:
                        return True
                if summary.writes_caller_globals and summary.definitions_of(head):
                    return True
        return False

    def _star_bound(self, module: str, name: str) -> bool:
        for resolved in self.index.resolve(f"{module}.{name}"):
            if resolved.definition is not None or not resolved.in_repo or self.module_exists(resolved.fqn):
                return True
        return False

    def _check_exported(
        self, path: str, info: ModuleInfo | None, site: ImportSite, summary: ModuleSummary, name: str
    ) -> None:
        if summary.all_names is None or name in summary.all_names or name.startswith("__"):
            return
        if any(i.line in summary.reexport_lines for i in summary.imports_of(name)):
            return  # `from .base import Node  # noqa` / `import X as X`: re-exported on purpose
        package = summary.module if summary.is_package else summary.module.rpartition(".")[0]
        if info is not None and package and (info.name == package or info.name.startswith(package + ".")):
            return  # a package's own modules may use its unexported names
        identity = {r.fqn for r in self.index.definitions(f"{summary.module}.{name}")}
        places = [c for c in self._places(name, exclude_module=summary.module) if c.identity in identity]
        public = [c for c in places if self._is_public(c.spec.split(":")[0], name)]
        fix = _rename_fix(f"{summary.module}.{name}", public[0].spec, "exported by", ()) if public else None
        # Without a public home elsewhere it is the module's own internal API, used on purpose: worth knowing only.
        # So is a path the repository uses more than the exported home (`from django.template import Library`):
        # a leftover is the rare way in, not the common one.
        severity: Severity = "warning" if fix is not None and not site.type_checking else "info"
        if fix is not None:
            importers = self._importers_of_name.get(name, [])
            home = fix.new.split(":")[0]
            if importers.count(summary.module) > importers.count(home):
                severity = "info"
        message = (
            f"{name!r} is imported from {summary.module!r}, whose `__all__` does not export it "
            "(private or on its way out: it may disappear)"
        ) + self._fix_text(fix)
        self._add(path, site.line, site.col, severity, NOT_EXPORTED, message, fix)

    def _report_not_located(self) -> None:
        for top, sites in sorted(self._not_located.items()):
            path, site = sites[0]
            others = len(sites) - 1
            where = f" (and {others} other import{'s' if others != 1 else ''})" if others else ""
            self._add(
                path, site.line, site.col, "warning", NOT_LOCATED,
                f"{top!r} is neither a module of this repository nor installed in this environment{where}; "
                "run audit in the project's environment, or fix the name",
            )

    def _report_under_folders(self) -> None:
        for folder, entries in sorted(self._under_folder.items()):
            if len(entries) < ROOT_HINT_MIN_IMPORTS:
                for path, info, site, module, names, owned in entries:
                    if owned:
                        self._report_missing_module(path, info, site, module, names)
                    else:
                        self._not_located.setdefault(module.split(".")[0], []).append((path, site))
                continue
            path, _, site, module, _, _ = entries[0]
            roots = ", ".join(f'"{r or "."}"' for r in (*self.modules.roots, *self.extra_roots, folder))
            files = len({entry[0] for entry in entries})
            self._add(
                path, site.statement_line, site.statement_col, "warning", ROOT_NOT_CONFIGURED,
                f"{len(entries)} imports in {files} file{'s' if files != 1 else ''} (this one: {module!r}) resolve only "
                f"with {folder}/ on sys.path, as when the tests run from there; if that is how they run, set "
                f"`roots = [{roots}]` under [tool.ssot-migrate] in pyproject.toml",
            )

    def _check_dunder_all(self, summary: ModuleSummary) -> None:
        for name in dict.fromkeys(summary.all_names or ()):
            if name in summary.bound_names or self.module_exists(f"{summary.module}.{name}"):
                continue
            if summary.definitions_of("__getattr__") or self._star_bound(summary.module, name):
                continue
            self._add(
                summary.path, summary.all_line or 1, 1, "error", ALL_LISTS_MISSING,
                f"`__all__` of {summary.module!r} lists {name!r}, which the module does not define "
                f"(`from {summary.module} import *` raises AttributeError)",
            )

    # -- suggestions ---------------------------------------------------------------------------------

    @staticmethod
    def _fix_text(fix: RenameFix | None) -> str:
        if fix is None:
            return "; no candidate in the repository"
        text = f"; {fix.how}: {fix.new}"
        if fix.alternatives:
            text += f" (or {', '.join(fix.alternatives)}: a human must choose)"
        if fix.note:
            text += f" ({fix.note})"
        return text

    def _places(self, name: str, exclude_module: str | None = None) -> list[_Candidate]:
        """Where `name` is defined or exported, one candidate per distinct definition (its best path)."""
        paths = {module for module, _ in self.defined.get(name, ())} | set(self.exporters.get(name, ()))
        paths.discard(exclude_module)  # type: ignore[arg-type]
        by_identity: dict[str, list[str]] = defaultdict(list)
        for module in paths:
            identities = sorted(r.fqn for r in self.index.definitions(f"{module}.{name}")) or [f"{module}.{name}"]
            by_identity[identities[0]].append(module)
        out = []
        for identity, modules in by_identity.items():
            # The defining module when it offers the name publicly (the source of truth), else the best re-export.
            best = min(
                modules,
                key=lambda m: (not self._is_public(m, name), identity != f"{m}.{name}") + _module_rank(m),
            )
            out.append(_Candidate(f"{best}:{name}", "", identity))
        return sorted(out, key=lambda c: (-self.references(c.identity), _module_rank(c.spec.split(":")[0]), c.spec))

    def _is_public(self, module: str, name: str) -> bool:
        """Listed in the module's `__all__`, or (without one) a public name of a public module."""
        summary = self.summaries.get(module)
        if summary is not None and summary.all_names is not None:
            return name in summary.all_names
        return not name.startswith("_") and not _module_rank(module)[0]

    def _name_fix(self, module: str, name: str) -> RenameFix | None:
        old = f"{module}.{name}"
        tiers: list[tuple[str, list[_Candidate]]] = [
            ("defined in", self._places(name, exclude_module=module)),
            ("moved to", [_Candidate(m, "", m) for m in sorted(self.by_leaf.get(name, ()), key=_module_rank) if m != old]),
        ]
        core = _class_core(name)
        variants = [v for v in self.defined if v != name and len(core) >= 3 and _class_core(v) == core]
        tiers.append(("renamed variant", [c for v in sorted(variants) for c in self._places(v)]))
        close = difflib.get_close_matches(name, [n for n in self.defined if n != name], n=3, cutoff=CLOSE_SPELLING_CUTOFF)
        tiers.append(("close spelling", [c for v in close for c in self._places(v)]))
        for how, candidates in tiers:
            if candidates:
                best, *others = candidates
                return _rename_fix(old, best.spec, how, tuple(c.spec for c in others))
        return None

    def _plain_module_above(self, module: str) -> str | None:
        parts = module.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            prefix = ".".join(parts[:cut])
            path = self.modules.path_of(prefix)
            if path is not None:
                return prefix if not path.rsplit("/", 1)[-1].startswith("__init__.") else None
        return None

    def _module_fix(self, module: str, names: tuple[str, ...], importer: str | None = None) -> RenameFix | None:
        leaf = module.rsplit(".", 1)[-1]
        core = _module_core(leaf)
        tiers = [
            ("moved to", [m for m in self.by_leaf.get(leaf, ()) if m != module and not module.startswith(m + ".")]),
            ("renamed variant", [m for other, ms in self.by_leaf.items() if other != leaf and len(core) >= 3
                                 and _module_core(other) == core for m in ms]),
            ("close spelling", [m for other in difflib.get_close_matches(leaf, [x for x in self.by_leaf if x != leaf],
                                                                       n=3, cutoff=CLOSE_SPELLING_CUTOFF)
                                for m in self.by_leaf[other] if not module.startswith(m + ".")]),
        ]
        for how, candidates in tiers:
            if not candidates:
                continue
            provided = {m: sum(1 for n in names if self._binds(m, n)) for m in candidates}
            most = max(provided.values())
            ranked = sorted(
                candidates, key=lambda m: (-provided[m], -_common_prefix(m, module)) + _module_rank(m)
            )
            best = ranked[0]
            rivals = [m for m in ranked[1:] if provided[m] == provided[best]]
            missing = [n for n in names if not self._binds(best, n)]
            note = f"it does not define {', '.join(missing)}" if missing else ""
            if names and most == 0 and how != "moved to":
                continue
            return _rename_fix(module, best, how, tuple(rivals), note)
        if names:
            homes = [set(m for m, _ in self.defined.get(n, ())) for n in names]
            common = set.intersection(*homes) if homes and all(homes) else set()
            common.discard(importer)  # type: ignore[arg-type]
            if common:
                ranked = sorted(common, key=_module_rank)
                return _rename_fix(module, ranked[0], "defines every imported name", tuple(ranked[1:]))
        return None

    def _binds(self, module: str, name: str) -> bool:
        summary = self.summaries.get(module)
        return summary is not None and (name in summary.bound_names or self.module_exists(f"{module}.{name}"))

    def references(self, fqn: str) -> int:
        """How many import statements in the repository reach the definition `fqn` (through re-exports)."""
        name = fqn.rsplit(".", 1)[-1]
        if name not in self._references:
            counts: Counter[str] = Counter()
            for module in self._importers_of_name.get(name, ()):
                for resolved in self.index.definitions(f"{module}.{name}"):
                    counts[resolved.fqn] += 1
            self._references[name] = counts
        return self._references[name][fqn]

    @cached_property
    def _importers_of_name(self) -> dict[str, list[str]]:
        """Imported name -> the repo module of each `from module import name` statement."""
        by_name: dict[str, list[str]] = defaultdict(list)
        for scan in self.scans.values():
            if scan.import_sites or scan.expressions:
                for site in scan.import_sites:
                    if site.name not in (None, "*") and site.module is not None and self.modules.is_module(site.module):
                        by_name[site.name].append(site.module)  # type: ignore[index]
                continue
            # A statement-only scan (a file outside PATHS): the same `from module import name` bindings.
            for use in scan.uses:
                if use.from_module is not None and use.local != "*" and self.modules.is_module(use.from_module):
                    by_name[use.imported.rsplit(".", 1)[-1]].append(use.from_module)
        return by_name

    # -- calls ---------------------------------------------------------------------------------------

    def _check_call(self, path: str, call: CallSite) -> None:
        if call.expects_failure:
            return
        primary = self._callables(call.target)
        if primary is None:
            return
        problems = [
            (resolved, signature, signature.bind_problems(
                call.positional, call.keywords, star_args=call.star_args, star_kwargs=call.star_kwargs
            ))
            for resolved, signatures in primary for signature in signatures
        ]
        if not all(found for _, _, found in problems):
            return  # it fits one definition the name may be bound to
        resolved, signature, found = problems[0]
        assert resolved.definition is not None
        short = resolved.definition.name
        where = self._definition_location(resolved)
        message = (
            f"{short}() {'; '.join(found)}: the call does not fit {resolved.fqn}{signature.describe()} ({where})"
        )
        fix: Fix = self._error_code_fix(resolved, signature, call, found) or self._call_args_fix(
            resolved, signature, call, found)
        self._add(path, call.line, call.col, "error", CALL_DOES_NOT_BIND, message, fix)

    def _callables(self, target: str) -> list[tuple[Resolved, list[Signature]]] | None:
        """What a call of `target` reaches, each with its signatures (the real ones before `except ImportError`
        fallbacks); None when it reaches nothing checkable. Memoised: a repository calls the same names often."""
        if target in self._callable_memo:
            return self._callable_memo[target]
        found: list[tuple[Resolved, list[Signature]]] | None = None
        if self.index.split_module(target) is not None:
            targets = [r for r in self.index.resolve(target) if r.definition is not None]
            reachable: list[tuple[Resolved, list[Signature]]] = []
            for resolved in targets:
                signatures = self._call_signatures(resolved)
                if signatures is None:
                    reachable = []  # something the call may reach has no static signature: say nothing
                    break
                reachable.append((resolved, signatures))
            if reachable:
                found = [r for r in reachable if not r[0].via_handler] or reachable
        self._callable_memo[target] = found
        return found

    def _error_code_fix(
        self, resolved: Resolved, signature: Signature, call: CallSite, problems: list[str]
    ) -> ErrorCodeFix | None:
        """`create_error_message("Auth failed")` against `create_error_message(error_code, error_message)`."""
        positional = [p for p in signature.parameters if p.kind in ("positional_only", "positional_or_keyword")]
        if (len(positional) < 2 or call.positional != 1 or call.keywords or call.star_args or call.star_kwargs
                or "code" not in positional[0].name.lower()
                or not any(word in positional[1].name.lower() for word in ("message", "msg", "text"))
                or problems != [f"missing 1 required argument: {positional[1].name!r}"]):
            return None
        message = call.string_argument
        codes = self._codes_by_message.get(message, set()) if message is not None else set()
        return ErrorCodeFix(resolved.fqn, message, next(iter(codes)) if len(codes) == 1 else None)

    @cached_property
    def _codes_by_message(self) -> dict[str, set[str]]:
        by_message: dict[str, set[str]] = defaultdict(set)
        for scan in self.scans.values():
            for code, message in scan.code_pairs:
                by_message[message].add(code)
        return by_message

    def _call_signatures(self, resolved: Resolved) -> list[Signature] | None:
        """Every signature the name may have in its module (definitions in `if`/`else` branches are
        alternatives), or None when one of them is not known statically."""
        definition = resolved.definition
        assert definition is not None and resolved.module is not None
        if resolved.fqn != f"{resolved.module}.{definition.name}":
            return None  # an attribute of the definition (a method through its class): unknown here
        summary = self.index.summary(resolved.module)
        same = [definition]
        if summary is not None:
            same = [d for d in summary.definitions_of(definition.name) if d.handler == definition.handler] or same
        signatures = []
        for candidate in same:
            if candidate.kind == "class":
                signature = self._class_signature(resolved.module, candidate, set())
            elif any(_is_overload(d) for c in same for d in c.decorators):
                return None  # `@overload` stubs and their implementation: the stubs say what fits, not the def
            else:
                signature = _signature_of_callable(candidate)
            if signature is None:
                return None
            signatures.append(signature)
        return signatures

    def _class_signature(self, module: str, definition: Definition, seen: set[str]) -> Signature | None:
        """How calling the class binds, through its MRO (the first `__init__` of its repo bases); None when a
        decorator, a metaclass, a `__new__`, an `@overload`ed or decorated `__init__`, a record/enum base or a
        base outside the repository may change it."""
        fqn = f"{module}.{definition.name}"
        if fqn in seen or len(seen) > 12:
            return None
        seen.add(fqn)
        if definition.decorators or definition.class_keywords or "__new__" in definition.members:
            return None
        if "__init__" in definition.opaque_methods or "__call__" in definition.opaque_methods:
            return None
        own = definition.method_signature("__init__")
        bases = [b for b in definition.bases if b not in ("object", "builtins.object")]
        base_classes: list[tuple[str, Definition]] = []
        for base in bases:
            leaf = base.rsplit(".", 1)[-1].split("[", 1)[0]
            if leaf == "Generic":
                continue
            if leaf in _INTERFACE_BASES or leaf in ("TypedDict", "type"):
                return None
            target = qualify(self.index, module, base)
            if target is None:
                return None
            if target.startswith("builtins."):
                if own is None and target not in ("builtins.object",):
                    return None  # `class E(Exception)`: the builtin's own signature
                continue
            found = class_definitions(self.index, target)
            if len(found) != 1 or found[0].module is None or found[0].definition is None:
                return None  # a base outside the repository (or several candidates): its __new__/metaclass is unknown
            base_classes.append((found[0].module, found[0].definition))
        for base_module, base in base_classes:
            if base.decorators or base.class_keywords or "__new__" in base.members:
                return None
        if own is not None:
            return own
        if len(base_classes) != 1 or len(bases) != 1:
            return None  # no own `__init__` and no single base to inherit one from
        return self._class_signature(*base_classes[0], seen)

    def _definition_location(self, resolved: Resolved) -> str:
        path = self.modules.path_of(resolved.module or "") or resolved.module
        return f"{path}:{resolved.definition.line}" if resolved.definition else str(path)

    def _call_args_fix(self, resolved: Resolved, signature: Signature, call: CallSite, problems: list[str]) -> CallArgsFix:
        params = signature.parameters
        positional = [p for p in params if p.kind in ("positional_only", "positional_or_keyword")]
        names = {p.name for p in params}
        options: list[tuple[str, str]] = []
        confirm: list[str] = []
        filled = {p.name for p in positional[: call.positional]} | set(call.keywords)
        for keyword in call.keywords:
            if keyword in names:
                continue
            slot = positional[call.positional] if call.positional < len(positional) else None
            unfilled = [p.name for p in params if p.name not in filled and not p.has_default
                        and p.kind not in ("var_positional", "var_keyword")]
            if slot is not None and slot.name not in filled and not slot.has_default:
                options.append(("keyword_to_positional", f"{{ {keyword} = {call.positional} }}"))
                filled.add(slot.name)
            elif unfilled:
                options.append(("rename_keywords", f'{{ {keyword} = "{unfilled[0]}" }}'))
                filled.add(unfilled[0])
            else:
                options.append(("remove", f'["{keyword}"]'))
        for param in params:
            if (param.kind in ("positional_or_keyword", "keyword_only") and not param.has_default
                    and param.name not in filled and not call.star_args and not call.star_kwargs):
                # A positional slot is added by position, so calls that already pass it positionally are left alone.
                where = f", position = {positional.index(param)}" if param in positional else ""
                value = _stated_value(param.annotation)
                if value is not None:
                    confirm.append(f"{param.name} = {value} (an empty {param.annotation}, from its annotation)")
                options.append(("add", f'[{{ name = "{param.name}"{where}, value = {_toml_text(value or "...")} }}]'))
        for key, value in options:
            if key == "rename_keywords":
                confirm.append(f"the keyword renamed {value} (the only required parameter left unfilled)")
        note = "; ".join(problems)
        extra = any("positional argument" in p and "were given" in p for p in problems)
        if extra:
            note += "; extra positional arguments must be removed by hand"
        mechanical = (not extra and not call.star_args and not call.star_kwargs
                      and all(key != "remove" and '"..."' not in value for key, value in options))
        return CallArgsFix(resolved.fqn, tuple(dict.fromkeys(options)), note, mechanical and bool(options),
                           tuple(dict.fromkeys(confirm)))

    def _check_fallback_signatures(self, summary: ModuleSummary) -> None:
        counts = Counter([i.local for i in summary.imports] + [d.name for d in summary.definitions])
        seen: set[frozenset[str]] = set()
        for name, count in counts.items():
            if count < 2:
                continue
            for first, second in signature_conflicts(self.index, f"{summary.module}.{name}"):
                pair = frozenset((first.fqn, second.fqn))
                if pair in seen or any(self._call_signatures(r) is None for r in (first, second)):
                    continue
                seen.add(pair)
                primary, fallback = (second, first) if first.via_handler and not second.via_handler else (first, second)
                line = self._binding_line(summary, name, fallback)
                self._add(
                    summary.path, line, 1, "warning", SIGNATURES_DISAGREE,
                    f"{summary.module}.{name} reaches definitions whose signatures disagree: "
                    f"{primary.fqn}{primary.definition.signature.describe()} ({self._definition_location(primary)}) "  # type: ignore[union-attr]
                    f"and {'the fallback ' if fallback.via_handler else ''}{fallback.fqn}"
                    f"{fallback.definition.signature.describe()} ({self._definition_location(fallback)}); "  # type: ignore[union-attr]
                    "calls written for one fail against the other",
                )

    @staticmethod
    def _binding_line(summary: ModuleSummary, name: str, fallback: Resolved) -> int:
        handler_lines = [d.line for d in summary.definitions_of(name) if d.handler]
        handler_lines += [i.line for i in summary.imports_of(name) if i.handler]
        if handler_lines:
            return min(handler_lines)
        lines = [d.line for d in summary.definitions_of(name)] + [i.line for i in summary.imports_of(name)]
        return sorted(lines)[1] if len(lines) > 1 else lines[0]

    # -- duplicate classes ---------------------------------------------------------------------------

    def _check_duplicates(self, audited: set[str], patterns: Sequence[str]) -> None:
        classes: list[tuple[str, Definition]] = []
        for module, summary in sorted(self.summaries.items()):
            seen: set[str] = set()
            for definition in summary.definitions:
                if definition.kind == "class" and not definition.handler and definition.name not in seen:
                    seen.add(definition.name)
                    classes.append((module, definition))
        # pytest test classes share names (and patterns) with what they test by design.
        classes = [(m, d) for m, d in classes if not (d.name.startswith("Test") and self._is_test_module(m))]
        by_name: dict[str, list[tuple[str, Definition]]] = defaultdict(list)
        for module, definition in classes:
            by_name[definition.name].append((module, definition))
        groups: list[tuple[str, str, list[tuple[str, Definition]]]] = [
            (DUPLICATE_NAME, name, members) for name, members in sorted(by_name.items()) if len(members) > 1
        ]
        for pattern in patterns:
            members = [(m, d) for m, d in classes if fnmatch.fnmatchcase(d.name, pattern)]
            if len(members) > 1:
                groups.append((DUPLICATE_PATTERN, pattern, members))
        groups += [(NAME_FAMILY, stem, members) for stem, members in self._name_families(classes)]
        reported: set[frozenset[str]] = set()
        for code, label, members in groups:
            if not any((self.modules.path_of(m) or m) in audited for m, _ in members):
                continue  # reported only in audited files: a group with none of them costs nothing
            if code == DUPLICATE_NAME and not self.all_duplicates:
                members = self._meaningful(members)
                if len(members) < 2:
                    continue
            names = tuple(f"{m}.{d.name}" for m, d in members)
            if frozenset(names) in reported:
                continue
            if code == NAME_FAMILY and any(frozenset(names) <= group for group in reported):
                continue  # already in a group a person named (`--pattern`), or a larger family
            reported.add(frozenset(names))
            self._report_group(code, label, members, names, audited)

    def _name_families(self, classes: list[tuple[str, Definition]]) -> list[tuple[str, list[tuple[str, Definition]]]]:
        """Groups of production classes whose names are variants of one stem (`WebSocketManager`,
        `UnifiedWebSocketManager`, `_UnifiedWebSocketManagerImplementation`: the stem's CamelCase words with
        qualifier words before them, and after them only words that keep the head noun, such as `Implementation`)
        that are one thing written several times: outside one class hierarchy, and sharing at least half their
        public API, a public method or attribute among it, with the group's canonical. Largest family first;
        interfaces, enums, record types and mixins stay out."""
        candidates = [
            (m, d) for m, d in classes
            if not self._is_test_or_support(m) and not self.summaries[m].in_main_block(d.line)
            and _interface_base(d) is None and _family_api(d)
        ]
        by_words: dict[tuple[str, ...], list[tuple[str, Definition]]] = defaultdict(list)
        words_of: dict[tuple[str, str], tuple[str, ...]] = {}
        for module, definition in candidates:
            words = _camel_words(definition.name)
            words_of[(module, definition.name)] = words
            by_words[words].append((module, definition))
        families: dict[tuple[str, ...], list[tuple[str, Definition]]] = defaultdict(list)
        for module, definition in candidates:
            words = words_of[(module, definition.name)]
            # Every shorter run of its words that is another class's name: that class is the stem, this a variant.
            runs = {
                words[i:j] for i in range(len(words)) for j in range(i + FAMILY_STEM_WORDS, len(words) + 1)
                if all(w in FAMILY_SAME_THING_SUFFIXES or w.isdigit() for w in words[j:])
            }
            for run in runs:
                if len(run) < len(words) and run in by_words and run[-1] not in FAMILY_STACKED_HEADS:
                    families[run].append((module, definition))
        found: list[tuple[str, list[tuple[str, Definition]]]] = []
        for stem, variants in families.items():
            members = _unique(by_words[stem] + variants)
            ancestors = {(m, d.name): self._ancestors(m, d) for m, d in members}
            # An enum or protocol through a base of the project's own (`class Mode(ChoicesEnum)`) stays out too.
            members = [(m, d) for m, d in members
                       if not any(_leaf(a) in _INTERFACE_BASES for a in ancestors[(m, d.name)])]
            if len(members) < 2:
                continue
            canonical = min(members, key=self._canonical_rank)

            def one_thing(member: tuple[str, Definition]) -> bool:
                (module, definition), (c_module, c_definition) = member, canonical
                mine, theirs = ancestors[(module, definition.name)], ancestors[(c_module, c_definition.name)]
                if mine & theirs or f"{c_module}.{c_definition.name}" in mine or f"{module}.{definition.name}" in theirs:
                    return False  # one extends the other, or both implement one base: polymorphism
                api, canonical_api = _public_api(definition), _public_api(c_definition)
                shared = api & canonical_api
                return any(not n.startswith("__") for n in shared) and _similarity(api, canonical_api) >= MEANINGFUL_SHARE

            kept = [canonical] + [member for member in members if member is not canonical and one_thing(member)]
            if len(kept) > 1:
                found.append((by_words[stem][0][1].name, sorted(kept, key=lambda md: (md[0], md[1].name))))
        return sorted(found, key=lambda item: (-len(item[1]), item[0]))

    def _meaningful(self, members: list[tuple[str, Definition]]) -> list[tuple[str, Definition]]:
        """The members of a same-name group that may be SSOT debt: production code (no test module, test
        helper, migration or `__main__` demo) that shares public API with another member, or has the same bases
        and members (a copy)."""
        kept = [
            (m, d) for m, d in members
            if not self._is_test_or_support(m) and not self.summaries[m].in_main_block(d.line)
        ]
        ancestors = {m: self._ancestors(m, d) for m, d in kept}

        def related(a: tuple[str, Definition], b: tuple[str, Definition]) -> bool:
            (ma, da), (mb, db) = a, b
            if ancestors[ma] & ancestors[mb]:
                return False  # implementations of one base (`Command(BaseCommand)` per command module): polymorphism
            if f"{ma}.{da.name}" in ancestors[mb] or f"{mb}.{db.name}" in ancestors[ma]:
                return False  # one extends the other
            if ma.rpartition(".")[0] == mb.rpartition(".")[0]:
                return False  # one class per sibling module of a package (`backends/dummy.py`, `backends/jinja2.py`): plugins
            if set(da.members) == set(db.members) and da.members and da.bases == db.bases:
                return True  # a copy
            api_a, api_b = _public_api(da), _public_api(db)
            return bool(api_a & api_b) and _similarity(api_a, api_b) >= MEANINGFUL_SHARE
        return [member for member in kept if any(related(member, other) for other in kept if other[0] != member[0])]

    def _ancestors(self, module: str, definition: Definition, depth: int = 0) -> set[str]:
        """The class's bases, theirs and so on (qualified names; repo classes by their definition, others as
        written); builtins and `object` left out."""
        found: set[str] = set()
        for base in definition.bases:
            target = qualify(self.index, module, base)
            if target is None or target.startswith("builtins.") or target.split("[")[0] in ("typing.Generic",):
                continue
            definitions = class_definitions(self.index, target) if depth < 8 else []
            if not definitions:
                found.add(target)
            for resolved in definitions:
                found.add(resolved.fqn)
                if resolved.module is not None and resolved.definition is not None:
                    found |= self._ancestors(resolved.module, resolved.definition, depth + 1)
        return found

    def _is_test_or_support(self, module: str) -> bool:
        path = f"/{self.modules.path_of(module) or ''}"
        return (
            self._is_test_module(module) or "/test/" in path or "/testing/" in path or "/migrations/" in path
            or "/test_" in path or "/tests_" in path or "/examples/" in path or "/docs/" in path
            or path.startswith(("/tests", "/test", "/testing", "/examples", "/docs", "/benchmarks"))
        )

    def _is_test_module(self, module: str) -> bool:
        path = self.modules.path_of(module) or ""
        name = Path(path).name
        return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py" or "/tests/" in f"/{path}"

    def _canonical_rank(self, member: tuple[str, Definition]) -> tuple:
        """The suggested canonical of a group sorts first: the most imports reach it, then public, non-test,
        exported, shallow."""
        module, definition = member
        summary = self.summaries[module]
        exported = summary.all_names is not None and definition.name in summary.all_names
        return (
            -self.references(f"{module}.{definition.name}"), definition.name.startswith("_"),
            self._is_test_module(module), not exported,
        ) + _module_rank(module) + (definition.name,)

    def _report_group(
        self, code: str, label: str, members: list[tuple[str, Definition]], names: tuple[str, ...], audited: set[str]
    ) -> None:
        canonical_module, canonical = min(members, key=self._canonical_rank)
        canonical_fqn = f"{canonical_module}.{canonical.name}"
        canonical_api = _public_api(canonical)
        references = self.references(canonical_fqn)
        head = (
            f"{canonical.name} is defined in {len(members)} modules" if code == DUPLICATE_NAME
            else f"{len(members)} classes are variants of the name {label} and share public API"
            if code == NAME_FAMILY else f"{len(members)} classes match {label!r}"
        )
        not_duplicates = {
            f"{module}.{definition.name}": reason
            for module, definition in members
            if (reason := _not_a_duplicate(definition, canonical, canonical_api)) is not None
        }
        runner_up = max((self.references(n) for n in names if n != canonical_fqn), default=0)
        fix = CollapseFix(
            canonical_fqn, tuple(n for n in names if n != canonical_fqn and n not in not_duplicates),
            decided=code in (DUPLICATE_PATTERN, NAME_FAMILY) and references > runner_up,
        )
        if code == DUPLICATE_NAME and not self.all_duplicates:
            if not fix.duplicates:
                return  # nothing in the group is a duplicate of the canonical: not a warning on one side
            members = [(m, d) for m, d in members if f"{m}.{d.name}" not in not_duplicates]
        for module, definition in members:
            path = self.modules.path_of(module) or module
            if path not in audited:
                continue
            fqn = f"{module}.{definition.name}"
            if fqn in not_duplicates:
                self._add(
                    path, definition.line, definition.col, "info", code,
                    f"{head}: {', '.join(names)}; {not_duplicates[fqn]}, so no collapse onto {canonical_fqn} is "
                    "suggested", None, names,
                )
                continue
            if fqn == canonical_fqn:
                detail = (
                    f"this is the suggested canonical ({references} import{'s' if references != 1 else ''} "
                    "reach it, the most in the group)"
                )
            else:
                similarity = _similarity(_public_api(definition), canonical_api)
                missing = sorted(_public_api(definition) - canonical_api)
                shared = sorted(_public_api(definition) & canonical_api)
                what = (f": {', '.join(shared[:6])}{', ...' if len(shared) > 6 else ''}" if shared
                        else " (same bases and members)" if set(definition.members) == set(canonical.members)
                        and definition.members else "")
                detail = (
                    f"suggested canonical: {canonical_fqn} ({references} import{'s' if references != 1 else ''}); "
                    f"{similarity:.0%} of public members shared with it{what}"
                )
                if missing:
                    detail += f"; it lacks {', '.join(missing[:8])}{', ...' if len(missing) > 8 else ''}"
            self._add(
                path, definition.line, definition.col, "warning", code,
                f"{head}: {', '.join(names)}; {detail}", fix, names,
                suggestion=(fqn, canonical_fqn) if fqn != canonical_fqn else None,
            )


# -- small pure helpers ----------------------------------------------------------------------------------


def _rename_fix(old: str, new: str, how: str, alternatives: tuple[str, ...], note: str = "") -> RenameFix:
    """A fix is decided when it is the only candidate, provides everything, and stays in the same top-level package."""
    if old.split(".")[0] != new.split(".")[0].split(":")[0]:
        note = "; ".join(filter(None, [note, "it is in another top-level package"]))
    return RenameFix(old, new, how, decided=not alternatives and not note, alternatives=alternatives, note=note)


def _signature_of_callable(definition: Definition) -> Signature | None:
    """How calling this definition binds arguments, when that is known without running anything."""
    if any(d not in TRANSPARENT_DECORATORS for d in definition.decorators):
        return None  # @overload, @functools.wraps, framework decorators: the call signature may differ
    if definition.kind in ("function", "variable"):
        return definition.signature
    if definition.kind == "class" and definition.method_signature("__new__") is None:
        return definition.method_signature("__init__")
    return None


_VENDOR_FOLDERS = ("_vendor", "vendor", "_vendored", "vendored", "extern", "_extern", "third_party", "_third_party")


def _is_vendored(path: str) -> bool:
    return any(part in _VENDOR_FOLDERS for part in path.split("/")[:-1])


# What an empty value of an annotated type is written as (a draft value a person confirms).
_EMPTY_VALUES = {
    "dict": "{}", "Dict": "{}", "Mapping": "{}", "MutableMapping": "{}", "list": "[]", "List": "[]",
    "Sequence": "[]", "MutableSequence": "[]", "Iterable": "[]", "tuple": "()", "Tuple": "()", "set": "set()",
    "Set": "set()", "frozenset": "frozenset()", "str": '""', "bytes": 'b""', "int": "0", "float": "0.0",
    "bool": "False", "Optional": "None", "None": "None",
}


def _stated_value(annotation: str | None) -> str | None:
    return _EMPTY_VALUES.get(annotation or "")


def _toml_text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def _is_overload(decorator: str) -> bool:
    return decorator.rsplit(".", 1)[-1] == "overload"


def _module_rank(module: str) -> tuple[bool, int, str]:
    """Public before private, shallow before deep, then alphabetical."""
    parts = module.split(".")
    return (any(p.startswith("_") for p in parts), len(parts), module)


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a.split("."), b.split(".")):
        if x != y:
            break
        count += 1
    return count


def _class_core(name: str) -> str:
    """`_UnifiedWebSocketManager`, `WebSocketManagerFactory` and `WebSocketManager` share the core `WebSocket`."""
    core = name.lstrip("_")
    if core.startswith("Unified") and len(core) > len("Unified"):
        core = core[len("Unified"):]
    stripped = True
    while stripped:
        stripped = False
        for suffix in ("Factory", "Manager"):
            if core.endswith(suffix) and len(core) > len(suffix):
                core, stripped = core[: -len(suffix)], True
    return core


def _module_core(leaf: str) -> str:
    core = leaf.lstrip("_")
    if core.startswith("unified_"):
        core = core[len("unified_"):]
    for suffix in ("_factory", "_manager"):
        if core.endswith(suffix) and len(core) > len(suffix):
            core = core[: -len(suffix)]
            break
    return core


def _public_api(definition: Definition) -> set[str]:
    return {m for m in definition.members if is_public(m)}


_INTERFACE_BASES = ("Protocol", "ABC", "Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "NamedTuple", "TypedDict")


def _leaf(base: str) -> str:
    """`typing.Protocol[T]` -> `Protocol`."""
    return base.split("[", 1)[0].rsplit(".", 1)[-1]


def _interface_base(definition: Definition) -> str | None:
    """The base that makes a class an interface, enum or record type (`Protocol`, `Enum`, `NamedTuple`...)."""
    return next((_leaf(base) for base in definition.bases if _leaf(base) in _INTERFACE_BASES), None)


def _not_a_duplicate(definition: Definition, canonical: Definition, canonical_api: set[str]) -> str | None:
    """Why a class that matched a name pattern is not an implementation to collapse (None: it may be one)."""
    if definition is canonical:
        return None
    leaf = _interface_base(definition)
    if leaf is not None:
        return f"it is a {leaf} (an interface, enum or record type, not an implementation)"
    api = _public_api(definition)
    if api and canonical_api and not api & canonical_api:
        return "it shares no public member with the suggested canonical"
    return None


def _similarity(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


_CAMEL_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def _camel_words(name: str) -> tuple[str, ...]:
    """`_UnifiedWebSocketManagerImplementation` -> (Unified, Web, Socket, Manager, Implementation); `HTTPServer` ->
    (HTTP, Server)."""
    return tuple(_CAMEL_WORD.findall(name))


def _family_api(definition: Definition) -> set[str]:
    """The public members a name-family member can share: methods and attributes, not protocol dunders alone."""
    return {m for m in _public_api(definition) if not m.startswith("__")}


def _unique(members: list[tuple[str, Definition]]) -> list[tuple[str, Definition]]:
    seen: set[tuple[str, str]] = set()
    kept = []
    for module, definition in members:
        if (module, definition.name) not in seen:
            seen.add((module, definition.name))
            kept.append((module, definition))
    return kept
