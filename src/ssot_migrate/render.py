"""Everything a person or a program reads: rich tables and diffs, unified diff, markdown, JSON."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from . import TOOL_NAME, __version__
from .codes import CODES
from .plan import Plan
from .types import Finding

if TYPE_CHECKING:
    # rich is imported where output is built: `check` and the JSON/SARIF/diff outputs never load it.
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
# Up to this many info findings are listed openly in markdown; more are folded into <details>.
NOTES_SHOWN = 10


def stderr_console() -> Console:
    """The console for people: stderr, colour only on a terminal, NO_COLOR honoured (rich does both)."""
    from rich.console import Console
    return Console(stderr=True, highlight=False)


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def plan_diff(plan: Plan) -> bytes:
    """All file diffs, git-style; empty when there is nothing to change."""
    return b"".join(f.diff for f in plan.files)


def summary_table(plan: Plan) -> Table:
    from rich.markup import escape
    from rich.table import Table
    table = Table(title=f"Migration {plan.migration.name}", title_justify="left", show_lines=False)
    table.add_column("#", justify="right")
    table.add_column("kind")
    table.add_column("codemod")
    table.add_column("files", justify="right")
    table.add_column("edits", justify="right")
    for codemod in plan.codemods:
        table.add_row(
            str(codemod.index + 1), codemod.kind, escape(codemod.description), str(codemod.files), str(codemod.edits)
        )
    return table


def findings_table(findings: Sequence[Finding], title: str = "Findings") -> Table:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text
    table = Table(title=title, title_justify="left")
    table.add_column("severity")
    table.add_column("location")
    table.add_column("code")
    table.add_column("message", overflow="fold")
    for finding in findings:
        table.add_row(
            Text(finding.severity, style=SEVERITY_STYLE[finding.severity]),
            f"{finding.path}:{finding.line}:{finding.col}",
            finding.code,
            escape(finding.message),
        )
    return table


_DIFF_STYLES = (("diff --git", "bold"), ("+++", "bold"), ("---", "bold"), ("@@", "cyan"), ("+", "green"), ("-", "red"))


def diff_text(diff: str) -> Text:
    """A unified diff with each line coloured by its kind (never wrapped: it is printed soft-wrapped)."""
    from rich.text import Text
    text = Text()
    for line in diff.splitlines(keepends=True):
        style = next((s for prefix, s in _DIFF_STYLES if line.startswith(prefix)), "")
        text.append(line, style=style)
    return text


def stats_line(plan: Plan) -> str:
    s = plan.stats
    return (
        f"{s.discovered} files discovered, {s.prefiltered} matched the prefilter, {s.parsed} parsed, "
        f"{s.cached} from cache, {s.changed} to change ({s.seconds:.2f}s)"
    )


def print_plan(console: Console, plan: Plan, *, show_diffs: bool = True) -> None:
    console.print(summary_table(plan))
    if show_diffs:
        for file in plan.files:
            console.print(diff_text(file.diff_text), soft_wrap=True)
    if plan.findings:
        console.print(findings_table(plan.findings))
    if plan.is_empty:
        console.print("Nothing to migrate.")
    console.print(stats_line(plan), style="dim")


def print_codemods(console: Console, kinds: Mapping[str, Any], recipes: Sequence[Any]) -> None:
    """The kinds a spec can use and the catalog's recipes, one line each."""
    from rich.markup import escape
    from rich.table import Table
    table = Table(title="Kinds", title_justify="left")
    table.add_column("kind", no_wrap=True)
    table.add_column("what it does")
    for name, kind in kinds.items():
        table.add_row(name, kind.summary)
    console.print(table)
    recipes_table = Table(title="Catalog recipes (--spec catalog:NAME)", title_justify="left")
    recipes_table.add_column("NAME", no_wrap=True)
    recipes_table.add_column("what it migrates")
    for recipe in recipes:
        recipes_table.add_row(recipe.name, escape(recipe.description))
    console.print(recipes_table)


def plan_markdown(plan: Plan, *, extra_sections: Iterable[str] = (), include_diff: bool = True) -> str:
    """A pull-request-ready summary: what changes, what needs a human, and a machine-readable footer."""
    lines = [f"## ssot-migrate: {plan.migration.name}", ""]
    if plan.migration.description:
        lines += [plan.migration.description, ""]
    lines += ["| # | kind | codemod | files | edits |", "|---:|---|---|---:|---:|"]
    for codemod in plan.codemods:
        lines.append(
            f"| {codemod.index + 1} | `{codemod.kind}` | `{_md(codemod.description)}` | {codemod.files} | {codemod.edits} |"
        )
    lines.append("")
    if plan.files:
        lines.append(f"**{len(plan.files)} file{'s' if len(plan.files) != 1 else ''} changed:**")
        lines.append("")
        for file in plan.files:
            lines.append(f"- `{file.path}` ({len(file.edits)} edit{'s' if len(file.edits) != 1 else ''})")
        lines.append("")
    else:
        lines += ["Nothing to migrate.", ""]
    human = [f for f in plan.findings if f.severity in ("error", "warning")]
    if human:
        lines += ["### Needs a human", ""]
        lines += _finding_rows(human)
        lines.append("")
    notes = [f for f in plan.findings if f.severity == "info"]
    if notes:
        # Informational findings (an easy collapse, a re-export left working) belong in the record, folded when many.
        folded = len(notes) > NOTES_SHOWN
        lines += ["### Notes", ""]
        if folded:
            lines += [f"<details><summary>{len(notes)} notes</summary>", ""]
        lines += _finding_rows(notes)
        lines += ["", "</details>", ""] if folded else [""]
    for section in extra_sections:
        lines += [section, ""]
    if plan.files and include_diff:
        lines += ["<details><summary>Diff</summary>", "", "```diff"]
        lines += [f.diff_text.rstrip("\n") for f in plan.files]
        lines += ["```", "", "</details>", ""]
    lines.append(footer(plan))
    return "\n".join(lines) + "\n"


def _finding_rows(findings: Sequence[Finding]) -> list[str]:
    rows = ["| severity | location | code | message |", "|---|---|---|---|"]
    for f in findings:
        rows.append(f"| {f.severity} | `{f.path}:{f.line}:{f.col}` | {f.code} | {_md(f.message)} |")
    return rows


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def footer(plan: Plan) -> str:
    data = {
        "migration": plan.migration.name,
        "spec_hash": plan.migration.spec_hash,
        "tool": TOOL_NAME,
        "version": __version__,
    }
    return f"<!-- ssot-migrate: {json.dumps(data, sort_keys=True)} -->"


def finding_lines(findings: Iterable[Finding]) -> str:
    """`path:line:col: CODE message`, one per line (the format editors and CI annotations parse)."""
    return "".join(f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}\n" for f in findings)


# -- apply: commits, gate, pull requests -------------------------------------------------------------

# GitHub refuses pull request bodies above 65536 characters.
PULL_REQUEST_BODY_LIMIT = 65_000
_OUTCOME_STYLE = {
    "created": "bold green", "updated": "bold green", "up-to-date": "green", "written": "bold green",
    "nothing-to-migrate": "green", "gate-failed": "bold red", "refused": "bold red", "error": "bold red",
    "strict": "bold red",
}


def commit_message(plan: Plan, codemod: int | None = None) -> str:
    """A commit message that names the migration, summarises the plan and carries the tool's trailer."""
    from .git import TRAILER

    name = plan.migration.name
    if codemod is None:
        lines = [f"ssot-migrate: {name}", ""]
        if plan.migration.description:
            lines += [plan.migration.description.strip(), ""]
        lines += [_codemod_line(c) for c in plan.codemods]
        human = [f for f in plan.findings if f.severity in ("error", "warning")]
        needs = f"; {_plural(len(human), 'finding')} need{'s' if len(human) == 1 else ''} a human (see the plan)"
        lines += ["", f"{_plural(len(plan.files), 'file')} changed{needs if human else ''}."]
    else:
        summary = plan.codemods[codemod]
        lines = [f"ssot-migrate: {name} ({codemod + 1}/{len(plan.codemods)} {summary.kind})", "", _codemod_line(summary)]
    lines += ["", f"{TRAILER}: {plan.migration.spec_hash}"]
    return "\n".join(lines) + "\n"


def _codemod_line(codemod) -> str:
    return (f"{codemod.index + 1}. {codemod.kind} {codemod.description}: "
            f"{_plural(codemod.files, 'file')}, {_plural(codemod.edits, 'edit')}")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def pull_request_title(plan: Plan) -> str:
    return f"ssot-migrate: {plan.migration.name}"


def pull_request_body(report) -> str:
    """The markdown plan, the gate result and the footer; without the diff when GitHub would refuse the size."""
    sections = [gate_markdown(report.gate, report.gate_skipped)]
    body = plan_markdown(report.plan, extra_sections=sections)
    if len(body) > PULL_REQUEST_BODY_LIMIT:
        sections.append("_The diff is too large for a pull request description: see the commits._")
        body = plan_markdown(report.plan, extra_sections=sections, include_diff=False)
    return body


def gate_markdown(verdict, skipped: str | None = None) -> str:
    if verdict is None:
        return f"### Gate: not run\n\n{skipped or 'no gate'}."
    title = "passed" if verdict.passed else "failed"
    lines = [f"### Gate: {title} (`{verdict.settings.mode}`)", "", f"Command: `{verdict.settings.command}`", ""]
    if verdict.baseline is not None:
        lines.append(f"- {_run_title(verdict.baseline)}: {verdict.baseline.summary()}")
    else:
        lines.append("- baseline: not run (`--no-baseline`)")
    lines.append(f"- {_run_title(verdict.after)}: {verdict.after.summary()}")
    for reason in verdict.reasons:
        lines.append(f"- **{_md(reason)}**")
    if verdict.regressed:
        lines += ["", "| regressed test | before | after |", "|---|---|---|"]
        lines += [f"| `{_md(r.test)}` | {r.before} | {r.after} |" for r in verdict.regressed]
    if verdict.new_errors:
        lines += ["", "| collection error | now | before |", "|---|---|---|"]
        for e in verdict.new_errors:
            before = _md(e.before.describe()) if e.before else "none"
            lines.append(f"| `{_md(e.error.module)}` | {_md(e.error.describe())} | {before} |")
    for title, items in (("Fixed", verdict.fixed), ("Still failing", verdict.still_failing)):
        if items:
            shown = ", ".join(f"`{_md(i)}`" for i in items[:50])
            more = f" and {len(items) - 50} more" if len(items) > 50 else ""
            lines += ["", f"**{title}** ({len(items)}): {shown}{more}"]
    return "\n".join(lines)


def gate_report(console: Console, verdict) -> None:
    """The gate's verdict for people: the runs, then regressed, new errors, fixed and still-failing tests."""
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text
    style = "bold green" if verdict.passed else "bold red"
    console.print(Text.assemble(("Gate ", "bold"), ("passed" if verdict.passed else "failed", style),
                                f" ({verdict.settings.mode}): {verdict.settings.command}"))
    for run in (verdict.baseline, verdict.after):
        if run is not None:
            console.print(Text(f"  {_run_title(run)}: {run.summary()}"), soft_wrap=True)
    for reason in verdict.reasons:
        console.print(Text("  " + reason, style="red"))
    if verdict.regressed:
        table = Table(title="Regressed", title_justify="left")
        for column in ("test", "before", "after"):
            table.add_column(column, overflow="fold")
        for regression in verdict.regressed:
            table.add_row(escape(regression.test), regression.before, Text(regression.after, style="red"))
        console.print(table)
    if verdict.new_errors:
        table = Table(title="New or changed collection errors", title_justify="left")
        for column in ("module", "now", "before"):
            table.add_column(column, overflow="fold")
        for error in verdict.new_errors:
            table.add_row(escape(error.error.module), escape(error.error.describe()),
                          escape(error.before.describe()) if error.before else "none")
        console.print(table)
    for title, items, colour in (("Fixed", verdict.fixed, "green"), ("Still failing", verdict.still_failing, "yellow")):
        if items:
            console.print(Text(f"{title} ({len(items)}):", style=colour))
            for item in items[:50]:
                console.print(Text(f"  {item}"), soft_wrap=True)
            if len(items) > 50:
                console.print(f"  and {len(items) - 50} more")
    runs = [r for r in (verdict.baseline, verdict.after) if r is not None]
    for run in runs:
        if run.could_not_run and run.output_tail:
            console.print(Text(f"Last lines of output ({_run_title(run)}):", style="dim"))
            console.print(Text(run.output_tail.rstrip("\n")), soft_wrap=True)


def _run_title(run) -> str:
    return "after the edits" if run.label == "after" else run.label


def print_apply_report(console: Console, report) -> None:
    from rich.text import Text
    if report.plan is not None:
        print_plan(console, report.plan, show_diffs=False)
    if report.outcome == "strict" and report.plan is not None:
        console.print(findings_table(report.plan.findings_at_least("error"), title="Errors that stop --strict"))
    if report.gate is not None:
        gate_report(console, report.gate)
    elif report.gate_skipped and report.plan is not None and not report.plan.is_empty and report.outcome != "strict":
        console.print(f"Gate: not run ({report.gate_skipped}).", style="dim")
    if report.message and report.outcome != "nothing-to-migrate":
        text = report.message if report.outcome == "strict" else report.message[:1].upper() + report.message[1:]
        text += "."
        console.print(Text(text, style=_OUTCOME_STYLE.get(report.outcome, "")), soft_wrap=True)
    if report.pushed:
        console.print(f"Pushed {report.branch} to {report.remote}.")
    if report.pull_request is not None:
        pull = report.pull_request
        console.print(f"Pull request #{pull.number} {pull.action}: {pull.url}")
    if report.error:
        console.print(Text.assemble(("error: ", "bold red"), report.error), soft_wrap=True)


class GateProgress:
    """Live progress of the gate: a spinner with the elapsed time and the suite's last line on a terminal,
    one line per run otherwise (CI logs)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self._progress = None
        self._task = None

    def started(self, label: str, command: str) -> None:
        from rich.text import Text
        if not self.console.is_terminal:
            self.console.print(Text(f"gate: {label}: running {command}"), soft_wrap=True)
            return
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            SpinnerColumn(), TextColumn("gate: {task.fields[label]}", markup=False), TimeElapsedColumn(),
            TextColumn("{task.fields[last]}", markup=False, style="dim"), console=self.console, transient=True,
        )
        self._progress.start()
        self._task = self._progress.add_task("gate", label=label, last=command[-60:])

    def output(self, line: str) -> None:
        if self._progress is not None and line.strip():
            self._progress.update(self._task, last=line.strip()[-60:])

    def finished(self, run) -> None:
        from rich.text import Text
        if self._progress is not None:
            self._progress.stop()
            self._progress = None
        style = "red" if run.could_not_run else ""
        self.console.print(Text(f"gate: {run.label}: {run.summary()} ({run.seconds:.1f}s)", style=style), soft_wrap=True)


# -- batch ------------------------------------------------------------------------------------------


def member_log(console: Console, result) -> None:
    """What one batch member printed, under its name (printed as each member finishes)."""
    from rich.text import Text
    console.rule(Text(f"{result.name}: {result.outcome}", style="bold red" if result.failed else "bold"))
    if result.log.strip():
        console.print(Text(result.log.rstrip("\n")), soft_wrap=True)
    elif result.error:
        console.print(Text.assemble(("error: ", "bold red"), result.error), soft_wrap=True)


def batch_table(run) -> Table:
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text
    table = Table(title=f"Batch {run.batch.path.name}: {len(run.results) - len(run.failed)} ok, {len(run.failed)} failed",
                  title_justify="left")
    for column in ("member", "outcome", "branch", "commit", "gate", "pull request", "seconds"):
        table.add_column(column, overflow="fold", justify="right" if column == "seconds" else "left")
    for result in run.results:
        row = result.to_json()
        pull = row["pull_request"]
        table.add_row(
            escape(result.name),
            Text(row["outcome"], style=_OUTCOME_STYLE.get(row["outcome"], "")),
            escape(row["branch"] or ""),
            (row["commit"] or "")[:12],
            row["gate"] or "",
            escape(pull["url"] if pull else (row["error"] or "").splitlines()[0] if row["error"] else ""),
            f"{row['seconds']:.1f}",
        )
    return table


# -- audit and check ------------------------------------------------------------------------------------

# Code prefix -> the table an audit finding is listed in, in this order.
AUDIT_SECTIONS = (
    ("SSOT00", "Files that do not parse"),
    ("SSOT50", "Broken imports"),
    ("SSOT52", "Duplicate classes"),
    ("SSOT53", "Signature mismatches"),
)


def print_audit(console: Console, findings: Sequence[Finding], stats: str) -> None:
    """One table per kind of leftover; each message ends with its fix (or says there is none).

    The code is coloured by severity (red error, yellow warning, cyan info).
    """
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text
    for prefix, title in AUDIT_SECTIONS:
        rows = [f for f in findings if f.code.startswith(prefix)]
        if not rows:
            continue
        table = Table(title=f"{title} ({len(rows)})", title_justify="left", show_lines=True)
        table.add_column("location", no_wrap=True)
        table.add_column("code", no_wrap=True)
        table.add_column("message (and fix)", overflow="fold")
        for finding in rows:
            table.add_row(
                f"{finding.path}:{finding.line}:{finding.col}",
                Text(finding.code, style=SEVERITY_STYLE[finding.severity]),
                escape(finding.message),
            )
        console.print(table)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    if findings:
        console.print(
            f"{len(findings)} finding{'s' if len(findings) != 1 else ''}: "
            + ", ".join(f"{n} {s}{'s' if n != 1 else ''}" for s, n in counts.items() if n)
        )
    else:
        console.print("No findings.")
    console.print(stats, style="dim")


SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def findings_sarif(findings: Sequence[Finding], *, category: str) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run, as GitHub code scanning reads it.

    Rules come from the finding-code registry; locations are repo-relative URIs
    under `%SRCROOT%`; the fingerprint ignores the line so an alert survives
    edits above it. `category` keeps audit and check results apart on GitHub.
    """
    codes = sorted({f.code for f in findings})
    rules = []
    for code in codes:
        doc = CODES[code]
        rules.append({
            "id": code,
            "shortDescription": {"text": doc.title},
            "fullDescription": {"text": doc.meaning},
            "help": {"text": doc.fix, "markdown": f"**What happened.** {doc.meaning}\n\n**What to do.** {doc.fix}"},
        })
    results = []
    for finding in findings:
        fingerprint = hashlib.sha256(
            "\0".join((finding.code, finding.path, finding.message)).encode()
        ).hexdigest()[:32]
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "ruleIndex": codes.index(finding.code),
            "level": _SARIF_LEVEL[finding.severity],
            "message": {"text": finding.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": {"uri": finding.path, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": finding.line, "startColumn": finding.col},
                }
            }],
            "partialFingerprints": {"ssotMigrate/v1": fingerprint},
        }
        properties: dict[str, Any] = {}
        if finding.suggestion is not None:
            properties["suggestion"] = {"old": finding.suggestion[0], "new": finding.suggestion[1]}
        if finding.group is not None:
            properties["group"] = list(finding.group)
        if properties:
            result["properties"] = properties
        results.append(result)
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": TOOL_NAME, "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "automationDetails": {"id": f"{TOOL_NAME}/{category}/"},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
