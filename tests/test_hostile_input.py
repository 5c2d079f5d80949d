"""Hostile input gets one clear line: exit 2, the file and the key named, nothing written, no traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .helpers import make_repo, run_cli, spec_text, tree_bytes

GOOD = spec_text([{"kind": "rename-import", "old": "app.old.X", "new": "app.new:X"}], name="hostile")
FILES = {"app/__init__.py": "", "app/new.py": "X = 1\n", "app/user.py": "from app.old import X\n"}


def run(repo: Path, *args: str) -> tuple[int, list[str]]:
    result = run_cli(*args, cwd=repo, timeout=60)
    stderr = result.stderr.decode()
    assert "Traceback" not in stderr, stderr[-3000:]
    return result.returncode, stderr.splitlines()


def refused(repo: Path, *args: str) -> str:
    """The one line an apply --in-place with this input prints; the tree is unchanged."""
    before = tree_bytes(repo)
    code, lines = run(repo, "apply", "--in-place", *args)
    assert code == 2, lines
    assert len(lines) == 1, lines
    assert tree_bytes(repo) == before
    return lines[0]


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", FILES)


def test_a_spec_nested_3000_deep_is_one_line(repo: Path) -> None:
    (repo / "deep.toml").write_text("[migration]\nname = 'x'\npaths = " + "[" * 3000 + "]" * 3000 + "\n")
    line = refused(repo, "--spec", "deep.toml")
    assert line == "error: deep.toml: key 'paths': nested deeper than 16 levels; no setting needs more than a few"


def test_a_spec_nested_20_deep_names_its_key(repo: Path) -> None:
    (repo / "deep.toml").write_text(GOOD + "\n[migration.extra]\nvalue = " + "[" * 20 + "]" * 20 + "\n")
    line = refused(repo, "--spec", "deep.toml")
    assert line.startswith("error: deep.toml: key 'migration.extra.value': nested deeper than 16 levels")


def test_a_pyproject_nested_3000_deep_is_one_line(repo: Path) -> None:
    (repo / "spec.toml").write_text(GOOD)
    (repo / "pyproject.toml").write_text("[tool.other]\nx = " + "[" * 3000 + "]" * 3000 + "\n")
    line = refused(repo, "--spec", "spec.toml")
    assert line == f"error: {repo}/pyproject.toml: key 'x': nested deeper than 16 levels; no setting needs more than a few"


@pytest.mark.parametrize("special", ["/dev/zero", "fifo", "folder"])
def test_a_spec_that_is_not_a_regular_file_is_refused_without_reading_it(repo: Path, special: str) -> None:
    if special == "fifo":
        os.mkfifo(repo / "fifo")
    elif special == "folder":
        (repo / "folder").mkdir()
    line = refused(repo, "--spec", special)
    assert line == f"error: {special}: not a regular file (a folder, FIFO or device); --spec takes a TOML file"


def test_a_huge_spec_is_refused_by_size(repo: Path) -> None:
    (repo / "huge.toml").write_bytes(GOOD.encode() + b"#" * (2 << 20) + b"\n")
    line = refused(repo, "--spec", "huge.toml")
    assert line.startswith("error: huge.toml: ") and "more than the 1048576 a TOML file here may have" in line


@pytest.mark.parametrize(("value", "problem"), [
    (" app.old.X", "' app.old.X' has whitespace around it: write 'app.old.X'"),
    ("app.old.X\n", "'app.old.X\\n' has whitespace around it: write 'app.old.X'"),
    ("app.old\tX", "'app.old\\tX' contains whitespace or a control character"),
])
def test_a_name_with_whitespace_or_control_characters_is_refused(repo: Path, value: str, problem: str) -> None:
    (repo / "spec.toml").write_text(spec_text([{"kind": "rename-import", "old": value, "new": "app.new:X"}]))
    line = refused(repo, "--spec", "spec.toml")
    assert line.startswith("error: spec.toml:") and "key 'old'" in line and problem in line


@pytest.mark.parametrize(("pattern", "problem"), [
    ("../../etc", "'../../etc' leads out of the project ('..'): patterns are relative to the project root"),
    ("/etc", "'/etc' names /etc outside the project: patterns are relative to the project root (gitignore style); "
             "write 'etc'"),
])
@pytest.mark.parametrize("key", ["paths", "exclude"])
def test_paths_and_exclude_that_leave_the_repository_are_refused(repo: Path, key: str, pattern: str,
                                                                 problem: str) -> None:
    (repo / "spec.toml").write_text(GOOD.replace("[migration]\n", f"[migration]\n{key} = [{pattern!r}]\n", 1)
                                    .replace("'", '"'))
    line = refused(repo, "--spec", "spec.toml")
    assert line.startswith("error: spec.toml:") and f"[migration]: key {key!r}: {problem}" in line


@pytest.mark.parametrize("name", ["*", "../../../../elsewhere/evil", "rename-imp*"])
def test_a_catalog_name_must_be_an_exact_recipe_name(repo: Path, name: str) -> None:
    line = refused(repo, "--spec", f"catalog:{name}")
    assert line.startswith(f"error: catalog:{name}: no such catalog recipe (run `ssot-migrate codemods` to list them)")


@pytest.mark.parametrize("value", ["nan", "-5", "inf", "0"])
def test_a_gate_timeout_that_is_not_a_positive_finite_number_is_refused(repo: Path, value: str) -> None:
    (repo / "spec.toml").write_text(GOOD)
    code, lines = run(repo, "apply", "--spec", "spec.toml", "--branch", "b", f"--gate-timeout={value}")
    assert code == 2 and len(lines) == 1
    assert lines[0].startswith("error: --gate-timeout must be a positive number of seconds (got ")


def test_a_spec_with_a_bom_is_read(repo: Path) -> None:
    (repo / "spec.toml").write_bytes(b"\xef\xbb\xbf" + GOOD.encode())
    code, lines = run(repo, "apply", "--in-place", "--spec", "spec.toml")
    assert code == 0, lines
    assert (repo / "app/user.py").read_text() == "from app.new import X\n"


@pytest.mark.parametrize(("key", "value"), [("specs", "../../../../etc/passwd"), ("roots", "../outside")])
def test_pyproject_paths_that_leave_the_repository_are_refused(repo: Path, key: str, value: str) -> None:
    (repo / "pyproject.toml").write_text(f'[tool.ssot-migrate]\n{key} = ["{value}"]\n')
    line = refused(repo)
    assert line == (f"error: {repo}/pyproject.toml: [tool.ssot-migrate]: key {key!r}: {value!r} leads outside the "
                    f"project {repo}: name a file inside it")


def test_an_unknown_branch_placeholder_is_refused_with_a_suggestion(repo: Path) -> None:
    (repo / "spec.toml").write_text(GOOD)
    code, lines = run(repo, "apply", "--spec", "spec.toml", "--branch", "ssot/{nmae}", "--no-gate")
    assert code == 2
    assert lines == ["error: --branch 'ssot/{nmae}': unknown placeholder {nmae} (known: {name}); did you mean {name}?"]
