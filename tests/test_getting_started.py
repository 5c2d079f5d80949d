"""docs/getting-started.md runs as shown: every `$` command of its console blocks runs in order, in one shell, on a
fresh copy of the bundled example, and prints what the page says (`...` stands for lines left out; timings, commit
hashes and the example's folder are the only things allowed to differ)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from ssot_migrate import progress

from .helpers import cli_env

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "getting-started.md"
EXAMPLE_DIR = "/tmp/netra_like"
MARKER = "@@ssot-migrate-getting-started@@"
PHASES = "|".join(re.escape(name) for name in (progress.LISTING, progress.PREPARING, progress.PREFILTER,
                                                progress.PARSING, progress.REWRITING, progress.CHECKING))
# Progress on stderr names a phase that lasted a second: how many appear depends on the machine, not on the page.
PROGRESS_LINE = re.compile(rf"^(plan|audit|check|apply): ({PHASES})( \(\d+ files\))?$")


def console_steps(page: str) -> list[tuple[str, list[str]]]:
    """(command, expected output lines) for every `$ ` line of the page's console blocks, in order."""
    steps: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", page, flags=re.DOTALL):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            else:
                steps[-1][1].append(line)
    return steps


def normalized(line: str) -> str:
    line = re.sub(r"\b\d+\.\d+s\b", "N.NNs", line)
    return re.sub(r"\b[0-9a-f]{12}\b", "HASH", line).rstrip()


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether `actual` is `expected` with each `...` line standing for any number of lines."""
    pattern = "".join(r"(?:[^\n]*\n)*?" if line == "..." else re.escape(normalized(line) + "\n") for line in expected)
    return re.fullmatch(pattern, "".join(normalized(line) + "\n" for line in actual)) is not None


def test_the_matcher_needs_every_line_that_is_not_left_out() -> None:
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["took 1.50s", "at 0123456789ab"], ["took 9.99s", "at fedcba987654"])
    assert not matches(["a", "...", "d"], ["a", "b", "c"])
    assert not matches(["29 findings: 17 errors"], ["29 findings: 17 errors, 12 warnings"])


def test_every_command_of_getting_started_prints_what_the_page_shows(tmp_path: Path) -> None:
    steps = console_steps(PAGE.read_text(encoding="utf-8"))
    assert len(steps) >= 10 and any(command.startswith("ssot-migrate audit") for command, _ in steps)
    workdir = tmp_path / "netra_like"
    clone = tmp_path / "clone"
    shutil.copytree(ROOT / "examples", clone / "examples")
    script = ["set -u"]
    for number, (command, _) in enumerate(steps):
        script += [f"echo {MARKER}{number}", command.replace(EXAMPLE_DIR, str(workdir))]
    env = cli_env({"PATH": f"{Path(sys.executable).parent}:{cli_env()['PATH']}", "LC_ALL": "C.UTF-8"}, unset=("CI",))
    # One stream, as a terminal shows both: the CLI flushes its results before it talks on stderr.
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=clone, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=900, stdin=subprocess.DEVNULL)
    shown = done.stdout
    outputs = re.split(rf"^{MARKER}\d+\n", done.stdout.replace(str(workdir), EXAMPLE_DIR), flags=re.MULTILINE)[1:]
    assert len(outputs) == len(steps), shown
    for (command, expected), output in zip(steps, outputs):
        actual = [line for line in output.splitlines() if not PROGRESS_LINE.match(line)]
        assert matches(expected, actual), f"$ {command}\n--- the page shows:\n" + "\n".join(expected) + \
            "\n--- the command printed:\n" + "\n".join(actual)
