"""Plan a migration over a tree: prefilter, parse each candidate once, run every codemod on it.

Cost follows the files that can match: a byte-level prefilter on each codemod's
trigger words, a stdlib-`ast` confirmation, then one libcst parse per file with
all codemods run in spec order on that tree. Work is spread over a process pool
when there is enough of it; results can come from a content-addressed cache.
"""

from __future__ import annotations

import ast
import difflib
import functools
import gc
import json
import os
import re
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Sequence, TypeVar

from .config import ProjectConfig
from .diff import unified_diff
from .discover import (
    PYTHON_SUFFIXES,
    Discovery,
    compile_patterns,
    discover,
)
from .errors import WorkerCrash
from .focus import Elided, Focus, elide
from .modules import ModuleInfo
from .plan import CodemodSummary, Edit, FileEdit, FileOutcome, MigrationInfo, Plan, Stats, sha256_hex
from .progress import LISTING, PREFILTER, PREPARING, REWRITING, SILENT, Progress
from .scan import TOO_DEEP, FileScan, parse_tree, scan_source, scan_tree
from .repo import RepoContext, build_repo
from .spec import Migration
from .transforms import kind_registry
from .transforms.base import Kind
from .types import Finding, sorted_findings

if TYPE_CHECKING:
    from .cache import PlanCache
    from .rewrite.edits import ReleasedImport
    from .rewrite.verify import Expectation, Problem

T = TypeVar("T")
# Below this much candidate work a process pool costs more than it saves.
IN_PROCESS_MAX_FILES = 12
IN_PROCESS_MAX_BYTES = 300_000


@dataclass(frozen=True)
class PlanRequest:
    root: Path
    migration: Migration
    config: ProjectConfig
    restrict: tuple[str, ...] = ()
    jobs: int | None = None
    progress: Progress = SILENT
    cache: PlanCache | None = None


def prepare_codemods(migration: Migration, repo: RepoContext) -> tuple[list[Kind], list[Finding]]:
    registry = kind_registry()
    codemods: list[Kind] = []
    findings: list[Finding] = []
    for spec in migration.codemods:
        kind = registry[spec.kind](spec)
        findings.extend(kind.prepare(repo))
        codemods.append(kind)
    return codemods, findings


def plan_tree(request: PlanRequest) -> Plan:
    started = time.perf_counter()
    migration = request.migration
    progress = request.progress
    progress.phase(LISTING)
    # The index needs every module of the project, also outside the restricted paths.
    whole = discover(
        request.root, include=migration.paths, exclude=tuple(migration.exclude) + tuple(request.config.exclude)
    )
    discovery = whole.narrowed(request.restrict)
    pool = request_pool(request)
    try:
        return _plan(request, whole, discovery, pool, started)
    finally:
        pool.close()


def _plan(request: PlanRequest, whole: Discovery, discovery: Discovery, pool: WorkPool, started: float) -> Plan:
    migration = request.migration
    progress = request.progress
    repo = build_repo(request.root, request.config, whole, request.cache)
    # The repository-wide preparation parses the files its greps find on the same workers as the plan.
    repo.scan_many = functools.partial(_scans_on, pool, repo.cache)
    progress.phase(PREPARING)
    codemods, findings = prepare_codemods(migration, repo)
    stats = Stats(discovered=len(discovery.files), recalled=repo.recalled)

    progress.phase(PREFILTER, len(discovery.python_files))
    candidates = _prefilter(discovery.python_files, codemods, repo, progress)
    stats.prefiltered = len(candidates)
    progress.phase(REWRITING, len(candidates))
    outcomes = _run_candidates(candidates, codemods, request, stats, pool)
    outcomes.extend(_run_text_files(discovery, codemods, repo))

    summaries = {c.index: CodemodSummary(c.index, c.name, c.spec.spec_path, _describe(c)) for c in codemods}
    files: list[FileEdit] = []
    per_codemod_files: dict[int, set[str]] = {c.index: set() for c in codemods}
    per_codemod_edits: dict[int, int] = {c.index: 0 for c in codemods}
    for outcome in sorted(outcomes, key=lambda o: o.path):
        findings.extend(outcome.findings)
        stats.verified += outcome.verified
        if outcome.new_bytes is None:
            continue
        files.append(
            FileEdit(outcome.path, outcome.old_sha256, outcome.new_bytes, outcome.edits, outcome.diff, outcome.encoding)
        )
        for edit in outcome.edits:
            per_codemod_files[edit.codemod].add(outcome.path)
            per_codemod_edits[edit.codemod] += 1
    for index, summary in summaries.items():
        summaries[index] = CodemodSummary(
            summary.index, summary.kind, summary.spec, summary.description,
            len(per_codemod_files[index]), per_codemod_edits[index],
        )
    stats.changed = len(files)
    stats.seconds = time.perf_counter() - started
    return Plan(
        migration=MigrationInfo(migration.name, migration.description, migration.specs, migration.spec_hash),
        codemods=[summaries[i] for i in sorted(summaries)],
        files=files,
        findings=sorted_findings(findings),
        stats=stats,
    )


def _describe(kind: Kind) -> str:
    values = kind.values
    if "old" in values and "new" in values:
        return f"{values['old']} -> {values['new']}"
    for key in ("function", "canonical"):
        if key in values:
            return str(values[key])
    return kind.name


@dataclass(frozen=True)
class _Candidate:
    path: str
    info: ModuleInfo
    data: bytes
    codemods: tuple[int, ...]


def _prefilter(
    paths: Sequence[str], codemods: Sequence[Kind], repo: RepoContext, progress: Progress = SILENT
) -> list[_Candidate]:
    patterns = [c.prefilter() for c in codemods]
    always = [c.candidate_paths() for c in codemods]
    candidates: list[_Candidate] = []
    for position, path in enumerate(paths, start=1):
        if not position % _PREFILTER_STEP:
            progress.advance(_PREFILTER_STEP)
        data = repo.read(path)
        if data is None:
            continue
        first = next(
            (
                index for index, (pattern, extra) in enumerate(zip(patterns, always))
                if path in extra or (pattern is not None and pattern.search(data))
            ),
            None,
        )
        if first is not None:
            info = repo.modules.info_for(path) or _loose_module(path)
            # Later codemods see earlier results, which may introduce their trigger words:
            # plan_file checks each one again on the tree as it is when its turn comes.
            candidates.append(_Candidate(path, info, data, tuple(c.index for c in codemods[first:])))
    progress.advance(len(paths) % _PREFILTER_STEP)
    return candidates


# Files read between two progress updates of the byte prefilter (an update per file would cost more than the check).
_PREFILTER_STEP = 256


def _loose_module(path: str) -> ModuleInfo:
    """A file outside every source root still gets a name, so relative imports fail cleanly."""
    stem = Path(path).stem
    return ModuleInfo(stem if stem.isidentifier() else "_", "", False)


def _run_candidates(
    candidates: list[_Candidate], codemods: Sequence[Kind], request: PlanRequest, stats: Stats, pool: WorkPool
) -> list[FileOutcome]:
    outcomes: list[FileOutcome] = []
    cache = request.cache
    pending: list[_Candidate] = []
    fingerprint = _fingerprint(codemods)
    for candidate in candidates:
        hit = cache.get(candidate.data, candidate.path, candidate.info, fingerprint) if cache is not None else None
        if hit is not None:
            outcomes.append(hit)
            stats.cached += 1
        else:
            pending.append(candidate)
    request.progress.advance(stats.cached)

    def finish(candidate: _Candidate, outcome: FileOutcome) -> None:
        outcomes.append(outcome)
        if outcome.parsed:
            stats.parsed += 1
        request.progress.advance()

    if not pool.worth_it(pending, lambda c: len(c.data)):
        for candidate in pending:
            outcome = plan_file(candidate.path, candidate.info, candidate.data, codemods, candidate.codemods)
            if cache is not None:
                cache.put(candidate.data, candidate.path, candidate.info, fingerprint, outcome)
            finish(candidate, outcome)
        return outcomes
    # Each worker stores its results in the cache folder: the main process only collects them.
    payload = pool.payload((list(codemods), cache, fingerprint))
    items = [(c, (c.path, c.info, c.data, c.codemods)) for c in pending]
    for candidate, outcome in pool.run(_worker_plan_files, payload, items, lambda c: len(c.data),
                                       name=lambda c: c.path):
        finish(candidate, outcome)
    return outcomes


def _fingerprint(codemods: Sequence[Kind]) -> str:
    return sha256_hex("\0".join(c.fingerprint() for c in codemods).encode())


class WorkPool:
    """The worker processes of one run, started when the first piece of work worth them comes.

    The pool starts when the estimated work exceeds its start-up cost (`worth_it`: more than
    `IN_PROCESS_MAX_FILES` files and `IN_PROCESS_MAX_BYTES` bytes), and then serves both the
    repository-wide preparation (`import_scans`) and the per-file plans (`run`). Work is sent in
    chunks balanced by size, results come back chunk by chunk as workers finish them, and what a
    task needs from the main process beyond its files (the prepared codemods) travels once per
    worker (`payload`). The plan does not depend on the number of workers: every result is keyed
    by its file and the engine sorts them.

    A worker that ends abruptly (killed for memory, a crash in native code) breaks the whole pool. The
    work it left is then done again, one file per task (`_after_crash`): the plan is complete when the
    cause was passing, and a file that ends its worker again, alone, is named in a `WorkerCrash`
    (exit 1, nothing written) instead of a traceback.
    """

    def __init__(self, jobs: int, progress: Progress = SILENT, initializer: Callable[[], None] | None = None) -> None:
        self.jobs = max(jobs, 1)
        self.progress = progress
        self.initializer = initializer or quiet_worker
        self._executor = None

    def worth_it(self, items: Sequence[Any], size: Callable[[Any], int]) -> bool:
        return self.jobs > 1 and len(items) > IN_PROCESS_MAX_FILES and sum(size(i) for i in items) > IN_PROCESS_MAX_BYTES

    def payload(self, value: Any) -> tuple[str, bytes]:
        """(key, pickled value): a worker unpickles it the first time it meets the key."""
        import pickle

        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        return sha256_hex(data), data

    def run(
        self, task: Callable[..., list[Any]], payload: Any, items: Sequence[tuple[Any, Any]],
        size: Callable[[Any], int], *, name: Callable[[Any], str] = str, chunk_items: int | None = None,
        _restarted: bool = False,
    ) -> Iterator[tuple[Any, Any]]:
        """`task(payload, [argument, ...])` over chunks of `items` ((key, argument) pairs) on the workers:
        yields (key, result) as each chunk comes back. `name(key)` names a file in a `WorkerCrash`;
        `chunk_items` caps a chunk's length for cheap, even work (audit's scans), where a short tail counts."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        executor = self._start()
        chunks = balanced_chunks(items, lambda item: size(item[0]), self.jobs, chunk_items)
        finished: set[int] = set()
        try:
            running = {executor.submit(task, payload, [argument for _, argument in chunk]): chunk for chunk in chunks}
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    results = future.result()
                    chunk = running.pop(future)
                    finished.add(id(chunk))
                    yield from zip((key for key, _ in chunk), results)
        except BrokenProcessPool:  # while submitting or waiting: every chunk not yet back is done again
            self.close()
            if not finished and not _restarted:
                # Nothing came back: the pool may have broken while idle, between two phases (a worker killed for
                # memory then). Once, a fresh pool does it all as usual.
                yield from self.run(task, payload, items, size, name=name, chunk_items=chunk_items, _restarted=True)
                return
            left = [item for chunk in chunks if id(chunk) not in finished for item in chunk]
            yield from self._after_crash(task, payload, left, name)

    def _after_crash(
        self, task: Callable[..., list[Any]], payload: Any, items: Sequence[tuple[Any, Any]],
        name: Callable[[Any], str],
    ) -> Iterator[tuple[Any, Any]]:
        """The work a broken pool left, one file per task on a fresh pool with one task per worker at a time. When
        that pool breaks too, the few files it was working on (at most one per worker) are each done alone, in a
        worker of their own, which names the one that ends its worker; then the rest goes on, on a fresh pool."""
        from collections import deque
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        self.progress.phase(f"a worker process ended abruptly: working on the {len(items)} files left again")
        queue = deque(items)
        while queue:
            running: dict[Any, tuple[Any, Any]] = {}
            suspects: list[tuple[Any, Any]] = []
            pool = ProcessPoolExecutor(max_workers=self.jobs, initializer=self.initializer)
            try:
                while queue or running:
                    while queue and len(running) < self.jobs:
                        item = queue.popleft()
                        try:
                            running[pool.submit(task, payload, [item[1]])] = item
                        except BrokenProcessPool:
                            queue.appendleft(item)
                            raise
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        (result,) = future.result()
                        yield running.pop(future)[0], result
            except BrokenProcessPool:
                suspects = list(running.values())
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
            for key, argument in suspects:
                yield key, self._alone(task, payload, key, argument, name)

    def _alone(self, task: Callable[..., list[Any]], payload: Any, key: Any, argument: Any,
               name: Callable[[Any], str]) -> Any:
        """One file in a worker of its own; when that worker ends abruptly, a `WorkerCrash` that names the file,
        or says that workers cannot start at all (then no file is to blame)."""
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        with ProcessPoolExecutor(max_workers=1, initializer=self.initializer) as single:
            try:
                (result,) = single.submit(task, payload, [argument]).result()
                return result
            except BrokenProcessPool:
                pass
        with ProcessPoolExecutor(max_workers=1, initializer=self.initializer) as probe:
            try:
                probe.submit(int).result()
            except BrokenProcessPool:
                raise WorkerCrash(None) from None
        raise WorkerCrash(name(key))

    def _start(self):
        if self._executor is None:
            from concurrent.futures import ProcessPoolExecutor  # only when there is enough work for a pool

            self._executor = ProcessPoolExecutor(max_workers=self.jobs, initializer=self.initializer)
        return self._executor

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


def quiet_worker() -> None:
    """A pool worker leaves signals to the main process, which owns the run's outcome (apply.py, __main__.py).

    Workers are forked with the CLI's handlers, so a Ctrl-C or a SIGTERM sent to the whole process group would
    otherwise raise inside a worker and print its traceback beside the main process's one-line outcome. Ctrl-C is
    ignored (the main process unwinds and shuts the pool down); SIGTERM ends the worker silently."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def request_pool(request: PlanRequest) -> WorkPool:
    return WorkPool(request.jobs or os.cpu_count() or 1, request.progress)


def balanced_chunks(items: Sequence[T], size: Callable[[T], int], jobs: int, most: int | None = None) -> list[list[T]]:
    """`items` in chunks of about equal total size, the biggest chunks first.

    Several chunks per worker (so one slow chunk does not finish alone on an idle pool), each small
    enough to stream back early and big enough that sending it costs little next to working on it.
    Items are taken biggest first and each goes to the lightest chunk, so a huge file is a chunk of
    its own and the last chunks to start are the small ones. `most`: about that many items per chunk at most."""
    if not items:
        return []
    count = max(1, min(len(items), max(jobs * _CHUNKS_PER_WORKER, -(-len(items) // most) if most else 0)))
    chunks: list[tuple[int, int, list[T]]] = [(0, n, []) for n in range(count)]
    import heapq

    heapq.heapify(chunks)
    for item in sorted(items, key=size, reverse=True):
        total, number, chunk = heapq.heappop(chunks)
        chunk.append(item)
        heapq.heappush(chunks, (total + size(item), number, chunk))
    return [chunk for _, _, chunk in sorted(chunks, key=lambda c: (-c[0], c[1])) if chunk]


_CHUNKS_PER_WORKER = 8
# Prepared codemods by payload key, in a worker process.
_WORKER_PAYLOADS: dict[str, Any] = {}


def _worker_payload(payload: tuple[str, bytes]) -> Any:
    key, data = payload
    if key not in _WORKER_PAYLOADS:
        import pickle

        _WORKER_PAYLOADS.clear()
        _WORKER_PAYLOADS[key] = pickle.loads(data)
    return _WORKER_PAYLOADS[key]


def _worker_plan_files(
    payload: tuple[str, bytes], files: list[tuple[str, ModuleInfo, bytes, tuple[int, ...]]]
) -> list[FileOutcome]:
    codemods, cache, fingerprint = _worker_payload(payload)
    outcomes = []
    for path, info, data, indexes in files:
        outcome = plan_file(path, info, data, codemods, indexes)
        if cache is not None:
            cache.put(data, path, info, fingerprint, outcome)
        outcomes.append(outcome)
    return outcomes


def _scans_on(
    pool: WorkPool, cache: PlanCache | None, files: list[tuple[str, ModuleInfo | None, bytes]], expressions: bool
) -> Iterator[tuple[str, FileScan]] | None:
    """Scans of `files` (statements only unless `expressions`) on the pool's workers, each stored in `cache` by
    the worker that made it (None: too little work for them)."""
    if not pool.worth_it(files, lambda f: len(f[2])):
        return None
    results = pool.run(_worker_scans, (expressions, cache), [(f, f) for f in files], lambda f: len(f[2]),
                       name=lambda f: f[0])
    return ((f[0], scan) for f, scan in results)


def _worker_scans(
    payload: tuple[bool, PlanCache | None], files: list[tuple[str, ModuleInfo | None, bytes]]
) -> list[FileScan]:
    from .recall import with_imports_digest

    expressions, cache = payload
    scans = []
    for path, info, data in files:
        scan = scan_source(data, info, path, expressions=expressions)
        if cache is not None:
            cache.put_scan(data, path, info, scan)
            # What recording the preparation's facts reads of it (facts are recorded only when there is a cache).
            scan = with_imports_digest(scan)
        scans.append(scan)
    return scans


# Where each file's CPU time goes (`SSOT_MIGRATE_COSTS=FILE`: one JSON line per planned file, appended by every
# process; bench/run.py reads it). Off by default: then nothing is timed.
COSTS_ENV = "SSOT_MIGRATE_COSTS"
_COSTS: dict[str, float] | None = None
COST_PHASES = ("scan", "focus", "parse", "metadata", "rewrite", "verification")


def _costs_on() -> bool:
    global _COSTS
    if _COSTS is None and os.environ.get(COSTS_ENV):
        _COSTS = {}
        _time_metadata()
    return _COSTS is not None


def _time_metadata() -> None:
    """Count libcst's metadata resolution (scopes, positions) as its own phase."""
    from libcst.metadata import MetadataWrapper

    from . import bindings

    resolve_many = MetadataWrapper.resolve_many

    def timed(self, providers):  # type: ignore[no-untyped-def]
        start = time.process_time()
        try:
            return resolve_many(self, providers)
        finally:
            _spent("metadata", start, nested=True)

    MetadataWrapper.resolve_many = timed  # type: ignore[method-assign]
    # Positions of a statement inside a block are computed without a MetadataWrapper.
    nested_positions = bindings.nested_positions

    def timed_positions(*args):  # type: ignore[no-untyped-def]
        start = time.process_time()
        try:
            return nested_positions(*args)
        finally:
            _spent("metadata", start, nested=True)

    bindings.nested_positions = timed_positions  # type: ignore[assignment]


def _clock() -> float:
    """The process's CPU time when costs are on; 0.0 (no system call) when they are off."""
    return time.process_time() if _COSTS is not None else 0.0


def _spent(phase: str, since: float, *, nested: bool = False) -> float:
    """Add the time since `since` to `phase` and return now (`_clock`); costs off, nothing is read or added."""
    if _COSTS is None:
        return 0.0
    now = time.process_time()
    _COSTS[phase] = _COSTS.get(phase, 0.0) + now - since
    if nested:
        _COSTS["_nested"] = _COSTS.get("_nested", 0.0) + now - since
    return now


def plan_file(
    path: str, info: ModuleInfo, data: bytes, codemods: Sequence[Kind], indexes: Iterable[int]
) -> FileOutcome:
    """Run the codemods that passed the prefilter on one file: an `ast` confirmation, one libcst
    parse of the statements they can act on, each codemod in order, then verification of the result."""
    if not _costs_on():
        return _paused(_plan_file, path, info, data, codemods, indexes)
    assert _COSTS is not None
    _COSTS.clear()
    outcome = _paused(_plan_file, path, info, data, codemods, indexes)
    line = {
        "path": path, "bytes": len(data), "parsed": outcome.parsed, "plain": bool(_COSTS.get("_plain")),
        **{p: round(_COSTS.get(p, 0.0), 6) for p in COST_PHASES},
    }
    with open(os.environ[COSTS_ENV], "a", encoding="utf-8") as stream:
        stream.write(json.dumps(line) + "\n")
    return outcome


def _plan_file(
    path: str, info: ModuleInfo, data: bytes, codemods: Sequence[Kind], indexes: Iterable[int]
) -> FileOutcome:
    clock = _clock()
    wanted = set(indexes)
    selected = [c for c in codemods if c.index in wanted]
    old_sha = sha256_hex(data)
    tree = parse_tree(data, path)
    scan = scan_tree(tree, info, path) if isinstance(tree, ast.Module) else FileScan(False, error=tree, path=path)
    wanting = [c for c in selected if _wants(c, data, scan)]
    if not wanting:
        return FileOutcome(path, old_sha, None, (), (), b"", "utf-8", parsed=False)
    if isinstance(tree, tuple):
        return _unparsable(path, old_sha, tree)
    settled = _settle(wanting, scan, tree)
    if settled is not None:
        # Every codemod that can act here proved from the `ast` scan that it edits nothing: the text stays as it
        # is, so no later codemod sees anything an earlier one wrote.
        return FileOutcome(path, old_sha, None, (), tuple(settled), b"", "utf-8", parsed=False)
    clock = _spent("scan", clock)
    plain = _plain(path, info, data, tree, scan, selected, old_sha)
    if plain is not None:
        return plain
    import libcst as cst  # only a file that must be parsed pays for libcst (a `check` of unrelated files never does)

    clock = _clock()
    elided = _elide(data, tree, scan, selected)
    _spent("focus", clock)
    try:
        rewrite = _transform(path, info, data, elided.source, selected, scan, elided) if elided is not None else None
        if rewrite is None:
            rewrite = _transform(path, info, data, data, selected, scan, None)
    except cst.ParserSyntaxError as exc:
        return _unparsable(path, old_sha, (exc.raw_line, exc.raw_column + 1, exc.message))
    except RecursionError:
        return _unparsable(path, old_sha, _TOO_DEEP_FOR_LIBCST)
    except Exception as exc:  # noqa: BLE001 - a bug on one file must not abort the whole plan
        return _failed(path, old_sha, exc)
    assert rewrite is not None
    if rewrite.new_bytes == data:
        return FileOutcome(path, old_sha, None, (), tuple(rewrite.findings), b"", rewrite.encoding, parsed=True)
    return _verify(path, info, data, tree, rewrite, old_sha)


def _plain(
    path: str, info: ModuleInfo, data: bytes, tree: ast.Module, scan: FileScan, selected: Sequence[Kind], old_sha: str
) -> FileOutcome | None:
    """A file whose only codemod rewrites it from the `ast` (`Kind.rewrite_plainly`), verified as any rewrite. It
    counts as parsed (`stats.parsed`: planned beyond the `ast` check); the cost line says `plain`.

    Only with one codemod: a later one would act on what the first wrote. Anything unexpected sends the file to
    the libcst path, which is always right."""
    from .rewrite.plain import enabled

    if len(selected) != 1 or not enabled():
        return None
    codemod = selected[0]
    clock = _clock()
    try:
        plain = codemod.rewrite_plainly(data, tree, info, scan)
    except Exception:  # noqa: BLE001 - the libcst path decides
        return None
    finally:
        _spent("rewrite", clock)
    if plain is None:
        return None
    if _COSTS is not None:
        _COSTS["_plain"] = 1.0
    findings = [codemod.finding(path, *finding) for finding in plain.findings]  # type: ignore[arg-type]
    if plain.new_bytes == data:
        return FileOutcome(path, old_sha, None, (), tuple(findings), b"", "utf-8", parsed=True)
    rewrite = _Rewrite(
        plain.new_bytes, [Edit(codemod.index, line, col) for line, col in plain.positions], findings,
        [codemod.renames()], codemod.inserts_expressions, "utf-8", [],
    )
    return _verify(path, info, data, tree, rewrite, old_sha)


def _settle(wanting: Sequence[Kind], scan: FileScan, tree: ast.Module) -> list[Finding] | None:
    """The findings of a file that no codemod edits, when each codemod can say so without libcst."""
    findings: list[Finding] = []
    for codemod in wanting:
        own = codemod.settle(scan, tree)
        if own is None:
            return None
        findings += own
    return findings


def _paused(work: Callable[..., T], *args: Any) -> T:
    """`work(*args)` with the cycle collector paused, then resumed as it was.

    Planning a file allocates a few hundred thousand small objects (syntax trees, libcst nodes, the verifier's
    names) and frees them by reference count; the collector's passes over them free nothing (they were a fifth
    of verification's time). It is paused per file (as `audit` pauses it for its run): what one file leaves in
    cycles is collected once the collector runs again."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return work(*args)
    finally:
        if collecting:
            gc.enable()


def _verify(path: str, info: ModuleInfo, data: bytes, tree: ast.Module, rewrite: _Rewrite, old_sha: str) -> FileOutcome:
    """`_finish`, timed as verification; a bug met there refuses this file only (SSOT002)."""
    clock = _clock()
    try:
        return _finish(path, info, data, tree, rewrite, old_sha)
    except Exception as exc:  # noqa: BLE001 - a bug on one file must not abort the whole plan
        return _failed(path, old_sha, exc)
    finally:
        _spent("verification", clock)


def _finish(path: str, info: ModuleInfo, data: bytes, tree: ast.Module, rewrite: _Rewrite, old_sha: str) -> FileOutcome:
    """The import pass on the whole rewritten text, then verification against the original: a file that fails
    is refused (its edits dropped, one error finding), every other file's plan stands."""
    # Verification is imported with the first file that changes (a `check` that parses nothing never needs it).
    from .rewrite.imports import finish_imports
    from .rewrite.verify import Expectation, Problem, import_time_problems, verify_rewrite
    from .scopes import file_names

    kept = frozenset(f.line for f in rewrite.findings if f.path == path)
    expectation = Expectation(tuple(rewrite.renames), rewrite.lenient, kept)
    new_tree = parse_tree(rewrite.new_bytes, path)
    problems: list[Problem]
    if isinstance(new_tree, tuple):
        line, col, message = new_tree
        problems, new_bytes = [Problem(line, col, f"the rewritten file does not parse: {message}")], rewrite.new_bytes
    else:
        try:
            # A file of a module that the plan moves (planned before the files move) is resolved as the module it
            # becomes: its own names then mean the new paths on both sides.
            becomes = _as_moved(info, expectation)
            before = file_names(tree, becomes)
            resolve = functools.partial(file_names, info=becomes)
            final = finish_imports(
                rewrite.new_bytes, new_tree, resolve(new_tree), before, rewrite.released, expectation.expected, resolve
            )
            new_bytes = final.data
            problems = verify_rewrite(data, new_bytes, before, final.names, expectation)
            if not problems:
                final_tree = new_tree if new_bytes == rewrite.new_bytes else parse_tree(new_bytes, path)
                if isinstance(final_tree, ast.Module):
                    problems = import_time_problems(tree, final_tree)
        except RecursionError:
            problems, new_bytes = [Problem(1, 1, "the rewritten file is nested too deeply to check its names")], rewrite.new_bytes
    if problems:
        return FileOutcome(
            path, old_sha, None, (), (_refusal(path, data, new_bytes, problems),), b"", rewrite.encoding, parsed=True
        )
    diff = unified_diff(path, data, new_bytes)
    return FileOutcome(
        path, old_sha, new_bytes, tuple(rewrite.edits), tuple(rewrite.findings), diff, rewrite.encoding,
        parsed=True, verified=True,
    )


def _as_moved(info: ModuleInfo, expectation: Expectation) -> ModuleInfo:
    name = expectation.expected(info.name)
    if name == info.name:
        return info
    return ModuleInfo(name, expectation.expected(info.package) if info.package else info.package, info.is_package)


def _unparsable(path: str, old_sha: str, error: tuple[int, int, str]) -> FileOutcome:
    line, col, message = error
    if error == TOO_DEEP:
        why = "it is nested deeper than Python's parser accepts; edit it by hand or exclude it"
    elif error == _TOO_DEEP_FOR_LIBCST:
        why = "it is nested deeper than libcst can analyse (a very long chain of operators or calls); edit it by hand or exclude it"
    elif "null bytes" in message:
        why = "the file contains a NUL byte (is it binary?); fix or exclude it"
    elif "codec can't decode" in message or "unicode error" in message:
        why = f"{message}: a file that is not UTF-8 needs a PEP 263 coding cookie; add one or exclude the file"
    else:
        why = f"{message}; fix the syntax error"
    finding = Finding(path, line, col, "error", "SSOT001", None, f"cannot parse: {why} (nothing in this file was planned)")
    return FileOutcome(path, old_sha, None, (), (finding,), b"", "utf-8", parsed=False)


def _failed(path: str, old_sha: str, exc: Exception) -> FileOutcome:
    """A bug met on one file: that file is refused with a finding, every other file is still planned."""
    where = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    origin = f" at {Path(where.filename).name}:{where.lineno}" if where else ""
    finding = Finding(
        path, 1, 1, "error", "SSOT002", None,
        f"ssot-migrate failed on this file ({type(exc).__name__}: {exc}{origin}); nothing in this file was planned, "
        "edit it by hand (please report this file: it is a bug in ssot-migrate)",
    )
    return FileOutcome(path, old_sha, None, (), (finding,), b"", "utf-8", parsed=False)


def _refusal(path: str, data: bytes, new_bytes: bytes, problems: Sequence[Problem]) -> Finding:
    """The error that replaces a file's edits when they failed verification, at the first problem."""
    to_original = _position_map(data, new_bytes)
    first = problems[0]
    line, col = to_original(first.line, first.col)
    listed = "; ".join(f"line {p.line}: {p.message}" for p in problems[:3])
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    return Finding(
        path, line, col, "error", "SSOT003", None,
        f"not rewritten: the planned edits would change what names mean ({listed}{more}); nothing in this file "
        "was planned, edit it by hand (please report this file: it is a bug in ssot-migrate)",
    )


def _elide(data: bytes, tree: ast.Module, scan: FileScan, selected: Sequence[Kind]) -> Elided | None:
    focus: Focus | None = None
    for codemod in selected:
        own = codemod.focus(scan)
        if own is None:
            return None
        focus = own if focus is None else focus.union(own)
    if focus is None:
        return None
    if len(selected) > 1:
        # A later codemod acts on what an earlier one wrote: keep every statement naming any of it.
        focus = focus.union(Focus(focus.names | focus.chained))
    return elide(data, tree, focus)


_TOO_DEEP_FOR_LIBCST = (1, 1, "nested too deeply for libcst")


@dataclass
class _Rewrite:
    """What the codemods did to one file before verification."""

    new_bytes: bytes
    edits: list[Edit]
    findings: list[Finding]
    renames: list[tuple[tuple[str, str], ...]]
    lenient: bool
    encoding: str
    released: list[ReleasedImport]


def _transform(
    path: str,
    info: ModuleInfo,
    data: bytes,
    source: bytes,
    selected: Sequence[Kind],
    scan: FileScan,
    elided: Elided | None,
) -> _Rewrite | None:
    """Parse `source` (the file, or the file with left-out statements) and run the codemods on it.

    None when the left-out version could not be used (the caller falls back to the whole file).
    """
    import libcst as cst

    from .bindings import FileContext

    clock = _clock()
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        if elided is not None:
            return None
        raise
    finally:
        clock = _spent("parse", clock)
    rewrite = _Rewrite(data, [], [], [], False, module.encoding, [])
    current = data
    for codemod in selected:
        if current is not data:
            scan = _scan(current, info, path)
        if not _wants(codemod, current, scan):
            continue
        ctx = FileContext(module, info, path)
        clock = _clock()
        nested = _COSTS.get("_nested", 0.0) if _COSTS is not None else 0.0
        result = codemod.transform(ctx)
        if _COSTS is not None:  # the codemod's own work, without the metadata it resolved
            _spent("rewrite", clock + (_COSTS.get("_nested", 0.0) - nested))
        if result is None:
            continue
        # Positions are reported in the file as it is on disk, also after an earlier codemod moved lines
        # (the left-out statements do not move any: `source` has the file's lines).
        to_original = _position_map(source, current) if current is not data else None
        for line, col in result.edits:
            rewrite.edits.append(Edit(codemod.index, *(to_original(line, col) if to_original else (line, col))))
        for finding in result.findings:
            if to_original is not None and finding.path == path:
                finding = replace(finding, **dict(zip(("line", "col"), to_original(finding.line, finding.col))))
            rewrite.findings.append(finding)
        if result.module is not module:
            module = result.module
            current = module.bytes
            # The file's own renames first: they are more specific than the codemod's (a moved module's imports).
            rewrite.renames.append((*result.renames, *codemod.renames()))
            rewrite.lenient = rewrite.lenient or codemod.inserts_expressions
            rewrite.released.extend(result.released)
    new_bytes = current if current is not data else source
    if elided is not None:
        restored = elided.restore(new_bytes)
        if restored is None:
            return None
        new_bytes = restored
    rewrite.new_bytes = new_bytes
    return rewrite


def _wants(codemod: Kind, data: bytes, scan: FileScan) -> bool:
    """Whether a codemod can match this content: its prefilter, then its `ast` confirmation."""
    if scan.path not in codemod.candidate_paths():
        found = codemod.prefilter()
        if found is None or not found.search(data):
            return False
    return codemod.confirm(scan)


def _scan(data: bytes, info: ModuleInfo, path: str) -> FileScan:
    tree = parse_tree(data, path)
    if isinstance(tree, ast.Module):
        return scan_tree(tree, info, path)
    return FileScan(False, error=tree, path=path)


def _position_map(original: bytes, seen: bytes) -> Callable[[int, int], tuple[int, int]]:
    """Map a (line, col) in `seen` (an intermediate version of a file) to the same place in `original`.

    Lines an earlier codemod left alone map exactly; on a line it rewrote, the
    column follows a character diff of the two lines; a line it inserted maps to
    where the insertion happened.
    """
    original_lines, seen_lines = original.splitlines(), seen.splitlines()
    line_codes = difflib.SequenceMatcher(None, original_lines, seen_lines, autojunk=False).get_opcodes()

    def to_original(line: int, col: int) -> tuple[int, int]:
        index, exact = _map_index(line_codes, line - 1)
        if exact or not (0 <= index < len(original_lines) and 0 <= line - 1 < len(seen_lines)):
            return index + 1, col
        # Diff the two lines token by token (a name is one token), then map the token the column falls in.
        before, after = _tokens(original_lines[index]), _tokens(seen_lines[line - 1])
        token_codes = difflib.SequenceMatcher(None, [t for t, _ in before], [t for t, _ in after], autojunk=False).get_opcodes()
        at = next((k for k, (_, start) in enumerate(after) if start >= col - 1), len(after))
        if at < len(after) and after[at][1] > col - 1:
            at -= 1
        mapped, _ = _map_index(token_codes, max(at, 0))
        return index + 1, (before[mapped][1] + 1) if mapped < len(before) else col

    return to_original


_TOKEN = re.compile(rb"\w+|\s+|.")


def _tokens(line: bytes) -> list[tuple[bytes, int]]:
    return [(m.group(), m.start()) for m in _TOKEN.finditer(line)]


def _map_index(opcodes: list[tuple[str, int, int, int, int]], index: int) -> tuple[int, bool]:
    """(index in the first sequence, whether it is the same element) for `index` in the second."""
    for tag, i1, i2, j1, j2 in opcodes:
        if j1 <= index < j2:
            if tag == "equal":
                return i1 + (index - j1), True
            return i1 + min(index - j1, max(i2 - i1 - 1, 0)), False
    return index, False



def _run_text_files(discovery: Discovery, codemods: Sequence[Kind], repo: RepoContext) -> list[FileOutcome]:
    """Non-Python files listed by a codemod's `text_files`: each file runs through the codemods in order."""
    matchers = [(c, compile_patterns(c.text_file_patterns())) for c in codemods]
    matchers = [(c, m) for c, m in matchers if m is not None]
    if not matchers:
        return []
    outcomes = []
    for path in discovery.files:
        if path.endswith(PYTHON_SUFFIXES):
            continue
        wanted = [c for c, m in matchers if m.match_file(path)]
        if not wanted:
            continue
        original = repo.read(path)
        if original is None:
            continue
        data = original
        edits: list[Edit] = []
        for codemod in wanted:
            data, positions = codemod.transform_text(path, data)
            edits.extend(Edit(codemod.index, line, col) for line, col in positions)
        if data != original:
            outcomes.append(
                FileOutcome(
                    path, sha256_hex(original), data, tuple(edits), (), unified_diff(path, original, data),
                    "utf-8", parsed=False,
                )
            )
    return outcomes
