"""The pieces the call-site kinds share: code derivation, argument editing that keeps every comment,
the prefilter, and planning in a process pool."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import libcst as cst
import pytest

from ssot_migrate.config import load_config
from ssot_migrate.engine import IN_PROCESS_MAX_BYTES, IN_PROCESS_MAX_FILES, PlanRequest, plan_tree
from ssot_migrate.spec import load_migration
from ssot_migrate.rewrite.calls import Arguments, apply_argument_plan, keyword_arg, positional_arg
from ssot_migrate.transforms.error_code_message import upper_snake

from .helpers import make_repo, run_cli, spec_text


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ("WebSocket closed!", "WEB_SOCKET_CLOSED"),
        ("Invalid JSON format", "INVALID_JSON_FORMAT"),
        ("Service initialization failed", "SERVICE_INITIALIZATION_FAILED"),
        ("user_id is missing", "USER_ID_IS_MISSING"),
        ("404 not found", "404_NOT_FOUND"),
        ("getHTTPResponse failed", "GET_HTTPRESPONSE_FAILED"),
        ("  --  leading and trailing  --  ", "LEADING_AND_TRAILING"),
        ("Größe überschritten", "GRÖSSE_ÜBERSCHRITTEN"),
        ("!!!", ""),
        ("", ""),
        # Whole words up to 48 characters; a single longer word is cut.
        ("The connection to the upstream service was closed unexpectedly", "THE_CONNECTION_TO_THE_UPSTREAM_SERVICE_WAS"),
        ("x" * 60, "X" * 48),
    ],
)
def test_upper_snake(message: str, code: str) -> None:
    assert upper_snake(message) == code
    assert len(code) <= 48


LAYOUTS = [
    "f()",
    "f(a)",
    "f(a, b=1, *rest, **extra)",
    "f(a,)",
    "f(\n    a,\n    b,\n)",
    "f(\n    a,  # first\n    # about b\n    b=2  # second\n)",
    "f(a, b,\n  c)",
    "f(  a ,  b = 2  )",
    "f(\n    # only a comment\n)",
]


@pytest.mark.parametrize("source", LAYOUTS)
def test_an_unchanged_plan_reproduces_the_call_byte_for_byte(source: str) -> None:
    call = cst.parse_expression(source)
    assert isinstance(call, cst.Call)
    result = apply_argument_plan(call, Arguments(call).plan())
    assert result is not None
    assert cst.Module([]).code_for_node(result) == source


def _rewrite(source: str, edit) -> str | None:
    call = cst.parse_expression(textwrap.dedent(source).strip())
    assert isinstance(call, cst.Call)
    arguments = Arguments(call)
    edit(arguments)
    result = apply_argument_plan(call, arguments.plan())
    return None if result is None else cst.Module([]).code_for_node(result)


def test_removing_an_argument_keeps_the_comment_above_it() -> None:
    source = """
        f(
            a,
            # keep me
            legacy=True,  # goes with the argument
            b=2,
        )
    """
    assert _rewrite(source, lambda args: args.remove(1)) == "f(\n    a,\n    # keep me\n    b=2,\n)"


def test_removing_the_only_argument_empties_the_call() -> None:
    assert _rewrite("f(\n    legacy=True,\n)", lambda args: args.remove(0)) == "f()"
    assert _rewrite("f(\n    legacy=True,\n    # why\n)", lambda args: args.remove(0)) is None, "a comment would be lost"


def test_moving_an_argument_with_a_comment_onto_one_line_is_refused() -> None:
    source = "f(a, b=1,\n  c=2  # note\n)"
    assert _rewrite(source, lambda args: args.move_to_positional(2, 0)) is None


def test_inserting_into_calls_of_every_shape() -> None:
    value = cst.parse_expression("{}")
    assert _rewrite("f()", lambda args: args.insert(0, positional_arg(value))) == "f({})"
    assert _rewrite("f(a, b=1)", lambda args: args.insert(1, positional_arg(value))) == "f(a, {}, b=1)"
    assert _rewrite("f(\n    a\n)", lambda args: args.insert(1, keyword_arg("data", value))) == "f(\n    a,\n    data={}\n)"
    assert _rewrite("f(a,\n  b)", lambda args: args.insert(2, positional_arg(value))) == "f(a,\n  b,\n  {})"


def test_a_bare_generator_argument_gets_parentheses_when_it_gets_company() -> None:
    code = cst.parse_expression('"DYNAMIC"')
    assert _rewrite("f(str(i) for i in y)", lambda args: args.insert(0, positional_arg(code))) == (
        'f("DYNAMIC", (str(i) for i in y))'
    )


def _many_files(count: int, size: int) -> dict[str, str]:
    # Bulk that is cheap to parse: one long literal.
    body = f"\nPADDING = '{'x' * size}'\n"
    files = {"pkg/__init__.py": "", "pkg/types.py": "def create_error_message(error_code, error_message):\n    return (error_code, error_message)\n"}
    for number in range(count):
        files[f"pkg/mod_{number}.py"] = (
            "from pkg.types import create_error_message\n" + body + f"\n\nERROR = create_error_message('Failure {number}')\n"
        )
    return files


def test_the_process_pool_plans_the_same_edits(tmp_path: Path) -> None:
    """Enough work to leave the in-process path: prepared kinds cross process boundaries intact."""
    spec = spec_text([{"kind": "error-code-message", "function": "pkg.types.create_error_message"}])
    count = IN_PROCESS_MAX_FILES + 2
    files = _many_files(count, IN_PROCESS_MAX_BYTES // IN_PROCESS_MAX_FILES + 1_000)
    root = make_repo(tmp_path / "repo", {**files, "migration.toml": spec})
    migration = load_migration(["migration.toml"], base=root)
    pooled = plan_tree(PlanRequest(root, migration, load_config(root), jobs=2))
    serial = plan_tree(PlanRequest(root, migration, load_config(root), jobs=1))
    assert len(pooled.files) == count
    assert [(f.path, f.new_bytes) for f in pooled.files] == [(f.path, f.new_bytes) for f in serial.files]
    assert pooled.files[0].new_bytes.decode().endswith("ERROR = create_error_message('FAILURE_0', 'Failure 0')\n")


def test_only_files_that_can_call_the_function_are_parsed(tmp_path: Path) -> None:
    files = {
        "pkg/__init__.py": "from .types import create_error_message\n",
        "pkg/types.py": "def create_error_message(error_code, error_message):\n    return error_code\n",
        "app/__init__.py": "",
        "app/caller.py": "from pkg import create_error_message\n\ncreate_error_message('Boom')\n",
        # Mentions the name but imports nothing that leads to it: filtered by the `ast` confirmation.
        "app/prose.py": "# create_error_message is documented elsewhere\nVALUE = 1\n",
        "app/unrelated.py": "import json\n",
        "migration.toml": spec_text([{"kind": "error-code-message", "function": "pkg.types.create_error_message"}]),
    }
    for number in range(20):
        files[f"app/filler_{number}.py"] = f"VALUE = {number}\n"
    root = make_repo(tmp_path / "repo", files)
    result = run_cli("plan", "--spec", "migration.toml", "--format", "json", cwd=root)
    plan = json.loads(result.stdout)
    # The prefilter lets through the files containing the word; the ast confirmation drops the prose file.
    assert plan["stats"]["prefiltered"] == 4
    assert plan["stats"]["parsed"] == 3
    assert [f["path"] for f in plan["files"]] == ["app/caller.py"]
