"""Trials: a seeded choice of one migration, and the physical change a person makes before running the tool."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from pathlib import Path

from corpora import Definition, Index, Project

KINDS = ("module-move", "package-move", "symbol-rename", "symbol-move")
# Kinds a run takes only when asked (`--kind`), so that the trials of a seed stay those documented before they came.
EXTRA_KINDS = ("keyword-rename", "keyword-add")


@dataclass(frozen=True)
class Trial:
    seed: int
    number: int
    project: Project
    kind: str
    old: str
    new: str
    # What the person does first: files or folders to rename (relative to the project root), or a definition
    # to rename in place (`rename`) or cut from its module and append to another (`move_to`).
    rename_path: tuple[str, str] | None = None
    definition: Definition | None = None
    move_to: str | None = None  # the target module's file, relative to the project root
    definition_path: str | None = None  # the file that holds `definition`
    parameter: str | None = None  # keyword-rename: the parameter renamed (to `new`'s last part)

    @property
    def ident(self) -> str:
        return f"{self.seed}:{self.number}"

    def describe(self) -> str:
        return f"{self.kind} {self.old} -> {self.new}"


@dataclass
class Change:
    """What the physical change did: file moves (old path -> new path, relative to the project root)."""

    moved: dict[str, str] = field(default_factory=dict)
    created: list[str] = field(default_factory=list)


def choose(seed: int, number: int, projects: list[Project], indexes: dict[str, Index],
           kinds: tuple[str, ...] = KINDS) -> Trial:
    """Trial `number` of `seed`: the same inputs always give the same trial, whatever ran before it."""
    rng = random.Random(f"{seed}:{number}")
    project = rng.choice(projects)
    idx = indexes[project.name]
    makers = {"module-move": _module_move, "package-move": _package_move,
              "symbol-rename": _symbol_rename, "symbol-move": _symbol_move, "keyword-rename": _keyword_rename,
              "keyword-add": _keyword_add}
    first = rng.choice(kinds)
    for kind in [first, *(k for k in kinds if k != first)]:
        trial = makers[kind](rng, seed, number, project, idx)
        if trial is not None:
            return trial
    # Only when the kinds are limited (`--kind`): a project may offer none of them (pathspec passes no keyword to
    # a function whose parameter can be renamed); the next projects, in order, are asked.
    for other in projects[projects.index(project) + 1:] + projects[:projects.index(project)]:
        for kind in kinds:
            trial = makers[kind](rng, seed, number, other, indexes[other.name])
            if trial is not None:
                return trial
    raise SystemExit(f"{project.name}: no trial of any kind can be made")


def _taken(idx: Index, package: str, leaf: str) -> bool:
    return f"{package}.{leaf}" in idx.modules or leaf in idx.bindings.get(package, set())


def _quiet(idx: Index, package: str) -> bool:
    """Whether importing something in `package` runs no package `__init__` that imports the project, beyond the
    top-level one (which runs for every module anyway). Moving a module into a package whose `__init__` imports
    the module's own importers closes an import cycle (sqlparse.exceptions into sqlparse.engine: the engine's
    `__init__` imports sqlparse.sql, which imports the exceptions): no rewrite can avoid that, so the fuzzer does
    not ask for it."""
    parts = package.split(".")
    return not any(idx.imports_project.get(".".join(parts[:n]), True) for n in range(2, len(parts) + 1))


def _module_move(rng: random.Random, seed: int, number: int, project: Project, idx: Index) -> Trial | None:
    modules = [m for m in idx.modules.values() if not m.is_package and not m.name.endswith(".__main__")]
    if not modules:
        return None
    module = rng.choice(modules)
    parent, leaf = module.name.rsplit(".", 1)
    others = [p for p in idx.packages if p != parent and not _taken(idx, p, leaf) and _quiet(idx, p)]
    if not _quiet(idx, parent):
        # Out of a package whose `__init__` imports the project (mistune.directives re-exports admonition, and
        # admonition imports the package's _base): the moved module would import a package that imports it.
        others = []
    if others and rng.random() < 0.5:
        new = f"{rng.choice(others)}.{leaf}"
    else:
        new = f"{parent}.{leaf}_moved"
    target = _module_file(project, new, package=False)
    return Trial(seed, number, project, "module-move", module.name, new, rename_path=(module.path, target))


def _package_move(rng: random.Random, seed: int, number: int, project: Project, idx: Index) -> Trial | None:
    package = idx.modules[rng.choice(idx.packages)]
    if "." not in package.name:
        new = f"{package.name}_moved"
    else:
        parent, leaf = package.name.rsplit(".", 1)
        others = [p for p in idx.packages if p != parent and p != package.name
                  and not p.startswith(package.name + ".") and not _taken(idx, p, leaf) and _quiet(idx, p)]
        others = others if _quiet(idx, parent) else []
        new = f"{rng.choice(others)}.{leaf}" if others and rng.random() < 0.5 else f"{parent}.{leaf}_moved"
    old_dir = package.path.rsplit("/", 1)[0]
    return Trial(seed, number, project, "package-move", package.name, new,
                 rename_path=(old_dir, _module_file(project, new, package=True).rsplit("/", 1)[0]))


def _renamed(name: str, idx: Index) -> str | None:
    new = f"{name}Renamed" if name[:1].isupper() or name.lstrip("_")[:1].isupper() else f"{name}_renamed"
    return None if new in idx.words else new


def _symbol_rename(rng: random.Random, seed: int, number: int, project: Project, idx: Index) -> Trial | None:
    if not idx.definitions:
        return None
    definition = rng.choice(idx.definitions)
    if definition.is_class and (idx.dispatches_on_class_names or definition.name in idx.shows_class_name):
        return None  # the project finds methods by class names, or prints this one's: the rename changes behaviour
    new = _renamed(definition.name, idx)
    if new is None:
        return None
    return Trial(seed, number, project, "symbol-rename", f"{definition.module}.{definition.name}",
                 f"{definition.module}:{new}", definition=definition,
                 definition_path=idx.modules[definition.module].path)


def _symbol_move(rng: random.Random, seed: int, number: int, project: Project, idx: Index) -> Trial | None:
    movable = [d for d in idx.definitions if d.self_contained]
    if not movable:
        return None
    definition = rng.choice(movable)
    # An existing module that imports no project module at its top level (so the move cannot close an import
    # cycle a person would then have to break by hand), or a new module beside the old one.
    targets = [m for m in idx.modules.values() if m.name != definition.module and not m.name.endswith(".__main__")
               and not idx.imports_project.get(m.name, True) and m.name not in idx.star_imports
               and definition.name not in idx.bindings.get(m.name, set())
               and _quiet(idx, m.name if m.is_package else m.name.rsplit(".", 1)[0])]
    if targets and rng.random() < 0.5:
        target = rng.choice(targets)
        module, path = target.name, target.path
    else:
        holder = idx.modules[definition.module]
        package = definition.module if holder.is_package else definition.module.rsplit(".", 1)[0]
        leaf = "moved_definitions"
        if _taken(idx, package, leaf):
            return None
        module = f"{package}.{leaf}"
        path = _module_file(project, module, package=False)
    return Trial(seed, number, project, "symbol-move", f"{definition.module}.{definition.name}",
                 f"{module}:{definition.name}", definition=definition, move_to=path,
                 definition_path=idx.modules[definition.module].path)


def _keyword_rename(rng: random.Random, seed: int, number: int, project: Project, idx: Index) -> Trial | None:
    """A function's parameter renamed, with every use of it in the body: the person's change. The spec is a
    `call-args` codemod that renames the keyword at every call (`rename_keywords`)."""
    passed = sorted(((d, p) for d in idx.definitions if not d.is_class
                     for p in d.parameters if p in idx.keywords_passed.get(d.name, {})),
                    key=lambda pair: (pair[0].module, pair[0].name, pair[1]))
    if not passed:
        return None
    # Mostly a keyword that another file passes (a test, another module): the calls the tool must find through
    # imports, re-exports and aliases; else one passed only in the function's own module.
    elsewhere = [(d, p) for d, p in passed if idx.keywords_passed[d.name][p] - {idx.modules[d.module].path}]
    definition, parameter = rng.choice(elsewhere if elsewhere and rng.random() < 0.8 else passed)
    new = f"{parameter}_renamed"
    if new in idx.words:
        return None
    return Trial(seed, number, project, "keyword-rename", f"{definition.module}.{definition.name}", new,
                 definition=definition, definition_path=idx.modules[definition.module].path, parameter=parameter)


ADDED = "added_keyword"


def _keyword_add(rng: random.Random, seed: int, number: int, project: Project, idx: Index) -> Trial | None:
    """A required keyword-only parameter added to a function that something calls: the person's change. The spec is
    a `call-args` codemod that adds `added_keyword=None` to every call (`add`). A call it misses raises TypeError."""
    if ADDED in idx.words:
        return None
    called = sorted((d for d in idx.definitions if d.takes_new_keyword and d.name in idx.called_in),
                    key=lambda d: (d.module, d.name))
    if not called:
        return None
    # Mostly a function called from another file too: those calls are found through imports.
    elsewhere = [d for d in called if idx.called_in[d.name] - {idx.modules[d.module].path}]
    definition = rng.choice(elsewhere if elsewhere and rng.random() < 0.8 else called)
    return Trial(seed, number, project, "keyword-add", f"{definition.module}.{definition.name}", ADDED,
                 definition=definition, definition_path=idx.modules[definition.module].path, parameter=ADDED)


def _module_file(project: Project, module: str, *, package: bool) -> str:
    parts = module.split(".")
    rel = "/".join(parts) + ("/__init__.py" if package else ".py")
    return rel if project.source_root in ("", ".") else f"{project.source_root}/{rel}"


# -- the person's change ----------------------------------------------------------------------------


def make_physical_change(trial: Trial, root: Path) -> Change:
    """Move the file or folder, rename the definition, or cut and paste it, as a person would before the tool."""
    change = Change()
    if trial.rename_path is not None:
        old, new = trial.rename_path
        source, target = root / old, root / new
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            for path in sorted(source.rglob("*")):
                if path.is_file():
                    rel = path.relative_to(source).as_posix()
                    change.moved[f"{old}/{rel}"] = f"{new}/{rel}"
        else:
            change.moved[old] = new
        source.rename(target)
        return change
    definition = trial.definition
    assert definition is not None
    assert trial.definition_path is not None
    holder = root / trial.definition_path
    if trial.kind == "keyword-rename":
        _rename_parameter(holder, definition, trial.parameter or "", trial.new)
        return change
    if trial.kind == "keyword-add":
        _add_keyword_only(holder, definition, trial.new)
        return change
    lines = holder.read_text("utf-8").splitlines(keepends=True)
    if trial.kind == "symbol-rename":
        new_name = trial.new.rsplit(":", 1)[1]
        pattern = re.compile(rf"^(\s*(?:async\s+def|def|class)\s+){re.escape(definition.name)}\b")
        line = lines[definition.line - 1]
        if not pattern.search(line):
            raise SystemExit(f"trial {trial.ident}: no definition of {definition.name} on line {definition.line}")
        lines[definition.line - 1] = pattern.sub(rf"\g<1>{new_name}", line, count=1)
        holder.write_text("".join(lines), "utf-8")
        return change
    # symbol-move: cut the definition's lines and append them to the target module.
    cut = lines[definition.start - 1:definition.end]
    del lines[definition.start - 1:definition.end]
    holder.write_text("".join(lines), "utf-8")
    assert trial.move_to is not None
    target = root / trial.move_to
    if target.exists():
        text = target.read_text("utf-8")
        text = text.rstrip("\n") + "\n\n\n" if text.strip() else text
    else:
        change.created.append(trial.move_to)
        text = ""
    target.write_text(text + "".join(cut).rstrip("\n") + "\n", "utf-8")
    return change



def _rename_parameter(holder: Path, definition: Definition, old: str, new: str) -> None:
    """`old` renamed to `new` in the parameter list of the function defined on `definition.line` and in every name
    of its body (never in its defaults, annotations or decorators: they are read in the enclosing scope), by the
    positions `ast` gives (UTF-8 byte columns)."""
    import ast

    data = holder.read_bytes()
    tree = ast.parse(data)
    (function,) = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                   and n.lineno == definition.line]
    spots = [(a.lineno, a.col_offset) for a in function.args.args + function.args.kwonlyargs if a.arg == old]
    for statement in function.body:
        spots += [(n.lineno, n.col_offset) for n in ast.walk(statement) if isinstance(n, ast.Name) and n.id == old]
    lines = data.splitlines(keepends=True)
    for line, column in sorted(spots, reverse=True):
        text = lines[line - 1]
        if text[column:column + len(old)] != old.encode():
            raise SystemExit(f"{holder}:{line}:{column}: expected {old!r}")
        lines[line - 1] = text[:column] + new.encode() + text[column + len(old):]
    holder.write_bytes(b"".join(lines))


def _add_keyword_only(holder: Path, definition: Definition, name: str) -> None:
    """A required keyword-only parameter `name` added at the end of the parameters of the function defined on
    `definition.line` (`*, name` unless the function has a `*args` or keyword-only parameters already)."""
    import ast

    data = holder.read_bytes()
    tree = ast.parse(data)
    (function,) = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
                   and n.lineno == definition.line]
    args = function.args
    parts: list[ast.AST] = [*args.posonlyargs, *args.args, *args.defaults, *args.kwonlyargs,
                            *(d for d in args.kw_defaults if d is not None), *([args.vararg] if args.vararg else [])]
    lines = data.splitlines(keepends=True)
    if parts:
        last = max(parts, key=lambda n: (n.end_lineno, n.end_col_offset))
        line, column = last.end_lineno, last.end_col_offset
        text = (", " if args.vararg or args.kwonlyargs else ", *, ") + name
    else:  # `def f():` -> the position just after the opening parenthesis that follows the name
        line = function.lineno
        start = lines[line - 1].index(b"(", lines[line - 1].index(function.name.encode()))
        column = start + 1
        text = "*, " + name
    assert line is not None and column is not None
    current = lines[line - 1]
    lines[line - 1] = current[:column] + text.encode() + current[column:]
    holder.write_bytes(b"".join(lines))
