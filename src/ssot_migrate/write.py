"""Write a plan to a tree atomically: every file or none, each via a temporary file and a rename."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Sequence

from .discover import inside_root
from .errors import WriteError
from .plan import FileEdit, sha256_hex


def write_plan(root: Path, files: Sequence[FileEdit]) -> None:
    """Write every planned file, or restore all of them and raise WriteError.

    Before anything is written each target is checked: inside the root (no
    symlinked folder leads out of it), a regular file, and unchanged since it
    was planned. File modes are kept.
    """
    originals: list[tuple[Path, bytes, int]] = []
    for edit in files:
        target = root / edit.path
        if not inside_root(root, edit.path) or target.is_symlink():
            raise WriteError(f"{edit.path}: refusing to write through a symlink or outside {root}")
        try:
            current = target.read_bytes()
            mode = stat.S_IMODE(target.stat().st_mode)
        except OSError as exc:
            raise WriteError(f"{edit.path}: cannot read before writing: {exc.strerror or exc}") from None
        if sha256_hex(current) != edit.old_sha256:
            raise WriteError(f"{edit.path}: changed since it was planned; nothing was written, plan again")
        originals.append((target, current, mode))

    written: list[tuple[Path, bytes, int]] = []
    try:
        for (target, original, mode), edit in zip(originals, files):
            replace_file(target, edit.new_bytes, mode)
            written.append((target, original, mode))
    except OSError as exc:
        failed = []
        for target, original, mode in reversed(written):
            try:
                replace_file(target, original, mode)
            except OSError:
                failed.append(str(target))
        restored = "every file already written was restored" if not failed else f"could not restore: {', '.join(failed)}"
        raise WriteError(f"writing failed ({exc.strerror or exc}: {getattr(exc, 'filename', '')}); {restored}") from None


def replace_file(target: Path, data: bytes, mode: int) -> None:
    """Atomically replace `target` with `data`: temporary file in the same folder, then rename."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".ssot-tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
