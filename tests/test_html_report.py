"""The HTML report, opened in a real headless Chromium: the bundled example's plan and audit, every changed file
and every finding on the page, folding that works, no console errors, no request leaving the file."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from .browser import OpenedPage, browser  # noqa: F401  (the fixture)
from .helpers import make_repo, run_cli, spec_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "netra_like"
SCREENSHOT = ROOT / "docs" / "images" / "html-report-plan.jpg"
PATTERN = "*WebSocketManager*"


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("html") / "netra_like"
    shutil.copytree(EXAMPLE, repo)
    return make_repo(repo, {})


def _report(repo: Path, *args: str) -> tuple[Path, dict]:
    """The HTML report of a command (via --report) and its JSON (from the same run's stdout)."""
    page = repo.parent / f"{args[0]}.html"
    result = run_cli(*args, "--format", "json", "--report", str(page), cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    return page, json.loads(result.stdout)


def test_plan_report_shows_the_verdict_every_file_and_finding_and_folds(browser, example: Path) -> None:  # noqa: F811
    page_file, plan = _report(example, "plan")
    assert plan["files"] and plan["findings"]
    opened = OpenedPage(browser, page_file)
    page = opened.page
    try:
        assert page.locator("section").first.get_attribute("id") == "verdict"
        verdict = " ".join(page.locator("#verdict").inner_text().split())
        assert f"{len(plan['files'])} files to change" in verdict
        warnings = sum(1 for f in plan["findings"] if f["severity"] == "warning")
        assert f"{warnings} warnings" in verdict
        assert [page.locator("details.file summary code").nth(i).inner_text()
                for i in range(page.locator("details.file").count())] == [f["path"] for f in plan["files"]]
        assert page.locator("#files li").count() == len(plan["files"])
        shown = page.locator("li.finding")
        assert shown.count() == len(plan["findings"])
        texts = "\n".join(shown.all_inner_texts())
        for finding in plan["findings"]:
            assert f"{finding['path']}:{finding['line']}:{finding['col']}" in texts
        for code in {f["code"] for f in plan["findings"]}:
            assert page.locator(f"#doc-{code}").inner_text().startswith("What happened.")
        # Highlighted diffs: added and removed lines, Python tokens in spans.
        assert page.locator("pre.diff .l.add").count() > 0 and page.locator("pre.diff .l.del").count() > 0
        assert page.locator("pre.diff .l.add span.kn").count() > 0  # `import` in an added line
        # The API matrix of the collapse-class codemod: the canonical and its duplicates as columns.
        header = page.locator("#api table.matrix thead").first.inner_text()
        assert "UnifiedWebSocketManager" in header and "WebSocketManager" in header
        assert page.locator("#api tr.differs").count() > 0

        first = page.locator("details.file").first
        assert first.evaluate("d => d.open") is True
        first.locator("summary").click()
        assert first.evaluate("d => d.open") is False
        page.locator("#expand-all").click()
        assert page.locator("details.file").evaluate_all("ds => ds.every(d => d.open)") is True
        page.locator("#collapse-all").click()
        assert page.locator("details.file").evaluate_all("ds => ds.every(d => !d.open)") is True
        # A link in the file list opens the folded diff it points at.
        page.locator("#files a").nth(2).click()
        assert page.locator("details.file").nth(2).evaluate("d => d.open") is True
        # The screenshot docs/ shows: the verdict, the codemods and files, one finding group and the API matrix
        # unfolded, then the first diff.
        page.locator("#collapse-all").click()
        page.locator("details.file summary").first.click()
        page.locator("details.code-group").evaluate_all("gs => gs.forEach((g, n) => { g.open = n === 0; })")
        page.screenshot(path=str(example.parent / "plan.jpg"), full_page=True, type="jpeg", quality=70)
        if os.environ.get("SSOT_MIGRATE_UPDATE_SCREENSHOTS"):
            SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(example.parent / "plan.jpg", SCREENSHOT)
        assert opened.errors == []
        assert [url for url in opened.requests if not url.startswith("file:")] == []
    finally:
        opened.close()


def test_audit_report_groups_findings_by_code_with_the_duplicate_classes_matrix(browser, example: Path) -> None:  # noqa: F811
    page_file, audit = _report(example, "audit", "--pattern", PATTERN)
    opened = OpenedPage(browser, page_file)
    page = opened.page
    try:
        assert page.locator("section").first.get_attribute("id") == "verdict"
        errors = sum(1 for f in audit["findings"] if f["severity"] == "error")
        assert page.locator("#verdict li.sev-error b").inner_text() == str(errors)
        groups = page.locator("details.code-group")
        codes = sorted({f["code"] for f in audit["findings"]})
        assert sorted(groups.evaluate_all("gs => gs.map(g => g.id)")) == [f"code-{c}" for c in codes]
        for code in codes:
            count = sum(1 for f in audit["findings"] if f["code"] == code)
            assert page.locator(f"#code-{code} li.finding").count() == count
        texts = "\n".join(page.locator("li.finding").all_inner_texts())
        # Each location links to its file (no diffs in an audit).
        first = audit["findings"][0]
        location = f"{first['path']}:{first['line']}:{first['col']}"
        link = page.locator("li.finding a", has_text=location).first
        assert link.get_attribute("href") == (example / first["path"]).resolve().as_uri()
        for finding in audit["findings"]:
            assert f"{finding['path']}:{finding['line']}:{finding['col']}" in texts
            assert finding["message"] in texts
        group = next(f["group"] for f in audit["findings"] if f.get("group"))
        header = page.locator("#api table.matrix thead").first.inner_text()
        assert all(name.rsplit(".", 1)[-1] in header for name in group)
        group = groups.first
        group.locator("summary").click()
        assert group.evaluate("g => g.open") is False
        assert opened.errors == []
    finally:
        opened.close()


def test_apply_report_puts_the_outcome_first_and_lists_what_was_written(browser, tmp_path: Path) -> None:  # noqa: F811
    repo = make_repo(tmp_path / "repo", {
        "app/__init__.py": "", "app/old.py": "", "app/new.py": "X = 1\n",
        "app/main.py": "from app.old import X\n\nprint(X)\n",
        "migration.toml": spec_text([{"kind": "rename-import", "old": "app.old.X", "new": "app.new:X"}]),
    })
    page_file = tmp_path / "apply.html"
    result = run_cli("apply", "--spec", "migration.toml", "--in-place", "--format", "html", "-o", str(page_file),
                     cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == b""
    opened = OpenedPage(browser, page_file)
    try:
        assert opened.page.locator("#verdict .headline").inner_text().startswith("Wrote 1 file")
        assert opened.page.locator("details.file summary code").all_inner_texts() == ["app/main.py"]
        assert opened.errors == []
    finally:
        opened.close()


def test_a_removed_line_that_reads_like_a_header_shows_as_a_removal(browser, tmp_path: Path) -> None:  # noqa: F811
    """`-- x` removed is written `--- x` in the diff: the page shows it as a removal with its code highlighted, not
    as the file's `--- a/...` header; git's no-newline marker is not shown as code."""
    spec = spec_text([{"kind": "rename-import", "old": "pkg.old", "new": "pkg.new"}])
    repo = make_repo(tmp_path / "repo", {"pkg/__init__.py": "", "pkg/new.py": "def f():\n    return 1\n",
                                         "migration.toml": spec, "app.py": "import pkg.old\n-- pkg.old.f()"})
    page_file, _ = _report(repo, "plan", "--spec", "migration.toml")
    opened = OpenedPage(browser, page_file)
    page = opened.page
    try:
        removed = page.locator("pre.diff .l.del").all_inner_texts()
        added = page.locator("pre.diff .l.add").all_inner_texts()
        meta = page.locator("pre.diff .l.meta").all_inner_texts()
        assert removed == ["-import pkg.old", "--- pkg.old.f()"]
        assert added == ["+import pkg.new", "+-- pkg.new.f()"]
        assert meta == ["diff --git a/app.py b/app.py", "--- a/app.py", "+++ b/app.py",
                        "\\ No newline at end of file", "\\ No newline at end of file"]
        # Highlighted as code: the two `-` are operators, like the dots.
        assert page.locator("pre.diff .l.del").nth(1).locator("span.o").all_inner_texts() == ["-", "-", ".", "."]
        assert opened.errors == []
    finally:
        opened.close()


def test_a_form_feed_inside_a_diff_line_does_not_split_it(browser, tmp_path: Path) -> None:  # noqa: F811
    """A form feed (legal whitespace at the start of a Python line) is not a line end: the removed line stays one
    removed line, not a removal of nothing followed by a context line missing its first character."""
    spec = spec_text([{"kind": "rename-import", "old": "pkg.old", "new": "pkg.new"}])
    repo = make_repo(tmp_path / "repo", {"pkg/__init__.py": "", "pkg/new.py": "def f():\n    return 1\n",
                                         "migration.toml": spec,
                                         "app.py": "import pkg.old\n\x0cvalue = pkg.old.f()\nprint(value)\n"})
    page_file, _ = _report(repo, "plan", "--spec", "migration.toml")
    opened = OpenedPage(browser, page_file)
    page = opened.page
    try:
        removed = [" ".join(t.split()) for t in page.locator("pre.diff .l.del").all_inner_texts()]
        context = [" ".join(t.split()) for t in page.locator("pre.diff .l.ctx").all_inner_texts()]
        assert removed == ["-import pkg.old", "- value = pkg.old.f()"]  # the form feed shows as blank space
        assert context == ["print(value)"]
        assert opened.errors == []
    finally:
        opened.close()
