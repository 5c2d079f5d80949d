"""How long work says where it is: named phases, and a count within a phase that has one.

The engine, audit and apply call a `Progress`; the CLI decides how it looks (terminal.py).
"""

from __future__ import annotations

from typing import Protocol

# The phases, in the order a plan meets them; audit uses LISTING, PARSING and CHECKING.
LISTING = "listing files"
PREPARING = "repository-wide preparation"
PREFILTER = "byte prefilter"
# audit only parses; a plan parses each candidate file, rewrites it and verifies the rewrite (`rewrite.verify`) in one step.
PARSING = "parsing"
REWRITING = "parsing, rewriting and verifying"
CHECKING = "checking"


class Progress(Protocol):
    def phase(self, name: str, total: int | None = None) -> None:
        """A new phase starts (the previous one is over); `total` is its count of items when it has one."""

    def advance(self, count: int = 1) -> None:
        """`count` more items of the current phase are done."""


class SilentProgress:
    def phase(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


SILENT = SilentProgress()
