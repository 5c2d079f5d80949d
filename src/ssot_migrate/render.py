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
    from rich.text import Text

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
# Up to this many info findings are listed openly in markdown; more are folded into <details>.
NOTES_SHOWN = 10


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def plan_diff(plan: Plan) -> bytes:
    """All file diffs, git-style; empty when there is nothing to change."""
    return b"".join(f.diff for f in plan.files)


# -- one record per line: pipes, files, CI logs, narrow terminals ------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split("\n"))


def finding_line(finding: Finding) -> str:
    """`path:line:col: CODE severity: message`: the line editors, pre-commit and CI problem matchers parse."""
    return f"{finding.path}:{finding.line}:{finding.col}: {finding.code} {finding.severity}: {_one_line(finding.message)}"


def finding_lines(findings: Iterable[Finding]) -> str:
    return "".join(finding_line(f) + "\n" for f in findings)


_GITHUB_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def github_annotations(findings: Iterable[Finding]) -> str:
    """GitHub Actions workflow commands, one per finding (`::error file=…,line=…,col=…,title=CODE::message`)."""
    def data(text: str) -> str:
        return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")

    def prop(text: str) -> str:
        return data(text).replace(":", "%3A").replace(",", "%2C")

    return "".join(
        f"::{_GITHUB_LEVEL[f.severity]} file={prop(f.path)},line={f.line},col={f.col},title={prop(f.code)}::"
        f"{data(f.message)}\n"
        for f in findings
    )


def count_line(findings: Sequence[Finding]) -> str:
    """`29 findings: 17 errors, 10 warnings, 2 infos`, or `No findings`."""
    if not findings:
        return "No findings"
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    return f"{_plural(len(findings), 'finding')}: " + ", ".join(_plural(n, s) for s, n in counts.items() if n)


def stats_line(plan: Plan) -> str:
    s = plan.stats
    return (
        f"{s.discovered} files discovered, {s.prefiltered} matched the prefilter, {s.parsed} parsed, "
        f"{s.cached} from cache, {s.changed} to change ({s.seconds:.2f}s)"
    )


def plan_summary(plan: Plan) -> str:
    """The plan in one line: what changes, what was found, and what the run looked at."""
    edits = sum(len(f.edits) for f in plan.files)
    change = "nothing to migrate" if plan.is_empty else f"{_plural(len(plan.files), 'file')} to change ({_plural(edits, 'edit')})"
    return f"{plan.migration.name}: {change}; {count_line(plan.findings)}; {stats_line(plan)}"


# -- tables, only where they fit ---------------------------------------------------------------------


def _fits(width: int, columns: Sequence[tuple[Iterable[str], bool]]) -> bool:
    """Whether a table can show every cell uncut: `columns` are (cells, wraps between words); a column that
    does not wrap needs its widest cell, one that wraps its longest word, plus a border and padding each."""
    from rich.cells import cell_len

    needed = 1
    for cells, wraps in columns:
        pieces = [piece for cell in cells for piece in (cell.split() if wraps else cell.splitlines() or [""])]
        needed += max((cell_len(p) for p in pieces), default=0) + 3
    return needed <= width


def _lines(console: Console, lines: Iterable[str | Text]) -> None:
    """Each line as it is: no markup, no wrapping, no padding."""
    for line in lines:
        console.print(line, soft_wrap=True, markup=False)


def _styled_finding(finding: Finding) -> Text:
    from rich.text import Text
    return Text.assemble(
        f"{finding.path}:{finding.line}:{finding.col}: ", (finding.code, SEVERITY_STYLE[finding.severity]),
        f" {finding.severity}: {_one_line(finding.message)}",
    )


def print_findings(console: Console, findings: Sequence[Finding], layout: str, title: str = "Findings") -> None:
    """A table on a full layout when every location, code and word fits; one line per finding otherwise."""
    if not findings:
        return
    if layout == "github":
        console.file.write(github_annotations(findings))
        return
    locations = [f"{f.path}:{f.line}:{f.col}" for f in findings]
    if layout == "full" and _fits(console.width, [(["severity"], False), (locations, False),
                                                  ([f.code for f in findings], False),
                                                  ([f.message for f in findings], True)]):
        from rich.table import Table
        from rich.text import Text
        table = Table(title=f"{title} ({len(findings)})", title_justify="left")
        table.add_column("severity", no_wrap=True)
        table.add_column("location", no_wrap=True)
        table.add_column("code", no_wrap=True)
        table.add_column("message", overflow="fold")
        for finding, location in zip(findings, locations):
            table.add_row(Text(finding.severity, style=SEVERITY_STYLE[finding.severity]), location, finding.code,
                          Text(finding.message))
        console.print(table)
        return
    _lines(console, [_styled_finding(f) for f in findings])


def print_plan(console: Console, plan: Plan, layout: str, *, show_diffs: bool = True, summary: bool = True) -> None:
    """The codemods, every diff, the findings and one summary line."""
    if layout != "github":
        _print_codemods_of(console, plan, layout)
        if show_diffs:
            for file in plan.files:
                console.print(diff_text(file.diff_text), soft_wrap=True, end="")
    print_findings(console, plan.findings, layout)
    if summary and layout != "github":
        console.print(plan_summary(plan), soft_wrap=True, markup=False, style="dim")


def _print_codemods_of(console: Console, plan: Plan, layout: str) -> None:
    descriptions = [c.description for c in plan.codemods]
    if layout == "full" and _fits(console.width, [(["#"], False), ([c.kind for c in plan.codemods], False),
                                                  (descriptions, True), (["files"], False), (["edits"], False)]):
        from rich.table import Table
        from rich.text import Text
        table = Table(title=f"Migration {plan.migration.name}", title_justify="left")
        table.add_column("#", justify="right", no_wrap=True)
        table.add_column("kind", no_wrap=True)
        table.add_column("codemod", overflow="fold")
        table.add_column("files", justify="right", no_wrap=True)
        table.add_column("edits", justify="right", no_wrap=True)
        for codemod in plan.codemods:
            table.add_row(str(codemod.index + 1), codemod.kind, Text(codemod.description), str(codemod.files),
                          str(codemod.edits))
        console.print(table)
        return
    _lines(console, [f"migration {plan.migration.name}", *(codemod_line(c) for c in plan.codemods)])


_DIFF_STYLES = {"meta": "bold", "hunk": "cyan", "add": "green", "del": "red", "note": "dim"}


def diff_text(diff: str) -> Text:
    """A unified diff with each line coloured by its kind (never wrapped: it is printed soft-wrapped)."""
    from rich.text import Text

    from .diff import line_kinds, text_lines
    text = Text()
    lines = text_lines(diff)
    for line, kind in zip(lines, line_kinds(lines)):
        text.append(line, style=_DIFF_STYLES.get(kind, ""))
    return text


def print_codemods(console: Console, kinds: Mapping[str, Any], recipes: Sequence[Any], layout: str) -> None:
    """The kinds a spec can use and the catalog's recipes: tables on a full layout, else one line each."""
    kind_rows = [(name, kind.summary) for name, kind in kinds.items()]
    recipe_rows = [(f"catalog:{recipe.name}", recipe.description) for recipe in recipes]
    rows = kind_rows + recipe_rows
    if layout == "full" and _fits(console.width, [([n for n, _ in rows], False), ([d for _, d in rows], True)]):
        from rich.table import Table
        from rich.text import Text
        for title, header, entries in (("Kinds", "what it does", kind_rows),
                                       ("Catalog recipes (plan --spec catalog:NAME)", "what it migrates", recipe_rows)):
            table = Table(title=title, title_justify="left")
            table.add_column("name", no_wrap=True)
            table.add_column(header, overflow="fold")
            for name, text in entries:
                table.add_row(name, Text(text))
            console.print(table)
        return
    _lines(console, [f"kind {name}: {_one_line(text)}" for name, text in kind_rows])
    _lines(console, [f"recipe {name}: {_one_line(text)}" for name, text in recipe_rows])


def plan_markdown(plan: Plan, *, gate: str | None = None, extra_sections: Iterable[str] = (),
                  include_diff: bool = True) -> str:
    """A pull-request-ready summary: the verdict first, then what changes, what needs a human, and a
    machine-readable footer; long lists fold into <details>."""
    lines = [f"## ssot-migrate: {plan.migration.name}", ""]
    if plan.migration.description:
        lines += [plan.migration.description, ""]
    edits = sum(len(f.edits) for f in plan.files)
    change = "nothing to migrate" if plan.is_empty else f"{_plural(len(plan.files), 'file')} changed ({_plural(edits, 'edit')})"
    verdict = [change, count_line(plan.findings).lower()] + ([gate] if gate else [])
    lines += [f"**Verdict:** {' · '.join(verdict)}", ""]
    lines += ["| # | kind | codemod | files | edits |", "|---:|---|---|---:|---:|"]
    for codemod in plan.codemods:
        lines.append(
            f"| {codemod.index + 1} | `{codemod.kind}` | `{_md(codemod.description)}` | {codemod.files} | {codemod.edits} |"
        )
    lines.append("")
    if plan.files:
        files = [f"- `{file.path}` ({_plural(len(file.edits), 'edit')})" for file in plan.files]
        lines += _folded(f"{_plural(len(plan.files), 'file')} changed", files, bold=True)
    human = [f for f in plan.findings if f.severity in ("error", "warning")]
    if human:
        lines += ["### Needs a human", ""]
        lines += _folded(_plural(len(human), "finding"), _finding_rows(human))
    notes = [f for f in plan.findings if f.severity == "info"]
    if notes:
        # Informational findings (an easy collapse, a re-export left working) belong in the record, folded when many.
        lines += ["### Notes", ""]
        lines += _folded(_plural(len(notes), "note"), _finding_rows(notes))
    for section in extra_sections:
        lines += [section, ""]
    if plan.files and include_diff:
        lines += ["<details><summary>Diff</summary>", "", "```diff"]
        lines += [f.diff_text.rstrip("\n") for f in plan.files]
        lines += ["```", "", "</details>", ""]
    lines.append(footer(plan))
    return "\n".join(lines) + "\n"


def _folded(title: str, rows: list[str], *, bold: bool = False) -> list[str]:
    """Rows shown openly under a title when few, inside <details> when more than NOTES_SHOWN."""
    if len(rows) > NOTES_SHOWN + (2 if rows and rows[0].startswith("|") else 0):
        return [f"<details><summary>{title}</summary>", "", *rows, "", "</details>", ""]
    return ([f"**{title}:**", ""] if bold else []) + rows + [""]


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
        lines += [codemod_line(c) for c in plan.codemods]
        human = [f for f in plan.findings if f.severity in ("error", "warning")]
        needs = f"; {_plural(len(human), 'finding')} need{'s' if len(human) == 1 else ''} a human (see the plan)"
        lines += ["", f"{_plural(len(plan.files), 'file')} changed{needs if human else ''}."]
    else:
        summary = plan.codemods[codemod]
        lines = [f"ssot-migrate: {name} ({codemod + 1}/{len(plan.codemods)} {summary.kind})", "", codemod_line(summary)]
    lines += ["", f"{TRAILER}: {plan.migration.spec_hash}"]
    return "\n".join(lines) + "\n"


def codemod_line(codemod) -> str:
    """`1. rename-import a -> b: 4 files, 4 edits` (commit messages and the one-line layout)."""
    return (f"{codemod.index + 1}. {codemod.kind} {codemod.description}: "
            f"{_plural(codemod.files, 'file')}, {_plural(codemod.edits, 'edit')}")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def pull_request_title(plan: Plan) -> str:
    return f"ssot-migrate: {plan.migration.name}"


def pull_request_body(report) -> str:
    """The markdown plan, the gate result and the footer; without the diff when GitHub would refuse the size."""
    sections = [gate_markdown(report.gate, report.gate_skipped)]
    gate = gate_verdict(report.gate, report.gate_skipped)
    body = plan_markdown(report.plan, gate=gate, extra_sections=sections)
    if len(body) > PULL_REQUEST_BODY_LIMIT:
        sections.append("_The diff is too large for a pull request description: see the commits._")
        body = plan_markdown(report.plan, gate=gate, extra_sections=sections, include_diff=False)
    return body


def gate_verdict(verdict, skipped: str | None = None) -> str:
    """The gate in a few words: `gate passed (no-regressions): 24 fixed, 0 new failures`."""
    if verdict is None:
        return f"gate not run ({skipped or 'no gate'})"
    return (f"gate {'passed' if verdict.passed else 'failed'} ({verdict.settings.mode}): {len(verdict.fixed)} fixed, "
            f"{len(verdict.regressed) + len(verdict.new_errors)} new failures")


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
    for title, items in (("Fixed", verdict.fixed), ("Still failing", verdict.still_failing),
                         ("Flipped on a re-run (flaky, not judged)", verdict.flipped)):
        if items:
            lines += ["", *_folded(f"{title} ({len(items)})", [f"- `{_md(i)}`" for i in items], bold=True)]
    return "\n".join(lines).rstrip("\n")


def gate_lines(verdict) -> list[str]:
    """The gate's verdict, one record per line: the runs, then regressed, new errors, fixed and still failing."""
    lines = [f"gate: {'passed' if verdict.passed else 'failed'} ({verdict.settings.mode}): {verdict.settings.command}"]
    lines += [f"gate: {_run_title(run)}: {run.summary()}" for run in (verdict.baseline, verdict.after) if run is not None]
    lines += [f"gate: {_one_line(reason)}" for reason in verdict.reasons]
    lines += [f"gate: regressed: {r.test} ({r.before} -> {r.after})" for r in verdict.regressed]
    for error in verdict.new_errors:
        before = error.before.describe() if error.before else "none"
        lines.append(f"gate: new collection error: {error.error.module}: {_one_line(error.error.describe())} "
                     f"(before: {_one_line(before)})")
    lines += [f"gate: fixed: {item}" for item in verdict.fixed]
    lines += [f"gate: still failing: {item}" for item in verdict.still_failing]
    lines += [f"gate: flipped on a re-run (flaky, not judged): {item}" for item in verdict.flipped]
    for run in (verdict.baseline, verdict.after):
        if run is not None and run.could_not_run and run.output_tail:
            lines += [f"gate: {_run_title(run)} output: {line}" for line in run.output_tail.rstrip("\n").splitlines()]
    return lines


def gate_report(console: Console, verdict, layout: str) -> None:
    """The gate's verdict for people: a headline and tables on a full layout, else `gate_lines`."""
    if layout != "full":
        _lines(console, gate_lines(verdict))
        return
    from rich.table import Table
    from rich.text import Text
    style = "bold green" if verdict.passed else "bold red"
    console.print(Text.assemble(("Gate ", "bold"), ("passed" if verdict.passed else "failed", style),
                                f" ({verdict.settings.mode}): {verdict.settings.command}"), soft_wrap=True)
    for run in (verdict.baseline, verdict.after):
        if run is not None:
            console.print(Text(f"  {_run_title(run)}: {run.summary()}"), soft_wrap=True)
    for reason in verdict.reasons:
        console.print(Text("  " + reason, style="red"), soft_wrap=True)
    regressed = [(r.test, r.before, r.after) for r in verdict.regressed]
    errors = [(e.error.module, e.error.describe(), e.before.describe() if e.before else "none")
              for e in verdict.new_errors]
    for title, header, rows in (("Regressed", ("test", "before", "after"), regressed),
                                ("New or changed collection errors", ("module", "now", "before"), errors)):
        if not rows:
            continue
        columns = [([row[0] for row in rows], False), ([row[1] for row in rows], True), ([row[2] for row in rows], True)]
        if not _fits(console.width, columns):
            console.print(Text(f"{title}:"))
            _lines(console, [f"  {' | '.join(_one_line(cell) for cell in row)}" for row in rows])
            continue
        table = Table(title=title, title_justify="left")
        table.add_column(header[0], no_wrap=True)
        table.add_column(header[1], overflow="fold")
        table.add_column(header[2], overflow="fold")
        for row in rows:
            table.add_row(*(Text(cell) for cell in row))
        console.print(table)
    for title, items, colour in (("Fixed", verdict.fixed, "green"), ("Still failing", verdict.still_failing, "yellow")):
        if items:
            console.print(Text(f"{title} ({len(items)}):", style=colour))
            _lines(console, [f"  {item}" for item in items[:50]])
            if len(items) > 50:
                console.print(f"  and {len(items) - 50} more (all of them: --output-format concise)")
    for run in (verdict.baseline, verdict.after):
        if run is not None and run.could_not_run and run.output_tail:
            console.print(Text(f"Last lines of output ({_run_title(run)}):", style="dim"))
            console.print(Text(run.output_tail.rstrip("\n")), soft_wrap=True)


def _run_title(run) -> str:
    return "after the edits" if run.label == "after" else run.label


def print_apply_report(console: Console, report, layout: str) -> None:
    """The plan without its diffs, the gate's verdict and one line saying what happened."""
    from rich.text import Text
    if report.plan is not None:
        print_plan(console, report.plan, layout, show_diffs=False)
    if layout == "github":
        return
    if report.outcome == "strict" and report.plan is not None:
        print_findings(console, report.plan.findings_at_least("error"), layout, title="Errors that stop --strict")
    if report.gate is not None:
        gate_report(console, report.gate, layout)
    elif report.gate_skipped and report.plan is not None and not report.plan.is_empty and report.outcome != "strict":
        console.print(f"Gate: not run ({report.gate_skipped}).", style="dim", soft_wrap=True, markup=False)
    if report.message and report.outcome != "nothing-to-migrate":
        text = report.message if report.outcome == "strict" else report.message[:1].upper() + report.message[1:]
        console.print(Text(text + ".", style=_OUTCOME_STYLE.get(report.outcome, "")), soft_wrap=True)
    if report.pushed:
        console.print(f"Pushed {report.branch} to {report.remote}.", soft_wrap=True, markup=False)
    if report.pull_request is not None:
        pull = report.pull_request
        console.print(f"Pull request #{pull.number} {pull.action}: {pull.url}", soft_wrap=True, markup=False)
    if report.error:
        console.print(Text.assemble(("error: ", "bold red"), report.error), soft_wrap=True)


class GateProgress:
    """Live progress of the gate on stderr: a spinner with the elapsed time and the suite's last line on a
    terminal, one line when a run starts and one when it ends otherwise (CI logs)."""

    def __init__(self, console: Console, *, live: bool) -> None:
        self.console = console
        self.live = live
        self._progress = None
        self._task = None

    def started(self, label: str, command: str) -> None:
        from rich.text import Text
        if not self.live:
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


def batch_rows(run) -> list[dict[str, str]]:
    """Each member's outcome as the cells a person reads: branch, full commit, gate, pull request or error."""
    rows = []
    for result in run.results:
        row = result.to_json()
        pull = row["pull_request"]
        error = (row["error"] or "").splitlines()
        rows.append({
            "member": result.name, "outcome": row["outcome"], "branch": row["branch"] or "",
            "commit": row["commit"] or "", "gate": row["gate"] or "",
            "pull request": pull["url"] if pull else "", "error": error[0] if error else "",
            "seconds": f"{row['seconds']:.1f}",
        })
    return rows


def print_batch(console: Console, run, layout: str) -> None:
    """One row per member on a full layout, else one line per member; then the count of ok and failed."""
    rows = batch_rows(run)
    title = f"batch {run.batch.path.name}: {len(run.results) - len(run.failed)} ok, {len(run.failed)} failed"
    shown = [dict(row, commit=row["commit"][:12], **{"pull request": row["pull request"] or row["error"]})
             for row in rows]
    columns = ("member", "outcome", "branch", "commit", "gate", "pull request", "seconds")
    widths = [([row[c] for row in shown] + [c], c == "pull request" and any(r["error"] for r in rows))
              for c in columns]
    if layout == "full" and _fits(console.width, widths):
        from rich.table import Table
        from rich.text import Text
        table = Table(title=title[:1].upper() + title[1:], title_justify="left")
        for column in columns:
            table.add_column(column, no_wrap=column != "pull request", overflow="fold",
                             justify="right" if column == "seconds" else "left")
        for row in shown:
            table.add_row(*(Text(row[c], style=_OUTCOME_STYLE.get(row[c], "") if c == "outcome" else "")
                            for c in columns))
        console.print(table)
        return
    lines = []
    for row in rows:
        parts = [f"member {row['member']}: {row['outcome']}"]
        if row["branch"]:
            parts.append(f"branch {row['branch']}" + (f" at {row['commit']}" if row["commit"] else ""))
        if row["gate"]:
            parts.append(f"gate {row['gate']}")
        if row["pull request"]:
            parts.append(f"pull request {row['pull request']}")
        if row["error"]:
            parts.append(f"error: {row['error']}")
        lines.append(", ".join(parts) + f" ({row['seconds']}s)")
    _lines(console, [*lines, title])


# -- audit and check ------------------------------------------------------------------------------------

# Code prefix -> the table an audit finding is listed in, in this order.
AUDIT_SECTIONS = (
    ("SSOT00", "Files that do not parse"),
    ("SSOT50", "Broken imports"),
    ("SSOT52", "Duplicate classes"),
    ("SSOT53", "Signature mismatches"),
)


def print_audit(console: Console, findings: Sequence[Finding], stats: str, layout: str, *, summary: bool = True) -> None:
    """A table per kind of leftover on a full layout (each message ends with its fix), else one line per
    finding; then the counts by severity and what was read."""
    if layout == "full":
        from rich.table import Table
        from rich.text import Text
        for prefix, title in AUDIT_SECTIONS:
            rows = [f for f in findings if f.code.startswith(prefix)]
            if not rows:
                continue
            locations = [f"{f.path}:{f.line}:{f.col}" for f in rows]
            if not _fits(console.width, [(locations, False), ([f.code for f in rows], False),
                                         ([f.message for f in rows], True)]):
                console.print(Text(f"{title} ({len(rows)})", style="bold"))
                _lines(console, [_styled_finding(f) for f in rows])
                continue
            table = Table(title=f"{title} ({len(rows)})", title_justify="left", show_lines=True)
            table.add_column("location", no_wrap=True)
            table.add_column("code", no_wrap=True)
            table.add_column("message (and fix)", overflow="fold")
            for finding, location in zip(rows, locations):
                table.add_row(location, Text(finding.code, style=SEVERITY_STYLE[finding.severity]),
                              Text(finding.message))
            console.print(table)
    else:
        print_findings(console, findings, layout)
    if summary and layout != "github":
        console.print(f"{count_line(findings)}; {stats}", soft_wrap=True, markup=False)


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
