"""The recipe catalog: each recipe migrates its fixture exactly, is listed, documented, current and shipped."""

from __future__ import annotations

import json
import re
import runpy
import shutil
import subprocess
import sys
import typing
import zipfile
from pathlib import Path

import pytest
import typing_extensions

from ssot_migrate.spec import catalog_recipes
from ssot_migrate.transforms import kind_registry

from .helpers import make_repo, run_cli, run_in_terminal, spec_text, tree_bytes

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "catalog_fixtures"
GENERATOR = ROOT / "codemods" / "python" / "generate.py"
TYPING_VERSIONS = ("38", "39", "310", "311", "312", "313")

# recipe -> the fixture project it migrates (tests/catalog_fixtures/<fixture>/before, .../after/<recipe>).
CASES = {
    "mock-to-unittest-mock": "mock",
    "collections-to-collections-abc": "collections",
    "six-moves-to-stdlib": "six",
    "celementtree-to-elementtree": "celementtree",
    "pipes-quote-to-shlex-quote": "pipes",
    **{f"typing-extensions-to-typing-py{version}": "typing-extensions" for version in TYPING_VERSIONS},
}


def read_tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("recipe", sorted(CASES))
def test_recipe_migrates_its_fixture_exactly(tmp_path: Path, recipe: str) -> None:
    fixture = FIXTURES / CASES[recipe]
    before = read_tree(fixture / "before")
    expected = {**before, **read_tree(fixture / "after" / recipe)}
    repo = make_repo(tmp_path / "repo", before)

    applied = run_cli("apply", "--in-place", "--spec", f"catalog:{recipe}", cwd=repo)

    assert applied.returncode == 0, applied.stderr.decode()
    assert tree_bytes(repo) == expected
    second = run_cli("plan", "--spec", f"catalog:{recipe}", "--format", "json", cwd=repo)
    plan = json.loads(second.stdout)
    assert (plan["files"], plan["findings"]) == ([], []), "a recipe run on its own output plans nothing"


def test_every_catalog_recipe_has_a_fixture_test() -> None:
    assert sorted(r.name for r in catalog_recipes() if r.path.parent.name == "python") == sorted(CASES)


def test_recipe_names_are_unique_and_described() -> None:
    recipes = catalog_recipes()
    names = [recipe.name for recipe in recipes]
    assert len(names) == len(set(names)), "`--spec catalog:NAME` needs unique names"
    assert all(recipe.description for recipe in recipes)


def test_codemods_lists_the_kinds_and_every_recipe_with_its_description(tmp_path: Path) -> None:
    result = run_cli("codemods", cwd=tmp_path, env={"COLUMNS": "60"})
    assert result.returncode == 0
    # One line per kind and recipe on stdout, never wrapped: `ssot-migrate codemods | grep typing` works.
    listing = result.stdout.decode().splitlines()
    assert f"kind rename-import: {kind_registry()['rename-import'].summary}" in listing
    for recipe in catalog_recipes():
        assert f"recipe catalog:{recipe.name}: {recipe.description}" in listing, recipe.name


def test_on_a_wide_terminal_codemods_are_tables(tmp_path: Path) -> None:
    code, shown = run_in_terminal("codemods", cwd=tmp_path, columns=300)
    assert code == 0, shown
    for recipe in catalog_recipes():
        assert re.search(rf"catalog:{re.escape(recipe.name)}\s+│ {re.escape(recipe.description)}", shown), recipe.name


def test_every_recipe_is_documented_in_the_catalog_page_and_readme() -> None:
    page = (ROOT / "docs" / "catalog.md").read_text()
    readme = (ROOT / "codemods" / "README.md").read_text()
    for recipe in catalog_recipes():
        assert re.search(rf"catalog:{re.escape(recipe.name)}(?![\w-])", page), recipe.name
        assert f"`{recipe.name}`" in readme, recipe.name


def test_the_generated_recipes_are_current() -> None:
    result = subprocess.run([sys.executable, str(GENERATOR), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_generator_check_notices_a_stale_recipe(tmp_path: Path) -> None:
    copy = tmp_path / "codemods" / "python"
    shutil.copytree(GENERATOR.parent, copy)
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "catalog.md", tmp_path / "docs" / "catalog.md")
    recipe = copy / "typing-extensions-to-typing-py310.toml"
    recipe.write_text(recipe.read_text().replace('"typing_extensions.Literal"', '"typing_extensions.Protocol"'))

    check = subprocess.run([sys.executable, str(copy / "generate.py"), "--check"], capture_output=True, text=True)
    assert check.returncode == 1
    assert "typing-extensions-to-typing-py310.toml: stale" in check.stderr
    subprocess.run([sys.executable, str(copy / "generate.py")], capture_output=True, check=True)
    assert recipe.read_bytes() == (GENERATOR.parent / recipe.name).read_bytes()


def typing_table() -> dict[str, tuple[int, int]]:
    return runpy.run_path(str(GENERATOR))["TYPING_EXTENSIONS"]


def test_every_typing_extensions_name_of_this_python_is_typings_own_object() -> None:
    current = sys.version_info[:2]
    checked = {name: since for name, since in typing_table().items() if since <= current}
    assert checked, "the table has names for this Python"
    different = [name for name in checked if getattr(typing_extensions, name) is not getattr(typing, name, None)]
    assert different == []


def test_a_standard_library_module_of_another_platform_is_not_reported_unimportable(tmp_path: Path) -> None:
    module = "winreg" if sys.platform != "win32" else "curses"
    repo = make_repo(tmp_path / "repo", {
        "compat.py": "",
        "app.py": "import compat\n",
        "migration.toml": spec_text([{"kind": "rename-import", "old": "compat", "new": f"{module}:"}]),
    })
    result = run_cli("plan", "--spec", "migration.toml", "--format", "json", cwd=repo)
    assert json.loads(result.stdout)["findings"] == []


def test_the_wheel_ships_the_catalog_and_the_json_schemas(tmp_path: Path) -> None:
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = tmp_path.glob("ssot_migrate-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {name.removeprefix("ssot_migrate/catalog/") for name in names if name.startswith("ssot_migrate/catalog/")}
    expected = {p.relative_to(ROOT / "codemods").as_posix() for p in (ROOT / "codemods").rglob("*.toml")}
    assert expected <= shipped
    assert {"ssot_migrate/schemas/plan.schema.json", "ssot_migrate/schemas/findings.schema.json"} <= names
