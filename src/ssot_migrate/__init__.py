"""ssot-migrate: finish single-source-of-truth migrations with declarative, gated codemods."""

from __future__ import annotations

__version__ = "0.1.0"
TOOL_NAME = "ssot-migrate"
