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
import os
import re
import time
import traceback
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import libcst as cst

from .config import ProjectConfig
from .diff import unified_diff
from .discover import (
    PYTHON_SUFFIXES,
    Discovery,
    compile_patterns,
    discover,
)
from .focus import Elided, Focus, elide
from .modules import ModuleInfo
from .plan import CodemodSummary, Edit, FileEdit, FileOutcome, MigrationInfo, Plan, Stats, sha256_hex
from .progress import LISTING, PREFILTER, PREPARING, REWRITING, SILENT, Progress
from .rewrite.edits import ReleasedImport
from .rewrite.imports import finish_imports
from .rewrite.verify import Expectation, Problem, verify_rewrite
from .scan import TOO_DEEP, FileScan, parse_tree, scan_tree
from .scopes import file_names
from .repo import RepoContext, build_repo
from .spec import Migration
from .transforms import kind_registry
from .transforms.base import Kind
from .types import Finding, sorted_findings

if TYPE_CHECKING:
    from .cache import PlanCache

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
    repo = build_repo(request.root, request.config, whole, request.cache)
    progress.phase(PREPARING)
    codemods, findings = prepare_codemods(migration, repo)
    stats = Stats(discovered=len(discovery.files), recalled=repo.recalled)

    progress.phase(PREFILTER, len(discovery.python_files))
    candidates = _prefilter(discovery.python_files, codemods, repo, progress)
    stats.prefiltered = len(candidates)
    progress.phase(REWRITING, len(candidates))
    outcomes = _run_candidates(candidates, codemods, repo, request, stats)
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
                position for position, (pattern, extra) in enumerate(zip(patterns, always))
                if path in extra or (pattern is not None and pattern.search(data))
            ),
            None,
        )
        if first is not None:
            info = repo.modules.info_for(path) or _loose_module(path)
            # Later codemods see earlier results, which may introduce their trigger words:
            # plan_file checks each one again on the tree as it is when its turn comes.
            candidates.append(_Candidate(path, info, data, tuple(c.index for c in codemods[first:])))
    return candidates


# Files read between two progress updates of the byte prefilter (an update per file would cost more than the check).
_PREFILTER_STEP = 256


def _loose_module(path: str) -> ModuleInfo:
    """A file outside every source root still gets a name, so relative imports fail cleanly."""
    stem = Path(path).stem
    return ModuleInfo(stem if stem.isidentifier() else "_", "", False)


def _run_candidates(
    candidates: list[_Candidate], codemods: Sequence[Kind], repo: RepoContext, request: PlanRequest, stats: Stats
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
        if cache is not None:
            cache.put(candidate.data, candidate.path, candidate.info, fingerprint, outcome)
        request.progress.advance()

    jobs = request.jobs or os.cpu_count() or 1
    work_bytes = sum(len(c.data) for c in pending)
    if jobs <= 1 or len(pending) <= IN_PROCESS_MAX_FILES or work_bytes <= IN_PROCESS_MAX_BYTES:
        for candidate in pending:
            finish(candidate, plan_file(candidate.path, candidate.info, candidate.data, codemods, candidate.codemods))
        return outcomes
    from concurrent.futures import (  # only when there is enough work for a pool
        ProcessPoolExecutor,
        as_completed,
    )

    # Biggest files first, so one huge file does not finish last on an otherwise idle pool.
    pending.sort(key=lambda c: len(c.data), reverse=True)
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(list(codemods),)) as pool:
        futures = {
            pool.submit(_worker_plan_file, c.path, c.info, c.data, c.codemods): c for c in pending
        }
        for future in as_completed(futures):
            finish(futures[future], future.result())
    return outcomes


def _fingerprint(codemods: Sequence[Kind]) -> str:
    return sha256_hex("\0".join(c.fingerprint() for c in codemods).encode())


_WORKER_CODEMODS: list[Kind] = []


def _init_worker(codemods: list[Kind]) -> None:
    _WORKER_CODEMODS[:] = codemods


def _worker_plan_file(path: str, info: ModuleInfo, data: bytes, indexes: tuple[int, ...]) -> FileOutcome:
    return plan_file(path, info, data, _WORKER_CODEMODS, indexes)


def plan_file(
    path: str, info: ModuleInfo, data: bytes, codemods: Sequence[Kind], indexes: Iterable[int]
) -> FileOutcome:
    """Run the codemods that passed the prefilter on one file: an `ast` confirmation, one libcst
    parse of the statements they can act on, each codemod in order, then verification of the result."""
    wanted = set(indexes)
    selected = [c for c in codemods if c.index in wanted]
    old_sha = sha256_hex(data)
    tree = parse_tree(data, path)
    scan = scan_tree(tree, info, path) if isinstance(tree, ast.Module) else FileScan(False, error=tree, path=path)
    if not any(_wants(c, data, scan) for c in selected):
        return FileOutcome(path, old_sha, None, (), (), b"", "utf-8", parsed=False)
    if isinstance(tree, tuple):
        return _unparsable(path, old_sha, tree)
    elided = _elide(data, tree, scan, selected)
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
    try:
        return _finish(path, info, data, tree, rewrite, old_sha)
    except Exception as exc:  # noqa: BLE001 - as above
        return _failed(path, old_sha, exc)


def _finish(path: str, info: ModuleInfo, data: bytes, tree: ast.Module, rewrite: _Rewrite, old_sha: str) -> FileOutcome:
    """The import pass on the whole rewritten text, then verification against the original: a file that fails
    is refused (its edits dropped, one error finding), every other file's plan stands."""
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
    from .bindings import FileContext

    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        if elided is not None:
            return None
        raise
    rewrite = _Rewrite(data, [], [], [], False, module.encoding, [])
    current = data
    for codemod in selected:
        if current is not data:
            scan = _scan(current, info, path)
        if not _wants(codemod, current, scan):
            continue
        ctx = FileContext(module, info, path)
        result = codemod.transform(ctx)
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
