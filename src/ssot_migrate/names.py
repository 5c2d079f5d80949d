"""Dotted names as written in specs (`a.b.C`, `a.b:C.d`) and how they match qualified names."""

from __future__ import annotations

import keyword
from dataclasses import dataclass
from typing import Iterator


class DottedNameError(ValueError):
    """A spec name is not a dotted Python name."""


@dataclass(frozen=True)
class DottedName:
    """A dotted path, optionally with a known module/attribute split.

    `module_len` is the number of leading parts that form the module when the
    spec used libcst's colon convention (`pkg.mod:Name` -> 2); None when the
    split is unknown and has to be mirrored from each site.
    """

    parts: tuple[str, ...]
    module_len: int | None = None

    @classmethod
    def parse(cls, text: str) -> DottedName:
        if not isinstance(text, str) or not text.strip():
            raise DottedNameError("expected a dotted name such as 'pkg.module.Name', got an empty value")
        if text != text.strip():
            raise DottedNameError(f"{text!r} has whitespace around it: write {text.strip()!r}")
        if any(ord(c) < 32 or ord(c) == 127 or c.isspace() for c in text):
            raise DottedNameError(f"{text!r} contains whitespace or a control character")
        module_len: int | None = None
        if ":" in text:
            if text.count(":") > 1:
                raise DottedNameError(f"{text!r} has more than one ':'")
            module, attr = text.split(":")
            if not module:
                raise DottedNameError(f"{text!r} has no module before ':' (write 'pkg.module:{attr}')")
            parts = tuple(module.split("."))
            module_len = len(parts)
            if attr:
                parts = parts + tuple(attr.split("."))
        else:
            parts = tuple(text.split("."))
        for part in parts:
            if not part.isidentifier() or keyword.iskeyword(part):
                raise DottedNameError(f"{text!r} is not a dotted Python name ({part!r} is not an identifier)")
        return cls(parts, module_len)

    @classmethod
    def of(cls, dotted: str) -> DottedName:
        """A name from a trusted dotted string (no colon, already valid)."""
        return cls(tuple(dotted.split(".")))

    @property
    def dotted(self) -> str:
        return ".".join(self.parts)

    @property
    def leaf(self) -> str:
        return self.parts[-1]

    @property
    def is_builtin(self) -> bool:
        return len(self.parts) == 2 and self.parts[0] == "builtins"

    def __str__(self) -> str:
        if self.module_len is None or self.module_len == len(self.parts):
            return self.dotted + (":" if self.module_len == len(self.parts) else "")
        return ".".join(self.parts[: self.module_len]) + ":" + ".".join(self.parts[self.module_len :])

    def split_for(self, attr_len: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """(module parts, attribute parts) of this name at a site.

        With a colon the split is fixed. Without one, the last `attr_len`
        parts take the role the matching parts of the old name had at the
        site (mirroring), keeping at least one module part.
        """
        if self.module_len is not None:
            return self.parts[: self.module_len], self.parts[self.module_len :]
        attr_len = max(0, min(attr_len, len(self.parts) - 1))
        cut = len(self.parts) - attr_len
        return self.parts[:cut], self.parts[cut:]


def is_dotted_under(name: str, prefix: str) -> bool:
    """True when `name` is `prefix` or lies below it (`a.b.c` under `a.b`, not `a.bc`)."""
    return name == prefix or name.startswith(prefix + ".")


def dotted_prefixes(name: str) -> Iterator[str]:
    """`a`, `a.b`, `a.b.c` for `a.b.c`: every path `name` is or lies under."""
    cut = name.find(".")
    while cut != -1:
        yield name[:cut]
        cut = name.find(".", cut + 1)
    yield name


def replace_prefix(name: str, old: str, new: str) -> str:
    """`name` with its leading `old` replaced by `new` (caller checked is_dotted_under)."""
    return new + name[len(old) :]
