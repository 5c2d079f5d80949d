"""Everything a person or a program reads: rich tables and diffs, unified diff, markdown, JSON."""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from . import TOOL_NAME, __version__
from .plan import Finding, Plan

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def stderr_console() -> Console:
    """The console for people: stderr, colour only on a terminal, NO_COLOR honoured (rich does both)."""
    return Console(stderr=True, highlight=False)


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def plan_diff(plan: Plan) -> bytes:
    """All file diffs, git-style; empty when there is nothing to change."""
    return b"".join(f.diff for f in plan.files)


def summary_table(plan: Plan) -> Table:
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


def plan_markdown(plan: Plan, *, extra_sections: Iterable[str] = ()) -> str:
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
    for section in extra_sections:
        lines += [section, ""]
    if plan.files:
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
