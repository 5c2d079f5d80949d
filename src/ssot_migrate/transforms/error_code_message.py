"""error-code-message: an error factory now takes a code before its message; give every message-only call one.

The code comes from the spec's `codes` table, else is derived from the literal
message (upper-snake), else is the fixed `dynamic` code (with a finding); it is
written as a string literal or through `code_template` (an enum member, imported).
"""

from __future__ import annotations

import functools
import keyword
from typing import TYPE_CHECKING, Any, Mapping

import libcst as cst
from libcst.metadata import ImportAssignment

from ..bindings import string_value
from ..names import DottedName
from ..types import Finding, Option
from ..rewrite.calls import (
    Arguments,
    CallCodes,
    CallSite,
    CallSiteRewriter,
    parse_argument_value,
    positional_arg,
    prevailing_quote,
    string_literal,
)
from ..rewrite.edits import TransformResult
from .base import example_case, example_source
from .calls import CallSiteKind

if TYPE_CHECKING:
    from ..bindings import FileContext
    from ..repo import RepoContext

CODES = CallCodes(
    star="SSOT311",
    unbound="SSOT312",
    conflict="SSOT313",
    not_found="SSOT314",
    receiver="SSOT315",
    through_class="SSOT316",
    ambiguous="SSOT317",
    layout="SSOT318",
)
DYNAMIC_CODE = "SSOT301"
NO_CODE = "SSOT302"
TEMPLATE_CODE = "SSOT303"
IMPORT_COLLISION_CODE = "SSOT304"
MISSING_MEMBER_CODE = "SSOT305"
MAX_CODE_LENGTH = 48


def upper_snake(message: str, limit: int = MAX_CODE_LENGTH) -> str:
    """`"WebSocket closed!"` -> `WEB_SOCKET_CLOSED`: words split on anything not a letter or digit and on
    lower-to-upper case changes, upper-cased, joined with `_`; whole words up to `limit` characters
    (a single longer word is cut). Empty when the message has no letter or digit."""
    words: list[str] = []
    current = ""
    for char in message:
        if not char.isalnum():
            if current:
                words.append(current)
            current = ""
            continue
        if current and current[-1].islower() and char.isupper():
            words.append(current)
            current = ""
        current += char
    if current:
        words.append(current)
    code = ""
    for word in (w.upper() for w in words):
        candidate = f"{code}_{word}" if code else word
        if len(candidate) > limit:
            return code or word[:limit]
        code = candidate
    return code


def literal_message(node: cst.BaseExpression) -> str | None:
    """The text of a plain string literal or an implicit concatenation of them; None for anything dynamic."""
    if isinstance(node, cst.SimpleString):
        return string_value(node)
    if isinstance(node, cst.ConcatenatedString):
        left = literal_message(node.left)  # type: ignore[arg-type]
        right = literal_message(node.right)  # type: ignore[arg-type]
        return None if left is None or right is None else left + right
    return None


class ErrorCodeMessage(CallSiteKind):
    call_codes = CODES
    name = "error-code-message"
    summary = "An error factory now takes (code, message): give every message-only call a code."
    options = (
        Option(
            "function", "dotted",
            "the error factory (`pkg.types.create_error_message`, any re-export path of it, or `pkg.mod.Class.method`)",
            required=True,
        ),
        Option("codes", "str-map", "message -> code for literal messages; wins over `derive`"),
        Option(
            "derive", "str",
            "how literal messages not in `codes` get a code: `upper-snake` (\"Invalid JSON format\" -> "
            "INVALID_JSON_FORMAT) or `none`",
            default="upper-snake", choices=("upper-snake", "none"),
        ),
        Option(
            "dynamic", "str",
            "the code for messages with no literal text (f-strings, variables), each reported; absent: such calls are "
            "left alone and reported",
        ),
        Option(
            "message_keywords", "str-list", "keywords that pass the message (a call `f(message=...)` is message-only)",
            default=("message", "error_message"),
        ),
        Option(
            "code_template", "str",
            "how the code is written: `ErrorCode.{code}`; default: a string literal in the file's prevailing quotes",
        ),
        Option(
            "code_import", "dotted",
            "what the template needs imported (`pkg.errors:ErrorCode`); added where a file lacks it",
        ),
    )

    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        self.codes: dict[str, str] = dict(self.values.get("codes") or {})
        self.derive: str = self.values.get("derive") or "upper-snake"
        self.dynamic: str | None = self.values.get("dynamic")
        self.message_keywords: tuple[str, ...] = tuple(self.values.get("message_keywords") or ())
        self.template: str | None = self.values.get("code_template")
        code_import = self.values.get("code_import")
        self.code_import: tuple[str, str] | None = _import_parts(code_import) if code_import is not None else None
        self.import_paths: frozenset[str] = frozenset()
        # Members of the imported enum when the repo defines it (None: unknown, not checked).
        self.members: frozenset[str] | None = None

    @classmethod
    def check(cls, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []
        codes: dict[str, str] = values.get("codes") or {}
        dynamic: str | None = values.get("dynamic")
        template: str | None = values.get("code_template")
        code_import: DottedName | None = values.get("code_import")
        if values.get("derive") == "none" and not codes and dynamic is None:
            errors.append(("derive", "no message can get a code: set `codes`, `dynamic`, or derive = \"upper-snake\""))
        for message, code in codes.items():
            if not code.strip():
                errors.append(("codes", f"the code for {message!r} is empty"))
        if dynamic is not None and not dynamic.strip():
            errors.append(("dynamic", "the dynamic code is empty"))
        for name in values.get("message_keywords") or ():
            if not name.isidentifier() or keyword.iskeyword(name):
                errors.append(("message_keywords", f"{name!r} is not a valid argument name"))
        if template is not None:
            if "{code}" not in template:
                errors.append(("code_template", f"{template!r} has no {{code}} placeholder"))
            else:
                samples = {"CODE", *codes.values(), *([dynamic] if dynamic else [])}
                for code in sorted(samples):
                    text = template.replace("{code}", code)
                    if parse_argument_value(text) is None:
                        errors.append((
                            "code_template", f"with code {code!r} the template gives {text!r}, not a Python expression"
                        ))
                        break
        if code_import is not None:
            if template is None:
                errors.append((
                    "code_import", "code_import needs code_template (e.g. code_template = \"ErrorCode.{code}\")"
                ))
            parts = _import_parts(code_import)
            if parts is None:
                errors.append((
                    "code_import", f"{code_import} must name one module attribute, e.g. 'pkg.errors:ErrorCode'"
                ))
            elif template is not None and not _starts_with_name(template, parts[1]):
                errors.append((
                    "code_template",
                    f"the template must start with the imported name {parts[1]!r}, e.g. '{parts[1]}.{{code}}'",
                ))
        return errors

    # -- repository level ---------------------------------------------------------------------

    def prepare(self, repo: RepoContext) -> list[Finding]:
        findings = super().prepare(repo)
        if self.code_import is not None:
            module, name = self.code_import
            self.import_paths = frozenset(repo.index.aliases_of(f"{module}.{name}"))
            classes = [r.definition for r in repo.index.definitions(f"{module}.{name}") if r.definition.kind == "class"]  # type: ignore[union-attr]
            if classes and self.template is not None and _member_template(self.template, name):
                self.members = frozenset(m for c in classes for m in c.members)  # type: ignore[union-attr]
        return findings

    def prepared_state(self) -> Any:
        return {
            "target": super().prepared_state(),
            "imports": sorted(self.import_paths),
            "members": sorted(self.members) if self.members is not None else None,
        }

    # -- per file ------------------------------------------------------------------------------

    def transform(self, ctx: FileContext) -> TransformResult | None:
        rewriter = self.rewriter(ctx)
        quote: str | None = None
        for site in rewriter.sites():
            quote = quote or prevailing_quote(ctx.module)
            self._rewrite(rewriter, site, quote)
        return rewriter.result()

    def _rewrite(self, rewriter: CallSiteRewriter, site: CallSite, quote: str) -> None:
        assert self.target is not None
        args = Arguments(site.call)
        keywords = args.keywords()
        code_keywords = self.target.first_parameters - set(self.message_keywords)
        message_keys = [k for k in keywords if k in self.message_keywords]
        count = args.positional
        # Already passes a code: by the code parameter's keyword, or as the first of two positionals,
        # or positionally next to a message keyword.
        if any(k in code_keywords for k in keywords) or count >= 2 or (count == 1 and message_keys):
            return
        if args.star_args or args.star_kwargs:
            rewriter.star_refusal(site, "the code or the message")
            return
        if count == 1 and not message_keys:
            index = args.positional_indexes()[0]
        elif count == 0 and len(message_keys) == 1:
            index = args.keyword_index(message_keys[0])
            assert index is not None
        else:
            return  # no message at all (or two message keywords): nothing a code would fix
        message = args.value(index)
        code, dynamic_reason = self._code_for(rewriter, site, message)
        if code is None:
            return
        expression = self._code_expression(rewriter, site, code, quote)
        if expression is None:
            return
        if count == 0:
            args.move_to_positional(index, 0)
        args.insert(0, positional_arg(expression))
        if rewriter.commit(site, args) and dynamic_reason:
            rewriter.report(
                site.call, "warning", DYNAMIC_CODE,
                f"{dynamic_reason}: it got the code {code!r}; check that this code fits",
            )

    def _code_for(
        self, rewriter: CallSiteRewriter, site: CallSite, message: cst.BaseExpression
    ) -> tuple[str | None, str | None]:
        """(code, why it is the fallback code) for a message; (None, None) after reporting why there is none."""
        text = literal_message(message)
        if text is not None:
            if text in self.codes:
                return self.codes[text], None
            if self.derive == "upper-snake" and (derived := upper_snake(text)):
                return derived, None
            why = f"the message {text!r} is not in `codes`" + (
                "" if self.derive == "none" else " and has no letter or digit to derive a code from"
            )
        else:
            shown = rewriter.ctx.code(message)
            why = f"the message `{shown if len(shown) <= 60 else shown[:57] + '...'}` is dynamic"
        if self.dynamic is not None:
            return self.dynamic, why
        rewriter.report(
            site.call, "warning", NO_CODE,
            f"{why} and `dynamic` is not set; left unchanged (add the message to `codes`, or set `dynamic`)",
        )
        return None, None

    def _code_expression(
        self, rewriter: CallSiteRewriter, site: CallSite, code: str, quote: str
    ) -> cst.BaseExpression | None:
        if self.template is None:
            quotes = [q for q in (quote, "'" if quote == '"' else '"') if q not in site.fstring_quotes]
            text = string_literal(code, quotes[0]) if quotes else None
            if text is None or site.quote_clashes(text):
                rewriter.report(
                    site.call, "warning", CODES.layout,
                    f"the code {code!r} cannot be written inside the f-string around this call; left unchanged",
                )
                return None
            return cst.parse_expression(text)
        text = self.template.replace("{code}", code)
        if parse_argument_value(text) is None:
            rewriter.report(
                site.call, "error", TEMPLATE_CODE,
                f"the code {code!r} gives `{text}`, which is not a Python expression; left unchanged (add the message "
                "to `codes` with a valid code)",
            )
            return None
        if site.quote_clashes(text):
            rewriter.report(
                site.call, "warning", CODES.layout,
                f"`{text}` cannot be written inside the f-string around this call; left unchanged",
            )
            return None
        if self.members is not None and code not in self.members:
            assert self.code_import is not None
            rewriter.report(
                site.call, "error", MISSING_MEMBER_CODE,
                f"{'.'.join(self.code_import)} has no member {code!r}, so `{text}` would raise AttributeError; left "
                "unchanged (add the member, or map the message to an existing one in `codes`)",
            )
            return None
        if self.code_import is not None:
            local = self._imported_name(rewriter, site)
            if local is None:
                return None
            text = local + text[len(self.code_import[1]) :]
        return parse_argument_value(text)

    def _imported_name(self, rewriter: CallSiteRewriter, site: CallSite) -> str | None:
        """The local name of `code_import` at the call: an existing import of it (any alias path), the
        module's own definition, or a new module-level import; None after reporting a collision."""
        assert self.code_import is not None
        module, name = self.code_import
        ctx = rewriter.ctx
        scope = ctx.scope_of(site.call)
        assert scope is not None
        visible = ctx.enclosing_scopes(scope)
        for binding in ctx.imports:
            if not binding.is_star and binding.bound in self.import_paths and binding.scope in visible:
                return binding.local_name
        if ctx.info.name == module:
            return name
        bound = [a for a in scope[name] if not (isinstance(a, ImportAssignment) and _binds(ctx, a, self.import_paths))]
        if bound or ctx.global_scope.assignments[name]:
            rewriter.report(
                site.call, "error", IMPORT_COLLISION_CODE,
                f"{name!r} is already bound to something else here, so `from {module} import {name}` cannot be "
                "added; left unchanged (rename the local name, or import it under an alias the template can use)",
            )
            return None
        rewriter.edits.add_module_level_from_import(module, name)
        return name


def _binds(ctx: FileContext, assignment: ImportAssignment, paths: frozenset[str]) -> bool:
    binding = ctx.binding_of_assignment.get(id(assignment))
    return binding is not None and binding.bound in paths


def _import_parts(name: DottedName) -> tuple[str, str] | None:
    """(module, attribute) of `code_import`; None unless it names exactly one attribute of a module."""
    module_len = name.module_len if name.module_len is not None else len(name.parts) - 1
    if module_len < 1 or len(name.parts) - module_len != 1:
        return None
    return ".".join(name.parts[:module_len]), name.parts[-1]


def _member_template(template: str, name: str) -> bool:
    """Whether the template is an attribute of the imported name: `ErrorCode.{code}` (maybe `.value` after it)."""
    prefix = f"{name}.{{code}}"
    rest = template[len(prefix) :]
    return template.startswith(prefix) and not (rest[:1].isalnum() or rest[:1] == "_")


def _starts_with_name(template: str, name: str) -> bool:
    rest = template[len(name) :]
    return template.startswith(name) and not (rest[:1].isalnum() or rest[:1] == "_")


# -- before/after table ------------------------------------------------------------------------------


_FILES = {
    "pkg/__init__.py": "from .types import create_error_message\n",
    "pkg/types.py": example_source(
        """
        def create_error_message(error_code, error_message, details=None):
            return {"code": error_code, "message": error_message, "details": details}
        """
    ),
    "pkg/errors.py": example_source(
        """
        import enum


        class ErrorCode(str, enum.Enum):
            AUTH_FAILED = "AUTH_FAILED"
            INTERNAL_ERROR = "INTERNAL_ERROR"


        class ErrorFactory:
            def build(self, code, message):
                return {"code": code, "message": message}
        """
    ),
    "other.py": "def create_error_message(message):\n    return message\n",
    "app/__init__.py": "",
}
_SPEC = {
    "function": "pkg.types.create_error_message",
    "codes": {"Authentication failed": "AUTH_FAILED"},
    "dynamic": "INTERNAL_ERROR",
}


_case = functools.partial(example_case, base=_FILES)


ErrorCodeMessage.examples = (
    _case(
        "the incident: message-only calls get a code from `codes`, else derived",
        _SPEC,
        """
        from pkg.types import create_error_message

        auth = create_error_message("Authentication failed")
        parse = create_error_message("Invalid JSON format")
        closed = create_error_message("WebSocket closed!")
        """,
        """
        from pkg.types import create_error_message

        auth = create_error_message("AUTH_FAILED", "Authentication failed")
        parse = create_error_message("INVALID_JSON_FORMAT", "Invalid JSON format")
        closed = create_error_message("WEB_SOCKET_CLOSED", "WebSocket closed!")
        """,
    ),
    _case(
        "calls that already pass a code are untouched",
        _SPEC,
        """
        from pkg.types import create_error_message

        a = create_error_message("AUTH_FAILED", "Authentication failed")
        b = create_error_message("AUTH_FAILED", message="Authentication failed")
        c = create_error_message(error_code="AUTH_FAILED", error_message="Authentication failed")
        d = create_error_message(error_message="Authentication failed", error_code="AUTH_FAILED")
        """,
        None,
    ),
    _case(
        "a message passed by keyword becomes the second positional argument; other arguments stay",
        _SPEC,
        """
        from pkg.types import create_error_message

        a = create_error_message(message="Service initialization failed")
        b = create_error_message(details={"retry": True}, error_message="Authentication failed")
        """,
        """
        from pkg.types import create_error_message

        a = create_error_message("SERVICE_INITIALIZATION_FAILED", "Service initialization failed")
        b = create_error_message("AUTH_FAILED", "Authentication failed", details={"retry": True})
        """,
    ),
    _case(
        "aliases, module attributes and re-exports",
        _SPEC,
        """
        import pkg.types as types
        from pkg import create_error_message
        from pkg.types import create_error_message as error_for

        a = types.create_error_message("Rate limited")
        b = create_error_message("Rate limited")
        c = error_for("Rate limited")
        """,
        """
        import pkg.types as types
        from pkg import create_error_message
        from pkg.types import create_error_message as error_for

        a = types.create_error_message("RATE_LIMITED", "Rate limited")
        b = create_error_message("RATE_LIMITED", "Rate limited")
        c = error_for("RATE_LIMITED", "Rate limited")
        """,
    ),
    _case(
        "relative imports inside the package",
        _SPEC,
        """
        from . import types
        from .types import create_error_message


        def fail():
            return (
                create_error_message("Authentication failed"),
                types.create_error_message("Timeout"),
            )
        """,
        """
        from . import types
        from .types import create_error_message


        def fail():
            return (
                create_error_message("AUTH_FAILED", "Authentication failed"),
                types.create_error_message("TIMEOUT", "Timeout"),
            )
        """,
        path="pkg/handlers.py",
    ),
    _case(
        "shadowing and an unrelated function with the same name are untouched",
        _SPEC,
        """
        from other import create_error_message as legacy
        from pkg.types import create_error_message


        def handler(create_error_message):
            return create_error_message("Authentication failed")


        legacy("Authentication failed")
        """,
        None,
    ),
    _case(
        "nested calls: the inner literal gets its code, the outer dynamic message the `dynamic` code",
        _SPEC,
        """
        from pkg.types import create_error_message

        wrapped = create_error_message(create_error_message("Inner failure"))
        """,
        """
        from pkg.types import create_error_message

        wrapped = create_error_message("INTERNAL_ERROR", create_error_message("INNER_FAILURE", "Inner failure"))
        """,
        findings=("SSOT301",),
    ),
    _case(
        "multi-line call with comments",
        _SPEC,
        """
        from pkg.types import create_error_message

        error = create_error_message(
            # shown to the user
            message="Authentication failed",  # keep it short
            details=None,
        )
        """,
        """
        from pkg.types import create_error_message

        error = create_error_message(
            "AUTH_FAILED",
            # shown to the user
            "Authentication failed",  # keep it short
            details=None,
        )
        """,
    ),
    _case(
        "dynamic messages get the `dynamic` code and a finding",
        _SPEC,
        """
        from pkg.types import create_error_message


        def missing(user, reason):
            create_error_message(f"User {user} not found")
            return create_error_message(reason)
        """,
        """
        from pkg.types import create_error_message


        def missing(user, reason):
            create_error_message("INTERNAL_ERROR", f"User {user} not found")
            return create_error_message("INTERNAL_ERROR", reason)
        """,
        findings=("SSOT301", "SSOT301"),
    ),
    _case(
        "without `dynamic`, dynamic messages are left alone and reported",
        {"function": "pkg.types.create_error_message"},
        """
        from pkg.types import create_error_message


        def missing(user):
            return create_error_message(f"User {user} not found")
        """,
        None,
        findings=("SSOT302",),
    ),
    _case(
        "await and calls inside f-strings (the code's quotes avoid the f-string's)",
        _SPEC,
        """
        from pkg.types import create_error_message


        async def send_error(websocket):
            await websocket.send_json(create_error_message("Authentication failed"))
            return f"error: {create_error_message('Bad request')}"
        """,
        """
        from pkg.types import create_error_message


        async def send_error(websocket):
            await websocket.send_json(create_error_message("AUTH_FAILED", "Authentication failed"))
            return f"error: {create_error_message('BAD_REQUEST', 'Bad request')}"
        """,
    ),
    _case(
        "the inserted literal uses the quotes that prevail in the file",
        _SPEC,
        """
        from pkg.types import create_error_message

        LEVEL = 'error'
        error = create_error_message('Authentication failed')
        """,
        """
        from pkg.types import create_error_message

        LEVEL = 'error'
        error = create_error_message('AUTH_FAILED', 'Authentication failed')
        """,
    ),
    _case(
        "code_template and code_import insert an enum member and its import",
        {**_SPEC, "code_template": "ErrorCode.{code}", "code_import": "pkg.errors:ErrorCode"},
        """
        \"\"\"Handlers.\"\"\"
        import logging

        from pkg.types import create_error_message

        logger = logging.getLogger(__name__)
        error = create_error_message("Authentication failed")
        """,
        """
        \"\"\"Handlers.\"\"\"
        import logging

        from pkg.types import create_error_message
        from pkg.errors import ErrorCode

        logger = logging.getLogger(__name__)
        error = create_error_message(ErrorCode.AUTH_FAILED, "Authentication failed")
        """,
    ),
    _case(
        "code_import merges into an existing import of its module, after a docstring and __future__ import",
        {**_SPEC, "code_template": "ErrorCode.{code}", "code_import": "pkg.errors:ErrorCode"},
        """
        \"\"\"Handlers.\"\"\"
        from __future__ import annotations

        from pkg.errors import ErrorFactory
        from pkg.types import create_error_message

        error = create_error_message(f"failed: {ErrorFactory}")
        """,
        """
        \"\"\"Handlers.\"\"\"
        from __future__ import annotations

        from pkg.errors import ErrorFactory, ErrorCode
        from pkg.types import create_error_message

        error = create_error_message(ErrorCode.INTERNAL_ERROR, f"failed: {ErrorFactory}")
        """,
        findings=("SSOT301",),
    ),
    _case(
        "calls inside the defining module; an import is added at the top of a file that has none",
        {**_SPEC, "code_template": "ErrorCode.{code}", "code_import": "pkg.errors:ErrorCode"},
        """
        def create_error_message(error_code, error_message, details=None):
            return {"code": error_code, "message": error_message, "details": details}


        def auth_failed():
            return create_error_message("Authentication failed")
        """,
        """
        from pkg.errors import ErrorCode


        def create_error_message(error_code, error_message, details=None):
            return {"code": error_code, "message": error_message, "details": details}


        def auth_failed():
            return create_error_message(ErrorCode.AUTH_FAILED, "Authentication failed")
        """,
        path="pkg/types.py",
    ),
    _case(
        "a code that the imported enum does not define is reported, not written",
        {**_SPEC, "code_template": "ErrorCode.{code}", "code_import": "pkg.errors:ErrorCode"},
        """
        from pkg.types import create_error_message

        error = create_error_message("Rate limited")
        """,
        None,
        findings=("SSOT305",),
    ),
    _case(
        "a local name that collides with the template's is reported",
        {**_SPEC, "code_template": "ErrorCode.{code}", "code_import": "pkg.errors:ErrorCode"},
        """
        from pkg.types import create_error_message


        def handler(ErrorCode):
            return create_error_message("Authentication failed")
        """,
        None,
        findings=("SSOT304",),
    ),
    _case(
        "code_template reuses an existing import under its alias",
        {**_SPEC, "code_template": "ErrorCode.{code}", "code_import": "pkg.errors:ErrorCode"},
        """
        from pkg.errors import ErrorCode as Codes
        from pkg.types import create_error_message

        error = create_error_message("Authentication failed")
        """,
        """
        from pkg.errors import ErrorCode as Codes
        from pkg.types import create_error_message

        error = create_error_message(Codes.AUTH_FAILED, "Authentication failed")
        """,
    ),
    _case(
        "a derived code that the template cannot express is reported",
        {**_SPEC, "code_template": "ErrorCode.{code}", "code_import": "pkg.errors:ErrorCode"},
        """
        from pkg.types import create_error_message

        error = create_error_message("404 not found")
        """,
        None,
        findings=("SSOT303",),
    ),
    _case(
        "*args/**kwargs: left unchanged and reported",
        _SPEC,
        """
        from pkg.types import create_error_message


        def fail(*parts, **extra):
            create_error_message(*parts)
            create_error_message("Authentication failed", **extra)
            return create_error_message("AUTH_FAILED", "Authentication failed", **extra)
        """,
        None,
        findings=("SSOT311", "SSOT311"),
    ),
    _case(
        "a rewrite that would still not bind is reported, not written",
        _SPEC,
        """
        from pkg.types import create_error_message

        error = create_error_message("Authentication failed", retry=True)
        """,
        None,
        findings=("SSOT312",),
    ),
    _case(
        "methods: a receiver of known class",
        {"function": "pkg.errors.ErrorFactory.build", "codes": {"Authentication failed": "AUTH_FAILED"}},
        """
        from pkg.errors import ErrorFactory

        factory = ErrorFactory()
        error = factory.build("Authentication failed")
        """,
        """
        from pkg.errors import ErrorFactory

        factory = ErrorFactory()
        error = factory.build("AUTH_FAILED", "Authentication failed")
        """,
    ),
)
