"""A real HTTP server on 127.0.0.1 standing in for the GitHub REST API: the few endpoints
`--open-pr` uses (list/create/update pulls, add labels), recording every request it gets."""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class Scripted:
    """An answer served instead of the normal one (rate limits, server errors, refusals)."""

    status: int
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    method: str | None = None  # only for requests with this method


class FakeGitHub:
    def __init__(self, token: str = "s3cr3t-token-value", repo: str = "acme/app") -> None:
        self.token = token
        self.repo = repo
        self.requests: list[Recorded] = []
        self.pulls: dict[int, dict[str, Any]] = {}
        self.scripted: list[Scripted] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                status, body, headers = fake.handle(self.command, self.path, dict(self.headers.items()), raw)
                # bytes are served as they are (a proxy's HTML page), anything else as JSON.
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/html" if isinstance(body, bytes) else "application/json")
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def of(self, method: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method]

    # -- the API -----------------------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: dict[str, str], raw: bytes) -> tuple[int, Any, dict[str, str]]:
        parts = urlsplit(target)
        body = json.loads(raw) if raw else None
        with self._lock:
            self.requests.append(Recorded(method, parts.path, parse_qs(parts.query), headers, body))
            for index, scripted in enumerate(self.scripted):
                if scripted.method in (None, method):
                    del self.scripted[index]
                    return scripted.status, scripted.body, scripted.headers
            if headers.get("Authorization") != f"Bearer {self.token}":
                return 401, {"message": "Bad credentials"}, {}
            return self._route(method, parts.path, parse_qs(parts.query), body)

    def _route(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any, dict[str, str]]:
        prefix = f"/repos/{self.repo}"
        if not path.startswith(prefix + "/"):
            return 404, {"message": "Not Found"}, {}
        rest = path[len(prefix):]
        if rest == "/pulls" and method == "GET":
            head = query.get("head", [""])[0]
            state = query.get("state", ["open"])[0]
            found = [p for p in self.pulls.values() if p["head"]["label"] == head and p["state"] == state]
            return 200, found, {}
        if rest == "/pulls" and method == "POST":
            label = f"{self.repo.split('/')[0]}:{body['head']}"
            if any(p["head"]["label"] == label and p["state"] == "open" for p in self.pulls.values()):
                return 422, {"message": "Validation Failed",
                             "errors": [{"message": f"A pull request already exists for {label}."}]}, {}
            number = len(self.pulls) + 1
            self.pulls[number] = {
                "number": number, "html_url": f"https://github.example/{self.repo}/pull/{number}", "state": "open",
                "title": body["title"], "body": body["body"], "draft": body.get("draft", False),
                "head": {"ref": body["head"], "label": label}, "base": {"ref": body["base"]}, "labels": [],
            }
            return 201, self.pulls[number], {}
        match = re.fullmatch(r"/pulls/(\d+)", rest)
        if match and method == "PATCH":
            pull = self.pulls.get(int(match.group(1)))
            if pull is None:
                return 404, {"message": "Not Found"}, {}
            pull.update({k: v for k, v in body.items() if k in ("title", "body")})
            return 200, pull, {}
        match = re.fullmatch(r"/issues/(\d+)/labels", rest)
        if match and method == "POST":
            pull = self.pulls.get(int(match.group(1)))
            if pull is None:
                return 404, {"message": "Not Found"}, {}
            for name in body["labels"]:
                if name not in pull["labels"]:
                    pull["labels"].append(name)
            return 200, [{"name": name} for name in pull["labels"]], {}
        return 404, {"message": "Not Found"}, {}
