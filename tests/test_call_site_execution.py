"""Rewritten call sites are run, not just read: the produced messages carry the right codes and the moved
arguments land in the right parameters."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from .helpers import make_repo, run_cli, spec_text


def _src(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def _run(repo: Path, code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _src(code)], cwd=repo, capture_output=True, text=True, timeout=60,
        env={"PYTHONPATH": str(repo), "PYTHONDONTWRITEBYTECODE": "1", "PATH": "/usr/bin:/bin"},
    )


ERRORS = {
    "app/__init__.py": "",
    "app/errors.py": _src(
        """
        import enum


        class ErrorCode(str, enum.Enum):
            AUTH_FAILED = "AUTH_FAILED"
            INVALID_JSON_FORMAT = "INVALID_JSON_FORMAT"
            WEB_SOCKET_CLOSED = "WEB_SOCKET_CLOSED"
            INNER = "INNER"
            INTERNAL_ERROR = "INTERNAL_ERROR"


        def create_error_message(error_code: ErrorCode, error_message: str) -> dict:
            if not isinstance(error_code, ErrorCode):
                raise TypeError(f"not an ErrorCode: {error_code!r}")
            return {"code": error_code.value, "message": error_message}
        """
    ),
    "app/handlers.py": _src(
        """
        import asyncio

        from app import errors


        async def send(message):
            await asyncio.sleep(0)
            return message


        async def handle(payload, closed):
            results = [
                errors.create_error_message(
                    # what the user sees
                    error_message="Authentication failed",  # keep it short
                ),
                errors.create_error_message("Invalid JSON format"),
                await send(errors.create_error_message('WebSocket closed!')),
                f"{errors.create_error_message('Invalid JSON format')['code']}",
                errors.create_error_message(errors.create_error_message("Inner")["message"]),
                errors.create_error_message(f"payload {payload!r} rejected"),
            ]
            return results
        """
    ),
}
ERRORS_SPEC = spec_text([{
    "kind": "error-code-message",
    "function": "app.errors.create_error_message",
    "codes": {"Authentication failed": "AUTH_FAILED"},
    "dynamic": "INTERNAL_ERROR",
    "code_template": "ErrorCode.{code}",
    "code_import": "app.errors:ErrorCode",
}])


def test_enum_codes_are_inserted_and_imported_and_the_messages_carry_them(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {**ERRORS, "migration.toml": ERRORS_SPEC})
    driver = """
        import asyncio, json
        from app.handlers import handle
        print(json.dumps(asyncio.run(handle({"a": 1}, True))))
    """
    before = _run(repo, driver)
    assert "TypeError" in before.stderr

    applied = run_cli("apply", "--in-place", "--spec", "migration.toml", cwd=repo)
    assert applied.returncode == 0, applied.stderr.decode()
    handlers = (repo / "app/handlers.py").read_text()
    assert "from app.errors import ErrorCode\n" in handlers
    assert "# what the user sees\n" in handlers and '"Authentication failed",  # keep it short\n' in handlers

    after = _run(repo, driver)
    assert after.returncode == 0, after.stderr
    results = json.loads(after.stdout)
    assert results == [
        {"code": "AUTH_FAILED", "message": "Authentication failed"},
        {"code": "INVALID_JSON_FORMAT", "message": "Invalid JSON format"},
        {"code": "WEB_SOCKET_CLOSED", "message": "WebSocket closed!"},
        "INVALID_JSON_FORMAT",
        {"code": "INTERNAL_ERROR", "message": "Inner"},
        {"code": "INTERNAL_ERROR", "message": "payload {'a': 1} rejected"},
    ]


CONNECT = {
    "app/__init__.py": "",
    "app/transport.py": _src(
        """
        def connect(url, context, retries=0, *, timeout=10.0):
            return {"url": url, "context": context, "retries": retries, "timeout": timeout}
        """
    ),
    "app/client.py": _src(
        """
        from app.transport import connect as open_connection


        def start(ctx):
            return [
                open_connection(
                    "ws://primary",  # main
                    retries=3,  # flaky network
                    context=ctx,
                    legacy_flag=True,
                ),
                open_connection("ws://backup", ctx, 1, 2.5),
            ]
        """
    ),
}
CONNECT_SPEC = spec_text([{
    "kind": "call-args",
    "function": "app.transport.connect",
    "keyword_to_positional": {"context": 1},
    "remove": ["legacy_flag"],
    "add": [{"name": "timeout", "value": "30.0"}],
}, {
    "kind": "call-args",
    "function": "app.transport.connect",
    "positional_to_keyword": {"retries": 2},
}])


def test_moved_arguments_land_in_the_right_parameters(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {**CONNECT, "migration.toml": CONNECT_SPEC})
    driver = """
        import json
        from app.client import start
        print(json.dumps(start("user-1")))
    """
    assert "TypeError" in _run(repo, driver).stderr

    plan = run_cli("plan", "--spec", "migration.toml", "--format", "json", cwd=repo)
    findings = json.loads(plan.stdout)["findings"]
    # The second call passes 4 positionals, which the strict signature never accepted: adding `timeout=` would
    # not make it bind (reported, not edited), and turning position 2 into `retries=` would shift position 3.
    assert [(f["code"], f["codemod"]) for f in findings] == [("SSOT202", 0), ("SSOT209", 1)]
    assert "takes 3 positional arguments but 4 were given" in findings[0]["message"]

    applied = run_cli("apply", "--in-place", "--spec", "migration.toml", cwd=repo)
    assert applied.returncode == 0, applied.stderr.decode()
    assert (repo / "app/client.py").read_text() == _src(
        """
        from app.transport import connect as open_connection


        def start(ctx):
            return [
                open_connection(
                    "ws://primary",  # main
                    ctx,
                    retries=3,  # flaky network
                    timeout=30.0,
                ),
                open_connection("ws://backup", ctx, 1, 2.5),
            ]
        """
    )
