"""The journal of an `apply --in-place` write: before the first file is replaced it names every file with
its old and new content hashes and keeps both versions, so an interrupted write (even by SIGKILL) is
completed or rolled back later (`ssot-migrate recover`), never left half done."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Mapping, Sequence

from .errors import TargetError
from .plan import FileEdit, sha256_hex

JOURNAL_PREFIX = "ssot-migrate-journal-"
JOURNAL_FILE = "journal.json"
TEMP_SUFFIX = ".ssot-tmp"
Direction = Literal["complete", "rollback"]


@dataclass(frozen=True)
class JournalEntry:
    path: str
    old_sha256: str
    new_sha256: str
    mode: int


@dataclass(frozen=True)
class Recovery:
    """What `recover` did: files it wrote, files already in the wanted state, files it left alone."""

    direction: Direction
    journal: Path
    changed: tuple[str, ...]
    already: tuple[str, ...]
    conflicts: tuple[str, ...]
    temporary_files: tuple[str, ...]


def journal_folder(root: Path) -> Path:
    """Where the journal of the project at `root` lives: the repository's git dir, else the user cache."""
    from .git import Repository

    try:
        common: Path | None = Repository(root).common_dir
    except TargetError:
        common = None
    return _journal_in(common, root)


def _journal_in(common: Path | None, root: Path) -> Path:
    """The journal folder of `root` under the git dir `common`, or in the user cache when there is no repository."""
    if common is None:
        from .cache import default_cache_dir

        common = default_cache_dir() / "journals"
    return common / f"{JOURNAL_PREFIX}{hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]}"


def _git_common_dir(root: Path) -> Path | None:
    """The common git dir of the repository holding `root`, read from the files alone (no git, no GitPython:
    `check` calls this on every commit); None outside a repository."""
    for folder in (root, *root.parents):
        dot = folder / ".git"
        if dot.is_dir():
            return dot.resolve()
        if dot.is_file():  # a linked worktree or a submodule: "gitdir: <path>", whose commondir names the shared one
            text = dot.read_text(encoding="utf-8", errors="replace").strip()
            if not text.startswith("gitdir:"):
                return None
            gitdir = (folder / text[len("gitdir:"):].strip()).resolve()
            common = gitdir / "commondir"
            return (gitdir / common.read_text(encoding="utf-8").strip()).resolve() if common.is_file() else gitdir
    return None


def pending(root: Path) -> Journal | None:
    """The unfinished journal of the project at `root`, looked up cheaply: git and GitPython start only when the
    journal file exists where `journal_folder` would put it."""
    if not (_journal_in(_git_common_dir(root.resolve()), root) / JOURNAL_FILE).is_file():
        return None
    return Journal.find(root)


def gate_pid_file(root: Path) -> Path:
    """Where an in-place run names its running test suite (the next run ends it if it was orphaned)."""
    folder = journal_folder(root)
    return folder.with_name(f"{folder.name}.gate.pid")


def unfinished_message(journal: Journal) -> str:
    return (
        f"an interrupted `apply --in-place` left {len(journal.entries)} file(s) half written in {journal.root} "
        f"(journal: {journal.folder}); run `ssot-migrate recover --complete` to finish the write or "
        "`ssot-migrate recover --rollback` to undo it"
    )


class Journal:
    """One in-place write: `begin` before the first replace, `finish` when the tree is final."""

    def __init__(self, folder: Path, root: Path, entries: Sequence[JournalEntry]) -> None:
        self.folder = folder
        self.root = root
        self.entries = tuple(entries)

    @classmethod
    def find(cls, root: Path) -> Journal | None:
        folder = journal_folder(root)
        try:
            data = json.loads((folder / JOURNAL_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise TargetError(f"{folder / JOURNAL_FILE}: unreadable journal of an interrupted write ({exc}); "
                              "compare the files it names by hand, then delete the folder") from None
        entries = [JournalEntry(e["path"], e["old_sha256"], e["new_sha256"], e["mode"]) for e in data["files"]]
        return cls(folder, Path(data["root"]), entries)

    @classmethod
    def begin(cls, root: Path, files: Sequence[FileEdit], originals: Mapping[str, bytes]) -> Journal:
        """Write the journal (both versions of every file), complete and synced, before anything is replaced."""
        folder = journal_folder(root)
        existing = cls.find(root)
        if existing is not None:
            raise TargetError(unfinished_message(existing))
        # A journal that never got its journal.json, or one half removed: nothing is pending in either.
        for leftover in (folder, *folder.parent.glob(f"{folder.name}.*.staging"),
                         *folder.parent.glob(f"{folder.name}.*.done")):
            shutil.rmtree(leftover, ignore_errors=True)
        staging = folder.with_name(f"{folder.name}.{os.getpid()}.staging")
        (staging / "old").mkdir(parents=True, exist_ok=True)
        (staging / "new").mkdir(exist_ok=True)
        entries = []
        for index, edit in enumerate(files):
            original = originals[edit.path]
            _write_synced(staging / "old" / str(index), original)
            _write_synced(staging / "new" / str(index), edit.new_bytes)
            mode = (root / edit.path).stat().st_mode & 0o7777
            entries.append(JournalEntry(edit.path, sha256_hex(original), sha256_hex(edit.new_bytes), mode))
        data = {"root": str(root), "pid": os.getpid(),
                "files": [{"path": e.path, "old_sha256": e.old_sha256, "new_sha256": e.new_sha256, "mode": e.mode}
                          for e in entries]}
        _write_synced(staging / JOURNAL_FILE, json.dumps(data, indent=1).encode())
        os.replace(staging, folder)
        _sync_folder(folder.parent)
        return cls(folder, root, entries)

    def finish(self) -> None:
        """The tree is final: the journal goes (renamed first, so a kill mid-removal leaves no journal)."""
        gone = self.folder.with_name(f"{self.folder.name}.{os.getpid()}.done")
        try:
            os.replace(self.folder, gone)
        except FileNotFoundError:
            return
        _sync_folder(self.folder.parent)
        shutil.rmtree(gone, ignore_errors=True)

    def recover(self, direction: Direction) -> Recovery:
        """Bring every file to its new (complete) or old (rollback) content; a file that is neither is left alone."""
        from .write import replace_file

        changed, already, conflicts = [], [], []
        for index, entry in enumerate(self.entries):
            target = self.root / entry.path
            wanted_sha, other_sha = ((entry.new_sha256, entry.old_sha256) if direction == "complete"
                                     else (entry.old_sha256, entry.new_sha256))
            try:
                current = sha256_hex(target.read_bytes())
            except FileNotFoundError:
                current = None
            if current == wanted_sha:
                already.append(entry.path)
            elif current == other_sha:
                data = (self.folder / ("new" if direction == "complete" else "old") / str(index)).read_bytes()
                replace_file(target, data, entry.mode)
                changed.append(entry.path)
            else:
                conflicts.append(entry.path)
        temporary = self.remove_temporary_files()
        return Recovery(direction, self.folder, tuple(changed), tuple(already), tuple(conflicts), tuple(temporary))

    def remove_temporary_files(self) -> list[str]:
        """The `.NAME.XXXX.ssot-tmp` files a killed replace left next to the journaled files."""
        removed = []
        for entry in self.entries:
            target = self.root / entry.path
            try:
                names = os.listdir(target.parent)
            except OSError:
                continue
            for name in names:
                if name.startswith(f".{target.name}.") and name.endswith(TEMP_SUFFIX):
                    try:
                        os.unlink(target.parent / name)
                        removed.append((Path(entry.path).parent / name).as_posix())
                    except OSError:
                        pass
        return removed


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
