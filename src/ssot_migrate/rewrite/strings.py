"""Dotted names in strings: the calls whose string argument is an import target (`mock.patch`,
`importlib.import_module`, ...), rewriting such a string, and whole-token rewrites in text files."""

from __future__ import annotations

import re
from typing import Iterable

import libcst as cst

from ..bindings import FileContext, dotted_of, string_value
from ..names import is_dotted_under
from .dotted import DOTTED_VALUE, names_in_text, rewrite_dotted_string  # noqa: F401 - re-exported
from .rules import RenameRule
from .string_calls import FIXTURE_STRING_CALLS, STRING_TARGET_CALLS


# `importlib.import_module(name, package)`: the package argument is a module path too.
IMPORT_MODULE_CALLS = frozenset({"importlib.import_module"})


# `patch.object(module, "name")`-style calls: (object, attribute-name string). The builtins that name an attribute
# by a string (`hasattr(pkg, "Name")`) follow a renamed or moved attribute the same way.
OBJECT_ATTRIBUTE_CALLS = {
    "unittest.mock.patch.object",
    "mock.patch.object",
    "builtins.getattr",
    "builtins.hasattr",
    "builtins.setattr",
    "builtins.delattr",
}


FIXTURE_OBJECT_ATTRIBUTE_CALLS = {"mocker.patch.object", "monkeypatch.setattr", "monkeypatch.delattr"}


_TOKEN_BOUNDARY = rb"(?<![A-Za-z0-9_.])"


_TOKEN_END = rb"(?![A-Za-z0-9_])"


def rewrite_text_tokens(data: bytes, rules: Iterable[RenameRule]) -> tuple[bytes, list[tuple[int, int]]]:
    """Whole-token occurrences of each old dotted name (or `module:attr` spelling) in a text file."""
    edits: list[tuple[int, int]] = []
    for rule in rules:
        old_parts = rule.old.parts
        spellings = [".".join(old_parts)] + [
            ".".join(old_parts[:i]) + ":" + ".".join(old_parts[i:]) for i in range(1, len(old_parts))
        ]
        pattern = re.compile(
            _TOKEN_BOUNDARY + b"(" + b"|".join(re.escape(s.encode()) for s in spellings) + b")" + _TOKEN_END
        )
        out = bytearray()
        last = 0
        for match in pattern.finditer(data):
            text = match.group(1).decode()
            if ":" in text:
                attr_len = len(text.split(":", 1)[1].split("."))
                module, attr = rule.new.split_for(attr_len)
                replacement = ".".join(module) + (":" + ".".join(attr) if attr else "")
            else:
                replacement = rule.new.dotted
            line = data.count(b"\n", 0, match.start()) + 1
            col = match.start() - (data.rfind(b"\n", 0, match.start()) + 1) + 1
            edits.append((line, col))
            out += data[last : match.start()] + replacement.encode()
            last = match.end()
        out += data[last:]
        data = bytes(out)
    return data, edits


def rewritten_literal(node: cst.SimpleString, value: str, new_value: str) -> cst.SimpleString | None:
    """`node` holding `new_value` instead of `value`, written with the same prefix and quotes; None when its text
    between the quotes is not the plain value (escapes: only a person can say how to write the new one)."""
    body = node.value[len(node.prefix) + len(node.quote) : len(node.value) - len(node.quote)]
    if body != value:
        return None
    rewritten = node.with_changes(value=f"{node.prefix}{node.quote}{new_value}{node.quote}")
    try:
        return rewritten if rewritten.evaluated_value == new_value else None
    except Exception:  # noqa: BLE001 - a literal we cannot evaluate is not written
        return None


def literal_prefix(node: cst.BaseExpression) -> str | None:
    """The literal text a concatenation starts with ('' when it starts with something else)."""
    if isinstance(node, cst.SimpleString):
        return string_value(node) or ""
    if isinstance(node, cst.ConcatenatedString):
        left = literal_prefix(node.left)  # type: ignore[arg-type]
        right = literal_prefix(node.right)  # type: ignore[arg-type]
        return (left or "") + (right or "") if left is not None else None
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left = literal_prefix(node.left)
        if left is None:
            return None
        right = node.right
        if isinstance(right, (cst.SimpleString, cst.ConcatenatedString)):
            return left + (literal_prefix(right) or "")
        return left
    return None


class CallStringFinder(cst.CSTVisitor):
    """String arguments that name import targets, and string concatenations in those places."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self.targets: list[cst.SimpleString] = []
        self.object_attributes: list[tuple[cst.BaseExpression, cst.SimpleString]] = []
        self.concatenations: list[cst.BaseExpression] = []
        self.all_strings: list[cst.SimpleString] = []
        # Literal text that builds a string at run time (`"from pkg.old import " + name`, an f-string).
        self.built: list[tuple[cst.CSTNode, str]] = []
        # Targets (by identity) of calls that patch what a name is bound to (`mock.patch`, `monkeypatch.setattr`).
        self.patches: set[int] = set()

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.all_strings.append(node)

    def visit_BinaryOperation(self, node: cst.BinaryOperation) -> None:
        if isinstance(node.operator, (cst.Add, cst.Modulo)):
            for side in (node.left, node.right):
                if isinstance(side, cst.SimpleString) and (text := string_value(side)) is not None:
                    self.built.append((side, text))

    def visit_FormattedString(self, node: cst.FormattedString) -> None:
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                self.built.append((node, part.value))

    def visit_Call(self, node: cst.Call) -> None:
        names = set(self.ctx.qualified_names(node.func))
        written = dotted_of(node.func)
        if written is not None:
            names.add(written)
        keyword = None
        patching = False
        for name in names:
            keyword = STRING_TARGET_CALLS.get(name) or FIXTURE_STRING_CALLS.get(name)
            if keyword:
                patching = "patch" in name
                break
        positional = [a for a in node.args if a.keyword is None and not a.star]
        if names & IMPORT_MODULE_CALLS:
            # `import_module(".sub", "pkg.old")`: the package a relative name is resolved against.
            package = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == "package"), None)
            if package is None and len(positional) >= 2:
                package = positional[1].value
            if package is not None:
                self._take(package)
        if keyword:
            argument = next((a.value for a in node.args if a.keyword is not None and a.keyword.value == keyword), None)
            if argument is None and positional:
                argument = positional[0].value
            is_fixture_object_form = written in FIXTURE_OBJECT_ATTRIBUTE_CALLS and len(positional) >= 2 and not isinstance(
                positional[0].value, cst.SimpleString
            )
            if argument is not None and not is_fixture_object_form:
                self._take(argument)
                if patching:
                    self.patches.add(id(argument))
        if (names & OBJECT_ATTRIBUTE_CALLS) or (written in FIXTURE_OBJECT_ATTRIBUTE_CALLS and len(positional) >= 2):
            if len(positional) >= 2 and isinstance(positional[1].value, cst.SimpleString):
                if not isinstance(positional[0].value, cst.SimpleString):
                    self.object_attributes.append((positional[0].value, positional[1].value))

    def _take(self, argument: cst.BaseExpression) -> None:
        if isinstance(argument, cst.SimpleString):
            self.targets.append(argument)
        elif isinstance(argument, (cst.ConcatenatedString, cst.BinaryOperation)):
            self.concatenations.append(argument)
