"""Plan, FileEdit and Finding: the values every stage passes on, and their versioned JSON."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any, Iterable, Literal

from . import TOOL_NAME, __version__

SCHEMA_VERSION = 1
Severity = Literal["error", "warning", "info"]
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


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
class Edit:
    """One edited node: where it starts in the file as that codemod saw it."""

    codemod: int
    line: int
    col: int

    def to_json(self) -> dict[str, int]:
        return {"codemod": self.codemod, "line": self.line, "col": self.col}


@dataclass(frozen=True)
class FileEdit:
    """The whole change to one file: its new bytes, the edits that made them, and a diff."""

    path: str
    old_sha256: str
    new_bytes: bytes
    edits: tuple[Edit, ...]
    diff: bytes
    encoding: str = "utf-8"

    @property
    def diff_text(self) -> str:
        return self.diff.decode(self.encoding, errors="replace")

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "edits": [e.to_json() for e in self.edits], "diff": self.diff_text}


@dataclass(frozen=True)
class CodemodSummary:
    index: int
    kind: str
    spec: str
    description: str
    files: int = 0
    edits: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"index": self.index, "kind": self.kind, "files": self.files, "edits": self.edits}


@dataclass
class Stats:
    discovered: int = 0
    prefiltered: int = 0
    parsed: int = 0
    changed: int = 0
    cached: int = 0
    # Repository-wide results of `prepare` (re-export rules) replayed from the cache (`recall`).
    recalled: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "seconds": round(self.seconds, 3)}


@dataclass(frozen=True)
class MigrationInfo:
    name: str
    description: str
    specs: tuple[str, ...]
    spec_hash: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "specs": list(self.specs), "spec_hash": self.spec_hash}


@dataclass
class Plan:
    """The result of running a migration over a tree without writing anything."""

    migration: MigrationInfo
    codemods: list[CodemodSummary]
    files: list[FileEdit]
    findings: list[Finding]
    stats: Stats = field(default_factory=Stats)

    @property
    def is_empty(self) -> bool:
        return not self.files

    def findings_at_least(self, severity: str) -> list[Finding]:
        rank = SEVERITY_RANK[severity]
        return [f for f in self.findings if SEVERITY_RANK[f.severity] >= rank]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": tool_json(),
            "migration": self.migration.to_json(),
            "codemods": [c.to_json() for c in self.codemods],
            "files": [f.to_json() for f in self.files],
            "findings": [f.to_json() for f in self.findings],
            "stats": self.stats.to_json(),
        }


def tool_json() -> dict[str, str]:
    return {"name": TOOL_NAME, "version": __version__}


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sorted_findings(findings: Iterable[Finding]) -> list[Finding]:
    unique = {(f.sort_key(), f.severity, f.codemod): f for f in findings}
    return [unique[key] for key in sorted(unique, key=lambda k: (k[0], k[2] if k[2] is not None else -1))]
