"""The reference docs are generated from the code and must be current; every finding code is documented."""

from __future__ import annotations

import re
from pathlib import Path

from ssot_migrate.codes import CODES
from ssot_migrate.docsgen import stale_pages

ROOT = Path(__file__).resolve().parents[1]


def test_generated_reference_pages_are_current() -> None:
    assert stale_pages(ROOT) == [], "run `python -m ssot_migrate.docsgen` and commit the result"


def test_every_finding_code_in_the_source_is_documented() -> None:
    used = set()
    for path in (ROOT / "src" / "ssot_migrate").rglob("*.py"):
        if path.name == "codes.py":
            continue
        used |= set(re.findall(r'"(SSOT\d{3})"', path.read_text()))
    assert used, "the scan found no codes"
    assert sorted(used - set(CODES)) == []


def test_readme_links_every_docs_page() -> None:
    readme = (ROOT / "README.md").read_text()
    index = (ROOT / "docs" / "index.md").read_text()
    for page in sorted((ROOT / "docs").rglob("*.md")):
        relative = page.relative_to(ROOT / "docs").as_posix()
        if relative == "index.md":
            assert "docs/index.md" in readme
            continue
        assert relative in index, f"docs/index.md does not link {relative}"


def test_spec_reference_examples_are_valid_toml() -> None:
    from ssot_migrate.spec import tomllib  # tomli on 3.10

    page = (ROOT / "docs" / "spec-reference.md").read_text()
    blocks = re.findall(r"```toml\n(.*?)```", page, flags=re.DOTALL)
    assert blocks
    for block in blocks:
        tomllib.loads(block)
