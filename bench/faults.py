"""Fault injection for `apply --branch` and `apply --in-place`: SIGTERM, SIGINT and SIGKILL, to the process or
to its whole group, at random delays and at each git step, on a fixture with a real pytest gate. After every
trial it checks the invariants (docs/apply-branch.md#fault-injection) and prints one line; the last line is
`N trials, M violations`.

    python bench/faults.py --trials 300 --seed 1          # the full run recorded in docs
    python bench/faults.py --trials 30 --seed 7 --files 30  # the quick run the test suite makes
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

GIT = shutil.which("git") or "/usr/bin/git"
MODES = ("branch", "in-place-gated", "in-place")
SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGKILL)
BRANCH = "ssot/fault"
OTHER_BRANCH = "ssot/next-run"
ENV = {
    "GIT_AUTHOR_NAME": "Fault Trial", "GIT_AUTHOR_EMAIL": "fault@example.com",
    "GIT_COMMITTER_NAME": "Fault Trial", "GIT_COMMITTER_EMAIL": "fault@example.com", "NO_COLOR": "1",
    "GITHUB_TOKEN": "ghp_faulttrialtoken00000000000000000000",
}
# A test that records its pid and that of a helper it starts (both must be gone once the next run started).
SUITE_TEST = '''\
import os, pathlib, subprocess, sys

PIDS = pathlib.Path({pids!r})


def test_users():
    helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    with PIDS.open("a") as out:
        out.write(f"{{os.getpid()}}\\n{{helper.pid}}\\n")
    import app.user_0
    assert app.user_0.VALUE_0 == 1
    assert os.environ.get("GITHUB_TOKEN") is None


def test_other():
    assert True
'''
# The git on PATH during a trial: counts its calls and, at the chosen one, signals the apply (before or after git).
GIT_SHIM = f'''#!/bin/bash
n=$(( $(cat "$FAULT_COUNTER" 2>/dev/null || echo 0) + 1 ))
echo "$n" > "$FAULT_COUNTER"
strike() {{
    tries=0
    while [ ! -s "$FAULT_TARGET_FILE" ] && [ $tries -lt 100 ]; do sleep 0.02; tries=$((tries + 1)); done
    kill -"$FAULT_SIGNAL" -- "$(cat "$FAULT_TARGET_FILE")"
}}
if [ "$n" = "$FAULT_STEP" ] && [ "$FAULT_WHEN" = before ]; then strike; fi
"{GIT}" "$@"
status=$?
if [ "$n" = "$FAULT_STEP" ] && [ "$FAULT_WHEN" = after ]; then strike; fi
exit $status
'''


@dataclass
class Trial:
    number: int
    mode: str
    sig: signal.Signals
    group: bool
    delay: float | None = None
    step: int | None = None
    when: str = ""
    exit_code: int | None = None
    outcome: str = ""
    violations: list[str] = field(default_factory=list)
    # The signal arrived before ssot-migrate installed its handlers (/proc says SIGTERM is not caught yet: main()
    # installs SIGINT's handler, then SIGTERM's; Python's own SIGINT handler, there from its start, is not ours).
    before_handlers: bool = False
    # ...and the run ended by the interpreter's default action: death by the signal, or Python's KeyboardInterrupt
    # traceback. Told apart in the trial's line, never excused once ssot-migrate's handlers were in place.
    python_default: bool = False

    def line(self) -> str:
        where = f"git step {self.step} ({self.when})" if self.step is not None else f"after {self.delay:.3f}s"
        target = "group" if self.group else "process"
        verdict = "ok" if not self.violations else "VIOLATION: " + "; ".join(self.violations)
        early = " (before ssot-migrate installed its handlers: Python's default action)" if self.python_default else ""
        return (f"trial {self.number}: {self.mode} {self.sig.name} to the {target} {where}{early}: exit "
                f"{self.exit_code} {self.outcome or '-'}: {verdict}")


def catches(pid: int, sig: signal.Signals) -> bool:
    """Whether process `pid` has a handler for `sig` right now (`SigCgt` in /proc/PID/status); True when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigCgt:"):
                return bool(int(line.split()[1], 16) >> (sig - 1) & 1)
    except (OSError, ValueError):
        pass
    return True


def git(repo: Path, *args: str) -> str:
    return subprocess.run([GIT, "-C", str(repo), *args], capture_output=True, text=True, env={**os.environ, **ENV},
                          check=True).stdout


def build_fixture(root: Path, files: int, pids: Path, module_bytes: int) -> Path:
    """A package whose `files` modules import a name from where it used to live, a real pytest suite, a spec."""
    repo = root / "template"
    (repo / "app").mkdir(parents=True)
    (repo / "tests").mkdir()
    (repo / "app/__init__.py").write_text("")
    (repo / "app/new.py").write_text("X = 1\n")
    (repo / "app/old.py").write_text("from app.new import X  # the half-done move left a re-export\n")
    for n in range(files):
        # Comment lines up to `module_bytes`: past 300 kB in all, planning runs in a process pool.
        padding = "".join(f"# line {i} of the module's body, as in real code\n" for i in range(module_bytes // 44))
        (repo / f"app/user_{n}.py").write_text(f"from app.old import X\n\n{padding}VALUE_{n} = X\n")
    (repo / "tests/test_users.py").write_text(SUITE_TEST.format(pids=str(pids)))
    (repo / "migration.toml").write_text(
        '[migration]\nname = "fault"\n\n[[codemod]]\nkind = "rename-import"\nold = "app.old.X"\nnew = "app.new:X"\n')
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "initial")
    return repo


def tree_state(repo: Path) -> dict[str, bytes]:
    found = {}
    for path in sorted(repo.rglob("*")):
        if ".git" in path.relative_to(repo).parts or not path.is_file():
            continue
        found[str(path.relative_to(repo))] = path.read_bytes()
    return found


def repo_state(repo: Path) -> dict[str, object]:
    refs = git(repo, "for-each-ref", "--format=%(refname) %(objectname)")
    return {
        "tree": hashlib.sha256(json.dumps({k: v.hex() for k, v in tree_state(repo).items()}).encode()).hexdigest(),
        "index": hashlib.sha256((repo / ".git/index").read_bytes()).hexdigest(),
        # The branch is judged by the outcome; refs/ssot-migrate/ (a killed run's holds) once the next run started.
        "refs": sorted(line for line in refs.splitlines()
                       if not line.startswith((f"refs/heads/{BRANCH} ", "refs/ssot-migrate/"))),
        "stash": git(repo, "stash", "list"),
        "config": (repo / ".git/config").read_bytes(),
        "head": git(repo, "symbolic-ref", "HEAD"),
    }


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return not handle.read().rsplit(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return False


def our_temp_folders(repo: Path) -> list[Path]:
    """Temporary folders of ssot-migrate that belong to this repository (its git dir) or project (its root)."""
    owners = {str((repo / ".git").resolve()), str(repo.resolve())}
    found = []
    for holder in Path(tempfile.gettempdir()).glob("ssot-migrate-*"):
        try:
            if (holder / "ssot-migrate-owner").read_text().split("\n")[0] in owners:
                found.append(holder)
        except OSError:
            continue
    return found


def cli(repo: Path, *args: str, env: dict[str, str] | None = None,
        popen: bool = False) -> subprocess.Popen | subprocess.CompletedProcess:
    argv = [sys.executable, "-m", "ssot_migrate", *args]
    full_env = {**os.environ, **ENV, **(env or {})}
    full_env.pop("PYTEST_ADDOPTS", None)
    if popen:
        return subprocess.Popen(argv, cwd=repo, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
    return subprocess.run(argv, cwd=repo, env=full_env, capture_output=True, timeout=300)


def apply_args(mode: str, python: str) -> list[str]:
    gate = ["--test-command", f"{python} -m pytest -q -p no:cacheprovider tests"]
    if mode == "branch":
        return ["apply", "--spec", "migration.toml", "--format", "json", "--branch", BRANCH, *gate]
    if mode == "in-place-gated":
        return ["apply", "--spec", "migration.toml", "--format", "json", "--in-place", *gate]
    return ["apply", "--spec", "migration.toml", "--format", "json", "--in-place"]


class Harness:
    def __init__(self, work: Path, files: int, seed: int, module_bytes: int) -> None:
        self.work = work
        self.random = random.Random(seed)
        self.pids = work / "suite-pids"
        self.template = build_fixture(work, files, self.pids, module_bytes)
        self.shim = work / "shim"
        self.shim.mkdir()
        (self.shim / "git").write_text(GIT_SHIM)
        (self.shim / "git").chmod(0o755)
        self.old = tree_state(self.template)
        self.stderr_dir: Path | None = None
        self.durations: dict[str, float] = {}
        self.steps: dict[str, int] = {}
        self.new: dict[str, bytes] = {}
        self.branch_tree = ""
        for mode in MODES:
            self._measure(mode)

    def _copy(self, name: str) -> Path:
        target = self.work / name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(self.template, target, symlinks=True)
        return target

    def _env(self, counter: Path, step: int = 0, when: str = "", sig: int = 0) -> dict[str, str]:
        return {"PATH": f"{self.shim}{os.pathsep}{os.environ['PATH']}", "FAULT_COUNTER": str(counter),
                "FAULT_STEP": str(step), "FAULT_WHEN": when, "FAULT_SIGNAL": str(int(sig)),
                "FAULT_TARGET_FILE": str(self.work / "trial.target")}

    def _measure(self, mode: str) -> None:
        """An undisturbed run: how long it takes, how many git calls it makes, what it produces."""
        repo = self._copy(f"measure-{mode}")
        counter = self.work / f"measure-{mode}.count"
        started = time.monotonic()
        result = cli(repo, *apply_args(mode, sys.executable), env=self._env(counter))
        self.durations[mode] = time.monotonic() - started
        assert isinstance(result, subprocess.CompletedProcess)
        if result.returncode != 0:
            raise SystemExit(f"the undisturbed {mode} run failed: {result.stderr.decode()}")
        self.steps[mode] = int(counter.read_text()) if counter.exists() else 0
        if mode == "branch":
            self.branch_tree = git(repo, "rev-parse", f"{BRANCH}^{{tree}}").strip()
        else:
            self.new = tree_state(repo)
        shutil.rmtree(repo)

    def trial(self, number: int) -> Trial:
        mode = self.random.choice(MODES)
        trial = Trial(number, mode, self.random.choice(SIGNALS), self.random.random() < 0.5)
        if self.random.random() < 0.5 and self.steps[mode]:
            trial.step = self.random.randint(1, self.steps[mode])
            trial.when = self.random.choice(("before", "after"))
        else:
            trial.delay = self.random.uniform(0.0, self.durations[mode] * 1.1)
        repo = self._copy("trial")
        before = repo_state(repo)
        self.pids.unlink(missing_ok=True)
        counter = self.work / "trial.count"
        counter.unlink(missing_ok=True)
        # The apply runs in its own session: "the group" is the apply and every git and pytest it started there.
        # For git-step trials the shim learns the target from a file written once the pid is known.
        target_file = self.work / "trial.target"
        target_file.unlink(missing_ok=True)
        env = self._env(counter, trial.step or 0, trial.when, trial.sig)
        process = cli(repo, *apply_args(mode, sys.executable), env=env, popen=True)
        assert isinstance(process, subprocess.Popen)
        target = -process.pid if trial.group else process.pid
        if trial.step is not None:
            target_file.write_text(str(target))
        else:
            time.sleep(trial.delay or 0.0)
            try:
                # A signal before Python has run a line of ssot-migrate ends it by the default action: nothing can be
                # done or said then, and the invariants on the repository still apply. Told apart, never excused later.
                trial.before_handlers = trial.sig != signal.SIGKILL and not catches(process.pid, signal.SIGTERM)
                if trial.group:
                    os.killpg(process.pid, trial.sig)
                else:
                    process.send_signal(trial.sig)
            except ProcessLookupError:
                pass
        try:
            stdout, stderr = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            process.kill()
            stdout, stderr = process.communicate()
            trial.violations.append("the run did not end within 300 s of the signal")
        trial.exit_code = process.returncode
        self._check(trial, repo, before, stdout.decode(), stderr.decode())
        if trial.violations and self.stderr_dir is not None:
            self.stderr_dir.mkdir(parents=True, exist_ok=True)
            (self.stderr_dir / f"trial-{number}.stderr").write_bytes(stderr)
        shutil.rmtree(repo, ignore_errors=True)
        return trial

    def _check(self, trial: Trial, repo: Path, before: dict[str, object], stdout: str, stderr: str) -> None:
        bad = trial.violations
        report = {}
        if stdout.strip():
            try:
                report = json.loads(stdout)
            except ValueError:
                bad.append("the JSON report is cut short")
        trial.outcome = report.get("outcome", "")
        code = trial.exit_code
        interrupted = code in (130, 143)
        died = code is not None and code < 0
        traceback = "Traceback" in stderr
        # Python's SIGINT handler raises KeyboardInterrupt from the interpreter's start; until ssot-migrate's own
        # handler replaces it (a few ms into runpy's import of the package), that prints Python's traceback.
        keyboard_interrupt = traceback and stderr.strip().splitlines()[-1] == "KeyboardInterrupt" and not report
        trial.python_default = trial.before_handlers and (died or keyboard_interrupt)
        if traceback and not trial.python_default:
            bad.append("a traceback: " + stderr.strip().splitlines()[-1][:120])
        if died and trial.sig != signal.SIGKILL and not trial.before_handlers:
            bad.append(f"died from {signal.Signals(-code).name} without saying what exists")
        if interrupted and "no branch was created or changed and no file was left written" not in " ".join(stderr.split()):
            bad.append("interrupted without saying what was undone")
        if trial.mode == "branch":
            tip = subprocess.run([GIT, "-C", str(repo), "rev-parse", "--verify", "--quiet", f"refs/heads/{BRANCH}"],
                                 capture_output=True, text=True).stdout.strip()
            if interrupted and tip:
                bad.append("said no branch was created, but it exists")
            if code == 0 and trial.outcome == "created" and tip != report.get("branch", {}).get("commit"):
                bad.append("said the branch was created, but it is not there")
            if tip and git(repo, "rev-parse", f"{tip}^{{tree}}").strip() != self.branch_tree:
                bad.append("the branch holds something other than the gated migration")
            if code not in (0, 130, 143) and not died and not trial.python_default and trial.outcome != "created":
                bad.append(f"unexpected exit {code}: {stderr.strip()[-200:]}")
            now = repo_state(repo)
            for key in before:
                if now[key] != before[key]:
                    bad.append(f"the user's {key} changed")
            self._next_branch_run(trial, repo)
        else:
            self._check_in_place(trial, repo, report, stderr, interrupted, died)
        self._check_leftovers(trial, repo)

    def _check_in_place(self, trial: Trial, repo: Path, report: dict, stderr: str, interrupted: bool,
                        died: bool) -> None:
        bad = trial.violations
        now = tree_state(repo)
        # The journal itself, not one being written (.staging) or being removed (.done): those name no pending write.
        journal = [p for p in (repo / ".git").glob("ssot-migrate-journal-*/journal.json") if "." not in p.parent.name]
        if trial.exit_code == 0 and trial.outcome == "written" and now != self.new:
            bad.append("said the files were written, but the tree is not all new")
        if interrupted and now != self.old:
            bad.append("said no file was left written, but the tree is not all old")
        if journal and not died:
            bad.append("a journal is left although the run ended by itself")
        if journal:
            refused = cli(repo, "apply", "--spec", "migration.toml", "--in-place")
            assert isinstance(refused, subprocess.CompletedProcess)
            if refused.returncode != 3 or "recover" not in refused.stderr.decode():
                bad.append("the next apply did not refuse to start over an unfinished journal")
            direction = self.random.choice(("--rollback", "--complete"))
            recovered = cli(repo, "recover", direction)
            assert isinstance(recovered, subprocess.CompletedProcess)
            after = tree_state(repo)
            wanted = self.old if direction == "--rollback" else self.new
            if recovered.returncode != 0 or after != wanted:
                bad.append(f"recover {direction} did not leave the tree all {'old' if direction == '--rollback' else 'new'}")
        elif now not in (self.old, self.new):
            tmp = [p for p in now if p.endswith(".ssot-tmp")]
            bad.append(f"the tree is neither all old nor all new (no journal){' and holds ' + tmp[0] if tmp else ''}")
        # The next run starts (and cleans up what the killed one left).
        nxt = cli(repo, "apply", "--spec", "migration.toml", "--in-place")
        assert isinstance(nxt, subprocess.CompletedProcess)
        if nxt.returncode != 0:
            bad.append(f"the next in-place run failed: {nxt.stderr.decode().strip()[-200:]}")
        if any(p.endswith(".ssot-tmp") for p in tree_state(repo)):
            bad.append("a .ssot-tmp file survived the next run")

    def _next_branch_run(self, trial: Trial, repo: Path) -> None:
        nxt = cli(repo, "apply", "--spec", "migration.toml", "--branch", OTHER_BRANCH, "--no-gate")
        assert isinstance(nxt, subprocess.CompletedProcess)
        if nxt.returncode != 0:
            trial.violations.append(f"the next run failed: {nxt.stderr.decode().strip()[-200:]}")

    def _check_leftovers(self, trial: Trial, repo: Path) -> None:
        bad = trial.violations
        worktrees = [line for line in git(repo, "worktree", "list", "--porcelain").splitlines()
                     if line.startswith("worktree ")]
        if len(worktrees) != 1:
            bad.append(f"{len(worktrees) - 1} worktree(s) left")
        if git(repo, "for-each-ref", "refs/ssot-migrate/").strip():
            bad.append("a refs/ssot-migrate/ ref left")
        locks = [str(p.relative_to(repo)) for p in (repo / ".git").rglob("*.lock")
                 if p.name != "ssot-migrate.lock"]
        if locks:
            bad.append(f"lock file(s) left: {', '.join(locks)}")
        if (repo / ".git/ssot-migrate.lock").exists() and (repo / ".git/ssot-migrate.lock").read_text():
            bad.append("the apply lock still names a process")
        # A folder of ours that lost its owner file (cut short while being removed) would never be cleaned.
        ownerless = [p for p in Path(tempfile.gettempdir()).glob("ssot-migrate-*")
                     if (p / repo.name).exists() and not (p / "ssot-migrate-owner").exists()]
        if ownerless:
            bad.append(f"temporary folder(s) without an owner left: {', '.join(map(str, ownerless))}")
            for folder in ownerless:
                shutil.rmtree(folder, ignore_errors=True)
        if our_temp_folders(repo):
            bad.append(f"temporary folder(s) left: {', '.join(map(str, our_temp_folders(repo)))}")
        # Only this fixture's commit messages count: other programs (other tests) use the temporary folder too.
        stray = [p for p in Path(tempfile.gettempdir()).glob("tmp*.txt")
                 if _read(p).startswith("ssot-migrate: fault\n")]
        if stray:
            bad.append(f"commit-message file(s) left: {', '.join(map(str, stray))}")
        if self.pids.exists():
            deadline = time.monotonic() + 5
            pids = [int(p) for p in self.pids.read_text().split()]
            while any(alive(p) for p in pids) and time.monotonic() < deadline:
                time.sleep(0.05)
            running = [p for p in pids if alive(p)]
            if running:
                bad.append(f"test process(es) {running} outlived the run")
                for pid in running:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--files", type=int, default=80, help="modules in the fixture package")
    parser.add_argument("--module-bytes", type=int, default=4096,
                        help="size of each module (default 4096: 80 modules plan in a process pool)")
    parser.add_argument("--stderr-dir", type=Path, default=None,
                        help="keep the stderr of every violating trial here (trial-N.stderr)")
    parser.add_argument("--workdir", type=Path, default=None, help="where trials run (default: a temporary folder)")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="faults-", dir=args.workdir))
    try:
        harness = Harness(work, args.files, args.seed, args.module_bytes)
        harness.stderr_dir = args.stderr_dir
        print(f"fixture: {args.files} modules of {args.module_bytes} bytes; undisturbed runs: "
              + ", ".join(f"{m} {harness.durations[m]:.2f}s / {harness.steps[m]} git calls" for m in MODES),
              flush=True)
        violations = 0
        for number in range(1, args.trials + 1):
            trial = harness.trial(number)
            violations += bool(trial.violations)
            print(trial.line(), flush=True)
        print(f"{args.trials} trials, {violations} violations", flush=True)
        return 1 if violations else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
