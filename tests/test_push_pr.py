"""`--push` and `--open-pr` end to end: a bare repository as the remote and a real HTTP server on
127.0.0.1 as the GitHub API; the tests assert on what was actually pushed and sent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest

from .forge_server import FakeGitHub
from .helpers import git, make_repo
from .test_apply_branch import HALF_DONE, PYTEST, apply

BRANCH = "ssot/bridge-move"
GITHUB_URL = "https://github.com/acme/app.git"


@pytest.fixture
def github() -> Iterator[FakeGitHub]:
    fake = FakeGitHub()
    yield fake
    fake.close()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(bare))
    repo = make_repo(tmp_path / "repo", {
        **HALF_DONE,
        # A string the migration cannot rewrite safely: a finding that needs a human.
        "app/patching.py": "from unittest import mock\n\n\ndef later():\n"
                           "    return mock.patch('app.agents.bridge' + '.create_bridge')\n",
    })
    # The remote looks like GitHub (owner/name come from its URL) but pushes go to the bare repository.
    git(repo, "remote", "add", "origin", GITHUB_URL)
    git(repo, "config", f"url.{bare}.insteadOf", GITHUB_URL)
    git(repo, "push", "-q", "origin", "main")
    return repo


def env_for(github: FakeGitHub) -> dict[str, str]:
    return {"GITHUB_TOKEN": github.token, "GITHUB_API_URL": github.url}


def remote_tip(repo: Path, branch: str = BRANCH) -> str:
    out = git(repo, "ls-remote", "--heads", "origin", f"refs/heads/{branch}").stdout
    return out.split("\t")[0] if out else ""


def test_the_branch_is_pushed_and_its_pull_request_opened_then_updated(repo: Path, github: FakeGitHub) -> None:
    page = repo.parent / "apply.html"
    code, report, stderr = apply(repo, "--branch", "ssot/{name}", "--open-pr", "--draft", "--label", "ssot",
                                 "--label", "bot", "--test-command", PYTEST, "--report", str(page), env=env_for(github))
    assert code == 0, stderr
    commit = report["branch"]["commit"]
    assert remote_tip(repo) == commit and report["branch"]["pushed"] is True
    assert report["pull_request"] == {"number": 1, "url": "https://github.example/acme/app/pull/1", "action": "created"}
    # The HTML report beside the JSON: the outcome with its pull request first, then the gate.
    html = page.read_text()
    assert html.index('id="verdict"') < html.index('<a href="https://github.example/acme/app/pull/1">#1</a>') < \
        html.index('id="gate"')
    assert [(r.method, r.path) for r in github.requests] == [
        ("GET", "/repos/acme/app/pulls"), ("POST", "/repos/acme/app/pulls"), ("POST", "/repos/acme/app/issues/1/labels"),
    ]
    created = github.requests[1].body
    assert {k: created[k] for k in ("title", "head", "base", "draft")} == {
        "title": "ssot-migrate: bridge-move", "head": BRANCH, "base": "main", "draft": True,
    }
    body = created["body"]
    assert "| 1 | `rename-import` | `app.agents.bridge -> app.services.bridge` | 1 | 1 |" in body
    assert "- `app/routes.py` (1 edit)" in body
    assert "### Gate: passed (`no-regressions`)" in body
    assert "- after the edits: 2 passed" in body and "**Fixed (1):**\n\n- `tests.test_routes`" in body
    # The verdict comes first, before the tables and lists.
    verdict = "**Verdict:** 1 file changed (1 edit) · 1 finding: 1 warning · gate passed (no-regressions): 1 fixed, 0 new failures"
    assert body.index(verdict) < body.index("| # | kind |") < body.index("### Needs a human")
    assert "### Needs a human" in body and "| warning | `app/patching.py:5:23` | SSOT103 |" in body
    footer = json.dumps({"migration": "bridge-move", "spec_hash": report["migration"]["spec_hash"],
                         "tool": "ssot-migrate", "version": "0.1.0"}, sort_keys=True)
    assert body.rstrip().endswith(f"<!-- ssot-migrate: {footer} -->")
    assert github.requests[2].body == {"labels": ["ssot", "bot"]}
    assert all(r.headers["Authorization"] == f"Bearer {github.token}" for r in github.requests)
    assert github.token not in stderr and github.token not in json.dumps(report)

    # main moves on; a re-run regenerates the branch on it, force-pushes over the tool's own branch
    # (with a lease) and updates the same pull request.
    (repo / "README.md").write_text("moved on\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "main moves on")
    git(repo, "push", "-q", "origin", "main")
    github.requests.clear()
    code, again, stderr = apply(repo, "--branch", "ssot/{name}", "--open-pr", "--force", "--no-gate",
                                env=env_for(github))
    assert code == 0, stderr
    assert again["outcome"] == "updated" and again["branch"]["pushed"] is True
    assert remote_tip(repo) == again["branch"]["commit"] != commit
    parent = git(repo, "rev-parse", f"{again['branch']['commit']}^").stdout.strip()
    assert parent == git(repo, "rev-parse", "main").stdout.strip()
    assert again["pull_request"] == {"number": 1, "url": "https://github.example/acme/app/pull/1", "action": "updated"}
    assert [(r.method, r.path) for r in github.requests] == [("GET", "/repos/acme/app/pulls"),
                                                            ("PATCH", "/repos/acme/app/pulls/1")]
    assert "### Gate: not run\n\n--no-gate." in github.pulls[1]["body"]


def test_a_remote_branch_someone_else_pushed_to_is_never_overwritten(tmp_path: Path, repo: Path,
                                                                     github: FakeGitHub) -> None:
    code, first, _ = apply(repo, "--branch", BRANCH, "--push", "--no-gate", env=env_for(github))
    assert code == 0
    # A reviewer pushes a fix to the bot's branch from their own clone.
    other = tmp_path / "reviewer"
    git(tmp_path, "clone", "-q", "--branch", BRANCH, str(tmp_path / "remote.git"), str(other))
    (other / "app/routes.py").write_text("# reviewed\n" + (other / "app/routes.py").read_text())
    git(other, "commit", "-q", "-am", "reviewer fix")
    git(other, "push", "-q", "origin", BRANCH)
    reviewed = remote_tip(repo)

    code, report, stderr = apply(repo, "--branch", BRANCH, "--open-pr", "--force", "--no-gate", env=env_for(github))
    assert code == 1, stderr
    assert report["outcome"] == "refused"
    assert report["message"].startswith(f"origin/{BRANCH} has commits by someone other than ssot-migrate (")
    assert remote_tip(repo) == reviewed
    assert git(repo, "rev-parse", BRANCH).stdout.strip() == first["branch"]["commit"]
    assert github.requests == []


def test_a_forge_error_is_reported_after_the_push_without_the_token(repo: Path, github: FakeGitHub) -> None:
    code, report, stderr = apply(repo, "--branch", BRANCH, "--open-pr", "--repo", "acme/missing", "--no-gate",
                                 env=env_for(github))
    assert code == 1
    assert report["outcome"] == "created" and report["branch"]["pushed"] is True and report["pull_request"] is None
    assert report["error"] == (
        "GitHub API GET /repos/acme/missing/pulls answered 404 Not Found: Not Found (acme/missing does not exist or "
        "the token cannot see it; check --repo and --api-url)"
    )
    assert github.token not in stderr


def test_a_rejected_push_is_reported_and_the_local_branch_stays(tmp_path: Path, repo: Path, github: FakeGitHub) -> None:
    hook = tmp_path / "remote.git/hooks/pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes to ssot/* need an approval' >&2\nexit 1\n")
    hook.chmod(0o755)
    code, report, stderr = apply(repo, "--branch", BRANCH, "--push", "--no-gate", env=env_for(github))
    assert code == 1
    assert report["outcome"] == "created" and report["branch"]["pushed"] is False
    assert report["error"].startswith("git push: ") and "pushes to ssot/* need an approval" in report["error"]
    assert git(repo, "rev-parse", BRANCH).stdout.strip() == report["branch"]["commit"]
    assert remote_tip(repo) == ""


@pytest.mark.parametrize("where", ["option", "environment"])
def test_an_api_url_with_credentials_is_refused_before_any_work(repo: Path, github: FakeGitHub, where: str) -> None:
    url = github.url.replace("http://", "http://bot:hunter2-secret@")
    args = ("--api-url", url) if where == "option" else ()
    env = {"GITHUB_TOKEN": github.token, "GITHUB_API_URL": url}
    code, report, stderr = apply(repo, "--branch", BRANCH, "--open-pr", "--no-gate", *args, env=env)
    assert code == 2
    assert "credentials in the URL are refused" in stderr and "hunter2-secret" not in stderr
    assert github.requests == [] and remote_tip(repo) == ""
    assert git(repo, "branch", "--list", BRANCH).stdout == ""
