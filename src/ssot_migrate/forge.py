"""Open or update the pull request of a migration branch through the GitHub REST API.

The base URL is configurable (GitHub Enterprise); the token comes from `GITHUB_TOKEN` and only
ever travels in the Authorization header, and only to the API's own origin (no redirect to another
host is followed): never in a URL, a message, a log line or an exception (every message is redacted).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Callable, Mapping

import httpx

from . import TOOL_NAME, __version__
from .errors import ForgeError, UsageError
from .redaction import redact

DEFAULT_API_URL = "https://api.github.com"
TOKEN_VARIABLE = "GITHUB_TOKEN"
API_URL_VARIABLE = "GITHUB_API_URL"
# Transient answers are retried this many times, waiting BACKOFF * 2**attempt seconds (or what the API asks).
RETRIES = 4
BACKOFF = 1.0
# A rate limit that resets later than this is reported instead of waited out.
MAX_WAIT = 300.0
_REPO = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")
# Redirects followed within the API's origin (a renamed repository answers 301/307) before giving up.
MAX_REDIRECTS = 5
_REMOTE_PATH = re.compile(r"^(?:[a-z+]+://[^/]+(?::\d+)?/|[^@/:]+@[^:/]+:|[^@/:]+:(?!//))(?P<path>[^\s]+?)(?:\.git)?/?$")


@dataclass(frozen=True)
class PullRequest:
    number: int
    url: str
    action: str  # "created", "updated" or "unchanged"

    def to_json(self) -> dict[str, Any]:
        return {"number": self.number, "url": self.url, "action": self.action}


def repo_from_remote_url(url: str) -> str | None:
    """`owner/name` from `git@github.com:owner/name.git`, `https://host/owner/name`, `ssh://git@host/owner/name`."""
    match = _REMOTE_PATH.match(url.strip())
    if not match:
        return None
    path = match.group("path").strip("/")
    parts = path.split("/")
    if len(parts) < 2:
        return None
    candidate = "/".join(parts[-2:])
    return candidate if _REPO.match(candidate) else None


def check_api_url(url: str, where: str = "--api-url") -> str:
    """The API base URL, refused when it carries credentials (they would be printed and sent to proxies)."""
    parts = httpx.URL(url) if _parses(url) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.host:
        raise UsageError(f"{where} {redact(url)!r}: not an http(s) URL; write it as https://HOST/api/v3")
    if parts.userinfo:
        raise UsageError(f"{where} {redact(url)!r}: credentials in the URL are refused; remove USER:PASSWORD@ and "
                         f"put the token in {TOKEN_VARIABLE}")
    return url


def _parses(url: str) -> bool:
    try:
        httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return False
    return True


def _origin(url: httpx.URL) -> str:
    port = f":{url.port}" if url.port else ""
    return f"{url.scheme}://{url.host}{port}"


def check_repo_name(repo: str) -> str:
    if not _REPO.match(repo):
        raise UsageError(f"--repo {repo!r}: write it as OWNER/NAME")
    return repo


class GitHub:
    """The few GitHub REST calls a migration pull request needs, with retries for transient answers."""

    def __init__(
        self,
        api_url: str,
        token: str,
        repo: str,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        backoff: float = BACKOFF,
    ) -> None:
        self.api_url = check_api_url(api_url).rstrip("/")
        self.repo = check_repo_name(repo)
        self._token = token
        self._sleep = sleep
        self._backoff = backoff
        self._client = httpx.Client(
            base_url=self.api_url,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": "2022-11-28",
                "User-Agent": f"{TOOL_NAME}/{__version__}",
            },
            timeout=httpx.Timeout(30.0),
            transport=transport,
            # Redirects are followed by hand, within the API's origin only (the token and body stay there).
            follow_redirects=False,
        )

    def __repr__(self) -> str:
        return f"GitHub({self.api_url!r}, repo={self.repo!r})"

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> GitHub:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the calls ---------------------------------------------------------------------------------

    def open_pull_for(self, branch: str) -> dict[str, Any] | None:
        owner = self.repo.split("/")[0]
        pulls = self._request("GET", f"/repos/{self.repo}/pulls", params={"head": f"{owner}:{branch}", "state": "open"})
        for pull in pulls or []:
            if pull.get("head", {}).get("ref") == branch:
                return pull
        return None

    def create_pull(self, *, branch: str, base: str, title: str, body: str, draft: bool) -> dict[str, Any]:
        payload = {"title": title, "head": branch, "base": base, "body": body, "draft": draft,
                   "maintainer_can_modify": True}
        return self._request("POST", f"/repos/{self.repo}/pulls", json=payload)

    def update_pull(self, number: int, *, title: str, body: str) -> dict[str, Any]:
        return self._request("PATCH", f"/repos/{self.repo}/pulls/{number}", json={"title": title, "body": body})

    def add_labels(self, number: int, labels: list[str]) -> None:
        self._request("POST", f"/repos/{self.repo}/issues/{number}/labels", json={"labels": labels})

    def open_or_update(
        self, *, branch: str, base: str, title: str, body: str, draft: bool, labels: list[str], update_body: bool = True
    ) -> PullRequest:
        """The pull request of `branch`: the open one is updated (title, body), else one is created."""
        existing = self.open_pull_for(branch)
        if existing is None:
            pull = self.create_pull(branch=branch, base=base, title=title, body=body, draft=draft)
            action = "created"
        elif update_body:
            pull = self.update_pull(existing["number"], title=title, body=body)
            action = "updated"
        else:
            pull, action = existing, "unchanged"
        if labels:
            self.add_labels(pull["number"], labels)
        return PullRequest(pull["number"], pull.get("html_url", ""), action)

    # -- transport -----------------------------------------------------------------------------------

    def _redact(self, text: str) -> str:
        return redact(text, (self._token,))

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call, following redirects only to the API's own origin."""
        origin = _origin(httpx.URL(self.api_url))
        url: str | httpx.URL = path
        for _ in range(MAX_REDIRECTS + 1):
            response = self._client.request(method, url, **kwargs)
            if response.status_code not in (301, 302, 303, 307, 308) or "location" not in response.headers:
                return response
            target = response.url.join(response.headers["location"])
            if _origin(target) != origin:
                raise ForgeError(self._redact(
                    f"GitHub API {method} {path} answered {response.status_code} redirecting from {origin} to "
                    f"{_origin(target)}; ssot-migrate never follows a redirect to another origin (the token and "
                    "the request would go there): check --api-url"
                ))
            if response.status_code == 303:
                method, kwargs = "GET", {k: v for k, v in kwargs.items() if k not in ("json", "content", "data")}
            url = target
        raise ForgeError(self._redact(f"GitHub API {method} {path}: more than {MAX_REDIRECTS} redirects"))

    def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        for attempt in range(RETRIES + 1):
            try:
                response = self._send(method, path, **kwargs)
            except httpx.TimeoutException:
                problem, wait = f"{method} {path} timed out", self._backoff * 2**attempt
            except httpx.TransportError as exc:
                problem, wait = f"cannot reach {self.api_url}: {type(exc).__name__}: {exc}", self._backoff * 2**attempt
            else:
                if response.status_code < 300:
                    return response.json() if response.content else None
                wait_for = _transient_wait(response, self._backoff * 2**attempt)
                if wait_for is None:
                    raise ForgeError(self._redact(_describe_failure(method, path, response, self.repo))) from None
                problem, wait = _describe_failure(method, path, response, self.repo), wait_for
            if attempt == RETRIES:
                break
            if wait > MAX_WAIT:
                raise ForgeError(self._redact(
                    f"{problem}; the API asks to wait {wait:.0f}s, more than ssot-migrate waits ({MAX_WAIT:.0f}s)"
                ))
            self._sleep(wait)
        raise ForgeError(self._redact(f"{problem} (gave up after {RETRIES + 1} attempts)"))


def _transient_wait(response: httpx.Response, backoff: float) -> float | None:
    """Seconds to wait before retrying a rate-limited or 5xx answer; None when retrying cannot help."""
    status = response.status_code
    headers = response.headers
    if status >= 500:
        return _retry_after(headers) or backoff
    if status in (403, 429):
        retry_after = _retry_after(headers)
        if retry_after is not None:
            return retry_after
        if headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset", "").isdigit():
            return max(0.0, int(headers["x-ratelimit-reset"]) - time.time()) + 1.0
        if status == 429 or "rate limit" in _message(response).lower():
            # GitHub's documented minimum for a secondary rate limit without a Retry-After header.
            return max(backoff, 60.0)
    return None


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after")
    if value is None:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text[:200].strip()
    if not isinstance(data, dict):
        return ""
    message = str(data.get("message", ""))
    details = [
        str(e.get("message") or e.get("code") or "") if isinstance(e, dict) else str(e)
        for e in data.get("errors", []) or []
    ]
    details = [d for d in details if d]
    return message + (f": {'; '.join(details)}" if details else "")


def _describe_failure(method: str, path: str, response: httpx.Response, repo: str) -> str:
    status = response.status_code
    text = f"GitHub API {method} {path} answered {status} {response.reason_phrase}"
    message = _message(response)
    if message:
        text += f": {message}"
    if status == 401:
        text += f" ({TOKEN_VARIABLE} was rejected: check that it is valid and not expired)"
    elif status == 403 and "rate limit" not in message.lower():
        text += f" (the token lacks permission on {repo}: it needs pull requests and issues write access)"
    elif status == 404:
        text += f" ({repo} does not exist or the token cannot see it; check --repo and --api-url)"
    return text
