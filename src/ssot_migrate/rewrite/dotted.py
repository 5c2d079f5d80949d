"""Dotted names written in strings (`"pkg.mod.Name"`, `"pkg.mod:attr"`): what they become under rename rules.

Plain functions of the text, without libcst: the libcst path (`references.py`) and the `ast` path (`plain.py`)
decide and word the same things with them.
"""

from __future__ import annotations

import re
from typing import Iterable

from ..names import is_dotted_under
from .rules import RenameRule


# A whole string value that is a dotted name, or `module:attr` (an entry point).
DOTTED_VALUE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*(?::[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)?\Z")


def rewrite_dotted_string(value: str, rules: Iterable[RenameRule]) -> str | None:
    """The new value of a string whose whole value is a dotted name (or `module:attr`) under an old name; None
    for any other value (prose that mentions one, a name followed by a newline or a space)."""
    if not DOTTED_VALUE.match(value):
        return None
    dotted = value.replace(":", ".")
    for rule in rules:
        new = rule.string_target
        old = rule.old.dotted
        if new is None or not is_dotted_under(dotted, old):
            continue
        rest = dotted[len(old) :]
        if ":" in value:
            # Keep the colon where the module ends: the attribute part after it keeps its length.
            attr_len = len(value.split(":", 1)[1].split("."))
            rest_len = len(rest.lstrip(".").split(".")) if rest else 0
            module_parts, attr_parts = new.split_for(max(attr_len - rest_len, 0))
            attr_text = ".".join([*attr_parts, *(rest.lstrip(".").split(".") if rest else [])])
            return ".".join(module_parts) + (f":{attr_text}" if attr_text else "")
        return new.dotted + rest
    return None


def names_in_text(text: str, old: str) -> bool:
    """Whether `old` stands in `text` as a whole dotted name (not `old_x`, not `x.old`)."""
    return re.search(r"(?<![\w.])" + re.escape(old) + r"(?![\w])", text) is not None


def dotted_string_note(label: str, value: str, new_value: str) -> str:
    """SSOT110's message: a whole-value dotted string outside the calls `strings = "calls"` rewrites."""
    return (
        f"{label}: this string names {value}, which is now {new_value}; left as is (set strings = \"all\" "
        "on this codemod to rewrite dotted strings everywhere, or edit it)"
    )
