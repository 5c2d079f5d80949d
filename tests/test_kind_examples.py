"""Every kind's own before/after table (Fixit-style), run through the real engine on real files.

For each example: the plan changes exactly the listed files to exactly the
expected text (every other file stays byte-identical), the findings have the
expected codes, the output parses, and a second plan on the output is empty.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ssot_migrate.config import load_config
from ssot_migrate.engine import PlanRequest, plan_tree
from ssot_migrate.spec import load_migration
from ssot_migrate.transforms import kind_registry
from ssot_migrate.transforms.base import Example

from .helpers import make_repo, spec_text, tree_bytes, write_files


def _examples() -> list[tuple[str, Example]]:
    return [(name, example) for name, kind in kind_registry().items() for example in kind.examples]


def _plan(root: Path, kind: str, example: Example):
    migration = load_migration(["migration.toml"], base=root)
    return plan_tree(PlanRequest(root, migration, load_config(root), jobs=1))


@pytest.mark.parametrize(
    ("kind", "example"), _examples(), ids=[f"{k}: {e.title}" for k, e in _examples()]
)
def test_kind_example(tmp_path: Path, kind: str, example: Example) -> None:
    files = dict(example.before)
    files["migration.toml"] = spec_text([{"kind": kind, **example.codemod}])
    root = make_repo(tmp_path / "repo", files)
    before = tree_bytes(root)

    plan = _plan(root, kind, example)

    changed = {f.path: f.new_bytes.decode("utf-8") for f in plan.files}
    assert changed == dict(example.after)
    assert [f.code for f in plan.findings] == list(example.findings)
    assert tree_bytes(root) == before, "planning must not write"

    write_files(root, {path: text for path, text in changed.items()})
    second = _plan(root, kind, example)
    assert [f.path for f in second.files] == [], "a second run on the output must plan nothing"


def test_every_kind_has_examples() -> None:
    for name, kind in kind_registry().items():
        assert len(kind.examples) >= 5, f"{name} needs a before/after table"
