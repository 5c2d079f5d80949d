"""The HTML report a reviewer opens in a browser: one self-contained page (inline CSS, a few lines of script,
no network) with the verdict first, findings grouped by code, API matrices of duplicate classes and the diffs.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from . import TOOL_NAME, __version__
from .codes import CODES
from .plan import Plan
from .types import Finding

# Above this many files the diffs start folded, so a big plan opens fast and reads as a list.
OPEN_DIFFS_MAX = 30
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class MatrixClass:
    fqn: str
    path: str
    line: int


@dataclass(frozen=True)
class MatrixCell:
    """A member as one class has it: its kind, signature (callables), and where it is defined."""

    kind: str
    signature: str | None
    line: int
    owner: str
    path: str


@dataclass(frozen=True)
class ApiMatrix:
    """Classes as columns, public members as rows: `cells[row][column]` is None where the class lacks it."""

    classes: tuple[MatrixClass, ...]
    members: tuple[str, ...]
    cells: tuple[tuple[MatrixCell | None, ...], ...]

    def differs(self, row: int) -> bool:
        """Whether the classes disagree on this member: one lacks it, or their signatures differ."""
        present = self.cells[row]
        if any(cell is None for cell in present):
            return True
        return len({cell.signature for cell in present if cell is not None}) > 1


def plan_page(plan: Plan, matrices: Sequence[ApiMatrix] = (), root: Path | None = None) -> str:
    edits = sum(len(f.edits) for f in plan.files)
    verdict = [
        _count(len(plan.files), "file to change", "files to change"), _count(edits, "edit", "edits"),
        *_severity_counts(plan.findings),
    ]
    headline = "Nothing to migrate." if plan.is_empty else _ready(plan.findings)
    body = [
        _verdict(_e(headline), verdict, _stats(plan)),
        _codemods(plan),
        _file_list(plan),
        _findings(plan.findings, _diff_anchors(plan), root),
        _matrices(matrices),
        _diffs(plan),
    ]
    return _page(f"plan: {plan.migration.name}", body)


def audit_page(report: Any, stats: str, matrices: Sequence[ApiMatrix] = (), root: Path | None = None) -> str:
    findings = report.findings
    headline = "No findings." if not findings else f"{_plural(len(findings), 'finding')} in the project."
    body = [_verdict(_e(headline), _severity_counts(findings), stats), _findings(findings, {}, root), _matrices(matrices)]
    return _page("audit", body)


def apply_page(report: Any, matrices: Sequence[ApiMatrix] = (), root: Path | None = None) -> str:
    plan = report.plan
    items = []
    if plan is not None:
        items += [_count(len(plan.files), "file changed", "files changed"),
                  _count(sum(len(f.edits) for f in plan.files), "edit", "edits"), *_severity_counts(plan.findings)]
    if report.gate is not None or report.gate_skipped:
        from .render import gate_verdict

        state = "" if report.gate is None else ' class="ok"' if report.gate.passed else ' class="bad"'
        items.append(f"<li{state}>{_e(gate_verdict(report.gate, report.gate_skipped))}</li>")
    headline = _e((report.message[:1].upper() + report.message[1:] + ".") if report.message else report.outcome)
    if report.pull_request is not None:
        pull = report.pull_request
        headline += f' Pull request <a href="{_e(pull.url)}">#{pull.number}</a> {_e(pull.action)}.'
    body = [_verdict(headline, items, _stats(plan) if plan is not None else "",
                     good=not report.error and report.exit_code == 0)]
    if report.gate is not None:
        body.append(_gate(report.gate))
    if plan is not None:
        body += [_codemods(plan), _file_list(plan), _findings(plan.findings, _diff_anchors(plan), root),
                 _matrices(matrices), _diffs(plan)]
    return _page(f"apply: {report.migration.name}", body)


def batch_page(run: Any) -> str:
    from .render import batch_rows

    rows = batch_rows(run)
    failed = len(run.failed)
    headline = f"{len(rows) - failed} of {_plural(len(rows), 'member')} ok" + (f", {failed} failed." if failed else ".")
    table = ['<section id="members"><h2>Members</h2><table class="grid"><thead><tr><th>member</th><th>outcome</th>'
             '<th>branch</th><th>commit</th><th>gate</th><th>pull request</th><th>seconds</th></tr></thead><tbody>']
    for row in rows:
        pull = f'<a href="{_e(row["pull request"])}">{_e(row["pull request"])}</a>' if row["pull request"] else ""
        error = f'<div class="error">{_e(row["error"])}</div>' if row["error"] else ""
        table.append(
            f'<tr class="member"><td>{_e(row["member"])}</td><td class="outcome {_e(row["outcome"])}">'
            f'{_e(row["outcome"])}</td><td><code>{_e(row["branch"])}</code></td><td><code>{_e(row["commit"][:12])}'
            f'</code></td><td>{_e(row["gate"])}</td><td>{pull}{error}</td><td class="num">{_e(row["seconds"])}</td></tr>'
        )
    table.append("</tbody></table></section>")
    body = [_verdict(_e(headline), [], f"batch file {run.batch.path.name}", good=not failed), "".join(table)]
    return _page(f"batch: {run.batch.path.name}", body)


# -- sections -------------------------------------------------------------------------------------------


def _verdict(headline_html: str, items: Iterable[str], stats: str, *, good: bool | None = None) -> str:
    """The first section of every page: one sentence, the counts, and what the run looked at."""
    status = "" if good is None else (" good" if good else " bad")
    return (f'<section id="verdict" class="verdict{status}"><h2>Verdict</h2><p class="headline">{headline_html}</p>'
            f'<ul class="counts">{"".join(items)}</ul><p class="stats">{_e(stats)}</p></section>')


def _ready(findings: Sequence[Finding]) -> str:
    errors = sum(1 for f in findings if f.severity == "error")
    warnings = sum(1 for f in findings if f.severity == "warning")
    if errors:
        return f"{_plural(errors, 'error')} to look at: the plan leaves those places unchanged."
    if warnings:
        return f"Ready to apply; {_plural(warnings, 'warning')} for a person to read first."
    return "Ready to apply."


def _count(count: int, singular: str, plural: str) -> str:
    return f"<li><b>{count}</b> {singular if count == 1 else plural}</li>"


def _severity_counts(findings: Sequence[Finding]) -> list[str]:
    counts = {s: sum(1 for f in findings if f.severity == s) for s in SEVERITIES}
    return [f'<li class="sev-{s}"><b>{n}</b> {s}{"s" if n != 1 else ""}</li>' for s, n in counts.items()]


def _stats(plan: Plan) -> str:
    from .render import stats_line

    return stats_line(plan)


def _codemods(plan: Plan) -> str:
    rows = "".join(
        f'<tr><td class="num">{c.index + 1}</td><td class="nowrap"><code>{_e(c.kind)}</code></td><td><code>{_e(c.description)}'
        f'</code></td><td class="num">{c.files}</td><td class="num">{c.edits}</td></tr>' for c in plan.codemods
    )
    return (f'<section id="codemods"><h2>Codemods of {_e(plan.migration.name)}</h2><table class="grid"><thead><tr>'
            f'<th>#</th><th>kind</th><th>codemod</th><th>files</th><th>edits</th></tr></thead><tbody>{rows}'
            "</tbody></table></section>")


def _diff_anchors(plan: Plan) -> dict[str, str]:
    return {file.path: f"file-{number}" for number, file in enumerate(plan.files, 1)}


def _file_list(plan: Plan) -> str:
    if not plan.files:
        return ""
    anchors = _diff_anchors(plan)
    items = "".join(
        f'<li><a href="#{anchors[f.path]}">{_e(f.path)}</a> <span class="muted">{_plural(len(f.edits), "edit")}</span></li>'
        for f in plan.files
    )
    return (f'<nav id="files"><h2>Changed files ({len(plan.files)})</h2><p><button type="button" id="expand-all">'
            'Expand all diffs</button> <button type="button" id="collapse-all">Collapse all diffs</button></p>'
            f"<ol>{items}</ol></nav>")


def _findings(findings: Sequence[Finding], anchors: dict[str, str], root: Path | None) -> str:
    """Findings grouped by code, worst severity first; each location links to its file's diff in the page, else
    to the file itself (`root`), and each code to its explanation."""
    if not findings:
        return '<section id="findings"><h2>Findings (0)</h2><p>No findings.</p></section>'
    by_code: dict[str, list[Finding]] = {}
    for finding in findings:
        by_code.setdefault(finding.code, []).append(finding)
    rank = {s: n for n, s in enumerate(SEVERITIES)}
    order = sorted(by_code, key=lambda code: (min(rank[f.severity] for f in by_code[code]), code))
    groups = []
    for code in order:
        doc = CODES.get(code)
        items = []
        for f in by_code[code]:
            location = f"{f.path}:{f.line}:{f.col}"
            target = anchors.get(f.path)
            href = f"#{target}" if target else (root / f.path).as_uri() if root is not None else None
            link = f'<a href="{_e(href)}">{_e(location)}</a>' if href else f"<code>{_e(location)}</code>"
            items.append(f'<li class="finding sev-{f.severity}" data-code="{code}">{link} '
                         f'<span class="sev">{f.severity}</span> {_e(f.message)} '
                         f'<a class="doc" href="#doc-{code}">{code}</a></li>')
        explanation = (f'<div class="codedoc" id="doc-{code}"><p><b>What happened.</b> {_e(doc.meaning)}</p>'
                       f"<p><b>What to do.</b> {_e(doc.fix)}</p></div>") if doc else ""
        title = _e(doc.title) if doc else ""
        groups.append(f'<details class="code-group" id="code-{code}" open><summary><span class="code">{code}</span> '
                      f'{title} <span class="muted">({len(by_code[code])})</span></summary>{explanation}'
                      f'<ul class="findings">{"".join(items)}</ul></details>')
    return f'<section id="findings"><h2>Findings ({len(findings)})</h2>{"".join(groups)}</section>'


def _matrices(matrices: Sequence[ApiMatrix]) -> str:
    if not matrices:
        return ""
    parts = ['<section id="api"><h2>Duplicate classes: who has what</h2><p class="muted">Public members as rows, '
             "classes as columns; a highlighted row is a member some class lacks or defines with another signature."
             "</p>"]
    for matrix in matrices:
        head = "".join(f'<th><code title="{_e(c.path)}:{c.line}">{_e(c.fqn.rsplit(".", 1)[-1])}</code>'
                       f'<div class="muted">{_e(c.path)}:{c.line}</div></th>' for c in matrix.classes)
        rows = []
        for number, member in enumerate(matrix.members):
            cells = []
            for cell in matrix.cells[number]:
                if cell is None:
                    cells.append('<td class="missing">—</td>')
                else:
                    signature = f"<code>{_e(cell.signature)}</code>" if cell.signature else ""
                    cells.append(f'<td class="has" title="{_e(cell.owner)} ({_e(cell.path)}:{cell.line})">✓ '
                                 f'<span class="muted">{_e(cell.kind)}</span> {signature}</td>')
            style = ' class="differs"' if matrix.differs(number) else ""
            rows.append(f"<tr{style}><th><code>{_e(member)}</code></th>{''.join(cells)}</tr>")
        parts.append(f'<div class="scroll"><table class="grid matrix"><thead><tr><th>member</th>{head}</tr></thead>'
                     f"<tbody>{''.join(rows)}</tbody></table></div>")
    parts.append("</section>")
    return "".join(parts)


def _gate(verdict: Any) -> str:
    from .render import _run_title

    runs = "".join(f"<li>{_e(_run_title(run))}: {_e(run.summary())}</li>"
                   for run in (verdict.baseline, verdict.after) if run is not None)
    reasons = "".join(f'<li class="bad">{_e(reason)}</li>' for reason in verdict.reasons)
    lists = [
        ("Regressed", [f"{r.test} ({r.before} → {r.after})" for r in verdict.regressed]),
        ("New or changed collection errors", [f"{e.error.module}: {e.error.describe()}" for e in verdict.new_errors]),
        ("Fixed", list(verdict.fixed)),
        ("Still failing", list(verdict.still_failing)),
    ]
    details = "".join(
        f'<details{" open" if title in ("Regressed", "New or changed collection errors") else ""}><summary>{title} '
        f'({len(items)})</summary><ul>{"".join(f"<li><code>{_e(i)}</code></li>" for i in items)}</ul></details>'
        for title, items in lists if items
    )
    state = "passed" if verdict.passed else "failed"
    return (f'<section id="gate"><h2>Gate {state} <span class="muted">({_e(verdict.settings.mode)})</span></h2>'
            f"<p><code>{_e(verdict.settings.command)}</code></p><ul>{runs}{reasons}</ul>{details}</section>")


def _diffs(plan: Plan) -> str:
    if not plan.files:
        return ""
    anchors = _diff_anchors(plan)
    opened = " open" if len(plan.files) <= OPEN_DIFFS_MAX else ""
    parts = ['<section id="diffs"><h2>Diffs</h2>']
    for file in plan.files:
        parts.append(f'<details class="file" id="{anchors[file.path]}"{opened}><summary><code>{_e(file.path)}</code> '
                     f'<span class="muted">{_plural(len(file.edits), "edit")}</span></summary>'
                     f'<pre class="diff">{highlighted_diff(file.path, file.diff_text)}</pre></details>')
    parts.append("</section>")
    return "".join(parts)


def highlighted_diff(path: str, diff: str) -> str:
    """A unified diff as HTML lines: each line marked added, removed, hunk or context, its code highlighted by
    pygments (lexed once per file, so a string or comment that spans lines keeps its colour)."""
    from pygments.lexers import PythonLexer, TextLexer, get_lexer_for_filename
    from pygments.token import STANDARD_TYPES
    from pygments.util import ClassNotFound

    from .diff import line_kinds, text_lines

    lines = [line.rstrip("\n").removesuffix("\r") for line in text_lines(diff)]
    kinds, code = [], []
    for line, kind in zip(lines, line_kinds(lines)):
        # git's "\\ No newline at end of file" is shown like a header line: it is not code to highlight.
        kinds.append("meta" if kind == "note" else kind)
        code.append(line[1:] if kind in ("add", "del", "ctx") else None)
    try:
        lexer = PythonLexer() if path.endswith((".py", ".pyi")) else get_lexer_for_filename(path)
    except ClassNotFound:
        lexer = TextLexer()
    source = "\n".join(c for c in code if c is not None) + "\n"
    rendered: list[list[str]] = [[]]
    for token, value in lexer.get_tokens(source):
        css = STANDARD_TYPES.get(token) or STANDARD_TYPES.get(token.parent, "")
        for number, piece in enumerate(value.split("\n")):
            if number:
                rendered.append([])
            if piece:
                rendered[-1].append(f'<span class="{css}">{_e(piece)}</span>' if css else _e(piece))
    out = []
    spans = iter(rendered)
    for kind, line, text in zip(kinds, lines, code):
        if text is None:
            out.append(f'<span class="l {kind}">{_e(line)}</span>')
        else:
            out.append(f'<span class="l {kind}">{_e(line[:1] or " ")}{"".join(next(spans, []))}</span>')
    # Each line is a block of its own; newlines between them would show as blank lines inside <pre>.
    return "".join(out)


# -- the page -------------------------------------------------------------------------------------------


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


_CSS = """
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--add:#dafbe1;--del:#ffebe9;
--hunk:#ddf4ff;--err:#cf222e;--warn:#9a6700;--info:#0969da;--ok:#1a7f37;--diff:#fffbdd}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#8d96a0;--line:#30363d;--add:#12261e;
--del:#25171c;--hunk:#121d2f;--err:#f85149;--warn:#d29922;--info:#58a6ff;--ok:#3fb950;--diff:#272115}}
body{font:14px/1.5 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:1rem 2rem;background:var(--bg);color:var(--fg)}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem;border-bottom:1px solid var(--line);padding-bottom:.2rem}
code,pre{font:12.5px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
a{color:var(--info)}.muted{color:var(--muted)}
.verdict{border:2px solid var(--line);border-radius:8px;padding:.2rem 1rem}.verdict.good{border-color:var(--ok)}
.verdict.bad{border-color:var(--err)}.headline{font-size:1.1rem;font-weight:600}
.counts{display:flex;flex-wrap:wrap;gap:.4rem 1.5rem;list-style:none;padding:0}
.sev-error b,.sev-error .sev,.bad{color:var(--err)}.sev-warning b,.sev-warning .sev{color:var(--warn)}
.sev-info b,.sev-info .sev{color:var(--info)}.ok,.outcome.created,.outcome.updated{color:var(--ok)}
.outcome.gate-failed,.outcome.error,.outcome.refused{color:var(--err)}
table.grid{border-collapse:collapse;margin:.5rem 0}.nowrap{white-space:nowrap}.scroll{overflow-x:auto}table.grid td,table.grid th{border:1px solid var(--line);
padding:.2rem .5rem;text-align:left;vertical-align:top}.num{text-align:right}
.matrix td.missing{color:var(--err);text-align:center}.matrix thead .muted{font-size:.8em;overflow-wrap:anywhere}
.matrix th,.matrix td{max-width:22rem}.matrix tr.differs th{background:var(--diff)}
details{margin:.3rem 0}summary{cursor:pointer}.code-group>summary .code{font-family:ui-monospace,monospace;font-weight:600}
.codedoc{border-left:3px solid var(--line);padding:0 .8rem;margin:.3rem 0 .3rem 1rem;color:var(--muted)}
ul.findings{margin:.2rem 0 .8rem}li.finding a.doc{font-size:.85em}
details.file{border:1px solid var(--line);border-radius:6px}details.file>summary{padding:.3rem .6rem;background:var(--hunk)}
pre.diff{margin:0;overflow-x:auto;padding:.3rem 0}pre.diff .l{display:block;padding:0 .6rem;white-space:pre}
.l.add{background:var(--add)}.l.del{background:var(--del)}.l.hunk{color:var(--muted);background:var(--hunk)}
.l.meta{color:var(--muted);font-weight:600}
.k,.kn,.kd,.kc,.ow{color:#cf222e}.s,.s1,.s2,.sa,.sd,.si,.se{color:#0a3069}.c,.c1,.cm{color:#6e7781;font-style:italic}
.nf,.fm{color:#8250df}.nc{color:#953800}.mi,.mf,.m{color:#0550ae}.nb,.bp{color:#0550ae}.nd{color:#8250df}
@media (prefers-color-scheme:dark){.k,.kn,.kd,.kc,.ow{color:#ff7b72}.s,.s1,.s2,.sa,.sd,.si,.se{color:#a5d6ff}
.c,.c1,.cm{color:#8b949e}.nf,.fm,.nd{color:#d2a8ff}.nc{color:#ffa657}.mi,.mf,.m,.nb,.bp{color:#79c0ff}}
footer{margin-top:2rem;color:var(--muted);font-size:.85em}
"""

# Following a link into a folded diff or finding group opens it; two buttons fold or unfold every diff.
_SCRIPT = """
(function(){
function reveal(){var id=decodeURIComponent(location.hash.slice(1));if(!id)return;var el=document.getElementById(id);
for(var e=el;e;e=e.parentElement){if(e.tagName==='DETAILS')e.open=true;}if(el)el.scrollIntoView();}
function setAll(open){document.querySelectorAll('details.file').forEach(function(d){d.open=open;});}
var expand=document.getElementById('expand-all'),collapse=document.getElementById('collapse-all');
if(expand)expand.addEventListener('click',function(){setAll(true);});
if(collapse)collapse.addEventListener('click',function(){setAll(false);});
window.addEventListener('hashchange',reveal);reveal();
})();
"""


def _page(title: str, sections: Iterable[str]) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
        'script-src \'unsafe-inline\'; img-src data:">'
        f"<title>{TOOL_NAME} {_e(title)}</title><style>{_CSS}</style></head><body>"
        f"<header><h1>{TOOL_NAME} {_e(title)}</h1></header>"
        + "".join(sections)
        + f"<footer>{TOOL_NAME} {__version__}</footer><script>{_SCRIPT}</script></body></html>\n"
    )
