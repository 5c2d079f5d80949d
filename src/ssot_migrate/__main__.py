"""`python -m ssot_migrate` and the `ssot-migrate` script: Ctrl-C and SIGTERM are handled from the first
instruction (a signal while the CLI is still being imported ends the run with one line, no traceback)."""

from __future__ import annotations

import signal
import sys


def _early(signum: int, frame: object) -> None:
    from .errors import Interrupted

    raise Interrupted(signum)


def main() -> None:
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _early)
    try:
        from .cli import main as cli_main

        cli_main()
    except BaseException as exc:
        from .errors import Interrupted

        if not isinstance(exc, (Interrupted, KeyboardInterrupt)):
            raise
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        # Nothing is imported or done yet (or the CLI's own handling was itself interrupted): say so plainly.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        sys.stderr.write(f"interrupted ({signal.Signals(signum).name}): no branch was created or changed and no "
                         "file was left written\n")
        sys.exit(128 + signum)


if __name__ == "__main__":
    main()
