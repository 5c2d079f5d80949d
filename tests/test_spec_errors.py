"""A bad spec exits 2 with one message per problem (file, line, codemod, key) before any target file is read."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import make_repo, run_cli, tree_bytes

TARGET = {
    "app/__init__.py": "",
    "app/main.py": "import app.old\n",
    # A file that would be a parse-error finding if the run got as far as reading files.
    "app/broken.py": "import app.old\ndef (:\n",
}

GOOD = '[[codemod]]\nkind = "rename-import"\nold = "app.old"\nnew = "app.new"\n'


def _run(tmp_path: Path, spec: str, *args: str) -> tuple[int, str, Path]:
    repo = make_repo(tmp_path / "repo", {**TARGET, "migration.toml": spec})
    before = tree_bytes(repo)
    result = run_cli("plan", "--spec", "migration.toml", *args, cwd=repo)
    assert tree_bytes(repo) == before
    err = result.stderr.decode()
    assert "SSOT001" not in err and "cannot parse" not in err, "no target file may be read"
    return result.returncode, err, repo


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param(
            '[migration]\nname = "x"\n\n[[codemod]]\nkind = "rename-imprt"\nold = "a"\nnew = "b"\n',
            ["migration.toml:5:", "codemod 1", "key 'kind'", "unknown kind 'rename-imprt'", "did you mean 'rename-import'"],
            id="unknown kind",
        ),
        pytest.param(
            GOOD + "nwe = 'x'\n",
            ["migration.toml:5:", "codemod 1 (rename-import)", "unknown key 'nwe'", "did you mean 'new'"],
            id="unknown key",
        ),
        pytest.param(
            '[[codemod]]\nkind = "rename-import"\nold = "app.old"\nnew = "app.new"\nfollow_reexports = "yes"\n',
            ["migration.toml:5:", "codemod 1 (rename-import)", "key 'follow_reexports'", "expected true or false"],
            id="wrong type",
        ),
        pytest.param(
            '[[codemod]]\nkind = "rename-import"\nold = "app..old"\nnew = "app.new"\n',
            ["migration.toml:3:", "codemod 1 (rename-import)", "key 'old'", "not a dotted Python name"],
            id="malformed dotted name",
        ),
        pytest.param(
            '[[codemod]]\nkind = "rename-import"\nold = ":old"\nnew = "app.new"\n',
            ["migration.toml:3:", "key 'old'", "no module before ':'"],
            id="colon without module",
        ),
        pytest.param(
            '[[codemod]]\nkind = "rename-import"\nold = "app.old"\nnew = "app.old"\n',
            ["migration.toml:4:", "codemod 1 (rename-import)", "key 'new'", "the same name"],
            id="old equals new",
        ),
        pytest.param(
            '[[codemod]]\nkind = "rename-import"\nold = "app.old"\n',
            ["migration.toml:1:", "codemod 1 (rename-import)", "missing required key 'new'"],
            id="missing key at the table header",
        ),
        pytest.param(
            '[migration]\nname = "x"\n[[codemod]]\nkind = "rename-import"\nold = "app.old\n',
            ["migration.toml:5:", "TOML syntax error"],
            id="TOML syntax error",
        ),
        pytest.param(
            GOOD + '\n[[codemod]]\nkind = "rename-import"\nold = "a"\nnew = "a"\nstrings = "some"\n',
            ["migration.toml:9:", "codemod 2 (rename-import)", "key 'new'", "migration.toml:10:", "key 'strings'",
             "expected one of 'calls', 'all', 'none'"],
            id="every problem is listed, each with its codemod",
        ),
        pytest.param(
            '[migration]\nnmae = "x"\n' + GOOD,
            ["migration.toml:2:", "[migration]: unknown key 'nmae'"],
            id="unknown migration key",
        ),
    ],
)
def test_spec_error_exits_2_before_reading_target_files(tmp_path: Path, spec: str, expected: list[str]) -> None:
    code, err, _ = _run(tmp_path, spec)
    assert code == 2, err
    for fragment in expected:
        assert fragment in err, f"{fragment!r} not in {err!r}"
    assert "Traceback" not in err


def test_missing_spec_file_is_a_clear_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", TARGET)
    result = run_cli("plan", "--spec", "nope.toml", cwd=repo)
    assert result.returncode == 2
    assert "nope.toml: cannot read spec" in result.stderr.decode()


def test_unknown_catalog_recipe_suggests_the_command_that_lists_them(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", TARGET)
    result = run_cli("plan", "--spec", "catalog:no-such-recipe", cwd=repo)
    assert result.returncode == 2
    assert "ssot-migrate codemods" in result.stderr.decode()


def test_unknown_config_key_in_pyproject_is_a_usage_error(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {**TARGET, "pyproject.toml": "[tool.ssot-migrate]\nspecz = []\n"})
    result = run_cli("plan", "--rename", "app.old=app.new", cwd=repo)
    assert result.returncode == 2
    assert "unknown key 'specz'" in result.stderr.decode()


def test_bad_rename_option(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", TARGET)
    result = run_cli("plan", "--rename", "app.old", cwd=repo)
    assert result.returncode == 2
    assert "expected OLD=NEW" in result.stderr.decode()
