"""Bad call-args / error-code-message specs exit 2 with one clear message per problem, before any target file
is read; `add` values are parsed, never run."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import make_repo, run_cli, tree_bytes

TARGET = {
    "app/__init__.py": "",
    "app/api.py": "def create_error_message(error_code, error_message):\n    return error_code\n",
    # A candidate file that would be a parse-error finding if the run got as far as reading files.
    "app/broken.py": "from app.api import create_error_message\ndef (:\n",
}
CALL_ARGS = '[[codemod]]\nkind = "call-args"\nfunction = "app.api.create_error_message"\n'
ERROR_CODE = '[[codemod]]\nkind = "error-code-message"\nfunction = "app.api.create_error_message"\n'


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param(
            CALL_ARGS,
            ["migration.toml:3:", "codemod 1 (call-args)", "key 'function'", "nothing to do"],
            id="call-args with nothing to do",
        ),
        pytest.param(
            CALL_ARGS + 'add = [{ name = "data", position = 1, value = "{" }]\n',
            ["migration.toml:4:", "key 'add'", "entry 1: value '{' is not a Python expression", "parsed, never run"],
            id="add value that does not parse",
        ),
        pytest.param(
            CALL_ARGS + 'add = [{ name = "data", value = "__import__(\'os\').system(\'exit 3\'), 2" }]\n',
            ["key 'add'", "is not a Python expression usable as one argument"],
            id="add value that is two arguments",
        ),
        pytest.param(
            CALL_ARGS + 'add = [{ name = "data", postion = 1, value = "{}" }]\n',
            ["key 'add'", "entry 1: unknown key 'postion'"],
            id="add entry with an unknown key",
        ),
        pytest.param(
            CALL_ARGS + 'add = [{ name = "data", position = -1, value = "{}" }]\n',
            ["key 'add'", "position must be 0 or more"],
            id="negative position",
        ),
        pytest.param(
            CALL_ARGS + "keyword_to_positional = { context = 0 }\npositional_to_keyword = { context = 1 }\n",
            ["migration.toml:5:", "key 'positional_to_keyword'", "'context' is also in keyword_to_positional"],
            id="one argument both ways",
        ),
        pytest.param(
            CALL_ARGS + "keyword_to_positional = { context = 0, user = 0 }\n",
            ["key 'keyword_to_positional'", "'context' and 'user' both claim position 0"],
            id="two keywords to one position",
        ),
        pytest.param(
            CALL_ARGS + 'rename_keywords = { message = "error_message" }\nremove = ["message"]\n',
            ["migration.toml:5:", "key 'remove'", "'message' is removed and also changed"],
            id="removed and renamed",
        ),
        pytest.param(
            CALL_ARGS + 'rename_keywords = { message = "class" }\n',
            ["key 'rename_keywords'", "'class' is not a valid argument name"],
            id="keyword that is not an identifier",
        ),
        pytest.param(
            CALL_ARGS + "keyword_to_positional = { context = -1 }\n",
            ["key 'keyword_to_positional'", "expected non-negative integer values"],
            id="negative position in a map",
        ),
        pytest.param(
            ERROR_CODE + 'derive = "none"\n',
            ["migration.toml:4:", "codemod 1 (error-code-message)", "key 'derive'", "no message can get a code"],
            id="no way to get a code",
        ),
        pytest.param(
            ERROR_CODE + 'code_import = "app.errors:ErrorCode"\n',
            ["key 'code_import'", "code_import needs code_template"],
            id="code_import without a template",
        ),
        pytest.param(
            ERROR_CODE + 'code_template = "ErrorCode.CODE"\n',
            ["key 'code_template'", "has no {code} placeholder"],
            id="template without placeholder",
        ),
        pytest.param(
            ERROR_CODE + 'code_template = "ErrorCode.{code}"\ncodes = { "Bad" = "not valid" }\n',
            ["key 'code_template'", "with code 'not valid' the template gives 'ErrorCode.not valid'"],
            id="template that does not parse with a code",
        ),
        pytest.param(
            ERROR_CODE + 'code_template = "Codes.{code}"\ncode_import = "app.errors:ErrorCode"\n',
            ["key 'code_template'", "must start with the imported name 'ErrorCode'"],
            id="template that does not use the imported name",
        ),
        pytest.param(
            ERROR_CODE + 'derive = "kebab"\n',
            ["key 'derive'", "expected one of 'upper-snake', 'none'"],
            id="unknown derive",
        ),
        pytest.param(
            ERROR_CODE + 'message_keywords = ["message", "not-a-name"]\n',
            ["key 'message_keywords'", "'not-a-name' is not a valid argument name"],
            id="bad message keyword",
        ),
    ],
)
def test_bad_call_site_spec_exits_2_before_reading_files(tmp_path: Path, spec: str, expected: list[str]) -> None:
    repo = make_repo(tmp_path / "repo", {**TARGET, "migration.toml": spec})
    before = tree_bytes(repo)
    result = run_cli("plan", "--spec", "migration.toml", cwd=repo)
    err = result.stderr.decode()
    assert result.returncode == 2, err
    for fragment in expected:
        assert fragment in err, f"{fragment!r} not in {err!r}"
    assert "SSOT001" not in err and "Traceback" not in err
    assert tree_bytes(repo) == before


def test_a_good_spec_reads_the_candidate_files(tmp_path: Path) -> None:
    """The counterpart of the table above: the same target with a valid spec reaches the broken file."""
    repo = make_repo(tmp_path / "repo", {**TARGET, "migration.toml": ERROR_CODE})
    result = run_cli("plan", "--spec", "migration.toml", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert ": SSOT001 error: " in result.stdout.decode()


def test_add_values_are_parsed_and_written_but_never_run(tmp_path: Path) -> None:
    value = "__import__('pathlib').Path('PWNED').touch()"
    spec = (
        '[[codemod]]\nkind = "call-args"\nfunction = "app.api.create_server_message"\n'
        f'add = [{{ name = "data", position = 1, value = "{value}" }}]\n'
    )
    files = {
        "app/__init__.py": "",
        "app/api.py": "def create_server_message(msg_type, data):\n    return data\n",
        "app/use.py": "from app.api import create_server_message\n\ncreate_server_message('ping')\n",
        "migration.toml": spec,
    }
    repo = make_repo(tmp_path / "repo", files)
    result = run_cli("plan", "--spec", "migration.toml", "--format", "diff", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert f"+create_server_message('ping', {value})" in result.stdout.decode()
    assert not (repo / "PWNED").exists() and not Path("PWNED").exists()
