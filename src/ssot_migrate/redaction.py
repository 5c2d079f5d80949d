"""The one redaction step: every message that can carry server text, git output or a URL passes here
before anyone sees it (tokens, URL userinfo, Authorization headers, credential variables' values)."""

from __future__ import annotations

import fnmatch
import os
import re
from typing import Iterable, Mapping

HIDDEN = "***"
# Environment variables that hold credentials: the gate drops them and every message hides their values.
CREDENTIAL_PATTERNS: tuple[str, ...] = (
    "GITHUB_TOKEN", "GH_TOKEN", "*_TOKEN", "*_SECRET", "*_PASSWORD", "SSH_AUTH_SOCK",
    "GIT_ASKPASS", "SSH_ASKPASS", "SUDO_ASKPASS",
)
# A value shorter than this is not hidden by value: it would blank out ordinary words.
_MIN_SECRET = 6
_URL_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]+@")
_AUTH_HEADER = re.compile(r"(?im)(?P<name>\b(?:proxy-)?authorization\b\s*[:=]\s*)[^\r\n\"',}]+")
# "token" is an ordinary word too: after it only a value with a digit is taken for a credential.
_SCHEME_CREDENTIAL = re.compile(
    r"(?i)\b(?:(?P<scheme>bearer|basic)\s+[A-Za-z0-9._~+/=-]{6,}|(?P<word>token)\s+(?=[A-Za-z._~+/=-]*\d)[A-Za-z0-9._~+/=-]{6,})"
)
_KNOWN_TOKENS = re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{16,})")


def is_credential_variable(name: str) -> bool:
    upper = name.upper()
    return any(fnmatch.fnmatchcase(upper, pattern) for pattern in CREDENTIAL_PATTERNS)


def environment_secrets(env: Mapping[str, str] | None = None) -> list[str]:
    """The values of the credential variables in `env` (default: this process's environment)."""
    env = os.environ if env is None else env
    return [value for name, value in env.items() if is_credential_variable(name) and len(value) >= _MIN_SECRET]


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without credentials: the given secrets and the credential variables' values, URL
    userinfo (`https://user:token@host`), Authorization header values and bearer/basic credentials."""
    for secret in sorted({s for s in (*secrets, *environment_secrets()) if len(s) >= _MIN_SECRET}, key=len,
                         reverse=True):
        text = text.replace(secret, HIDDEN)
    text = _URL_USERINFO.sub(rf"\g<scheme>{HIDDEN}@", text)
    text = _AUTH_HEADER.sub(rf"\g<name>{HIDDEN}", text)
    text = _SCHEME_CREDENTIAL.sub(lambda m: f"{m.group('scheme') or m.group('word')} {HIDDEN}", text)
    return _KNOWN_TOKENS.sub(HIDDEN, text)
