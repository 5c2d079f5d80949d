"""Draft a migration spec from audit findings: one codemod per fix, commented out where a human must decide."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Iterable, Sequence

from . import __version__
from .audit import NAME_FAMILY, AuditItem, CallArgsFix, CollapseFix, ErrorCodeFix, RenameFix
from .types import Finding

DRAFT_NAME = "audit-fixes"
# The code a drafted error-code-message gives messages that are not literals (a person confirms it).
DYNAMIC_CODE = "INTERNAL_ERROR"


def draft_spec(items: Sequence[AuditItem], spec_name: str = "FILE") -> str:
    """The TOML text of a spec: live rename-import codemods for decided import fixes; everything else as comments.

    Every live table validates with today's kinds; tables for kinds that need a
    human's decision (collapse-class, call-args, ambiguous renames) are written
    commented out, ready to uncomment.
    """
    renames: dict[str, list[tuple[RenameFix, Finding]]] = defaultdict(list)
    collapses: dict[tuple[str, tuple[str, ...], bool], list[Finding]] = defaultdict(list)
    calls: dict[str, list[tuple[CallArgsFix, Finding]]] = defaultdict(list)
    error_codes: dict[str, list[tuple[ErrorCodeFix, Finding]]] = defaultdict(list)
    manual: list[Finding] = []
    for item in items:
        fix = item.fix
        if isinstance(fix, RenameFix):
            renames[fix.old].append((fix, item.finding))
        elif isinstance(fix, CollapseFix):
            collapses[(fix.canonical, tuple(sorted(fix.duplicates)), fix.decided)].append(item.finding)
        elif isinstance(fix, CallArgsFix):
            calls[fix.function].append((fix, item.finding))
        elif isinstance(fix, ErrorCodeFix):
            error_codes[fix.function].append((fix, item.finding))
        else:
            manual.append(item.finding)

    live: list[str] = []
    decide: list[str] = []
    # Codemods run in order and each sees the previous one's result: a symbol inside a module that
    # moves too must be renamed before its module is.
    for old in sorted(renames, key=lambda name: (-name.count("."), name)):
        entries = renames[old]
        news = list(dict.fromkeys(fix.new for fix, _ in entries))
        fix = entries[0][0]
        block = _finding_comments([f for _, f in entries])
        table = ["[[codemod]]", 'kind = "rename-import"', f"old = {_toml(old)}", f"new = {_toml(news[0])}"]
        reasons = []
        if len(news) > 1:
            reasons.append(f"the findings disagree on the new path: {', '.join(news)}")
        reasons += [f"alternatives: {', '.join(f.alternatives)}" for f, _ in entries[:1] if f.alternatives]
        reasons += [f.note for f, _ in entries[:1] if f.note]
        if fix.decided and len(news) == 1 and not reasons:
            live.append("\n".join(block + table))
        else:
            decide.append("\n".join(block + [f"# A human must decide: {'; '.join(reasons)}."] + _commented(table)))
    for (canonical, duplicates, decided), findings in sorted(collapses.items()):
        if not duplicates:
            continue
        table = [
            "[[codemod]]", 'kind = "collapse-class"', f"canonical = {_toml(canonical)}",
            f"duplicates = [{', '.join(_toml(d) for d in duplicates)}]", 'leave = "deprecated-alias"',
        ]
        if decided:
            what = (
                "classes whose names are variants of one another and share public API"
                if findings[0].code == NAME_FAMILY else "the group you named with --pattern"
            )
            live.append("\n".join([
                f"# {findings[0].code} {what}: {len(duplicates)} duplicates of {canonical}, "
                "the class most imports reach.",
                "# Confirm before merging: each duplicate is the same thing as the canonical (interfaces, enums and "
                "classes that share no public member with it are left out); the old names stay as deprecated aliases.",
            ] + table))
            continue
        header = [f"# {findings[0].code} {len(duplicates) + 1} duplicate classes; suggested canonical (most referenced): "
                  f"{canonical}.",
                  "# A human must decide which class is canonical and which duplicates really are the same thing."]
        decide.append("\n".join(header + _commented(table)))
    for function in sorted(calls):
        entries = calls[function]
        options: dict[str, list[str]] = defaultdict(list)
        for fix, _ in entries:
            for key, value in fix.options:
                if value not in options[key]:
                    options[key].append(value)
        table = ["[[codemod]]", 'kind = "call-args"', f"function = {_toml(function)}"]
        for key, values in options.items():
            table.append(f"{key} = {values[0]}")
            table += [f"# or: {key} = {value}" for value in values[1:]]
        notes = list(dict.fromkeys(fix.note for fix, _ in entries if fix.note))
        header = _finding_comments([f for _, f in entries])
        placeholders = any('"..."' in line for line in table)
        consistent = all(len(values) == 1 for values in options.values())
        if consistent and all(fix.mechanical for fix, _ in entries):
            confirm = list(dict.fromkeys(c for fix, _ in entries for c in fix.confirm))
            if confirm:
                header.append(f"# Confirm before merging: {'; '.join(confirm)}.")
            live.append("\n".join(header + table))
            continue
        header.append(
            "# A human must decide how these calls change"
            + (' (values "..." are placeholders)' if placeholders else "") + ": " + "; ".join(notes) + "."
        )
        decide.append("\n".join(header + _commented(table)))
    for function in sorted(error_codes):
        entries = error_codes[function]
        learned = {fix.message: fix.code for fix, _ in entries if fix.message is not None and fix.code is not None}
        dynamic = any(fix.message is None for fix, _ in entries)
        table = ["[[codemod]]", 'kind = "error-code-message"', f"function = {_toml(function)}"]
        if learned:
            pairs = ", ".join(f"{_toml(message)} = {_toml(code)}" for message, code in sorted(learned.items()))
            table.append(f"codes = {{ {pairs} }}")
        table.append('derive = "upper-snake"')
        if dynamic:
            table.append(f"dynamic = {_toml(DYNAMIC_CODE)}")
        header = _finding_comments([f for _, f in entries])
        confirm = []
        if learned:
            confirm.append("`codes` pairs each message with the code the repository already writes next to it")
        confirm.append("other literal messages get their upper-snake form (\"Invalid JSON format\" -> INVALID_JSON_FORMAT)")
        if dynamic:
            confirm.append(f"messages that are no literal get {DYNAMIC_CODE} (each is reported when applied)")
        header.append(f"# Confirm before merging: {'; '.join(confirm)}.")
        live.append("\n".join(header + table))

    lines = [
        f"# Draft migration spec written by `ssot-migrate audit` (ssot-migrate {__version__}).",
        "# Review it, then preview and apply it:",
        f"#   ssot-migrate plan --spec {spec_name}",
        f"#   ssot-migrate apply --spec {spec_name} --in-place",
        "# Commented-out tables need a human's decision; uncomment them once decided.",
        "",
        "[migration]",
        f"name = {_toml(DRAFT_NAME)}",
        f"description = {_toml('Fix the leftovers that ssot-migrate audit found: broken imports, duplicate classes, calls that no longer fit.')}",
    ]
    for block in live:
        lines += ["", block]
    if decide:
        lines += ["", "# -- needs a human " + "-" * 60]
        for block in decide:
            lines += ["", block]
    if manual:
        lines += ["", "# -- no codemod can fix these " + "-" * 49, ""]
        lines += _finding_comments(manual)
    return "\n".join(lines) + "\n"


def count_live_codemods(text: str) -> int:
    return sum(1 for line in text.splitlines() if line.strip() == "[[codemod]]")


def _finding_comments(findings: Iterable[Finding]) -> list[str]:
    return [f"# {f.code} {f.path}:{f.line}:{f.col}: {f.message}" for f in findings]


def _commented(lines: Iterable[str]) -> list[str]:
    return [line if line.startswith("#") else f"# {line}" for line in lines]


def _toml(value: str) -> str:
    # A JSON string is a valid TOML basic string for everything a dotted name or message contains.
    return json.dumps(value, ensure_ascii=False)
