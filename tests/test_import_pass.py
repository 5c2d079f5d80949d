"""The import pass on its own: what it removes from a rewritten text and what it must keep.

It runs on the whole final text of a file, after its last codemod, and decides by resolving every name there:
released bindings that nothing uses go, imports the edits added and left unused go, a binding the edits made twice
goes; everything that was there and unused before stays, and so does every import something still uses.
"""

from __future__ import annotations

import ast
import textwrap

from ssot_migrate.modules import ModuleInfo
from ssot_migrate.rewrite.edits import ReleasedImport
from ssot_migrate.rewrite.imports import finish_imports
from ssot_migrate.scopes import file_names

INFO = ModuleInfo("app.main", "app", False)


def src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def finish(original: str, rewritten: str, released=(), renames=()) -> str:
    def expected(path: str) -> str:
        for old, new in renames:
            if path == old or path.startswith(old + "."):
                return new + path[len(old) :]
        return path

    resolve = lambda tree: file_names(tree, INFO)  # noqa: E731 - the pass's own callback shape
    before = resolve(ast.parse(original))
    tree = ast.parse(rewritten)
    result = finish_imports(rewritten.encode(), tree, resolve(tree), before, released, expected, resolve)
    return result.data.decode()


def test_a_released_import_that_nothing_uses_goes_with_its_statement():
    original = "import a\n\na.b.c()\n"
    rewritten = "import a\nfrom z import c\n\nc()\n"
    assert finish(original, rewritten, [ReleasedImport("", "a", "a")], [("a.b.c", "z.c")]) == "from z import c\n\nc()\n"


def test_a_released_import_that_something_still_uses_stays():
    original = "import a\n\na.b.c()\na.d()\n"
    rewritten = "import a\nfrom z import c\n\nc()\na.d()\n"
    assert finish(original, rewritten, [ReleasedImport("", "a", "a")], [("a.b.c", "z.c")]) == rewritten


def test_an_import_used_only_in_a_string_annotation_or_dunder_all_is_used():
    original = "import a\nfrom m import X\n\n__all__ = ['X']\n\n\ndef f(x: 'a.T'): pass\n"
    released = [ReleasedImport("", "a", "a"), ReleasedImport("", "X", "m.X")]
    assert finish(original, original, released) == original


def test_an_import_that_was_unused_before_the_edits_stays_unused():
    original = "import os\nfrom old import f\n\nf()\n"
    rewritten = "import os\nfrom new import f\n\nf()\n"
    assert finish(original, rewritten, [], [("old", "new")]) == rewritten


def test_an_import_the_edits_added_and_left_unused_goes():
    original = "from old import f\n\nf()\n"
    rewritten = "from old import f\nimport helper\n\nf()\n"
    assert finish(original, rewritten) == "from old import f\n\nf()\n"


def test_a_binding_the_edits_made_twice_in_one_block_is_written_once():
    original = "import app.old_cache\nimport app.cache\nfrom app.old_cache import get\nfrom app.cache import get\n\nget(app.cache)\n"
    rewritten = "import app.cache\nimport app.cache\nfrom app.cache import get\nfrom app.cache import get\n\nget(app.cache)\n"
    assert finish(original, rewritten, [], [("app.old_cache", "app.cache")]) == (
        "import app.cache\nfrom app.cache import get\n\nget(app.cache)\n"
    )


def test_the_same_binding_in_two_branches_is_not_a_duplicate():
    original = src(
        """
        try:
            from old import f
        except ImportError:
            from new import f
        f()
        """
    )
    rewritten = original.replace("from old import f", "from new import f")
    assert finish(original, rewritten, [], [("old", "new")]) == rewritten


def test_imports_inside_functions_are_judged_in_their_own_scope():
    original = src(
        """
        import a


        def g():
            import a
            return a.b.c()


        a.x()
        """
    )
    rewritten = src(
        """
        import a


        def g():
            import a
            from z import c
            return c()


        a.x()
        """
    )
    released = [ReleasedImport("g", "a", "a")]
    assert finish(original, rewritten, released, [("a.b.c", "z.c")]) == rewritten.replace("    import a\n", "")


def test_one_name_leaves_a_parenthesized_import_and_its_comments_stay():
    original = src(
        """
        from m import (  # helpers
            a,  # first
            b,  # second
        )

        a()
        """
    )
    rewritten = original
    assert finish(original, rewritten, [ReleasedImport("", "b", "m.b")]) == src(
        """
        from m import (  # helpers
            a,  # first
            )

        a()
        """
    )


def test_an_explicit_reexport_and_a_future_import_are_never_removed():
    original = "from __future__ import annotations\nfrom m import X as X\n"
    released = [ReleasedImport("", "X", "m.X"), ReleasedImport("", "annotations", "__future__.annotations")]
    assert finish(original, original, released) == original


def test_a_file_in_another_encoding_keeps_its_bytes():
    original = "# -*- coding: latin-1 -*-\nimport a\nimport b\nNAME = 'caf\u00e9'\nb.x()\n"
    data = original.encode("latin-1")
    resolve = lambda tree: file_names(tree, INFO)  # noqa: E731
    tree = ast.parse(data)
    result = finish_imports(
        data, tree, resolve(tree), resolve(tree), [ReleasedImport("", "a", "a")], lambda p: p, resolve
    )
    assert result.data == original.replace("import a\n", "").encode("latin-1")


def test_global_and_nonlocal_apply_to_the_whole_function_wherever_they_stand():
    """A declaration in a nested block (a handler, a match case, a branch, a loop) is the function's, wherever it
    stands; one in a nested class is the class's."""
    source = src(
        """
        def f():
            try:
                pass
            except Exception:
                global os
            os = 1
            return os

        def h():
            class C:
                global os
            os = 3
            return os

        def k():
            path = 0
            def inner():
                for _ in ():
                    nonlocal path
                path = 4
                return path
            return path

        def g():
            match 1:
                case _:
                    if True:
                        global sys
            sys = 2
            return sys
        """
    )
    names = file_names(ast.parse(source), INFO)
    loads = {r.line: (r.text, r.meanings) for r in names.references if r.role == "load"}
    assert loads[7] == ("os", frozenset({"app.main.os"}))
    assert loads[13] == ("os", frozenset({"<local>.os"}))
    assert loads[21] == ("path", frozenset({"<local>.path"}))
    assert loads[22] == ("path", frozenset({"<local>.path"}))
    assert loads[30] == ("sys", frozenset({"app.main.sys"}))
    assert not any(r.unbound for r in names.references)
