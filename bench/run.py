#!/usr/bin/env python3
"""Benchmark ssot-migrate against libcst's codemod runner and `git grep` on pinned real corpora.

    python bench/run.py                      # the small corpus (rich), 3 repetitions
    python bench/run.py --corpus django      # Django 5.2 (the libcst runner takes minutes per run)
    python bench/run.py --corpus all --peer-repeat 1 --markdown bench/results/table.md

Every measured command runs in its own process; the cases alternate inside each repetition,
so a slow phase of a shared machine hits all of them alike. See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import sdists  # bench/ is the script's folder
from sdists import run

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
RESULTS = HERE / "results"


@dataclass(frozen=True)
class Rename:
    kind: str  # "module", "symbol" or "package" (a core package that a thousand files import moves)
    old: str
    new: str

    @property
    def leaf(self) -> str:
        return self.old.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Corpus:
    name: str
    requirement: str
    archive: str
    sha256: str
    renames: tuple[Rename, ...]
    source: str = ""  # another corpus whose extracted repository this one shares (default: its own)

    @property
    def repo_name(self) -> str:
        return self.source or self.name


# The migration that hurts most: moving a core package that a thousand files import (issue 17).
_PACKAGE_MOVE = Rename("package", "django.db.models", "django.db.orm")

CORPORA = {
    "rich": Corpus(
        "rich", "rich==13.9.4", "rich-13.9.4.tar.gz",
        "439594978a49a09530cff7ebc4b5c7103ef57baf48d5ea3184f21d9a2befa098",
        (Rename("module", "rich.segment", "rich.render_segment"), Rename("symbol", "rich.text.Text", "rich.styled_text.Text")),
    ),
    "django": Corpus(
        "django", "django==5.2", "Django-5.2.tar.gz",
        "1a47f7a7a3d43ce64570d350e008d2949abe8c7e21737b351b6a1611277c6d89",
        (
            Rename("module", "django.utils.encoding", "django.utils.text_encoding"),
            Rename("symbol", "django.utils.translation.gettext_lazy", "django.utils.i18n.gettext_lazy"),
            _PACKAGE_MOVE,
        ),
    ),
}
# `--corpus django-big`: the package move alone, on the same repository.
CORPORA["django-big"] = Corpus(
    "django-big", CORPORA["django"].requirement, CORPORA["django"].archive, CORPORA["django"].sha256,
    (_PACKAGE_MOVE,), source="django",
)


# -- corpora ----------------------------------------------------------------------------------


def corpus_repo(corpus: Corpus) -> Path:
    """The extracted corpus as a git repository with one commit (made once)."""
    return sdists.extracted_repo(corpus, WORK / "downloads", WORK / "corpora" / corpus.repo_name)


def make_repo(root: Path) -> None:
    run(["git", "init", "-q", "-b", "main"], cwd=root)
    run(["git", "add", "-A"], cwd=root)
    run(["git", "-c", "commit.gpgsign=false", "commit", "-q", "-m", "corpus"], cwd=root)


def fresh_copy(source: Path, target: Path) -> Path:
    """A throwaway clone (its own checkout, so edits never reach the source)."""
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    run(["git", "clone", "-q", "--local", str(source), str(target)])
    return target


def spec_file(corpus: Corpus, rename: Rename) -> Path:
    path = WORK / "specs" / f"{corpus.name}-{rename.kind}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[migration]\nname = "bench-{rename.kind}"\n\n[[codemod]]\nkind = "rename-import"\n'
        f'old = "{rename.old}"\nnew = "{rename.new}"\n',
        encoding="utf-8",
    )
    return path


def scaled_repo(corpus: Corpus, source: Path, copies: int) -> Path:
    """The corpus plus `copies - 1` copies of it in subfolders, without the files that mention any
    rename's last part: the repository grows, the files that can match stay the same."""
    repo = WORK / "scaling" / f"{corpus.name}-x{copies}"
    if (repo / ".git").is_dir():
        return repo
    shutil.rmtree(repo, ignore_errors=True)
    fresh_copy(source, repo)
    shutil.rmtree(repo / ".git")
    words = re.compile(rb"(?<![A-Za-z0-9_])(?:" + b"|".join(re.escape(r.leaf.encode()) for r in corpus.renames) + rb")(?![A-Za-z0-9_])")
    listed = run(["git", "ls-files", "-z"], cwd=source).stdout.decode().split("\0")
    for copy in range(1, copies):
        for path in filter(None, listed):
            data = (source / path).read_bytes()
            if words.search(data):
                continue
            target = repo / f"copy{copy}" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    make_repo(repo)
    return repo


# -- measuring ----------------------------------------------------------------------------------

# Runs a command and reports its wall time and the resources of its whole process tree
# (RUSAGE_CHILDREN: CPU summed over every descendant, max RSS of the largest one).
_MEASURE = r"""
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": done.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "maxrss_kib": usage.ru_maxrss, "stderr": done.stderr[-3000:].decode("utf-8", "replace")}))
"""


@dataclass
class Case:
    corpus: str
    name: str
    command: Callable[[int], tuple[list[str], Path]]  # repetition -> (argv, cwd)
    peer: bool = False
    ok_codes: tuple[int, ...] = (0,)
    setup: Callable[[int], None] | None = None
    env: dict[str, str] = field(default_factory=dict)
    samples: list[dict] = field(default_factory=list)


def measure(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict:
    full_env = {**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    out = subprocess.run([sys.executable, "-c", _MEASURE, *argv], cwd=cwd, env=full_env, capture_output=True, check=True)
    return json.loads(out.stdout)


def ssot_command() -> list[str]:
    script = Path(sys.executable).parent / "ssot-migrate"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ssot_migrate"]


def compile_tools() -> None:
    """Byte-compile ssot-migrate and libcst, as `pip install` of a wheel does.

    An editable install (or PYTHONDONTWRITEBYTECODE in the environment) otherwise compiles
    every module of the package on every start, which no installed user pays."""
    import compileall

    import libcst
    import ssot_migrate

    for package in (ssot_migrate, libcst):
        compileall.compile_dir(Path(package.__file__).parent, quiet=1)


def check_support() -> tuple[bool, bool]:
    """(whether this ssot-migrate has `check`, whether that takes --cache-dir)."""
    result = subprocess.run([*ssot_command(), "check", "--help"], capture_output=True, env={**os.environ, "NO_COLOR": "1"})
    return result.returncode == 0, b"--cache-dir" in result.stdout


def summarize(samples: list[dict]) -> dict:
    walls = [s["wall"] for s in samples]
    return {
        "n": len(walls),
        "median": statistics.median(walls),
        "min": min(walls),
        "max": max(walls),
        "cpu": statistics.median(s["cpu"] for s in samples),
        "peak_mib": max(s["maxrss_kib"] for s in samples) / 1024,
    }


# -- the run ------------------------------------------------------------------------------------


def cases_for(corpus: Corpus, repo: Path, jobs: int, check: tuple[bool, bool]) -> tuple[list[Case], dict]:
    ssot = ssot_command()
    scratch = WORK / "scratch" / corpus.name
    context: dict = {"outputs": {}, "libcst_changed": {}}
    cases: list[Case] = []
    for rename in corpus.renames:
        spec = spec_file(corpus, rename)
        cold_cache = scratch / f"cache-cold-{rename.kind}"
        warm_cache = scratch / f"cache-warm-{rename.kind}"
        output = scratch / f"plan-{rename.kind}.json"
        context["outputs"][rename.kind] = output

        def cold_setup(_rep: int, cache: Path = cold_cache) -> None:
            shutil.rmtree(cache, ignore_errors=True)

        def plan(cache: Path, out: Path = output, spec: Path = spec) -> Callable[[int], tuple[list[str], Path]]:
            return lambda _rep: ([*ssot, "plan", "--spec", str(spec), "--format", "json", "--jobs", str(jobs),
                                  "--cache-dir", str(cache), "-o", str(out)], repo)

        cases.append(Case(corpus.name, f"ssot-migrate plan, {rename.kind} rename, cold", plan(cold_cache), setup=cold_setup))
        if rename.kind == "package":
            # Issue 17 states its target for `plan --jobs 2 --no-cache`: no cache is read or written.
            cases.append(Case(
                corpus.name, f"ssot-migrate plan, {rename.kind} rename, --no-cache",
                lambda _rep, out=output, spec=spec: ([*ssot, "plan", "--spec", str(spec), "--format", "json", "--jobs",
                                                      str(jobs), "--no-cache", "-o", str(out)], repo),
            ))
        cases.append(Case(corpus.name, f"ssot-migrate plan, {rename.kind} rename, warm", plan(warm_cache, scratch / "warm.json")))
        copy = scratch / f"libcst-{rename.kind}"

        def peer_setup(_rep: int, copy: Path = copy) -> None:
            fresh_copy(repo, copy)

        def peer(_rep: int, rename: Rename = rename, copy: Path = copy) -> tuple[list[str], Path]:
            return ([sys.executable, "-m", "libcst.tool", "codemod", "rename.RenameCommand",
                     f"--old_name={rename.old}", f"--new_name={rename.new}", "--jobs", str(jobs), "--no-format",
                     "--hide-progress", "--hide-generated-warnings", "--hide-blacklisted-warnings", "."], copy)

        # The runner exits 1 when it failed on some file; it still wrote the others.
        cases.append(Case(
            corpus.name, f"libcst codemod RenameCommand, {rename.kind} rename", peer, peer=True, setup=peer_setup,
            ok_codes=(0, 1),
        ))
        cases.append(Case(
            corpus.name, f"git grep -l (floor), {rename.kind} rename",
            lambda _rep, leaf=rename.leaf: (["git", "grep", "-l", "-w", "-F", "-e", leaf], repo), ok_codes=(0, 1),
        ))
        context.setdefault("copies", {})[rename.kind] = copy
    cases.append(Case(corpus.name, "ssot-migrate --version (start-up)", lambda _rep: ([*ssot, "--version"], repo)))
    if any(r.kind == "symbol" for r in corpus.renames):
        cases += _pre_commit_cases(corpus, repo, scratch, jobs, context, check)
    return cases, context


def _pre_commit_cases(corpus: Corpus, repo: Path, scratch: Path, jobs: int, context: dict, check: tuple[bool, bool]) -> list[Case]:
    """The pre-commit case: 5 files of the symbol rename just changed (a comment line is appended
    before each run) and the cache knows the rest of the repository. `plan` on the 5 files is the
    work `check` does; `check` itself runs when this version has it."""
    symbol = next(r for r in corpus.renames if r.kind == "symbol")
    spec = spec_file(corpus, symbol)
    copy = scratch / "check"
    cache = scratch / "cache-check"
    # Without --cache-dir support, `check` uses the default cache folder: the same one, through XDG_CACHE_HOME.
    env = {"XDG_CACHE_HOME": str(scratch / "xdg-check")}
    state: dict = {}

    def setup(rep: int) -> None:
        if "files" not in state:
            fresh_copy(repo, copy)
            for folder in (cache, Path(env["XDG_CACHE_HOME"])):
                shutil.rmtree(folder, ignore_errors=True)
            for option in (["--cache-dir", str(cache)], []):
                plan_out = scratch / "check-prime.json"
                run([*ssot_command(), "plan", "--spec", str(spec), "--format", "json", "--jobs", str(jobs),
                     *option, "-o", str(plan_out)], cwd=copy, env=env)
            state["files"] = sorted(f["path"] for f in json.loads(plan_out.read_text())["files"])[:5]
            context["check_files"] = state["files"]
        state["edits"] = state.get("edits", 0) + 1
        for path in state["files"]:
            with open(copy / path, "ab") as stream:
                stream.write(f"# edited before run {state['edits']}\n".encode())

    def plan(_rep: int) -> tuple[list[str], Path]:
        out = scratch / "check-plan.json"
        return [*ssot_command(), "plan", *state["files"], "--spec", str(spec), "--format", "json",
                "--cache-dir", str(cache), "-o", str(out)], copy

    def check_command(_rep: int) -> tuple[list[str], Path]:
        option = ["--cache-dir", str(cache)] if check[1] else []
        return [*ssot_command(), "check", *state["files"], "--spec", str(spec), *option], copy

    unrelated: dict = {}

    def setup_unrelated(rep: int) -> None:
        setup(rep)  # the same primed clone and cache
        if "files" not in unrelated:
            leaves = re.compile(rb"(?<![A-Za-z0-9_])(?:" + b"|".join(re.escape(r.leaf.encode()) for r in corpus.renames) + rb")(?![A-Za-z0-9_])")
            listed = sorted(p for p in run(["git", "ls-files", "-z", "*.py"], cwd=copy).stdout.decode().split("\0") if p)
            unrelated["files"] = [p for p in listed if not leaves.search((copy / p).read_bytes())][:5]
            context["check_unrelated_files"] = unrelated["files"]
        for path in unrelated["files"]:
            with open(copy / path, "ab") as stream:
                stream.write(f"# edited before run {state['edits']}\n".encode())

    def check_unrelated(_rep: int) -> tuple[list[str], Path]:
        option = ["--cache-dir", str(cache)] if check[1] else []
        return [*ssot_command(), "check", *unrelated["files"], "--spec", str(spec), *option], copy

    cases = [Case(corpus.name, "ssot-migrate plan, 5 changed files (the work of check)", plan, setup=setup, env=env)]
    if check[0]:
        cases.append(Case(
            corpus.name, "ssot-migrate check, 5 changed files (pre-commit)", check_command, setup=setup,
            ok_codes=(0, 1), env=env,
        ))
        cases.append(Case(
            corpus.name, "ssot-migrate check, 5 changed files that mention no old name", check_unrelated,
            setup=setup_unrelated, env=env,
        ))
    return cases


def run_cases(cases: list[Case], repeat: int, peer_repeat: int, warm_prime: Callable[[], None]) -> None:
    warm_prime()
    for rep in range(repeat):
        for case in cases:
            if case.peer and rep >= peer_repeat:
                continue
            if case.setup is not None:
                case.setup(rep)
            argv, cwd = case.command(rep)
            print(f"[{rep + 1}/{repeat}] {case.corpus}: {case.name} ...", file=sys.stderr, end=" ", flush=True)
            sample = measure(argv, cwd, case.env)
            if sample["rc"] not in case.ok_codes:
                raise SystemExit(f"{case.name}: exit {sample['rc']}\n{sample['stderr']}")
            print(f"{sample['wall']:.2f}s", file=sys.stderr)
            case.samples.append(sample)


def changed_files(copy: Path) -> list[str]:
    status = run(["git", "status", "--porcelain", "-z", "--untracked-files=all"], cwd=copy).stdout.decode()
    return sorted(entry[3:] for entry in status.split("\0") if entry)


def cross_check(corpus: Corpus, repo: Path, context: dict) -> list[dict]:
    """Which files each tool changed, per rename, and whether the files both changed read the same
    afterwards; every difference is a correctness finding (the JSON keeps the diffs)."""
    report = []
    for rename in corpus.renames:
        plan = json.loads(context["outputs"][rename.kind].read_text())
        ours = sorted(f["path"] for f in plan["files"])
        copy = context["copies"][rename.kind]
        entry: dict = {"rename": f"{rename.old} -> {rename.new}", "ssot_migrate": len(ours), "stats": plan["stats"]}
        if copy.exists():
            theirs = changed_files(copy)
            applied = fresh_copy(repo, WORK / "scratch" / corpus.name / f"ssot-apply-{rename.kind}")
            run([*ssot_command(), "apply", "--in-place", "--spec", str(spec_file(corpus, rename)), "--no-cache"], cwd=applied)
            both = sorted(set(ours) & set(theirs))
            differently = [p for p in both if (copy / p).read_bytes() != (applied / p).read_bytes()]
            entry.update({
                "libcst": len(theirs), "both": len(both),
                "only_ssot_migrate": sorted(set(ours) - set(theirs)),
                "only_libcst": sorted(set(theirs) - set(ours)),
                "changed_differently": differently,
                "libcst_diffs": {
                    p: run(["git", "diff", "--", p], cwd=copy).stdout.decode(errors="replace")[:4000]
                    for p in sorted(set(theirs) - set(ours)) + differently
                },
                "ssot_migrate_diffs": {
                    p: run(["git", "diff", "--", p], cwd=applied).stdout.decode(errors="replace")[:4000] for p in differently
                },
            })
        report.append(entry)
    return report


def scaling(corpus: Corpus, repo: Path, jobs: int, repeat: int) -> list[dict]:
    """Cold plan of the symbol rename on the corpus copied 1x, 2x and 4x side by side."""
    symbol = next(r for r in corpus.renames if r.kind == "symbol")
    spec = spec_file(corpus, symbol)
    repos = {copies: scaled_repo(corpus, repo, copies) for copies in (1, 2, 4)}
    scratch = WORK / "scratch" / corpus.name
    rows = {copies: {"samples": [], "grep": []} for copies in repos}
    for rep in range(repeat):
        for copies, scaled in repos.items():
            cache = scratch / f"cache-scaling-{copies}"
            shutil.rmtree(cache, ignore_errors=True)
            out = scratch / f"scaling-{copies}.json"
            argv = [*ssot_command(), "plan", "--spec", str(spec), "--format", "json", "--jobs", str(jobs),
                    "--cache-dir", str(cache), "-o", str(out)]
            print(f"[{rep + 1}/{repeat}] {corpus.name}: scaling x{copies} ...", file=sys.stderr, end=" ", flush=True)
            sample = measure(argv, scaled)
            print(f"{sample['wall']:.2f}s", file=sys.stderr)
            sample["stats"] = json.loads(out.read_text())["stats"]
            rows[copies]["samples"].append(sample)
            rows[copies]["grep"].append(measure(["git", "grep", "-l", "-w", "-F", "-e", symbol.leaf], scaled))
    result = []
    for copies, row in rows.items():
        stats = row["samples"][-1]["stats"]
        result.append({
            "copies": copies, **summarize(row["samples"]), "grep_median": statistics.median(g["wall"] for g in row["grep"]),
            "discovered": stats["discovered"], "prefiltered": stats["prefiltered"], "parsed": stats["parsed"],
        })
    return result


COST_PHASES = ("scan", "focus", "parse", "metadata", "rewrite", "verification")


def cost_breakdown(corpus: Corpus, repo: Path, jobs: int) -> list[dict]:
    """Where a cold plan's per-file time goes, for each rename: one untimed run with SSOT_MIGRATE_COSTS
    set (every process appends a line per planned file), summed over the files that were parsed."""
    rows = []
    scratch = WORK / "scratch" / corpus.name
    scratch.mkdir(parents=True, exist_ok=True)
    for rename in corpus.renames:
        costs = scratch / f"costs-{rename.kind}.jsonl"
        costs.unlink(missing_ok=True)
        print(f"{corpus.name}: per-file costs, {rename.kind} rename ...", file=sys.stderr, flush=True)
        run([*ssot_command(), "plan", "--spec", str(spec_file(corpus, rename)), "--format", "json", "--jobs", str(jobs),
             "--no-cache", "-o", str(scratch / "costs-plan.json")], cwd=repo, env={"SSOT_MIGRATE_COSTS": str(costs)})
        lines = [json.loads(line) for line in costs.read_text().splitlines()] if costs.exists() else []
        # The files libcst parsed, and those rewritten from the `ast` alone (`plain`, no libcst).
        worked = [line for line in lines if line["parsed"] or line.get("plain")]
        totals = {phase: sum(line.get(phase, 0.0) for line in worked) for phase in COST_PHASES}
        rows.append({
            "rename": rename.kind, "files": len(worked), "plain": sum(1 for line in worked if line.get("plain")),
            "bytes": sum(line["bytes"] for line in worked), **totals,
        })
    return rows


def machine() -> dict:
    model = ""
    try:
        model = next(
            line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor()
    memory = ""
    try:
        kib = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration, ValueError):
        pass
    versions = run([sys.executable, "-c", "import importlib.metadata as m; print(m.version('ssot-migrate'), m.version('libcst'))"]).stdout.split()
    commit = run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, check=False).stdout.decode().strip()
    return {
        "cpu": model, "cores": os.cpu_count(), "memory": memory, "platform": platform.platform(),
        "python": platform.python_version(), "ssot_migrate": versions[0].decode(), "libcst": versions[1].decode(),
        "commit": commit,
    }


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


# -- report -------------------------------------------------------------------------------------


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory']}; {m['platform']}; Python {m['python']}; "
        f"ssot-migrate {m['ssot_migrate']} ({m['commit']}); libcst {m['libcst']}; --jobs {results['jobs']}.",
        f"Load average (1/5/15 min) before: {results['load_before']}, after: {results['load_after']}. "
        f"Repetitions: {results['repeat']} (libcst runner: {results['peer_repeat']}).",
        "",
        "| corpus | command | median s | min-max s | CPU s | peak MiB |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in results["rows"]:
        if row.get("n"):
            lines.append(
                f"| {row['corpus']} | {row['name']} | {row['median']:.2f} | {row['min']:.2f}-{row['max']:.2f} "
                f"| {row['cpu']:.2f} | {row['peak_mib']:.0f} |"
            )
        else:
            lines.append(f"| {row['corpus']} | {row['name']} | not available | | | |")
    lines += ["", "| corpus | ratio | measured | target |", "|---|---|---:|---|"]
    for ratio in results["ratios"]:
        lines.append(f"| {ratio['corpus']} | {ratio['what']} | {ratio['value']} | {ratio['target']} |")
    for corpus, rows in results.get("scaling", {}).items():
        lines += ["", f"Scaling on {corpus} (symbol rename, cold):", "",
                  "| copies | files | prefiltered | parsed | plan median s | min-max s | git grep s |",
                  "|---:|---:|---:|---:|---:|---:|---:|"]
        for row in rows:
            lines.append(
                f"| {row['copies']}x | {row['discovered']} | {row['prefiltered']} | {row['parsed']} | {row['median']:.2f} "
                f"| {row['min']:.2f}-{row['max']:.2f} | {row['grep_median']:.3f} |"
            )
    for corpus, rows in results.get("costs", {}).items():
        lines += ["", f"Per-file cost breakdown on {corpus} (cold plan, CPU seconds summed over the files parsed by libcst or "
                  "rewritten from the `ast` alone, of which `plain`; share of their total):", "",
                  "| rename | files | plain | " + " | ".join(COST_PHASES) + " |", "|---|---:|---:|" + "---:|" * len(COST_PHASES)]
        for row in rows:
            total = sum(row[phase] for phase in COST_PHASES) or 1.0
            cells = " | ".join(f"{row[phase]:.1f} ({100 * row[phase] / total:.0f}%)" for phase in COST_PHASES)
            lines.append(f"| {row['rename']} | {row['files']} | {row.get('plain', 0)} | {cells} |")
    for corpus, checks in results["cross_check"].items():
        lines += ["", f"Changed files on {corpus} (ssot-migrate vs libcst's runner):", ""]
        for entry in checks:
            if "libcst" not in entry:
                lines.append(f"- {entry['rename']}: ssot-migrate {entry['ssot_migrate']} (runner not run)")
                continue
            lines.append(
                f"- {entry['rename']}: ssot-migrate changed {entry['ssot_migrate']} files, libcst {entry['libcst']}, "
                f"both {entry['both']} ({len(entry['changed_differently'])} of them differently); "
                f"only ssot-migrate: {len(entry['only_ssot_migrate'])}, only libcst: {len(entry['only_libcst'])}"
            )
    return "\n".join(lines) + "\n"


def ratios(corpus: Corpus, rows: dict[str, dict]) -> list[dict]:
    def get(name: str) -> dict | None:
        row = rows.get(name)
        return row if row and row.get("n") else None

    out = []
    startup = get("ssot-migrate --version (start-up)")
    for rename in corpus.renames:
        cold = get(f"ssot-migrate plan, {rename.kind} rename, cold")
        warm = get(f"ssot-migrate plan, {rename.kind} rename, warm")
        peer = get(f"libcst codemod RenameCommand, {rename.kind} rename")
        grep = get(f"git grep -l (floor), {rename.kind} rename")
        need = 30 if rename.kind == "package" else 50 if corpus.repo_name == "django" else 10
        if cold and peer:
            out.append({"corpus": corpus.name, "what": f"libcst runner / cold plan ({rename.kind})",
                        "value": f"{peer['median'] / cold['median']:.1f}x", "target": f">= {need}x"})
        uncached = get(f"ssot-migrate plan, {rename.kind} rename, --no-cache")
        if uncached and peer:
            out.append({"corpus": corpus.name, "what": f"libcst runner / plan --no-cache ({rename.kind}, issue 17's measure)",
                        "value": f"{peer['median'] / uncached['median']:.1f}x", "target": f">= {need}x"})
        if cold and rename.kind == "package":
            out.append({"corpus": corpus.name, "what": f"CPU / wall of the cold plan ({rename.kind})",
                        "value": f"{cold['cpu'] / cold['median']:.2f}", "target": ">= 1.6"})
        if warm and grep and startup:
            floor = grep["median"] + startup["median"]
            out.append({"corpus": corpus.name, "what": f"warm plan / (git grep + start-up) ({rename.kind})",
                        "value": f"{warm['median'] / floor:.1f}x", "target": "<= 10x"})
    for name, what in () if not any(r.kind == "symbol" for r in corpus.renames) else (
        ("ssot-migrate check, 5 changed files (pre-commit)", "check on 5 changed files (s)"),
        ("ssot-migrate plan, 5 changed files (the work of check)", "plan on the same 5 files (s)"),
        ("ssot-migrate check, 5 changed files that mention no old name", "check on 5 files that mention no old name (s)"),
    ):
        row = get(name)
        out.append({"corpus": corpus.name, "what": what, "value": f"{row['median']:.2f}" if row else "not available",
                    "target": "< 0.3" if "no old name" in what else "< 0.6"})
    peaks = [r["peak_mib"] for name, r in rows.items() if name.startswith("ssot-migrate") and r.get("n")]
    if peaks:
        out.append({"corpus": corpus.name, "what": "ssot-migrate peak memory (MiB)", "value": f"{max(peaks):.0f}",
                    "target": "< 300" if corpus.repo_name == "django" else ""})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", choices=[*CORPORA, "all"], default="rich",
                        help="which corpus (default: rich, quick); django-big: the Django package move alone")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of every case (default: 3)")
    parser.add_argument("--peer-repeat", type=int, default=None,
                        help="repetitions of libcst's runner (default: --repeat; it takes minutes per run on Django)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="--jobs for both tools (default: all cores)")
    parser.add_argument("--skip-peer", action="store_true", help="do not run libcst's runner")
    parser.add_argument("--skip-scaling", action="store_true", help="do not run the 1x/2x/4x scaling cases")
    parser.add_argument("--markdown", type=Path, help="also write the result tables to this file")
    args = parser.parse_args()
    peer_repeat = 0 if args.skip_peer else (args.peer_repeat if args.peer_repeat is not None else args.repeat)
    names = ["rich", "django"] if args.corpus == "all" else [args.corpus]
    compile_tools()
    check = check_support()
    results: dict = {"machine": machine(), "jobs": args.jobs, "repeat": args.repeat, "peer_repeat": peer_repeat,
                     "load_before": load(), "rows": [], "ratios": [], "cross_check": {}, "scaling": {}}
    for name in names:
        corpus = CORPORA[name]
        repo = corpus_repo(corpus)
        cases, context = cases_for(corpus, repo, args.jobs, check)

        def prime(corpus: Corpus = corpus, context: dict = context, repo: Path = repo) -> None:
            for rename in corpus.renames:
                cache = WORK / "scratch" / corpus.name / f"cache-warm-{rename.kind}"
                shutil.rmtree(cache, ignore_errors=True)
                run([*ssot_command(), "plan", "--spec", str(spec_file(corpus, rename)), "--format", "json",
                     "--jobs", str(args.jobs), "--cache-dir", str(cache), "-o", str(cache.parent / "prime.json")], cwd=repo)

        run_cases(cases, args.repeat, peer_repeat, prime)
        rows = {}
        for case in cases:
            row = {"corpus": name, "name": case.name, **(summarize(case.samples) if case.samples else {})}
            rows[case.name] = row
            results["rows"].append(row)
        if not check[0] and any(r.kind == "symbol" for r in corpus.renames):
            results["rows"].append({"corpus": name, "name": "ssot-migrate check, 5 changed files (pre-commit)"})
        results["ratios"] += ratios(corpus, rows)
        results["cross_check"][name] = cross_check(corpus, repo, context)
        if context.get("check_files"):
            results.setdefault("check_files", {})[name] = context["check_files"]
        results.setdefault("costs", {})[name] = cost_breakdown(corpus, repo, args.jobs)
        if not args.skip_scaling and any(r.kind == "symbol" for r in corpus.renames):
            results["scaling"][name] = scaling(corpus, repo, args.jobs, args.repeat)
    results["load_after"] = load()
    RESULTS.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"{'-'.join(names)}-{stamp}.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    table = markdown(results)
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(table, encoding="utf-8")
    print(table)


if __name__ == "__main__":
    main()
