"""The `ssot-migrate` command: parse options, call the API, render. Nothing else lives here."""

from __future__ import annotations

import signal
import sys
from contextlib import contextmanager
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import Iterator, List, Optional

import typer

from . import __version__
from .errors import Interrupted, SsotError, UsageError

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


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


class AuditFormat(str, Enum):
    rich = "rich"
    json = "json"
    sarif = "sarif"


class FailOn(str, Enum):
    error = "error"
    warning = "warning"


class Guard(str, Enum):
    ruff = "ruff"


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
CacheDirOpt = typer.Option(
    None, "--cache-dir", help="Where results are cached (default: the user cache folder, $XDG_CACHE_HOME/ssot-migrate).",
    show_default=False,
)
NoCacheOpt = typer.Option(False, "--no-cache", help="Neither read nor write cached results.")


@contextmanager
def _progress(enabled: bool) -> Iterator:
    """A rich progress bar on a terminal for long runs; nothing otherwise."""
    from .render import stderr_console

    console = stderr_console()
    if not enabled or not console.is_terminal:
        yield None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

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
    cache_dir: Optional[Path] = CacheDirOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """Preview every edit of a migration without writing anything (exit 0 with or without edits)."""
    from . import api
    from .discover import prefetch
    from .render import plan_diff, plan_markdown, print_plan, stderr_console, to_json

    target = api.resolve_target(paths or [], root)
    prefetch(target.root)
    migration = api.load_target_migration(target, spec or [], rename or [])
    cache = api.open_cache(target, cache_dir, enabled=not no_cache)
    with _progress(format is PlanFormat.rich) as on_progress:
        result = api.plan_target(target, migration, jobs=jobs, cache=cache, on_progress=on_progress)
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


class GateChoice(str, Enum):
    no_regressions = "no-regressions"
    all_pass = "all-pass"


@app.command()
def apply(
    paths: Optional[List[Path]] = PathsArg,
    spec: Optional[List[str]] = SpecOpt,
    rename: Optional[List[str]] = RenameOpt,
    branch: Optional[str] = typer.Option(
        None, "--branch", "-b", metavar="NAME",
        help="Commit the migration on branch NAME, created only if the gate passes; {name} stands for the "
             "migration's name (bots: 'ssot/{name}').",
    ),
    in_place: bool = typer.Option(False, "--in-place", help="Write the working tree directly (all files or none)."),
    base: str = typer.Option("HEAD", "--base", metavar="REF", help="Start the branch from this commit."),
    force: bool = typer.Option(False, "--force", help="Replace an existing branch with different content "
                                                      "(never one with someone else's commits)."),
    commit_per_codemod: bool = typer.Option(False, "--commit-per-codemod", help="One commit per codemod instead of one."),
    author: Optional[str] = typer.Option(None, "--author", metavar='"NAME <EMAIL>"',
                                         help="Commit identity when git config has none."),
    test_command: Optional[str] = typer.Option(None, "--test-command", metavar="CMD",
                                               help="The gate's test command (default: test-command in the "
                                                    "project's pyproject.toml, else 'python -m pytest -q')."),
    no_gate: bool = typer.Option(False, "--no-gate", help="Create the branch without running the tests."),
    gate: GateChoice = typer.Option(GateChoice.no_regressions, "--gate", help="How the gate judges the tests."),
    baseline_ref: Optional[str] = typer.Option(None, "--baseline-ref", metavar="REF",
                                               help="Run the baseline at REF (the last green commit)."),
    no_baseline: bool = typer.Option(False, "--no-baseline", help="No baseline run: every test must pass after."),
    gate_timeout: float = typer.Option(1800.0, "--gate-timeout", metavar="S",
                                       help="Kill a test run after S seconds (it fails)."),
    push: bool = typer.Option(False, "--push", help="Push the branch (force-with-lease over the tool's own branch)."),
    remote: str = typer.Option("origin", "--remote", metavar="R", help="The remote for --push and --open-pr."),
    open_pr: bool = typer.Option(False, "--open-pr", help="Push, then open or update the branch's pull request "
                                                          "(token: GITHUB_TOKEN)."),
    draft: bool = typer.Option(False, "--draft", help="Open the pull request as a draft."),
    label: Optional[List[str]] = typer.Option(None, "--label", metavar="L", help="Label the pull request. Repeatable."),
    repo: Optional[str] = typer.Option(None, "--repo", metavar="OWNER/NAME",
                                       help="The GitHub repository (default: from the remote's URL)."),
    api_url: Optional[str] = typer.Option(None, "--api-url", metavar="URL",
                                          help="GitHub API base URL (default: $GITHUB_API_URL, else "
                                               "https://api.github.com)."),
    strict: bool = typer.Option(False, "--strict", help="Exit 3 before writing anything when there are error findings."),
    format: ApplyFormat = typer.Option(ApplyFormat.rich, "--format", "-f", help="rich (people) or json (bots)."),
    json_output: bool = typer.Option(False, "--json", help="Same as --format json."),
    root: Optional[Path] = RootOpt,
    jobs: Optional[int] = JobsOpt,
    cache_dir: Optional[Path] = CacheDirOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """Carry out a migration: on a branch gated by the project's tests, or in place (every file or none)."""
    from . import api
    from .apply import ApplyHooks, ApplyOptions, run_apply
    from .render import GateProgress, print_apply_report, stderr_console, to_json

    options = ApplyOptions(
        branch=branch, in_place=in_place, base=base, force=force, commit_per_codemod=commit_per_codemod,
        author=author, test_command=test_command, no_gate=no_gate, gate=gate.value, baseline_ref=baseline_ref,
        no_baseline=no_baseline, gate_timeout=gate_timeout, push=push, remote=remote, open_pr=open_pr, draft=draft,
        labels=tuple(label or ()), repo=repo, api_url=api_url, strict=strict, jobs=jobs,
    )
    options.validate()
    format = ApplyFormat.json if json_output else format
    target = api.resolve_target(paths or [], root)
    migration = api.load_target_migration(target, spec or [], rename or [])
    options = replace(options, cache=api.open_cache(target, cache_dir, enabled=not no_cache))
    console = stderr_console()
    hooks = ApplyHooks(
        note=lambda text: console.print(f"note: {text}", style="yellow", soft_wrap=True, highlight=False),
        watcher=GateProgress(console),
        planning=lambda: _progress(format is ApplyFormat.rich),
    )
    report = run_apply(target, migration, options, hooks)
    if format is ApplyFormat.json:
        _emit(to_json(report.to_json()), None)
    else:
        print_apply_report(console, report)
    raise typer.Exit(report.exit_code)


class MatrixFormat(str, Enum):
    github = "github"
    gitlab = "gitlab"


@app.command()
def batch(
    batch_file: Path = typer.Argument(
        ..., metavar="BATCH.toml", help="The batch file: a defaults table and one member table per repository."
    ),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Members run at once, each in its own process."),
    matrix: bool = typer.Option(False, "--matrix", help="Print the members as a CI job matrix (run nothing)."),
    matrix_format: MatrixFormat = typer.Option(
        MatrixFormat.github, "--matrix-format", help="github: strategy.matrix JSON; gitlab: a parallel:matrix block."
    ),
    only: Optional[List[str]] = typer.Option(None, "--only", metavar="NAME", help="Run only this member. Repeatable."),
    format: ApplyFormat = typer.Option(ApplyFormat.rich, "--format", "-f", help="rich (people) or json (bots)."),
    json_output: bool = typer.Option(False, "--json", help="Same as --format json."),
) -> None:
    """Run `apply --branch` over many repositories; exit 1 if any member failed (the others still run)."""
    from . import batch as batches
    from .render import batch_table, member_log, stderr_console, to_json

    loaded = batches.load_batch(batch_file)
    members = loaded.select(only or [])
    if matrix:
        _emit(batches.matrix(members, matrix_format.value), None)
        return
    console = stderr_console()
    run = batches.run_batch(loaded, members, jobs=jobs, on_done=lambda result: member_log(console, result))
    if json_output or format is ApplyFormat.json:
        _emit(to_json(run.to_json()), None)
    else:
        console.print(batch_table(run))
    raise typer.Exit(1 if run.failed else 0)


@app.command()
def check(
    files: Optional[List[Path]] = typer.Argument(
        None, help="Files to check (pre-commit passes the changed ones; default: every file of the project).",
        show_default=False,
    ),
    spec: Optional[List[str]] = SpecOpt,
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f", help="text (path:line:col: CODE message), json or sarif."),
    root: Optional[Path] = RootOpt,
    jobs: Optional[int] = JobsOpt,
    cache_dir: Optional[Path] = CacheDirOpt,
    no_cache: bool = NoCacheOpt,
) -> None:
    """Fail (exit 1) when the files still hold edits the configured specs would make; the pre-commit and CI guard."""
    from . import api
    from .discover import prefetch
    from .render import finding_lines, findings_sarif, to_json

    target = api.resolve_target(files or [], root)
    prefetch(target.root)  # the file listing runs while the spec's kinds (and libcst) are imported
    migration = api.load_target_migration(target, spec or [])
    cache = api.open_cache(target, cache_dir, enabled=not no_cache)
    result = api.check_target(target, migration, jobs=jobs, cache=cache)
    if format is CheckFormat.json:
        _emit(to_json(result.to_json()), None)
    elif format is CheckFormat.sarif:
        _emit(to_json(findings_sarif(result.findings, category="check")), None)
    else:
        _emit(finding_lines(result.findings), None)
        if result.failed:
            # One plain line, like the findings above it: a pre-commit hook should not pay for importing rich.
            typer.echo(result.summary(), err=True)
    if result.failed:
        raise typer.Exit(1)


@app.command()
def audit(
    paths: Optional[List[Path]] = typer.Argument(
        None, help="Report findings only in these files or folders (the whole project is always indexed).",
        show_default=False,
    ),
    pattern: Optional[List[str]] = typer.Option(
        None, "--pattern", "-p", help="Also group every class whose name matches GLOB as duplicates. Repeatable.",
        metavar="GLOB",
    ),
    emit_spec: Optional[Path] = typer.Option(
        None, "--emit-spec", help="Write a draft migration spec here: a codemod per fix, commented where a human decides.",
        metavar="FILE",
    ),
    emit_guard: Optional[Guard] = typer.Option(
        None, "--emit-guard", help="Print the old paths as ruff banned-api entries (to stdout).",
    ),
    format: AuditFormat = typer.Option(AuditFormat.rich, "--format", "-f", help="rich (people), json or sarif."),
    fail_on: Optional[FailOn] = typer.Option(
        None, "--fail-on", help="Exit 1 when a finding of this severity or worse exists (default: exit 0 once run).",
    ),
    root: Optional[Path] = RootOpt,
    jobs: Optional[int] = JobsOpt,
) -> None:
    """Find broken imports, duplicate classes and calls that no longer fit, each with the fix the index can see."""
    from . import api
    from .guard import ruff_banned_api
    from .render import findings_sarif, print_audit, stderr_console, to_json

    if emit_guard is not None and format is not AuditFormat.rich:
        raise UsageError("--emit-guard prints to stdout, like --format json/sarif: use one of them per run")
    target = api.resolve_target(paths or [], root)
    report = api.audit_target(target, pattern or [], jobs=jobs)
    # Before any output: the guard reads the configured specs, which may be invalid (exit 2).
    guard = ruff_banned_api(api.guard_moves(target, report)) if emit_guard is Guard.ruff else None
    console = stderr_console()
    findings = report.findings
    if format is AuditFormat.json:
        _emit(to_json(report.to_json()), None)
    elif format is AuditFormat.sarif:
        _emit(to_json(findings_sarif(findings, category="audit")), None)
    else:
        s = report.stats
        print_audit(console, findings, f"{s.discovered} Python files parsed in {s.seconds:.2f}s, {s.audited} audited")
    if emit_spec is not None:
        ready = api.write_draft_spec(report, emit_spec)
        console.print(f"Wrote {emit_spec}: {ready} codemods ready; what needs a human is commented out.")
    if guard is not None:
        _emit(guard, None)
    if fail_on is not None and report.findings_at_least(fail_on.value):
        raise typer.Exit(1)


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
    except KeyboardInterrupt:
        _interrupted(signal.SIGINT)
    except Interrupted as exc:
        _interrupted(exc.signum)
    except SsotError as exc:
        from rich.text import Text

        from .render import stderr_console

        console = stderr_console()
        for line in exc.message.splitlines():
            console.print(Text.assemble(("error: ", "bold red"), line), soft_wrap=True)
        sys.exit(exc.exit_code)


def _interrupted(signum: int) -> None:
    from .render import stderr_console

    stderr_console().print(f"interrupted ({signal.Signals(signum).name}): cleaned up; no branch was created or "
                           "changed and no file was left written", style="bold red")
    sys.exit(128 + signum)


if __name__ == "__main__":  # pragma: no cover
    main()
