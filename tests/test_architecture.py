"""The package's layering: modules import each other without cycles, kinds never import each other, and the
rewrite core never imports a kind.

The graph counts every import a module can execute, at module level or inside a function
(a lazy import still closes a cycle when it runs); only `if TYPE_CHECKING:` blocks are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import ssot_migrate

PACKAGE = Path(ssot_migrate.__file__).parent
# Lazy imports allowed to close a cycle, with the reason each stays lazy: (importer, imported) -> reason.
CYCLE_BREAKING_LAZY_IMPORTS: dict[tuple[str, str], str] = {}
# Kind modules: each is a leaf that only the registry loads (by name, in transforms/__init__.py).
KIND_MODULES = {"rename_import", "call_args", "error_code_message", "collapse_class"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _is_type_checking_block(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and (
        (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")
        or (isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING")
    )


def _imports(tree: ast.AST):
    """Every import statement outside `if TYPE_CHECKING:` blocks, with whether it is inside a function."""
    stack: list[tuple[ast.AST, bool]] = [(tree, False)]
    while stack:
        node, lazy = stack.pop()
        if _is_type_checking_block(node):
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node, lazy
        inner = lazy or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))


def _import_graph() -> dict[str, dict[str, bool]]:
    """module -> {imported package module: whether every such import is lazy}."""
    modules = _modules()
    graph: dict[str, dict[str, bool]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: dict[str, bool] = {}
        for node, lazy in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                targets = [target, *(f"{target}.{alias.name}" for alias in node.names)]
            else:
                targets = [alias.name for alias in node.names]
            for target in targets:
                if target in modules and target != name:
                    edges[target] = edges.get(target, True) and lazy
        graph[name] = edges
    return graph


def _cycles(graph: dict[str, dict[str, bool]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(graph[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_modules_import_each_other_without_cycles():
    graph = _import_graph()
    for importer, imported in CYCLE_BREAKING_LAZY_IMPORTS:
        assert graph[importer].get(imported) is True, f"{importer} no longer imports {imported} lazily: drop the entry"
        del graph[importer][imported]
    assert _cycles(graph) == []


def test_the_cycle_check_sees_lazy_imports():
    graph = {"a": {"b": False}, "b": {"a": True}, "c": {}}
    assert _cycles(graph) == [["a", "b"]]



def _kind_module(name: str) -> bool:
    return name.startswith("ssot_migrate.transforms.") and name.rpartition(".")[2] in KIND_MODULES


def test_kinds_never_import_each_other():
    graph = _import_graph()
    offenders = {
        (name, imported) for name, edges in graph.items() if _kind_module(name) for imported in edges if _kind_module(imported)
    }
    assert offenders == set()


def test_the_rewrite_core_and_the_pipeline_below_it_never_import_kinds():
    graph = _import_graph()
    offenders = {
        (name, imported)
        for name, edges in graph.items()
        if not name.startswith("ssot_migrate.transforms") and name != "ssot_migrate.transforms"
        for imported in edges
        if _kind_module(imported)
    }
    assert offenders == set()
