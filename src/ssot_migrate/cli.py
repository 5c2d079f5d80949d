"""The `ssot-migrate` command: parse options, call the API, render. Nothing else lives here."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from . import __version__
from .errors import SsotError, UsageError

app = typer.Typer(
    name="ssot-migrate",
    help="Finish single-source-of-truth migrations in Python codebases with declarative codemods.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class PlanFormat(str, Enum):
    rich = "rich"
    diff = "diff"
    json = "json"
    markdown = "markdown"


class ApplyFormat(str, Enum):
    rich = "rich"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ssot-migrate {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Plan, apply and guard SSOT migrations. Output for people goes to stderr; JSON, diffs and markdown to stdout."""


PathsArg = typer.Argument(None, help="Files or folders to limit the run to (default: the whole project).", show_default=False)
SpecOpt = typer.Option(None, "--spec", "-s", help="Spec file, or catalog:NAME for a bundled recipe. Repeatable.")
RenameOpt = typer.Option(None, "--rename", help="OLD=NEW: a rename-import codemod from the command line. Repeatable.")
RootOpt = typer.Option(None, "--root", help="The project root (default: nearest pyproject.toml above the first path).")
JobsOpt = typer.Option(None, "--jobs", "-j", min=1, help="Worker processes (default: all cores; small work stays in-process).")


@contextmanager
def _progress(enabled: bool) -> Iterator:
    """A rich progress bar on a terminal for long runs; nothing otherwise."""
    from .render import stderr_console

    console = stderr_console()
    if not enabled or not console.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("planning"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task("plan", total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        yield update


def _emit(text: str | bytes, output: Optional[Path]) -> None:
    data = text.encode() if isinstance(text, str) else text
    if output is not None:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


@app.command()
def plan(
    paths: Optional[List[Path]] = PathsArg,
    spec: Optional[List[str]] = SpecOpt,
    rename: Optional[List[str]] = RenameOpt,
    format: PlanFormat = typer.Option(PlanFormat.rich, "--format", "-f", help="rich (people), diff, json or markdown."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the diff/json/markdown here instead of stdout."),
    strict: bool = typer.Option(False, "--strict", help="Exit 3 when the plan has error findings."),
    root: Optional[Path] = RootOpt,
    jobs: Optional[int] = JobsOpt,
) -> None:
    """Preview every edit of a migration without writing anything (exit 0 with or without edits)."""
    from . import api
    from .render import plan_diff, plan_markdown, print_plan, stderr_console, to_json

    target = api.resolve_target(paths or [], root)
    migration = api.load_target_migration(target, spec or [], rename or [])
    with _progress(format is PlanFormat.rich) as on_progress:
        result = api.plan_target(target, migration, jobs=jobs, on_progress=on_progress)
    if format is PlanFormat.rich:
        print_plan(stderr_console(), result)
        if output is not None:
            _emit(plan_diff(result), output)
    elif format is PlanFormat.diff:
        _emit(plan_diff(result), output)
    elif format is PlanFormat.json:
        _emit(to_json(result.to_json()), output)
    else:
        _emit(plan_markdown(result), output)
    _exit_if_strict(strict, result)


def _exit_if_strict(strict: bool, result) -> None:
    errors = result.findings_at_least("error") if strict else []
    if errors:
        from .render import findings_table, stderr_console

        console = stderr_console()
        console.print(findings_table(errors, title="Errors that stop --strict"))
        console.print(f"[red]--strict: {len(errors)} error finding(s); nothing was written.[/red]")
        raise typer.Exit(3)


@app.command()
def apply(
    paths: Optional[List[Path]] = PathsArg,
    spec: Optional[List[str]] = SpecOpt,
    rename: Optional[List[str]] = RenameOpt,
    in_place: bool = typer.Option(False, "--in-place", help="Write the working tree directly (all files or none)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 3 before writing anything when there are error findings."),
    format: ApplyFormat = typer.Option(ApplyFormat.rich, "--format", "-f", help="rich (people) or json (bots)."),
    root: Optional[Path] = RootOpt,
    jobs: Optional[int] = JobsOpt,
) -> None:
    """Carry out a migration: every edit that was not refused, written atomically."""
    from . import api
    from .render import print_plan, stderr_console, to_json

    if not in_place:
        raise UsageError("apply needs --in-place (write the working tree directly)")
    target = api.resolve_target(paths or [], root)
    migration = api.load_target_migration(target, spec or [], rename or [])
    with _progress(format is ApplyFormat.rich) as on_progress:
        result = api.plan_target(target, migration, jobs=jobs, on_progress=on_progress)
    _exit_if_strict(strict, result)
    console = stderr_console()
    if not result.is_empty:
        api.write_in_place(target, result)
    if format is ApplyFormat.json:
        report = {**result.to_json(), "written": [f.path for f in result.files]}
        _emit(to_json(report), None)
        return
    print_plan(console, result, show_diffs=False)
    if result.is_empty:
        return
    console.print(f"Wrote {len(result.files)} file{'s' if len(result.files) != 1 else ''}.")


@app.command()
def codemods() -> None:
    """List the codemod kinds and the recipes of the catalog (run one with --spec catalog:NAME)."""
    from .render import print_codemods, stderr_console
    from .spec import catalog_recipes
    from .transforms import kind_registry

    print_codemods(stderr_console(), kind_registry(), catalog_recipes())


def main() -> None:
    """Console-script entry point: user errors become one message and their exit code, never a traceback."""
    try:
        app()
    except SsotError as exc:
        from rich.text import Text

        from .render import stderr_console

        console = stderr_console()
        for line in exc.message.splitlines():
            console.print(Text.assemble(("error: ", "bold red"), line), soft_wrap=True)
        sys.exit(exc.exit_code)


if __name__ == "__main__":  # pragma: no cover
    main()
