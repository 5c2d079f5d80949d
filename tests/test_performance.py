"""What makes plans fast must not change them: the prefilter, the pool, the statements left
out of the libcst parse, and the per-node metadata that replaces libcst's whole-file providers."""

from __future__ import annotations

import ast
import inspect
import json
import re
import textwrap
from pathlib import Path
from typing import Any

import libcst as cst
import pytest
from libcst._typed_visitor import CSTTypedVisitorFunctions
from libcst.metadata import (
    FullyQualifiedNameProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    ScopeProvider,
)
from libcst.metadata.name_provider import ModuleNameAndPackage

from ssot_migrate.bindings import (
    CONDITIONAL_VISITS,
    LIBCST_VISIT_ENV,
    FileContext,
    _visit_in_place,
    parent_map,
    visits_in_place,
    walk,
)
from ssot_migrate.engine import IN_PROCESS_MAX_BYTES, IN_PROCESS_MAX_FILES
from ssot_migrate.focus import Focus, elide
from ssot_migrate.modules import ModuleInfo

from .helpers import make_repo, run_cli, spec_text


def plan(repo: Path, *args: str) -> dict[str, Any]:
    result = run_cli("plan", "-f", "json", "--no-cache", *args, cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def apply(repo: Path, rename: str) -> None:
    result = run_cli("apply", "--in-place", "--rename", rename, "--no-cache", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# -- the prefilter ------------------------------------------------------------------------------


def test_the_prefilter_keeps_files_that_cannot_bind_the_name_out(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "",
        "pkg/text_encoding.py": "def force_str(value):\n    return str(value)\n",
        # Bind it: a from-import, a dotted chain through a parent, a parenthesized list with a comment.
        "app/direct.py": "from pkg.encoding import force_str\n\nforce_str(1)\n",
        "app/chain.py": "import pkg\n\n\ndef run():\n    return pkg.encoding.force_str(1)\n",
        "app/listed.py": "from pkg import (  # the helpers\n    # moved soon\n    encoding,\n)\n\nencoding.force_str(1)\n",
        # Never bind it: prose, a comment, and an unrelated attribute that only the ast scan can tell apart.
        "app/prose.py": '"""Talks about encoding, the concept."""\n',
        "app/comment.py": "# encoding: utf-8\nVALUE = 1\n",
        "app/attribute.py": "def detect(stream):\n    return stream.encoding\n",
    })
    data = plan(repo, "--rename", "pkg.encoding=pkg.text_encoding")
    assert sorted(f["path"] for f in data["files"]) == ["app/chain.py", "app/direct.py", "app/listed.py"]
    # Candidates: the three binders, `stream.encoding` (a dotted fragment) and the moved module itself.
    assert data["stats"]["prefiltered"] == 5
    # The ast scan confirms the three binders (and the moved module, whose own imports are checked).
    assert data["stats"]["parsed"] == 4


def test_a_long_commented_import_list_does_not_stall_the_prefilter(tmp_path: Path) -> None:
    # Each commented line once multiplied the prefilter's regex work by ~20: 40 such lines never finished.
    names = "".join(f"    Name{n},  # Replaced by something in 3.9.\n" for n in range(40))
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "",
        "pkg/new.py": "def f():\n    return 1\n",
        "app/typed.py": f"from typing import (\n{names}    Last,\n)\n",
        "app/use.py": "from pkg import (  # the helpers\n    # moved soon\n    old,\n)\n\nold.f()\n",
    })
    result = run_cli("plan", "-f", "json", "--no-cache", "--rename", "pkg.old=pkg.new", cwd=repo, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == ["app/use.py"]


# -- the pool ------------------------------------------------------------------------------------


def test_one_job_and_two_jobs_give_the_same_plan(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/new.py": "def f():\n    return 1\n", "app/__init__.py": ""}
    filler = "".join(f"\n\ndef unrelated_{n}(value):\n    return value * {n}\n" for n in range(400))
    count = IN_PROCESS_MAX_FILES + 8
    for number in range(count):
        files[f"app/mod{number:02d}.py"] = f"from pkg.old import f\n{filler}\n\ndef use():\n    return f() + {number}\n"
    assert sum(len(text) for text in files.values()) > IN_PROCESS_MAX_BYTES  # large enough for the pool
    repo = make_repo(tmp_path / "repo", files)
    one = plan(repo, "--rename", "pkg.old=pkg.new", "--jobs", "1")
    two = plan(repo, "--rename", "pkg.old=pkg.new", "--jobs", "2")
    assert len(one["files"]) == count
    assert {**one, "stats": None} == {**two, "stats": None}
    assert {k: v for k, v in one["stats"].items() if k != "seconds"} == {
        k: v for k, v in two["stats"].items() if k != "seconds"
    }


# -- statements left out of the libcst parse ----------------------------------------------------

_MANY = "".join(f"\n\ndef helper_{n}(value):\n    return value + {n}\n" for n in range(30))


def test_edits_after_left_out_statements_are_exact_and_the_rest_is_byte_identical(tmp_path: Path) -> None:
    before = src(
        """
        # -*- coding: utf-8 -*-
        import pkg.old
        from pkg.old import make as build
        """
    ) + _MANY + src(
        """


        @decorate(
            "multi-line decorator",
        )
        class Service:
            name = "service"

            def start(self):
                return 1

            def run(self):
                # uses the moved module
                return pkg.old.make()

            def stop(self):
                return build()
        """
    ) + _MANY + "\n\nTAIL = pkg.old.VALUE"  # no newline at the end of the file
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "", "pkg/new.py": "def make():\n    return 1\n", "app.py": before,
    })
    data = plan(repo, "--rename", "pkg.old=pkg.new")
    apply(repo, "pkg.old=pkg.new")
    after = (repo / "app.py").read_text()
    expected = (
        before.replace("import pkg.old\nfrom pkg.old import", "import pkg.new\nfrom pkg.new import")
        .replace("return pkg.old.make()", "return pkg.new.make()")
        .replace("TAIL = pkg.old.VALUE", "TAIL = pkg.new.VALUE")
    )
    assert after == expected
    lines = before.splitlines()
    positions = sorted((e["line"], e["col"]) for e in data["files"][0]["edits"])
    assert positions == [
        (2, 8),
        (3, 6),
        (lines.index("        return pkg.old.make()") + 1, 16),
        (len(lines), 8),
    ]


def test_crlf_and_latin_1_files_keep_their_bytes_around_left_out_statements(tmp_path: Path) -> None:
    body = "import pkg.old\r\n" + _MANY.replace("\n", "\r\n") + "\r\n\r\ndef use():\r\n    return pkg.old.make()\r\n"
    latin = (
        "# -*- coding: latin-1 -*-\nimport pkg.old\n\n\ndef caf\xe9_free():\n    return 'd\xe9j\xe0 vu'\n"
        + _MANY + "\n\ndef use():\n    return pkg.old.make()\n"
    ).encode("latin-1")
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "", "pkg/new.py": "def make():\n    return 1\n",
        "crlf.py": body.encode(), "latin.py": latin,
    })
    apply(repo, "pkg.old=pkg.new")
    assert (repo / "crlf.py").read_bytes() == body.replace("pkg.old", "pkg.new").encode()
    assert (repo / "latin.py").read_bytes() == latin.replace(b"pkg.old", b"pkg.new")


def test_a_new_name_bound_by_a_distant_definition_still_keeps_the_local_name(tmp_path: Path) -> None:
    # `make_new` is bound at module level far from the usage: the import must keep `make`.
    before = "from pkg.old import make\n" + _MANY + "\n\ndef make_new():\n    return 0\n" + _MANY + (
        "\n\ndef use():\n    return make()\n"
    )
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "", "pkg/new.py": "def make_new():\n    return 1\n", "app.py": before,
    })
    apply(repo, "pkg.old.make=pkg.new.make_new")
    after = (repo / "app.py").read_text()
    assert after == before.replace("from pkg.old import make\n", "from pkg.new import make_new as make\n")


def test_a_global_statement_in_an_unrelated_function_counts_as_a_binding(tmp_path: Path) -> None:
    before = "from pkg.old import make\n" + _MANY + (
        "\n\ndef configure():\n    global make_new\n    make_new = None\n"
    ) + _MANY + "\n\ndef use():\n    return make()\n"
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "", "pkg/new.py": "def make_new():\n    return 1\n", "app.py": before,
    })
    apply(repo, "pkg.old.make=pkg.new.make_new")
    assert (repo / "app.py").read_text() == before.replace(
        "from pkg.old import make\n", "from pkg.new import make_new as make\n"
    )


def test_a_mock_patch_target_far_from_the_imports_is_rewritten(tmp_path: Path) -> None:
    before = "from unittest import mock\n" + _MANY + src(
        """


        class TestService:
            def test_one(self):
                with mock.patch("pkg.old.make") as make:
                    assert make
        """
    )
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "", "pkg/new.py": "def make():\n    return 1\n", "test_app.py": before,
    })
    apply(repo, "pkg.old=pkg.new")
    assert (repo / "test_app.py").read_text() == before.replace('"pkg.old.make"', '"pkg.new.make"')


def test_a_re_export_named_only_in_patch_strings_is_followed_there(tmp_path: Path) -> None:
    # No file imports `pkg.Old`: only strings name it, in both quote styles, one of them below it.
    # Only files whose string literals name a re-export get the expression-level scan.
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": 'from .old import Old\n\n__all__ = ["Old"]\n',
        "pkg/old.py": "class Old:\n    pass\n",
        "pkg/new.py": "class New:\n    pass\n",
        "tests/test_double.py": 'from unittest import mock\n\n\n@mock.patch("pkg.Old.method")\ndef test_x(m):\n    pass\n',
        "tests/test_single.py": "from unittest import mock\n\n\n@mock.patch('pkg.Old')\ndef test_y(m):\n    pass\n",
        "tests/test_prose.py": "# pkg.Old in a comment is not a string\nfrom unittest import mock\n",
    })
    apply(repo, "pkg.old.Old=pkg.new.New")
    assert (repo / "pkg/__init__.py").read_text() == 'from .new import New\n\n__all__ = ["New"]\n'
    assert '@mock.patch("pkg.New.method")' in (repo / "tests/test_double.py").read_text()
    assert "@mock.patch('pkg.New')" in (repo / "tests/test_single.py").read_text()
    assert (repo / "tests/test_prose.py").read_text() == "# pkg.Old in a comment is not a string\nfrom unittest import mock\n"


def test_a_concatenated_patch_target_far_from_the_imports_is_reported(tmp_path: Path) -> None:
    before = "import pkg.old\nfrom unittest import mock\n" + _MANY + (
        '\n\ndef test_one(name):\n    with mock.patch("pkg.o" + name):\n        pass\n'
    )
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "", "pkg/new.py": "def make():\n    return 1\n", "test_app.py": before,
    })
    data = plan(repo, "--rename", "pkg.old=pkg.new")
    codes = [(f["path"], f["code"], f["line"]) for f in data["findings"]]
    assert ("test_app.py", "SSOT103", before.splitlines().index('    with mock.patch("pkg.o" + name):') + 1) in codes


# -- per-node metadata equals libcst's providers -----------------------------------------------

SAMPLES = [
    src(
        """
        import os.path
        import pkg.sub as alias
        from . import sibling
        from ..parent import thing as other
        from pkg import *

        class Holder(alias.Base):
            attribute = os.path.join("a", "b")

            @property
            def value(self) -> "other.Kind":
                import json
                return [json.dumps(x) for x in sibling.items if x]

        def outer(a, *, b=other):
            def inner():
                nonlocal a
                a = lambda y: y + len(b)
                return a
            return inner, Holder().value
        """
    ),
    "x = 1\r\nif x:\r\n    y = (x +\r\n         2)  # comment\r\nelse:\r\n    y = {k: v for k, v in []}\r\n",
    "",
]


NESTED = src(
    """
    class Outer(Base):
        \"\"\"A docstring
        over lines.\"\"\"

        # a comment before a method
        def method(self, x=(1,
                            2)):
            if x:  # trailing
                \t# a tab
                pass
            else:
                try:
                    return {
                        "k": [y for y in x],
                    }
                except (A,
                        B) as e:
                    raise
                finally:
                    del x
            @decorator
            async def inner(): x = 1; y = 2
            match x:
                case [a, *rest]:
                    for i in a: yield i
                case _:
                    while True:
                        break
        attribute: int = 3
    """
)


@pytest.mark.parametrize(
    "source", [*SAMPLES, NESTED, NESTED.replace("\n", "\r\n")], ids=["module", "crlf", "empty", "nested", "nested-crlf"]
)
def test_per_node_metadata_matches_libcsts_providers(source: str) -> None:
    info = ModuleInfo("pkg.sub.mod", "pkg.sub", False)
    module = cst.parse_module(source)
    context = FileContext(module, info, "pkg/sub/mod.py")
    reference = MetadataWrapper(
        module, unsafe_skip_copy=True,
        cache={FullyQualifiedNameProvider: ModuleNameAndPackage(info.name, info.package)},
    )
    qualified = reference.resolve(FullyQualifiedNameProvider)
    positions = reference.resolve(PositionProvider)
    parents = reference.resolve(ParentNodeProvider)
    nodes = list(parents) + [module]
    for node in nodes:
        assert context.qualified_names(node) == frozenset(q.name for q in qualified.get(node, ())), node
        start = positions[node].start
        assert context.position(node) == (start.line, start.column + 1), node
    assert parent_map(module) == dict(parents)


def test_a_read_only_walk_sees_what_a_libcst_visit_sees() -> None:
    module = cst.parse_module(SAMPLES[0])

    class Recorder(cst.CSTVisitor):
        def __init__(self) -> None:
            self.seen: list[tuple[str, int]] = []

        def on_visit(self, node: cst.CSTNode) -> bool:
            self.seen.append(("visit", id(node)))
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            self.seen.append(("leave", id(original_node)))

    expected = Recorder()
    module.visit(expected)
    walked: list[tuple[str, int]] = []
    methods = {}
    for kind in {type(node) for node in [module, *parent_map(module)]}:
        methods[f"visit_{kind.__name__}"] = lambda self, node: walked.append(("visit", id(node)))
        methods[f"leave_{kind.__name__}"] = lambda self, node: walked.append(("leave", id(node)))
    walk(module, type("Counting", (cst.CSTVisitor,), methods)())
    # Every node is visited once and left once, each after its parent's visit and before its parent's leave.
    assert sorted(walked) == sorted(expected.seen)
    order = {event: position for position, event in enumerate(walked)}
    for child, parent in parent_map(module).items():
        assert order[("visit", id(parent))] < order[("visit", id(child))] < order[("leave", id(child))] < order[("leave", id(parent))]


EVERY_SHAPE = SAMPLES[0] + src(
    """
    from os import (path as p, sep)
    async def co(*args, **kwargs):
        async with lock as (a, b):
            async for item in stream:
                yield await item
        try:
            del a[0], b.c
        except* (ValueError, TypeError) as error:
            raise error from None
        finally:
            global g
    match command:
        case [Point(x=0, y=0), *rest] | {"k": _, **other} if rest:
            pass
    type Alias[T: int, *Ts, **P] = dict[T, Ts]
    value = f"{x!r:>{width}}" if (y := x) else not x
    @decorator
    class Generic[T](Base, metaclass=Meta): ...
    print(*a, sep=b"", end=rb"x"); assert x, "message"; x[1:2, ::3] @= -~x ** 2
    with open("f") as handle, other: pass
    while True: break
    else: continue
    """
)


def test_an_in_place_visit_makes_libcsts_callbacks_in_libcsts_order_and_the_same_scopes() -> None:
    class Recorder(cst.CSTVisitor):
        def __init__(self, skip: type) -> None:
            self.seen: list[tuple[str, int, str]] = []
            self.skip = skip

        def on_visit(self, node: cst.CSTNode) -> bool:
            self.seen.append(("visit", id(node), ""))
            return not isinstance(node, self.skip)

        def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
            self.seen.append(("attribute", id(node), attribute))

        def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
            self.seen.append(("left attribute", id(original_node), attribute))

        def on_leave(self, original_node: cst.CSTNode) -> None:
            self.seen.append(("leave", id(original_node), ""))

    module = cst.parse_module(EVERY_SHAPE)
    for skip in (type(None), cst.ClassDef):  # all of it; then a visit_ that returns False
        expected, in_place = Recorder(skip), Recorder(skip)
        assert module.visit(expected) is module
        with visits_in_place():
            assert module.visit(in_place) is module
        assert in_place.seen == expected.seen
    class Hooks(cst.CSTVisitor):  # libcst's own attribute dispatch: only these two hooks
        def __init__(self) -> None:
            self.seen: list[tuple[str, int]] = []

        def visit_ClassDef_bases(self, node: cst.ClassDef) -> None:
            self.seen.append(("bases", id(node)))

        def leave_FunctionDef_body(self, node: cst.FunctionDef) -> None:
            self.seen.append(("body", id(node)))

        def visit_Name(self, node: cst.Name) -> None:
            self.seen.append(("name", id(node)))

    expected_hooks, in_place_hooks = Hooks(), Hooks()
    module.visit(expected_hooks)
    with visits_in_place():
        module.visit(in_place_hooks)
    assert in_place_hooks.seen == expected_hooks.seen
    assert {event for event, _ in expected_hooks.seen} == {"bases", "body", "name"}
    assert cst.CSTNode.visit is not _visit_in_place  # libcst's own visit is back afterwards

    # The in-place visit assumes a node class visits the same fields whatever the node holds, except where
    # `CONDITIONAL_VISITS` says: a libcst release that adds a condition must extend that list.
    def subclasses(kind: type) -> list[type]:
        return [kind, *(c for sub in kind.__subclasses__() for c in subclasses(sub))]

    conditional = {}
    for kind in subclasses(cst.CSTNode):
        method = kind.__dict__.get("_visit_and_replace_children")
        if method is None:
            continue
        for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(method)))):
            if isinstance(node, (ast.If, ast.For, ast.While, ast.comprehension, ast.Try, ast.Match)):
                pytest.fail(f"{kind.__name__} visits its fields under a condition")
            if isinstance(node, ast.IfExp):
                test = ast.unparse(node.test)
                if test == "isinstance(names, ImportStar)":  # `names` is visited either way
                    continue
                field = re.fullmatch(r"(\w+) is not None", test)
                assert field is not None, (kind.__name__, test)
                conditional[kind.__name__] = field.group(1)
    assert conditional == CONDITIONAL_VISITS
    # The attribute hooks every visitor inherits do nothing (the in-place visit skips a node's attribute
    # callbacks when its visitor has no hook of its own for the node).
    typed = ast.parse(inspect.getsource(CSTTypedVisitorFunctions)).body[0]
    assert isinstance(typed, ast.ClassDef)
    for method in typed.body:
        if isinstance(method, ast.FunctionDef):
            assert [type(statement) for statement in method.body if not isinstance(statement, ast.Expr)] == [ast.Pass], method.name

    info = ModuleInfo("pkg.sub.mod", "pkg.sub", False)
    reference = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    scopes = FileContext(module, info, "pkg/sub/mod.py").scopes
    assert [type(s).__name__ for s in scopes.values()] == [type(s).__name__ for s in reference.values()]
    # Scope analysis parses string annotations into nodes of their own: those are compared by their code.
    in_tree = {id(node) for node in [module, *parent_map(module)]}

    def key(node: Any) -> object:
        return id(node) if id(node) in in_tree else (type(node).__name__, cst.Module([]).code_for_node(node))

    assert [key(node) for node in scopes] == [key(node) for node in reference]
    for (node, scope), theirs in zip(scopes.items(), reference.values()):
        assert sorted((a.name, key(a.node)) for a in scope.assignments) == sorted((a.name, key(a.node)) for a in theirs.assignments), node
        assert sorted(key(a.node) for a in scope.accesses) == sorted(key(a.node) for a in theirs.accesses), node


SHADOWING_SHAPES = {
    "local": "from pkg.old import thing\n\n\ndef f():\n    thing = 1\n    return thing\n\n\ndef g():\n    return thing()\n",
    "class-attribute": "from pkg import old\n\n\nclass C:\n    old = 2\n    x = old\n\n\ny = old.thing()\n",
    "global": "import pkg.old\n\n\ndef f():\n    global pkg\n    pkg = None\n\n\npkg.old.thing()\n",
    "comprehension": "from pkg.old import thing\n\nvalues = [thing for thing in range(3)]\nthing()\n",
    "del": "from pkg.old import thing\n\nthing()\ndel thing\n",
    "star": "from pkg.old import *\n\nthing()\n",
    "dunder-all": 'from pkg.old import thing\n\n__all__ = ["thing"]\n',
    "annotation": 'import pkg.old\n\n\ndef f(x: "pkg.old.Thing") -> None:\n    pkg = 1\n    return x\n',
}


@pytest.mark.parametrize("shape", sorted(SHADOWING_SHAPES))
def test_a_shadowing_shape_gets_the_plan_of_libcsts_own_visit(tmp_path: Path, shape: str) -> None:
    repo = make_repo(tmp_path, {
        "pkg/__init__.py": "", "pkg/old.py": "def thing():\n    return 1\n\n\nclass Thing:\n    pass\n",
        "use.py": SHADOWING_SHAPES[shape],
    })
    plans = []
    for env in ({}, {LIBCST_VISIT_ENV: "1"}):
        result = run_cli("plan", "-f", "json", "--no-cache", "--jobs", "1", "--rename", "pkg.old=pkg.new", cwd=repo, env=env)
        assert result.returncode == 0, result.stderr.decode()
        data = json.loads(result.stdout)
        del data["stats"]["seconds"]
        plans.append(data)
    in_place, libcst_visit = plans
    assert in_place == libcst_visit
    changed = {f["path"]: f["diff"] for f in in_place["files"]}
    # Not a vacuous equality: every shape's file is rewritten or reported (the star import, the `global`).
    assert "use.py" in changed or any(f["path"] == "use.py" for f in in_place["findings"]), in_place
    if "use.py" in changed:
        assert "pkg.new" in changed["use.py"] or "import new" in changed["use.py"]


def test_a_walk_skips_a_subtree_when_visit_returns_false() -> None:
    module = cst.parse_module("def f():\n    import os\nimport sys\n")
    found: list[str] = []

    class Imports(cst.CSTVisitor):
        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            return False

        def visit_Import(self, node: cst.Import) -> None:
            found.append(module.code_for_node(node))

    walk(module, Imports())
    assert found == ["import sys"]


def test_spec_and_focus_agree_on_a_multi_codemod_spec(tmp_path: Path) -> None:
    spec = spec_text([
        {"kind": "rename-import", "old": "legacy.helpers.make", "new": "pkg.tools:build"},
        {"kind": "rename-import", "old": "pkg.tools.build", "new": "pkg.factory:create"},
    ])
    body = "from legacy.helpers import make\n" + _MANY + "\n\ndef use():\n    return make()\n"
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "", "pkg/factory.py": "def create():\n    return 1\n", "app.py": body,
        "migration.toml": spec,
    })
    result = run_cli("apply", "--spec", "migration.toml", "--in-place", "--no-cache", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert (repo / "app.py").read_text() == body.replace(
        "from legacy.helpers import make\n", "from pkg.factory import create\n"
    ).replace("return make()", "return create()")


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_left_out_statements_keep_every_line_where_it_was_and_come_back_verbatim(newline: str) -> None:
    text = (
        "# -*- coding: latin-1 -*-\nimport pkg.old\n" + _MANY + "\n\n@decorate(\n    1,\n)\nclass Kept:\n"
        "    def helper(self):\n        return 'caf\xe9'\n\n    def use(self):\n        return pkg.old.make()\n"
        + _MANY + "\n\ndef last():\n    return 1"
    ).replace("\n", newline)
    data = text.encode("latin-1")
    elided = elide(data, ast.parse(data), Focus(frozenset({"old"})))
    assert elided is not None and elided.pieces
    assert len(elided.source) < len(data) / 3
    assert elided.source.count(b"\n") == data.count(b"\n")
    kept = [number for number, line in enumerate(data.splitlines(), 1) if b"pkg.old" in line]
    assert [elided.source.splitlines()[number - 1] for number in kept] == [data.splitlines()[n - 1] for n in kept]
    module = cst.parse_module(elided.source)
    assert elided.restore(module.bytes) == data
    assert elided.restore(module.bytes.replace(b"pkg.old", b"pkg.new")) == data.replace(b"pkg.old", b"pkg.new")
    # A placeholder that did not survive is detected, never spliced wrongly.
    assert elided.restore(module.bytes.replace(elided.pieces[0][0], b"")) is None


def test_a_later_codemod_reaches_usages_an_earlier_one_left_alone(tmp_path: Path) -> None:
    # The module move leaves `make_bridge()` as written; the symbol rename then changes it.
    spec = spec_text([
        {"kind": "rename-import", "old": "app.agents.bridge", "new": "app.services.bridge"},
        {"kind": "rename-import", "old": "app.services.bridge.make_bridge", "new": "app.services.bridge.create_bridge"},
    ])
    body = "from app.agents.bridge import make_bridge\n" + _MANY + "\n\nclass Uses:\n    def run(self):\n        return make_bridge()\n"
    repo = make_repo(tmp_path / "repo", {
        "app/__init__.py": "", "app/services/__init__.py": "",
        "app/services/bridge.py": "def create_bridge():\n    return 1\n",
        "app/main.py": body, "migration.toml": spec,
    })
    result = run_cli("apply", "--spec", "migration.toml", "--in-place", "--no-cache", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert (repo / "app/main.py").read_text() == body.replace(
        "from app.agents.bridge import make_bridge", "from app.services.bridge import create_bridge"
    ).replace("return make_bridge()", "return create_bridge()")


def test_an_import_inside_a_function_whose_usages_keep_their_name_is_rewritten(tmp_path: Path) -> None:
    before = _MANY + src(
        """


        class Lines:
            def justify(self):
                from .text import Text

                return Text("")
        """
    )
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "", "pkg/text.py": "class Text:\n    pass\n",
        "pkg/styled_text.py": "class Text:\n    pass\n", "pkg/containers.py": before,
    })
    apply(repo, "pkg.text.Text=pkg.styled_text.Text")
    assert (repo / "pkg/containers.py").read_text() == before.replace("from .text import", "from .styled_text import")


# -- the module summary's class members -------------------------------------------------------------


_CLASS_WITH_STATE = src(
    """
    class Service:
        limit = 3

        def __init__(self, client):
            self.client = client
            try:
                self.ready = client.ping()
            except OSError as error:
                self.error = error
                self.ready = False
            finally:
                self.closed: bool = False
            match client.kind:
                case "fast":
                    self.speed = 2
                case _:
                    self.speed = 1
            if self.ready:
                self.count += 1
            callback = lambda: setattr(self, "hidden", 1)

            def nested():
                self.from_nested = 1


        @property
        def name(self):
            for item in self.client.items():
                while item:
                    with open(item) as stream:
                        self.last = stream
    """
)


def test_instance_attributes_are_the_ones_and_lines_a_full_ast_walk_finds() -> None:
    from ssot_migrate import scan

    cls = ast.parse(_CLASS_WITH_STATE).body[0]
    assert isinstance(cls, ast.ClassDef)

    def reference(function: ast.FunctionDef) -> list[tuple[str, int]]:
        found: dict[str, int] = {}
        receiver = function.args.args[0].arg
        for node in ast.walk(function):
            targets = list(node.targets) if isinstance(node, ast.Assign) else (
                [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else []
            )
            for target in targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == receiver:
                    found.setdefault(target.attr, node.lineno)
        return list(found.items())

    expected: dict[str, int] = {}
    for function in cls.body:
        if isinstance(function, ast.FunctionDef):
            for name, line in reference(function):
                expected.setdefault(name, line)
    kinds = {name: line for name, kind, line in scan._member_kinds(cls) if kind == "instance attribute"}
    assert kinds == expected
    assert set(kinds) == {"client", "ready", "error", "closed", "speed", "count", "from_nested", "last"}


def _difflib_opcodes(a: list[Any], b: list[Any]) -> list[tuple[str, int, int, int, int]]:
    import difflib

    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


@pytest.mark.parametrize("windowed_from", [1, 3, None])
def test_verifications_line_matcher_pairs_the_lines_difflib_pairs(monkeypatch: pytest.MonkeyPatch, windowed_from: int | None) -> None:
    """Verification compares unchanged lines reference by reference and edited hunks as a whole: its faster matcher
    must pair exactly the lines difflib pairs (random edits of texts with few distinct lines: many ties)."""
    import random

    from ssot_migrate.rewrite.verify import _LineMatcher

    if windowed_from is not None:  # the window search on every range, not only from 8 equal lines
        monkeypatch.setattr(_LineMatcher, "WINDOWED_FROM", windowed_from)
    rng = random.Random(17)
    for _ in range(1000):
        alphabet = rng.choice([2, 3, 5, 20])
        a = [rng.randrange(alphabet) for _ in range(rng.randint(0, 120))]
        b = list(a)
        for _ in range(rng.randint(0, 8)):
            at = rng.randint(0, len(b))
            roll = rng.random()
            if roll < 0.3 and b:
                b[min(at, len(b) - 1)] = rng.randrange(alphabet + 2)
            elif roll < 0.5:
                b.insert(at, rng.randrange(alphabet + 2))
            elif roll < 0.7 and b:
                del b[min(at, len(b) - 1)]
            elif roll < 0.9:
                b[at:at] = b[: rng.randint(0, 20)]  # a repeated stretch: equal runs on other diagonals
            else:
                b.reverse()
        assert _LineMatcher(None, a, b, autojunk=False).get_opcodes() == _difflib_opcodes(a, b)
    # A rewritten module: hundreds of blank and repeated lines, edits spread over it, lines added and removed.
    lines = []
    for n in range(400):
        lines += [f"def f{n}(x):".encode(), b"    return models.Q(x)" if n % 7 == 0 else b"    pass", b"", b""]
    new = [line.replace(b"models.", b"orm.") for line in lines]
    new[100:100] = [b"from django.db import orm", b""]
    del new[900:904]
    assert _LineMatcher(None, lines, new, autojunk=False).get_opcodes() == _difflib_opcodes(lines, new)
