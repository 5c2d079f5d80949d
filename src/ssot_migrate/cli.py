"""The `ssot-migrate` command: parse options, call the API, render. Nothing else lives here."""

from __future__ import annotations

import io
import signal
import sys
from contextlib import contextmanager
from dataclasses import replace
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, List, Optional

import typer

from . import __version__
from .errors import Interrupted, SsotError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from .api import Target
    from .plan import Plan
    from .progress import Progress
    from .terminal import OutputStyle

app = typer.Typer(
    name="ssot-migrate",
    help="Finish single-source-of-truth migrations in Python codebases with declarative codemods.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class PlanFormat(str, Enum):
    text = "text"
    diff = "diff"
    json = "json"
    markdown = "markdown"
    html = "html"


class ApplyFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"


class AuditFormat(str, Enum):
    text = "text"
    json = "json"
    sarif = "sarif"
    html = "html"


class OutputFormat(str, Enum):
    auto = "auto"
    full = "full"
    concise = "concise"
    github = "github"


class ColorChoice(str, Enum):
    auto = "auto"
    always = "always"
    never = "never"


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
    """Plan, apply and guard SSOT migrations. Results (plans, diffs, findings, listings, reports) go to stdout or
    -o; progress, notes and the gate's commentary to stderr."""


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
OutputFormatOpt = typer.Option(
    OutputFormat.auto, "--output-format",
    help="How text results look: full (tables), concise (one finding per line: path:line:col: CODE severity: "
         "message), github (Actions annotations); auto: full on a terminal of 100+ columns, else concise.",
)
ColorOpt = typer.Option(ColorChoice.auto, "--color", help="Colour: auto (a terminal, unless NO_COLOR is set), always, never.")
QuietOpt = typer.Option(False, "--quiet", "-q", help="Results only: no progress, notes or summary line.")
VerboseOpt = typer.Option(False, "--verbose", "-v", help="Name every phase as it starts, also when not on a terminal.")
ReportOpt = typer.Option(None, "--report", metavar="FILE.html",
                         help="Also write the self-contained HTML report here (beside any --format).")


def _style(
    output_format: OutputFormat, color: ColorChoice, quiet: bool, verbose: bool, *, to_file: bool = False
) -> OutputStyle:
    from .terminal import choose_style

    if quiet and verbose:
        raise UsageError("--quiet and --verbose contradict each other: use one")
    # A file given with -o is not a terminal: the same rules as a pipe, whatever stdout is.
    return choose_style(output_format.value, color.value, quiet=quiet, verbose=verbose,
                        stdout=io.StringIO() if to_file else None)


@contextmanager
def _progress(style: OutputStyle, command: str) -> Iterator[Progress]:
    """Progress on stderr while the work runs, gone before results are printed."""
    from .progress import SILENT
    from .terminal import progress_for

    shown = progress_for(style, command)
    try:
        yield shown if shown is not None else SILENT
    finally:
        if shown is not None:
            shown.close()


def _emit(text: str | bytes, output: Optional[Path]) -> None:
    data = text.encode() if isinstance(text, str) else text
    if output is not None:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def _emit_text(style: OutputStyle, output: Optional[Path], draw: Callable[[Console, str], None]) -> None:
    """Text results: drawn on stdout's console, or rendered without colour into `output`."""
    if output is None:
        draw(style.results(), style.layout)
        return
    from .terminal import text_console

    buffer = io.StringIO()
    draw(text_console(buffer, style.width), style.layout)
    _emit(buffer.getvalue(), output)


def _warn_unfinished_write(root: Path) -> None:
    """plan, check and audit read the tree as it is: when an interrupted `apply --in-place` left it half written,
    say so in one line (apply refuses to start; `recover` completes or rolls back)."""
    from .journal import pending, unfinished_message

    journal = pending(root)
    if journal is not None:
        sys.stdout.flush()
        sys.stderr.write(f"warning: {unfinished_message(journal)}\n")


def _note(style: OutputStyle, text: str) -> None:
    if not style.quiet:
        from rich.text import Text

        sys.stdout.flush()  # results printed so far come first where both streams share a pipe (`2>&1`)
        style.conversation().print(Text(text), soft_wrap=True)


@app.command()
def plan(
    paths: Optional[List[Path]] = PathsArg,
    spec: Optional[List[str]] = SpecOpt,
    rename: Optional[List[str]] = RenameOpt,
    format: PlanFormat = typer.Option(PlanFormat.text, "--format", "-f",
                                      help="text (people), diff, json, markdown or html (a page for a reviewer)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the result here instead of stdout."),
    report: Optional[Path] = ReportOpt,
    strict: bool = typer.Option(False, "--strict", help="Exit 3 when the plan has error findings."),
    root: Optional[Path] = RootOpt,
    jobs: Optional[int] = JobsOpt,
    cache_dir: Optional[Path] = CacheDirOpt,
    no_cache: bool = NoCacheOpt,
    output_format: OutputFormat = OutputFormatOpt,
    color: ColorChoice = ColorOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
) -> None:
    """Preview every edit of a migration without writing anything (exit 0 with or without edits)."""
    from . import api
    from .discover import prefetch
    from .render import plan_diff, plan_markdown, print_plan, to_json

    style = _style(output_format, color, quiet, verbose, to_file=output is not None)
    target = api.resolve_target(paths or [], root)
    _warn_unfinished_write(target.root)
    prefetch(target.root)
    migration = api.load_target_migration(target, spec or [], rename or [])
    cache = api.open_cache(target, cache_dir, enabled=not no_cache)
    with _progress(style, "plan") as progress:
        result = api.plan_target(target, migration, jobs=jobs, cache=cache, progress=progress)
    if format is PlanFormat.text:
        _emit_text(style, output, lambda console, layout: print_plan(console, result, layout, summary=not style.quiet))
    elif format is PlanFormat.diff:
        _warn_below_root(style, target, output)
        _emit(plan_diff(result), output)
    elif format is PlanFormat.json:
        _emit(to_json(result.to_json()), output)
    elif format is PlanFormat.markdown:
        _emit(plan_markdown(result), output)
    if format is PlanFormat.html or report is not None:
        from .html_report import plan_page

        page = plan_page(result, api.api_matrices(target, api.collapse_groups(migration)), target.root)
        _emit(page, report if report is not None and format is not PlanFormat.html else output)
    _exit_if_strict(strict, result, style)


def _warn_below_root(style: OutputStyle, target: Target, output: Optional[Path]) -> None:
    """The diff's paths are relative to the project root; `git apply` reads them from the repository's top
    and, run in a subfolder, skips every file outside it without a word. Say how to apply it instead."""
    from .config import git_toplevel

    if output is not None:
        return
    top = git_toplevel(target.root) or target.root
    here = Path.cwd().resolve()
    if here == top == target.root:
        return
    below = target.root.relative_to(top).as_posix() if target.root.is_relative_to(top) else ""
    command = f"git -C {top} apply" + (f" --directory={below}" if below and below != "." else "")
    from rich.text import Text

    style.conversation().print(Text(
        f"warning: the diff's paths are relative to {target.root}; plain `git apply` here would skip files "
        f"outside {here}. Apply it with: {command}"), soft_wrap=True)


def _exit_if_strict(strict: bool, result: Plan, style: OutputStyle) -> None:
    errors = result.findings_at_least("error") if strict else []
    if errors:
        from .render import print_findings

        console = style.conversation()
        print_findings(console, errors, "concise" if style.layout == "github" else style.layout,
                       title="Errors that stop --strict")
        console.print(f"--strict: {len(errors)} error finding(s); nothing was written.", soft_wrap=True, markup=False)
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
    gate_env: Optional[List[str]] = typer.Option(None, "--gate-env", metavar="NAME",
                                                 help="Pass this credential variable to the tests (dropped by "
                                                      "default: *_TOKEN, *_SECRET, *_PASSWORD, SSH_AUTH_SOCK, "
                                                      "askpass). Repeatable."),
    allow_empty_gate: bool = typer.Option(False, "--allow-empty-gate",
                                          help="Let the gate pass when no test passed before or after."),
    gate_reruns: int = typer.Option(0, "--gate-reruns", metavar="N",
                                    help="Re-run the tests whose outcome differs between the runs N times; "
                                         "a test that flips is reported, not judged."),
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
    format: ApplyFormat = typer.Option(ApplyFormat.text, "--format", "-f",
                                       help="text (people), json (bots) or html (a page for a reviewer)."),
    json_output: bool = typer.Option(False, "--json", help="Same as --format json."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout."),
    report_file: Optional[Path] = ReportOpt,
    root: Optional[Path] = RootOpt,
    jobs: Optional[int] = JobsOpt,
    cache_dir: Optional[Path] = CacheDirOpt,
    no_cache: bool = NoCacheOpt,
    output_format: OutputFormat = OutputFormatOpt,
    color: ColorChoice = ColorOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
) -> None:
    """Carry out a migration: on a branch gated by the project's tests, or in place (every file or none)."""
    from . import api
    from .apply import ApplyHooks, ApplyOptions, run_apply
    from .gate import SilentWatcher
    from .render import GateProgress, print_apply_report, to_json

    style = _style(output_format, color, quiet, verbose, to_file=output is not None)
    options = ApplyOptions(
        branch=branch, in_place=in_place, base=base, force=force, commit_per_codemod=commit_per_codemod,
        author=author, test_command=test_command, no_gate=no_gate, gate=gate.value, baseline_ref=baseline_ref,
        no_baseline=no_baseline, gate_timeout=gate_timeout, gate_env=tuple(gate_env or ()),
        allow_empty_gate=allow_empty_gate, gate_reruns=gate_reruns, push=push, remote=remote, open_pr=open_pr, draft=draft,
        labels=tuple(label or ()), repo=repo, api_url=api_url, strict=strict, jobs=jobs,
    )
    options.validate()
    format = ApplyFormat.json if json_output else format
    target = api.resolve_target(paths or [], root)
    migration = api.load_target_migration(target, spec or [], rename or [])
    options = replace(options, cache=api.open_cache(target, cache_dir, enabled=not no_cache))
    html = format is ApplyFormat.html or report_file is not None
    # The classes as they are before the edits: --in-place removes the duplicates it collapses.
    matrices = api.api_matrices(target, api.collapse_groups(migration)) if html else []
    hooks = ApplyHooks(
        note=lambda text: _note(style, f"note: {text}"),
        watcher=GateProgress(style.conversation(), live=style.stderr_live) if not style.quiet else SilentWatcher(),
        planning=lambda: _progress(style, "apply"),
        exits_after=True,
    )
    report = run_apply(target, migration, options, hooks)
    if format is ApplyFormat.json:
        _emit(to_json(report.to_json()), output)
    elif format is ApplyFormat.text:
        _emit_text(style, output, lambda console, layout: print_apply_report(console, report, layout))
    if html:
        from .html_report import apply_page

        _emit(apply_page(report, matrices, target.root), report_file if report_file is not None and format is not ApplyFormat.html
              else output)
    raise typer.Exit(report.exit_code)


@app.command()
def recover(
    complete: bool = typer.Option(False, "--complete", help="Finish the interrupted write: every file gets its new content."),
    rollback: bool = typer.Option(False, "--rollback", help="Undo the interrupted write: every file gets its old content."),
    root: Optional[Path] = RootOpt,
) -> None:
    """Finish or undo the write an interrupted `apply --in-place` left (its journal names every file)."""
    from . import api
    from .apply import recover_in_place

    if complete == rollback:
        raise UsageError("recover needs exactly one of --complete (finish the interrupted write) or --rollback (undo it)")
    target = api.resolve_target([], root)
    recovery = recover_in_place(target, "complete" if complete else "rollback",
                                note=lambda text: typer.echo(f"note: {text}", err=True))
    if recovery is None:
        typer.echo(f"nothing to recover: no interrupted write in {target.root}")
        return
    done = "completed" if complete else "rolled back"
    for path in recovery.changed:
        typer.echo(f"{done}: {path}")
    for path in recovery.already:
        typer.echo(f"already {'new' if complete else 'old'}: {path}")
    for path in recovery.temporary_files:
        typer.echo(f"removed temporary file: {path}")
    for path in recovery.conflicts:
        typer.echo(f"left as it is: {path} (changed since the interrupted write: neither its old nor its new content)")
    total = len(recovery.changed) + len(recovery.already)
    typer.echo(f"{done} the interrupted write: {total} file(s) {'new' if complete else 'old'}, "
               f"{len(recovery.conflicts)} left as they are")
    raise typer.Exit(1 if recovery.conflicts else 0)


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
    format: ApplyFormat = typer.Option(ApplyFormat.text, "--format", "-f",
                                       help="text (people), json (bots) or html (a page for a reviewer)."),
    json_output: bool = typer.Option(False, "--json", help="Same as --format json."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout."),
    report_file: Optional[Path] = ReportOpt,
    output_format: OutputFormat = OutputFormatOpt,
    color: ColorChoice = ColorOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
) -> None:
    """Run `apply --branch` over many repositories; exit 1 if any member failed (the others still run)."""
    from . import batch as batches
    from .render import member_log, print_batch, to_json

    style = _style(output_format, color, quiet, verbose, to_file=output is not None)
    loaded = batches.load_batch(batch_file)
    members = loaded.select(only or [])
    if matrix:
        _emit(batches.matrix(members, matrix_format.value), output)
        return
    console = style.conversation()
    run = batches.run_batch(loaded, members, jobs=jobs,
                            on_done=lambda result: None if style.quiet else member_log(console, result))
    format = ApplyFormat.json if json_output else format
    if format is ApplyFormat.json:
        _emit(to_json(run.to_json()), output)
    elif format is ApplyFormat.text:
        _emit_text(style, output, lambda results, layout: print_batch(results, run, layout))
    if format is ApplyFormat.html or report_file is not None:
        from .html_report import batch_page

        _emit(batch_page(run), report_file if report_file is not None and format is not ApplyFormat.html else output)
    raise typer.Exit(1 if run.failed else 0)


@app.command()
def check(
    files: Optional[List[Path]] = typer.Argument(
        None, help="Files to check (pre-commit passes the changed ones; default: every file of the project).",
        show_default=False,
    ),
    spec: Optional[List[str]] = SpecOpt,
    format: CheckFormat = typer.Option(CheckFormat.text, "--format", "-f",
                                       help="text (path:line:col: CODE severity: message), json or sarif."),
    root: Optional[Path] = RootOpt,
    jobs: Optional[int] = JobsOpt,
    cache_dir: Optional[Path] = CacheDirOpt,
    no_cache: bool = NoCacheOpt,
    output_format: OutputFormat = OutputFormatOpt,
    color: ColorChoice = ColorOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
) -> None:
    """Fail (exit 1) when the files still hold edits the configured specs would make; the pre-commit and CI guard."""
    from . import api
    from .discover import prefetch
    from .render import finding_lines, findings_sarif, github_annotations, to_json

    target = api.resolve_target(files or [], root)
    _warn_unfinished_write(target.root)
    prefetch(target.root)  # the file listing runs while the spec's kinds (and libcst) are imported
    migration = api.load_target_migration(target, spec or [])
    cache = api.open_cache(target, cache_dir, enabled=not no_cache)
    # check is the pre-commit hook: it takes rich's import time only for a terminal (tables, colour, progress).
    plain = format is not CheckFormat.text or output_format is OutputFormat.github or (
        output_format is not OutputFormat.full and color is not ColorChoice.always and not sys.stdout.isatty()
        and not sys.stderr.isatty() and not verbose)
    style = None if plain else _style(output_format, color, quiet, verbose)
    if style is None:
        result = api.check_target(target, migration, jobs=jobs, cache=cache)
    else:
        with _progress(style, "check") as progress:
            result = api.check_target(target, migration, jobs=jobs, cache=cache, progress=progress)
    if format is CheckFormat.json:
        _emit(to_json(result.to_json()), None)
    elif format is CheckFormat.sarif:
        _emit(to_json(findings_sarif(result.findings, category="check")), None)
    elif output_format is OutputFormat.github:
        _emit(github_annotations(result.findings), None)
    elif style is None:
        _emit(finding_lines(result.findings) + (result.summary() + "\n" if result.failed and not quiet else ""), None)
    else:
        from .render import print_findings

        console = style.results()
        print_findings(console, result.findings, style.layout)
        if result.failed and not quiet:
            console.print(result.summary(), soft_wrap=True, markup=False)
    if result.failed:
        raise typer.Exit(1)


class Duplicates(str, Enum):
    meaningful = "meaningful"
    all = "all"


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
        None, "--emit-guard", help="Print the old paths as ruff banned-api entries (to stdout, instead of the findings).",
    ),
    duplicates: Duplicates = typer.Option(
        Duplicates.meaningful, "--duplicates",
        help="meaningful: classes that share public API or body, reached from production code; all: every class "
             "name defined twice (test helpers, migrations, __main__ demos too).",
    ),
    importers: bool = typer.Option(
        False, "--importers",
        help="With PATHS: also report in the files that import them (what a change to them breaks; the hook's mode).",
    ),
    format: AuditFormat = typer.Option(AuditFormat.text, "--format", "-f",
                                       help="text (people), json, sarif or html (a page for a reviewer)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the report here instead of stdout."),
    report_file: Optional[Path] = ReportOpt,
    fail_on: Optional[FailOn] = typer.Option(
        None, "--fail-on", help="Exit 1 when a finding of this severity or worse exists (default: exit 0 once run).",
    ),
    root: Optional[Path] = RootOpt,
    jobs: Optional[int] = JobsOpt,
    output_format: OutputFormat = OutputFormatOpt,
    color: ColorChoice = ColorOpt,
    quiet: bool = QuietOpt,
    verbose: bool = VerboseOpt,
) -> None:
    """Find broken imports, duplicate classes and calls that no longer fit, each with the fix the index can see."""
    from . import api
    from .guard import ruff_banned_api
    from .render import findings_sarif, print_audit, to_json

    if emit_guard is not None and (format is not AuditFormat.text or output is not None):
        raise UsageError("--emit-guard prints to stdout, like --format json/sarif/html: use one of them per run")
    style = _style(output_format, color, quiet, verbose, to_file=output is not None)
    target = api.resolve_target(paths or [], root)
    _warn_unfinished_write(target.root)
    with _progress(style, "audit") as progress:
        report = api.audit_target(target, pattern or [], jobs=jobs, progress=progress,
                                  all_duplicates=duplicates is Duplicates.all, importers=importers)
    if style.verbose:
        for detected in report.stats.roots:
            _note(style, f"audit: import root {detected.folder or '.'} ({detected.how})")
    # Before any output: the guard reads the configured specs, which may be invalid (exit 2).
    guard = ruff_banned_api(api.guard_moves(target, report)) if emit_guard is Guard.ruff else None
    findings = report.findings
    s = report.stats
    stats = f"{s.discovered} Python files parsed in {s.seconds:.2f}s, {s.audited} audited"
    if guard is not None:
        _emit(guard, None)
    elif format is AuditFormat.json:
        _emit(to_json(report.to_json()), output)
    elif format is AuditFormat.sarif:
        _emit(to_json(findings_sarif(findings, category="audit")), output)
    elif format is AuditFormat.text:
        _emit_text(style, output,
                   lambda console, layout: print_audit(console, findings, stats, layout, summary=not style.quiet))
    if format is AuditFormat.html or report_file is not None:
        from .html_report import audit_page

        groups = [f.group for f in findings if f.group]
        page = audit_page(report, stats, api.api_matrices(target, list(dict.fromkeys(groups))), target.root)
        _emit(page, report_file if report_file is not None and format is not AuditFormat.html else output)
    if emit_spec is not None:
        ready = api.write_draft_spec(report, emit_spec)
        _note(style, f"Wrote {emit_spec}: {ready} codemods ready; what needs a human is commented out.")
    if fail_on is not None and report.findings_at_least(fail_on.value):
        raise typer.Exit(1)


@app.command()
def codemods(
    output_format: OutputFormat = OutputFormatOpt,
    color: ColorChoice = ColorOpt,
) -> None:
    """List the codemod kinds and the recipes of the catalog (run one with --spec catalog:NAME)."""
    from .render import print_codemods
    from .spec import catalog_recipes
    from .transforms import kind_registry

    style = _style(output_format, color, False, False)
    print_codemods(style.results(), kind_registry(), catalog_recipes(), style.layout)


@app.command()
def cache(
    cache_dir: Optional[Path] = CacheDirOpt,
    prune: bool = typer.Option(False, "--prune", help="Remove now what no run needs (otherwise done once a day)."),
    clear: bool = typer.Option(False, "--clear", help="Remove every cached result, of every version."),
) -> None:
    """Show where the cache is and what it holds; --prune or --clear make it smaller (see docs/performance.md)."""
    from .cache import PlanCache, Usage, cache_directory

    if prune and clear:
        raise UsageError("--prune and --clear exclude each other: use one")
    directory = cache_directory(cache_dir)
    store = PlanCache(directory)
    lines = []
    exists = directory.is_dir()  # a mistyped --cache-dir is reported empty, never created
    if (prune or clear) and exists and not store.adopt():
        raise UsageError(f"--cache-dir {directory}: not an ssot-migrate cache (it holds other files and no "
                         "CACHEDIR.TAG of ssot-migrate's); nothing was removed")
    if prune or clear:
        removed = (store.clear() if clear else store.prune()) if exists else Usage()
        lines.append(f"{'cleared' if clear else 'pruned'} {directory}: {removed.entries} entries, "
                     f"{_size(removed.bytes)} removed")
    mine, every = store.usage()
    lines.append(f"cache {directory}: {every.entries} entries, {_size(every.bytes)}; this version of ssot-migrate: "
                 f"{mine.entries} entries, {_size(mine.bytes)}")
    _emit("".join(line + "\n" for line in lines), None)


def _size(count: int) -> str:
    """Exact bytes for a program, then a rounded size for a person."""
    if count < 1000:
        return f"{count} bytes"
    return f"{count} bytes ({_rounded(count)})"


def _rounded(count: int) -> str:
    value = float(count)
    for unit in ("kB", "MB", "GB"):
        value /= 1000
        if value < 1000 or unit == "GB":
            break
    return f"{value:.1f} {unit}"


@app.command()
def explain(
    code: str = typer.Argument(..., metavar="CODE", help="A finding code, e.g. SSOT402 (case does not matter)."),
) -> None:
    """Print what a finding code means and what to do about it (the text of docs/codes.md)."""
    from .codes import CODES, explanation

    key = code.strip().upper()
    if key not in CODES:
        raise UsageError(f"unknown finding code {code!r}: `ssot-migrate explain` takes one of {', '.join(sorted(CODES))}")
    _emit(explanation(key), None)


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

        from .terminal import stderr_console

        console = stderr_console()
        for line in exc.message.splitlines():
            console.print(Text.assemble(("error: ", "bold red"), line), soft_wrap=True)
        sys.exit(exc.exit_code)


def _interrupted(signum: int) -> None:
    from .terminal import stderr_console

    stderr_console().print(f"interrupted ({signal.Signals(signum).name}): cleaned up; no branch was created or "
                           "changed and no file was left written", style="bold red")
    sys.exit(128 + signum)


if __name__ == "__main__":  # pragma: no cover
    main()
