"""Which files a run looks at: `git ls-files` (or a pruned walk), narrowed by paths and excludes."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from .errors import UsageError
from .types import BytesFilter

if TYPE_CHECKING:
    import pathspec

PYTHON_SUFFIXES = (".py", ".pyi")
_PRUNED_DIRS = {"__pycache__", "node_modules", "site-packages", "build", "dist"}


@dataclass(frozen=True)
class Discovery:
    """Files of a project, as repo-relative `/` paths, sorted."""

    root: Path
    files: tuple[str, ...]
    is_git: bool
    # (mtime_ns, size, inode) of each file when it was listed, and the clock just before: what
    # `recall` compares to tell which files changed since a result was recorded.
    stats: Mapping[str, tuple[int, int, int]] = field(default_factory=dict, compare=False, repr=False)
    listed_at_ns: int = 0

    @property
    def python_files(self) -> tuple[str, ...]:
        return tuple(f for f in self.files if f.endswith(PYTHON_SUFFIXES))

    def narrowed(self, restrict: Sequence[str]) -> Discovery:
        """The files under `restrict` (root-relative files or folders, as `restrict_paths` gives them)."""
        prefixes = [p.strip("/") for p in restrict if p.strip("/") not in ("", ".")]
        if not prefixes:
            return self
        exact = set(prefixes)
        folders = tuple(p + "/" for p in prefixes)
        files = tuple(f for f in self.files if f in exact or f.startswith(folders))
        return Discovery(self.root, files, self.is_git, self.stats, self.listed_at_ns)


_GIT_LIST = ("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
# Listings started by `prefetch`, by resolved root: each is used by the next `discover` of that root.
_PENDING: dict[Path, subprocess.Popen[bytes]] = {}


def prefetch(root: Path) -> None:
    """Start listing `root`'s files now, for the next `discover(root)` to use.

    The CLI calls this as soon as it knows the project, so `git ls-files` (which walks
    the tree for untracked files) runs on another core while this process imports libcst.
    """
    root = root.resolve()
    if root in _PENDING:
        return
    try:
        _PENDING[root] = _start_listing(root)
    except OSError:
        pass


def _start_listing(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(_GIT_LIST, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)


def _git_files(root: Path) -> list[str] | None:
    try:
        process = _PENDING.pop(root, None) or _start_listing(root)
        output, _ = process.communicate()
    except OSError:
        return None
    if process.returncode != 0:
        return None
    return [p for p in output.decode("utf-8", "surrogateescape").split("\0") if p]


def _walk_files(root: Path) -> list[str]:
    found: list[str] = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        base = Path(folder)
        dirs[:] = sorted(
            d for d in dirs
            if not d.startswith(".") and d not in _PRUNED_DIRS and not (base / d / "pyvenv.cfg").exists()
        )
        for name in names:
            found.append((base / name).relative_to(root).as_posix())
    return found


_END = rb"(?![A-Za-z0-9_])"


def _word(word: str) -> bytes:
    """A regex for `word` as a whole word that starts with the word itself: the regex engine
    then jumps from one occurrence of the literal to the next instead of trying every byte."""
    escaped = re.escape(word.encode())
    return escaped + rb"(?<![A-Za-z0-9_]" + escaped + rb")" + _END


def word_filter(words: Iterable[str]) -> BytesFilter | None:
    """Bytes that contain any of `words` as a whole word."""
    return _word_filter(tuple(sorted({w for w in words if w})))


@lru_cache(maxsize=256)
def _word_filter(words: tuple[str, ...]) -> BytesFilter | None:
    if not words:
        return None
    return keyed_filter([(w, [re.compile(_word(w))]) for w in words])


# Bytes that can be part of a word (`[A-Za-z0-9_]`, what `_word`'s look-arounds test); every other byte
# becomes a space, so splitting the translated text gives the file's maximal runs of word bytes.
_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_TO_SPACE = bytes(c if c in _WORD_BYTES else 0x20 for c in range(256))
# Up to this many literals, `literal in data` for each is cheaper than listing the file's words once.
_FEW_LITERALS = 8


def words_in(data: bytes) -> set[bytes]:
    """The whole words of `data` (maximal runs of `[A-Za-z0-9_]`): one pass, whatever the number of
    words a filter looks for."""
    return set(data.translate(_TO_SPACE).split())


class KeyedFilter(BytesFilter):
    """A `BytesFilter` whose patterns are keyed by a word each of their matches holds as a whole word.

    With many words (a package move has hundreds of re-exported names), a file is searched once: its
    whole words are listed (`words_in`) and only the patterns of the words it holds are tried, so the
    cost follows the file's size, not its size times the number of words. A word that is not made of
    `[A-Za-z0-9_]` bytes only (a non-ASCII identifier) is looked for as a literal.
    """

    def __init__(self, keyed: dict[bytes, tuple[re.Pattern[bytes], ...]], loose: tuple[tuple[bytes, tuple[re.Pattern[bytes], ...]], ...]) -> None:
        literals = tuple(keyed) + tuple(word for word, _ in loose)
        patterns = tuple(p for group in keyed.values() for p in group) + tuple(p for _, group in loose for p in group)
        super().__init__(literals, patterns)
        object.__setattr__(self, "_keyed", keyed)
        object.__setattr__(self, "_loose", loose)

    def search(self, data: bytes) -> bool:
        keyed: dict[bytes, tuple[re.Pattern[bytes], ...]] = self._keyed  # type: ignore[attr-defined]
        loose: tuple[tuple[bytes, tuple[re.Pattern[bytes], ...]], ...] = self._loose  # type: ignore[attr-defined]
        if len(self.literals) <= _FEW_LITERALS:
            return super().search(data)
        if keyed:
            present = keyed.keys() & words_in(data)
            if any(p.search(data) for word in sorted(present) for p in keyed[word]):
                return True
        return any(word in data and any(p.search(data) for p in group) for word, group in loose)


def keyed_filter(groups: Iterable[tuple[str, Iterable[re.Pattern[bytes]]]]) -> KeyedFilter:
    """A filter from (word, patterns every match of which holds `word` as a whole word) pairs."""
    keyed: dict[bytes, tuple[re.Pattern[bytes], ...]] = {}
    loose: list[tuple[bytes, tuple[re.Pattern[bytes], ...]]] = []
    for word, patterns in groups:
        encoded = word.encode()
        group = tuple(patterns)
        if encoded and all(c in _WORD_BYTES for c in encoded):
            keyed[encoded] = keyed.get(encoded, ()) + group
        else:
            loose.append((encoded, group))
    return KeyedFilter(keyed, tuple(loose))


def word_pattern(words: Iterable[str]) -> re.Pattern[bytes] | None:
    """Bytes that contain any of `words` as a whole word."""
    unique = sorted({w for w in words if w})
    if not unique:
        return None
    return re.compile(b"|".join(b"(?:" + _word(w) + b")" for w in unique))


_COMMENT = rb"#[^\n]*(?![^\n])"


def import_fragments(name: str) -> list[bytes]:
    """Regexes for the fragments through which a file can import something called `name`:
    `.name`/`:name` (a dotted path, a relative import, an attribute chain, a `module:attr`
    string), `name` in the list of an `import` statement (one line, continued lines or
    parentheses), or `"name"` (an attribute named by a string: `getattr(module, "name")`). They
    start with a literal or a character class, for speed, and may let in a little more than
    they must (an identifier ending in `import`), never less."""
    word = re.escape(name.encode())
    return [
        word + rb"(?<=[.:]" + word + rb")" + _END,
        # `a.\` continued, or `(a\n .name)`: rare, so tried second.
        rb"\.[\s\\]+" + word + _END,
        # `name` as an item of the list (not the target of an `as`): right after `import`,
        # a comma or the opening parenthesis, maybe past comments. A comment runs to the end of
        # its line (`_COMMENT`): were it allowed to stop anywhere, every commented line of a long
        # parenthesized list would multiply the ways to match (catastrophic backtracking).
        rb"import(?:(?:[^\n;#()\\]|\\\r?\n)*?,|[ \t]*\((?:(?:[^)#]|" + _COMMENT + rb")*?,)?)?(?:[\s\\]|"
        + _COMMENT + rb")*" + _word(name),
        # `"name"` as a string: `hasattr(pkg, "name")`, `patch.object(pkg, "name")` reach it as an attribute.
        rb"[\"']" + word + rb"[\"']",
    ]


def import_filter(names: Iterable[str]) -> BytesFilter | None:
    """Bytes that can import something called one of `names` (see `import_fragments`)."""
    return _import_filter(tuple(sorted({n for n in names if n})))


@lru_cache(maxsize=256)
def _import_filter(unique: tuple[str, ...]) -> BytesFilter | None:
    if not unique:
        return None
    return keyed_filter([(name, [re.compile(fragment) for fragment in import_fragments(name)]) for name in unique])


def compile_patterns(patterns: Iterable[str]) -> pathspec.PathSpec | None:
    lines = [p for p in patterns if p.strip()]
    if not lines:
        return None
    import pathspec  # only a project or spec with patterns pays for it

    return pathspec.GitIgnoreSpec.from_lines(lines)


def discover(
    root: Path,
    *,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> Discovery:
    """Every regular file under `root` that git does not ignore (symlinks are never followed).

    `include`/`exclude` are gitignore-style patterns from the spec and config; command-line
    paths narrow the result afterwards (`Discovery.narrowed`).
    """
    root = root.resolve()
    listed_at_ns = time.time_ns()
    listed = _git_files(root)
    is_git = listed is not None
    candidates = listed if listed is not None else _walk_files(root)
    include_spec = compile_patterns(include)
    exclude_spec = compile_patterns(exclude)
    if include_spec is not None or exclude_spec is not None:
        candidates = [
            path for path in candidates
            if (include_spec is None or include_spec.match_file(path))
            and (exclude_spec is None or not exclude_spec.match_file(path))
        ]
    files: set[str] = set()
    stats: dict[str, tuple[int, int, int]] = {}
    base = os.path.join(root, "")
    lstat, is_regular = os.lstat, stat.S_ISREG
    for path in candidates:
        try:
            info = lstat(base + path)  # one call; a symlink is never followed
        except OSError:
            continue
        if is_regular(info.st_mode):
            files.add(path)
            stats[path] = (info.st_mtime_ns, info.st_size, info.st_ino)
    return Discovery(root=root, files=tuple(sorted(files)), is_git=is_git, stats=stats, listed_at_ns=listed_at_ns)


def restrict_paths(root: Path, paths: Sequence[Path]) -> tuple[str, ...]:
    """Command-line paths as root-relative prefixes; a path outside the root is a usage error."""
    resolved_root = root.resolve()
    out = []
    for path in paths:
        full = path.resolve()
        try:
            relative = full.relative_to(resolved_root)
        except ValueError:
            raise UsageError(f"{path}: outside the project root {resolved_root}") from None
        if not full.exists():
            raise UsageError(f"{path}: no such file or folder")
        out.append(relative.as_posix())
    return tuple(out)


def inside_root(root: Path, path: str) -> bool:
    """True when `root/path` resolves (through any symlinked folder) to a place inside `root`."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(root / path)
    return real == real_root or real.startswith(real_root + os.sep)
