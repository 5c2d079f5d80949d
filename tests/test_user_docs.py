"""The user documentation keeps up with the code: every error message has a troubleshooting entry, and the
pages that show commands and JSON show what the tool really does."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Iterator

from .helpers import make_repo, run_cli, spec_text

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
ERROR_TYPES = {"UsageError", "SpecError", "WriteError", "TargetError", "DottedNameError"}


def _message_nodes(tree: ast.AST) -> Iterator[ast.expr]:
    """The message of every user error: exception constructors, `errors.append(...)` and `return None, message`."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in ERROR_TYPES:
                yield node.args[0]
            elif name == "append" and isinstance(func, ast.Attribute) and getattr(func.value, "id", "") == "errors":
                argument = node.args[0]
                yield argument.elts[1] if isinstance(argument, ast.Tuple) else argument
        elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple) and len(node.value.elts) == 2:
            first, second = node.value.elts
            if isinstance(first, ast.Constant) and first.value is None:
                yield from second.elts if isinstance(second, ast.List) else [second]


def _literal_parts(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [part.value for part in node.values if isinstance(part, ast.Constant)]
    if isinstance(node, ast.BinOp):
        return _literal_parts(node.left) + _literal_parts(node.right)
    return []


def error_message_fragments() -> dict[str, str]:
    """The longest literal piece of each error message in the source -> where it is raised."""
    fragments = {}
    for path in sorted((ROOT / "src" / "ssot_migrate").rglob("*.py")):
        for node in _message_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            parts = [part.strip(" :;,.()'\"0123456789") for part in _literal_parts(node)]
            parts = [part for part in parts if len(part) > 3]
            if parts:
                fragments[max(parts, key=len)] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return fragments


def test_the_scan_finds_the_error_messages() -> None:
    fragments = error_message_fragments()
    assert "changed since it was planned; nothing was written, plan again" in fragments
    assert "a spec must be UTF-8 TOML" in fragments


def test_every_error_message_has_a_troubleshooting_entry() -> None:
    page = (DOCS / "troubleshooting.md").read_text()
    missing = {fragment: where for fragment, where in error_message_fragments().items() if fragment not in page}
    assert missing == {}, "document these messages in docs/troubleshooting.md"


def test_the_troubleshooting_page_quotes_real_messages(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {
        "app.py": "import old\n",
        "bad.toml": '[[codemod]]\nkind = "rename-import"\nold = "builtins.x"\nnew = "b"\nstrings = "some"\n',
        "same.toml": spec_text([{"kind": "rename-import", "old": "a.b", "new": "a:b"}]),
    })
    page = (DOCS / "troubleshooting.md").read_text()
    bad = run_cli("plan", "--spec", "bad.toml", cwd=repo).stderr.decode()
    assert "error: bad.toml:5: codemod 1 (rename-import): key 'strings': expected one of 'calls', 'all', 'none', got 'some'" in bad
    assert "expected one of 'a', 'b', got 'c'" in page
    same = run_cli("plan", "--spec", "same.toml", cwd=repo)
    assert same.returncode == 2
    assert "old and new are the same name (a.b): nothing to migrate" in same.stderr.decode()
    empty = run_cli("plan", cwd=repo).stderr.decode()
    heading = re.search(r"### `(no codemods to run: [^`]+)`", page)
    assert heading is not None and f"error: {heading.group(1)}" in empty


def test_the_json_schema_page_lists_every_key_of_a_real_plan(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {
        "app/__init__.py": "",
        "app/old.py": "",
        "app/new.py": "",
        "app/main.py": "from app.old import X\n\nX()\n",
        "app/broken.py": "from app.old import X\ndef (:\n",
        "migration.toml": spec_text([{"kind": "rename-import", "old": "app.old.X", "new": "app.new:X"}]),
    })
    plan = json.loads(run_cli("plan", "--spec", "migration.toml", "--format", "json", cwd=repo).stdout)
    page = (DOCS / "json-schema.md").read_text()
    keys = set(plan) | set(plan["tool"]) | set(plan["migration"]) | set(plan["stats"])
    keys |= {key for codemod in plan["codemods"] for key in codemod}
    keys |= {key for finding in plan["findings"] for key in finding}
    keys |= {key for file in plan["files"] for key in file} | {key for f in plan["files"] for e in f["edits"] for key in e}
    assert plan["files"], "the plan has a file, so its keys are checked"
    assert {f["code"] for f in plan["findings"]} >= {"SSOT001"}
    assert sorted(key for key in keys if f"`{key}`" not in page) == []
