"""Run `apply --branch` over many repositories from one TOML file: one isolated process per member,
one report. For fan-out across machines it prints the members as a CI job matrix instead.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from .errors import UsageError
from .redaction import redact
from .plan import SCHEMA_VERSION, tool_json

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DEFAULT_BRANCH = "ssot/{name}"
MATRIX_FORMATS = ("github", "gitlab")
GITLAB_VARIABLE = "SSOT_MEMBER"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_GATES = ("no-regressions", "all-pass", "off")

# key -> (type check, description used in messages)
_STR = (lambda v: isinstance(v, str), "a string")
_BOOL = (lambda v: isinstance(v, bool), "true or false")
_STRS = (lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v), "a list of strings")
_NUMBER = (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < float("inf"),
           "a positive number")
_COUNT = (lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0, "a whole number, 0 or more")
MEMBER_KEYS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "name": _STR, "path": _STR, "url": _STR, "root": _STR, "specs": _STRS, "renames": _STRS, "paths": _STRS,
    "branch": _STR, "base": _STR, "force": _BOOL, "commit-per-codemod": _BOOL, "author": _STR,
    "test-command": _STR, "gate": _STR, "baseline-ref": _STR, "baseline": _BOOL, "gate-timeout": _NUMBER,
    "push": _BOOL, "remote": _STR, "open-pr": _BOOL, "draft": _BOOL, "labels": _STRS, "repo": _STR,
    "api-url": _STR, "strict": _BOOL, "gate-env": _STRS, "allow-empty-gate": _BOOL, "gate-reruns": _COUNT,
}
_MEMBER_ONLY = ("name", "path", "url")


@dataclass(frozen=True)
class Member:
    """One repository of a batch, with its `[defaults]` merged in."""

    name: str
    values: Mapping[str, Any]
    line: int

    @property
    def url(self) -> str | None:
        return self.values.get("url")

    def apply_arguments(self, batch_dir: Path, project: Path, base: str | None) -> list[str]:
        """The `ssot-migrate apply` command line of this member (specs relative to the batch file)."""
        v = self.values
        args = ["apply", "--branch", v.get("branch", DEFAULT_BRANCH), "--format", "json", "--root", str(project)]
        for spec in v.get("specs", ()):
            args += ["--spec", spec if spec.startswith("catalog:") else str((batch_dir / spec).resolve())]
        for rename in v.get("renames", ()):
            args += ["--rename", rename]
        if base:
            args += ["--base", base]
        flags = {"force": "--force", "commit-per-codemod": "--commit-per-codemod", "strict": "--strict"}
        options = {"author": "--author"}
        gate = v.get("gate", "no-regressions")
        # Settings that do not apply to this member (perhaps inherited from [defaults]) are left out.
        if gate == "off":
            args.append("--no-gate")
        else:
            args += ["--gate", gate] + (["--no-baseline"] if v.get("baseline") is False else [])
            options.update({"test-command": "--test-command", "baseline-ref": "--baseline-ref",
                            "gate-timeout": "--gate-timeout", "gate-reruns": "--gate-reruns"})
            flags["allow-empty-gate"] = "--allow-empty-gate"
            for name in v.get("gate-env", ()):
                args += ["--gate-env", name]
        if v.get("push") or v.get("open-pr"):
            flags["push"] = "--push"
            options["remote"] = "--remote"
        if v.get("open-pr"):
            flags.update({"open-pr": "--open-pr", "draft": "--draft"})
            options.update({"repo": "--repo", "api-url": "--api-url"})
            for label in v.get("labels", ()):
                args += ["--label", label]
        args += [flag for key, flag in flags.items() if v.get(key)]
        for key, option in options.items():
            if key in v:
                args += [option, str(v[key])]
        args += [str(project / p) for p in v.get("paths", ())]
        return args


@dataclass(frozen=True)
class Batch:
    path: Path
    members: tuple[Member, ...]

    def select(self, only: Sequence[str]) -> list[Member]:
        if not only:
            return list(self.members)
        names = [m.name for m in self.members]
        unknown = [n for n in only if n not in names]
        if unknown:
            hints = [h for n in unknown for h in difflib.get_close_matches(n, names, n=1)]
            hint = f"; did you mean {hints[0]!r}?" if hints else ""
            raise UsageError(f"--only {', '.join(unknown)}: no such member in {self.path} "
                             f"(members: {', '.join(names)}){hint}")
        return [m for m in self.members if m.name in only]


def load_batch(path: Path) -> Batch:
    """Read and validate a batch file; every problem is reported at once, with its line (exit 2)."""
    from .spec import locate_tables

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the batch file: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: TOML syntax error: {exc}") from None
    located = locate_tables(text, "defaults", "member")
    errors: list[str] = []
    for key in document:
        if key not in ("defaults", "member"):
            errors.append(f"{path}: unknown table [{key}] (a batch file has [defaults] and [[member]] tables)")
    defaults = document.get("defaults", {})
    if not isinstance(defaults, dict):
        errors.append(f"{path}: [defaults] must be a table")
        defaults = {}
    for key, value in defaults.items():
        line = located.migration_keys.get(key, located.migration_line or 1)
        if key in _MEMBER_ONLY:
            errors.append(f"{path}:{line}: [defaults]: {key!r} belongs in each [[member]]")
        else:
            errors += _check_value(f"{path}:{line}: [defaults]", key, value)
    raw_members = document.get("member", [])
    if not isinstance(raw_members, list) or not raw_members:
        errors.append(f"{path}: no [[member]] tables: list the repositories to migrate")
        raw_members = []
    members: list[Member] = []
    seen: set[str] = set()
    for position, raw in enumerate(raw_members):
        header = located.codemod_lines[position] if position < len(located.codemod_lines) else 1
        lines = located.codemod_keys[position] if position < len(located.codemod_keys) else {}
        name = raw.get("name")
        where = f"member {position + 1}" + (f" ({name!r})" if isinstance(name, str) else "")
        for key, value in raw.items():
            errors += _check_value(f"{path}:{lines.get(key, header)}: {where}", key, value)
        if not isinstance(name, str) or not _NAME.match(name):
            errors.append(f"{path}:{lines.get('name', header)}: {where}: needs a name of letters, digits, '.', '_', '-'")
        elif name in seen:
            errors.append(f"{path}:{lines.get('name', header)}: {where}: the name {name!r} is used twice")
        else:
            seen.add(name)
        if ("path" in raw) == ("url" in raw):
            errors.append(f"{path}:{header}: {where}: needs exactly one of path (a local checkout) or url (to clone)")
        elif "path" in raw and isinstance(raw["path"], str) and not (path.parent / raw["path"]).is_dir():
            errors.append(f"{path}:{lines.get('path', header)}: {where}: path {raw['path']!r} is not a folder")
        members.append(Member(str(name), {**defaults, **raw}, header))
    if errors:
        raise UsageError("\n".join(errors))
    return Batch(path.resolve(), tuple(members))


def _check_value(where: str, key: str, value: Any) -> list[str]:
    if key not in MEMBER_KEYS:
        hint = difflib.get_close_matches(key, MEMBER_KEYS, n=1)
        return [f"{where}: unknown key {key!r}" + (f" (did you mean {hint[0]!r}?)" if hint else "")]
    check, kind = MEMBER_KEYS[key]
    if not check(value):
        return [f"{where}: {key!r} must be {kind}"]
    if key == "gate" and value not in _GATES:
        return [f"{where}: 'gate' must be one of {', '.join(_GATES)}"]
    return []


# -- matrix ----------------------------------------------------------------------------------------


def matrix(members: Sequence[Member], style: str) -> str:
    """The member names as a CI job matrix: GitHub Actions `strategy.matrix` JSON (one line, for
    `$GITHUB_OUTPUT`) or a GitLab `parallel:matrix` block."""
    names = [m.name for m in members]
    if style == "github":
        return json.dumps({"member": names}) + "\n"
    lines = ["parallel:", "  matrix:", f"    - {GITLAB_VARIABLE}:"]
    lines += [f"        - {json.dumps(name)}" for name in names]
    return "\n".join(lines) + "\n"


# -- running ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberResult:
    name: str
    exit_code: int
    seconds: float
    log: str
    report: Mapping[str, Any] | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.exit_code != 0

    @property
    def outcome(self) -> str:
        if self.report is not None:
            return str(self.report.get("outcome"))
        return "error"

    def to_json(self) -> dict[str, Any]:
        report = self.report or {}
        branch = report.get("branch") or {}
        return {
            "name": self.name,
            "exit_code": self.exit_code,
            "outcome": self.outcome,
            "message": report.get("message", ""),
            "branch": branch.get("name"),
            "commit": branch.get("commit"),
            "pushed": branch.get("pushed", False),
            "gate": (report.get("gate") or {}).get("verdict"),
            "pull_request": report.get("pull_request"),
            "error": self.error if self.error is not None else report.get("error"),
            "seconds": round(self.seconds, 3),
            "report": self.report,
        }


@dataclass
class BatchRun:
    batch: Batch
    results: list[MemberResult] = field(default_factory=list)

    @property
    def failed(self) -> list[MemberResult]:
        return [r for r in self.results if r.failed]

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": tool_json(),
            "batch": str(self.batch.path),
            "members": [r.to_json() for r in self.results],
            "failed": len(self.failed),
        }


def run_batch(
    batch: Batch,
    members: Sequence[Member],
    *,
    jobs: int = 1,
    on_done: Callable[[MemberResult], None] = lambda result: None,
) -> BatchRun:
    """Run every member in its own process, `jobs` at a time; a failing member never stops another."""
    lock = threading.Lock()
    results: dict[str, MemberResult] = {}

    def one(member: Member, scratch: Path) -> None:
        try:
            result = run_member(batch, member, scratch)
        except Exception as exc:  # a member must never take the batch down with it
            result = MemberResult(member.name, 1, 0.0, "", None, redact(f"{type(exc).__name__}: {exc}"))
        with lock:
            results[member.name] = result
            on_done(result)

    with tempfile.TemporaryDirectory(prefix="ssot-migrate-batch-") as scratch:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            list(pool.map(lambda member: one(member, Path(scratch)), members))
    return BatchRun(batch, [results[m.name] for m in members])


def run_member(batch: Batch, member: Member, scratch: Path) -> MemberResult:
    """Clone the member if it is a URL, then run `ssot-migrate apply` on it in a process of its own."""
    started = time.monotonic()
    base = member.values.get("base")
    if member.url is not None:
        checkout = scratch / member.name
        clone = _git("clone", "--quiet", "--", member.url, str(checkout))
        if clone.returncode != 0:
            message = redact(f"cannot clone {member.url}: {clone.stderr.strip()}")
            return MemberResult(member.name, 1, time.monotonic() - started, message, None, message)
        if base and _git("rev-parse", "--verify", "--quiet", f"refs/heads/{base}", cwd=checkout).returncode != 0:
            base = f"origin/{base}"  # a clone has local branches only for the default one
    else:
        checkout = (batch.path.parent / member.values["path"]).resolve()
    project = checkout / member.values.get("root", ".")
    command = [sys.executable, "-m", "ssot_migrate", *member.apply_arguments(batch.path.parent, project.resolve(), base)]
    process = subprocess.run(command, cwd=batch.path.parent, capture_output=True, stdin=subprocess.DEVNULL,
                             env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
    log = process.stderr.decode("utf-8", errors="replace")
    report = None
    try:
        report = json.loads(process.stdout) if process.stdout.strip() else None
    except ValueError:
        report = None
    error = None
    if report is None and process.returncode != 0:
        errors = [line[len("error: "):] for line in log.splitlines() if line.startswith("error: ")]
        error = "\n".join(errors) or (log.strip().splitlines() or [f"exit {process.returncode}"])[-1]
    return MemberResult(member.name, process.returncode, time.monotonic() - started, log, report, error)


def _git(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env={**os.environ, "GIT_TERMINAL_PROMPT": "0"})
