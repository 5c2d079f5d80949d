"""Import roots as the project's own test run sees them: which folders are on `sys.path` when its tests import.

Read, never run: pytest settings (`pythonpath`, `testpaths`, `rootdir` in `pyproject.toml`, `pytest.ini`,
`tox.ini`, `setup.cfg`), `conftest.py` placement (pytest's rootdir-relative insertion), a top-level test runner
script (`tests/runtests.py`: its own folder is `sys.path[0]`, plus the `sys.path.insert(...)` calls it makes),
tox `changedir` + `python script.py` commands and `PYTHONPATH` settings, and the `src/` layout.
"""

from __future__ import annotations

import ast
import configparser
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterable

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

# Scripts that run a project's tests by hand (Django's tests/runtests.py, many older projects').
RUNNER_NAMES = frozenset({"runtests.py", "run_tests.py", "runtest.py", "run-tests.py", "manage.py"})
_PYTHON_SCRIPT = re.compile(r"(?:^|\s)(?:\{envpython\}|python[0-9.]*)\s+(?:-[A-Za-z]+\s+)*([\w./-]+\.py)\b")


@dataclass(frozen=True)
class DetectedRoot:
    """A folder on `sys.path` when the project's tests run, and why (`how`: where it was read)."""

    folder: str
    how: str

    def to_json(self) -> dict[str, str]:
        return {"folder": self.folder or ".", "how": self.how}


def _normal(folder: str) -> str | None:
    """A repo-relative `/` folder ('' for the root), or None when it leaves the repository."""
    text = str(PurePosixPath(folder.replace("\\", "/")))
    parts: list[str] = []
    for part in text.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def detect_roots(root: Path, files: Iterable[str]) -> list[DetectedRoot]:
    """Every folder the project's test run puts on `sys.path`, first reason wins; '' is the repository root."""
    files = list(files)
    folders = {f.rpartition("/")[0] for f in files}
    found: dict[str, str] = {}

    def add(folder: str | None, how: str) -> None:
        if folder is None:
            return
        folder = _normal(folder)
        if folder is None or (folder and folder not in folders and not any(f.startswith(folder + "/") for f in folders)):
            return
        found.setdefault(folder, how)

    if "src" in {f.split("/", 1)[0] for f in files if "/" in f}:
        add("src", "src layout")
    for folder, how in _pytest_settings(root):
        add(folder, how)
    init_dirs = {f.rpartition("/")[0] for f in files if f.rpartition("/")[2] in ("__init__.py", "__init__.pyi")}
    for path in files:
        folder, _, name = path.rpartition("/")
        if name == "conftest.py" and folder:
            # pytest (prepend mode) inserts the first folder upwards that is not a package.
            while folder and folder in init_dirs:
                folder = folder.rpartition("/")[0]
            if folder:
                add(folder, f"conftest.py placement ({path})")
        elif name in RUNNER_NAMES and folder.count("/") == 0:
            for inserted, how in _runner_paths(root, path):
                add(inserted, how)
        elif name == "conf.py" and folder.count("/") <= 1:
            # Sphinx's conf.py puts its extension folders on sys.path (`sys.path.append(abspath("_ext"))`).
            for inserted, how in _runner_paths(root, path, script=False):
                add(inserted, how)
    for folder, how in _tox_settings(root):
        add(folder, how)
    return [DetectedRoot(folder, how) for folder, how in found.items() if folder]


def _pytest_settings(root: Path) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    sections: list[tuple[str, dict[str, object]]] = []
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            data = {}
        options = data.get("tool", {}).get("pytest", {}).get("ini_options")
        if isinstance(options, dict):
            sections.append(("pyproject.toml [tool.pytest.ini_options]", options))
    for name, section in (("pytest.ini", "pytest"), ("tox.ini", "pytest"), ("setup.cfg", "tool:pytest")):
        parser = _ini(root / name)
        if parser is not None and parser.has_section(section):
            sections.append((f"{name} [{section}]", dict(parser.items(section, raw=True))))
    for where, options in sections:
        base = ""
        rootdir = options.get("rootdir")
        if isinstance(rootdir, str) and "$" not in rootdir:
            base = rootdir
        for key in ("pythonpath",):
            for value in _values(options.get(key)):
                out.append((os.path.join(base, value), f"{where} {key}"))
    return out


def _values(value: object) -> list[str]:
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [str(v) for v in value]
    return []


def _ini(path: Path) -> configparser.RawConfigParser | None:
    if not path.is_file():
        return None
    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(path.read_text(encoding="utf-8", errors="replace"))
    except configparser.Error:
        return None
    return parser


def _tox_settings(root: Path) -> list[tuple[str, str]]:
    """`changedir = tests` with `python runtests.py`: that folder is sys.path[0]; `PYTHONPATH` in setenv."""
    parser = _ini(root / "tox.ini")
    if parser is None:
        return []
    out: list[tuple[str, str]] = []
    for section in parser.sections():
        if not (section == "testenv" or section.startswith("testenv:")):
            continue
        options = dict(parser.items(section, raw=True))
        changedir = options.get("changedir", "").replace("{toxinidir}", "").strip().strip("/") or ""
        for match in _PYTHON_SCRIPT.finditer(options.get("commands", "")):
            script = _normal(os.path.join(changedir, match.group(1)))
            if script is not None and (root / script).is_file():
                out.append((script.rpartition("/")[0], f"tox.ini [{section}] runs {script}"))
        for line in options.get("setenv", "").splitlines():
            key, _, value = line.partition("=")
            if key.strip() == "PYTHONPATH":
                for part in value.strip().split(os.pathsep):
                    part = part.replace("{toxinidir}", "").strip().strip("/")
                    if "{" not in part and "$" not in part:
                        out.append((part, f"tox.ini [{section}] PYTHONPATH"))
    return out


def _runner_paths(root: Path, path: str, script: bool = True) -> list[tuple[str, str]]:
    """A runner script's own folder, and the folders its `sys.path.insert/append` calls name."""
    folder = path.rpartition("/")[0]
    try:
        tree = ast.parse((root / path).read_bytes(), filename=path)
    except (SyntaxError, ValueError, OSError, RecursionError):
        return []
    out: list[tuple[str, str]] = []
    if script:
        if not any(_is_main_guard(node) for node in tree.body):
            return []
        out.append((folder, f"test runner script {path} (its folder is sys.path[0])"))
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("insert", "append") and ast.unparse(node.func.value) == "sys.path" and node.args):
            value = _static_folder(node.args[-1], folder)
            if value is not None:
                out.append((value, f"sys.path.{node.func.attr} in {path}:{node.lineno}"))
    return out


def _is_main_guard(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "__name__" in ast.unparse(node.test) and "__main__" in ast.unparse(node.test)


def _static_folder(node: ast.expr, here: str) -> str | None:
    """What `dirname(__file__)`, `Path(__file__).parent`, `os.path.join(..., "x")`, a literal name, relative to the repo."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return os.path.join(here, node.value) if not os.path.isabs(node.value) else None
    if isinstance(node, ast.Call) and ast.unparse(node.func) in ("os.getcwd", "getcwd") and not node.args:
        return here  # a script run from its own folder
    if isinstance(node, ast.Name) and node.id == "__file__":
        return os.path.join(here, "__file__")
    if isinstance(node, ast.Call):
        name = ast.unparse(node.func)
        leaf = name.rsplit(".", 1)[-1]
        if leaf in ("abspath", "realpath", "normpath", "resolve", "Path", "str", "fspath") and node.args:
            return _static_folder(node.args[0], here)
        if leaf in ("abspath", "realpath", "normpath", "resolve", "absolute") and isinstance(node.func, ast.Attribute):
            return _static_folder(node.func.value, here)
        if leaf == "dirname" and node.args:
            inner = _static_folder(node.args[0], here)
            return inner.rpartition("/")[0] if inner is not None else None
        if leaf == "join" and node.args:
            parts = [_static_folder(node.args[0], here)]
            for arg in node.args[1:]:
                if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                    return None
                parts.append(arg.value)
            return os.path.join(*parts) if parts[0] is not None else None  # type: ignore[arg-type]
    if isinstance(node, ast.Attribute) and node.attr == "parent":
        inner = _static_folder(node.value, here)
        return inner.rpartition("/")[0] if inner is not None else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        left = _static_folder(node.left, here)
        if left is not None and isinstance(node.right, ast.Constant) and isinstance(node.right.value, str):
            return os.path.join(left, node.right.value)
    return None
