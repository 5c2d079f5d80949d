"""Plan, FileEdit and Finding: the values every stage passes on, and their versioned JSON."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import Any

from . import TOOL_NAME, __version__
from .types import SEVERITY_RANK, Finding

SCHEMA_VERSION = 1


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
class FileOutcome:
    """What planning one file produced (picklable: it crosses process boundaries)."""

    path: str
    old_sha256: str
    new_bytes: bytes | None
    edits: tuple[Edit, ...]
    findings: tuple[Finding, ...]
    diff: bytes
    encoding: str
    parsed: bool
    verified: bool = False  # the rewrite passed verification (`rewrite.verify`)
    cached: bool = False


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
    # Rewritten files that passed verification (`rewrite.verify`); a file that fails it is not written.
    verified: int = 0
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
