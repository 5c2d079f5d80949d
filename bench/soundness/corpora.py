"""The pinned projects the fuzzer rewrites, fetched once, and an index of their modules and definitions."""

from __future__ import annotations

import ast
import builtins
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE.parent / ".work" / "soundness"
sys.path.insert(0, str(HERE.parent))  # bench/sdists.py, shared with the other bench scripts
import sdists  # noqa: E402


@dataclass(frozen=True)
class Project:
    name: str
    requirement: str
    archive: str
    sha256: str
    source_root: str  # where the top-level package lives, relative to the project root
    packages: tuple[str, ...]
    # Extra pytest arguments the project's suite needs under the pytest this environment has (each with its reason).
    pytest_args: tuple[str, ...] = ()
    tests: tuple[str, ...] = ("tests",)


# Pure-Python projects whose own test suites run offline with nothing but pytest. Not django or rich
# (bench/run.py's corpora): the fuzzer should see code the speed benchmark does not.
PROJECTS = {
    p.name: p
    for p in (
        Project("pathspec", "pathspec==0.12.1", "pathspec-0.12.1.tar.gz",
                "a482d51503a1ab33b1c67a6c3813a26953dbdc71c31dacaef9a838c4e29f5712", ".", ("pathspec",)),
        Project("sqlparse", "sqlparse==0.5.1", "sqlparse-0.5.1.tar.gz",
                "bb6b4df465655ef332548e24f08e205afc81b9ab86cb1c45657a7ff173a3a00e", ".", ("sqlparse",)),
        Project("mistune", "mistune==3.0.2", "mistune-3.0.2.tar.gz",
                "fc7f93ded930c92394ef2cb6f04a8aabab4117a91449e72dcc8dfa646a508be8", "src", ("mistune",)),
        # click's pyproject turns warnings into errors; pytest >= 9 warns that its tests parametrize
        # over an iterator, which would make a whole test file fail to collect before any rewrite.
        # test_echo_via_pager runs a real pager in a subprocess and fails now and then on a loaded machine
        # on the unmodified tree too (seen in the baseline and in trials that did not touch its code).
        # test_light_imports pins the exact set of stdlib modules `import click` loads: a definition the person
        # moved into a module that imports `textwrap` changes that set whatever the rewrite (seed 0 trial 187);
        # and it runs click code held in a string literal (`click.echo(...)` in a script), which no rewrite of
        # Python code reaches (seed 0 trial 127: click.utils.echo renamed).
        Project("click", "click==8.2.1", "click-8.2.1.tar.gz",
                "27c491cc05d968d271d5a1db13e3b5a184636d9d930f148c50b038f0d0646202", "src", ("click",),
                pytest_args=("-W", "ignore:Passing a non-Collection iterable",
                             "--deselect", "tests/test_utils.py::test_echo_via_pager",
                             "--deselect", "tests/test_imports.py::test_light_imports")),
        # boltons' conftest.py implements a hook with the `path` argument pytest >= 9 removed (it only skips
        # Python-2-only test files, of which 25.0.0 has none), so pytest would not start with it.
        # test_iter_find_files asserts that a file named `fileutils.py` exists: a file name, which moving the
        # module changes whatever the rewrite (seed 1 trial 125: boltons.fileutils -> boltons.fileutils_moved).
        Project("boltons", "boltons==25.0.0", "boltons-25.0.0.tar.gz",
                "e110fbdc30b7b9868cb604e3f71d4722dd8f4dcb4a5ddd06028ba8f1ab0b5ace", ".", ("boltons",),
                pytest_args=("--noconftest", "--deselect", "tests/test_fileutils.py::test_iter_find_files")),
    )
}


def run(cmd: list[str], cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    return sdists.run(cmd, cwd=cwd, check=check)


def corpus(project: Project) -> Path:
    """The extracted project as a git repository with one commit (extracted once; never edited)."""
    return sdists.extracted_repo(project, WORK / "downloads", WORK / "corpora" / project.name)


def fresh_copy(source: Path, target: Path) -> Path:
    """A throwaway clone with its own checkout, so nothing a trial does reaches the corpus."""
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    run(["git", "clone", "-q", "--local", str(source), str(target)])
    return target


# -- the index ------------------------------------------------------------------------------------

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BUILTINS = frozenset(dir(builtins)) - {n for n in dir(builtins) if n.startswith("__")}


@dataclass(frozen=True)
class Module:
    name: str
    path: str  # relative to the project root, posix
    is_package: bool


@dataclass(frozen=True)
class Definition:
    module: str
    name: str
    start: int  # first line (its first decorator), 1-based
    end: int
    line: int  # the line of `def`/`class`
    self_contained: bool  # it uses no name but builtins and itself, so it can move anywhere
    is_class: bool = False
    # A function's parameters a person can rename by renaming every use in its body (`renamable_parameters`).
    parameters: tuple[str, ...] = ()
    # A function a keyword-only parameter can be added to: undecorated, no `**kwargs` (keyword-add trials).
    takes_new_keyword: bool = False


@dataclass
class Index:
    project: Project
    modules: dict[str, Module] = field(default_factory=dict)
    definitions: list[Definition] = field(default_factory=list)
    bindings: dict[str, set[str]] = field(default_factory=dict)  # module -> names bound at its top level
    imports_project: dict[str, bool] = field(default_factory=dict)  # module -> imports a project module at top level
    star_imports: set[str] = field(default_factory=set)  # modules that do `from x import *`
    words: set[str] = field(default_factory=set)  # every identifier-like word in the project's Python files
    # Some module looks methods up by a class's own name (`getattr(self, '_process_' + type(x).__name__.lower())`,
    # sqlparse's filters): renaming a class there changes what runs, whatever its users say (seed 2 trial 14,
    # seed 4 trial 273), so the fuzzer renames no class of such a project in place.
    dispatches_on_class_names: bool = False
    # Classes whose own methods show their name (`f"<{self.__class__.__name__} {self.name}>"` in click's
    # `Command.__repr__`, which click's tests pin), and every class of the project that inherits from one: renaming
    # one in place changes what the program prints (seed 6 trial 34), so the fuzzer does not rename them.
    shows_class_name: set[str] = field(default_factory=set)
    # The keywords passed in calls anywhere in the project, tests included, by the called name's last part
    # (`f(x, timeout=1)`, `m.f(timeout=1)`): keyword-rename trials rename a parameter some call passes by keyword.
    # name -> keyword -> the files (relative to the project root) whose calls pass it.
    keywords_passed: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    # name -> the files whose code calls something by that name (keyword-add trials).
    called_in: dict[str, set[str]] = field(default_factory=dict)

    @property
    def packages(self) -> list[str]:
        return sorted(m.name for m in self.modules.values() if m.is_package)


def _top_level_bindings(body: list[ast.stmt]) -> list[str]:
    names: list[str] = []
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append(node.name)
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names += [(a.asname or a.name).split(".")[0] for a in node.names]
            continue
        for child in ast.walk(node):
            if isinstance(child, ast.Name) and isinstance(child.ctx, (ast.Store, ast.Del)):
                names.append(child.id)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.append(child.name)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                names += [(a.asname or a.name).split(".")[0] for a in child.names]
    return names


def _free_names(node: ast.AST) -> set[str]:
    """Names a definition reads that nothing inside it binds (an over-approximation of its free names)."""
    loads: set[str] = set()
    bound: set[str] = set()
    declared: set[str] = set()  # `global`/`nonlocal` names reach outside the definition, bound inside or not
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            (loads if isinstance(child.ctx, ast.Load) else bound).add(child.id)
        elif isinstance(child, ast.arg):
            bound.add(child.arg)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(child.name)
        elif isinstance(child, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in child.names)
        elif isinstance(child, ast.ExceptHandler) and child.name:
            bound.add(child.name)
        elif isinstance(child, (ast.Global, ast.Nonlocal)):
            declared.update(child.names)
    return (loads - bound) | declared


def renamable_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[str, ...]:
    """The parameters of `function` that callers may pass by keyword and that a person renames by renaming the
    parameter and every use of it in the body, with no other meaning changed. Left out: an undecorated function
    only (a decorator may pass arguments by name, as click's options do), none with `**kwargs` (a caller's old
    keyword would land there silently), no parameter that a nested scope binds again (a nested function's own
    parameter, a comprehension's or lambda's variable), that a `global`/`nonlocal` names, that a string in the body
    spells (`kwargs["timeout"]`, `locals()["timeout"]`) or that an f-string uses (positions inside f-strings are not
    reliable before Python 3.12)."""
    args = function.args
    if function.decorator_list or args.kwarg is not None:
        return ()
    candidates = [a.arg for a in args.args + args.kwonlyargs]
    if args.args and args.args[0].arg in ("self", "cls"):
        candidates.remove(args.args[0].arg)
    body = ast.Module(body=function.body, type_ignores=[])
    rebound: set[str] = set()
    spelled: set[str] = set()
    for node in ast.walk(body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            rebound.update(a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg))
            if not isinstance(node, ast.Lambda):
                rebound.add(node.name)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            rebound.update(n.id for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name))
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            rebound.update(node.names)
        elif isinstance(node, ast.ClassDef):
            rebound.add(node.name)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            spelled.update(_WORD.findall(node.value))
        elif isinstance(node, ast.JoinedStr):
            spelled.update(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
        elif isinstance(node, ast.Name) and node.id in ("locals", "vars"):
            return ()
    return tuple(name for name in candidates if not name.startswith("_") and name not in rebound | spelled)


def _has_string_annotation(node: ast.AST) -> bool:
    annotations: list[ast.AST] = []
    for child in ast.walk(node):
        if isinstance(child, ast.arg) and child.annotation is not None:
            annotations.append(child.annotation)
        elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and child.returns is not None:
            annotations.append(child.returns)
        elif isinstance(child, ast.AnnAssign):
            annotations.append(child.annotation)
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) for a in annotations for n in ast.walk(a))


def _reads_class_name(node: ast.AST) -> bool:
    """`type(x).__name__` or `x.__class__.__name__` somewhere in `node`."""
    return any(
        isinstance(n, ast.Attribute) and n.attr == "__name__" and (
            (isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Name) and n.value.func.id == "type")
            or (isinstance(n.value, ast.Attribute) and n.value.attr == "__class__")
        )
        for n in ast.walk(node)
    )


def _classes_showing_their_name(trees: list[ast.Module]) -> set[str]:
    """Top-level classes whose body reads `self.__class__.__name__` / `type(self).__name__`, and the classes that
    inherit from them (by the base's last name, through any number of levels)."""
    bases: dict[str, set[str]] = {}
    showing: set[str] = set()
    for tree in trees:
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                bases.setdefault(node.name, set()).update(
                    b.id if isinstance(b, ast.Name) else b.attr for b in node.bases if isinstance(b, (ast.Name, ast.Attribute))
                )
                if _reads_class_name(node):
                    showing.add(node.name)
    grown = True
    while grown:
        grown = False
        for name, parents in bases.items():
            if name not in showing and parents & showing:
                showing.add(name)
                grown = True
    return showing


def _dispatches_on_class_names(tree: ast.Module) -> bool:
    """A function that looks an attribute up by a name built from a class's own name: `getattr(self, '_process_' +
    type(x).__name__.lower())`, directly or through a local (`func_name = '_process_{cls}'.format(cls=
    type(tlist).__name__)`, sqlparse's filters)."""
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        built = {
            target.id for node in ast.walk(function) if isinstance(node, ast.Assign) and _reads_class_name(node.value)
            for target in node.targets if isinstance(target, ast.Name)
        }
        for node in ast.walk(function):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "hasattr")
                    and len(node.args) >= 2):
                name = node.args[1]
                if _reads_class_name(name) or any(isinstance(n, ast.Name) and n.id in built for n in ast.walk(name)):
                    return True
    return False


def index(project: Project, root: Path) -> Index:
    """Every module of the project's packages, and every top-level def/class bound once in its module."""
    result = Index(project)
    source_root = root / project.source_root
    for package in project.packages:
        for path in sorted((source_root / package).rglob("*.py")):
            rel = path.relative_to(source_root)
            parts = list(rel.with_suffix("").parts)
            if any(not p.isidentifier() for p in parts):
                continue
            is_package = parts[-1] == "__init__"
            if is_package:
                parts.pop()
            name = ".".join(parts)
            result.modules[name] = Module(name, path.relative_to(root).as_posix(), is_package)
    for path in sorted(root.rglob("*.py")):
        if ".git" not in path.parts:
            text = path.read_text("utf-8", "replace")
            result.words.update(_WORD.findall(text))
            try:
                calls = [n for n in ast.walk(ast.parse(text)) if isinstance(n, ast.Call)]
            except SyntaxError:
                continue
            for call in calls:
                name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)
                if name:
                    result.called_in.setdefault(name, set()).add(path.relative_to(root).as_posix())
                    for keyword in call.keywords:
                        if keyword.arg:
                            result.keywords_passed.setdefault(name, {}).setdefault(keyword.arg, set()).add(
                                path.relative_to(root).as_posix())
    tops = set(project.packages)
    trees: list[ast.Module] = []
    for module in result.modules.values():
        text = (root / module.path).read_text("utf-8")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        names = _top_level_bindings(tree.body)
        result.bindings[module.name] = set(names)
        result.dispatches_on_class_names |= _dispatches_on_class_names(tree)
        trees.append(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                result.star_imports.add(module.name)
        local = {id(n) for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
                 for n in ast.walk(f)}
        result.imports_project[module.name] = any(
            (isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").split(".")[0] in tops))
            or (isinstance(node, ast.Import) and any(a.name.split(".")[0] in tops for a in node.names))
            for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
            and id(node) not in local
        )
        globals_declared = {n for node in ast.walk(tree) if isinstance(node, ast.Global) for n in node.names}
        statements = tree.body
        for i, node in enumerate(statements):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                continue
            if node.name.startswith("__") or names.count(node.name) != 1 or node.name in globals_declared:
                continue
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            end = node.end_lineno or node.lineno
            if (i and (statements[i - 1].end_lineno or 0) >= start) or (
                    i + 1 < len(statements) and statements[i + 1].lineno <= end):
                continue  # shares a line with another statement
            free = _free_names(node) - {node.name}
            contained = not (free - _BUILTINS) and not _has_string_annotation(node)
            result.definitions.append(
                Definition(module.name, node.name, start, end, node.lineno, contained, isinstance(node, ast.ClassDef),
                           renamable_parameters(node) if not isinstance(node, ast.ClassDef) else (),
                           not isinstance(node, ast.ClassDef) and not node.decorator_list and node.args.kwarg is None)
            )
    result.shows_class_name = _classes_showing_their_name(trees)
    return result

