"""rename-import: a module or module attribute moved (and maybe got a new name); follow it everywhere.

Rewrites import statements where they stand (splitting, merging, keeping `as`
aliases), every usage that resolves to the old qualified name (attribute chains,
calls, annotations, bases, decorators, defaults, string annotations), `__all__`
entries of renamed bindings, dotted strings in mock.patch-like calls, and
whole-token occurrences in the text files a codemod lists. Names match
semantically (libcst qualified names), never as text.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ..discover import import_fragments
from ..focus import Focus
from ..names import DottedName, is_dotted_under
from ..types import BytesFilter, Finding, Option
from ..rewrite.rules import (
    ModuleFacts,
    RenameRule,
    all_prefixes,
    decode_rules,
    encode_rules,
    prefix_string,
    reexport_rules,
    relation,
    module_facts,
    rules_filter,
    rule_renames,
    rules_may_match,
)
from .base import Example, Kind, example_source, jsonable

if TYPE_CHECKING:
    # The part that needs libcst is imported when a file must be parsed: a `check` of files that mention no
    # old name never imports libcst (the spec, `prepare` and the prefilter do not need it).
    from ..bindings import FileContext
    from ..rewrite.edits import TransformResult
    from ..rewrite.references import ReferenceRewriter
    from ..repo import RepoContext
    from ..scan import FileScan, ImportUse
    from ..modules import ModuleInfo
    from ..rewrite.plain import PlainRewrite


class RenameImport(Kind):
    name = "rename-import"
    summary = "A module or symbol moved or was renamed: rewrite imports, usages, __all__ and dotted strings."
    options = (
        Option("old", "dotted", "the old module or symbol path (`pkg.mod`, `pkg.mod.Name`, `pkg.mod:Name`)", required=True),
        Option("new", "dotted", "the new path; `pkg.mod:Name` says where the module part ends", required=True),
        Option(
            "follow_reexports", "bool",
            "also rewrite callers that reach `old` through an unchanged re-export (`from pkg import Name`)",
            default=False,
        ),
        Option(
            "strings", "str",
            "which dotted strings to rewrite: `calls` (mock.patch-like targets and string annotations), "
            "`all` (any literal whose whole value is the name), `none`",
            default="calls", choices=("calls", "all", "none"),
        ),
        Option(
            "local_names", "str",
            "`follow`: bindings take the new name; `keep`: keep every local name (`import new as old`)",
            default="follow", choices=("follow", "keep"),
        ),
        Option(
            "text_files", "str-list",
            "gitignore-style patterns of non-Python files where whole-token occurrences of `old` are rewritten",
            default=(),
        ),
    )
    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        self.old: DottedName = self.values["old"]
        self.new: DottedName = self.values["new"]
        self.rules: tuple[RenameRule, ...] = (RenameRule(self.old, self.new),)
        self.moved_from: str | None = None
        self.facts = ModuleFacts()
        self.known_modules: frozenset[str] = frozenset()
        self.extra_candidates: frozenset[str] = frozenset()

    @classmethod
    def check(cls, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        errors = []
        old, new = values["old"], values["new"]
        if old.dotted == new.dotted:
            errors.append(("new", f"old and new are the same name ({old.dotted}): nothing to migrate"))
        if old.is_builtin:
            errors.append(("old", "a builtin cannot move"))
        return errors

    # -- repository level ----------------------------------------------------------

    def prepare(self, repo: RepoContext) -> list[Finding]:
        findings: list[Finding] = []
        if not self.new.is_builtin and not repo.importable(self.new):
            findings.append(
                self.spec_finding(
                    "new", "warning", "SSOT102",
                    f"{self.label}: {self.new.dotted} is neither a module of this repository nor importable in "
                    "this environment; edits are planned anyway (the gate will tell)",
                )
            )
        self.rules = (RenameRule(self.old, self.new),)
        if not self.old.is_builtin:
            rules = self.rules
            # Recorded with the facts it read (`recall`): a pre-commit run re-checks only the changed files.
            derived = repo.remember(
                "reexport-rules",
                {"kind": self.name, "values": jsonable(self.values)},
                lambda view: reexport_rules(
                    view, rules, follow=self.values["follow_reexports"],
                    transform=lambda ctx, rules: self._rewriter(ctx, rules).run(),
                ),
                encode=encode_rules,
                decode=decode_rules,
            )
            self.rules = tuple(sorted(self.rules + tuple(derived), key=lambda r: -len(r.old.parts)))
        self.facts = module_facts(repo, self.old, self.new)
        # A moved module's own relative imports: the files now living under `new`.
        if repo.modules.is_module(self.new.dotted) and not self.new.module_len:
            self.moved_from = self.old.dotted
            self.known_modules = frozenset(repo.modules.modules()) | frozenset(all_prefixes(repo.modules.modules()))
            self.extra_candidates = frozenset(
                path for path in repo.python_files
                if (info := repo.modules.info_for(path)) is not None and is_dotted_under(info.name, self.new.dotted)
            )
        if self.facts.home is not None:
            # Its own uses of the old name may have no import that names it (the prefilter looks for those).
            self.extra_candidates |= {self.facts.home.path}
        return findings

    def renames(self) -> tuple[tuple[str, str], ...]:
        return rule_renames(self.rules)

    def prepared_state(self) -> Any:
        return {
            "rules": [(str(r.old), str(r.new), r.report_only, str(r.string_target)) for r in self.rules],
            "moved_from": self.moved_from,
            "facts": jsonable(dataclasses.asdict(self.facts)),
            "modules": sorted(self.known_modules) if self.moved_from else None,
        }

    def triggers(self) -> tuple[str, ...]:
        return tuple(sorted({r.old.leaf for r in self.rules}))

    def prefilter(self) -> BytesFilter:
        """A file can only reach an old name through a fragment that names its last part: one
        that can import it (`import_fragments`), `"leaf"` (`patch.object(module, "leaf")`), or
        the bare name in a file with a star import."""
        return rules_filter(self.rules)

    def candidate_paths(self) -> frozenset[str]:
        return self.extra_candidates

    def confirm(self, scan: FileScan) -> bool:
        if scan.path in self.extra_candidates:
            return True  # a moved module's own relative imports are examined
        return rules_may_match(scan, self.rules, self.values["strings"])

    def focus(self, scan: FileScan) -> Focus | None:
        """Statements that can hold something this codemod rewrites: an import that can bind an
        old name (also inside a function), a star import, a usage of a local name whose usages
        change, an old name's last part after a dot, colon or quote (chains, dotted strings,
        `patch.object`), a string literal that is a start of an old name (the literal part of a
        concatenation that may build it); with changing usages also statements binding a part
        of the new name (collisions)."""
        if not scan.parsed or scan.path in self.extra_candidates:
            return None  # a moved module's own relative imports are all examined
        words = {"__all__"}
        names: set[str] = set()
        chained: set[str] = set()
        patterns: list[bytes] = [rb"import[ \t]*\*"]
        for rule in self.rules:
            chained |= {rule.old.leaf, *rule.new.parts}
            chained |= {
                use.local for use in scan.uses if use.local != "*" and relation(use, rule.old.dotted, scan.chains)
            }
            leaf = re.escape(rule.old.leaf.encode())
            patterns += [
                *import_fragments(rule.old.leaf),
                rb"[\"']" + leaf + rb"[\"']",
                prefix_string(rule.old.dotted),
                # A string whose whole value is a path under the old name (a setting, a plugin list).
                rb"[\"']" + re.escape(rule.old.dotted.encode()) + rb"[.:\"']",
            ]
            if "." not in rule.old.dotted:
                # `from old.mod import x` (also in a function): a top-level name has no dot before it.
                patterns.append(rb"from[\s\\]+" + leaf + rb"(?![A-Za-z0-9_])")
            changing = {
                use.local for use in scan.uses
                if use.local != "*" and relation(use, rule.old.dotted, scan.chains) and self._usages_change(use, rule, scan)
            }
            if changing:
                words |= changing
                names.update(rule.new.parts)
        return Focus(frozenset(words), frozenset(names), tuple(patterns), frozenset(chained))

    def settle(self, scan: FileScan, tree: ast.Module) -> list[Finding] | None:
        """The home module of a symbol that moves to another module, planned before the definition moved: when
        nothing in the file can reach an old path through an import, a dotted string or a literal that may start
        one, and the old name has exactly one binding in the whole file (an undecorated top-level `def` or
        `class`), the libcst path would report SSOT108 at that definition and edit nothing (`_rewrite_home`
        leaves the module's own uses as they are). A big module would pay libcst's parse and scope analysis of
        every statement that mentions the name for that one finding."""
        home = self.facts.home
        if (
            home is None or scan.path != home.path or home.new_module == home.module or self.moved_from
            or not scan.parsed or not scan.expressions
            or rules_may_match(scan, self.rules, self.values["strings"])
        ):
            return None
        definition = _sole_definition(tree, home.old)
        if definition is None or _may_start_a_path(tree, [r.old.dotted for r in self.rules]):
            return None
        return [self.finding(scan.path, definition.lineno, definition.col_offset + 1, "warning", "SSOT108",
                             home.still_defined(self.label))]

    def rewrite_plainly(self, data: bytes, tree: ast.Module, info: ModuleInfo, scan: FileScan) -> PlainRewrite | None:
        """Import statements and uses of a `from` import, from the `ast` (`rewrite/plain.py`): the plain shapes of
        a package move. Not for a moved module's own files (their relative imports may have broken), a symbol's
        home module, or `local_names = "keep"`."""
        if (
            self.facts.home is not None or self.values["local_names"] == "keep" or scan.path in self.extra_candidates
            or (self.moved_from and is_dotted_under(info.name, self.new.dotted))
        ):
            return None
        from ..rewrite.plain import plain_rename

        return plain_rename(
            data, tree, info, self.rules, self.facts, label=self.label, strings=self.values["strings"]
        )

    def _usages_change(self, use: ImportUse, rule: RenameRule, scan: FileScan) -> bool:
        """Whether usages of a binding related to `rule` can be rewritten (else only its import is).

        Mirrors `ReferenceRewriter`: a re-export that keeps working, a `from` import out of a
        moved module and a star import are handled at the import alone; `import old as x`
        keeps `x`; `from m import Old` keeps its local name when it has an `as`, under
        `local_names = "keep"`, or when the new name ends the same, unless the new name is a
        builtin or an attribute path, or the file already imports the new name.
        """
        old = rule.old.dotted
        if rule.report_only or use.local == "*":
            return False
        if use.from_module is not None and is_dotted_under(use.from_module, old):
            return False
        if not is_dotted_under(use.imported, old):
            return True  # a parent of the old name: usages that reach it change
        if rule.new.is_builtin:
            return True
        if use.from_module is None:
            return not use.aliased
        attribute = rule.new.split_for(1)[1]
        if len(attribute) != 1:
            return True
        keeps_name = use.aliased or self.values["local_names"] == "keep" or attribute[0] == use.local
        return not keeps_name or any(other.bound == rule.new.dotted for other in scan.uses)

    # -- per file --------------------------------------------------------------------

    def transform(self, ctx: FileContext) -> TransformResult | None:
        return self._rewriter(ctx, self.rules).run()

    def _rewriter(self, ctx: FileContext, rules: Iterable[RenameRule]) -> ReferenceRewriter:
        from ..rewrite.references import ReferenceRewriter

        return ReferenceRewriter(
            ctx, rules, codemod=self,
            strings=self.values["strings"],
            keep_names=self.values["local_names"] == "keep",
            moved=(self.moved_from, self.new.dotted) if self.moved_from else None,
            known_modules=self.known_modules,
            modules=self.facts,
        )

    def text_file_patterns(self) -> tuple[str, ...]:
        return tuple(self.values["text_files"])

    def transform_text(self, path: str, data: bytes) -> tuple[bytes, list[tuple[int, int]]]:
        from ..rewrite.strings import rewrite_text_tokens

        return rewrite_text_tokens(data, [r for r in self.rules if not r.report_only and r.via is None])


_BINDING_FIELDS = ("id", "name", "asname", "arg", "rest")


def _sole_definition(tree: ast.Module, name: str) -> ast.stmt | None:
    """The top-level undecorated `def`/`class` that is the only binding of `name` anywhere in the file (any
    scope, any kind: assignment, import, parameter, `global`, `except ... as`, a match capture, ...), or None.
    Every field that can hold a bound name counts, so this errs towards None."""
    found: list[ast.AST] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id == name and not isinstance(node.ctx, ast.Load):
                found.append(node)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            if name in node.names:
                found.append(node)
        elif isinstance(node, ast.alias):
            if (node.asname or node.name.partition(".")[0]) == name or node.name == "*":
                found.append(node)
        elif any(getattr(node, field, None) == name for field in _BINDING_FIELDS):
            found.append(node)
        if len(found) > 1:
            return None
    if len(found) != 1:
        return None
    (definition,) = found
    if (
        isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        and not definition.decorator_list and definition in tree.body
    ):
        return definition
    return None


def _may_start_a_path(tree: ast.Module, olds: list[str]) -> bool:
    """A string literal that is a start of an old path (the literal part of a concatenation that may build it)
    or names a path under it: the libcst path reports those."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value:
            value = node.value
            if any(old.startswith(value) or is_dotted_under(value.rstrip(".:"), old) for old in olds):
                return True
    return False


_MODULE_MOVE = {"old": "pkg.old", "new": "pkg.new"}
_MODULE_FILES = {"pkg/__init__.py": "", "pkg/new.py": "def f():\n    return 1\n"}
_SYMBOL_MOVE = {
    "old": "pkg.services.circuit_breaker.CircuitBreakerState",
    "new": "pkg.core.resilience:UnifiedCircuitBreakerState",
}
_SYMBOL_FILES = {
    "pkg/__init__.py": "",
    "pkg/services/__init__.py": "",
    "pkg/services/circuit_breaker.py": "class CircuitBreaker:\n    pass\n",
    "pkg/core/__init__.py": "",
    "pkg/core/resilience.py": "class UnifiedCircuitBreakerState:\n    pass\n\n\nclass UnifiedCircuitBreaker:\n    pass\n",
}


def _module_case(title: str, before: str, after: str | None, path: str = "app/main.py", **extra: Any) -> Example:
    files = {**_MODULE_FILES, "app/__init__.py": "", **extra.pop("files", {}), path: example_source(before)}
    files = {name: text for name, text in files.items() if text is not None}
    expected = {path: example_source(after)} if after is not None else {}
    expected.update(extra.pop("also", {}))
    return Example(title, {**_MODULE_MOVE, **extra.pop("options", {})}, files, expected, tuple(extra.pop("findings", ())))


def _symbol_case(title: str, before: str, after: str | None, path: str = "app/main.py", **extra: Any) -> Example:
    files = {**_SYMBOL_FILES, "app/__init__.py": "", **extra.pop("files", {}), path: example_source(before)}
    expected = {path: example_source(after)} if after is not None else {}
    expected.update(extra.pop("also", {}))
    return Example(title, {**_SYMBOL_MOVE, **extra.pop("options", {})}, files, expected, tuple(extra.pop("findings", ())))


RenameImport.examples = (
    # -- module moves ------------------------------------------------------------------
    _module_case(
        "import a.b: statement and attribute usages follow",
        """
        import pkg.old

        pkg.old.f()
        """,
        """
        import pkg.new

        pkg.new.f()
        """,
    ),
    _module_case(
        "import a.b as c: the alias is kept and usages stay",
        """
        import pkg.old as legacy

        legacy.f()
        """,
        """
        import pkg.new as legacy

        legacy.f()
        """,
    ),
    _module_case(
        "from a import b: the module bound as a name takes the new name",
        """
        from pkg import old

        old.f()
        """,
        """
        from pkg import new

        new.f()
        """,
    ),
    _module_case(
        "from a.b import x: only the module path changes",
        """
        from pkg.old import f

        f()
        """,
        """
        from pkg.new import f

        f()
        """,
    ),
    _module_case(
        "from a.b import x as y: alias kept",
        """
        from pkg.old import f as g

        g()
        """,
        """
        from pkg.new import f as g

        g()
        """,
    ),
    _module_case(
        "submodules move with their module",
        """
        import pkg.old.sub
        from pkg.old.sub.deep import thing

        pkg.old.sub.run(thing)
        """,
        """
        import pkg.new.sub
        from pkg.new.sub.deep import thing

        pkg.new.sub.run(thing)
        """,
        files={"pkg/new/__init__.py": "", "pkg/new/sub/__init__.py": "", "pkg/new/sub/deep.py": "thing = 1\n", "pkg/new.py": None},
    ),
    _module_case(
        "parenthesized multi-line import with comments and a trailing comma",
        """
        from pkg.old import (  # the old home
            f,  # first
            g,  # second
        )

        f(g)
        """,
        """
        from pkg.new import (  # the old home
            f,  # first
            g,  # second
        )

        f(g)
        """,
    ),
    _module_case(
        "imports inside functions are edited where they stand",
        """
        def handler():
            import pkg.old
            from pkg.old import f as helper

            return pkg.old.f(), helper()
        """,
        """
        def handler():
            import pkg.new
            from pkg.new import f as helper

            return pkg.new.f(), helper()
        """,
    ),
    _module_case(
        "imports under TYPE_CHECKING stay there",
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from pkg.old import f


        def use(callback: "f") -> None:
            pass
        """,
        """
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from pkg.new import f


        def use(callback: "f") -> None:
            pass
        """,
    ),
    _symbol_case(
        "a fallback binding keeps its name even when the new name is already imported",
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState

        try:
            from pkg.services.circuit_breaker import CircuitBreakerState
        except ImportError:
            CircuitBreakerState = UnifiedCircuitBreakerState
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState

        try:
            from pkg.core.resilience import UnifiedCircuitBreakerState as CircuitBreakerState
        except ImportError:
            CircuitBreakerState = UnifiedCircuitBreakerState
        """,
    ),
    _module_case(
        "try/except ImportError fallbacks: each branch is rewritten in place",
        """
        try:
            from pkg.old import f
        except ImportError:  # pragma: no cover
            from pkg.compat import f
        """,
        """
        try:
            from pkg.new import f
        except ImportError:  # pragma: no cover
            from pkg.compat import f
        """,
    ),
    _module_case(
        "relative import from the same package stays relative",
        """
        from .old import f
        from .other import unrelated
        """,
        """
        from .new import f
        from .other import unrelated
        """,
        path="pkg/feature.py",
        files={"pkg/other.py": "unrelated = 1\n"},
    ),
    _module_case(
        "relative import two levels up stays relative",
        """
        from ..old import f
        from .. import old

        old.f(f)
        """,
        """
        from ..new import f
        from .. import new

        new.f(f)
        """,
        path="pkg/sub/feature.py",
        files={"pkg/sub/__init__.py": ""},
    ),
    Example(
        "`import a.b` also bound `a`: when the root changes, `a` stays imported for its other uses",
        {"old": "legacy.old", "new": "pkg.new"},
        {**_MODULE_FILES, "legacy/__init__.py": "VERSION = 1\n", "app/__init__.py": "", "app/main.py": example_source(
            """
            import legacy.old

            legacy.old.f()
            legacy.VERSION
            """
        )},
        {"app/main.py": example_source(
            """
            import pkg.new
            import legacy

            pkg.new.f()
            legacy.VERSION
            """
        )},
    ),
    _module_case(
        "star import from a moved module: the path is rewritten",
        """
        from pkg.old import *
        """,
        """
        from pkg.new import *
        """,
    ),
    _module_case(
        "dotted strings in mock.patch, monkeypatch and importlib follow; prose does not",
        """
        import importlib
        from unittest import mock


        @mock.patch("pkg.old.f")
        def test_f(patched, monkeypatch):
            monkeypatch.setattr("pkg.old.f", lambda: 2)
            module = importlib.import_module("pkg.old")
            note = "pkg.old.f is documented in pkg.old"
            # pkg.old.f is the function
            return module, note
        """,
        """
        import importlib
        from unittest import mock


        @mock.patch("pkg.new.f")
        def test_f(patched, monkeypatch):
            monkeypatch.setattr("pkg.new.f", lambda: 2)
            module = importlib.import_module("pkg.new")
            note = "pkg.old.f is documented in pkg.old"
            # pkg.old.f is the function
            return module, note
        """,
    ),
    _module_case(
        "strings = 'all' also rewrites settings-style lists; 'name:attr' keeps its colon",
        """
        PLUGINS = ["pkg.old.f", "pkg.old:f", "pkg.older.f"]
        """,
        """
        PLUGINS = ["pkg.new.f", "pkg.new:f", "pkg.older.f"]
        """,
        options={"strings": "all"},
    ),
    _module_case(
        "strings = 'calls' (the default) leaves settings-style lists alone, with an info finding",
        """
        PLUGINS = ["pkg.old.f"]
        """,
        None,
        findings=("SSOT110",),
    ),
    _module_case(
        "strings = 'none' leaves even mock.patch targets alone",
        """
        from unittest import mock

        with mock.patch("pkg.old.f"):
            pass
        """,
        None,
        options={"strings": "none"},
    ),
    _module_case(
        "a concatenation that could build the old name is a finding, not an edit",
        """
        from unittest import mock

        with mock.patch("pkg.old" + ".f"):
            pass
        """,
        None,
        findings=("SSOT103",),
    ),
    _module_case(
        "an unrelated module with the same leaf name is untouched",
        """
        import other.old
        from vendor.pkg.old import f

        other.old.f(f)
        """,
        None,
    ),
    _module_case(
        "text files listed in text_files: whole-token occurrences only",
        """
        from pkg.old import f
        """,
        """
        from pkg.new import f
        """,
        options={"text_files": ["setup.cfg"]},
        files={"setup.cfg": "[options.entry_points]\nconsole_scripts =\n    tool = pkg.old:f\n    other = pkg.older:f\n"},
        also={"setup.cfg": "[options.entry_points]\nconsole_scripts =\n    tool = pkg.new:f\n    other = pkg.older:f\n"},
    ),
    _module_case(
        "a file with match and async syntax parses and is rewritten",
        """
        import pkg.old


        async def handle(event):
            match event:
                case {"kind": "ping"}:
                    return await pkg.old.f()
                case _:
                    return None
        """,
        """
        import pkg.new


        async def handle(event):
            match event:
                case {"kind": "ping"}:
                    return await pkg.new.f()
                case _:
                    return None
        """,
    ),
    # -- symbol moves with a rename ----------------------------------------------------
    _symbol_case(
        "symbol moved and renamed: import and every kind of usage",
        """
        import functools
        from pkg.services.circuit_breaker import CircuitBreakerState


        class Tracked(CircuitBreakerState):
            kind: type = CircuitBreakerState


        @functools.singledispatch
        def describe(state: CircuitBreakerState = CircuitBreakerState()) -> CircuitBreakerState:
            if isinstance(state, CircuitBreakerState):
                return state
            try:
                raise ValueError
            except (CircuitBreakerState, ValueError):
                return CircuitBreakerState()
        """,
        """
        import functools
        from pkg.core.resilience import UnifiedCircuitBreakerState


        class Tracked(UnifiedCircuitBreakerState):
            kind: type = UnifiedCircuitBreakerState


        @functools.singledispatch
        def describe(state: UnifiedCircuitBreakerState = UnifiedCircuitBreakerState()) -> UnifiedCircuitBreakerState:
            if isinstance(state, UnifiedCircuitBreakerState):
                return state
            try:
                raise ValueError
            except (UnifiedCircuitBreakerState, ValueError):
                return UnifiedCircuitBreakerState()
        """,
    ),
    _symbol_case(
        "an existing `as` alias for the moved symbol is kept",
        """
        from pkg.services.circuit_breaker import CircuitBreakerState as State

        State()
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState as State

        State()
        """,
    ),
    _symbol_case(
        "new name already bound in the module: keep the old local name with `as`",
        """
        from pkg.services.circuit_breaker import CircuitBreakerState

        UnifiedCircuitBreakerState = "something else"
        CircuitBreakerState()
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState as CircuitBreakerState

        UnifiedCircuitBreakerState = "something else"
        CircuitBreakerState()
        """,
    ),
    _symbol_case(
        "new name bound in a scope that holds a usage: keep the old local name",
        """
        from pkg.services.circuit_breaker import CircuitBreakerState


        def check(UnifiedCircuitBreakerState):
            return CircuitBreakerState, UnifiedCircuitBreakerState
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState as CircuitBreakerState


        def check(UnifiedCircuitBreakerState):
            return CircuitBreakerState, UnifiedCircuitBreakerState
        """,
    ),
    _symbol_case(
        "local_names = 'keep' keeps every local name",
        """
        from pkg.services.circuit_breaker import CircuitBreakerState

        CircuitBreakerState()
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState as CircuitBreakerState

        CircuitBreakerState()
        """,
        options={"local_names": "keep"},
    ),
    _symbol_case(
        "split: only the moved name leaves a multi-name import",
        """
        from pkg.services.circuit_breaker import CircuitBreaker, CircuitBreakerState

        CircuitBreaker(CircuitBreakerState())
        """,
        """
        from pkg.services.circuit_breaker import CircuitBreaker
        from pkg.core.resilience import UnifiedCircuitBreakerState

        CircuitBreaker(UnifiedCircuitBreakerState())
        """,
    ),
    _symbol_case(
        "split a parenthesized import: the other names and their comments stay",
        """
        from pkg.services.circuit_breaker import (
            CircuitBreaker,  # the breaker
            CircuitBreakerState,  # its state
        )

        CircuitBreaker(CircuitBreakerState())
        """,
        """
        from pkg.services.circuit_breaker import (
            CircuitBreaker,  # the breaker
            )
        from pkg.core.resilience import UnifiedCircuitBreakerState

        CircuitBreaker(UnifiedCircuitBreakerState())
        """,
    ),
    _symbol_case(
        "merge into an existing import of the new module",
        """
        from pkg.core.resilience import UnifiedCircuitBreaker
        from pkg.services.circuit_breaker import CircuitBreaker, CircuitBreakerState

        UnifiedCircuitBreaker(CircuitBreaker(), CircuitBreakerState())
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreaker, UnifiedCircuitBreakerState
        from pkg.services.circuit_breaker import CircuitBreaker

        UnifiedCircuitBreaker(CircuitBreaker(), UnifiedCircuitBreakerState())
        """,
    ),
    _symbol_case(
        "no duplicate import when the new name is already imported",
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState
        from pkg.services.circuit_breaker import CircuitBreakerState

        assert CircuitBreakerState is UnifiedCircuitBreakerState
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState

        assert UnifiedCircuitBreakerState is UnifiedCircuitBreakerState
        """,
    ),
    _symbol_case(
        "usage through `import a.b`: new import added, the old one removed once unused",
        """
        import pkg.services.circuit_breaker

        state = pkg.services.circuit_breaker.CircuitBreakerState()
        """,
        """
        import pkg.core.resilience

        state = pkg.core.resilience.UnifiedCircuitBreakerState()
        """,
    ),
    _symbol_case(
        "usage through `import a.b` of the old module: the new module joins that statement, the old one stays while "
        "something else uses it",
        """
        import pkg.services.circuit_breaker

        state = pkg.services.circuit_breaker.CircuitBreakerState()
        breaker = pkg.services.circuit_breaker.CircuitBreaker()
        """,
        """
        import pkg.services.circuit_breaker, pkg.core.resilience

        state = pkg.core.resilience.UnifiedCircuitBreakerState()
        breaker = pkg.services.circuit_breaker.CircuitBreaker()
        """,
    ),
    _symbol_case(
        "an alias of a parent module: `bar.qux` becomes the new path, the alias stays while used",
        """
        from pkg.services import circuit_breaker as cb

        cb.CircuitBreaker(cb.CircuitBreakerState())
        """,
        """
        from pkg.services import circuit_breaker as cb
        from pkg.core.resilience import UnifiedCircuitBreakerState

        cb.CircuitBreaker(UnifiedCircuitBreakerState())
        """,
    ),
    _symbol_case(
        "without a colon in `new` its last part is the leaf imported: never `from pkg.core import resilience`, "
        "which would rename a module the spec did not ask to",
        """
        from pkg.services import circuit_breaker as cb

        cb.CircuitBreaker(cb.CircuitBreakerState())
        """,
        """
        from pkg.services import circuit_breaker as cb
        from pkg.core.resilience import UnifiedCircuitBreakerState

        cb.CircuitBreaker(UnifiedCircuitBreakerState())
        """,
        options={"new": "pkg.core.resilience.UnifiedCircuitBreakerState"},
    ),
    _symbol_case(
        "an alias of a parent module used only for the moved name goes away",
        """
        import pkg.services.circuit_breaker as cb

        cb.CircuitBreakerState()
        """,
        """
        import pkg.core.resilience

        pkg.core.resilience.UnifiedCircuitBreakerState()
        """,
    ),
    _symbol_case(
        "string annotations, also inside subscripts and typing.cast",
        """
        from typing import Optional, cast

        from pkg.services.circuit_breaker import CircuitBreakerState


        def load(raw: object) -> "Optional[CircuitBreakerState]":
            return cast("CircuitBreakerState", raw)
        """,
        """
        from typing import Optional, cast

        from pkg.core.resilience import UnifiedCircuitBreakerState


        def load(raw: object) -> "Optional[UnifiedCircuitBreakerState]":
            return cast("UnifiedCircuitBreakerState", raw)
        """,
    ),
    _symbol_case(
        "patch.object(module, 'Name') follows both the module and the name",
        """
        from unittest import mock

        from pkg.services import circuit_breaker


        @mock.patch.object(circuit_breaker, "CircuitBreakerState")
        def test_state(patched):
            return circuit_breaker.CircuitBreaker
        """,
        """
        from unittest import mock

        from pkg.services import circuit_breaker
        from pkg.core import resilience


        @mock.patch.object(resilience, "UnifiedCircuitBreakerState")
        def test_state(patched):
            return circuit_breaker.CircuitBreaker
        """,
    ),
    _symbol_case(
        "shadowing: parameters and locals with the old name are not the import",
        """
        from pkg.services.circuit_breaker import CircuitBreakerState


        def f(CircuitBreakerState):
            return CircuitBreakerState


        def g():
            CircuitBreakerState = 1
            return CircuitBreakerState


        CircuitBreakerState()
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState


        def f(CircuitBreakerState):
            return CircuitBreakerState


        def g():
            CircuitBreakerState = 1
            return CircuitBreakerState


        UnifiedCircuitBreakerState()
        """,
    ),
    _symbol_case(
        "attributes of unrelated objects, comments and prose are untouched",
        """
        # CircuitBreakerState lives in pkg.services.circuit_breaker
        class Holder:
            CircuitBreakerState = None

            def use(self, obj):
                return self.CircuitBreakerState, obj.circuit_breaker.CircuitBreakerState


        DOC = "pkg.services.circuit_breaker.CircuitBreakerState was renamed"
        """,
        None,
    ),
    _symbol_case(
        "star import of the old module where the symbol moved: a finding",
        """
        from pkg.services.circuit_breaker import *

        CircuitBreakerState()
        """,
        None,
        findings=("SSOT101",),
    ),
    _symbol_case(
        "__all__ entries of a re-exporting module follow their binding; callers through it follow too",
        """
        from .services.circuit_breaker import CircuitBreakerState

        __all__ = ["CircuitBreakerState"]
        """,
        """
        from .core.resilience import UnifiedCircuitBreakerState

        __all__ = ["UnifiedCircuitBreakerState"]
        """,
        path="pkg/__init__.py",
        files={"app/use.py": "from pkg import CircuitBreakerState\n\nCircuitBreakerState()\n"},
        also={"app/use.py": "from pkg import UnifiedCircuitBreakerState\n\nUnifiedCircuitBreakerState()\n"},
    ),
    _symbol_case(
        "a mock.patch target through a module whose import of the old name is renamed follows that binding",
        """
        from pkg.services.circuit_breaker import CircuitBreakerState


        def state():
            return CircuitBreakerState()
        """,
        """
        from pkg.core.resilience import UnifiedCircuitBreakerState


        def state():
            return UnifiedCircuitBreakerState()
        """,
        files={"tests/test_main.py": "from unittest import mock\n\n\n@mock.patch('app.main.CircuitBreakerState')\ndef test_state(patched):\n    pass\n"},
        also={"tests/test_main.py": "from unittest import mock\n\n\n@mock.patch('app.main.UnifiedCircuitBreakerState')\ndef test_state(patched):\n    pass\n"},
    ),
    Example(
        "__all__: an entry whose binding now has a name already listed goes instead of repeating it",
        {"old": "pkg.old.helper", "new": "pkg.new:f"},
        {**_MODULE_FILES, "pkg/api.py": example_source(
            """
            from .new import f
            from .old import helper

            __all__ = ["f", "helper"]
            """
        )},
        {"pkg/api.py": example_source(
            """
            from .new import f

            __all__ = ["f"]
            """
        )},
    ),
    _module_case(
        "an unchanged re-export keeps working: its callers get an info finding",
        """
        from .old import f

        __all__ = ["f"]
        """,
        """
        from .new import f

        __all__ = ["f"]
        """,
        path="pkg/api.py",
        files={"app/use.py": "from pkg.api import f\n\nf()\n"},
        findings=("SSOT104",),
    ),
    _module_case(
        "follow_reexports = true: callers of an unchanged re-export import the new path directly; a mock.patch "
        "target there still names where the function is looked up",
        """
        from .old import f
        """,
        """
        from .new import f
        """,
        path="pkg/api.py",
        options={"old": "pkg.old.f", "new": "pkg.new.f", "follow_reexports": True},
        files={
            "app/use.py": "from pkg.api import f\n\nf()\n",
            "tests/test_api.py": "from unittest import mock\n\n\n@mock.patch('pkg.api.f')\ndef test_f(patched):\n    pass\n",
        },
        also={"app/use.py": "from pkg.new import f\n\nf()\n"},
    ),
    Example(
        "typing.List -> builtins.list: usages become the bare builtin, the import goes",
        {"old": "typing.List", "new": "builtins.list"},
        {"app/__init__.py": "", "app/main.py": example_source(
            """
            import typing
            from typing import Dict, List


            def f(x: List[int], y: typing.List[str]) -> Dict[str, int]:
                return {}
            """
        )},
        {"app/main.py": example_source(
            """
            from typing import Dict


            def f(x: list[int], y: list[str]) -> Dict[str, int]:
                return {}
            """
        )},
    ),
    Example(
        "a moved module's own relative imports that broke are rewritten to what they meant",
        {"old": "pkg.legacy.bridge", "new": "pkg.services.bridge"},
        {
            "pkg/__init__.py": "",
            "pkg/legacy/__init__.py": "",
            "pkg/legacy/helpers.py": "def helper():\n    return 1\n",
            "pkg/services/__init__.py": "",
            "pkg/services/bridge.py": "from .helpers import helper\nfrom . import registry\n",
            "pkg/services/registry.py": "",
        },
        {"pkg/services/bridge.py": "from pkg.legacy.helpers import helper\nfrom . import registry\n"},
        ("SSOT107",),
    ),
    Example(
        "`from pkg import mod` where the module became top level: only `import` can name it",
        {"old": "compat.moves.queue", "new": "queue:"},
        {"compat/__init__.py": "", "compat/moves/__init__.py": "", "app/__init__.py": "", "app/main.py": example_source(
            """
            from compat.moves import queue, sentinel
            from compat.moves import queue as q

            queue.Queue(), q.LifoQueue(), sentinel
            """
        )},
        {"app/main.py": example_source(
            """
            from compat.moves import sentinel
            import queue
            import queue as q

            queue.Queue(), q.LifoQueue(), sentinel
            """
        )},
    ),
    Example(
        "`from pkg import mod` to a dotted module: `import a.b` when free, `import a.b as mod` when `a` is taken",
        {"old": "compat.moves.http_client", "new": "http.client:"},
        {"compat/__init__.py": "", "compat/moves/__init__.py": "", "app/__init__.py": "",
         "app/free.py": example_source(
            """
            from compat.moves import http_client

            http_client.HTTPConnection
            """
        ), "app/taken.py": example_source(
            """
            def http():
                pass


            from compat.moves import http_client

            http_client.HTTPConnection
            """
        )},
        {"app/free.py": example_source(
            """
            import http.client

            http.client.HTTPConnection
            """
        ), "app/taken.py": example_source(
            """
            def http():
                pass


            import http.client as http_client

            http_client.HTTPConnection
            """
        )},
    ),
    Example(
        "the module that re-exports the old name as the new path keeps its import (it must not import itself)",
        {"old": "pkg.unified_manager.Manager", "new": "pkg.websocket_manager:Manager"},
        {
            "pkg/__init__.py": "",
            "pkg/unified_manager.py": "class Manager:\n    pass\n",
            "pkg/websocket_manager.py": "from .unified_manager import Manager\n\n__all__ = [\"Manager\"]\n",
            "app.py": "from pkg.unified_manager import Manager\n\nManager()\n",
        },
        {"app.py": "from pkg.websocket_manager import Manager\n\nManager()\n"},
    ),
)
