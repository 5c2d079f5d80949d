"""Errors a user can cause; each carries the message the CLI prints and its exit code."""

from __future__ import annotations


class SsotError(Exception):
    """Base of every user-facing error: printed without a traceback by the CLI."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(SsotError):
    """Bad command-line usage or configuration (exit 2)."""

    exit_code = 2


class SpecError(SsotError):
    """A spec file is invalid (exit 2, nothing was read or written)."""

    exit_code = 2


class TargetError(SsotError):
    """The target project is unusable for the requested operation (exit 3)."""

    exit_code = 3


class WriteError(SsotError):
    """Writing the plan failed; every file already written was restored (exit 1)."""

    exit_code = 1


class ForgeError(SsotError):
    """The forge (GitHub) refused or failed a request after the branch was made (exit 1)."""

    exit_code = 1


class WorkerCrash(SsotError):
    """A file ended its worker process abruptly twice, the second time alone in a fresh worker; or (`path` None)
    worker processes end as they start (exit 1, nothing written)."""

    exit_code = 1

    def __init__(self, path: str | None) -> None:
        if path is None:
            message = (
                "worker processes end as soon as they start (killed, out of memory, or their start-up fails); "
                "nothing was written. Run again with `--jobs 1` to work in this process"
            )
        else:
            message = (
                f"{path}: working on this file ended its worker process abruptly, twice (killed, out of memory, or a "
                "crash in native code); nothing was written. Run again with `--jobs 1` to see the error in this "
                "process, or leave the file out with `exclude` in [tool.ssot-migrate]"
            )
        super().__init__(message)
        self.path = path


class Interrupted(BaseException):
    """Ctrl-C or SIGTERM arrived: cleanup ran on the way out; exit 128 + the signal number."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum
