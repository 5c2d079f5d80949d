"""Git for `apply --branch`: the repository lock, temporary worktrees, commits, the branch ref, push.

The user's checkout, index, stash and current branch are never touched: work happens in a
detached worktree, and the branch ref is written last, after the gate passed.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Mapping, Sequence

import git as gitpython
from git.exc import GitCommandError, InvalidGitRepositoryError, NoSuchPathError

from .errors import TargetError, UsageError
from .redaction import redact

TRAILER = "Ssot-Migrate"
DEFAULT_IDENTITY = "ssot-migrate <ssot-migrate@users.noreply.localhost>"
LOCK_FILE = "ssot-migrate.lock"
WORKTREE_REASON = "ssot-migrate apply"
TEMP_PREFIX = "ssot-migrate-"
# Refs that keep a run's commits alive (a `git gc --prune=now` mid-run must not lose them); removed after.
HOLD_PREFIX = "refs/ssot-migrate/"
# In every temporary folder of ours: which repository and which process it belongs to.
OWNER_FILE = "ssot-migrate-owner"
# The user's hooks (post-checkout, pre-commit, pre-push) are theirs, not the bot's: never run them.
_NO_HOOKS = ("-c", f"core.hooksPath={os.devnull}")
_IDENTITY = re.compile(r"^\s*(?P<name>[^<>]*?)\s*<(?P<email>[^<>\s]+)>\s*$")


class GitFailure(Exception):
    """A git command failed in a way the run reports (push rejected, remote unreachable)."""


@dataclass(frozen=True)
class ForeignCommit:
    sha: str
    author: str
    subject: str


@dataclass(frozen=True)
class WorktreeEntry:
    path: Path
    locked: str | None


class Repository:
    """The target's git repository, as `apply --branch` uses it."""

    def __init__(self, start: Path) -> None:
        try:
            self.repo = gitpython.Repo(start, search_parent_directories=True)
        except (InvalidGitRepositoryError, NoSuchPathError):
            raise TargetError(
                f"{start}: not a git repository (apply --branch and --baseline-ref need one; --in-place does not)"
            ) from None
        if self.repo.bare or self.repo.working_tree_dir is None:
            raise TargetError(f"{start}: a bare repository has no checkout to migrate")
        self.top = Path(self.repo.working_tree_dir).resolve()
        self.common_dir = Path(self.repo.common_dir).resolve()

    def git(self, *args: str, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> str:
        """Run git (hooks disabled) in the checkout or `cwd`; raise GitFailure with git's own message."""
        command = ["git", *_NO_HOOKS, "-C", str(cwd or self.top), *args]
        try:
            return self.repo.git.execute(command, env=dict(env) if env else None, strip_newline_in_stdout=False)
        except GitCommandError as exc:
            stderr = exc.stderr.strip() if isinstance(exc.stderr, str) else str(exc.stderr)
            stderr = re.sub(r"^stderr: '?", "", stderr).rstrip("'").strip()
            raise GitFailure(redact(f"git {_subcommand(args)}: {stderr or f'exit {exc.status}'}")) from None

    # -- reading -------------------------------------------------------------------------------

    def resolve_commit(self, ref: str, option: str = "--base") -> str:
        if ref.startswith("-"):
            raise UsageError(f"{option} {ref}: not a commit")
        try:
            return self.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip()
        except GitFailure:
            if ref == "HEAD":
                raise TargetError(f"{self.top}: the repository has no commits yet") from None
            raise UsageError(f"{option} {ref}: no such commit in {self.top}") from None

    def branch_tip(self, branch: str) -> str | None:
        try:
            return self.git("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}").strip() or None
        except GitFailure:
            return None

    def tree_of(self, commit: str) -> str:
        return self.git("rev-parse", f"{commit}^{{tree}}").strip()

    def is_dirty(self) -> bool:
        # --no-optional-locks: `status` must not even refresh the user's index.
        return bool(self.git("--no-optional-locks", "status", "--porcelain").strip())

    def branch_of(self, ref: str) -> str | None:
        """The branch a ref names (`HEAD` -> the current branch, `origin/main` -> `main`), or None."""
        try:
            full = self.git("rev-parse", "--symbolic-full-name", ref).strip() if not ref.startswith("-") else ""
        except GitFailure:
            return None
        if full.startswith("refs/heads/"):
            return full[len("refs/heads/"):]
        if full.startswith("refs/remotes/"):
            rest = full[len("refs/remotes/"):]
            for remote in sorted((r.name for r in self.repo.remotes), key=len, reverse=True):
                if rest.startswith(remote + "/"):
                    return rest[len(remote) + 1:]
        return None

    def checked_out_in(self, branch: str) -> Path | None:
        """The worktree (the user's checkout or another) that has `branch` checked out."""
        current = None
        for line in self.git("worktree", "list", "--porcelain").splitlines():
            if line.startswith("worktree "):
                current = Path(line[len("worktree "):])
            elif line == f"branch refs/heads/{branch}":
                return current
        return None

    def foreign_commits(self, tip: str, base: str) -> list[ForeignCommit]:
        """Commits on `tip` but not in `base` that lack the tool's trailer: someone else's work."""
        out = self.git(
            "log", "--no-show-signature", f"--format=%H%x1f%an <%ae>%x1f%s%x1f%(trailers:key={TRAILER},valueonly)%x1e",
            tip, "--not", base, "--",
        )
        foreign = []
        for record in out.split("\x1e"):
            fields = record.strip("\n").split("\x1f")
            if len(fields) == 4 and not fields[3].strip():
                foreign.append(ForeignCommit(fields[0], fields[1], fields[2]))
        return foreign

    def remote_url(self, remote: str) -> str:
        try:
            return self.git("remote", "get-url", remote).strip()
        except GitFailure:
            names = ", ".join(r.name for r in self.repo.remotes) or "none"
            raise UsageError(f"--remote {remote}: no such remote in {self.top} (remotes: {names})") from None

    def configured_remote_url(self, remote: str) -> str:
        """The URL as configured (before `insteadOf` rewriting): it names the forge repository."""
        try:
            return self.git("config", "--get", f"remote.{remote}.url").strip()
        except GitFailure:
            return self.remote_url(remote)

    def remote_tip(self, remote: str, branch: str) -> str | None:
        """The branch's commit on the remote, fetched so its history can be inspected (None: no such branch)."""
        out = self.git("ls-remote", "--heads", remote, f"refs/heads/{branch}")
        tip = next((line.split("\t")[0] for line in out.splitlines() if line.endswith(f"\trefs/heads/{branch}")), None)
        if tip is not None:
            self.git("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", remote, f"refs/heads/{branch}")
        return tip

    # -- writing (never the user's checkout) ------------------------------------------------------

    def commit(self, worktree: Path, paths: Sequence[str], message: str, identity: Mapping[str, str]) -> str:
        """Commit exactly `paths` (relative to `worktree`) on the worktree's detached HEAD."""
        self.git("add", "--", *paths, cwd=worktree)
        # In the worktree's own temporary folder: a killed run's successor removes it with the folder.
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False,
                                         dir=worktree.parent) as handle:
            handle.write(message)
        try:
            self.git("commit", "--quiet", "--no-verify", "--file", handle.name, cwd=worktree, env=identity)
        finally:
            os.unlink(handle.name)
        return self.git("rev-parse", "HEAD", cwd=worktree).strip()

    def checkout_detached(self, worktree: Path, commit: str) -> None:
        self.git("checkout", "--quiet", "--force", "--detach", commit, cwd=worktree)

    def update_branch(self, branch: str, new: str, old: str | None, reason: str) -> None:
        """Point the branch at `new`, only if it still is at `old` (or still absent)."""
        try:
            self.git("update-ref", "-m", reason, f"refs/heads/{branch}", new, old or "")
        except GitFailure as exc:
            raise TargetError(f"branch {branch} changed while ssot-migrate ran; nothing was updated ({exc})") from None

    def push(self, remote: str, branch: str, commit: str, expected: str | None) -> None:
        """Push `commit` to the remote branch; force-with-lease: only if the remote is still at `expected`."""
        self.git(
            "push", "--quiet", "--no-verify", f"--force-with-lease=refs/heads/{branch}:{expected or ''}",
            remote, f"{commit}:refs/heads/{branch}",
        )

    # -- identity ------------------------------------------------------------------------------------

    def commit_identity(self, author: str | None) -> dict[str, str]:
        """Environment for `git commit`: nothing when git knows who commits (config or GIT_* variables),
        else `--author`, else the tool's own identity."""
        fallback = parse_identity(author) if author else parse_identity(DEFAULT_IDENTITY)
        env: dict[str, str] = {}
        for role in ("AUTHOR", "COMMITTER"):
            try:
                self.git("-c", "user.useConfigOnly=true", "var", f"GIT_{role}_IDENT")
            except GitFailure:
                env[f"GIT_{role}_NAME"], env[f"GIT_{role}_EMAIL"] = fallback
        return env

    # -- lock and worktrees --------------------------------------------------------------------------

    @contextmanager
    def lock(self) -> Iterator[int | None]:
        """Hold the repository's apply lock; yields the pid of an earlier apply that died holding it."""
        with RepositoryLock(self.common_dir / LOCK_FILE) as stale:
            yield stale

    def worktrees(self) -> list[WorktreeEntry]:
        entries: list[WorktreeEntry] = []
        for block in self.git("worktree", "list", "--porcelain").split("\n\n"):
            path, locked = None, None
            for line in block.splitlines():
                if line.startswith("worktree "):
                    path = Path(line[len("worktree "):])
                elif line.startswith("locked"):
                    locked = line[len("locked"):].strip()
            if path is not None:
                entries.append(WorktreeEntry(path, locked))
        return entries

    def remove_leftover_worktrees(self) -> list[Path]:
        """Worktrees of applies that were killed (only callable under the lock: no apply is running)."""
        removed = []
        for entry in self.worktrees():
            if entry.locked and entry.locked.startswith(WORKTREE_REASON):
                self._remove_worktree(entry.path)
                removed.append(entry.path)
        return removed

    @contextmanager
    def holding(self, commits: Mapping[str, str]) -> Iterator[None]:
        """Keep `commits` (name -> sha) alive under `refs/ssot-migrate/<pid>/` while the block runs."""
        refs = [f"{HOLD_PREFIX}{os.getpid()}/{name}" for name in commits]
        try:
            for ref, commit in zip(refs, commits.values()):
                self.git("update-ref", "-m", "ssot-migrate: held while the run lasts", ref, commit)
            yield
        finally:
            with signals_deferred():
                for ref in refs:
                    try:
                        self.git("update-ref", "-d", ref)
                    except GitFailure:
                        pass

    def remove_leftover_holds(self) -> list[str]:
        """`refs/ssot-migrate/*` of applies that were killed, and their ref locks (only under the lock)."""
        for lock in (self.common_dir / HOLD_PREFIX).rglob("*.lock") if (self.common_dir / HOLD_PREFIX).is_dir() else ():
            lock.unlink(missing_ok=True)
        refs = self.git("for-each-ref", "--format=%(refname)", HOLD_PREFIX).split()
        for ref in refs:
            self.git("update-ref", "-d", ref)
        return refs

    def remove_stale_branch_lock(self, branch: str, older_than: float) -> Path | None:
        """`refs/heads/BRANCH.lock` that a killed apply left mid `update-ref` (only call it under the lock, when
        the previous apply died): git would refuse every later update of the branch."""
        lock = self.common_dir / "refs" / "heads" / f"{branch}.lock"
        try:
            if lock.stat().st_mtime > older_than:
                return None  # written after this run started: someone else's git is at work
        except OSError:
            return None
        lock.unlink(missing_ok=True)
        return lock

    def leftover_temp_folders(self) -> list[Path]:
        """Temporary folders of killed applies on this repository (only meaningful under the lock)."""
        found = []
        for holder in sorted(Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*")):
            try:
                owner = (holder / OWNER_FILE).read_text(encoding="utf-8").split("\n")[0]
            except OSError:
                continue
            if owner == str(self.common_dir):
                found.append(holder)
        return found

    def _temporary_folder(self) -> Path:
        holder = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX))
        (holder / OWNER_FILE).write_text(f"{self.common_dir}\n{os.getpid()}\n", encoding="utf-8")
        return holder

    @contextmanager
    def isolated_checkout(self, commit: str) -> Iterator[Path]:
        """A clone of the repository checked out at `commit`, sharing nothing writable with it: its own
        refs, stash, index and config, no remote; objects are read through `--shared` (alternates)."""
        holder = self._temporary_folder()
        path = holder / self.top.name
        try:
            self.git("clone", "--quiet", "--shared", "--no-checkout", "--", str(self.common_dir), str(path),
                     cwd=holder)
            self.git("remote", "remove", "origin", cwd=path)
            self.git("-c", "advice.detachedHead=false", "checkout", "--quiet", "--detach", commit, cwd=path)
            yield path
        finally:
            with signals_deferred():
                remove_owned_folder(holder)

    @contextmanager
    def temporary_worktree(self, commit: str) -> Iterator[Path]:
        """A detached worktree at `commit` in a fresh temporary folder, removed on every way out."""
        holder = self._temporary_folder()
        path = holder / self.top.name
        try:
            self.git("worktree", "add", "--quiet", "--detach", "--lock", "--reason",
                     f"{WORKTREE_REASON} (pid {os.getpid()})", str(path), commit)
            yield path
        finally:
            with signals_deferred():
                self._remove_worktree(path)

    def _remove_worktree(self, path: Path) -> None:
        for args in (("worktree", "unlock", str(path)), ("worktree", "remove", "--force", "--force", str(path))):
            try:
                self.git(*args)
            except GitFailure:
                pass
        if path.parent.name.startswith(TEMP_PREFIX):
            remove_owned_folder(path.parent)
        else:
            shutil.rmtree(path, ignore_errors=True)
        try:
            self.git("worktree", "prune")
        except GitFailure:
            pass


def remove_owned_folder(holder: Path) -> None:
    """Remove one of our temporary folders, its owner file last: a run killed halfway through leaves a folder
    the next run still recognises as ours."""
    try:
        children = list(holder.iterdir())
    except OSError:
        return
    for child in children:
        if child.name == OWNER_FILE:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            try:
                child.unlink()
            except OSError:
                pass
    shutil.rmtree(holder, ignore_errors=True)


def _subcommand(args: Sequence[str]) -> str:
    """`push` for `git -c x=y push --quiet ...`: what a message should name."""
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg == "-c":
            skip = True
        elif not arg.startswith("-"):
            return arg
    return " ".join(args)


def parse_identity(text: str) -> tuple[str, str]:
    match = _IDENTITY.match(text)
    if not match or not match.group("name"):
        raise UsageError(f'--author {text!r}: write it as "Name <email@example.com>"')
    return match.group("name"), match.group("email")


def validate_branch_name(name: str) -> None:
    import subprocess

    result = subprocess.run(["git", "check-ref-format", "--branch", name], capture_output=True, text=True)
    if result.returncode != 0 or name.startswith("-"):
        raise UsageError(f"--branch {name!r}: not a valid branch name")


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM wait until the block is done (cleanup must not be cut in half)."""
    block = getattr(signal, "pthread_sigmask", None)
    if block is None:
        yield
        return
    previous = block(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, previous)


class RepositoryLock:
    """An exclusive lock file under `.git/`; the OS releases it when its holder dies, even by SIGKILL.

    The file keeps the holder's pid while held and is emptied on release, so finding a pid in a
    lock nobody holds means the previous apply was killed: its worktrees are leftovers.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> int | None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if not _try_lock(fd):
            holder = _read_fd(fd).split()
            os.close(fd)
            who = f" (pid {holder[0]} on {holder[1]})" if len(holder) >= 2 else ""
            raise TargetError(
                f"another ssot-migrate apply{who} is running on this repository; wait for it to finish "
                f"(lock: {self.path})"
            )
        previous = _read_fd(fd).split()
        stale = int(previous[0]) if previous and previous[0].isdigit() else None
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()} {socket.gethostname()}\n".encode())
        self._fd = fd
        return stale

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing releases the lock
            self._fd = None


def _read_fd(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 256).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError:
        return False
