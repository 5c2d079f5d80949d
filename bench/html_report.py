#!/usr/bin/env python3
"""How fast a big plan's HTML report opens in a real browser (Debian's chromium, headless, via Playwright).

    python bench/html_report.py                 # 1,000 changed files, 3 loads
    python bench/html_report.py --files 3000

It builds a project in which every file imports a renamed module, writes `plan --format html`, then loads the page
in Chromium and reports the time to DOMContentLoaded and to `load` (the browser's own navigation timing, and the
wall clock of `page.goto`), with the page's size. The target: under 2 s for 1,000 files.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.invalid",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.invalid"}
MODULE = '''"""Module {n}: a handler that still imports the old home of `helpers`."""

from app.old_helpers import parse, render


def handle_{n}(payload: dict) -> str:
    # Every handler looks alike; the plan rewrites the import and nothing else.
    value = parse(payload)
    return render(value, "{n}")
'''


def build_project(root: Path, count: int) -> None:
    (root / "app" / "handlers").mkdir(parents=True)
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "handlers" / "__init__.py").write_text("")
    (root / "app" / "new_helpers.py").write_text("def parse(p):\n    return p\n\n\ndef render(v, n):\n    return n\n")
    for n in range(count):
        (root / "app" / "handlers" / f"handler_{n:04d}.py").write_text(MODULE.format(n=n))
    (root / "migration.toml").write_text(
        '[migration]\nname = "helpers-move"\n\n[[codemod]]\nkind = "rename-import"\n'
        'old = "app.old_helpers"\nnew = "app.new_helpers"\n'
    )
    env = {**os.environ, **GIT_ENV}
    for command in (["git", "init", "-q"], ["git", "add", "-A"], ["git", "commit", "-qm", "project"]):
        subprocess.run(command, cwd=root, check=True, env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000, help="changed files in the plan (default: 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="page loads (default: 3)")
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("needs Debian's chromium: apt-get install chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="ssot-html-bench-") as scratch:
        root = Path(scratch) / "project"
        build_project(root, args.files)
        report = Path(scratch) / "plan.html"
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "ssot_migrate", "plan", "--spec", "migration.toml", "--format", "html",
                        "-o", str(report), "-q", "--no-cache"], cwd=root, check=True)
        planned = time.perf_counter() - started
        loads, dom, wall = [], [], []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for _ in range(args.repeat):
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                began = time.perf_counter()
                page.goto(report.as_uri(), wait_until="load")
                wall.append(time.perf_counter() - began)
                entry = json.loads(page.evaluate("JSON.stringify(performance.getEntriesByType('navigation')[0])"))
                dom.append(entry["domContentLoadedEventEnd"] / 1000)
                loads.append(entry["loadEventEnd"] / 1000)
                assert page.locator("details.file").count() == args.files
                page.close()
            browser.close()
        print(f"files: {args.files}  report: {report.stat().st_size / 1e6:.1f} MB  plan + report: {planned:.1f}s  "
              f"load average: {os.getloadavg()[0]:.2f}")
        print(f"DOMContentLoaded: median {statistics.median(dom):.2f}s  load: median {statistics.median(loads):.2f}s "
              f"(max {max(loads):.2f}s)  page.goto wall clock: median {statistics.median(wall):.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
