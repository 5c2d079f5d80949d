"""The gate cannot touch the user's repository or read its credentials: a real test suite that runs git
commands in its folder, writes files and reads GITHUB_TOKEN, run through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from .helpers import git, make_repo, tree_bytes
from .test_apply_branch import BRANCH, HALF_DONE, PYTEST, apply, branches

# A test that does everything a careless suite does to the repository it runs in, and records what it saw.
HOSTILE_TEST = '''\
import json, os, pathlib, subprocess

SEEN = pathlib.Path({seen!r})


def git(*args):
    return subprocess.run(["git", *args], capture_output=True, text=True).returncode


def test_hostile():
    # A file the previous run left would make this run fail: each run starts from a clean tree.
    leftover = pathlib.Path("left-by-a-run.txt")
    clean = not leftover.exists()
    leftover.write_text("x")
    pathlib.Path("tests/test_other.py").write_text("def test_other():\\n    assert True  # edited\\n")
    codes = [git("stash", "push", "--include-untracked", "-m", "hostile"), git("tag", "hostile-tag"),
             git("branch", "hostile-branch"), git("config", "user.name", "Hostile"),
             git("config", "core.hooksPath", "/nonexistent/hooks"), git("remote", "add", "evil", "/nonexistent"),
             git("update-ref", "refs/heads/main", "HEAD~0")]
    env = {{name: os.environ.get(name) for name in
           ("GITHUB_TOKEN", "GH_TOKEN", "DEPLOY_SECRET", "DB_PASSWORD", "SSH_AUTH_SOCK", "GIT_ASKPASS", "CI_TOKEN",
            "GIT_DIR", "HARMLESS")}}
    with SEEN.open("a") as out:
        out.write(json.dumps({{"cwd": os.getcwd(), "env": env, "clean": clean, "codes": codes}}) + "\\n")
    assert clean
'''

SECRETS = {
    "GITHUB_TOKEN": "ghp_userswritetoken000000000000000000", "GH_TOKEN": "gh-token-value-1234",
    "DEPLOY_SECRET": "deploy-secret-value", "DB_PASSWORD": "db-password-value", "SSH_AUTH_SOCK": "/tmp/agent.sock",
    "GIT_ASKPASS": "/usr/bin/askpass-helper", "CI_TOKEN": "ci-token-value-9999", "HARMLESS": "kept",
}


def repository_state(repo: Path) -> dict[str, object]:
    """Everything of the user's repository a suite could change: files, index, refs, stash, config."""
    return {
        "tree": tree_bytes(repo),
        "index": (repo / ".git/index").read_bytes(),
        "refs": git(repo, "for-each-ref", "--format=%(refname) %(objectname)").stdout,
        "stash": git(repo, "stash", "list").stdout,
        "config": (repo / ".git/config").read_bytes(),
        "head": git(repo, "symbolic-ref", "HEAD").stdout,
        "status": git(repo, "status", "--porcelain", "--ignored").stdout,
    }


def seen_runs(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_suite_running_git_and_reading_tokens_leaves_the_repository_untouched_and_sees_no_token(
    tmp_path: Path,
) -> None:
    seen = tmp_path / "seen.jsonl"
    repo = make_repo(tmp_path / "repo", {**HALF_DONE, "tests/test_hostile.py": HOSTILE_TEST.format(seen=str(seen))})
    (repo / "untracked.txt").write_text("the user's own work in progress\n")
    before = repository_state(repo)
    code, report, stderr = apply(repo, "--branch", BRANCH, "--test-command", PYTEST, env=SECRETS)
    assert code == 0, stderr
    assert report["outcome"] == "created" and report["gate"]["verdict"] == "pass"
    runs = seen_runs(seen)
    assert len(runs) == 2
    for run in runs:
        # Every git command succeeded, in the suite's own clone.
        assert run["codes"] == [0, 0, 0, 0, 0, 0, 0] and run["clean"] is True
        assert run["env"] == {name: None for name in run["env"]} | {"HARMLESS": "kept"}
        assert not run["cwd"].startswith(str(repo))
    assert runs[0]["cwd"] != runs[1]["cwd"]
    after = repository_state(repo)
    new_ref = f"refs/heads/{BRANCH} {report['branch']['commit']}"
    assert sorted(str(after.pop("refs")).splitlines()) == sorted([new_ref, *str(before.pop("refs")).splitlines()])
    assert after == before
    assert git(repo, "for-each-ref", "refs/ssot-migrate/").stdout == ""
    assert not any(Path(run["cwd"]).parent.exists() for run in runs)


def test_gate_env_passes_a_credential_through_on_purpose(tmp_path: Path) -> None:
    seen = tmp_path / "seen.jsonl"
    repo = make_repo(tmp_path / "repo", {**HALF_DONE, "tests/test_hostile.py": HOSTILE_TEST.format(seen=str(seen))})
    code, report, stderr = apply(repo, "--branch", BRANCH, "--test-command", PYTEST, "--no-baseline",
                                 "--gate-env", "GH_TOKEN", env=SECRETS)
    assert code == 0, stderr
    [run] = seen_runs(seen)
    assert run["env"]["GH_TOKEN"] == SECRETS["GH_TOKEN"] and run["env"]["GITHUB_TOKEN"] is None
    assert report["gate"]["passed_env"] == ["GH_TOKEN"]


def test_gc_and_reflog_expiry_in_the_users_repository_during_the_run_lose_nothing(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    suite = (
        "import subprocess\n\n\ndef test_gc():\n"
        f"    for args in (['reflog', 'expire', '--expire=now', '--all'], ['gc', '--prune=now', '--quiet']):\n"
        f"        subprocess.run(['git', '-C', {str(repo)!r}, *args], check=True)\n"
    )
    make_repo(repo, {**HALF_DONE, "tests/test_gc.py": suite})
    code, report, stderr = apply(repo, "--branch", BRANCH, "--test-command", PYTEST)
    assert code == 0, stderr
    assert report["gate"]["baseline_run"]["counts"]["passed"] == 2
    assert branches(repo) == ["main", BRANCH]
    assert git(repo, "cat-file", "-t", f"{BRANCH}^{{tree}}").stdout.strip() == "tree"


def test_a_gate_where_every_test_module_fails_to_import_is_refused_unless_allowed(tmp_path: Path) -> None:
    files = {**HALF_DONE, "tests/conftest.py": "", "tests/test_other.py": "import missing_dependency\n",
             "tests/test_routes.py": "import missing_dependency\n"}
    repo = make_repo(tmp_path / "repo", files)
    code, report, stderr = apply(repo, "--branch", BRANCH, "--test-command", PYTEST)
    assert code == 1, stderr
    assert report["outcome"] == "gate-failed" and branches(repo) == ["main"]
    assert report["gate"]["reasons"] == [
        "nothing was tested: no test passed before the edits or after them (pass --allow-empty-gate to accept)"
    ]
    code, report, stderr = apply(repo, "--branch", BRANCH, "--test-command", PYTEST, "--allow-empty-gate")
    assert code == 0, stderr
    assert report["outcome"] == "created" and branches(repo) == ["main", BRANCH]
