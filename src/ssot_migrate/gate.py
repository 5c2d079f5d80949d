"""The gate: run the target's own test command before and after the edits and judge the difference.

pytest is reached through any wrapper via `PYTEST_ADDOPTS` (a junit report per run); the verdict
compares runs per test id and per collection error. Only this module starts the test command.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ElementTree
from collections import deque
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Literal, Mapping, Protocol, Sequence

from .errors import TargetError, UsageError
from .redaction import is_credential_variable

DEFAULT_TEST_COMMAND = "python -m pytest -q"
DEFAULT_TIMEOUT = 1800.0
GateMode = Literal["no-regressions", "all-pass"]
GATE_MODES: tuple[str, ...] = ("no-regressions", "all-pass")
Outcome = Literal["passed", "skipped", "failed", "error"]
_OUTCOME_RANK = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}
_GOOD = ("passed", "skipped")
# pytest's own exit codes for "could not run at all": interrupted, internal error, usage error.
_COULD_NOT_RUN = {2: "interrupted", 3: "internal error", 4: "usage error"}
# How long a killed test command gets between SIGTERM and SIGKILL.
_KILL_GRACE = 3.0
_TAIL_LINES = 40
# git variables that would point the suite's git commands at the user's repository instead of its own tree.
_GIT_LOCATION_VARIABLES = (
    "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR", "GIT_NAMESPACE", "GIT_CEILING_DIRECTORIES",
)
# In a run's temporary folder: the process group of the suite running there.
GATE_PID_FILE = "gate.pid"
NOTHING_TESTED = "nothing was tested: no test passed before the edits or after them"


@dataclass(frozen=True)
class GateSettings:
    """How to gate: the command as written, the verdict mode, the timeout and where the baseline comes from."""

    command: str
    mode: GateMode = "no-regressions"
    timeout: float = DEFAULT_TIMEOUT
    baseline: Literal["pristine", "ref", "none"] = "pristine"
    baseline_ref: str | None = None
    # Credential variables passed to the suite on purpose (--gate-env); every other one is dropped.
    passed_env: tuple[str, ...] = ()
    # A gate where no test passed before or after passes only with --allow-empty-gate.
    allow_empty: bool = False
    # How many times the tests whose outcome differs between the two runs are re-run (--gate-reruns).
    reruns: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"command": self.command, "mode": self.mode, "timeout": self.timeout,
                "baseline": self.baseline_ref if self.baseline == "ref" else self.baseline,
                "passed_env": list(self.passed_env), "allow_empty": self.allow_empty, "reruns": self.reruns}


def resolve_test_command(option: str | None, configured: str | None) -> str:
    """`--test-command`, else `[tool.ssot-migrate] test-command`, else `python -m pytest -q`."""
    command = option or configured or DEFAULT_TEST_COMMAND
    split_command(command)
    return command


def split_command(command: str) -> list[str]:
    """The command split like a POSIX shell would (it is not run by a shell)."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise UsageError(f"test command {command!r}: {exc}") from None
    if not argv:
        raise UsageError("the test command is empty")
    return argv


@dataclass(frozen=True)
class CollectionError:
    """A module pytest could not collect, keyed the way runs are compared: exception type and first line."""

    module: str
    type: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"module": self.module, "type": self.type, "message": self.message}

    def describe(self) -> str:
        return f"{self.type}: {self.message}" if self.type else self.message


@dataclass(frozen=True)
class TestRun:
    """One run of the test command over one tree."""

    __test__ = False  # not a pytest test class, whatever its name

    label: str
    command: str
    exit_code: int | None
    timed_out: bool
    seconds: float
    has_report: bool
    tests: Mapping[str, Outcome] = field(default_factory=dict)
    collection_errors: Mapping[str, CollectionError] = field(default_factory=dict)
    output_tail: str = ""

    @property
    def could_not_run(self) -> bool:
        """pytest never judged the tests: timed out, no report, or exit 2/3/4."""
        return self.timed_out or not self.has_report or self.exit_code in _COULD_NOT_RUN

    def counts(self) -> dict[str, int]:
        counts = {outcome: 0 for outcome in _OUTCOME_RANK}
        for outcome in self.tests.values():
            counts[outcome] += 1
        counts["collection_errors"] = len(self.collection_errors)
        return counts

    def summary(self) -> str:
        if self.timed_out:
            return f"timed out after {self.seconds:.0f}s"
        if not self.has_report:
            return f"exit {self.exit_code}, no junit report"
        counts = self.counts()
        parts = [f"{counts[k]} {k}" for k in ("passed", "failed", "error", "skipped") if counts[k]]
        if counts["collection_errors"]:
            parts.append(f"{counts['collection_errors']} collection error{'s' if counts['collection_errors'] != 1 else ''}")
        if self.exit_code in _COULD_NOT_RUN:
            parts.append(f"pytest exit {self.exit_code} ({_COULD_NOT_RUN[self.exit_code]})")
        return ", ".join(parts) or "no tests"

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "exit_code": self.exit_code,
            "timed_out": self.timed_out,
            "seconds": round(self.seconds, 3),
            "report": self.has_report,
            "counts": self.counts(),
        }


@dataclass(frozen=True)
class Regression:
    test: str
    before: str  # an outcome, or "not collected" when the test did not exist at baseline
    after: str  # an outcome, or "gone"

    def to_json(self) -> dict[str, str]:
        return {"test": self.test, "before": self.before, "after": self.after}


@dataclass(frozen=True)
class NewCollectionError:
    """A collection error after the edits that the baseline did not have, or had with another message."""

    error: CollectionError
    before: CollectionError | None

    def to_json(self) -> dict[str, Any]:
        return {**self.error.to_json(), "before": self.before.to_json() if self.before else None}


@dataclass(frozen=True)
class GateVerdict:
    """The judgement and everything a person needs to understand it."""

    passed: bool
    settings: GateSettings
    baseline: TestRun | None
    after: TestRun
    reasons: tuple[str, ...]
    regressed: tuple[Regression, ...] = ()
    new_errors: tuple[NewCollectionError, ...] = ()
    fixed: tuple[str, ...] = ()
    still_failing: tuple[str, ...] = ()
    # Tests whose outcome changed on a re-run (--gate-reruns): reported, not judged.
    flipped: tuple[str, ...] = ()

    def differing(self) -> list[str]:
        """The tests whose outcome differs between the two runs (what --gate-reruns re-runs)."""
        return sorted({r.test for r in self.regressed if r.before in _OUTCOME_RANK and r.after in _OUTCOME_RANK}
                      | {t for t in self.fixed if "::" in t})

    def to_json(self) -> dict[str, Any]:
        return {
            "verdict": "pass" if self.passed else "fail",
            "flipped": list(self.flipped),
            **self.settings.to_json(),
            "reasons": list(self.reasons),
            "baseline_run": self.baseline.to_json() if self.baseline else None,
            "after_run": self.after.to_json(),
            "regressed": [r.to_json() for r in self.regressed],
            "new_collection_errors": [e.to_json() for e in self.new_errors],
            "fixed": list(self.fixed),
            "still_failing": list(self.still_failing),
        }


def judge(baseline: TestRun | None, after: TestRun, settings: GateSettings) -> GateVerdict:
    """Apply the rules of the gate (docs/gate.md) to a baseline run (or none) and the run after the edits."""
    verdict = _judge_all_pass(baseline, after, settings) if settings.mode == "all-pass" else \
        _judge_no_regressions(baseline, after, settings)
    if verdict.passed and not settings.allow_empty and after.has_report and not _any_passed(after) \
            and not (baseline is not None and _any_passed(baseline)):
        return replace(verdict, passed=False, reasons=(f"{NOTHING_TESTED} (pass --allow-empty-gate to accept)",))
    return verdict


def judge_reruns(verdict: GateVerdict, baseline_reruns: Sequence[TestRun], after_reruns: Sequence[TestRun]) -> GateVerdict:
    """The verdict once the differing tests were re-run: a test whose outcome changed on any re-run, in
    either tree, flipped (flaky); it is reported and no longer counts as regressed or fixed."""
    baseline = verdict.baseline.tests if verdict.baseline else {}
    flipped = set()
    for test in verdict.differing():
        if any(run.tests.get(test, baseline.get(test)) != baseline.get(test) for run in baseline_reruns) or \
                any(run.tests.get(test, verdict.after.tests.get(test)) != verdict.after.tests.get(test)
                    for run in after_reruns):
            flipped.add(test)
    if not flipped:
        return verdict
    regressed = tuple(r for r in verdict.regressed if r.test not in flipped)
    reasons = tuple(reason for reason in verdict.reasons if not reason.endswith(("test regressed", "tests regressed")))
    if regressed:
        reasons = (f"{len(regressed)} test{'s' if len(regressed) != 1 else ''} regressed", *reasons)
    return replace(verdict, passed=not reasons, reasons=reasons, regressed=regressed,
                   fixed=tuple(t for t in verdict.fixed if t not in flipped), flipped=tuple(sorted(flipped)))


# A pytest plugin that keeps only the tests named (junit `classname::name`) in the file $SSOT_MIGRATE_RERUN names.
RERUN_PLUGIN = "ssot_migrate_rerun"
_RERUN_PLUGIN_SOURCE = '''"""ssot-migrate's --gate-reruns: keep only the tests being re-run."""
import os, re


def _junit_id(nodeid):
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\\.py$", "", names[0].replace("/", "."))
    names[-1] += bracket + params
    return "::".join([".".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def pytest_collection_modifyitems(config, items):
    with open(os.environ["SSOT_MIGRATE_RERUN"], encoding="utf-8") as handle:
        wanted = set(handle.read().splitlines())
    kept = [item for item in items if _junit_id(item.nodeid) in wanted]
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept
'''


def rerun_selection(folder: Path, tests: Sequence[str]) -> dict[str, str]:
    """Environment additions that make pytest run only `tests` (the plugin lives in `folder`)."""
    (folder / f"{RERUN_PLUGIN}.py").write_text(_RERUN_PLUGIN_SOURCE, encoding="utf-8")
    (folder / "rerun.txt").write_text("\n".join(tests) + "\n", encoding="utf-8")
    return {"SSOT_MIGRATE_RERUN": str(folder / "rerun.txt"), "SSOT_MIGRATE_RERUN_PATH": str(folder),
            "SSOT_MIGRATE_RERUN_PLUGIN": RERUN_PLUGIN}


def _any_passed(run: TestRun) -> bool:
    return any(outcome == "passed" for outcome in run.tests.values())


def _judge_no_regressions(baseline: TestRun | None, after: TestRun, settings: GateSettings) -> GateVerdict:
    reasons: list[str] = []
    if after.timed_out:
        reasons.append(f"the test command did not finish within {settings.timeout:g}s after the edits (killed)")
    elif not after.has_report:
        if baseline is not None and baseline.has_report:
            reasons.append(f"the test run after the edits produced no junit report (exit {after.exit_code})")
        elif after.exit_code != 0:
            reasons.append(f"the test command exited {after.exit_code} after the edits (no junit report: it must exit 0)")
    elif after.exit_code in _COULD_NOT_RUN:
        reasons.append(f"pytest could not run after the edits (exit {after.exit_code}: {_COULD_NOT_RUN[after.exit_code]})")
    if reasons or not after.has_report:
        return GateVerdict(not reasons, settings, baseline, after, tuple(reasons))

    usable = baseline is not None and not baseline.could_not_run
    before_tests: Mapping[str, Outcome] = baseline.tests if usable and baseline else {}
    before_errors: Mapping[str, CollectionError] = baseline.collection_errors if usable and baseline else {}
    regressed: list[Regression] = []
    fixed: list[str] = []
    still_failing: list[str] = []
    for test, before in sorted(before_tests.items()):
        now = after.tests.get(test)
        if before in _GOOD:
            if now not in _GOOD:
                regressed.append(Regression(test, before, now or "gone"))
        elif now == "passed":
            fixed.append(test)
        elif now in ("failed", "error"):
            still_failing.append(test)
    for test, now in sorted(after.tests.items()):
        if test not in before_tests and now in ("failed", "error"):
            regressed.append(Regression(test, "not collected", now))
    new_errors: list[NewCollectionError] = []
    for module, error in sorted(after.collection_errors.items()):
        before_error = before_errors.get(module)
        if before_error is None or (before_error.type, before_error.message) != (error.type, error.message):
            new_errors.append(NewCollectionError(error, before_error))
        else:
            still_failing.append(module)
    fixed += sorted(module for module in before_errors if module not in after.collection_errors)

    if regressed:
        reasons.append(f"{len(regressed)} test{'s' if len(regressed) != 1 else ''} regressed")
    if new_errors:
        count = len(new_errors)
        reasons.append(f"{count} new or changed collection error{'s' if count != 1 else ''}")
    return GateVerdict(
        not reasons, settings, baseline, after, tuple(reasons),
        tuple(regressed), tuple(new_errors), tuple(fixed), tuple(still_failing),
    )


def _judge_all_pass(baseline: TestRun | None, after: TestRun, settings: GateSettings) -> GateVerdict:
    reasons: list[str] = []
    failing = sorted(test for test, outcome in after.tests.items() if outcome in ("failed", "error"))
    errors = [after.collection_errors[m] for m in sorted(after.collection_errors)]
    if after.timed_out:
        reasons.append(f"the test command did not finish within {settings.timeout:g}s after the edits (killed)")
    else:
        if failing:
            reasons.append(f"{len(failing)} test{'s' if len(failing) != 1 else ''} failed")
        if errors:
            reasons.append(f"{len(errors)} collection error{'s' if len(errors) != 1 else ''}")
        if after.exit_code != 0 and not reasons:
            reasons.append(f"the test command exited {after.exit_code} after the edits")
    before_tests = baseline.tests if baseline else {}
    regressed = tuple(
        Regression(test, before_tests.get(test, "not collected"), after.tests[test])
        for test in failing if before_tests.get(test) not in ("failed", "error")
    )
    still = tuple(test for test in failing if before_tests.get(test) in ("failed", "error"))
    fixed = tuple(sorted(t for t, o in before_tests.items() if o in ("failed", "error") and after.tests.get(t) == "passed"))
    before_errors = baseline.collection_errors if baseline else {}
    return GateVerdict(
        not reasons, settings, baseline, after, tuple(reasons), regressed,
        tuple(NewCollectionError(e, before_errors.get(e.module)) for e in errors), fixed, still,
    )


# -- running the test command ---------------------------------------------------------------------


class GateWatcher(Protocol):
    """Live progress of the gate (the CLI shows it with rich)."""

    def started(self, label: str, command: str) -> None: ...

    def output(self, line: str) -> None: ...

    def finished(self, run: TestRun) -> None: ...


class SilentWatcher:
    def started(self, label: str, command: str) -> None:
        pass

    def output(self, line: str) -> None:
        pass

    def finished(self, run: TestRun) -> None:
        pass


@dataclass(frozen=True)
class GateTree:
    """A tree the gate runs in: its top (a worktree or the checkout) and the project inside it."""

    top: Path
    project: Path
    roots: tuple[str, ...]
    top_level_names: tuple[str, ...]

    def source_paths(self) -> list[str]:
        return [str((self.project / root).resolve()) if root not in ("", ".") else str(self.project.resolve())
                for root in self.roots]


def gate_environment(tree: GateTree, report: Path, base: Mapping[str, str] | None = None,
                     passed_env: Sequence[str] = ()) -> dict[str, str]:
    """The environment of every gate run: the junit report and per-test judging injected for pytest,
    no bytecode (a stale .pyc must not answer for an edited file), the tree's source roots first;
    credentials dropped unless passed on purpose, and no git variable that leads out of the tree."""
    env = {
        name: value for name, value in (os.environ if base is None else base).items()
        if not (is_credential_variable(name) and name not in passed_env) and name not in _GIT_LOCATION_VARIABLES
    }
    injected = f"{shlex.quote(f'--junitxml={report}')} -p no:cacheprovider --continue-on-collection-errors"
    if env.get("SSOT_MIGRATE_RERUN_PLUGIN"):
        injected += f" -p {env['SSOT_MIGRATE_RERUN_PLUGIN']}"
    env["PYTEST_ADDOPTS"] = f"{env['PYTEST_ADDOPTS']} {injected}" if env.get("PYTEST_ADDOPTS") else injected
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    paths = tree.source_paths()
    if env.get("SSOT_MIGRATE_RERUN_PATH"):
        paths.append(env["SSOT_MIGRATE_RERUN_PATH"])
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


_LOCATE_SCRIPT = r"""
import importlib.util, json, sys
# Judge the environment (PYTHONPATH, .pth files, import hooks), not the folder `-c` happens to run in.
if sys.path and sys.path[0] == "":
    del sys.path[0]
found = {}
for name in sys.argv[1:]:
    try:
        spec = importlib.util.find_spec(name)
    except Exception as exc:
        found[name] = {"error": "%s: %s" % (type(exc).__name__, exc)}
        continue
    if spec is None:
        continue
    places = []
    if spec.origin and spec.origin not in ("built-in", "frozen"):
        places.append(spec.origin)
    places.extend(spec.submodule_search_locations or ())
    found[name] = {"places": places}
print(json.dumps(found))
"""


def check_imports_from_tree(tree: GateTree, command: str, env: Mapping[str, str]) -> None:
    """Stop unless the target's top-level packages are located in the tree under test.

    `find_spec` runs no package code, so a package broken by the half-done
    migration is still located; an editable install (or a .pth/meta-path finder)
    that resolves them to another checkout would make the gate test the wrong code.
    """
    if not tree.top_level_names:
        return
    python = _python_of(command, env)
    try:
        result = subprocess.run(
            [python, "-c", _LOCATE_SCRIPT, *tree.top_level_names], cwd=tree.project, env=dict(env),
            capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise TargetError(f"cannot check where the target's packages are imported from with {python}: {exc}") from None
    if result.returncode != 0:
        raise TargetError(
            f"cannot check where the target's packages are imported from with {python}:\n{result.stderr.strip()}"
        )
    found = json.loads(result.stdout.strip().splitlines()[-1])
    top = os.path.realpath(tree.top)
    elsewhere = []
    for name in tree.top_level_names:
        places = found.get(name, {}).get("places") or []
        if places and not any(_inside(top, place) for place in places):
            elsewhere.append(f"`{name}` is imported from {places[0]}")
    if elsewhere:
        raise TargetError(
            f"the gate would test code outside {tree.top}: " + "; ".join(elsewhere) + ". An editable install "
            "(or a .pth file or import hook) of another checkout takes precedence over PYTHONPATH; uninstall it "
            f"(`{python} -m pip uninstall <distribution>`) or run ssot-migrate from an environment without it."
        )


def _inside(top: str, place: str) -> bool:
    real = os.path.realpath(place)
    return real == top or real.startswith(top + os.sep)


def _python_of(command: str, env: Mapping[str, str]) -> str:
    """The interpreter the test command runs: its own first word when that is a Python, else `python` on PATH."""
    import shutil

    first = split_command(command)[0]
    if re.fullmatch(r"python(\d+(\.\d+)*)?(\.exe)?", os.path.basename(first)):
        found = shutil.which(first, path=env.get("PATH"))
        if found:
            return found
    for name in ("python", "python3"):
        found = shutil.which(name, path=env.get("PATH"))
        if found:
            return found
    return sys.executable


def run_tests(
    tree: GateTree,
    command: str,
    *,
    label: str,
    report: Path,
    timeout: float,
    watcher: GateWatcher | None = None,
    check_imports: bool = True,
    passed_env: Sequence[str] = (),
    pid_file: Path | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> TestRun:
    """Run the test command once in `tree` and read its junit report (killed after `timeout` seconds)."""
    watcher = watcher or SilentWatcher()
    argv = split_command(command)
    report.unlink(missing_ok=True)
    env = gate_environment(tree, report, {**os.environ, **(extra_env or {})}, passed_env=passed_env)
    if check_imports:
        check_imports_from_tree(tree, command, env)
    watcher.started(label, command)
    started = time.monotonic()
    try:
        process = subprocess.Popen(
            argv, cwd=tree.project, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=die_with_parent_hook(),
        )
    except FileNotFoundError:
        raise UsageError(
            f"test command not found: {argv[0]} (set --test-command or [tool.ssot-migrate] test-command)"
        ) from None
    except OSError as exc:
        raise UsageError(f"cannot start the test command {command!r}: {exc.strerror or exc}") from None
    if pid_file is not None:
        record_suite(pid_file, process.pid)
    tail: deque[str] = deque(maxlen=_TAIL_LINES)
    reader = threading.Thread(target=_read_output, args=(process, tail, watcher), daemon=True)
    reader.start()
    timed_out = False
    try:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(process)
    except BaseException:
        # Ctrl-C or SIGTERM while the suite runs: the suite runs in its own session, so it must be stopped here.
        _kill_group(process, grace=0.5)
        if pid_file is not None:
            pid_file.unlink(missing_ok=True)
        raise
    # Whatever the suite started in its session and left running goes with it.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    if pid_file is not None:
        pid_file.unlink(missing_ok=True)
    reader.join(timeout=5)
    seconds = time.monotonic() - started
    parsed = parse_junit(report, tree.top) if report.is_file() and not timed_out else None
    run = TestRun(
        label=label,
        command=command,
        exit_code=None if timed_out else process.returncode,
        timed_out=timed_out,
        seconds=seconds,
        has_report=parsed is not None,
        tests=parsed[0] if parsed else {},
        collection_errors=parsed[1] if parsed else {},
        output_tail="".join(tail),
    )
    watcher.finished(run)
    return run


def die_with_parent_hook() -> Callable[[], None] | None:
    """What the suite's process runs before it starts: it is SIGKILLed when ssot-migrate dies (Linux), even by
    SIGKILL. libc is loaded here, in the parent, so the forked child does as little as possible; and a parent that
    died before the child's `prctl` (which then never fires) is caught by comparing the child's parent."""
    parent = os.getpid()
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None

    def hook() -> None:
        prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # ssot-migrate is gone already: do not start the suite at all
            os._exit(1)

    return hook


def _start_time(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            fields = stat.read().rsplit(") ", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[19])


def _group_of(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return int(stat.read().rsplit(") ", 1)[1].split()[2])
    except (OSError, IndexError, ValueError):
        return None


def record_suite(pid_file: Path, pid: int) -> None:
    """Name the suite's process group (and when its leader started) so the next run can end an orphan."""
    pid_file.parent.mkdir(parents=True, exist_ok=True)
    pid_file.write_text(f"{pid} {_start_time(pid) or 0}\n", encoding="utf-8")


def end_orphaned_suite(pid_file: Path) -> int | None:
    """Kill what is left of the process group a pid file names (a killed run's test suite); its pid, or None.

    Only processes of that group that started no earlier than its leader are ended: a reused pid is not ours.
    """
    try:
        pid_text, started_text = pid_file.read_text(encoding="utf-8").split()
        pid, started = int(pid_text), int(started_text)
    except (OSError, ValueError):
        return None
    ended = None
    for entry in os.listdir("/proc") if os.path.isdir("/proc") else ():
        if not entry.isdigit():
            continue
        member = int(entry)
        if _group_of(member) == pid and (_start_time(member) or 0) >= started:
            try:
                os.kill(member, signal.SIGKILL)
                ended = pid
            except (ProcessLookupError, PermissionError):
                pass
    pid_file.unlink(missing_ok=True)
    return ended


def _read_output(process: subprocess.Popen, tail: deque[str], watcher: GateWatcher) -> None:
    assert process.stdout is not None
    for raw in iter(process.stdout.readline, b""):
        line = raw.decode("utf-8", errors="replace")
        tail.append(line)
        watcher.output(line.rstrip("\n"))
    process.stdout.close()


def _kill_group(process: subprocess.Popen, grace: float = _KILL_GRACE) -> None:
    """Stop the test command and everything it started (its own session): TERM, then KILL."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(process.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            process.wait(timeout=wait)
            break
        except subprocess.TimeoutExpired:
            continue
    # Survivors that left the group but still hold the pipe would keep the reader waiting; nothing to do then.


# -- junit ----------------------------------------------------------------------------------------

_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*)(?::\s?(.*))?$")


def parse_junit(path: Path, top: Path) -> tuple[dict[str, Outcome], dict[str, CollectionError]] | None:
    """Per-test outcomes and per-module collection errors of a pytest junit report (None if unreadable)."""
    try:
        root = ElementTree.parse(path).getroot()
    except (ElementTree.ParseError, OSError):
        return None
    tests: dict[str, Outcome] = {}
    errors: dict[str, CollectionError] = {}
    for case in root.iter("testcase"):
        classname = case.get("classname", "")
        name = case.get("name", "")
        error = case.find("error")
        if not classname and error is not None and error.get("message") == "collection failure":
            errors[name] = collection_error(name, error.text or "", top)
            continue
        outcome: Outcome = "passed"
        if error is not None:
            outcome = "error"
        elif case.find("failure") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        test = f"{classname}::{name}" if classname else name
        if test not in tests or _OUTCOME_RANK[outcome] > _OUTCOME_RANK[tests[test]]:
            tests[test] = outcome
    return tests, errors


def collection_error(module: str, text: str, top: Path) -> CollectionError:
    """The exception of a collection failure: its type and the first line of its message, with the
    tree's own path taken out (the baseline may run in another worktree than the run after)."""
    for raw in text.splitlines():
        if not raw.startswith("E "):
            continue
        match = _EXCEPTION_LINE.match(raw[1:].strip())
        if match and match.group(1)[:1].isupper():
            return CollectionError(module, match.group(1), _without_tree(match.group(2) or "", top))
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return CollectionError(module, "", _without_tree(first, top))


def _without_tree(text: str, top: Path) -> str:
    for form in {str(top), os.path.realpath(top)}:
        text = text.replace(form, "<tree>")
    return text


def discover_tree(top: Path, project: Path, roots: Sequence[str] | None) -> GateTree:
    """The gate's view of a tree: source roots and the top-level names the target's code defines."""
    from .discover import discover
    from .modules import ModuleMap, default_roots

    files = discover(project).python_files
    chosen = tuple(roots) if roots else default_roots({p.split("/", 1)[0] for p in files if "/" in p})
    modules = ModuleMap(chosen, files)
    names = {
        info.name.split(".")[0]
        for path in files
        if not _is_test_file(path) and (info := modules.info_for(path)) is not None
    }
    return GateTree(top=top, project=project, roots=chosen, top_level_names=tuple(sorted(names)))


_TEST_FILE = re.compile(r"(^|/)(test_[^/]*|[^/]*_test|conftest)\.pyi?$")


def _is_test_file(path: str) -> bool:
    return bool(_TEST_FILE.search(path))
