"""What a kind is: declared options, before/after examples, and the hooks the engine calls."""

from __future__ import annotations

import ast

import hashlib
import json
import textwrap
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Mapping


from ..discover import word_filter
from ..names import DottedName
from ..types import BytesFilter, CodemodSpec, Finding, Option, Severity

if TYPE_CHECKING:
    from ..rewrite.edits import TransformResult
    from ..bindings import FileContext
    from ..repo import RepoContext
    from ..focus import Focus
    from ..scan import FileScan
    from ..modules import ModuleInfo
    from ..rewrite.plain import PlainRewrite


@dataclass(frozen=True)
class Example:
    """A before/after case: files written to a temporary repo, the plan's expected output.

    `after` lists only the files the codemod changes; every other file must stay
    byte-identical. `findings` lists the expected finding codes, in order.
    """

    title: str
    codemod: Mapping[str, Any]
    before: Mapping[str, str]
    after: Mapping[str, str]
    findings: tuple[str, ...] = ()


def example_source(text: str) -> str:
    """An example file written as an indented triple-quoted string, as the file's text."""
    return textwrap.dedent(text).lstrip("\n")


def example_case(
    title: str,
    codemod: Mapping[str, Any],
    before: str,
    after: str | None,
    path: str = "app/main.py",
    *,
    base: Mapping[str, str],
    files: Mapping[str, str] | None = None,
    findings: tuple[str, ...] = (),
) -> Example:
    """An example that edits one file (`path`, None: left alone) of a repository made of `base` and `files`."""
    expected = {path: example_source(after)} if after is not None else {}
    return Example(title, codemod, {**base, **(files or {}), path: example_source(before)}, expected, tuple(findings))


class Kind(ABC):
    """Base of every codemod kind. Subclasses set the class attributes and the hooks they need."""

    name: ClassVar[str]
    summary: ClassVar[str]
    options: ClassVar[tuple[Option, ...]]
    examples: ClassVar[tuple[Example, ...]] = ()
    # The kind inserts or deletes expressions (call arguments, class bodies): verification checks the lines it
    # edits for names that became unbound or still mean an old path, not for a one-to-one match of references.
    inserts_expressions: ClassVar[bool] = False

    def __init__(self, spec: CodemodSpec) -> None:
        self.spec = spec
        self.index = spec.index
        self.values: Mapping[str, Any] = spec.values

    # -- validation (no file is read yet) --------------------------------------

    @classmethod
    def check(cls, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        """Semantic errors beyond types: (key, message) pairs."""
        return []

    # -- repository-level preparation (parent process) -------------------------

    def prepare(self, repo: RepoContext) -> list[Finding]:
        """Resolve names against the repository; return findings about the spec itself."""
        return []

    @abstractmethod
    def triggers(self) -> tuple[str, ...]:
        """Words that every file this codemod can change must contain (the prefilter)."""

    def prefilter(self) -> BytesFilter | None:
        """What the bytes of every file this codemod can change match (default: a trigger word).

        Its literals must be trigger words: every match contains one."""
        return word_filter(self.triggers())

    def confirm(self, scan: FileScan) -> bool:
        """A cheap second look (stdlib `ast` import scan) before the libcst parse."""
        return True

    def renames(self) -> tuple[tuple[str, str], ...]:
        """(old, new) dotted prefixes: what a reference under `old` means after this codemod's edits (verification
        expects exactly that; every other reference must keep its meaning)."""
        return ()

    def candidate_paths(self) -> frozenset[str]:
        """Files this codemod examines whether or not the prefilter lets them through (a moved
        module's own files, whose relative imports may have broken)."""
        return frozenset()

    def focus(self, scan: FileScan) -> Focus | None:
        """Which statements of a confirmed file this codemod can act on; the engine leaves the
        others out of the libcst parse and metadata (None: the whole file)."""
        return None

    def settle(self, scan: FileScan, tree: ast.Module) -> list[Finding] | None:
        """Everything this codemod would report on a confirmed file that it would not edit, when the `ast` scan
        alone proves it (the engine then skips libcst for the file); None: the file needs the libcst path.

        The result must equal what `transform` gives on the file: the same findings, and no edit."""
        return None

    def rewrite_plainly(self, data: bytes, tree: ast.Module, info: ModuleInfo, scan: FileScan) -> PlainRewrite | None:
        """This codemod's rewrite of a confirmed file from its `ast` alone, when the file has only shapes whose
        libcst rewrite is known in advance (the engine then skips libcst for the file and verifies the result as
        usual); None: the file needs the libcst path.

        The result must equal what `transform` gives on the file: the same bytes, the same edit positions, and no
        finding."""
        return None

    def fingerprint(self) -> str:
        """Everything the per-file transform depends on, for the cache key."""
        state = {"kind": self.name, "values": jsonable(self.values), "prepared": jsonable(self.prepared_state())}
        return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()

    def prepared_state(self) -> Any:
        """Repo-derived state set by `prepare` that changes transform results."""
        return None

    # -- per file (worker process) ---------------------------------------------

    @abstractmethod
    def transform(self, ctx: FileContext) -> TransformResult | None:
        """Rewrite one parsed file; None when nothing in it matches."""

    def text_file_patterns(self) -> tuple[str, ...]:
        """Non-Python files (gitignore-style patterns) this codemod rewrites."""
        return ()

    def transform_text(self, path: str, data: bytes) -> tuple[bytes, list[tuple[int, int]]]:
        return data, []

    # -- helpers for subclasses --------------------------------------------------

    def finding(self, path: str, line: int, col: int, severity: Severity, code: str, message: str, **extra: Any) -> Finding:
        return Finding(path, line, col, severity, code, self.index, message, **extra)

    def spec_finding(self, key: str, severity: Severity, code: str, message: str) -> Finding:
        """A finding located at a key of this codemod in its spec file."""
        line = self.spec.key_lines.get(key, self.spec.line)
        return Finding(self.spec.spec_path, line, 1, severity, code, self.index, message)

    @property
    def label(self) -> str:
        """How messages for people name this codemod (numbered from 1)."""
        return f"codemod {self.index + 1} ({self.name})"


def dotted_option(values: Mapping[str, Any], key: str) -> DottedName:
    return values[key] if isinstance(values[key], DottedName) else DottedName.parse(values[key])


def jsonable(value: Any) -> Any:
    if isinstance(value, DottedName):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    return value
