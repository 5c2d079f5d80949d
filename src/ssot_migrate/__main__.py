"""`python -m ssot_migrate` and the `ssot-migrate` script: Ctrl-C and SIGTERM are handled from the first
instruction (a signal while the CLI is still being imported ends the run with one line, no traceback)."""

from __future__ import annotations

import signal
import sys


class _EarlyInterrupt(BaseException):
    """A signal that arrived while `errors` itself was half imported, so its `Interrupted` could not be named yet."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _interrupted_class() -> type[BaseException]:
    """`errors.Interrupted` once that module is fully imported, without importing anything: a handler that imports
    can land inside the very import it needs and fail with "partially initialized module" (bench/faults.py, seed 7
    trial 12: SIGINT to the group after 0.047 s)."""
    errors = sys.modules.get(f"{__package__}.errors")
    found = getattr(errors, "Interrupted", None)
    return found if isinstance(found, type) and issubclass(found, BaseException) else _EarlyInterrupt


def _early(signum: int, frame: object) -> None:
    raise _interrupted_class()(signum)


def _interrupting_signal(exc: BaseException) -> int | None:
    """The signal behind `exc`, also when Python wrapped it (an interrupt inside a class's `__set_name__`
    while a module is imported becomes a RuntimeError caused by it); None for any other error."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, (_EarlyInterrupt, _interrupted_class())):
            return int(current.signum)  # type: ignore[attr-defined]
        if isinstance(current, KeyboardInterrupt):
            return signal.SIGINT
        current = current.__cause__ or current.__context__
    return None


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    """An interrupt raised while Python ran a finalizer, a `__del__` or an exit callback cannot unwind the run: Python
    swallows it and would print its traceback. The run goes on to its real outcome, which it reports; say that in one
    line instead (bench/faults.py: a SIGINT at the very end of an in-place run)."""
    signum = _interrupting_signal(unraisable.exc_value) if unraisable.exc_value is not None else None
    if signum is None:
        sys.__unraisablehook__(unraisable)
        return
    sys.stderr.write(f"note: {signal.Signals(signum).name} arrived during a cleanup step and was not acted on; the "
                     "run's own report says what exists\n")


def main() -> None:
    # SIGINT's handler first, then SIGTERM's: bench/faults.py reads SIGTERM's caught bit as "ssot-migrate's handlers
    # are in place" (Python catches SIGINT itself from its start).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _early)
    sys.unraisablehook = _unraisable
    try:
        from .cli import main as cli_main

        cli_main()
    except SystemExit:
        raise
    except BaseException as exc:
        signum = _interrupting_signal(exc)
        if signum is None:
            raise
        # Nothing is imported or done yet (or the CLI's own handling was itself interrupted): say so plainly.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sys.stderr.write(f"interrupted ({signal.Signals(signum).name}): no branch was created or changed and no "
                         "file was left written\n")
        sys.exit(128 + signum)


if __name__ == "__main__":
    main()
