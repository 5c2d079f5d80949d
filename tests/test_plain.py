"""A file rewritten from its `ast` alone (rewrite/plain.py, no libcst) gets exactly the plan of the libcst path.

One repository holds a package that moves (`pkg.old` -> `pkg.fresh`), as it is before the person moved it and
after, and one consumer file per case. The real CLI
plans it twice: as users run it, and with `SSOT_MIGRATE_LIBCST_ALWAYS=1` (every file through libcst). Every diff,
edit position and finding must be the same, and the per-file cost lines (`SSOT_MIGRATE_COSTS`: `parsed` and not
`plain` means libcst parsed it) say which files skipped libcst: exactly the cases marked `plain`. The others are the shapes where the shortcut would be wrong or
where only libcst knows the answer (a rebinding, a string the libcst path reads, an alias, ...).
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from .helpers import make_repo, run_cli, spec_text


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


@dataclass(frozen=True)
class Case:
    name: str  # the consumer file: app/<name>.py, or a path
    text: str | bytes
    plain: bool  # planned without libcst


CASES = [
    Case("submodule_imports", "from pkg.old import Thing\nfrom pkg.old.sub import helper\n\nprint(Thing, helper)\n", True),
    Case(
        "uses_everywhere",
        src('''
            """Uses of the moved package in every kind of place."""
            from pkg import old, other


            @old.decorate
            class A(old.Base):
                field: old.Thing = old.Thing()

                def f(self, x: old.Thing = old.DEFAULT) -> old.Thing:
                    return [old.sub.helper(y) for y in x] + list(map(lambda z: old.Thing(z), x))


            print(old, other)
            '''),
        True,
    ),
    Case("non_ascii_before_an_edit", 'TITLE = "héllo wörld"; from pkg import old; VALUE = ("ü", old.Thing)\n', True),
    Case(
        "parenthesized_import",
        src('''
            from pkg import (  # the packages
                other,
                old,  # moved
            )

            print(other, old.Thing)
            '''),
        True,
    ),
    Case(
        "type_checking_block",
        src('''
            from typing import TYPE_CHECKING

            if TYPE_CHECKING:
                from pkg import old


            def f(x: "int") -> None:
                return old.Thing(x)
            '''),
        True,
    ),
    Case("prose_mentions", '"""Moved from pkg.old to its new home; see pkg.old.Thing."""\nfrom pkg import old\n\nprint(old)\n', True),
    Case("star_from_the_package", "from pkg.old import *\n\nprint(Thing)\n", True),
    Case("backslash_and_spaces", "from   pkg.old \\\n    import Thing\nfrom pkg.old.sub   import helper\n", True),
    # Whole-value dotted strings outside calls: left, with the libcst path's SSOT110 note.
    Case("a_setting_string", 'from pkg.old import Thing\n\nDEFAULT = "pkg.old.sub.helper"\nprint(Thing)\n', True),
    Case("only_a_setting_string", 'SETTINGS = {"handler": "pkg.old:Thing", "other": "pkg.other"}\n', True),
    Case("a_dotted_docstring", '"""pkg.old.Thing"""\nfrom pkg.old import Thing\n', True),
    Case("a_list_inside_a_call", 'from pkg.old import Thing\n\nCONFIG = dict(apps=["pkg.old.sub", Thing])\n', True),
    Case("tab_indentation", "def f():\n\tfrom pkg import old\n\tif old:\n\t\treturn\t(old.Thing)\n", True),
    Case("a_form_feed", "from pkg import old\n\x0c\nVALUE = \x0cold.Thing\n", True),
    Case("strings_that_mention_the_local_name", 'from pkg import old\n\nCHECK = "old.W001"\nprint(old.Thing, {"k": "old.X"}["k"])\n', True),
    # The libcst path, with the same plan.
    Case("rebound_in_a_function", "from pkg import old\n\n\ndef f():\n    old = 1\n    return old\n\n\nprint(old.Thing)\n", False),
    Case("a_parameter", "from pkg import old\n\n\ndef f(old=None):\n    return old\n\n\nprint(old.Thing)\n", False),
    Case("a_global", "from pkg import old\n\n\ndef reset():\n    global old\n    old = None\n", False),
    Case("a_comprehension_variable", "from pkg import old\n\nVALUES = [old for old in range(3)]\nprint(old.Thing)\n", False),
    Case("deleted", "from pkg import old\n\nprint(old.Thing)\ndel old\n", False),
    Case("a_class_attribute", "from pkg import old\n\n\nclass A:\n    old = 1\n    thing = old\n\n\nprint(old.Thing)\n", False),
    Case("the_new_name_is_taken", "from pkg import old\n\nfresh = 1\nprint(old.Thing, fresh)\n", False),
    Case("listed_in_all", 'from pkg import old\n\n__all__ = ["old"]\n', False),
    Case("a_string_annotation", 'from pkg import old\n\n\ndef f(x: "old.Thing") -> None:\n    pass\n', False),
    Case("a_return_annotation_string", 'from pkg import old\n\n\ndef f() -> "old.Thing":\n    pass\n', False),
    Case("a_typing_subscript_string", 'from typing import Optional\n\nfrom pkg import old\n\nHINT = Optional["old.Thing"]\n', False),
    Case("a_typing_star_subscript_string", 'from typing import *\n\nfrom pkg import old\n\nHINT = Optional["old.Thing"]\n', False),
    Case("a_cast_string", 'from typing import cast\n\nfrom pkg import old\n\nVALUE = cast("old.Thing", None)\n', False),
    Case("an_annotated_assignment_string", 'from pkg import old\n\nVALUE: "old.Thing" = None\n', False),
    Case("in_an_f_string", 'from pkg import old\n\nprint(f"{old.Thing}")\n', False),
    Case("an_alias", "from pkg import old as legacy\n\nprint(legacy.Thing)\n", False),
    Case(
        "imported_in_a_function",
        src('''
            def f():
                if True:
                    from pkg import old

                def inner(x=old.DEFAULT):
                    return old.Thing

                class Local(old.Base):
                    value = old.DEFAULT

                return inner, Local
            '''),
        True,
    ),
    Case("pkg/old/inner.py", "from pkg.old.sub import helper\n\nprint(helper)\n", True),
    Case("imported_in_a_function_used_outside", "def f():\n    from pkg import old\n    return old\n\n\nprint(old.Thing)\n", False),
    Case("a_default_of_the_importing_function", "def f(x=old.DEFAULT):\n    from pkg import old\n    return old\n", False),
    Case("imported_in_a_class_body", "class A:\n    from pkg import old\n    value = old.Thing\n", False),
    Case("pkg/relative.py", "from .old import Thing\nfrom .old.sub import helper\n\nprint(Thing, helper)\n", False),
    Case("pkg/relative_parent.py", "from . import old\n\nprint(old.Thing)\n", False),
    Case("star_from_the_parent", "from pkg import *\n\nprint(old.Thing)\n", False),
    Case("import_statement", "import pkg.old\n\nprint(pkg.old.Thing)\n", False),
    Case("a_parent_import", "import pkg\nimport pkg.old\n\nprint(pkg.old.Thing)\n", False),
    Case("a_dotted_string", 'from unittest import mock\n\nfrom pkg import old\n\nPATCH = mock.patch("pkg.old.Thing")\nprint(old)\n', False),
    Case("a_setting_string_naming_the_local_name", 'from pkg import old\n\nDEFAULT = "pkg.old.Thing"\nprint(old)\n', True),
    Case("implicitly_concatenated_setting", 'from pkg.old import Thing\n\nDEFAULT = ("pkg.old" ".Thing")\nprint(Thing)\n', False),
    Case("a_bytes_setting", 'from pkg.old import Thing\n\nDEFAULT = b"pkg.old.Thing"\nprint(Thing)\n', False),
    Case("a_literal_that_may_start_the_path", 'from pkg import old\n\n\ndef load(name):\n    return "pkg." + name, old\n', False),
    Case("a_match_statement", "from pkg import old\n\n\ndef f(x):\n    match x:\n        case old.Thing():\n            return 1\n", False),
    Case("a_coding_cookie", "# -*- coding: latin-1 -*-\nfrom pkg import old\n\nprint(old.Thing)\n".encode("latin-1"), False),
    Case("crlf_line_endings", b"from pkg import old\r\n\r\nprint(old.Thing)\r\n", False),
    Case("an_import_error_fallback", "try:\n    from pkg import old\nexcept ImportError:\n    old = None\n\nprint(old)\n", False),
    Case("a_keyword_argument_named_like_it", "from pkg import old\n\nprint(old.Thing, dict(old=1))\n", False),
    Case("spaces_inside_the_module_path", "from pkg . old import Thing\n\nprint(Thing)\n", False),
]


def _files(moved: bool) -> dict[str, str | bytes]:
    """The repository before the person moved `pkg/old` (the files are still there), or after (`pkg/fresh`)."""
    home = "pkg/fresh" if moved else "pkg/old"
    files: dict[str, str | bytes] = {
        "pkg/__init__.py": "",
        "pkg/other.py": "",
        f"{home}/__init__.py": "class Thing:\n    pass\n\n\nclass Base:\n    pass\n\n\nDEFAULT = None\n\n\ndef decorate(c):\n    return c\n",
        f"{home}/sub.py": "def helper(x):\n    return x\n",
        "app/__init__.py": "",
        "migration.toml": spec_text([{"kind": "rename-import", "old": "pkg.old", "new": "pkg.fresh"}]),
    }
    for case in CASES:
        files[_path(case, moved)] = case.text
    return files


def _path(case: Case, moved: bool = False) -> str:
    if "/" not in case.name:
        return f"app/{case.name}.py"
    return case.name.replace("pkg/old/", "pkg/fresh/") if moved else case.name


def _plain(case: Case, moved: bool) -> bool:
    """After the move, the moved package's own files are examined for relative imports that broke: libcst."""
    return case.plain and not (moved and case.name.startswith("pkg/old/"))


def _plan(repo: Path, costs: Path, **env: str) -> tuple[dict, dict[str, bool]]:
    result = run_cli(
        "plan", "--spec", "migration.toml", "--format", "json", "--no-cache", "--jobs", "1",
        cwd=repo, env={"SSOT_MIGRATE_COSTS": str(costs), **env},
    )
    assert result.returncode in (0, 1), result.stderr.decode()
    report = json.loads(result.stdout)
    plan = {
        "files": {f["path"]: (f["diff"], f["edits"]) for f in report["files"]},
        "findings": sorted(
            (f["path"], f["line"], f["col"], f["severity"], f["code"], f["message"]) for f in report["findings"]
        ),
    }
    parsed = {}
    for line in costs.read_text().splitlines():
        row = json.loads(line)
        parsed[row["path"]] = row["parsed"] and not row["plain"]
    return plan, parsed


Planned = tuple[bool, dict, dict[str, bool], dict, dict[str, bool]]


@pytest.fixture(scope="module", params=[False, True], ids=["before the move", "after the move"])
def both_ways(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Planned:
    moved = request.param
    root = tmp_path_factory.mktemp("plain")
    repo = make_repo(root / "repo", _files(moved))
    plain, plain_parsed = _plan(repo, root / "plain.jsonl")
    libcst, libcst_parsed = _plan(repo, root / "libcst.jsonl", SSOT_MIGRATE_LIBCST_ALWAYS="1")
    return moved, plain, plain_parsed, libcst, libcst_parsed


def test_the_whole_plan_is_the_libcst_paths(both_ways: Planned) -> None:
    moved, plain, _, libcst, _ = both_ways
    assert plain == libcst
    # Every plain case changes its file or is reported (a case that plans nothing would prove nothing).
    for case in CASES:
        if case.plain:
            path = _path(case, moved)
            assert path in plain["files"] or any(f[0] == path for f in plain["findings"]), case.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_file_skips_libcst_exactly_when_its_shapes_are_plain(case: Case, both_ways: Planned) -> None:
    moved, plain, plain_parsed, libcst, libcst_parsed = both_ways
    path = _path(case, moved)
    assert plain["files"].get(path) == libcst["files"].get(path)
    assert [f for f in plain["findings"] if f[0] == path] == [f for f in libcst["findings"] if f[0] == path]
    assert libcst_parsed[path] is True
    assert plain_parsed[path] is (not _plain(case, moved))


def test_a_setting_string_is_noted_as_the_libcst_path_notes_it(both_ways: Planned) -> None:
    _, plain, *_ = both_ways
    notes = [f for f in plain["findings"] if f[0] == "app/only_a_setting_string.py"]
    assert [(line, col, severity, code) for _, line, col, severity, code, _ in notes] == [(1, 24, "info", "SSOT110")]
    assert "this string names pkg.old:Thing, which is now pkg.fresh:Thing; left as is" in notes[0][5]


def test_the_plain_rewrite_counts_columns_in_characters(both_ways: Planned) -> None:
    """What the shortcut writes, spelled out once (the other tests compare it with the libcst path)."""
    _, plain, *_ = both_ways
    diff, edits = plain["files"]["app/non_ascii_before_an_edit.py"]
    assert '+TITLE = "héllo wörld"; from pkg import fresh; VALUE = ("ü", fresh.Thing)' in diff
    # Columns count characters, as libcst's do: the imported `old` starts at character 40 (byte 42), its use
    # at character 59 (byte 63).
    assert [(e["line"], e["col"]) for e in edits] == [(1, 40), (1, 59)]
