"""What the call-site kinds (`call-args`, `error-code-message`) share: `function` resolved through the
repository index to every path and signature that reaches it (`prepare_call_target`), and `CallSiteKind`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable


from ..bindings import FileContext
from ..scan import Definition, Signature
from ..types import Finding
from .base import Kind, dotted_option
from ..rewrite.calls import CallCodes, CallSiteRewriter, CallTarget, SignatureRef

if TYPE_CHECKING:
    from ..repo import RepoContext
    from ..index import Resolved
    from ..scan import FileScan


# -- preparation (parent process) -------------------------------------------------------------


def prepare_call_target(kind: Kind, repo: RepoContext, codes: CallCodes) -> tuple[CallTarget, list[Finding]]:
    """Resolve the spec's `function` through the repo index: every alias path, the definitions, conflicts."""
    index = repo.index
    function = dotted_option(kind.values, "function").dotted
    parent, _, leaf = function.rpartition(".")
    classes = [r for r in index.definitions(parent) if r.definition.kind == "class"] if parent else []  # type: ignore[union-attr]
    if classes:
        return _prepare_method(kind, repo, codes, function, parent, leaf, classes)
    findings: list[Finding] = []
    # An alias that may also be bound to something whose signature is unknown (a module-level
    # `f = partial(f, ...)` next to `from pkg import f`) cannot be trusted: calls through it are reported.
    own = {r.fqn for r in index.resolve(function)}
    paths: set[str] = set()
    uncertain: set[str] = set()
    for path in index.aliases_of(function):
        others = [r for r in index.resolve(path) if r.fqn not in own]
        trusted = all(r.definition is not None and _callable_signature(r.definition) is not None for r in others)
        (paths if trusted else uncertain).add(path)
    signatures: list[tuple[str, tuple[SignatureRef, ...]]] = []
    for path in sorted(paths):
        callables = [r for r in index.definitions(path) if _callable_signature(r.definition) is not None]  # type: ignore[arg-type]
        refs = tuple(_signature_ref(repo, r) for r in callables)
        if refs:
            signatures.append((path, tuple(dict.fromkeys(refs))))
    in_repo = index.split_module(function) is not None
    if in_repo and not index.definitions(function):
        findings.append(
            kind.spec_finding(
                "function", "warning", codes.not_found,
                f"{kind.label}: {function} is not defined in this repository (its module is); calls are matched "
                "by name, but no call can be checked against a signature. Check the spelling of `function`",
            )
        )
    elif not in_repo and not repo.importable(dotted_option(kind.values, "function")):
        findings.append(
            kind.spec_finding(
                "function", "warning", codes.not_found,
                f"{kind.label}: {function} is neither in this repository nor importable in this environment; no call "
                "can match it. Check the spelling of `function`",
            )
        )
    findings.extend(_conflict_findings(kind, repo, codes, function, paths))
    reached = [r.definition for path in paths for r in index.definitions(path)]
    is_function = bool(reached) and all(d is not None and d.kind == "function" for d in reached)
    return CallTarget(function, frozenset(paths), tuple(signatures), uncertain=frozenset(uncertain),
                      is_function=is_function), findings


class CallSiteKind(Kind):
    """Base of the kinds that rewrite the calls of one function: finds the target through the index,
    and prefilters on every path that reaches it. Subclasses set `call_codes` and rewrite sites."""

    inserts_expressions = True

    call_codes: CallCodes

    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        self.target: CallTarget | None = None

    def prepare(self, repo: RepoContext) -> list[Finding]:
        self.target, findings = prepare_call_target(self, repo, self.call_codes)
        return findings

    def prepared_state(self) -> Any:
        return self.target.describe() if self.target is not None else None

    def triggers(self) -> tuple[str, ...]:
        assert self.target is not None, "prepare() runs before the prefilter"
        return self.target.triggers()

    def confirm(self, scan: FileScan) -> bool:
        assert self.target is not None, "prepare() runs before the prefilter"
        return self.target.confirm(scan)

    def rewriter(self, ctx: FileContext) -> CallSiteRewriter:
        assert self.target is not None, "prepare() runs before any file is planned"
        return CallSiteRewriter(ctx, self, self.target, self.call_codes)


def _prepare_method(
    kind: Kind, repo: RepoContext, codes: CallCodes, function: str, parent: str, method: str, classes: list[Resolved]
) -> tuple[CallTarget, list[Finding]]:
    index = repo.index
    class_paths = frozenset(p for c in classes for p in index.aliases_of(c.fqn)) | {parent}
    signatures: list[tuple[str, tuple[SignatureRef, ...]]] = []
    class_level = False
    for path in sorted(class_paths):
        refs = []
        for resolved in index.definitions(path):
            definition = resolved.definition
            assert definition is not None
            if definition.kind != "class":
                continue
            signature = dict(definition.methods).get(method)
            if signature is not None:
                refs.append(SignatureRef(_where(repo, resolved), signature))
            class_level = class_level or method in definition.class_level_methods
        if refs:
            signatures.append((path, tuple(dict.fromkeys(refs))))
    findings = []
    if not signatures:
        findings.append(
            kind.spec_finding(
                "function", "warning", codes.not_found,
                f"{kind.label}: the class {parent} does not define {method} in its own body (inherited?); calls are "
                "matched, but none can be checked against a signature",
            )
        )
    target = CallTarget(function, frozenset(), tuple(signatures), method, class_paths, class_level)
    return target, findings


def _callable_signature(definition: Definition) -> Signature | None:
    """What calling the definition binds to: a function's parameters, a class's `__init__`."""
    if definition.kind == "class":
        return dict(definition.methods).get("__init__")
    return definition.signature


def _where(repo: RepoContext, resolved: Resolved) -> str:
    assert resolved.definition is not None and resolved.module is not None
    path = repo.modules.path_of(resolved.module) or resolved.module
    return f"{path}:{resolved.definition.line}"


def _signature_ref(repo: RepoContext, resolved: Resolved) -> SignatureRef:
    signature = _callable_signature(resolved.definition)  # type: ignore[arg-type]
    assert signature is not None
    return SignatureRef(_where(repo, resolved), signature)


def _conflict_findings(
    kind: Kind, repo: RepoContext, codes: CallCodes, function: str, paths: Iterable[str]
) -> list[Finding]:
    """One finding when the paths reach definitions with different signatures (try/except fallbacks)."""
    from ..index import signature_conflicts

    definitions: dict[str, Resolved] = {}
    through: list[str] = []
    for path in sorted(paths):
        conflicts = signature_conflicts(repo.index, path)
        if conflicts:
            through.append(path)
        for first, second in conflicts:
            definitions.setdefault(_where(repo, first), first)
            definitions.setdefault(_where(repo, second), second)
    if not definitions:
        return []
    ordered = sorted(definitions.items(), key=lambda item: (not item[1].definition.fallback, item[0]))  # type: ignore[union-attr]
    where, at = ordered[0]
    described = " and ".join(
        f"{'the fallback ' if r.definition.fallback else ''}{w} {r.definition.signature.describe()}"  # type: ignore[union-attr]
        for w, r in sorted(definitions.items())
    )
    via = [p for p in through if p != function]
    path, line = where.rsplit(":", 1)
    assert at.definition is not None
    return [
        kind.finding(
            path, int(line), at.definition.col, "warning", codes.conflict,
            f"{kind.label}: {function}{' (through ' + ', '.join(via) + ')' if via else ''} reaches "
            f"{len(definitions)} definitions with different signatures: {described}. Which one runs depends on "
            "whether an import succeeds, so a call written for one raises TypeError with the other. Every rewritten "
            "call is checked against all of them; make their signatures match",
        )
    ]


# -- matching (per file) -----------------------------------------------------------------------


# -- argument lists ------------------------------------------------------------------------------


# -- applying a plan, keeping every comment with its argument -----------------------------------


# -- literals ----------------------------------------------------------------------------------


