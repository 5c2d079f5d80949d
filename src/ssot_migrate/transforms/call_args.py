"""call-args: a function's parameters changed; move, rename, add or remove arguments at every call site.

Calls are matched through every path that reaches the function (definition,
re-exports, aliases, module attributes, relative imports); every rewritten
call must still bind to the function's signature, else it is reported, not edited.
"""

from __future__ import annotations

import functools
import keyword
from typing import TYPE_CHECKING, Any, Mapping

from ..types import Option
from ..rewrite.calls import (
    Arguments,
    CallCodes,
    CallSite,
    CallSiteRewriter,
    keyword_arg,
    parse_argument_value,
    positional_arg,
)
from ..rewrite.edits import TransformResult
from .base import example_case, example_source
from .calls import CallSiteKind

if TYPE_CHECKING:
    from ..bindings import FileContext

CODES = CallCodes(
    star="SSOT201",
    unbound="SSOT202",
    conflict="SSOT203",
    not_found="SSOT204",
    receiver="SSOT205",
    through_class="SSOT206",
    ambiguous="SSOT207",
    layout="SSOT208",
    value_use="SSOT210",
)
POSITION_CODE = "SSOT209"


class CallArgs(CallSiteKind):
    call_codes = CODES
    name = "call-args"
    summary = "A function's parameters changed: move, rename, add or remove arguments at every call site."
    options = (
        Option(
            "function", "dotted",
            "the function (`pkg.mod.func`, any re-export path of it) or method (`pkg.mod.Class.method`) whose calls "
            "change",
            required=True,
        ),
        Option(
            "keyword_to_positional", "int-map",
            "`{ context = 0 }`: the keyword argument `context=` becomes positional argument 0 (only when exactly that "
            "many positional arguments precede it)",
        ),
        Option(
            "positional_to_keyword", "int-map",
            "`{ timeout = 2 }`: positional argument 2 becomes `timeout=` (only when no positional argument follows "
            "that is not converted too)",
        ),
        Option(
            "rename_keywords", "str-map",
            "`{ message = \"error_message\" }`: keyword `message=` becomes `error_message=`",
        ),
        Option(
            "add", "table-list",
            "arguments added where a call supplies neither that position nor that keyword",
            fields=(
                Option("name", "str", "the parameter's name", required=True),
                Option("position", "int", "insert as this positional argument; without it, insert `name=value`"),
                Option("value", "str", "a Python expression, as source text (parsed, never run)", required=True),
            ),
        ),
        Option("remove", "str-list", "keyword arguments to drop, by name"),
    )

    def __init__(self, spec: Any) -> None:
        super().__init__(spec)
        self.keyword_to_positional: dict[str, int] = dict(self.values.get("keyword_to_positional") or {})
        self.positional_to_keyword: dict[str, int] = dict(self.values.get("positional_to_keyword") or {})
        self.rename_keywords: dict[str, str] = dict(self.values.get("rename_keywords") or {})
        self.add: tuple[Mapping[str, Any], ...] = tuple(self.values.get("add") or ())
        self.remove: tuple[str, ...] = tuple(self.values.get("remove") or ())

    @classmethod
    def check(cls, values: Mapping[str, Any]) -> list[tuple[str, str]]:
        errors: list[tuple[str, str]] = []
        to_positional: dict[str, int] = values.get("keyword_to_positional") or {}
        to_keyword: dict[str, int] = values.get("positional_to_keyword") or {}
        renames: dict[str, str] = values.get("rename_keywords") or {}
        additions = values.get("add") or ()
        removals = values.get("remove") or ()
        if not (to_positional or to_keyword or renames or additions or removals):
            return [(
                "function",
                "nothing to do: set at least one of keyword_to_positional, positional_to_keyword, rename_keywords, "
                "add, remove",
            )]
        named = {
            "keyword_to_positional": list(to_positional),
            "positional_to_keyword": list(to_keyword),
            "rename_keywords": [*renames, *renames.values()],
            "add": [a["name"] for a in additions],
            "remove": list(removals),
        }
        for key, names in named.items():
            for name in names:
                if not name.isidentifier() or keyword.iskeyword(name):
                    errors.append((key, f"{name!r} is not a valid argument name"))
        for key, table in (("keyword_to_positional", to_positional), ("positional_to_keyword", to_keyword)):
            by_position: dict[int, list[str]] = {}
            for name, position in table.items():
                by_position.setdefault(position, []).append(name)
            for position, names in sorted(by_position.items()):
                if len(names) > 1:
                    errors.append((key, f"{' and '.join(repr(n) for n in names)} both claim position {position}"))
        for name in sorted(set(to_positional) & set(to_keyword)):
            errors.append((
                "positional_to_keyword", f"{name!r} is also in keyword_to_positional: one argument cannot go both ways"
            ))
        for position in sorted(set(to_positional.values()) & set(to_keyword.values())):
            errors.append((
                "positional_to_keyword",
                f"position {position} is also a target of keyword_to_positional: the two edits would undo each other",
            ))
        sources, targets = set(renames), set(renames.values())
        for old, new in renames.items():
            if old == new:
                errors.append(("rename_keywords", f"{old!r} is renamed to itself"))
        for name in sorted((sources & targets) - {o for o, n in renames.items() if o == n}):
            errors.append((
                "rename_keywords", f"{name!r} is both renamed and a new name: write the final name directly"
            ))
        if len(targets) < len(renames):
            errors.append(("rename_keywords", "two keywords are renamed to the same name"))
        moved = set(to_positional) | set(to_keyword)
        for name in sorted((sources | targets) & moved):
            errors.append((
                "rename_keywords",
                f"{name!r} is also moved by keyword_to_positional/positional_to_keyword: use one key per argument",
            ))
        for name in sorted(set(removals) & (sources | targets | moved | set(named["add"]))):
            errors.append(("remove", f"{name!r} is removed and also changed by another key"))
        seen_names: set[str] = set()
        seen_positions: set[int] = set()
        for number, addition in enumerate(additions, start=1):
            name, position, value = addition["name"], addition["position"], addition["value"]
            if name in seen_names:
                errors.append(("add", f"entry {number}: {name!r} is added twice"))
            seen_names.add(name)
            if name in sources | moved:
                errors.append(("add", f"entry {number}: {name!r} is also renamed or moved: use one key per argument"))
            if position is not None:
                if position < 0:
                    errors.append(("add", f"entry {number}: position must be 0 or more, got {position}"))
                elif position in seen_positions:
                    errors.append(("add", f"entry {number}: position {position} is used by another entry"))
                seen_positions.add(position)
            if parse_argument_value(value) is None:
                errors.append((
                    "add",
                    f"entry {number}: value {value!r} is not a Python expression usable as one argument (it is parsed, "
                    "never run; a string needs its quotes: value = '\"text\"', a tuple its parentheses)",
                ))
        return errors

    # -- repository level ---------------------------------------------------------------------

    # -- per file ------------------------------------------------------------------------------

    def transform(self, ctx: FileContext) -> TransformResult | None:
        rewriter = self.rewriter(ctx)
        for site in rewriter.sites():
            self._rewrite(rewriter, site)
        rewriter.report_value_uses()
        return rewriter.result()

    def _rewrite(self, rewriter: CallSiteRewriter, site: CallSite) -> None:
        args = Arguments(site.call)
        hidden: list[str] = []
        problems: list[tuple[str, str]] = []
        for name in self.remove:
            index = args.keyword_index(name)
            if index is not None:
                args.remove(index)
            elif args.star_kwargs:
                hidden.append(f"`{name}=`")
        for old, new in self.rename_keywords.items():
            index = args.keyword_index(old)
            if index is not None and args.keyword_index(new) is not None:
                # A repeated keyword does not even compile: never write one.
                problems.append((
                    POSITION_CODE, f"`{old}=` cannot become `{new}=`: the call passes `{new}=` already; left unchanged"
                ))
            elif index is not None:
                args.set_keyword(index, new)
            elif args.star_kwargs:
                hidden.append(f"`{old}=`")
        self._to_keywords(args, hidden, problems)
        self._to_positionals(args, hidden, problems)
        self._additions(site, args, hidden, problems)
        if hidden:
            rewriter.star_refusal(site, " and ".join(dict.fromkeys(hidden)))
        for code, message in problems:
            rewriter.report(site.call, "warning", code, message)
        if not hidden and not problems:
            rewriter.commit(site, args)

    def _to_keywords(self, args: Arguments, hidden: list[str], problems: list[tuple[str, str]]) -> None:
        wanted = sorted(
            (item for item in self.positional_to_keyword.items() if args.keyword_index(item[0]) is None),
            key=lambda item: item[1],
        )
        if not wanted:
            return
        if args.star_args:
            hidden.extend(f"positional argument {position}" for _name, position in wanted)
            return
        positional = args.positional_indexes()
        convert = [(name, position) for name, position in wanted if position < len(positional)]
        if not convert:
            return
        first = convert[0][1]
        if {position for _name, position in convert} != set(range(first, len(positional))):
            problems.append((
                POSITION_CODE,
                f"positional argument {first} cannot become `{convert[0][0]}=`: positional arguments after it would "
                "shift; left unchanged",
            ))
            return
        for name, position in convert:
            args.set_keyword(positional[position], name)

    def _to_positionals(self, args: Arguments, hidden: list[str], problems: list[tuple[str, str]]) -> None:
        for name, position in sorted(self.keyword_to_positional.items(), key=lambda item: item[1]):
            index = args.keyword_index(name)
            if index is None:
                if args.star_kwargs:
                    hidden.append(f"`{name}=`")
                continue
            if args.star_args:
                hidden.append(f"the position of `{name}=`")
                continue
            count = args.positional
            if count != position:
                problems.append((
                    POSITION_CODE,
                    f"`{name}=` can become positional argument {position} only when exactly {position} positional "
                    f"argument{'s' if position != 1 else ''} precede{'s' if position == 1 else ''} it; this call has "
                    f"{count}; left unchanged",
                ))
                continue
            args.move_to_positional(index, count)

    def _additions(
        self, site: CallSite, args: Arguments, hidden: list[str], problems: list[tuple[str, str]]
    ) -> None:
        for addition in self.add:
            name, position, text = addition["name"], addition["position"], addition["value"]
            if args.keyword_index(name) is not None:
                continue
            count = args.positional
            if position is not None and count > position:
                continue
            parameter = _parameter_position(site, name)
            if parameter is not None and count > parameter:
                continue  # supplied positionally, as the signature says
            if args.star_args or args.star_kwargs:
                hidden.append(f"`{name}`")
                continue
            if site.quote_clashes(text):
                problems.append((
                    CODES.layout,
                    f"the value {text!r} for `{name}` cannot be written inside the f-string around this call "
                    "(quotes or backslashes); left unchanged, edit it by hand",
                ))
                continue
            value = parse_argument_value(text)
            assert value is not None, "checked when the spec was loaded"
            if position is None:
                args.insert(len(args.entries), keyword_arg(name, value))
            elif count < position:
                problems.append((
                    POSITION_CODE,
                    f"`{name}` belongs at position {position}, but this call has only {count} positional "
                    f"argument{'s' if count != 1 else ''}; left unchanged",
                ))
            else:
                args.insert(count, positional_arg(value))


def _parameter_position(site: CallSite, name: str) -> int | None:
    """Where `name` sits among the positional parameters of every definition the call reaches (None: unknown or
    not the same everywhere)."""
    positions = set()
    for ref in site.signatures:
        params = [p.name for p in ref.signature.parameters if p.kind in ("positional_only", "positional_or_keyword")]
        positions.add(params.index(name) if name in params else None)
    return positions.pop() if len(positions) == 1 else None


# -- before/after table ------------------------------------------------------------------------------


_FILES = {
    "pkg/__init__.py": "from .factory import create_server_message, create_websocket_manager\n",
    "pkg/factory.py": example_source(
        """
        def create_websocket_manager(user_context, *, timeout=None):
            return user_context


        def create_server_message(msg_type, data):
            return {"type": msg_type, "data": data}


        def connect(url, context, retries=0, timeout=None):
            return url


        async def notify(user_id, error_message=""):
            return error_message
        """
    ),
    "pkg/manager.py": example_source(
        """
        class WebSocketManager:
            def send(self, user_id, message, *, timeout=None):
                return message

            @classmethod
            def create(cls, user_context):
                return cls()
        """
    ),
    "other.py": "def create_websocket_manager(**kwargs):\n    return kwargs\n",
    "app/__init__.py": "",
}
_MANAGER = {"function": "pkg.create_websocket_manager", "keyword_to_positional": {"context": 0}}
_MESSAGE = {"function": "pkg.factory.create_server_message", "add": [{"name": "data", "position": 1, "value": "{}"}]}


_case = functools.partial(example_case, base=_FILES)


CallArgs.examples = (
    _case(
        "keyword becomes positional: the incident's create_websocket_manager(context=ctx)",
        _MANAGER,
        """
        from pkg.factory import create_websocket_manager


        def handler(ctx):
            return create_websocket_manager(context=ctx)
        """,
        """
        from pkg.factory import create_websocket_manager


        def handler(ctx):
            return create_websocket_manager(ctx)
        """,
    ),
    _case(
        "an alias `from m import f as g` is followed",
        _MANAGER,
        """
        from pkg.factory import create_websocket_manager as make_manager

        manager = make_manager(context=None)
        """,
        """
        from pkg.factory import create_websocket_manager as make_manager

        manager = make_manager(None)
        """,
    ),
    _case(
        "module-attribute calls `t.f(...)` through `import a.b as t`",
        _MANAGER,
        """
        import pkg.factory as factory

        manager = factory.create_websocket_manager(context=None)
        """,
        """
        import pkg.factory as factory

        manager = factory.create_websocket_manager(None)
        """,
    ),
    _case(
        "the spec names the definition, the caller imports the re-export",
        {**_MANAGER, "function": "pkg.factory.create_websocket_manager"},
        """
        from pkg import create_websocket_manager

        manager = create_websocket_manager(context=None)
        """,
        """
        from pkg import create_websocket_manager

        manager = create_websocket_manager(None)
        """,
    ),
    _case(
        "a re-export through `from .factory import *` is followed",
        {**_MANAGER, "function": "pkg.factory.create_websocket_manager"},
        """
        from pkg.compat import create_websocket_manager

        manager = create_websocket_manager(context=None)
        """,
        """
        from pkg.compat import create_websocket_manager

        manager = create_websocket_manager(None)
        """,
        files={"pkg/compat.py": "from .factory import *  # noqa: F403\n"},
    ),
    _case(
        "a module-level rebinding with an unknown signature makes the name untrustworthy",
        _MANAGER,
        """
        import functools

        from pkg import create_websocket_manager

        create_websocket_manager = functools.partial(create_websocket_manager, timeout=5)
        manager = create_websocket_manager(context=None)
        """,
        None,
        findings=("SSOT210", "SSOT207"),
    ),
    _case(
        "the function used as a value or named in a string is reported (SSOT210), never edited: calls through them "
        "are out of reach",
        _MANAGER,
        """
        import functools

        import pkg
        from pkg import create_websocket_manager


        def register(callback):
            return callback


        handlers = [create_websocket_manager]
        plugins = {"manager": "pkg.create_websocket_manager", "other": "pkg.other_factory"}
        bound = functools.partial(create_websocket_manager)
        register(callback=create_websocket_manager)
        name = create_websocket_manager.__name__
        setattr(pkg, "create_websocket_manager", lambda context: None)
        manager = create_websocket_manager(context=None)
        handler = create_websocket_manager(context=None)(context=None)  # the outer call calls what it returned
        """,
        """
        import functools

        import pkg
        from pkg import create_websocket_manager


        def register(callback):
            return callback


        handlers = [create_websocket_manager]
        plugins = {"manager": "pkg.create_websocket_manager", "other": "pkg.other_factory"}
        bound = functools.partial(create_websocket_manager)
        register(callback=create_websocket_manager)
        name = create_websocket_manager.__name__
        setattr(pkg, "create_websocket_manager", lambda context: None)
        manager = create_websocket_manager(None)
        handler = create_websocket_manager(None)(context=None)  # the outer call calls what it returned
        """,
        findings=("SSOT210", "SSOT210", "SSOT210", "SSOT210", "SSOT210"),
    ),
    _case(
        "a plain import of a submodule binds its package: `import pkg.manager`, then `pkg.create_websocket_manager(...)`",
        _MANAGER,
        """
        import pkg.manager

        manager = pkg.create_websocket_manager(context=None)
        """,
        """
        import pkg.manager

        manager = pkg.create_websocket_manager(None)
        """,
    ),
    _case(
        "relative imports inside the package",
        _MANAGER,
        """
        from .factory import create_websocket_manager
        from . import factory


        def handler(ctx):
            return create_websocket_manager(context=ctx), factory.create_websocket_manager(context=ctx)
        """,
        """
        from .factory import create_websocket_manager
        from . import factory


        def handler(ctx):
            return create_websocket_manager(ctx), factory.create_websocket_manager(ctx)
        """,
        path="pkg/routes.py",
    ),
    _case(
        "shadowing parameters and an unrelated function of the same name are untouched",
        _MANAGER,
        """
        from other import create_websocket_manager as other_factory
        from pkg import create_websocket_manager


        def handler(ctx, factory=create_websocket_manager):
            factory(context=ctx)
            other_factory(context=ctx)
            return create_websocket_manager(context=ctx)


        def injected(create_websocket_manager, ctx):
            return create_websocket_manager(context=ctx)
        """,
        """
        from other import create_websocket_manager as other_factory
        from pkg import create_websocket_manager


        def handler(ctx, factory=create_websocket_manager):
            factory(context=ctx)
            other_factory(context=ctx)
            return create_websocket_manager(ctx)


        def injected(create_websocket_manager, ctx):
            return create_websocket_manager(context=ctx)
        """,
        findings=("SSOT210",),  # the default `factory=create_websocket_manager`: calls through `factory` are out of reach
    ),
    _case(
        "a missing positional argument is added: create_server_message(\"t\") -> create_server_message(\"t\", {})",
        _MESSAGE,
        """
        from pkg import create_server_message

        ping = create_server_message("ping")
        full = create_server_message("pong", {"ok": True})
        named = create_server_message("pong", data=None)
        """,
        """
        from pkg import create_server_message

        ping = create_server_message("ping", {})
        full = create_server_message("pong", {"ok": True})
        named = create_server_message("pong", data=None)
        """,
    ),
    _case(
        "nested calls are both rewritten",
        _MESSAGE,
        """
        from pkg import create_server_message

        wrapped = create_server_message(create_server_message("inner"))
        """,
        """
        from pkg import create_server_message

        wrapped = create_server_message(create_server_message("inner", {}), {})
        """,
    ),
    _case(
        "multi-line calls: comments travel with their argument",
        {"function": "pkg.factory.connect", "keyword_to_positional": {"context": 1}},
        """
        from pkg.factory import connect

        connection = connect(
            "ws://localhost",  # where
            # retry a little
            retries=3,  # how often
            context=None,  # who
        )
        """,
        """
        from pkg.factory import connect

        connection = connect(
            "ws://localhost",  # where
            None,  # who
            # retry a little
            retries=3,  # how often
        )
        """,
    ),
    _case(
        "multi-line call with one argument: the added one gets its own line",
        _MESSAGE,
        """
        from pkg import create_server_message

        message = create_server_message(
            "status",  # the type
        )
        """,
        """
        from pkg import create_server_message

        message = create_server_message(
            "status",  # the type
            {},
        )
        """,
    ),
    _case(
        "await and calls inside f-strings",
        {"function": "pkg.factory.notify", "rename_keywords": {"message": "error_message"}},
        """
        from pkg import factory


        async def report(user):
            await factory.notify(user, message="failed")
            return f"{await factory.notify(user, message='again')}"
        """,
        """
        from pkg import factory


        async def report(user):
            await factory.notify(user, error_message="failed")
            return f"{await factory.notify(user, error_message='again')}"
        """,
    ),
    _case(
        "a value inserted inside an f-string",
        _MESSAGE,
        """
        from pkg import create_server_message

        text = f"sent {create_server_message('ping')}"
        """,
        """
        from pkg import create_server_message

        text = f"sent {create_server_message('ping', {})}"
        """,
    ),
    _case(
        "positional argument becomes a keyword, a keyword is added, a legacy keyword is removed",
        {
            "function": "pkg.factory.connect",
            "positional_to_keyword": {"retries": 2},
            "add": [{"name": "timeout", "value": "30"}],
            "remove": ["legacy_flag"],
        },
        """
        from pkg.factory import connect

        connect("ws://a", None, 5, legacy_flag=True)
        connect("ws://b", None, timeout=5)
        """,
        """
        from pkg.factory import connect

        connect("ws://a", None, retries=5, timeout=30)
        connect("ws://b", None, timeout=5)
        """,
    ),
    _case(
        "*args/**kwargs that could hide the argument: left unchanged and reported",
        _MANAGER,
        """
        from pkg import create_websocket_manager


        def handler(ctx, *args, **options):
            create_websocket_manager(**options)
            create_websocket_manager(*args, context=ctx)
            return create_websocket_manager(context=ctx, **options)
        """,
        """
        from pkg import create_websocket_manager


        def handler(ctx, *args, **options):
            create_websocket_manager(**options)
            create_websocket_manager(*args, context=ctx)
            return create_websocket_manager(ctx, **options)
        """,
        findings=("SSOT201", "SSOT201"),
    ),
    _case(
        "methods: only through a receiver of known class; the rest is reported",
        {"function": "pkg.manager.WebSocketManager.send", "rename_keywords": {"msg": "message"}},
        """
        from pkg.manager import WebSocketManager


        def handler(manager: WebSocketManager, other):
            manager.send("u1", msg="hi")
            local = WebSocketManager()
            local.send("u2", msg="hello")
            WebSocketManager().send("u3", msg="hey")
            other.send("u4", msg="unknown receiver")
        """,
        """
        from pkg.manager import WebSocketManager


        def handler(manager: WebSocketManager, other):
            manager.send("u1", message="hi")
            local = WebSocketManager()
            local.send("u2", message="hello")
            WebSocketManager().send("u3", message="hey")
            other.send("u4", msg="unknown receiver")
        """,
        findings=("SSOT205",),
    ),
    _case(
        "class methods are called through the class; instance methods through the class are refused",
        {"function": "pkg.manager.WebSocketManager.create", "rename_keywords": {"context": "user_context"}},
        """
        from pkg import manager

        created = manager.WebSocketManager.create(context=None)
        """,
        """
        from pkg import manager

        created = manager.WebSocketManager.create(user_context=None)
        """,
    ),
    _case(
        "an instance method called through its class is refused",
        {"function": "pkg.manager.WebSocketManager.send", "rename_keywords": {"msg": "message"}},
        """
        from pkg.manager import WebSocketManager

        WebSocketManager.send(WebSocketManager(), "u1", msg="hi")
        """,
        None,
        findings=("SSOT206",),
    ),
    _case(
        "a rewrite that would still not bind is reported, not written",
        _MANAGER,
        """
        from pkg import create_websocket_manager

        manager = create_websocket_manager(context=None, verbose=True)
        """,
        None,
        findings=("SSOT202",),
    ),
    _case(
        "a rename to a keyword the call already passes is refused (a repeated keyword does not compile)",
        {"function": "pkg.factory.notify", "rename_keywords": {"message": "error_message"}},
        """
        from pkg.factory import notify

        notify("u1", message="old", error_message="new")
        """,
        None,
        findings=("SSOT209",),
    ),
    _case(
        "keyword_to_positional needs exactly that many positionals before it",
        _MANAGER,
        """
        from pkg import create_websocket_manager

        manager = create_websocket_manager(None, context=None)
        """,
        None,
        findings=("SSOT209",),
    ),
    _case(
        "a name that may be the function or something else is reported",
        _MANAGER,
        """
        import os

        if os.environ.get("LEGACY"):
            from other import create_websocket_manager
        else:
            from pkg import create_websocket_manager

        manager = create_websocket_manager(context=None)
        """,
        None,
        findings=("SSOT207", "SSOT203"),
    ),
    _case(
        "a misspelt function is reported at the spec's `function` key",
        {**_MANAGER, "function": "pkg.factroy.create_websocket_manager"},
        """
        from pkg.factory import create_websocket_manager

        manager = create_websocket_manager(context=None)
        """,
        None,
        findings=("SSOT204",),
    ),
    _case(
        "a local fallback definition: the call must bind to both, and the conflict is reported there",
        _MANAGER,
        """
        try:
            from pkg import create_websocket_manager
        except ImportError:
            def create_websocket_manager(context):
                return context

        manager = create_websocket_manager(context=None)
        """,
        """
        try:
            from pkg import create_websocket_manager
        except ImportError:
            def create_websocket_manager(context):
                return context

        manager = create_websocket_manager(None)
        """,
        findings=("SSOT203",),
    ),
    _case(
        "a try/except ImportError fallback with another signature is reported once, at the fallback",
        {"function": "pkg.create_server_message", "add": [{"name": "data", "position": 1, "value": "{}"}]},
        """
        from pkg import create_server_message

        ping = create_server_message("ping")
        """,
        """
        from pkg import create_server_message

        ping = create_server_message("ping", {})
        """,
        files={
            "pkg/__init__.py": example_source(
                """
                try:
                    from .factory import create_server_message, create_websocket_manager
                except ImportError:
                    def create_server_message(msg_type, data=None):
                        return {"type": msg_type, "data": data}
                """
            ),
        },
        findings=("SSOT203",),
    ),
)
