"""Carry out a migration: in place, or atomically on a git branch gated by the target's own tests,
then push the branch and open or update its pull request.

"You either get a branch whose tests are no worse than before, or nothing at all."
"""

from __future__ import annotations

import os
import re
import signal
import time
from contextlib import ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, ContextManager, Iterator, Literal

from .api import Target, plan_target
from .config import load_config
from .errors import ForgeError, Interrupted, TargetError, UsageError
from .gate import (
    DEFAULT_TIMEOUT,
    GATE_MODES,
    GATE_PID_FILE,
    GateSettings,
    GateTree,
    GateVerdict,
    GateWatcher,
    SilentWatcher,
    TestRun,
    discover_tree,
    end_orphaned_suite,
    judge,
    judge_reruns,
    rerun_selection,
    resolve_test_command,
    run_tests,
)
from .git import (
    ForeignCommit,
    GitFailure,
    Repository,
    remove_owned_folder,
    signals_deferred,
    validate_branch_name,
)
from .journal import Direction, Journal, Recovery, gate_pid_file, unfinished_message
from .plan import SCHEMA_VERSION, FileEdit, MigrationInfo, Plan, sha256_hex, tool_json
from .progress import SILENT, Progress
from .spec import Migration

if TYPE_CHECKING:
    from .cache import PlanCache
    from .forge import PullRequest

Outcome = Literal[
    "nothing-to-migrate", "strict", "written", "created", "updated", "up-to-date", "gate-failed", "refused", "error"
]
ALREADY_THERE = "the branch already holds exactly this change"
# What `--branch` may contain in braces (replaced by the migration's values).
BRANCH_PLACEHOLDERS: tuple[str, ...] = ("name",)
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
EXIT_CODES: dict[str, int] = {
    "nothing-to-migrate": 0, "written": 0, "created": 0, "updated": 0, "up-to-date": 0,
    "gate-failed": 1, "refused": 1, "error": 1, "strict": 3,
}


@dataclass(frozen=True)
class ApplyOptions:
    """Every option of `ssot-migrate apply`, as given; `validate` rejects combinations that make no sense."""

    branch: str | None = None
    in_place: bool = False
    base: str = "HEAD"
    force: bool = False
    commit_per_codemod: bool = False
    author: str | None = None
    test_command: str | None = None
    no_gate: bool = False
    gate: str = "no-regressions"
    baseline_ref: str | None = None
    no_baseline: bool = False
    gate_timeout: float = DEFAULT_TIMEOUT
    gate_env: tuple[str, ...] = ()
    allow_empty_gate: bool = False
    gate_reruns: int = 0
    push: bool = False
    remote: str = "origin"
    open_pr: bool = False
    draft: bool = False
    labels: tuple[str, ...] = ()
    repo: str | None = None
    api_url: str | None = None
    strict: bool = False
    jobs: int | None = None
    # The cache the CLI opened for the user's project (None: --no-cache).
    cache: PlanCache | None = None

    def validate(self) -> None:
        if bool(self.branch) == self.in_place:
            raise UsageError("apply needs exactly one of --branch NAME (a gated commit on a new branch) or --in-place")
        for placeholder in re.findall(r"\{([^{}]*)\}", self.branch or ""):
            if placeholder not in BRANCH_PLACEHOLDERS:
                import difflib

                hint = difflib.get_close_matches(placeholder, BRANCH_PLACEHOLDERS, n=1, cutoff=0.5)
                extra = f"; did you mean {{{hint[0]}}}?" if hint else ""
                raise UsageError(f"--branch {self.branch!r}: unknown placeholder {{{placeholder}}} (known: "
                                 f"{', '.join('{' + p + '}' for p in BRANCH_PLACEHOLDERS)}){extra}")
        if self.gate not in GATE_MODES:
            raise UsageError(f"--gate {self.gate}: choose one of {', '.join(GATE_MODES)}")
        if self.no_gate and (self.test_command or self.baseline_ref or self.no_baseline):
            raise UsageError("--no-gate cannot be combined with --test-command, --baseline-ref or --no-baseline")
        if self.baseline_ref and self.no_baseline:
            raise UsageError("--baseline-ref and --no-baseline exclude each other")
        if not self.gate_timeout > 0 or self.gate_timeout == float("inf"):  # NaN compares false
            raise UsageError(f"--gate-timeout must be a positive number of seconds (got {self.gate_timeout:g})")
        if self.gate_reruns < 0:
            raise UsageError(f"--gate-reruns {self.gate_reruns}: must be 0 or more")
        for name in self.gate_env:
            if not _ENV_NAME.fullmatch(name):
                raise UsageError(f"--gate-env {name!r}: not an environment variable name (letters, digits, _)")
        if self.no_gate and (self.gate_env or self.allow_empty_gate or self.gate_reruns):
            raise UsageError("--no-gate cannot be combined with --gate-env, --allow-empty-gate or --gate-reruns")
        if self.in_place:
            only_branch = {
                "--base": self.base != "HEAD", "--force": self.force, "--commit-per-codemod": self.commit_per_codemod,
                "--author": self.author is not None, "--push": self.push, "--open-pr": self.open_pr,
                "--gate-reruns": self.gate_reruns > 0,
            }
            used = [name for name, given in only_branch.items() if given]
            if used:
                raise UsageError(f"{', '.join(used)}: only with --branch (--in-place writes the working tree)")
            gate_options = {"--gate": self.gate != "no-regressions", "--baseline-ref": self.baseline_ref is not None,
                            "--no-baseline": self.no_baseline, "--gate-timeout": self.gate_timeout != DEFAULT_TIMEOUT}
            used = [name for name, given in gate_options.items() if given]
            if used and not self.test_command:
                raise UsageError(f"{', '.join(used)}: --in-place gates only with --test-command")
        if not (self.push or self.open_pr) and self.remote != "origin":
            raise UsageError("--remote: only with --push or --open-pr")
        if not self.open_pr:
            used = [name for name, given in {"--draft": self.draft, "--label": bool(self.labels),
                                             "--repo": self.repo is not None, "--api-url": self.api_url is not None}.items()
                    if given]
            if used:
                raise UsageError(f"{', '.join(used)}: only with --open-pr")

    def gate_settings(self, configured_command: str | None) -> GateSettings | None:
        """The gate to run, or None: `--no-gate`, or `--in-place` without `--test-command`."""
        if self.no_gate or (self.in_place and not self.test_command):
            return None
        baseline = "none" if self.no_baseline else "ref" if self.baseline_ref else "pristine"
        return GateSettings(
            command=resolve_test_command(self.test_command, configured_command),
            mode=self.gate,  # type: ignore[arg-type]
            timeout=self.gate_timeout,
            baseline=baseline,  # type: ignore[arg-type]
            baseline_ref=self.baseline_ref,
            passed_env=self.gate_env,
            allow_empty=self.allow_empty_gate,
            reruns=self.gate_reruns,
        )


@dataclass
class ApplyHooks:
    """How a run talks to people while it works (the CLI plugs rich in; the defaults are silent)."""

    note: Callable[[str], None] = lambda text: None
    watcher: GateWatcher = field(default_factory=SilentWatcher)
    planning: Callable[[], ContextManager[Progress]] = lambda: nullcontext(SILENT)
    # The process exits after printing the report (the CLI): a signal after the result is final is ignored
    # until then, so the report is always printed and the exit code is the run's.
    exits_after: bool = False


@dataclass
class ApplyReport:
    """Everything a run did, for people (render.py) and bots (`--format json`)."""

    migration: MigrationInfo
    mode: Literal["branch", "in-place"]
    outcome: Outcome = "error"
    plan: Plan | None = None
    notes: list[str] = field(default_factory=list)
    message: str = ""
    written: list[str] = field(default_factory=list)
    gate: GateVerdict | None = None
    gate_skipped: str | None = None
    branch: str | None = None
    base: str | None = None
    base_commit: str | None = None
    commit: str | None = None
    commits: list[str] = field(default_factory=list)
    previous: str | None = None
    remote: str | None = None
    pushed: bool = False
    foreign: list[ForeignCommit] = field(default_factory=list)
    pull_request: "PullRequest | None" = None
    error: str | None = None

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.outcome] if self.error is None else 1

    def to_json(self) -> dict[str, Any]:
        plan = self.plan.to_json() if self.plan else {
            "schema_version": SCHEMA_VERSION, "tool": tool_json(), "migration": self.migration.to_json(),
            "codemods": [], "files": [], "findings": [], "stats": None,
        }
        data: dict[str, Any] = {
            **plan,
            "mode": self.mode,
            "outcome": self.outcome,
            "exit_code": self.exit_code,
            "message": self.message,
            "notes": list(self.notes),
            "gate": self.gate.to_json() if self.gate else {"verdict": "skipped", "reason": self.gate_skipped},
            "error": self.error,
        }
        if self.mode == "in-place":
            data["written"] = list(self.written)
        else:
            data["branch"] = {
                "name": self.branch,
                "base": self.base,
                "base_commit": self.base_commit,
                "commit": self.commit,
                "commits": list(self.commits),
                "previous": self.previous,
                "remote": self.remote,
                "pushed": self.pushed,
                "foreign_commits": [{"sha": c.sha, "author": c.author, "subject": c.subject} for c in self.foreign],
            }
            data["pull_request"] = self.pull_request.to_json() if self.pull_request else None
        return data


def run_apply(target: Target, migration: Migration, options: ApplyOptions, hooks: ApplyHooks | None = None) -> ApplyReport:
    """Validate the options, then carry out the migration in place or on a branch."""
    options.validate()
    hooks = hooks or ApplyHooks()
    unfinished = Journal.find(target.root)
    if unfinished is not None:
        raise TargetError(unfinished_message(unfinished))
    with InterruptGuard(keep_ignoring=hooks.exits_after) as guard:
        if options.in_place:
            report = apply_in_place(target, migration, options, hooks, guard)
        else:
            report = apply_on_branch(target, migration, options, hooks, guard)
        if guard.pending is not None:
            _note(report, hooks, f"{signal.Signals(guard.pending).name} arrived after the run's result was final; "
                                 "it completed: this report says what exists")
        return report


# -- in place --------------------------------------------------------------------------------------


def apply_in_place(target: Target, migration: Migration, options: ApplyOptions, hooks: ApplyHooks,
                   guard: InterruptGuard | None = None) -> ApplyReport:
    """Write the working tree (all files or none, journaled); with `--test-command`, gate it and undo it on failure."""
    from .write import write_plan

    guard = guard or InterruptGuard()
    report = ApplyReport(_info(migration), "in-place")
    orphan = end_orphaned_suite(gate_pid_file(target.root))
    if orphan is not None:
        _note(report, hooks, f"ended the test suite (process group {orphan}) an interrupted apply left running")
    for folder in _remove_dead_scratch(target.root):
        _note(report, hooks, f"removed the leftover temporary folder {folder} of an interrupted apply")
    settings = options.gate_settings(target.config.test_command)
    report.plan = _plan(target, migration, options, hooks)
    if _stop_before_writing(report, options):
        return report
    files = report.plan.files
    originals = {f.path: (target.root / f.path).read_bytes() for f in files}
    if settings is None:
        report.gate_skipped = "no --test-command (--in-place gates only when given one)"
        with signals_deferred():
            journal = Journal.begin(target.root, files, originals)
            try:
                write_plan(target.root, files)
            finally:
                # write_plan wrote every file or restored them all: either way the tree is final.
                journal.finish()
            guard.complete()
        report.written = [f.path for f in files]
        return _finish(report, "written", f"wrote {_count(files, 'file')}")

    tree = discover_tree(target.root, target.root, target.config.roots)
    pid_file = gate_pid_file(target.root)
    with _scratch(target.root) as scratch:
        baseline = _in_place_baseline(target, tree, settings, scratch, hooks, report, pid_file)
        journal: Journal | None = None
        try:
            with signals_deferred():
                journal = Journal.begin(target.root, files, originals)
                write_plan(target.root, files)
            after = run_tests(tree, settings.command, label="after", report=scratch / "after.xml",
                              timeout=settings.timeout, watcher=hooks.watcher,
                              check_imports=settings.baseline != "pristine", passed_env=settings.passed_env,
                              pid_file=pid_file)
            report.gate = judge(baseline, after, settings)
            with signals_deferred():
                if report.gate.passed:
                    journal.finish()
                    guard.complete()
                else:
                    journal.recover("rollback")
                    journal.finish()
        except BaseException:
            if journal is not None:
                with signals_deferred():
                    journal.recover("rollback")
                    journal.finish()
            raise
    if not report.gate.passed:
        return _finish(report, "gate-failed", "the gate failed: every file was restored")
    report.written = [f.path for f in files]
    return _finish(report, "written", f"wrote {_count(files, 'file')}; the gate passed")


def recover_in_place(target: Target, direction: Direction,
                     note: Callable[[str], None] = lambda text: None) -> Recovery | None:
    """Finish or undo the write an interrupted `apply --in-place` left (None: nothing to recover); like the
    next apply, it ends the suite that run left running and removes its temporary folder."""
    orphan = end_orphaned_suite(gate_pid_file(target.root))
    if orphan is not None:
        note(f"ended the test suite (process group {orphan}) an interrupted apply left running")
    for folder in _remove_dead_scratch(target.root):
        note(f"removed the leftover temporary folder {folder} of an interrupted apply")
    journal = Journal.find(target.root)
    if journal is None:
        return None
    with signals_deferred():
        recovery = journal.recover(direction)
        journal.finish()
    return recovery


def _in_place_baseline(target: Target, tree: GateTree, settings: GateSettings, scratch: Path,
                       hooks: ApplyHooks, report: ApplyReport, pid_file: Path) -> TestRun | None:
    if settings.baseline == "none":
        return None
    if settings.baseline == "pristine":
        return run_tests(tree, settings.command, label="baseline", report=scratch / "baseline.xml",
                         timeout=settings.timeout, watcher=hooks.watcher, passed_env=settings.passed_env,
                         pid_file=pid_file)
    repo = Repository(target.root)
    commit = repo.resolve_commit(settings.baseline_ref or "", "--baseline-ref")
    with repo.lock() as stale:
        # Any worktree, even one for a baseline, is made under the lock: leftovers are only judged under it.
        _clean_leftovers(repo, stale, hooks, report)
        with repo.holding({"baseline": commit}), repo.isolated_checkout(commit) as checkout:
            project = checkout / target.root.relative_to(repo.top)
            return run_tests(discover_tree(checkout, project, load_config(project).roots), settings.command,
                             label=f"baseline ({settings.baseline_ref})", report=scratch / "baseline.xml",
                             timeout=settings.timeout, watcher=hooks.watcher, passed_env=settings.passed_env,
                             pid_file=checkout.parent / GATE_PID_FILE)


# -- on a branch -----------------------------------------------------------------------------------


def apply_on_branch(target: Target, migration: Migration, options: ApplyOptions, hooks: ApplyHooks,
                    guard: InterruptGuard | None = None) -> ApplyReport:
    """Plan and commit in a temporary worktree at `--base`, gate, and only then create the branch ref."""
    run = _BranchRun(target, migration, options, hooks, guard or InterruptGuard())
    with run.repo.lock() as stale, run.holds:
        _clean_leftovers(run.repo, stale, hooks, run.report)
        if stale is not None:
            lock = run.repo.remove_stale_branch_lock(run.branch, time.time())
            if lock is not None:
                _note(run.report, hooks, f"removed the stale ref lock {lock} an interrupted apply left")
        run.check_checkout()
        try:
            if run.read_existing() and run.build_and_gate():
                run.publish()
        except GitFailure as exc:
            run.report.error = str(exc)
            if run.report.outcome not in ("created", "updated", "up-to-date"):
                _finish(run.report, "error", str(exc))
        except ForgeError as exc:
            run.report.error = exc.message
    return run.report


class _BranchRun:
    """One `apply --branch`: every check that needs no work is done in the constructor."""

    def __init__(self, target: Target, migration: Migration, options: ApplyOptions, hooks: ApplyHooks,
                 guard: InterruptGuard) -> None:
        self.guard = guard
        self.repo = repo = Repository(target.root)
        self.target, self.migration, self.options, self.hooks = target, migration, options, hooks
        self.branch = (options.branch or "").replace("{name}", migration.name)
        validate_branch_name(self.branch)
        self.report = ApplyReport(_info(migration), "branch", branch=self.branch, base=options.base)
        self.base = self.report.base_commit = repo.resolve_commit(options.base)
        self.relative = target.root.relative_to(repo.top)
        self.forge = _forge_settings(repo, options, self.branch) if options.open_pr else None
        self.push = options.push or options.open_pr
        if self.push:
            repo.remote_url(options.remote)
            self.report.remote = options.remote
        self.baseline_commit = (
            repo.resolve_commit(options.baseline_ref, "--baseline-ref")
            if options.baseline_ref and not options.no_gate else None
        )
        self.identity = repo.commit_identity(options.author)
        self.local_tip: str | None = None
        self.remote_tip: str | None = None
        # The refs that keep this run's commits alive until the branch ref is written.
        self.holds = ExitStack()

    def check_checkout(self) -> None:
        holder = self.repo.checked_out_in(self.branch)
        if holder is not None:
            raise TargetError(
                f"branch {self.branch} is checked out in {holder}; ssot-migrate never moves a checked-out branch: "
                "switch that checkout to another branch, or pick another --branch"
            )
        if self.options.author and not self.identity:
            _note(self.report, self.hooks, "--author is not used: git already has a commit identity (user.name and "
                                           "user.email, or GIT_AUTHOR_*/GIT_COMMITTER_*)")
        if self.repo.is_dirty():
            _note(self.report, self.hooks, f"uncommitted changes in {self.repo.top} are not part of the migration: "
                                           f"it starts from {self.options.base} ({self.base[:12]})")

    def _tips(self) -> dict[str, str]:
        tips = {f"branch {self.branch}": self.local_tip, f"{self.options.remote}/{self.branch}": self.remote_tip}
        return {where: tip for where, tip in tips.items() if tip}

    def read_existing(self) -> bool:
        """The branch as it is, locally and on the remote; False when someone else's commits are on it."""
        self.report.previous = self.local_tip = self.repo.branch_tip(self.branch)
        self.remote_tip = self.repo.remote_tip(self.options.remote, self.branch) if self.push else None
        for where, tip in self._tips().items():
            foreign = self.repo.foreign_commits(tip, self.base)
            if foreign:
                self.report.foreign = foreign
                _finish(self.report, "refused", _foreign_message(where, foreign))
                return False
        return True

    def build_and_gate(self) -> bool:
        """Plan, commit and gate in a worktree; True when there is a gated commit to publish."""
        report, options = self.report, self.options
        with self.repo.temporary_worktree(self.base) as worktree:
            tree_target = Target(worktree / self.relative, load_config(worktree / self.relative), self.target.restrict)
            report.plan = _plan(tree_target, self.migration, options, self.hooks)
            if _stop_before_writing(report, options):
                return False
            report.commits = _commit_steps(self.repo, worktree, tree_target, self.migration, report.plan, options,
                                           self.identity)
            self.holds.enter_context(self.repo.holding({"base": self.base, "tip": report.commits[-1]}))
        new_tree = self.repo.tree_of(report.commits[-1])
        differing = [where for where, tip in self._tips().items() if self.repo.tree_of(tip) != new_tree]
        if differing and not options.force:
            _finish(report, "refused", (
                f"{' and '.join(differing)} already exist{'s' if len(differing) == 1 else ''} with different "
                "content; pass --force to replace it with this run's result (it has only ssot-migrate's commits)"
            ))
            return False
        same = [tip for tip in (self.remote_tip, self.local_tip) if tip and self.repo.tree_of(tip) == new_tree]
        if same:
            report.commit, report.commits, report.gate_skipped = same[0], [], ALREADY_THERE
            return True
        report.commit = report.commits[-1]
        settings = options.gate_settings(tree_target.config.test_command)
        if settings is None:
            report.gate_skipped = "--no-gate"
            return True
        report.gate = _gate_branch(self.repo, self.relative, self.base, self.baseline_commit, report.commit,
                                   settings, self.hooks)
        if not report.gate.passed:
            report.commit, report.commits = None, []
            _finish(report, "gate-failed", "the gate failed: no branch was created or changed")
            return False
        return True

    def publish(self) -> None:
        """The branch ref (last step on the repository), then the push and the pull request."""
        report = self.report
        assert report.commit is not None
        if self.local_tip == report.commit:
            _finish(report, "up-to-date", f"branch {self.branch} is already up to date at {report.commit[:12]}")
        else:
            with signals_deferred():
                self.repo.update_branch(self.branch, report.commit, self.local_tip,
                                        f"ssot-migrate: {self.migration.name}")
                # The branch exists from here on: the run is complete, whatever signal comes.
                self.guard.complete()
            verb: Outcome = "updated" if self.local_tip else "created"
            if report.gate_skipped == ALREADY_THERE:
                detail = f"the commit {report.remote} already has"
            else:
                detail = f"{_count(report.commits, 'commit')} on {report.base} ({self.base[:12]})"
            _finish(report, verb, f"branch {self.branch} {verb} at {report.commit[:12]}: {detail}")
        if self.guard.pending is not None:
            _note(report, self.hooks, f"interrupted ({signal.Signals(self.guard.pending).name}) after the branch was "
                                      "made: not pushed, no pull request")
            return
        if self.push and self.remote_tip != report.commit:
            self.repo.push(self.options.remote, self.branch, report.commit, self.remote_tip)
            report.pushed = True
        if self.forge is not None and self.guard.pending is None:
            report.pull_request = _open_pull_request(self.forge, report, self.options, self.branch)


def _gate_branch(repo: Repository, relative: Path, base: str, baseline_commit: str | None, tip: str,
                 settings: GateSettings, hooks: ApplyHooks) -> GateVerdict:
    """Baseline (at --base, or at --baseline-ref) and the run after the edits, each in a fresh isolated clone:
    the suite can touch neither the user's repository nor what the other run left behind."""
    baseline: TestRun | None = None
    commit = base if settings.baseline == "pristine" else baseline_commit if settings.baseline == "ref" else None
    if commit is not None:
        label = "baseline" if settings.baseline == "pristine" else f"baseline ({settings.baseline_ref})"
        with repo.isolated_checkout(commit) as checkout:
            baseline = run_tests(_tree(checkout, relative), settings.command, label=label,
                                 report=checkout.parent / "baseline.xml", timeout=settings.timeout,
                                 watcher=hooks.watcher, passed_env=settings.passed_env,
                                 pid_file=checkout.parent / GATE_PID_FILE)
    with repo.isolated_checkout(tip) as checkout:
        # The pristine baseline already checked where this tree's packages are imported from.
        after = run_tests(_tree(checkout, relative), settings.command, label="after",
                          report=checkout.parent / "after.xml", timeout=settings.timeout, watcher=hooks.watcher,
                          check_imports=settings.baseline != "pristine", passed_env=settings.passed_env,
                          pid_file=checkout.parent / GATE_PID_FILE)
    verdict = judge(baseline, after, settings)
    differing = verdict.differing()
    if settings.reruns and differing:
        # Only the tests whose outcome differs, each tree afresh: a test that flips is flaky, not a regression.
        reruns: dict[str, list[TestRun]] = {"baseline": [], "after": []}
        trees = (("baseline", commit), ("after", tip)) if commit is not None else (("after", tip),)
        for label, tree_commit in trees:
            with repo.isolated_checkout(tree_commit) as checkout:
                selection = rerun_selection(checkout.parent, differing)
                for attempt in range(1, settings.reruns + 1):
                    reruns[label].append(run_tests(
                        _tree(checkout, relative), settings.command, label=f"{label} re-run {attempt}",
                        report=checkout.parent / f"rerun-{attempt}.xml", timeout=settings.timeout,
                        watcher=hooks.watcher, check_imports=False, passed_env=settings.passed_env,
                        pid_file=checkout.parent / GATE_PID_FILE, extra_env=selection))
        verdict = judge_reruns(verdict, reruns["baseline"], reruns["after"])
    return verdict


def _tree(checkout: Path, relative: Path) -> GateTree:
    project = checkout / relative
    return discover_tree(checkout, project, load_config(project).roots)


def _commit_steps(repo: Repository, worktree: Path, tree_target: Target, migration: Migration, plan: Plan,
                  options: ApplyOptions, identity: dict[str, str]) -> list[str]:
    """Write and commit the plan in the worktree: one commit, or one per codemod that changed something.

    Per-codemod states come from planning each prefix of the spec (codemods run in order on one
    tree, so prefix k is the tree after codemod k); the last state is the full plan.
    """
    from .render import commit_message
    from .write import write_plan

    project = tree_target.root
    steps: list[tuple[Plan, int | None]] = [(plan, None)]
    if options.commit_per_codemod and len(migration.codemods) > 1:
        steps = [
            (_plan(tree_target, replace(migration, codemods=migration.codemods[:k]), options, ApplyHooks()), k - 1)
            for k in range(1, len(migration.codemods))
        ] + [(plan, len(migration.codemods) - 1)]
    original: dict[str, bytes] = {}
    current: dict[str, bytes] = {}
    commits: list[str] = []
    for step_plan, codemod in steps:
        wanted = {f.path: f.new_bytes for f in step_plan.files}
        for path in current:
            wanted.setdefault(path, original[path])  # a later prefix no longer changes it
        edits = []
        for path, data in sorted(wanted.items()):
            if path not in original:
                original[path] = (project / path).read_bytes()
            before = current.get(path, original[path])
            if before != data:
                edits.append(FileEdit(path, sha256_hex(before), data, (), b""))
        if not edits:
            continue
        write_plan(project, edits)
        current.update({edit.path: edit.new_bytes for edit in edits})
        paths = [(tree_target.root / e.path).relative_to(worktree).as_posix() for e in edits]
        commits.append(repo.commit(worktree, paths, commit_message(plan, codemod), identity))
    return commits


def _foreign_message(where: str, foreign: list[ForeignCommit]) -> str:
    shown = "; ".join(f"{c.sha[:12]} by {c.author}: {c.subject}" for c in foreign[:5])
    more = f" and {len(foreign) - 5} more" if len(foreign) > 5 else ""
    return (
        f"{where} has commits by someone other than ssot-migrate ({shown}{more}); it is never overwritten, even "
        "with --force. Merge or close that work, delete the branch, or pick another --branch"
    )


# -- pull requests -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ForgeSettings:
    api_url: str
    token: str
    repo: str
    base_branch: str


def _forge_settings(repo: Repository, options: ApplyOptions, branch: str) -> _ForgeSettings:
    """Everything `--open-pr` needs, checked before any work is done."""
    from .forge import (
        API_URL_VARIABLE,
        DEFAULT_API_URL,
        TOKEN_VARIABLE,
        check_api_url,
        check_repo_name,
        repo_from_remote_url,
    )

    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise UsageError(f"--open-pr needs a GitHub token in the {TOKEN_VARIABLE} environment variable")
    if options.repo:
        name = check_repo_name(options.repo)
    else:
        repo.remote_url(options.remote)
        found = repo_from_remote_url(repo.configured_remote_url(options.remote))
        if found is None:
            raise UsageError(
                f"--open-pr: cannot tell OWNER/NAME from the URL of remote {options.remote}; pass --repo OWNER/NAME"
            )
        name = found
    base_branch = repo.branch_of(options.base)
    if base_branch is None:
        raise UsageError(f"--open-pr: --base {options.base} is not a branch; pass the branch the pull request targets")
    if base_branch == branch:
        raise UsageError(f"--branch {branch} is the pull request's base branch; pick another --branch")
    if options.api_url:
        api_url = check_api_url(options.api_url)
    else:
        api_url = check_api_url(os.environ.get(API_URL_VARIABLE) or DEFAULT_API_URL, f"${API_URL_VARIABLE}")
    return _ForgeSettings(api_url, token, name, base_branch)


def _open_pull_request(forge: _ForgeSettings, report: ApplyReport, options: ApplyOptions, branch: str) -> "PullRequest":
    from .forge import GitHub
    from .render import pull_request_body, pull_request_title

    assert report.plan is not None
    with GitHub(forge.api_url, forge.token, forge.repo) as github:
        return github.open_or_update(
            branch=branch, base=forge.base_branch, title=pull_request_title(report.plan),
            body=pull_request_body(report), draft=options.draft, labels=list(options.labels),
            # A re-run that changed nothing leaves the body (and the gate report in it) as it was.
            update_body=report.gate_skipped != ALREADY_THERE,
        )


# -- shared steps ----------------------------------------------------------------------------------------


def _plan(target: Target, migration: Migration, options: ApplyOptions, hooks: ApplyHooks) -> Plan:
    with hooks.planning() as progress:
        return plan_target(target, migration, jobs=options.jobs, cache=options.cache, progress=progress)


def _stop_before_writing(report: ApplyReport, options: ApplyOptions) -> bool:
    assert report.plan is not None
    errors = report.plan.findings_at_least("error")
    if options.strict and errors:
        _finish(report, "strict", f"--strict: {len(errors)} error finding(s); nothing was written")
        return True
    if report.plan.is_empty:
        _finish(report, "nothing-to-migrate", "nothing to migrate")
        return True
    return False


def _clean_leftovers(repo: Repository, stale: int | None, hooks: ApplyHooks, report: ApplyReport) -> None:
    if stale is not None:
        _note(report, hooks, f"a previous apply (pid {stale}) ended without cleaning up; its lock was released")
    for path in repo.remove_leftover_worktrees():
        _note(report, hooks, f"removed the leftover worktree {path} of an interrupted apply")
    for folder in repo.leftover_temp_folders():
        orphan = end_orphaned_suite(folder / GATE_PID_FILE)
        if orphan is not None:
            _note(report, hooks, f"ended the test suite (process group {orphan}) an interrupted apply left running")
        remove_owned_folder(folder)
        _note(report, hooks, f"removed the leftover temporary folder {folder} of an interrupted apply")
    for ref in repo.remove_leftover_holds():
        _note(report, hooks, f"removed the leftover ref {ref} of an interrupted apply")


def _note(report: ApplyReport, hooks: ApplyHooks, text: str) -> None:
    report.notes.append(text)
    hooks.note(text)


def _finish(report: ApplyReport, outcome: Outcome, message: str) -> ApplyReport:
    report.outcome = outcome
    report.message = message
    return report


def _info(migration: Migration) -> MigrationInfo:
    return MigrationInfo(migration.name, migration.description, migration.specs, migration.spec_hash)


def _count(items: Any, noun: str) -> str:
    n = len(items)
    return f"{n} {noun}{'s' if n != 1 else ''}"


@contextmanager
def _scratch(root: Path) -> Iterator[Path]:
    """A temporary folder for the in-place gate's reports, owned (by `root` and this process) so that the next
    in-place run on `root` removes it if this one is killed."""
    import tempfile

    from .git import OWNER_FILE, TEMP_PREFIX

    folder = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}gate-"))
    (folder / OWNER_FILE).write_text(f"{root}\n{os.getpid()}\n", encoding="utf-8")
    try:
        yield folder
    finally:
        with signals_deferred():
            remove_owned_folder(folder)


def _remove_dead_scratch(root: Path) -> list[Path]:
    """Report folders of killed in-place runs on `root` (their owner process is gone)."""
    import tempfile

    from .git import OWNER_FILE, TEMP_PREFIX

    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}gate-*"):
        try:
            owner, pid = (folder / OWNER_FILE).read_text(encoding="utf-8").split("\n")[:2]
        except (OSError, ValueError):
            continue
        if owner == str(root) and pid.isdigit() and not _alive(int(pid)):
            remove_owned_folder(folder)
            removed.append(folder)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class InterruptGuard:
    """Ctrl-C and SIGTERM, handled alike: before the run's result is final they unwind it as `Interrupted`,
    so every `finally` (clones, the suite, the journal) runs and the CLI says nothing was left; once the
    result is final (`complete`, called with signals blocked) they are only noted, and the run reports
    what exists. Outside the main thread the caller handles signals."""

    def __init__(self, keep_ignoring: bool = False) -> None:
        self.completed = False
        self.pending: int | None = None
        self._keep_ignoring = keep_ignoring
        self._previous: dict[int, Any] = {}

    def complete(self) -> None:
        self.completed = True

    def _handle(self, signum: int, frame: object) -> None:
        if self.completed:
            self.pending = self.pending or signum
            return
        raise Interrupted(signum)

    def __enter__(self) -> InterruptGuard:
        try:
            self._previous = {sig: signal.signal(sig, self._handle) for sig in (signal.SIGINT, signal.SIGTERM)}
        except ValueError:  # not the main thread
            self._previous = {}
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            # A completed run's report is still to be printed: the process ignores signals until it exits.
            signal.signal(sig, signal.SIG_IGN if self.completed and self._keep_ignoring else handler)
