"""The content-addressed cache: per-file plan results and `ast` scans, keyed by what they depend on.

An entry's key hashes the file's bytes, its path and module name, the codemods'
fingerprint (options and the state `prepare` derived from the repository) and the
tool's identity, so a changed input is a different key and nothing is ever stale.
Entries are JSON (never pickle: a cache restored in CI must not be able to run
code), written to a temporary file and renamed, so concurrent runs can share it.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import itertools
import json
import os
import re
import sys
import time
import zlib
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Iterator

from . import TOOL_NAME, __version__
from .errors import UsageError
from .modules import ModuleInfo
from .plan import Edit, FileOutcome
from .scan import (
    CallSite,
    Definition,
    FileScan,
    ImportedName,
    ImportSite,
    ImportUse,
    ModuleSummary,
    Parameter,
    Signature,
)
from .types import Finding

# 2: dataclasses as positional field lists; 3: a CRC-32 line before the JSON; 4: a folder per tool identity, so the
# entries of a tool no longer run can go as one folder (`prune`).
FORMAT = "4"
# Value types an entry may hold; decoding builds nothing else.
_TYPES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        Edit, Finding, FileScan, ImportUse, ModuleSummary, ImportedName, Definition, Signature, Parameter, ImportSite,
        CallSite,
    )
}

# The field names of each cacheable dataclass, in order (dataclasses.fields() per value is slow), and as a set.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {
    cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _TYPES.values()
}


# Fields decoded when first read. A warm audit decodes every file's scan, but reads the signatures and methods of
# the few definitions a checked call reaches, and the import uses of statement scans only for some findings:
# decoding them up front (half of an entry's objects) was a fifth of the hook's run.
_LAZY_FIELDS: dict[type, tuple[str, ...]] = {
    Signature: ("parameters",),
    Definition: ("methods", "member_kinds", "decorators"),
    ModuleSummary: ("imports", "runtime_imports"),
    FileScan: ("uses",),
}


def _lazy_field(name: str) -> property:
    raw = "_raw_" + name

    def get(self: Any) -> Any:
        values = self.__dict__
        if raw in values:
            text = values.pop(raw)
            values[name] = _decode(json.loads(text) if type(text) is str else text)
        return values[name]

    def set(self: Any, value: Any) -> None:  # the dataclass's __init__ (`dataclasses.replace`) only: it is frozen
        self.__dict__.pop(raw, None)
        self.__dict__[name] = value

    return property(get, set)


def _lazy_class(base: type, lazy: tuple[str, ...]) -> type:
    """A subclass of the dataclass `base` whose `lazy` fields hold their entry's JSON until read; it equals and
    hashes like the `base` instance it stands for (frozen dataclasses compare fields only with their own class)."""
    compared = tuple(f.name for f in dataclasses.fields(base) if f.compare)

    def __eq__(self: Any, other: object) -> bool:
        if isinstance(other, base):
            return all(getattr(self, n) == getattr(other, n) for n in compared)
        return NotImplemented

    def __hash__(self: Any) -> int:
        return hash(tuple(getattr(self, n) for n in compared))

    name = f"_Lazy{base.__name__}"
    namespace = {name: _lazy_field(name) for name in lazy}
    namespace.update(__eq__=__eq__, __hash__=__hash__, __module__=__name__, __qualname__=name,
                     __doc__=f"A cached {base.__name__} whose {', '.join(lazy)} decode when first read.")
    cls = type(name, (base,), namespace)
    globals()[name] = cls  # importable by name: a scan may be pickled to or from a worker
    return cls


_LAZY: dict[type, tuple[type, frozenset[str]]] = {
    base: (_lazy_class(base, lazy), frozenset(lazy)) for base, lazy in _LAZY_FIELDS.items()
}
# A dataclass's tag in an entry: `{"@Definition": [...]}`; a lazy instance is encoded as its base.
_TAGS: dict[type, str] = {cls: "@" + name for name, cls in _TYPES.items()}
_BY_TAG: dict[str, type] = {tag: cls for cls, tag in _TAGS.items()}
_LAZY_NAMES: dict[type, frozenset[str]] = {}
for _base, (_lazy, _names) in _LAZY.items():
    _TAGS[_lazy] = _TAGS[_base]
    _FIELD_NAMES[_lazy] = _FIELD_NAMES[_base]
    _LAZY_NAMES[_base] = _LAZY_NAMES[_lazy] = _names


def default_cache_dir() -> Path:
    """`$XDG_CACHE_HOME/ssot-migrate` on Linux, the platform's user cache folder elsewhere."""
    import platformdirs

    return Path(platformdirs.user_cache_dir(TOOL_NAME, appauthor=False))


def cache_directory(cache_dir: Path | None = None) -> Path:
    """The cache folder: `--cache-dir`, else the user cache folder, absolute."""
    return (cache_dir if cache_dir is not None else default_cache_dir()).expanduser().resolve()


def open_cache(root: Path, cache_dir: Path | None = None, *, enabled: bool = True) -> PlanCache | None:
    """The cache for a run on the project at `root` (None with `--no-cache`).

    The cache never lives inside the project: an explicit `--cache-dir` there is a usage
    error; a default location there (`XDG_CACHE_HOME` pointing into the checkout) turns
    caching off for the run. Opening it marks this tool's entries as in use and, at most once
    a day, prunes what no run needs any more (`prune`).
    """
    if not enabled:
        return None
    directory = cache_directory(cache_dir)
    if _inside(directory, root.resolve()):
        if cache_dir is not None:
            raise UsageError(
                f"--cache-dir {cache_dir}: inside the project {root}; the cache must live outside it "
                "(omit --cache-dir for the user cache folder)"
            )
        return None
    cache = PlanCache(directory)
    cache.maintain()
    return cache


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


class PlanCache:
    """Per-file results under `directory/v<FORMAT>/`; `tool` names the code that produced them."""

    def __init__(self, directory: Path, tool: str | None = None) -> None:
        self.directory = directory
        self.tool = tool if tool is not None else tool_identity()

    # -- plan results -------------------------------------------------------------------

    def get(self, data: bytes, path: str, info: ModuleInfo, fingerprint: str) -> FileOutcome | None:
        entry = self._load(self._key("outcome", data, path, info, fingerprint))
        if entry is None:
            return None
        try:
            fields = {name: _decode(value) for name, value in entry.items()}
            outcome = FileOutcome(**fields, cached=True)
        except (TypeError, KeyError, ValueError):
            return None  # an entry this version cannot read is a miss
        return outcome

    def put(self, data: bytes, path: str, info: ModuleInfo, fingerprint: str, outcome: FileOutcome) -> None:
        fields = {f.name: _encode(getattr(outcome, f.name)) for f in dataclasses.fields(outcome) if f.name != "cached"}
        self._store(self._key("outcome", data, path, info, fingerprint), fields)

    # -- ast scans (the repository index reads them while preparing) --------------------

    def get_scan(
        self, data: bytes, path: str, info: ModuleInfo | None, *, expressions: bool = True, kind: str | None = None
    ) -> FileScan | None:
        """`kind` names scans made another way than the index's (audit's statement scans with byte markers)."""
        entry = self._load(self._key(kind or ("scan" if expressions else "imports"), data, path, info, ""))
        try:
            scan = _decode(entry) if entry is not None else None
        except (TypeError, KeyError, ValueError):
            return None
        return scan if isinstance(scan, FileScan) and scan.expressions == expressions else None

    def put_scan(self, data: bytes, path: str, info: ModuleInfo | None, scan: FileScan, *, kind: str | None = None) -> None:
        self._store(self._key(kind or ("scan" if scan.expressions else "imports"), data, path, info, ""), _encode(scan))

    # -- records of repository-wide results (`recall`) --------------------------------------

    def record_key(self, topic: str, identity: Any) -> str:
        """One record per topic, project and identity: a newer result replaces the older one."""
        header = json.dumps(["record", topic, self.tool, identity], sort_keys=True).encode()
        return hashlib.sha256(header).hexdigest()

    def load_record(self, key: str) -> dict | None:
        record = self._load(key)
        return record if isinstance(record, dict) else None

    def store_record(self, key: str, record: dict) -> None:
        self._store(key, record)

    # -- storage --------------------------------------------------------------------------

    def _key(self, kind: str, data: bytes, path: str, info: ModuleInfo | None, fingerprint: str) -> str:
        module = (info.name, info.package, info.is_package) if info is not None else None
        header = json.dumps([kind, self.tool, fingerprint, path, module]).encode()
        return hashlib.sha256(header + b"\0" + data).hexdigest()

    @cached_property
    def _version_dir(self) -> str:
        return str(self.directory / f"v{FORMAT}" / identity_folder(self.tool))

    # -- upkeep ------------------------------------------------------------------------------

    def maintain(self, now: float | None = None) -> None:
        """Once per run: mark this tool's entries as in use (one `utime` of their folder) and, at most once per
        `PRUNE_INTERVAL`, prune. Any error (a read-only cache, a folder removed meanwhile) is ignored: upkeep costs
        a run nothing but its time."""
        now = time.time() if now is None else now
        try:
            os.utime(self._version_dir, (now, now))
        except OSError:
            pass
        stamp = self.directory / PRUNE_STAMP
        try:
            if 0 <= now - stamp.stat().st_mtime < PRUNE_INTERVAL:  # a stamp from the future (clock skew) is no stamp
                return
        except OSError:
            pass
        if not self.adopt():
            return
        try:
            stamp.touch()
            os.utime(stamp, (now, now))
        except OSError:
            return
        self._prune(now)

    def adopt(self) -> bool:
        """Whether the folder is ssot-migrate's cache, so that upkeep may delete in it: it holds the `CACHEDIR.TAG`
        ssot-migrate writes (to the byte), or it is missing or empty, or everything in it, at every level, is a name
        the cache writes (a cache of an earlier version, untagged): then the tag is written. A `--cache-dir` that
        holds anything else (another tool's tag, a file of the user's, a symlink) is never pruned or cleared."""
        tag = self.directory / CACHEDIR_TAG
        try:
            if tag.read_bytes() == _TAG_TEXT.encode():
                return True
        except OSError:
            pass
        if not _holds_only_cache_files(self.directory):
            return False
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            _write_atomically(str(tag), str(self.directory), _TAG_TEXT.encode())
        except OSError:
            return False
        return True

    def prune(self, now: float | None = None) -> Usage:
        """Delete what no run needs: the folders of other cache formats and of other tool identities that no run
        used for `IDENTITY_DAYS`, this identity's entries written more than `ENTRY_DAYS` ago (plus up to
        `SPREAD_DAYS`, by shard, so a cache written in one run does not go cold in one day; a run that needs an
        entry writes it again) and temporary files older than a day. Only real folders and files with the names the
        cache writes are touched (never through a symlink), and only in a folder `adopt` accepts. Returns what was
        removed."""
        return self._prune(time.time() if now is None else now) if self.adopt() else Usage()

    def _prune(self, now: float) -> Usage:
        removed = Usage()
        unused = now - IDENTITY_DAYS * DAY
        current = f"v{FORMAT}"
        mine = identity_folder(self.tool)
        for name, folder in _subfolders(self.directory, _FORMAT_FOLDER):
            if name != current and _last_used(folder) < unused:
                removed += _remove_tree(folder)
        for name, folder in _subfolders(self.directory / current, _IDENTITY_FOLDER):
            if name == mine:
                removed += _remove_entries(folder, entries_before=now - ENTRY_DAYS * DAY, temporary_before=now - DAY,
                                           spread=SPREAD_DAYS * DAY)
            elif _last_used(folder) < unused:
                removed += _remove_tree(folder)
        for name in _listdir(self.directory):  # a tag write killed before its rename
            if _TEMPORARY_FILE.fullmatch(name):
                removed += _remove_file(self.directory / name, before=now - DAY)
        return removed

    def clear(self) -> Usage:
        """Delete every entry of every format and tool identity (the folder, its tag and `last-prune` stay);
        nothing in a folder `adopt` refuses."""
        removed = Usage()
        if not self.adopt():
            return removed
        for _, folder in _subfolders(self.directory, _FORMAT_FOLDER):
            removed += _remove_tree(folder)
        return removed

    def usage(self) -> tuple[Usage, Usage]:
        """(this tool's entries, every entry): counts and bytes."""
        mine, every = Usage(), Usage()
        for _, format_folder in _subfolders(self.directory, _FORMAT_FOLDER):
            for folder in _identity_folders(format_folder):
                found = _entries_usage(folder)
                every += found
                if folder == Path(self._version_dir):
                    mine += found
        return mine, every

    def _file(self, key: str) -> str:
        # Plain string paths: pathlib's per-call overhead shows on a warm audit's 3,000 reads.
        return os.path.join(self._version_dir, key[:2], key + ".json")

    def _load(self, key: str) -> Any:
        try:
            with open(self._file(key), "rb") as stream:
                data = stream.read()
        except OSError:
            return None
        # Parts of an entry are decoded only when a check reads them (`_LAZY_FIELDS`), too late to call a damaged
        # entry a miss: the checksum makes any damage a miss here, before anything is decoded.
        checksum, _, body = data.partition(b"\n")
        if checksum != b"%08x" % zlib.crc32(body):
            return None
        try:
            return json.loads(body)
        except ValueError:
            return None

    def _store(self, key: str, value: Any) -> None:
        body = json.dumps(value, separators=(",", ":")).encode()
        target = self._file(key)
        folder = os.path.dirname(target)
        try:
            if folder not in self._folders:
                os.makedirs(folder, exist_ok=True)
                self._folders.add(folder)
            _write_atomically(target, folder, b"%08x\n" % zlib.crc32(body) + body)
        except FileNotFoundError:
            self._folders.discard(folder)  # the folder was removed during the run: the next entry makes it again
        except OSError:
            pass  # a read-only or full cache folder costs speed, never the run

    def __getstate__(self) -> dict[str, Any]:
        # Sent to pool workers, which store their own results: each checks the folders it writes to once.
        state = dict(self.__dict__)
        state["_folders"] = set()
        return state

    @cached_property
    def _folders(self) -> set[str]:
        """The entry folders this process made or found (one `makedirs` per folder, not per entry)."""
        return set()


DAY = 24 * 3600.0
PRUNE_INTERVAL = DAY  # seconds between two prunes of one cache folder
IDENTITY_DAYS = 7  # another tool identity's (or cache format's) entries go after a week with no run of it
ENTRY_DAYS = 30  # an entry of this tool written a month ago goes; a run that still needs it writes it again
SPREAD_DAYS = 10  # ...a month and 0-10 days, by shard: entries written in one run expire over ten days
PRUNE_STAMP = "last-prune"
CACHEDIR_TAG = "CACHEDIR.TAG"
# https://bford.info/cachedir/: backup tools skip a folder holding this file.
_TAG_TEXT = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by ssot-migrate.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)
_FORMAT_FOLDER = re.compile(r"v[0-9]+")
_IDENTITY_FOLDER = re.compile(r"[0-9a-f]{16}")
_SHARD_FOLDER = re.compile(r"[0-9a-f]{2}")
_HEX_FOLDER = re.compile(r"[0-9a-f]+")  # a shard or identity folder
_ENTRY_FILE = re.compile(r"[0-9a-f]{64}\.json")
# `.tmp-<pid>-<n>.json`, and the random names of `tempfile.mkstemp` that earlier versions used.
_TEMPORARY_FILE = re.compile(r"\.tmp-[A-Za-z0-9_-]+\.json")


def identity_folder(tool: str) -> str:
    """The folder of one tool identity's entries (format 4): a digest, since an identity holds `+` and dots."""
    return hashlib.sha256(tool.encode()).hexdigest()[:16]


@dataclasses.dataclass
class Usage:
    """Entries (and temporary files) and their bytes: what a folder holds, or what pruning removed."""

    entries: int = 0
    bytes: int = 0

    def __iadd__(self, other: Usage) -> Usage:
        self.entries += other.entries
        self.bytes += other.bytes
        return self


def _listdir(folder: Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def _subfolders(folder: Path, pattern: re.Pattern[str]) -> list[tuple[str, Path]]:
    """The real folders (never a symlink) in `folder` whose names match `pattern`."""
    found = []
    try:
        with os.scandir(folder) as items:
            for item in items:
                if pattern.fullmatch(item.name) and item.is_dir(follow_symlinks=False):
                    found.append((item.name, folder / item.name))
    except OSError:
        return []
    return sorted(found)


# What each level of a cache folder may hold: (folder name -> its level, file names). Formats 1-3 put the shards right
# under the format folder, format 4 under an identity folder.
_CacheLevel = tuple[tuple[tuple[re.Pattern[str], "_CacheLevel"], ...], tuple[re.Pattern[str], ...]]
_SHARD_LEVEL: _CacheLevel = ((), (_ENTRY_FILE, _TEMPORARY_FILE))
_IDENTITY_LEVEL: _CacheLevel = (((_SHARD_FOLDER, _SHARD_LEVEL),), ())
_FORMAT_LEVEL: _CacheLevel = (((_SHARD_FOLDER, _SHARD_LEVEL), (_IDENTITY_FOLDER, _IDENTITY_LEVEL)), ())
_TOP_LEVEL: _CacheLevel = (((_FORMAT_FOLDER, _FORMAT_LEVEL),), (re.compile(re.escape(PRUNE_STAMP)), _TEMPORARY_FILE))


def _holds_only_cache_files(directory: Path, level: _CacheLevel = _TOP_LEVEL) -> bool:
    """Whether `directory` is missing (at the top), empty, or holds nothing but what the cache writes, at every
    level: format, identity and shard folders, entry and temporary files, `last-prune` (no symlink anywhere)."""
    try:
        with os.scandir(directory) as found:
            items = list(found)
    except FileNotFoundError:
        return level is _TOP_LEVEL
    except OSError:
        return False
    folders, files = level
    for item in items:
        if item.is_symlink():
            return False
        if item.is_dir(follow_symlinks=False):
            inner = next((sub for pattern, sub in folders if pattern.fullmatch(item.name)), None)
            if inner is None or not _holds_only_cache_files(Path(item.path), inner):
                return False
        elif not any(pattern.fullmatch(item.name) for pattern in files):
            return False
    return True


def _last_used(folder: Path) -> float:
    """When a format or identity folder was last used: the newest time of it and of its subfolders (a run marks
    its identity folder; writing an entry changes its shard's time)."""
    return max([_mtime(folder), *(_mtime(sub) for _, sub in _subfolders(folder, _HEX_FOLDER))])


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return float("inf")  # gone, or unreadable: never "old"


def _identity_folders(format_folder: Path) -> list[Path]:
    """Where a format's entries are: its identity folders (format 4), or the format folder itself (formats 1-3 put
    the shards right under it)."""
    return [format_folder, *(folder for _, folder in _subfolders(format_folder, _IDENTITY_FOLDER))]


def _files(folder: Path) -> Iterator[tuple[os.DirEntry[str], bool]]:
    """The entry and temporary files in the shards of one identity folder (or of a format 1-3 folder), with whether
    each is an entry. Symlinks are never followed: a shard that is a symlink is skipped."""
    for _, shard in _subfolders(folder, _SHARD_FOLDER):
        try:
            with os.scandir(shard) as found:
                for item in found:
                    if _ENTRY_FILE.fullmatch(item.name):
                        yield item, True
                    elif _TEMPORARY_FILE.fullmatch(item.name):
                        yield item, False
        except OSError:
            continue


def _entries_usage(folder: Path) -> Usage:
    usage = Usage()
    for item, _ in _files(folder):
        try:
            usage.bytes += item.stat(follow_symlinks=False).st_size
        except OSError:
            continue
        usage.entries += 1
    return usage


def _remove_entries(folder: Path, *, entries_before: float, temporary_before: float, spread: float = 0.0) -> Usage:
    removed = Usage()
    for item, entry in _files(folder):
        limit = entries_before - spread * int(item.name[:2], 16) / 255 if entry else temporary_before
        try:
            stat = item.stat(follow_symlinks=False)
            if stat.st_mtime < limit:
                os.unlink(item.path)  # a symlink named like an entry is itself removed, never what it points to
                removed += Usage(1, stat.st_size)
        except OSError:
            continue
    return removed


def _remove_file(path: Path, *, before: float) -> Usage:
    try:
        stat = path.lstat()
        if stat.st_mtime < before:
            path.unlink()
            return Usage(1, stat.st_size)
    except OSError:
        pass
    return Usage()


def _remove_tree(folder: Path) -> Usage:
    """A format or identity folder: its cache files, then the folders they leave empty. A file the cache does not
    write stays, and so does its folder."""
    removed = Usage()
    for identity in _identity_folders(folder):
        removed += _remove_entries(identity, entries_before=float("inf"), temporary_before=float("inf"))
        for _, shard in _subfolders(identity, _SHARD_FOLDER):
            _rmdir(shard)
        if identity != folder:
            _rmdir(identity)
    _rmdir(folder)
    return removed


def _rmdir(folder: Path) -> None:
    try:
        os.rmdir(folder)
    except OSError:
        pass  # not empty (a file that is not ours, or an entry a concurrent run just wrote), or already gone


# Temporary names unique to a process (its id and a counter): creating them with O_EXCL needs no random name and
# no retry loop (`tempfile.mkstemp`'s), and a leftover of a killed process with the same id is skipped.
_TEMPORARY = itertools.count()
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)


def _write_atomically(target: str, folder: str, data: bytes) -> None:
    """`data` into `target`, renamed into place from a temporary file: a reader sees the old entry or the new one,
    never part of one (a run killed mid-write leaves only a `.tmp-*` file, which no key names)."""
    for _attempt in range(100):
        temporary = os.path.join(folder, f".tmp-{os.getpid()}-{next(_TEMPORARY)}.json")
        try:
            handle = os.open(temporary, _CREATE, 0o600)  # as tempfile made them
        except FileExistsError:
            continue
        break
    else:
        raise FileExistsError(temporary)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, target)  # atomic: readers see the old entry or the new one
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


@lru_cache(maxsize=1)
def tool_identity() -> str:
    """The tool's version plus what else decides its output: Python (the `ast` grammar), libcst,
    and the package's own files (an editable install changes without a version bump)."""
    libcst_version = _libcst_version()
    digest = hashlib.sha256()
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        stat = source.stat()
        digest.update(f"{source.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    python = ".".join(map(str, sys.version_info[:2]))
    return f"{__version__}+py{python}+libcst{libcst_version}+{digest.hexdigest()[:16]}"


def encode_value(value: Any) -> Any:
    """`value` as JSON data in one canonical form (sets sorted): what a digest of it hashes."""
    return _encode(value, canonical=True)


def _libcst_version() -> str:
    """libcst's version, read from its generated `_version.py` without importing libcst (importing
    `libcst._version` runs the package's `__init__`, which imports all of libcst: a `check` of files that
    need no parsing must not pay for that), nor importlib.metadata (a start-up cost)."""
    import importlib.machinery

    spec = importlib.machinery.PathFinder.find_spec("libcst")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        try:
            text = Path(folder, "_version.py").read_text(encoding="utf-8")
        except OSError:
            continue
        found = _VERSION_LINE.search(text)
        if found:
            return found.group(1)
    from importlib.metadata import PackageNotFoundError, version  # a libcst without the generated module

    try:
        return version("libcst")
    except PackageNotFoundError:
        return "?"


# `__version__ = version = '1.9.0'` (setuptools-scm, vcs-versioning) or `__version__ = "1.9.0"`.
_VERSION_LINE = re.compile(r"""^__version__\s*=\s*(?:version\s*=\s*)?['"]([^'"]+)['"]""", re.M)


_SCALARS = (str, int, float, bool, type(None))


def _encode(value: Any, canonical: bool = False, nested: bool = False) -> Any:
    # Exact type checks first: a scan holds thousands of strings and small dataclasses. A dataclass is
    # {"@Name": [its field values in order]}: no field names, a third of an entry's bytes and of its decoding.
    # A field decoded lazily is stored as the JSON text of its value (unless `canonical`, or already inside such
    # a text): the entry's parser skips over a string much faster than it builds the lists and dicts inside.
    kind = type(value)
    if kind in _SCALARS:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is not None:
        later = () if canonical or nested else _LAZY_NAMES.get(kind, ())
        values = []
        for name in names:
            field_value = getattr(value, name)
            if type(field_value) in _SCALARS:
                values.append(field_value)
            elif name in later and field_value:
                values.append(json.dumps(_encode(field_value, nested=True), separators=(",", ":")))
            else:
                values.append(_encode(field_value, canonical, nested))
        return {_TAGS[kind]: values}
    if kind is tuple or kind is list:
        return [v if type(v) in _SCALARS else _encode(v, canonical, nested) for v in value]
    if kind is frozenset or kind is set:
        items = [v if type(v) in _SCALARS else _encode(v, canonical, nested) for v in value]
        if canonical:
            if all(type(item) is str for item in items):
                items.sort()
            else:
                items.sort(key=lambda item: json.dumps(item, sort_keys=True))
        return {"@set": items}
    if kind is bytes:
        return {"@bytes": base64.b64encode(value).decode("ascii")}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        raise TypeError(f"cannot cache a {kind.__name__}")
    if isinstance(value, _SCALARS):  # a subclass (an IntEnum, say)
        return value
    if isinstance(value, (tuple, list)):
        return [_encode(v, canonical) for v in value]
    raise TypeError(f"cannot cache a {kind.__name__}")


def _decode(value: Any) -> Any:
    # Exact type checks and no call for a scalar: a warm audit decodes thousands of entries.
    kind = type(value)
    if kind is list:
        return tuple([v if (t := type(v)) is not list and t is not dict else _decode(v) for v in value])
    if kind is dict:
        if len(value) != 1:
            raise KeyError(f"an entry with keys {sorted(value)}")
        [(tag, body)] = value.items()
        if tag == "@set":
            return frozenset([v if (t := type(v)) is not list and t is not dict else _decode(v) for v in body])
        if tag == "@bytes":
            return base64.b64decode(body)
        cls = _BY_TAG.get(tag)
        if cls is None or type(body) is not list:
            raise KeyError(f"an entry of unknown type {tag!r}")
        names = _FIELD_NAMES[cls]
        if len(body) != len(names):
            raise KeyError(f"{cls.__name__} entry with {len(body)} fields, not {len(names)}")
        lazy = _LAZY.get(cls)
        if lazy is None:
            # An empty list (most of a definition's tuple fields) is the empty tuple without a call.
            values = dict(zip(names, [
                v if (t := type(v)) is not list and t is not dict else _decode(v) if v or t is dict else ()
                for v in body
            ]))
        else:
            cls, later = lazy
            values = {}
            for name, v in zip(names, body):
                t = type(v)
                if name in later and (t is str or t is dict or (t is list and v)):
                    values["_raw_" + name] = v
                elif t is not list and t is not dict:
                    values[name] = v
                else:
                    values[name] = _decode(v) if v or t is dict else ()
        # Exactly the dataclass's fields (checked above) and none has a __post_init__: setting __dict__ skips
        # the frozen dataclass's per-field object.__setattr__, a third of the decoding.
        instance = object.__new__(cls)
        object.__setattr__(instance, "__dict__", values)
        return instance
    return value
