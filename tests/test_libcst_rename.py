"""libcst's own `RenameCommand` suite as a differential test of rename-import.

The cases are read at run time from the installed libcst (`libcst/codemod/commands/tests/test_rename.py`), never
copied: a libcst upgrade that adds a case adds it here. Each case's `before` becomes `mod.py` of a fresh project,
`old_name=new_name` becomes the migration (the same codemod `--rename OLD=NEW` builds), and the planned text must
equal libcst's `after` exactly, after libcst's own fixture normalisation (`CodemodTest.make_fixture_data`).

Where DESIGN decides otherwise, the case is listed in `DECIDED` with the reason and its own assertion of what we
do instead; a listed case that starts to match libcst fails too, so the list never goes stale.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

import libcst
import pytest
from libcst.codemod import CodemodTest

from ssot_migrate.api import load_target_migration, plan_target, resolve_target
from ssot_migrate.errors import SpecError

from .helpers import write_files

SUITE = Path(libcst.__file__).parent / "codemod" / "commands" / "tests" / "test_rename.py"


@dataclass(frozen=True)
class LibcstCase:
    name: str
    before: str
    after: str
    old: str
    new: str


def _libcst_cases() -> list[LibcstCase]:
    """Every `test_*` method of libcst's suite: its string locals and the literal arguments of `assertCodemod`."""
    cases = []
    for function in ast.parse(SUITE.read_text(encoding="utf-8")).body[-1].body:
        if not (isinstance(function, ast.FunctionDef) and function.name.startswith("test_")):
            continue
        strings: dict[str, str] = {}
        call = None
        for node in ast.walk(function):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and len(node.targets) == 1 \
                    and isinstance(node.targets[0], ast.Name) and isinstance(node.value.value, str):
                strings[node.targets[0].id] = node.value.value
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "assertCodemod":
                call = node
        assert call is not None, f"{function.name}: libcst's suite changed shape (no assertCodemod call)"

        def text(arg: ast.expr) -> str:
            return strings[arg.id] if isinstance(arg, ast.Name) else ast.literal_eval(arg)

        keywords = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        cases.append(LibcstCase(function.name, text(call.args[0]), text(call.args[1]),
                                keywords["old_name"], keywords["new_name"]))
    return cases


CASES = _libcst_cases()


def _fixture(code: str) -> str:
    return CodemodTest.make_fixture_data(code)


def _rewrite(tmp_path: Path, case: LibcstCase) -> str:
    """The text rename-import plans for `mod.py` (unchanged when it plans nothing)."""
    before = _fixture(case.before)
    write_files(tmp_path, {"pyproject.toml": "[project]\nname = 'p'\n", "mod.py": before})
    target = resolve_target(root=tmp_path)
    migration = load_target_migration(target, renames=[f"{case.old}={case.new}"])
    plan = plan_target(target, migration, jobs=1)
    errors = [f for f in plan.findings if f.severity == "error"]
    assert not errors, errors
    edits = {f.path: f.new_bytes.decode() for f in plan.files}
    assert set(edits) <= {"mod.py"}
    return edits.get("mod.py", before)


# Where DESIGN decides otherwise than libcst: the reason, and what we write instead (None: the spec is refused).
ALIAS_KEPT = "DESIGN: an existing `as` alias is kept; only the imported path changes, so no use site is touched"
DECIDED: dict[str, tuple[str, str | None]] = {
    "test_rename_name_asname": (ALIAS_KEPT, """
        from baz import qux as bla

        def test() -> None:
            bla(5)
    """),
    "test_rename_repeated_name_with_asname": (ALIAS_KEPT, """
        from baz import qux as bla

        def test() -> None:
            bla.bla(5)
    """),
    "test_rename_attr_asname_2": (ALIAS_KEPT, """
        import baz.quux as bar

        def test() -> None:
            bar.z(5)
    """),
    "test_push_down_toplevel_names_with_asname": (ALIAS_KEPT, """
        import quux.foo as bar
        bar.baz()
    """),
    # `old = "x"` names a module `x`; `x = 5` binds a local variable that merely shares the name. rename-import
    # renames what an import brings in, so nothing here refers to `old` (libcst renames any matching name).
    "test_rename_local_variable": ("DESIGN: only references to the imported `old` are renamed, never a local", """
        x = 5
        y = 5 + x
    """),
    # DESIGN: `new = ":x"` has no module and is refused with exit 2 (libcst reads it as if there were no colon).
    "test_input_with_colon_sep_at_the_front": ("DESIGN: a colon form needs a module before ':'", None),
    # DESIGN: `a:b.qux` names the same path as `a.b.qux`: nothing to migrate, refused with exit 2.
    "test_rename_single_with_colon": ("DESIGN: a colon form naming the same path as old is refused", None),
}


def test_the_suite_is_read_from_the_installed_libcst() -> None:
    assert len(CASES) >= 48, f"{SUITE}: {len(CASES)} cases"
    assert not set(DECIDED) - {case.name for case in CASES}, "an exception names a case libcst no longer has"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_rename_import_writes_what_libcst_writes(tmp_path: Path, case: LibcstCase) -> None:
    if case.name in DECIDED:
        reason, ours = DECIDED[case.name]
        if ours is None:
            with pytest.raises(SpecError):
                _rewrite(tmp_path, case)
            return
        got = _rewrite(tmp_path, case)
        assert got == _fixture(ours), reason
        assert got != _fixture(case.after), f"{case.name} now matches libcst: drop it from DECIDED"
        return
    assert _rewrite(tmp_path, case) == _fixture(case.after)
