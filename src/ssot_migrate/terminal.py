"""Where output goes decides how it looks: tables on a wide terminal, one record per line anywhere else.

Results go to stdout, conversation (progress, notes, the gate's commentary) to stderr; each stream gets its own
colour decision, and progress is live only on a terminal.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Literal, Mapping

if TYPE_CHECKING:
    from rich.console import Console

Layout = Literal["full", "concise", "github"]
# Below this many columns a table cannot hold a path, a code and a readable message side by side.
WIDE_TERMINAL = 100
# On a non-terminal a phase is named only once it has lasted this long, so quick runs (pre-commit) stay quiet.
QUIET_PHASE_SECONDS = 1.0


@dataclass(frozen=True)
class OutputStyle:
    """How this run talks: the layout of results, colour per stream, and how much conversation."""

    layout: Layout = "concise"
    color: bool = False
    stderr_color: bool = False
    stderr_live: bool = False
    verbosity: int = 0  # -1 quiet, 0 normal, 1 verbose
    width: int = WIDE_TERMINAL

    @property
    def quiet(self) -> bool:
        return self.verbosity < 0

    @property
    def verbose(self) -> bool:
        return self.verbosity > 0

    def results(self) -> Console:
        """The console for results: stdout, never wrapped by rich beyond the width the layout chose."""
        return _console(sys.stdout, self.color, self.width)

    def conversation(self) -> Console:
        """The console for progress, notes and commentary: stderr."""
        return _console(sys.stderr, self.stderr_color, _stream_width(sys.stderr))


def choose_style(
    output_format: str = "auto",
    color: str = "auto",
    *,
    quiet: bool = False,
    verbose: bool = False,
    environ: Mapping[str, str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
) -> OutputStyle:
    """`auto` is `full` only on a terminal at least WIDE_TERMINAL columns wide, outside CI, not `TERM=dumb`."""
    environ = os.environ if environ is None else environ
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    width = _stream_width(stdout)
    dumb = environ.get("TERM") == "dumb"
    if output_format == "auto":
        wide = _is_terminal(stdout) and not dumb and not environ.get("CI") and width >= WIDE_TERMINAL
        layout: Layout = "full" if wide else "concise"
    else:
        layout = output_format  # type: ignore[assignment]
    return OutputStyle(
        layout=layout,
        color=_wants_color(color, stdout, environ),
        stderr_color=_wants_color(color, stderr, environ),
        stderr_live=_is_terminal(stderr) and not dumb and not quiet,
        verbosity=-1 if quiet else 1 if verbose else 0,
        width=width,
    )


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _stream_width(stream: IO[str]) -> int:
    """COLUMNS when set (as rich and shutil read it), else the terminal's width, else WIDE_TERMINAL."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return WIDE_TERMINAL


def _wants_color(choice: str, stream: IO[str], environ: Mapping[str, str]) -> bool:
    """--color always/never win; auto follows no-color.org (NO_COLOR non-empty), FORCE_COLOR and the stream."""
    if choice != "auto":
        return choice == "always"
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    return _is_terminal(stream) and environ.get("TERM") != "dumb"


def _console(stream: IO[str], color: bool, width: int) -> Console:
    from rich.console import Console

    return Console(
        file=stream, width=width, color_system="standard" if color else None, no_color=not color,
        highlight=False, emoji=False, force_terminal=color or None, soft_wrap=False,
    )


# -- progress -------------------------------------------------------------------------------------------


class LiveProgress:
    """A terminal's transient progress line: the phase's name, then a bar, n/N and ETA when it has a count."""

    def __init__(self, console: Console) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self._progress = Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TextColumn("ETA"),
            TimeRemainingColumn(), console=console, transient=True,
        )
        self._task = None

    def phase(self, name: str, total: int | None = None) -> None:
        if self._task is None:
            self._progress.start()
            self._task = self._progress.add_task(name, total=total)
        else:
            self._progress.reset(self._task, total=total, description=name)

    def advance(self, count: int = 1) -> None:
        if self._task is not None and count:
            self._progress.advance(self._task, count)

    def close(self) -> None:
        if self._task is not None:
            self._progress.stop()
            self._task = None


class PhaseLines:
    """A non-terminal's progress: at most one line per phase, no bars.

    Verbose runs name every phase as it starts; others name a phase only once it has lasted
    QUIET_PHASE_SECONDS, so a quick run prints nothing and a long one says what it is doing.
    """

    def __init__(self, stream: IO[str], command: str, *, immediate: bool) -> None:
        self._stream = stream
        self._command = command
        self._immediate = immediate
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None
        self._started = time.monotonic()

    def phase(self, name: str, total: int | None = None) -> None:
        self._cancel()
        self._started = time.monotonic()
        line = f"{self._command}: {name}" + (f" ({total} files)" if total is not None else "")
        if self._immediate:
            self._write(line)
            return
        self._timer = threading.Timer(QUIET_PHASE_SECONDS, self._write, (line,))
        self._timer.daemon = True
        self._timer.start()

    def advance(self, count: int = 1) -> None:
        pass

    def close(self) -> None:
        self._cancel()

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _write(self, line: str) -> None:
        with self._lock:
            self._stream.write(line + "\n")
            self._stream.flush()


def progress_for(style: OutputStyle, command: str) -> LiveProgress | PhaseLines | None:
    """The progress a run shows on stderr (None when quiet); close it before printing results."""
    if style.quiet:
        return None
    if style.stderr_live:
        return LiveProgress(style.conversation())
    return PhaseLines(sys.stderr, command, immediate=style.verbose)


def text_console(stream: IO[str], width: int = WIDE_TERMINAL) -> Console:
    """A colourless console for text written into a file."""
    return _console(stream, False, width)


def stderr_console() -> Console:
    """Stderr for messages printed before or outside a command's options (errors, interruptions)."""
    return choose_style().conversation()
