"""The values every part of the pipeline shares: a codemod's spec and options, a finding, a byte filter."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Literal, Mapping

Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True)
class Option:
    """One key of a `[[codemod]]` table.

    `type` is one of: str, bool, int, dotted, dotted-list, str-list, str-map,
    int-map, table-list (whose keys are `fields`).
    """

    name: str
    type: str
    doc: str
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] | None = None
    fields: tuple[Option, ...] = ()


@dataclass(frozen=True)
class CodemodSpec:
    """One validated `[[codemod]]` table: `index` is 0-based across all specs of a run."""

    index: int
    kind: str
    values: Mapping[str, Any]
    spec_path: str
    line: int
    key_lines: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """Something a person should know: lines and columns count from 1; `codemod` is a 0-based index."""

    path: str
    line: int
    col: int
    severity: Severity
    code: str
    codemod: int | None
    message: str
    suggestion: tuple[str, str] | None = None
    group: tuple[str, ...] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "severity": self.severity,
            "code": self.code,
            "codemod": self.codemod,
            "message": self.message,
        }
        if self.suggestion is not None:
            data["suggestion"] = {"old": self.suggestion[0], "new": self.suggestion[1]}
        if self.group is not None:
            data["group"] = list(self.group)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Finding:
        suggestion = data.get("suggestion")
        group = data.get("group")
        return cls(
            data["path"], data["line"], data["col"], data["severity"], data["code"], data["codemod"],
            data["message"],
            (suggestion["old"], suggestion["new"]) if suggestion else None,
            tuple(group) if group is not None else None,
        )

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.col, self.code, self.message)


@dataclass(frozen=True)
class BytesFilter:
    """Regexes over a file's bytes (a file passes when one matches), and the literals one of
    which every match contains.

    The literals are looked for first: `bytes in bytes` is far faster than any regex, and
    most files of a repository contain none of them.
    """

    literals: tuple[bytes, ...]
    patterns: tuple[re.Pattern[bytes], ...]

    def search(self, data: bytes) -> bool:
        return any(literal in data for literal in self.literals) and any(p.search(data) for p in self.patterns)


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    unique = {(f.sort_key(), f.severity, f.codemod): f for f in findings}
    return [unique[key] for key in sorted(unique, key=lambda k: (k[0], k[2] if k[2] is not None else -1))]
