#!/usr/bin/env python3
"""How much of what `ssot-migrate audit` reports on healthy projects is real: precision per code and severity.

    python bench/audit_precision.py                  # every project of bench/audit_corpus.toml
    python bench/audit_precision.py --project rich   # one of them
    python bench/audit_precision.py --markdown bench/results/audit-precision.md

Each project is a pinned sdist from PyPI (pip downloads it once into bench/.work/downloads/, its SHA-256 is
checked against the manifest), extracted and committed to its own git repository under bench/.work/audit/,
and audited at default settings (`audit --format json`, no configuration), cold: a fresh process, no cache.

The manifest lists, per project, every finding of severity warning or error that audit may report, each judged
by hand (`real = true/false`) with a one-line reason. A reported finding the manifest does not list counts as
not real (nobody has judged it: it is a regression until someone does). An `error` that is listed as real but
no longer reported is printed as missed. Infos are counted, never judged (they assert nothing).

Targets (docs/audit.md): no error that is not real on any project; for every warning code, at least 90% of the
reports real. The exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import time
from collections import Counter, defaultdict
from pathlib import Path

from sdists import GIT_ENV  # bench/ is the script's folder

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
WORK = HERE / ".work"
MANIFEST = HERE / "audit_corpus.toml"
WARNING_TARGET = 0.90


def download(requirement: str, archive: str, sha256: str) -> Path:
    downloads = WORK / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    target = downloads / archive
    if not target.is_file():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", str(downloads),
             requirement], check=True, stdout=subprocess.DEVNULL,
        )
    digest = hashlib.sha256(target.read_bytes()).hexdigest()
    if digest != sha256:
        raise SystemExit(f"{target}: sha256 {digest}, the manifest pins {sha256}: refusing to measure another file")
    return target


def checkout(name: str, archive: Path) -> Path:
    """The sdist extracted and committed to a git repository (audit lists files with `git ls-files`)."""
    base = WORK / "audit" / name
    marker = base / ".bench-archive"
    if marker.is_file() and marker.read_text() == archive.name:
        return base / "src"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    with tarfile.open(archive) as tar:
        tar.extractall(base, filter="data") if hasattr(tarfile, "data_filter") else tar.extractall(base)
    [top] = [p for p in base.iterdir() if p.is_dir()]
    top.rename(base / "src")
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q"], ["add", "-A", "-f"], ["commit", "-q", "-m", "sdist"]):
        subprocess.run(["git", *args], cwd=base / "src", check=True, env=env, stdout=subprocess.DEVNULL)
    marker.write_text(archive.name)
    return base / "src"


def audit(repo: Path) -> tuple[dict, float]:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "ssot_migrate", "audit", "--format", "json"], cwd=repo, capture_output=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"audit failed on {repo}:\n{result.stderr.decode()}")
    return json.loads(result.stdout), seconds


def judge(project: dict, report: dict) -> dict:
    expected = {(e["code"], e["path"], e["line"]): e for e in project.get("expected", [])}
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    unjudged, false = [], []
    for finding in report["findings"]:
        key = (finding["code"], finding["severity"])
        counts[key]["reported"] += 1
        if finding["severity"] == "info":
            continue
        entry = expected.get((finding["code"], finding["path"], finding["line"]))
        if entry is None:
            unjudged.append(finding)
        elif entry.get("severity", finding["severity"]) != finding["severity"]:
            unjudged.append(finding)  # judged at another severity: judge it again
        elif entry["real"]:
            counts[key]["real"] += 1
        else:
            false.append((finding, entry["reason"]))
    reported = {(f["code"], f["path"], f["line"]) for f in report["findings"]}
    missed = [e for key, e in expected.items() if e["real"] and e.get("severity") == "error" and key not in reported]
    return {"counts": counts, "unjudged": unjudged, "false": false, "missed": missed}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--project", action="append", help="only this project of the manifest (repeatable)")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    args = parser.parse_args()
    manifest = tomllib.loads(MANIFEST.read_text(encoding="utf-8"))
    projects = [p for p in manifest["project"] if not args.project or p["name"] in args.project]
    totals: dict[tuple[str, str], Counter] = defaultdict(Counter)
    lines = ["| project | shape | Python files | cold audit (s) | errors (real) | warnings (real) | infos |",
             "|---|---|---:|---:|---:|---:|---:|"]
    problems: list[str] = []
    for project in projects:
        archive = download(project["requirement"], project["archive"], project["sha256"])
        repo = checkout(project["name"], archive)
        report, seconds = audit(repo)
        verdict = judge(project, report)
        by_severity: dict[str, Counter] = defaultdict(Counter)
        for (code, severity), counter in verdict["counts"].items():
            totals[(code, severity)].update(counter)
            by_severity[severity].update(counter)
        lines.append(
            f"| {project['name']} | {project['shape']} | {report['stats']['discovered']:,} | {seconds:.1f} | "
            f"{by_severity['error']['reported']} ({by_severity['error']['real']}) | "
            f"{by_severity['warning']['reported']} ({by_severity['warning']['real']}) | "
            f"{by_severity['info']['reported']} |"
        )
        for finding in verdict["unjudged"]:
            problems.append(f"{project['name']}: not in the manifest: {finding['path']}:{finding['line']}: "
                            f"{finding['code']} {finding['severity']}: {finding['message'][:160]}")
        for finding, reason in verdict["false"]:
            problems.append(f"{project['name']}: judged not real ({reason}): {finding['path']}:{finding['line']}: "
                            f"{finding['code']} {finding['severity']}")
        for entry in verdict["missed"]:
            problems.append(f"{project['name']}: no longer reported: {entry['path']}:{entry['line']}: {entry['code']}")
        print(lines[-1], flush=True)
    lines += ["", "| code | severity | reported | judged real | precision |", "|---|---|---:|---:|---:|"]
    failed = False
    for (code, severity), counter in sorted(totals.items()):
        if severity == "info":
            lines.append(f"| {code} | info | {counter['reported']} | (not judged) | |")
            continue
        precision = counter["real"] / counter["reported"] if counter["reported"] else 1.0
        lines.append(f"| {code} | {severity} | {counter['reported']} | {counter['real']} | {precision:.0%} |")
        if (severity == "error" and counter["real"] < counter["reported"]) or (
                severity == "warning" and precision < WARNING_TARGET):
            failed = True
    print("\n".join(lines[len(projects) + 2:]))
    for problem in problems:
        print(problem)
    print("targets: " + ("MISSED" if failed or problems else "met")
          + " (no error that is not real; every warning code at 90%+ real; every finding judged)")
    if args.markdown:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 1 if failed or problems else 0


if __name__ == "__main__":
    sys.exit(main())
