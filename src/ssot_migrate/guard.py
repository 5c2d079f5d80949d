"""Keeping it migrated: `check` turns a plan's pending edits into findings; ruff `banned-api` entries for old paths."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

from .codes import pending_edit_code
from .names import DottedName
from .plan import SCHEMA_VERSION, Plan, tool_json
from .spec import Migration
from .types import CodemodSpec, Finding, sorted_findings


@dataclass(frozen=True)
class CheckResult:
    """What `check` found: one finding per pending edit, plus the plan's error findings (refusals)."""

    plan: Plan
    findings: tuple[Finding, ...]
    pending: int

    @property
    def failed(self) -> bool:
        return bool(self.findings)

    def summary(self) -> str:
        """One line for people: what is pending and what to run."""
        parts = []
        if self.pending:
            parts.append(
                f"{self.pending} pending edit{'s' if self.pending != 1 else ''} of migration {self.plan.migration.name}: "
                "`ssot-migrate apply --in-place` (or `plan` to preview) fixes them"
            )
        refused = len(self.findings) - self.pending
        if refused:
            parts.append(
                f"{refused} refused edit{'s' if refused != 1 else ''} that "
                f"{'need' if refused != 1 else 'needs'} a hand (`ssot-migrate explain CODE` explains each code)"
            )
        return "; ".join(parts) + "."

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": tool_json(),
            "findings": [f.to_json() for f in self.findings],
            "stats": self.plan.stats.to_json(),
        }


def check_result(plan: Plan, migration: Migration) -> CheckResult:
    specs = {spec.index: spec for spec in migration.codemods}
    pending: list[Finding] = []
    for file in plan.files:
        for edit in file.edits:
            pending.append(pending_edit_finding(file.path, edit.line, edit.col, specs[edit.codemod]))
    refusals = [f for f in plan.findings if f.severity == "error"]
    return CheckResult(plan, tuple(sorted_findings([*pending, *refusals])), len(pending))


def pending_edit_finding(path: str, line: int, col: int, spec: CodemodSpec) -> Finding:
    """`path:line:col: SSOT58x <what is still old> (fix: <what it becomes>)` for one edit the spec would make."""
    values = spec.values
    suggestion = None
    if spec.kind == "rename-import":
        old, new = _dotted(values["old"]), str(values["new"])
        message = f"uses {old}, retired by codemod {spec.index + 1} (fix: {_dotted(values['new'])})"
        suggestion = (old, new)
    elif spec.kind == "collapse-class":
        canonical = _dotted(values["canonical"])
        message = f"uses a duplicate class that collapses into {canonical} (fix: {canonical})"
        suggestion = None
    elif spec.kind == "call-args":
        message = (
            f"call to {_dotted(values['function'])} passes its old arguments "
            f"(fix: `ssot-migrate apply` rewrites it, codemod {spec.index + 1})"
        )
    elif spec.kind == "error-code-message":
        message = (
            f"call to {_dotted(values['function'])} passes a message without an error code "
            f"(fix: `ssot-migrate apply` adds it, codemod {spec.index + 1})"
        )
    else:
        message = f"pending {spec.kind} edit (fix: `ssot-migrate apply`, codemod {spec.index + 1})"
    return Finding(path, line, col, "error", pending_edit_code(spec.kind), spec.index, message, suggestion)


def _dotted(value: Any) -> str:
    return value.dotted if isinstance(value, DottedName) else str(value).replace(":", ".")


# -- ruff ---------------------------------------------------------------------------------------------


def migration_moves(migration: Migration) -> list[tuple[str, str]]:
    """(old, new) dotted paths a migration retires: rename-import olds and collapse-class duplicates."""
    moves = []
    for spec in migration.codemods:
        if spec.kind == "rename-import":
            moves.append((_dotted(spec.values["old"]), _dotted(spec.values["new"])))
        elif spec.kind == "collapse-class":
            canonical = _dotted(spec.values["canonical"])
            moves += [(_dotted(d), canonical) for d in spec.values.get("duplicates", ())]
    return moves


def ruff_banned_api(moves: Iterable[tuple[str, str]]) -> str:
    """A pyproject.toml snippet banning every old path with ruff's TID251, each saying what to use instead."""
    entries: dict[str, str] = {}
    for old, new in moves:
        entries.setdefault(old.replace(":", "."), new.replace(":", "."))
    lines = [
        "# Add to pyproject.toml (or ruff.toml without the `tool.ruff.` prefix) and select the rule:",
        '#   [tool.ruff.lint] extend-select = ["TID251"]',
        "[tool.ruff.lint.flake8-tidy-imports.banned-api]",
    ]
    for old in sorted(entries):
        message = f"Moved by an SSOT migration: use {entries[old]} instead."
        lines.append(f"{json.dumps(old)}.msg = {json.dumps(message)}")
    return "\n".join(lines) + "\n"


def guard_moves(audit_moves: Sequence[tuple[str, str]], migration: Migration | None) -> list[tuple[str, str]]:
    """The configured migration's retired paths first (they are final), then the audit's decided fixes."""
    return (migration_moves(migration) if migration is not None else []) + list(audit_moves)
