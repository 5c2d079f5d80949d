"""File paths become module names the way Python and pytest would import them."""

from __future__ import annotations

import json
from pathlib import Path

from ssot_migrate.modules import ModuleInfo, ModuleMap, default_roots

from .helpers import make_repo, run_cli, spec_text


def test_src_layout_and_repo_root() -> None:
    files = ["src/pkg/__init__.py", "src/pkg/mod.py", "tools/build.py", "setup.py"]
    modules = ModuleMap(default_roots(["src", "tools"]), files)
    assert modules.info_for("src/pkg/mod.py") == ModuleInfo("pkg.mod", "pkg", False)
    assert modules.info_for("src/pkg/__init__.py") == ModuleInfo("pkg", "pkg", True)
    assert modules.info_for("tools/build.py") == ModuleInfo("tools.build", "tools", False)
    assert modules.info_for("setup.py") == ModuleInfo("setup", "", False)
    assert modules.path_of("pkg.mod") == "src/pkg/mod.py"


def test_namespace_packages_count_as_packages() -> None:
    modules = ModuleMap(["."], ["ns/sub/mod.py"])
    assert modules.info_for("ns/sub/mod.py") == ModuleInfo("ns.sub.mod", "ns.sub", False)
    assert modules.is_module("ns.sub") and modules.is_module("ns")


def test_test_files_are_named_like_pytest_imports_them() -> None:
    files = ["tests/test_a.py", "tests/unit/__init__.py", "tests/unit/test_b.py", "tests/helpers.py", "tests/conftest.py"]
    modules = ModuleMap(["."], files)
    assert modules.info_for("tests/test_a.py").name == "test_a"
    assert modules.info_for("tests/unit/test_b.py").name == "unit.test_b"
    assert modules.info_for("tests/conftest.py").name == "conftest"
    assert modules.info_for("tests/helpers.py").name == "tests.helpers"


def test_stub_files_are_modules_and_py_wins() -> None:
    modules = ModuleMap(["."], ["pkg/__init__.py", "pkg/mod.pyi", "pkg/mod.py"])
    assert modules.path_of("pkg.mod") == "pkg/mod.py"
    assert modules.info_for("pkg/mod.pyi").name == "pkg.mod"


def test_not_importable_paths_have_no_module() -> None:
    modules = ModuleMap(["."], ["my-scripts/run.py", "pkg/data.json"])
    assert modules.info_for("my-scripts/run.py") is None
    assert modules.info_for("pkg/data.json") is None


SPEC = spec_text([{"kind": "rename-import", "old": "pkg.old", "new": "pkg.new"}])


def test_relative_imports_resolve_in_a_src_layout(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {
        "src/pkg/__init__.py": "",
        "src/pkg/new.py": "",
        "src/pkg/feature.py": "from .old import thing\n",
        "migration.toml": SPEC,
    })
    data = json.loads(run_cli("plan", "--spec", "migration.toml", "-f", "json", cwd=repo).stdout)
    [file] = data["files"]
    assert file["path"] == "src/pkg/feature.py"
    assert "+from .new import thing" in file["diff"]


def test_configured_roots_decide_module_names(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {
        "pyproject.toml": '[tool.ssot-migrate]\nroots = ["lib"]\n',
        "lib/pkg/__init__.py": "",
        "lib/pkg/new.py": "",
        "lib/pkg/feature.py": "from .old import thing\n",
        "migration.toml": SPEC,
    })
    data = json.loads(run_cli("plan", "--spec", "migration.toml", "-f", "json", cwd=repo).stdout)
    assert [f["path"] for f in data["files"]] == ["lib/pkg/feature.py"]


def test_spec_paths_and_excludes_limit_the_files(tmp_path: Path) -> None:
    spec = spec_text(
        [{"kind": "rename-import", "old": "pkg.old", "new": "pkg.new"}],
        paths=["app", "tests"], exclude=["**/migrations/**"],
    )
    repo = make_repo(tmp_path / "repo", {
        "pyproject.toml": '[tool.ssot-migrate]\nexclude = ["tests/fixtures/**"]\n',
        "pkg/__init__.py": "", "pkg/new.py": "",
        "app/a.py": "import pkg.old\n",
        "app/migrations/0001.py": "import pkg.old\n",
        "tests/test_a.py": "import pkg.old\n",
        "tests/fixtures/data.py": "import pkg.old\n",
        "scripts/s.py": "import pkg.old\n",
        "migration.toml": spec,
    })
    data = json.loads(run_cli("plan", "--spec", "migration.toml", "-f", "json", cwd=repo).stdout)
    assert [f["path"] for f in data["files"]] == ["app/a.py", "tests/test_a.py"]
