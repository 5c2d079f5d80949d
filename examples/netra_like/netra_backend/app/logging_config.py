"""One logger hierarchy for the whole backend."""

from __future__ import annotations

import logging

central_logger = logging.getLogger("netra_backend")


def get_logger(name: str) -> logging.Logger:
    return central_logger.getChild(name.rsplit(".", 1)[-1])
