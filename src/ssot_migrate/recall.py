"""Repository-wide results recorded with what they read, and replayed while none of that changed.

A kind's `prepare` can read much of a repository: rename-import greps every file for
imports of the old name's re-exports and scans the hits. Its result depends on a few
facts about each file (whether a grep filter matches it, its `ast` scan, which dotted
paths it names), not on the whole bytes. `RepoContext.remember` runs such a computation
on a `Recording` view that notes each fact it asks for; the record keeps the facts and
the `(mtime_ns, size, inode)` of every Python file. A later run re-checks the facts of
only the files whose stat changed: appending a comment to a file that imports the name
leaves its scan, and so the result, as it was.

Stats are trusted the way git trusts its index: a file modified less than
`RACY_NS` before the listing that recorded it has no stat in the record, so its facts
are always checked again (a later edit within the same mtime tick would not show).
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterator, TypeVar

from .discover import import_filter, word_filter
from .types import BytesFilter

if TYPE_CHECKING:
    from .repo import RepoContext
    from .scan import FileScan

T = TypeVar("T")
FORMAT = 1
RACY_NS = 2_000_000_000  # coarser than any file system's mtime granularity (FAT: 2 s)


def remember(
    repo: RepoContext,
    topic: str,
    identity: Any,
    compute: Callable[[RepoContext], T],
    encode: Callable[[T], Any],
    decode: Callable[[Any], T],
) -> T:
    """`compute(repo)`, or its recorded result when no fact it read has changed since (`RepoContext.remember`).

    `compute` must read the repository only through the context it is given (`read`, `grep`,
    `grep_imports`, `scan`, `import_scan`, `named_in`, `context_for`, `index`, `modules`) and
    depend on nothing else but `identity` (JSON data)."""
    cache = repo.cache
    if cache is None or not repo.stats:
        return compute(repo)
    key = cache.record_key(topic, [str(repo.root), identity])
    record = cache.load_record(key)
    files = files_digest(repo)
    if record is not None:
        replayed = _replay(repo, record, files)
        if replayed is not None:
            try:
                value = decode(record["value"])
            except (KeyError, TypeError, ValueError):
                value = None  # a record this version cannot read is a miss
            if value is not None:
                repo.recalled += 1
                if replayed:
                    # Files re-checked and found unchanged: store their new stats, so the next run skips them.
                    record["stats"].update(_stable_stats(repo, replayed))
                    cache.store_record(key, record)
                return value
    view = repo.recording_view(Recording())
    value = compute(view)
    recording = view.recording
    record = {
        "format": FORMAT,
        "files": files,
        "stats": _stable_stats(repo, repo.python_files),
        "greps": [[list(spec), sorted(paths)] for spec, paths in recording.greps.items()],
        "facts": recording.facts,
        "args": recording.args,
        "value": encode(value),
    }
    cache.store_record(key, record)
    return value


def files_digest(repo: RepoContext) -> str:
    """The Python files and how they map to modules: a change here invalidates every record."""
    digest = hashlib.sha256(json.dumps([list(repo.modules.roots), list(repo.python_files)]).encode())
    return digest.hexdigest()


def _stable_stats(repo: RepoContext, paths: Any) -> dict[str, list[int]]:
    """Stats of `paths` that a later change is sure to alter (not modified just before the listing)."""
    racy_after = repo.listed_at_ns - RACY_NS
    out = {}
    for path in paths:
        stat = repo.stats.get(path)
        if stat is not None and stat[0] < racy_after:
            out[path] = list(stat)
    return out


def _replay(repo: RepoContext, record: dict, files: str) -> list[str] | None:
    """The files re-checked (all facts held), or None when a fact changed and the record is stale."""
    try:
        if record.get("format") != FORMAT or record["files"] != files:
            return None
        stored = record["stats"]
        greps = [(_filter(spec), frozenset(paths)) for spec, paths in record["greps"]]
        facts, args = record["facts"], record["args"]
        changed = [
            path for path in repo.python_files
            if (stat := stored.get(path)) is None or tuple(stat) != repo.stats.get(path)
        ]
        # A fact about a file outside the Python files (none today) is always checked again.
        changed += [path for path in facts if path not in repo.stats]
        for path in changed:
            data = repo.read(path)
            for found, paths in greps:
                if (data is not None and found is not None and found.search(data)) != (path in paths):
                    return None
            for kind, arg, expected in facts.get(path, ()):
                if _fact(repo, kind, path, args.get(arg)) != expected:
                    return None
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return changed


def _filter(spec: list) -> BytesFilter | None:
    how, words = spec
    if how == "words":
        return word_filter(words)
    if how == "imports":
        return import_filter(words)
    raise ValueError(f"unknown grep {how!r}")


def _fact(repo: RepoContext, kind: str, path: str, arg: Any) -> str:
    """A fact's current value, as it is recorded (`fact_value` of the repository's answer)."""
    if kind == "bytes":
        answer: Any = repo.read(path)
    elif kind == "scan":
        answer = repo.scan(path)
    elif kind == "imports":
        answer = repo.import_scan(path)
    elif kind == "named":
        answer = repo.named_in(path, frozenset(arg))
    else:
        raise ValueError(f"unknown fact {kind!r}")
    return fact_value(kind, answer)


def fact_value(kind: str, answer: Any) -> str:
    """What is recorded of the answer to a fact (`RecordingRepo` asks, `_fact` asks again later)."""
    if kind == "bytes":
        return digest(answer)
    if kind in ("scan", "imports"):
        return scan_digest(answer, imports_only=kind == "imports")
    return digest(sorted(answer))


def digest(value: Any) -> str:
    """A short digest of bytes or JSON data (None has its own)."""
    if value is None:
        return "-"
    data = value if isinstance(value, bytes) else json.dumps(value).encode()
    return hashlib.sha256(data).hexdigest()[:32]


# What a statements-only scan holds (a full scan holds the same, and more).
_IMPORT_FIELDS = ("parsed", "imported", "star_modules", "summary", "error", "uses")


# Where a scan keeps its statements' digest when the worker that made it computed it (`with_imports_digest`).
_IMPORTS_DIGEST = "_imports_digest"


def scan_digest(scan: FileScan | None, *, imports_only: bool) -> str:
    from .cache import encode_value

    if scan is None:
        return digest(None)
    if imports_only:
        known = scan.__dict__.get(_IMPORTS_DIGEST)
        if known is not None:
            return known
        return digest([encode_value(getattr(scan, name)) for name in _IMPORT_FIELDS])
    return digest(encode_value(scan))


def with_imports_digest(scan: FileScan) -> FileScan:
    """`scan`, carrying the digest of its statements (what an `imports` fact records of it) to the process it is
    sent to: a pool worker computes it beside the scan, so preparing a package move does not compute a thousand
    of them one after another in the main process. Not a field: the cache does not store it, and equality and
    hashing ignore it."""
    object.__setattr__(scan, _IMPORTS_DIGEST, scan_digest(scan, imports_only=True))
    return scan


class Recording:
    """A view of a `RepoContext` that notes every fact a computation reads (see `RepoContext.recording`)."""

    def __init__(self) -> None:
        self.greps: dict[tuple[str, tuple[str, ...]], frozenset[str]] = {}
        self.facts: dict[str, list[list[Any]]] = {}
        self.args: dict[str, list[str]] = {}
        # The key of each `arg` set seen (a package move asks `named_in` of a thousand files with the same few
        # hundred paths: sorting and hashing them once per call was most of recording them).
        self._arg_keys: dict[frozenset[str], str] = {}
        self._muted = 0

    @contextmanager
    def muted(self) -> Iterator[bool]:
        """Inside, nested reads are part of the outer fact; yields whether this one is outermost."""
        self._muted += 1
        try:
            yield self._muted == 1
        finally:
            self._muted -= 1

    def grep(self, how: str, words: Any, paths: list[str]) -> None:
        if not self._muted:
            self.greps[(how, tuple(sorted(set(words))))] = frozenset(paths)

    def fact(self, kind: str, path: str, value: str, arg: frozenset[str] | None = None) -> None:
        key = None
        if arg is not None:
            key = self._arg_keys.get(arg)
            if key is None:
                names = sorted(arg)
                key = self._arg_keys[arg] = digest(names)[:16]
                self.args.setdefault(key, names)
        entry = [kind, key, value]
        known = self.facts.setdefault(path, [])
        if entry not in known:
            known.append(entry)
