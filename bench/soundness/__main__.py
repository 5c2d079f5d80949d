"""A soundness fuzzer: a person's change on a real project, then `ssot-migrate apply --in-place`, then oracles.

    python bench/soundness --seed 0 --trials 300 --report results.jsonl
    python bench/soundness --only 0:17 --keep /tmp/kept        # trial 17 of seed 0, alone, its tree kept

Each trial takes a fresh copy of one pinned project, makes the physical change first (moves a module or a
package, renames a definition, or cuts a self-contained definition and pastes it into another module), then
runs the tool with a spec that says so, and compares the result with the unmodified project: every file
compiles; pyflakes finds no new undefined name, unused or duplicate import; every affected module imports; the
project's own tests are no worse; a second plan plans nothing. See docs/soundness.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import corpora
import oracles
import trials

# Findings by which the tool says it left a reference as it is, because rewriting it is not safe (or not
# possible). Code that breaks there was refused, not broken by the tool: that is a pass for soundness and is
# counted apart as "refused". SSOT104 (a re-export keeps working) and SSOT111 (a patch stays where it works)
# claim the code keeps working, so they are not here: a break behind them is a failure.
REFUSALS = {
    "SSOT001": "the file does not parse, so nothing in it was planned",
    "SSOT002": "the tool failed on the file and planned nothing in it",
    "SSOT003": "the rewrite failed verification and was not written",
    "SSOT101": "a star import may bring in the old name",
    "SSOT103": "a string naming the old path cannot be rewritten safely",
    "SSOT105": "an import cannot express the new path",
    "SSOT106": "the new name would collide with a binding",
    "SSOT108": "the old name is still defined in its module",
    "SSOT109": "a module-level use would close an import cycle",
    "SSOT110": "a string names the old path outside the followed calls",
    # call-args (keyword-rename trials): calls left unchanged for a person to edit.
    "SSOT201": "*args/**kwargs could hide the argument",
    "SSOT202": "the rewritten call would not bind",
    "SSOT205": "a method call whose receiver's class is unknown",
    "SSOT206": "an instance method called through its class",
    "SSOT207": "a name that may or may not be the function",
    "SSOT208": "the edit would move a comment or break an f-string",
    "SSOT209": "the argument is not where the spec expects it",
    "SSOT210": "the function is used as a value; calls through it are out of reach",
}
SABOTAGES = ("missed-file", "unused-import")


@dataclass
class Result:
    trial: trials.Trial
    outcome: str  # passed, failed, refused
    failures: list[str] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # the files the tool wrote
    seconds: float = 0.0

    def line(self) -> str:
        text = f"trial {self.trial.ident} {self.trial.describe()}: {self.outcome}"
        if self.outcome == "refused":
            codes = sorted({f["code"] for f in self.findings if f["code"] in REFUSALS})
            text += f" ({', '.join(codes)})"
        if self.failures:
            text += " (" + " | ".join(" ".join(f.split())[:300] for f in self.failures) + ")"
        return text

    def record(self) -> dict:
        t = self.trial
        return {
            "trial": t.ident, "project": t.project.name, "kind": t.kind, "old": t.old, "new": t.new,
            "outcome": self.outcome, "failures": self.failures, "changed": self.changed, "written": self.written,
            "findings": [{k: f.get(k) for k in ("path", "line", "code", "severity", "message")} for f in self.findings],
            "seconds": round(self.seconds, 2),
        }


def tool(*args: str) -> list[str]:
    return [sys.executable, "-m", "ssot_migrate", *args]


def spec_text(trial: trials.Trial) -> str:
    head = f'[migration]\nname = "soundness-{trial.seed}-{trial.number}"\n\n[[codemod]]\n'
    if trial.kind == "keyword-rename":
        return (head + f'kind = "call-args"\nfunction = "{trial.old}"\n'
                f'rename_keywords = {{ {trial.parameter} = "{trial.new}" }}\n')
    if trial.kind == "keyword-add":
        return (head + f'kind = "call-args"\nfunction = "{trial.old}"\n'
                f'add = [{{ name = "{trial.new}", value = "None" }}]\n')
    return head + f'kind = "rename-import"\nold = "{trial.old}"\nnew = "{trial.new}"\n'


def run_json(cmd: list[str], cwd: Path) -> tuple[dict | None, str]:
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, env=oracles._env(), timeout=1800)
    try:
        return json.loads(done.stdout), ""
    except ValueError:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return None, f"exit {done.returncode}: {' / '.join(err[-3:])}"


def sabotage(how: str, repo: Path, written: list[str], before: dict[str, bytes]) -> None:
    """Break the tool's rewrite on purpose (for the fuzzer's own test: the oracles must catch it)."""
    if not written:
        raise SystemExit("--sabotage: the tool wrote no file in this trial; choose another trial")
    target = repo / written[0]
    if how == "missed-file":  # as if the tool had not rewritten this file at all
        target.write_bytes(before[written[0]])
    else:
        target.write_bytes(target.read_bytes() + b"\nimport colorsys as _soundness_sabotage\n")


def run_trial(trial: trials.Trial, baseline: oracles.Baseline, scratch: Path, keep: Path | None,
              how: str | None) -> Result:
    start = time.perf_counter()
    folder = scratch / f"trial-{trial.seed}-{trial.number}"
    shutil.rmtree(folder, ignore_errors=True)
    repo = corpora.fresh_copy(baseline.root, folder / "repo")
    change = trials.make_physical_change(trial, repo)
    spec = folder / "spec.toml"
    spec.write_text(spec_text(trial), "utf-8")
    before = {rel: path.read_bytes() for rel, path in oracles.python_files(repo).items()}
    result = Result(trial, "failed")
    applied, error = run_json(tool("apply", "--in-place", "--spec", str(spec), "--root", str(repo), "--format", "json",
                                   "--no-cache", "--color", "never", "--quiet"), repo)
    if applied is None or applied.get("exit_code") not in (0, None) or applied.get("error"):
        result.failures.append(f"apply: {error or applied.get('error') or applied.get('message')}")
    else:
        result.findings = applied.get("findings", [])
        written = sorted(applied.get("written") or [])
        result.written = written
        if how:
            sabotage(how, repo, written, before)
        plan, error = run_json(tool("plan", "--spec", str(spec), "--root", str(repo), "--format", "json",
                                    "--no-cache", "--color", "never", "--quiet"), repo)
        second = [f["path"] for f in plan["files"]] if plan is not None else [f"(plan failed: {error})"]
        old_leaf = trial.old.replace(":", ".").rsplit(".", 1)[-1]
        new_leaf = trial.new.replace(":", ".").rsplit(".", 1)[-1]
        if trial.kind in ("keyword-rename", "keyword-add"):  # the modules that name the function
            new_leaf = old_leaf
        verdict = oracles.judge(baseline, repo, change.moved, (old_leaf, new_leaf), second)
        result.failures, result.changed = verdict.failures, verdict.changed
        result.outcome = classify(result)
    result.seconds = time.perf_counter() - start
    if keep is not None and result.outcome != "passed":
        target = keep / folder.name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(folder, target, symlinks=True)
        (target / "apply.json").write_text(json.dumps(applied, indent=1) if applied else error, "utf-8")
    shutil.rmtree(folder, ignore_errors=True)
    return result


def classify(result: Result) -> str:
    """passed, or refused when the tool said with a finding that it left what broke, else failed.

    A file-level failure (compile, pyflakes) counts as refused only in a file the refusal names; a failure of
    the whole program (an import, the tests, a second plan) counts as refused when any refusal was reported,
    since it cannot be pinned to a line. The report keeps both, so a refusal can be checked by hand."""
    if not result.failures:
        return "passed"
    refused_files = {f["path"] for f in result.findings if f["code"] in REFUSALS}
    if not refused_files:
        return "failed"
    for failure in result.failures:
        oracle, _, rest = failure.partition(": ")
        if oracle in ("compile", "pyflakes") and rest.split(": ", 1)[0] not in refused_files:
            return "failed"
        if oracle == "apply":
            return "failed"
    return "refused"


def parse_only(values: list[str]) -> list[tuple[int, int]]:
    pairs = []
    for value in values:
        for item in value.split(","):
            seed, _, number = item.partition(":")
            if not (seed.isdigit() and number.isdigit()):
                raise SystemExit(f"--only {item!r}: write SEED:TRIAL, for example 0:17")
            pairs.append((int(seed), int(number)))
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/soundness", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="the run's seed (default 0)")
    parser.add_argument("--trials", type=int, default=20, help="how many trials (default 20)")
    parser.add_argument("--first", type=int, default=0, help="number of the first trial (default 0)")
    parser.add_argument("--only", action="append", default=[], metavar="SEED:I",
                        help="run only these trials (repeatable or comma-separated), e.g. 0:17")
    parser.add_argument("--project", action="append", default=[], choices=sorted(corpora.PROJECTS),
                        help="limit the trials to these projects (repeatable; trial numbers then pick among them)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep the tree, spec and tool output of every "
                        "trial that did not pass under DIR")
    parser.add_argument("--report", type=Path, metavar="FILE.jsonl", help="append one JSON record per trial")
    parser.add_argument("--kind", action="append", default=[], choices=trials.KINDS + trials.EXTRA_KINDS,
                        help="limit the trials to these kinds (repeatable; default: every kind but keyword-rename and keyword-add, "
                        "which runs only when named)")
    parser.add_argument("--sabotage", choices=SABOTAGES, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    projects = [corpora.PROJECTS[n] for n in (args.project or corpora.PROJECTS)]
    roots = {p.name: corpora.corpus(p) for p in projects}
    indexes = {p.name: corpora.index(p, roots[p.name]) for p in projects}
    wanted = parse_only(args.only) or [(args.seed, n) for n in range(args.first, args.first + args.trials)]
    scratch = Path(tempfile.mkdtemp(prefix="ssot-soundness-"))
    baselines = {p.name: oracles.Baseline(p, roots[p.name], scratch) for p in projects}
    report = args.report.open("a", encoding="utf-8") if args.report else None
    counts = {"passed": 0, "failed": 0, "refused": 0}
    start = time.perf_counter()
    try:
        for seed, number in wanted:
            trial = trials.choose(seed, number, projects, indexes, tuple(args.kind) or trials.KINDS)
            result = run_trial(trial, baselines[trial.project.name], scratch, args.keep, args.sabotage)
            counts[result.outcome] += 1
            print(result.line(), flush=True)
            if report:
                report.write(json.dumps(result.record()) + "\n")
                report.flush()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        if report:
            report.close()
    minutes = (time.perf_counter() - start) / 60
    print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['refused']} refused "
          f"({len(wanted)} trials, {minutes:.1f} min)")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
