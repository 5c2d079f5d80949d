"""Every reference to an old name in one file, rewritten with rename-import semantics: import statements
where they stand, usages, string annotations and targets, `__all__` entries, a moved module's own imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

import libcst as cst
from libcst.metadata import BuiltinAssignment, ImportAssignment, Scope

from ..bindings import FileContext, ImportBinding, dotted_of, expression_for, string_value, walk
from ..modules import ModuleInfo, absolute_module
from ..names import DottedName, is_dotted_under
from ..types import Finding
from .edits import Codemod, ImportEdits, TransformResult
from .rules import HomeRename, ModuleFacts, RenameRule, match_rule
from .dotted import dotted_string_note
from .strings import CallStringFinder, literal_prefix, names_in_text, rewrite_dotted_string, rewritten_literal

@dataclass
class _BindingPlan:
    """How one matched import binding changes, and what usages of the old name become."""

    binding: ImportBinding
    rule: RenameRule
    relation: str  # moved | parent
    parents: list[RenameRule] = field(default_factory=list)
    local_after: str | None = None
    expression_rest: tuple[str, ...] = ()
    new_dotted: str | None = None
    # The qualified name the rewritten `from` import binds under its own name, if it does.
    imported_as: str | None = None


class ReferenceRewriter:
    """Rewrites every reference to the old names of `rules` in one file, with rename-import semantics.

    Other kinds reuse it (collapse-class): build it, `collect()`, add their own
    edits to `.edits`, then `result()` applies everything in one pass.
    `moved` is (old module, new module) when a whole module moved, so its own
    broken relative imports get fixed; `known_modules` lists the repo's modules; `modules`
    says which old paths are modules and where the old name is defined (`ModuleFacts`).
    With `rewrite_imports=False` import bindings and the usages they bind are left
    to the caller (which places imports itself); dotted strings are still rewritten.
    """

    def __init__(
        self,
        ctx: FileContext,
        rules: Iterable[RenameRule],
        *,
        codemod: Codemod,
        strings: str = "calls",
        keep_names: bool = False,
        moved: tuple[str, str] | None = None,
        known_modules: frozenset[str] = frozenset(),
        rewrite_imports: bool = True,
        modules: ModuleFacts | None = None,
    ) -> None:
        self.kind = codemod
        self.rewrite_imports = rewrite_imports
        self.ctx = ctx
        self.rules = tuple(sorted(rules, key=lambda r: -len(r.old.parts)))
        self.strings = strings
        self.keep_names = keep_names
        self.moved = moved
        self.known_modules = known_modules
        self.modules = modules or ModuleFacts()
        self.edits = ImportEdits(ctx)
        self.positions: list[tuple[int, int]] = []
        self.findings: list[Finding] = []
        self.exports: dict[str, str] = {}
        self.renames: list[tuple[str, str]] = []
        self.global_renames: dict[str, str] = {}
        self.plans: list[_BindingPlan] = []
        self.plan_of: dict[int, _BindingPlan] = {}
        self.statements_done: set[int] = set()
        self.rewritten_access: dict[int, int] = {}
        self.rewritten_nodes: set[int] = set()
        self._patch_targets: set[int] = set()

    # -- driver ------------------------------------------------------------------------

    def run(self) -> TransformResult | None:
        self.collect()
        return self.result()

    def collect(self) -> None:
        if self.moved is not None:
            # First: a moved module's relative imports mean what they meant at the old place, whatever the rules
            # make of what they would mean from the new one (`..toc` may now name the old path itself).
            self._fix_moved_relative_imports()
        for binding in self.ctx.imports if self.rewrite_imports else ():
            self._plan_binding(binding)
        for plan in self.plans:
            self._rewrite_usages(plan)
        if self.strings != "none":
            self._rewrite_string_annotations()
            self._rewrite_call_strings()
        home = self.modules.home
        if home is not None and home.module == self.ctx.info.name:
            self._rewrite_home(home)
        self._rewrite_dunder_all()

    def result(self) -> TransformResult | None:
        if self.edits.is_empty:
            return TransformResult(self.ctx.module, [], self.findings) if self.findings else None
        module = self.edits.apply()
        return TransformResult(
            module, sorted(set(self.positions)), self.findings, self.exports, tuple(self.renames),
            tuple(self.edits.released),
        )

    def _edit_at(self, node: cst.CSTNode) -> None:
        self.positions.append(self.ctx.position(node))

    def _finding(self, node: cst.CSTNode, severity: str, code: str, message: str) -> None:
        line, col = self.ctx.position(node)
        self.findings.append(self.kind.finding(self.ctx.path, line, col, severity, code, message))  # type: ignore[arg-type]

    # -- matching ------------------------------------------------------------------------

    def _match(self, binding: ImportBinding) -> tuple[RenameRule | None, str, list[RenameRule]]:
        return match_rule(
            self.rules, self.modules.shadowed, from_module=binding.from_module if binding.is_from else None,
            is_star=binding.is_star, imported=binding.imported, bound=binding.bound,
        )

    def _plan_binding(self, binding: ImportBinding) -> None:
        rule, relation, parents = self._match(binding)
        if rule is None:
            return
        if rule.report_only:
            if relation in ("moved", "module") and binding.alias is not None:
                self._finding(
                    binding.alias, "info", "SSOT104",
                    f"{self.kind.label}: {binding.imported} is a re-export in {rule.via} that keeps working; left as is "
                    f"(set follow_reexports = true to import {rule.new.dotted} directly)",
                )
            return
        if relation == "star-symbol":
            self._finding(
                binding.statement, "warning", "SSOT101",
                f"{self.kind.label}: `from {binding.from_module} import *` may bring in {rule.old.dotted}, which moved to "
                f"{rule.new.dotted}; import it explicitly",
            )
            return
        if relation == "module":
            self._rewrite_from_module(binding, rule)
            return
        plan = _BindingPlan(binding, rule, relation, parents)
        if relation == "moved":
            ok = self._plan_moved_from(plan) if binding.is_from else self._plan_moved_import(plan)
            if not ok:
                return
        self.plans.append(plan)
        self.plan_of[id(binding)] = plan

    # -- import statements ---------------------------------------------------------------

    def _rewrite_from_module(self, binding: ImportBinding, rule: RenameRule) -> None:
        statement = binding.statement
        assert isinstance(statement, cst.ImportFrom) and binding.from_module is not None
        if id(statement) in self.statements_done:
            return
        self.statements_done.add(id(statement))
        module_parts, attr_parts = rule.new.split_for(0)
        if attr_parts:
            self._finding(
                statement, "error", "SSOT105",
                f"{self.kind.label}: `from {binding.from_module} import ...` imports from a module that became "
                f"{rule.new}, which is not a module; rewrite this import by hand",
            )
            return
        new_module = ".".join(module_parts) + binding.from_module[len(rule.old.dotted) :]
        if new_module == self.ctx.info.name and binding.from_module in self.modules.present:
            return  # the new module re-exporting from the old one, which still exists: importing itself would break it
        self.edits.set_from_module(statement, new_module, keep_relative=True)
        self._edit_at(statement.module if statement.module is not None else statement)

    def _plan_moved_from(self, plan: _BindingPlan) -> bool:
        binding, rule = plan.binding, plan.rule
        assert isinstance(binding.statement, cst.ImportFrom) and binding.alias is not None
        if rule.new.is_builtin:
            return self._plan_builtin(plan)
        module_parts, attr_parts = rule.new.split_for(1)
        new_module = ".".join(module_parts)
        if new_module == self.ctx.info.name and not self.modules.is_module(binding.imported):
            # This module is where the new name lives (usually by re-exporting the old one): it must not import itself
            # (a package importing its own submodule, `from pkg import new`, is fine).
            return False
        if not attr_parts:
            return self._plan_from_to_top_level_module(plan, new_module)
        import_name, rest = attr_parts[0], attr_parts[1:]
        # A name bound more than once (a try/except ImportError fallback) keeps its binding: it cannot be dropped.
        bound_once = len(binding.scope.assignments[binding.local_name]) == len(binding.assignments)
        existing = self._existing_binding(binding.scope, f"{new_module}.{import_name}", exclude=binding)
        if existing is not None and not binding.has_asname and existing.scope is binding.scope and bound_once:
            # Already imported under some name: drop this alias and use that one.
            plan.local_after = existing.local_name
            plan.expression_rest = tuple(rest)
            self.edits.remove_alias(binding.alias)
            self._edit_at(binding.alias)
            self._note_rename(binding, plan.local_after, rest)
            return True
        shared = self._planned_import(binding, f"{new_module}.{import_name}")
        if shared is not None and not binding.has_asname and not self.keep_names and bound_once:
            # Another old name in this block already becomes this import (collapse-class): share it.
            plan.local_after = shared
            plan.expression_rest = tuple(rest)
            self.edits.remove_alias(binding.alias)
            self._edit_at(binding.alias)
            self._note_rename(binding, shared, rest)
            return True
        # `from m import X as X` is an explicit re-export (PEP 484), not an alias: it takes the new name.
        explicit = binding.has_asname and binding.local_name == binding.imported.rpartition(".")[2]
        if (binding.has_asname and not explicit) or self.keep_names or rest:
            local = binding.local_name
        elif self._collides(import_name, binding, f"{new_module}.{import_name}"):
            local = binding.local_name
        else:
            local = import_name
        module_name = binding.from_module
        plan.local_after = local
        plan.expression_rest = tuple(rest)
        plan.imported_as = f"{new_module}.{import_name}" if local == import_name else None
        new_alias = cst.ImportAlias(
            name=cst.Name(import_name),
            asname=cst.AsName(name=cst.Name(local)) if local != import_name or explicit else None,
        )
        statement = binding.statement
        if rest:
            # `from m import A` where the old name is now `A.B`: import A under the old local name
            # is not possible; usages become `A.B` through an import of A.
            local = import_name
            plan.local_after = import_name
            new_alias = cst.ImportAlias(name=cst.Name(import_name))
            if self._collides(import_name, binding, f"{new_module}.{import_name}"):
                self._finding(
                    binding.alias, "error", "SSOT106",
                    f"{self.kind.label}: cannot import {new_module}.{import_name} here: {import_name!r} is already bound",
                )
                return False
        if new_module == module_name:
            self.edits.replace_alias(binding.alias, new_alias)
        elif isinstance(statement.names, (list, tuple)) and len(statement.names) == 1 and id(statement) not in self.statements_done:
            self.statements_done.add(id(statement))
            self.edits.set_from_module(statement, new_module, keep_relative=True)
            self.edits.replace_alias(binding.alias, new_alias)
        else:
            self.edits.remove_alias(binding.alias)
            self.edits.add_from_import(
                binding, new_module, import_name, local if local != import_name or explicit else None
            )
        self._edit_at(binding.alias)
        self._note_rename(binding, local, rest)
        return True

    def _plan_from_to_top_level_module(self, plan: _BindingPlan, new_module: str) -> bool:
        """`from pkg import old_mod` where the new module is top level (`queue`): only `import` can name it."""
        binding = plan.binding
        assert binding.alias is not None
        plan.expression_rest = ()
        existing = self._existing_binding(binding.scope, new_module, exclude=binding)
        if existing is not None and not binding.has_asname and existing.scope is binding.scope:
            plan.local_after = existing.local_name
            self.edits.remove_alias(binding.alias)
            self._edit_at(binding.alias)
            self._note_rename(binding, plan.local_after, ())
            return True
        local = binding.local_name
        root = new_module.split(".")[0]
        if not (binding.has_asname or self.keep_names) and not self._collides(root, binding, root, allow_import_of=root):
            local = new_module
        plan.local_after = local
        self.edits.remove_alias(binding.alias)
        self.edits.add_import(binding, new_module, local if local != new_module else None, beside=_alone(binding))
        self._edit_at(binding.alias)
        self._note_rename(binding, local, ())
        return True

    def _planned_import(self, binding: ImportBinding, fqn: str) -> str | None:
        """The local name of an import of `fqn` already planned in the same block as `binding`."""
        block = self.ctx.parents.get(binding.line)
        for plan in self.plans:
            if plan.imported_as == fqn and self.ctx.parents.get(plan.binding.line) is block:
                return plan.local_after
        return None

    def _plan_builtin(self, plan: _BindingPlan) -> bool:
        binding = plan.binding
        assert binding.alias is not None
        name = plan.rule.new.leaf
        if self._collides(name, binding, plan.rule.new.dotted):
            self._finding(
                binding.alias, "error", "SSOT106",
                f"{self.kind.label}: cannot use the builtin {name!r} here: the name is bound locally",
            )
            return False
        plan.local_after = name
        self.edits.remove_alias(binding.alias)
        self._edit_at(binding.alias)
        self._note_rename(binding, name, ())
        return True

    def _note_rename(self, binding: ImportBinding, local: str, rest: Iterable[str]) -> None:
        new_text = ".".join([local, *rest])
        if binding.is_module_level and new_text != binding.local_name:
            self.global_renames[binding.local_name] = new_text
            self.exports[binding.local_name] = new_text

    def _plan_moved_import(self, plan: _BindingPlan) -> bool:
        binding, rule = plan.binding, plan.rule
        alias = binding.alias
        assert alias is not None
        rest = binding.imported[len(rule.old.dotted) :]
        if rule.new.is_builtin:
            return self._plan_builtin(plan) if not rest else False
        module_parts, attr_parts = rule.new.split_for(0)
        new_module = ".".join(module_parts)
        if attr_parts and rest:
            self._finding(
                alias, "error", "SSOT105",
                f"{self.kind.label}: `import {binding.imported}` names a submodule of {rule.old.dotted}, which became "
                f"{rule.new}, not a module; rewrite this import by hand",
            )
            return False
        if binding.has_asname:
            if attr_parts:
                if len(attr_parts) > 1:
                    self._finding(
                        alias, "error", "SSOT105",
                        f"{self.kind.label}: `import {binding.imported} as {binding.local_name}` cannot name {rule.new}",
                    )
                    return False
                self._replace_with_from(binding, new_module, attr_parts[0], binding.local_name)
            else:
                self.edits.replace_alias(alias, alias.with_changes(name=expression_for(new_module + rest)))
            self._edit_at(alias)
            plan.new_dotted = None
            return True
        new_root = new_module.split(".")[0]
        old_root = binding.local_name
        if new_root != old_root and self._collides(new_root, binding, new_root):
            self._finding(
                alias, "error", "SSOT106",
                f"{self.kind.label}: cannot `import {new_module}` here: {new_root!r} is already bound to something else",
            )
            return False
        self.edits.replace_alias(alias, alias.with_changes(name=expression_for(new_module + (rest if not attr_parts else ""))))
        self._edit_at(alias)
        plan.new_dotted = ".".join([*module_parts, *attr_parts])
        if new_root != old_root:
            # `import a.b` also bound `a`, which other uses may need: `import a` stays for them, and goes in the
            # import pass when nothing uses it (the moved module itself can no longer be imported).
            self.edits.add_import(binding, old_root, beside=True)
            self.edits.release_name(binding, old_root, old_root)
        return True

    def _replace_with_from(self, binding: ImportBinding, module: str, name: str, asname: str) -> None:
        assert binding.alias is not None
        self.edits.remove_alias(binding.alias)
        self.edits.add_from_import(binding, module, name, asname if asname != name else None, beside=_alone(binding))

    # -- usages -------------------------------------------------------------------------

    def _rewrite_usages(self, plan: _BindingPlan) -> None:
        binding = plan.binding
        rules = plan.parents if plan.relation == "parent" else [plan.rule]
        found = []
        for access in binding.accesses():
            node = access.node
            if not isinstance(node, (cst.Name, cst.Attribute)):
                continue  # string annotations are handled with all bindings at once
            target = self._target_in_chain(node, rules)
            if target is not None:
                found.append((access, *target))
        # An old path that this file assigns to (`a.hook = f`, a monkeypatch) stays a module attribute everywhere
        # in the file: a name imported from the module would neither patch it nor see the patch.
        assigned = {}
        for _, chain_node, rule in found:
            if self._is_assigned(chain_node):
                assigned.setdefault(rule.old.dotted, chain_node)
        stored = set(assigned)
        staying = {path for path, node in assigned.items() if self._patch_stays(path, node)}
        for access, chain_node, rule in found:
            if rule.old.dotted in staying:
                continue
            if id(chain_node) in self.rewritten_nodes:
                # `import a, a.b` both bind `a`: a use is rewritten once, through the first binding that reaches it.
                self.rewritten_access[id(access)] = 1
                continue
            self.rewritten_nodes.add(id(chain_node))
            scope = self.ctx.scope_of(chain_node) or binding.scope
            replacement = self._replacement_for(plan, rule, scope, chain_node, as_attribute=rule.old.dotted in stored)
            if replacement is None:
                continue
            if replacement != self.ctx.code(chain_node):
                self.edits.replace_node(chain_node, expression_for(replacement))
                self._edit_at(chain_node)
            self.rewritten_access[id(access)] = 1
            if plan.relation == "parent":
                self.edits.release(binding)

    def _target_in_chain(self, node: cst.CSTNode, rules: list[RenameRule]) -> tuple[cst.BaseExpression, RenameRule] | None:
        """The node of a usage's attribute chain that names an old path, and its rule (not a submodule that
        its package's attribute of the same name hides: `pkg.widget` is then that attribute)."""
        for chain_node in self.ctx.chain_from(node):
            names = self.ctx.qualified_names(chain_node)
            for rule in rules:
                if rule.old.dotted in names:
                    if rule.old.dotted in self.modules.shadowed:
                        return None
                    return chain_node, rule
        return None

    def _is_assigned(self, node: cst.CSTNode) -> bool:
        """Whether a Name/Attribute is the target of an assignment or `del` (not only read)."""
        parent = self.ctx.parents.get(node)
        if isinstance(parent, (cst.AssignTarget, cst.Del)):
            return True
        if isinstance(parent, (cst.AugAssign, cst.AnnAssign)):
            return parent.target is node
        if isinstance(parent, (cst.Element, cst.StarredElement)):
            container = self.ctx.parents.get(parent)
            return container is not None and self._is_assigned(container)
        return False

    def _replacement_for(
        self, plan: _BindingPlan, rule: RenameRule, scope: Scope, anchor_node: cst.CSTNode, *, as_attribute: bool = False
    ) -> str | None:
        """The dotted expression the old name becomes at a usage (None: leave it)."""
        if plan.relation == "moved":
            if plan.local_after is not None:
                return ".".join([plan.local_after, *plan.expression_rest])
            if plan.new_dotted is not None:
                return plan.new_dotted
            return None
        if rule.report_only:
            return None
        return self._new_reference(plan.binding, rule, scope, anchor_node, as_attribute=as_attribute)

    def _new_reference(
        self, binding: ImportBinding, rule: RenameRule, scope: Scope, anchor_node: cst.CSTNode, *, as_attribute: bool = False
    ) -> str | None:
        """An expression for `rule.new` at a usage reached through a binding of a parent of `rule.old`, adding the
        import it needs, in libcst RenameCommand's shapes: through `import old_module` itself, the new module is
        imported in that statement (`import a, z`) and the usage is the full new path; anywhere else the new
        leaf is imported directly (`from z import c` + `c`). An attribute assigned to stays an attribute of the
        new module."""
        new = rule.new
        if new.is_builtin:
            if self._collides(new.leaf, binding, new.dotted, scope=scope):
                self._finding(anchor_node, "error", "SSOT106", f"{self.kind.label}: the builtin {new.leaf!r} is shadowed here")
                return None
            return new.leaf
        existing = self._existing_binding(scope, new.dotted, exclude=None)
        if existing is not None and not as_attribute:
            return existing.local_name
        module_parts, leaf_parts = import_split(new)
        module = ".".join(module_parts)
        old_module = rule.old.dotted.rpartition(".")[0] if leaf_parts else rule.old.dotted
        if leaf_parts and not binding.is_from and binding.imported == old_module:
            if module == old_module:
                return new.dotted  # the same module, through the same import (`logging.warn` -> `logging.warning`)
            if self._module_provider(scope, module) is None:
                if not self._importable_root(module, binding, scope, anchor_node):
                    return None
                self.edits.append_import(binding, module)
            return new.dotted
        if as_attribute or not leaf_parts:
            return self._through_module(binding, module if leaf_parts else new.dotted, leaf_parts, scope, anchor_node)
        head = leaf_parts[0]
        existing = self._existing_binding(scope, f"{module}.{head}", exclude=None)
        if existing is not None:
            return ".".join([existing.local_name, *leaf_parts[1:]])
        if not self._collides(head, binding, f"{module}.{head}", scope=scope):
            self.edits.add_from_import(binding, module, head)
            return ".".join(leaf_parts)
        return self._through_module(binding, module, leaf_parts, scope, anchor_node)

    def _through_module(
        self, binding: ImportBinding, module: str, rest: tuple[str, ...], scope: Scope, anchor_node: cst.CSTNode
    ) -> str | None:
        """`module.rest...` through a binding of `module` that exists, or a new `import module`."""
        provider = self._module_provider(scope, module)
        if provider is not None:
            return ".".join([provider, *rest])
        if not self._importable_root(module, binding, scope, anchor_node):
            return None
        self.edits.add_import(binding, module)
        return ".".join([module, *rest])

    def _importable_root(self, module: str, binding: ImportBinding, scope: Scope, anchor_node: cst.CSTNode) -> bool:
        root = module.split(".")[0]
        if self._collides(root, binding, root, scope=scope, allow_import_of=root):
            self._finding(
                anchor_node, "error", "SSOT106",
                f"{self.kind.label}: cannot import {module} here: {root!r} is already bound to something else",
            )
            return False
        return True

    def _module_provider(self, scope: Scope, module: str) -> str | None:
        """A name already visible in `scope` that holds `module` (`import module`, `from pkg import mod`)."""
        for candidate in self.ctx.imports:
            if candidate.is_star or candidate.alias is None:
                continue
            if candidate.scope not in self.ctx.enclosing_scopes(scope):
                continue
            if id(candidate) in self.plan_of and self.plan_of[id(candidate)].relation == "moved":
                continue
            if not candidate.is_from and not candidate.has_asname and is_dotted_under(candidate.imported, module):
                return module
            if candidate.bound == module:
                return candidate.local_name
        return None

    def _existing_binding(self, scope: Scope, fqn: str, exclude: ImportBinding | None) -> ImportBinding | None:
        visible = self.ctx.enclosing_scopes(scope)
        for candidate in self.ctx.imports:
            if candidate is exclude or candidate.is_star or candidate.alias is None:
                continue
            if candidate.bound == fqn and candidate.scope in visible:
                if id(candidate) in self.plan_of:
                    continue
                return candidate
        return None

    def _collides(
        self,
        name: str,
        binding: ImportBinding,
        target_fqn: str,
        *,
        scope: Scope | None = None,
        allow_import_of: str | None = None,
    ) -> bool:
        """Whether binding `name` would clash: bound in the global scope, or in a scope that holds a usage."""
        scopes: list[Scope] = [self.ctx.global_scope, binding.scope]
        if scope is not None:
            scopes.extend(self.ctx.enclosing_scopes(scope))
        else:
            for access in binding.accesses():
                usage_scope = access.scope
                scopes.extend(self.ctx.enclosing_scopes(usage_scope))
        for candidate_scope in {id(s): s for s in scopes}.values():
            for assignment in candidate_scope.assignments[name]:
                owner = self.ctx.binding_of_assignment.get(id(assignment))
                if owner is binding:
                    continue
                if owner is not None and (owner.bound == target_fqn or (allow_import_of and owner.bound == allow_import_of)):
                    continue
                return True
        # A local name bound more than once (try/except fallbacks, reassignment) must keep its name.
        if name != binding.local_name and len(binding.scope.assignments[binding.local_name]) > len(binding.assignments):
            return True
        return False

    # -- strings ----------------------------------------------------------------------------

    def _rewrite_string_annotations(self) -> None:
        strings: dict[int, tuple[cst.SimpleString, list[tuple[Any, _BindingPlan]]]] = {}
        for plan in self.plans:
            for access in plan.binding.accesses():
                node = access.node
                if isinstance(node, cst.SimpleString):
                    strings.setdefault(id(node), (node, []))[1].append((access, plan))
        for node, accesses in strings.values():
            self._rewrite_annotation_string(node, accesses)

    def _rewrite_annotation_string(self, node: cst.SimpleString, accesses: list[tuple[Any, _BindingPlan]]) -> None:
        value = string_value(node)
        if value is None:
            return
        try:
            expression = cst.parse_expression(value)
        except cst.ParserSyntaxError:
            return
        scope = self.ctx.scope_of(node)
        if scope is None:
            return
        by_name: dict[str, _BindingPlan] = {}
        for _access, plan in accesses:
            by_name.setdefault(plan.binding.local_name, plan)
        replacer = _StringAnnotationRewriter(self, by_name, scope, node)
        new_expression = expression.visit(replacer)
        if not replacer.changed:
            return
        new_value = cst.Module([]).code_for_node(new_expression)
        rewritten = rewritten_literal(node, value, new_value)
        if rewritten is None:
            self._finding(
                node, "warning", "SSOT103",
                f"{self.kind.label}: this string annotation names an old path and is written with escapes; rewrite "
                "it by hand",
            )
            return
        self.edits.replace_node(node, rewritten)
        self._edit_at(node)
        for access, plan in accesses:
            if plan.binding.local_name in replacer.fully_rewritten:
                self.rewritten_access[id(access)] = 1

    def _rewrite_call_strings(self) -> None:
        visitor = CallStringFinder(self.ctx)
        walk(self.ctx.module, visitor)
        self._patch_targets = visitor.patches
        for node in visitor.targets:
            self._rewrite_target_string(node)
        for obj, name_node in visitor.object_attributes:
            self._rewrite_object_attribute(obj, name_node)
        for node in visitor.concatenations:
            self._check_concatenation(node)
        reported = {id(node) for node in visitor.concatenations}
        # The literal parts of those concatenations are reported with them.
        reported |= {id(part) for node in visitor.concatenations for part in _literal_parts(node)}
        for node, text in visitor.built:
            if id(node) not in reported:
                reported.add(id(node))
                self._check_built_string(node, text)
        targets = {id(node) for node in visitor.targets}
        for node in visitor.all_strings:
            if id(node) in self.edits.nodes or id(node) in targets or id(node) in reported:
                continue
            if self.strings == "all":
                self._rewrite_target_string(node)
            else:
                self._note_dotted_string(node)

    def _patch_stays(self, path: str, node: cst.CSTNode) -> bool:
        """A patch of `module.old` where that module keeps its own binding of the name (it imports it back from
        its new home): the patch must stay where the module's code looks the name up. Reported when it stays."""
        home = self.modules.home
        if home is None or not home.keeps or path != home.path_of_old or self.ctx.info.name == home.module:
            return False
        self._finding(
            node, "info", "SSOT111",
            f"{self.kind.label}: this patches {path}, which {home.module} keeps binding (it imports {home.old} from "
            f"{home.new_module}) and reads there; left as is: a patch of {home.new_module}.{home.new} would not reach it",
        )
        if (path, path) not in self.renames:
            self.renames.append((path, path))
        return True

    def _rewrite_target_string(self, node: cst.SimpleString) -> None:
        value = string_value(node)
        if value is None:
            return
        if id(node) in self._patch_targets and self._patch_stays(value.replace(":", "."), node):
            return
        new_value = rewrite_dotted_string(value, self.rules)
        if new_value is None or new_value == value:
            return
        rewritten = rewritten_literal(node, value, new_value)
        if rewritten is None:
            self._finding(
                node, "warning", "SSOT103",
                f"{self.kind.label}: this string names {value}, which is now {new_value}, but it is written with escapes; "
                "rewrite it by hand",
            )
            return
        self.edits.replace_node(node, rewritten)
        self._edit_at(node)

    def _note_dotted_string(self, node: cst.SimpleString) -> None:
        """Under `strings = "calls"`: a whole-value dotted string elsewhere (a setting, a plugin list) that names
        an old path is left, with an info finding (the program may load it at run time)."""
        value = string_value(node)
        if value is None or self.strings == "none":
            return
        new_value = rewrite_dotted_string(value, self.rules)
        if new_value is None or new_value == value:
            return
        self._finding(node, "info", "SSOT110", dotted_string_note(self.kind.label, value, new_value))

    def _check_built_string(self, node: cst.CSTNode, text: str) -> None:
        """Literal text of a string built at run time that names an old path (`"from pkg.old import " + name`)."""
        for rule in self.rules:
            if rule.string_target is not None and names_in_text(text, rule.old.dotted):
                self._finding(
                    node, "warning", "SSOT103",
                    f"{self.kind.label}: this string builds text that names {rule.old.dotted}, which is now "
                    f"{rule.new.dotted}; check it by hand",
                )
                return

    def _rewrite_object_attribute(self, obj: cst.BaseExpression, name_node: cst.SimpleString) -> None:
        """`patch.object(module, "Name")` where `module.Name` is the old name."""
        name = string_value(name_node)
        if name is None or not name.isidentifier():
            return
        for base in self.ctx.qualified_names(obj):
            full = f"{base}.{name}"
            if self._patch_stays(full, name_node):
                return
            for rule in self.rules:
                target = rule.string_target
                if target is None or full != rule.old.dotted:
                    continue
                module_parts, attr_parts = target.split_for(1)
                if len(attr_parts) != 1:
                    continue
                new_base = ".".join(module_parts)
                if new_base != base:
                    scope = self.ctx.scope_of(obj)
                    anchor = self._anchor_for_expression(obj)
                    if scope is None or anchor is None:
                        continue
                    parent_rule = RenameRule(DottedName.of(base), DottedName(tuple(module_parts)))
                    expression = self._new_reference(anchor, parent_rule, scope, obj)
                    if expression is None:
                        continue
                    self.edits.replace_node(obj, expression_for(expression))
                if attr_parts[0] != name:
                    renamed = rewritten_literal(name_node, name, attr_parts[0])
                    if renamed is not None:
                        self.edits.replace_node(name_node, renamed)
                self._edit_at(name_node)
                return

    def _anchor_for_expression(self, node: cst.BaseExpression) -> ImportBinding | None:
        head = node
        while isinstance(head, cst.Attribute):
            head = head.value
        if not isinstance(head, cst.Name):
            return None
        scope = self.ctx.scope_of(head)
        if scope is None:
            return None
        bindings = self.ctx.bindings_for_name(scope, head.value)
        return bindings[0] if bindings else None

    def _check_concatenation(self, node: cst.BaseExpression) -> None:
        prefix = literal_prefix(node)
        if not prefix:
            return
        for rule in self.rules:
            old = rule.old.dotted
            if old.startswith(prefix) or is_dotted_under(prefix.rstrip("."), old):
                self._finding(
                    node, "warning", "SSOT103",
                    f"{self.kind.label}: this concatenation may build {old}, which is now {rule.new.dotted}; "
                    "check it by hand",
                )
                return

    # -- cleanup -----------------------------------------------------------------------------

    def _rewrite_dunder_all(self) -> None:
        """`__all__` entries follow their binding; one that would repeat a name already listed goes."""
        if not self.global_renames:
            return
        entries = self.ctx.all_entries()
        listed = {value for value, _node in entries if value not in self.global_renames}
        for value, node in entries:
            new = self.global_renames.get(value)
            if new is None or "." in new:
                continue
            element = self.ctx.parents.get(node)
            container = self.ctx.parents.get(element) if isinstance(element, cst.Element) else None
            if new in listed and container is not None:
                self.edits.drop_entries(container, [value])
            elif (renamed := rewritten_literal(node, value, new)) is not None:
                self.edits.replace_node(node, renamed)
                listed.add(new)
            self._edit_at(node)

    # -- the home module ----------------------------------------------------------------------

    def _rewrite_home(self, home: HomeRename) -> None:
        """The old name's own module: its uses of the name follow it (see `HomeRename`)."""
        scope = self.ctx.global_scope
        assignments = list(scope.assignments[home.old])
        if any(isinstance(a, ImportAssignment) for a in assignments):
            return  # a re-export here: the import rules rewrite it
        if assignments:
            first = assignments[0].node
            if home.new_module != home.module:
                self._finding(first, "warning", "SSOT108", home.still_defined(self.kind.label))
                return
            if scope.assignments[home.new]:
                self._finding(
                    first, "error", "SSOT106",
                    f"{self.kind.label}: cannot rename {home.old} to {home.new} here: {home.new!r} is already bound",
                )
                return
            for assignment in assignments:
                self._rename_binding(assignment, home.new)
            self.global_renames[home.old] = home.new
            self.exports[home.old] = home.new
            return
        # Uses of the name that nothing binds any more, or that now find a builtin of the same name (a module
        # global shadowed it): all of them meant `old`.
        accesses = [
            access for s in {id(s): s for s in self.ctx.scopes.values()}.values()
            for access in s.accesses[home.old]
            if all(isinstance(r, BuiltinAssignment) for r in access.referents)
        ]
        if not accesses and home.old not in self.ctx.exported_names():
            return
        local = home.new
        if home.new_module != home.module:
            # Imported back (also when only `__all__` lists it: `from module import *` keeps working).
            local = self._home_import(home, accesses)
            if local is None:
                return
        for access in accesses:
            self._rename_access(access.node, home.old, local)
        self.global_renames[home.old] = local
        if any(access.referents for access in accesses):
            # Those uses found the builtin of that name: they meant the module's own, now `new`.
            self.renames.append((f"builtins.{home.old}", f"{home.new_module}.{home.new}"))

    def _home_import(self, home: HomeRename, accesses: list[Any]) -> str | None:
        """Import the moved definition into its old module: at module level, or inside each function that uses
        it when its new module imports this one (a top-level import would close the cycle)."""
        taken = any(
            s.assignments[home.new] for s in {id(s): s for s in (self.ctx.scope_of(a.node) for a in accesses) if s}.values()
        ) or bool(self.ctx.global_scope.assignments[home.new])
        local = home.old if (self.keep_names or taken) else home.new
        asname = local if local != home.new else None
        if not home.cyclic:
            self.edits.add_module_level_from_import(home.new_module, home.new, asname)
            return local
        for access in accesses:
            function = self._enclosing_function(access.node)
            if function is None:
                self._finding(
                    access.node, "error", "SSOT109",
                    f"{self.kind.label}: {home.old} moved to {home.new_module}, which imports {home.module}: importing it "
                    "at the top of this module would close an import cycle; move this use into a function or break "
                    "the cycle",
                )
                return None
        for access in accesses:
            function = self._enclosing_function(access.node)
            assert function is not None
            self.edits.add_function_import(function, home.new_module, home.new, asname)
        return local

    def _enclosing_function(self, node: cst.CSTNode) -> cst.FunctionDef | None:
        current = self.ctx.parents.get(node)
        while current is not None and not isinstance(current, cst.FunctionDef):
            current = self.ctx.parents.get(current)
        return current

    def _rename_binding(self, assignment: Any, new: str) -> None:
        node = assignment.node
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            self.edits.replace_node(node.name, cst.Name(new))
            self._edit_at(node.name)
        elif isinstance(node, cst.Name):
            self.edits.replace_node(node, cst.Name(new))
            self._edit_at(node)
        for access in assignment.references:
            self._rename_access(access.node, node.name.value if isinstance(node, (cst.FunctionDef, cst.ClassDef)) else getattr(node, "value", ""), new)

    def _rename_access(self, node: cst.CSTNode, old: str, new: str) -> None:
        if old == new:
            return
        if isinstance(node, cst.Name):
            self.edits.replace_node(node, cst.Name(new))
            self._edit_at(node)
        elif isinstance(node, cst.SimpleString):
            renamed = _rename_in_annotation(node, old, new)
            if renamed is not None:
                self.edits.replace_node(node, renamed)
                self._edit_at(node)

    def _names_moved_away(self, statement: cst.ImportFrom, now: str, before: str) -> bool:
        """`from . import util` in a moved module: the submodules it names were next to it before, not now."""
        if not isinstance(statement.names, (list, tuple)):
            return False
        names = [dotted_of(alias.name) for alias in statement.names]
        known = self.known_modules
        return all(
            name is not None and f"{before}.{name}" in known and f"{now}.{name}" not in known for name in names
        )

    def _fix_moved_relative_imports(self) -> None:
        """A module that moved under `new`: relative imports that broke are written as they meant before."""
        info = self.ctx.info
        assert self.moved is not None
        old_root, new_root = self.moved
        if not is_dotted_under(info.name, new_root):
            return
        old_name = old_root + info.name[len(new_root) :]
        old_package = old_name if info.is_package else old_name.rpartition(".")[0]
        old_info = ModuleInfo(old_name, old_package, info.is_package)
        known = self.known_modules
        for statement in _relative_imports(self.ctx.module):
            if id(statement) in self.statements_done:
                continue
            written = dotted_of(statement.module) if statement.module is not None else None
            now = absolute_module(info, len(statement.relative), written)
            before = absolute_module(old_info, len(statement.relative), written)
            if before is None or now == before:
                continue
            if before not in known or (
                now is not None and now in known and not self._names_moved_away(statement, now, before)
            ):
                continue
            self.statements_done.add(id(statement))
            target = before
            for rule in self.rules:
                if is_dotted_under(before, rule.old.dotted) and not rule.report_only:
                    target = rule.new.dotted + before[len(rule.old.dotted) :]
            self.edits.set_from_module(statement, target, keep_relative=False)
            # What the import meant from here (a path that escapes the top package: written as `scopes` does).
            self.renames.append((now if now is not None else "." * len(statement.relative) + (written or ""), target))
            self._edit_at(statement)
            self._finding(
                statement, "info", "SSOT107",
                f"{self.kind.label}: relative import `{self.ctx.code(statement)}` no longer resolves from {info.name}; "
                f"rewritten to {target}, what it meant in {old_name}",
            )


def _literal_parts(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The string literals inside an expression (the parts of a concatenation)."""
    if isinstance(node, (cst.SimpleString, cst.FormattedString)):
        return [node]
    if isinstance(node, cst.BinaryOperation):
        return _literal_parts(node.left) + _literal_parts(node.right)
    if isinstance(node, cst.ConcatenatedString):
        return _literal_parts(node.left) + _literal_parts(node.right)
    return []


def _relative_imports(module: cst.Module) -> list[cst.ImportFrom]:
    """Every `from .x import y` of a file, also those that resolve to nothing from where the file is now."""
    found: list[cst.ImportFrom] = []

    class Finder(cst.CSTVisitor):
        def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
            if node.relative:
                found.append(node)
            return False

    module.visit(Finder())
    return found


def _alone(binding: ImportBinding) -> bool:
    """Whether `binding` is the only name its import statement binds (a replacement then stands where it stood)."""
    names = binding.statement.names
    return isinstance(names, (list, tuple)) and len(names) == 1


def _rename_in_annotation(node: cst.SimpleString, old: str, new: str) -> cst.SimpleString | None:
    """A string annotation with the name `old` (not an attribute) written `new`; None when it is not one."""
    value = string_value(node)
    if value is None:
        return None
    try:
        expression = cst.parse_expression(value)
    except cst.ParserSyntaxError:
        return None

    class Renamer(cst.CSTTransformer):
        def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.Attribute:
            return updated.with_changes(attr=original.attr)  # only heads of chains are names

        def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.Name:
            return updated.with_changes(value=new) if original.value == old else updated

    renamed = cst.Module([]).code_for_node(expression.visit(Renamer()))
    return rewritten_literal(node, value, renamed) if renamed != value else None


def import_split(new: DottedName) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(module, leaf path) of a new path as libcst's RenameCommand imports it: `pkg.mod:Name.attr` ->
    (`pkg.mod`, `Name.attr`); without a colon the last part is the leaf; `pkg.mod:` names the module itself."""
    if new.module_len:
        return new.parts[: new.module_len], new.parts[new.module_len :]
    return new.parts[:-1], new.parts[-1:]


def _common_prefix(a: list[str], b: list[str]) -> list[str]:
    out = []
    for x, y in zip(a, b):
        if x != y:
            break
        out.append(x)
    return out


class _StringAnnotationRewriter(cst.CSTTransformer):
    """Rewrites the names inside one string annotation, resolved at the string's own scope."""

    def __init__(self, owner: ReferenceRewriter, by_name: dict[str, _BindingPlan], scope: Scope, anchor: cst.CSTNode) -> None:
        super().__init__()
        self.owner = owner
        self.by_name = by_name
        self.scope = scope
        self.anchor = anchor
        self.changed = False
        self.seen: dict[str, int] = {}
        self.rewritten: dict[str, int] = {}
        self.fully_rewritten: set[str] = set()
        self.pending: dict[int, str] = {}

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        return self._maybe(node) is None

    def visit_Name(self, node: cst.Name) -> bool:
        self._maybe(node)
        return False

    def _maybe(self, node: cst.BaseExpression) -> Any:
        dotted = dotted_of(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        plan = self.by_name.get(head)
        if plan is None:
            return None
        self.seen[head] = self.seen.get(head, 0) + 1
        full = plan.binding.bound + ("." + rest if rest else "")
        rules = plan.parents if plan.relation == "parent" else [plan.rule]
        for rule in rules:
            old = rule.old.dotted
            if not is_dotted_under(full, old):
                continue
            old_len = len(old.split(".")) - len(plan.binding.bound.split(".")) + 1
            parts = dotted.split(".")
            replacement = self.owner._replacement_for(plan, rule, self.scope, self.anchor)
            if replacement is None:
                return None
            new_dotted = ".".join([replacement, *parts[old_len:]])
            self.rewritten[head] = self.rewritten.get(head, 0) + 1
            if self.rewritten[head] == self.seen[head]:
                self.fully_rewritten.add(head)
            if new_dotted != dotted:
                self.changed = True
                self.pending[id(node)] = new_dotted
            return True
        # `from m import Old` where m moved: names below a moved module keep their spelling.
        if plan.relation == "moved" and plan.local_after is None and plan.new_dotted is None:
            self.rewritten[head] = self.rewritten.get(head, 0) + 1
            if self.rewritten[head] == self.seen[head]:
                self.fully_rewritten.add(head)
        return None

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[override]
        new = self.pending.get(id(original_node))
        if new is not None:
            return expression_for(new)
        return super().on_leave(original_node, updated_node)
