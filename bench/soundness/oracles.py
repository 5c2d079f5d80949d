"""The oracles: each compares the rewritten project with the unmodified one, and says what got worse."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyflakes.checker

from corpora import Project, fresh_copy

# The pyflakes messages that mean broken or sloppy code a rewrite can cause: a name nothing binds, an import
# nothing uses, a binding made twice. (Style messages such as f-strings without placeholders are not the tool's.)
FLAKES = frozenset({
    "UndefinedName", "UndefinedExport", "UndefinedLocal", "UnusedImport", "RedefinedWhileUnused",
    "ImportShadowedByLoopVar", "ImportStarUsage", "ImportStarNotPermitted", "DuplicateArgument",
})
IMPORT_TIMEOUT = 60
TEST_TIMEOUT = 900


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "COLUMNS": "200", "NO_COLOR": "1", **extra}


def python_files(root: Path) -> dict[str, Path]:
    files = {}
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        if ".git" in rel.parts or "__pycache__" in rel.parts:
            continue
        files[rel.as_posix()] = path
    return files


def compiles(text: bytes, name: str) -> str | None:
    try:
        compile(text, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def flakes(text: bytes, name: str) -> Counter[str]:
    """How many messages of each kind in FLAKES pyflakes reports, with their text for the report."""
    try:
        tree = ast.parse(text, filename=name)
    except (SyntaxError, ValueError):
        return Counter()
    checker = pyflakes.checker.Checker(tree, filename=name)
    return Counter(type(m).__name__ for m in checker.messages if type(m).__name__ in FLAKES)


def flake_messages(text: bytes, name: str, kinds: set[str]) -> list[str]:
    tree = ast.parse(text, filename=name)
    checker = pyflakes.checker.Checker(tree, filename=name)
    return [f"{name}:{m.lineno}: {m.message % m.message_args}" for m in checker.messages if type(m).__name__ in kinds]


def module_name(project: Project, rel: str) -> str | None:
    """The module a file is, when it lies under one of the project's packages."""
    prefix = "" if project.source_root in ("", ".") else project.source_root + "/"
    if not rel.startswith(prefix) or not rel.endswith(".py"):
        return None
    parts = rel[len(prefix):-3].split("/")
    if parts[0] not in project.packages and not any(parts[0].startswith(p + "_moved") for p in project.packages):
        return None
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) if all(p.isidentifier() for p in parts) else None


def imports(root: Path, project: Project, module: str) -> str | None:
    """None when `module` imports in a fresh interpreter; otherwise the last line of its error."""
    source_root = root / project.source_root
    try:
        done = subprocess.run(
            [sys.executable, "-c", "import importlib, sys; importlib.import_module(sys.argv[1])", module],
            cwd=source_root, env=_env(PYTHONPATH=str(source_root)), capture_output=True, timeout=IMPORT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return f"timed out after {IMPORT_TIMEOUT} s"
    if done.returncode == 0:
        return None
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else f"exit {done.returncode}"


@dataclass(frozen=True)
class TestRun:
    returncode: int
    failing: frozenset[str]
    passed: int
    tail: str

    @property
    def ran(self) -> int:
        """Tests that passed or failed (a flaky test moves between the two, and still ran)."""
        return self.passed + len(self.failing)


_FAILED = re.compile(r"^(FAILED|ERROR) (\S+)")
_PASSED = re.compile(r"(\d+) passed")


def run_tests(root: Path, project: Project, only: list[str] | None = None) -> TestRun:
    source_root = root / project.source_root
    cmd = [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider", *project.pytest_args,
           *(only or project.tests)]
    try:
        done = subprocess.run(cmd, cwd=root, env=_env(PYTHONPATH=str(source_root)), capture_output=True,
                              timeout=TEST_TIMEOUT)
    except subprocess.TimeoutExpired:
        return TestRun(-1, frozenset(), 0, f"timed out after {TEST_TIMEOUT} s")
    out = done.stdout.decode("utf-8", "replace")
    failing = frozenset(m.group(2) for line in out.splitlines() if (m := _FAILED.match(line)))
    summary = out.strip().splitlines()[-1] if out.strip() else ""
    passed = int(m.group(1)) if (m := _PASSED.search(summary)) else 0
    return TestRun(done.returncode, failing, passed, "\n".join(out.strip().splitlines()[-15:]))


class Baseline:
    """The unmodified project's answers, each computed once per run when a trial first needs it."""

    def __init__(self, project: Project, root: Path, scratch: Path) -> None:
        self.project = project
        self.root = root
        self.scratch = scratch
        self.files = python_files(root)
        self._texts: dict[str, bytes] = {}
        self._imports: dict[str, str | None] = {}
        self._tests: TestRun | None = None

    def text(self, rel: str) -> bytes:
        if rel not in self._texts:
            self._texts[rel] = self.files[rel].read_bytes()
        return self._texts[rel]

    def imports(self, module: str) -> str | None:
        if module not in self._imports:
            self._imports[module] = imports(self.root, self.project, module)
        return self._imports[module]

    def copy(self) -> Path:
        """An unmodified checkout the tests may run in (they may write files)."""
        copy = self.scratch / f"baseline-{self.project.name}"
        return copy if copy.is_dir() else fresh_copy(self.root, copy)

    def tests(self) -> TestRun:
        if self._tests is None:
            self._tests = run_tests(self.copy(), self.project)
            if self._tests.returncode not in (0, 1):
                raise SystemExit(f"{self.project.name}: its own test suite does not run unmodified:\n{self._tests.tail}")
        return self._tests


@dataclass
class Verdict:
    failures: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


def judge(baseline: Baseline, root: Path, moved: dict[str, str], words: tuple[str, ...],
          second_plan: list[str]) -> Verdict:
    """Every oracle on the rewritten tree `root` against the unmodified project; `moved` maps old file paths
    to new ones; `words` are the last parts of old and new (a module that names them is imported)."""
    project = baseline.project
    verdict = Verdict()
    origin_of = {new: old for old, new in moved.items()}
    after = python_files(root)
    for rel in sorted(after):
        origin = origin_of.get(rel, rel if rel not in moved else None)
        text = after[rel].read_bytes()
        before = baseline.text(origin) if origin in baseline.files else None
        if before is not None and before == text:
            continue
        verdict.changed.append(rel)
        broken = compiles(text, rel)
        if broken and (before is None or compiles(before, origin) is None):
            verdict.failures.append(f"compile: {rel}: {broken}")
            continue
        worse = flakes(text, rel) - (flakes(before, origin) if before is not None else Counter())
        if worse:
            detail = "; ".join(flake_messages(text, rel, set(worse)))
            verdict.failures.append(f"pyflakes: {rel}: {dict(worse)}: {detail}")
    # Every module that changed, or that names the old or new path's last part, must still import.
    pattern = re.compile(rb"\b(?:" + b"|".join(re.escape(w.encode()) for w in words) + rb")\b")
    for rel in sorted(after):
        module = module_name(project, rel)
        if module is None or (rel not in verdict.changed and not pattern.search(after[rel].read_bytes())):
            continue
        origin = origin_of.get(rel, rel)
        before_module = module_name(project, origin) if origin in baseline.files else None
        if before_module is not None and baseline.imports(before_module) is not None:
            continue  # it did not import before either (an optional dependency missing here)
        error = imports(root, project, module)
        if error is not None:
            verdict.failures.append(f"import: {module}: {error}")
    before_tests = baseline.tests()
    after_tests = run_tests(root, project)
    new_failing = sorted(after_tests.failing - before_tests.failing)
    if new_failing and after_tests.returncode in (0, 1):
        # A test that fails only some of the time (click's pager tests do on a loaded machine) is not the
        # rewrite's doing: it counts only if it fails again in the rewritten tree and passes in the original.
        again = run_tests(root, project, only=new_failing).failing
        before_again = run_tests(baseline.copy(), project, only=sorted(again)).failing if again else frozenset()
        new_failing = sorted(again - before_again)
    if after_tests.returncode not in (0, 1):
        last = after_tests.tail.strip().splitlines()[-1:] or [""]
        verdict.failures.append(f"tests: pytest exit {after_tests.returncode}: {last[0]}")
    elif new_failing:
        shown = ", ".join(new_failing[:5]) + (f" (+{len(new_failing) - 5} more)" if len(new_failing) > 5 else "")
        verdict.failures.append(f"tests: {len(new_failing)} newly failing: {shown}")
    elif after_tests.ran < before_tests.ran:  # a test file that silently stopped being collected
        verdict.failures.append(f"tests: {after_tests.ran} ran, {before_tests.ran} before")
    if second_plan:
        verdict.failures.append(f"second plan: edits {', '.join(second_plan[:5])}")
    return verdict
