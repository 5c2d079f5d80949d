"""The GitHub client against a real HTTP server on 127.0.0.1: what it sends, retries, and how it fails."""

from __future__ import annotations

import socket
import time
from typing import Iterator

import pytest

from ssot_migrate.forge import ForgeError, GitHub, repo_from_remote_url

from .forge_server import FakeGitHub, Scripted


@pytest.fixture
def server() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    yield fake
    fake.close()


def client(server: FakeGitHub, waits: list[float], token: str | None = None) -> GitHub:
    return GitHub(server.url, token or server.token, server.repo, sleep=waits.append)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("git@github.com:acme/app.git", "acme/app"),
        ("https://github.com/acme/app.git", "acme/app"),
        ("https://github.com/acme/app", "acme/app"),
        ("https://x-access-token:abc@github.com/acme/app.git", "acme/app"),
        ("ssh://git@github.example.com:2222/acme/app.git", "acme/app"),
        ("github.com:acme/app.git", "acme/app"),
        ("/srv/git/app.git", None),
        ("../app", None),
    ],
)
def test_owner_and_name_come_from_the_remote_url(url: str, expected: str | None) -> None:
    assert repo_from_remote_url(url) == expected


def test_a_pull_request_is_created_then_updated_for_the_same_branch(server: FakeGitHub) -> None:
    waits: list[float] = []
    with client(server, waits) as github:
        first = github.open_or_update(branch="ssot/x", base="main", title="T1", body="B1", draft=True,
                                      labels=["ssot", "bot"])
        second = github.open_or_update(branch="ssot/x", base="main", title="T2", body="B2", draft=True, labels=[])
    assert (first.number, first.action) == (1, "created")
    assert (second.number, second.action) == (1, "updated")
    assert first.url == "https://github.example/acme/app/pull/1"
    assert [(r.method, r.path) for r in server.requests] == [
        ("GET", "/repos/acme/app/pulls"),
        ("POST", "/repos/acme/app/pulls"),
        ("POST", "/repos/acme/app/issues/1/labels"),
        ("GET", "/repos/acme/app/pulls"),
        ("PATCH", "/repos/acme/app/pulls/1"),
    ]
    assert server.requests[0].query == {"head": ["acme:ssot/x"], "state": ["open"]}
    created = server.requests[1].body
    assert created == {"title": "T1", "head": "ssot/x", "base": "main", "body": "B1", "draft": True,
                       "maintainer_can_modify": True}
    assert server.requests[2].body == {"labels": ["ssot", "bot"]}
    assert server.requests[4].body == {"title": "T2", "body": "B2"}
    assert all(r.headers["Authorization"] == f"Bearer {server.token}" for r in server.requests)
    assert server.pulls[1]["body"] == "B2" and waits == []


def test_server_errors_are_retried_with_backoff(server: FakeGitHub) -> None:
    server.scripted += [Scripted(502, {"message": "Bad Gateway"}), Scripted(503, {"message": "Unavailable"})]
    waits: list[float] = []
    with client(server, waits) as github:
        pull = github.open_or_update(branch="b", base="main", title="t", body="b", draft=False, labels=[])
    assert pull.action == "created"
    assert waits == [1.0, 2.0]
    assert [r.method for r in server.requests] == ["GET", "GET", "GET", "POST"]


def test_a_rate_limit_waits_as_long_as_the_api_asks(server: FakeGitHub) -> None:
    server.scripted.append(Scripted(429, {"message": "API rate limit exceeded"}, {"Retry-After": "7"}))
    server.scripted.append(Scripted(403, {"message": "API rate limit exceeded"},
                                    {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) + 20)}))
    waits: list[float] = []
    with client(server, waits) as github:
        assert github.open_pull_for("b") is None
    assert waits[0] == 7.0
    assert 15.0 <= waits[1] <= 22.0


def test_a_rate_limit_that_resets_too_late_is_reported_not_waited_out(server: FakeGitHub) -> None:
    server.scripted.append(Scripted(403, {"message": "API rate limit exceeded"},
                                    {"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(int(time.time()) + 3600)}))
    waits: list[float] = []
    with client(server, waits) as github, pytest.raises(ForgeError, match="asks to wait") as caught:
        github.open_pull_for("b")
    assert waits == []
    assert "403" in caught.value.message


def test_a_client_error_is_a_clear_message_without_the_token(server: FakeGitHub) -> None:
    waits: list[float] = []
    with client(server, waits) as github:
        github.create_pull(branch="b", base="main", title="t", body="b", draft=False)
        with pytest.raises(ForgeError) as caught:
            github.create_pull(branch="b", base="main", title="t", body="b", draft=False)
    message = caught.value.message
    assert message == (
        "GitHub API POST /repos/acme/app/pulls answered 422 Unprocessable Entity: Validation Failed: "
        "A pull request already exists for acme:b."
    )
    assert waits == [] and caught.value.exit_code == 1


def test_a_rejected_token_says_so_and_never_shows_it(server: FakeGitHub) -> None:
    secret = "ghp_wrong-token-never-printed"
    waits: list[float] = []
    github = client(server, waits, token=secret)
    with pytest.raises(ForgeError) as caught:
        github.open_pull_for("b")
    assert "401" in caught.value.message and "GITHUB_TOKEN was rejected" in caught.value.message
    for text in (caught.value.message, str(caught.value), repr(caught.value), repr(github)):
        assert secret not in text
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert server.requests[0].headers["Authorization"] == f"Bearer {secret}"


def test_an_unreachable_api_is_retried_then_reported(server: FakeGitHub) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    waits: list[float] = []
    github = GitHub(f"http://127.0.0.1:{port}", "tok-abc", "acme/app", sleep=waits.append)
    with pytest.raises(ForgeError, match=r"cannot reach http://127\.0\.0\.1:\d+.*gave up after 5 attempts") as caught:
        github.open_pull_for("b")
    assert waits == [1.0, 2.0, 4.0, 8.0]
    assert "tok-abc" not in caught.value.message


# -- secrets: one redaction step, no redirect to another origin, no credentials in --api-url -------------------


def test_an_error_body_echoing_the_authorization_header_never_shows_the_token(server: FakeGitHub) -> None:
    server.scripted.append(Scripted(401, {"message": f"Bad credentials for request with Authorization: Bearer "
                                                     f"{server.token}"}))
    with client(server, []) as github, pytest.raises(ForgeError) as caught:
        github.open_pull_for("b")
    assert "401" in caught.value.message and "Authorization: ***" in caught.value.message
    assert server.token not in caught.value.message and server.token not in str(caught.value)


def test_a_proxy_error_page_quoting_the_request_is_redacted_on_every_retry(server: FakeGitHub) -> None:
    page = (f"<html><body>502 Bad Gateway<pre>GET /repos/acme/app/pulls\nauthorization: token {server.token}\n"
            f"</pre></body></html>").encode()
    server.scripted += [Scripted(502, page) for _ in range(5)]
    waits: list[float] = []
    with client(server, waits) as github, pytest.raises(ForgeError, match="gave up after 5 attempts") as caught:
        github.open_pull_for("b")
    assert "502" in caught.value.message
    assert server.token not in caught.value.message and "authorization: ***" in caught.value.message


def test_a_redirect_to_another_origin_is_not_followed_and_names_both_origins(server: FakeGitHub) -> None:
    elsewhere = FakeGitHub(token="other")
    try:
        server.scripted.append(Scripted(307, {}, {"Location": f"{elsewhere.url}/repos/acme/app/pulls"}))
        with client(server, []) as github, pytest.raises(ForgeError) as caught:
            github.create_pull(branch="b", base="main", title="secret title", body="private body", draft=False)
    finally:
        elsewhere.close()
    assert elsewhere.requests == []
    assert server.url in caught.value.message and elsewhere.url in caught.value.message
    assert "never follows a redirect to another origin" in caught.value.message
    assert server.pulls == {}


def test_a_redirect_within_the_api_origin_is_followed_with_the_same_request(server: FakeGitHub) -> None:
    server.scripted.append(Scripted(307, {}, {"Location": "/repos/acme/app/pulls"}, method="POST"))
    with client(server, []) as github:
        pull = github.create_pull(branch="b", base="main", title="t", body="B", draft=False)
    assert pull["number"] == 1 and server.pulls[1]["body"] == "B"
    assert [(r.method, r.path) for r in server.requests] == [("POST", "/repos/acme/app/pulls")] * 2


@pytest.mark.parametrize("url", ["http://user:hunter2-secret@127.0.0.1:9/api", "http://hunter2-secret@127.0.0.1:9"])
def test_an_api_url_with_credentials_is_refused_without_printing_them(url: str) -> None:
    from ssot_migrate.errors import UsageError

    with pytest.raises(UsageError, match="credentials in the URL are refused") as caught:
        GitHub(url, "tok-abcdef", "acme/app")
    assert "hunter2-secret" not in caught.value.message and "***@127.0.0.1" in caught.value.message


def test_an_unreachable_api_with_a_token_in_the_error_text_is_redacted() -> None:
    from ssot_migrate.redaction import redact

    text = "cannot reach https://x:ghp_abcdefghijklmnopqrstuvwxyz@h/x\nProxy-Authorization: Basic dXNlcjpwYXNz"
    assert redact(text) == "cannot reach https://***@h/x\nProxy-Authorization: ***"
