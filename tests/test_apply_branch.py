"""`apply --branch` end to end: real git repositories, the real CLI, real pytest runs for the gate."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from ssot_migrate.api import load_target_migration, resolve_target
from ssot_migrate.apply import ApplyOptions, run_apply
from ssot_migrate.errors import UsageError

from .helpers import git, make_repo, run_cli, run_in_terminal, spec_text, tree_bytes

PYTHON = shlex.quote(sys.executable)
PYTEST = f"{PYTHON} -m pytest -q tests"
BRANCH = "ssot/bridge-move"

# A half-done migration: the bridge moved to app.services, a caller did not follow, so its tests
# cannot even be collected.
HALF_DONE = {
    "app/__init__.py": "",
    "app/services/__init__.py": "",
    "app/services/bridge.py": "def create_bridge(user):\n    return f'bridge:{user}'\n",
    "app/routes.py": (
        "from app.agents.bridge import create_bridge\n"
        "\n"
        "\n"
        "def handler(user):\n"
        "    return create_bridge(user)\n"
    ),
    "tests/test_routes.py": (
        "from app.routes import handler\n\n\ndef test_handler():\n    assert handler('u') == 'bridge:u'\n"
    ),
    "tests/test_other.py": "def test_other():\n    assert True\n",
    "migration.toml": spec_text(
        [{"kind": "rename-import", "old": "app.agents.bridge", "new": "app.services.bridge"}],
        name="bridge-move", description="Finish the bridge move",
    ),
    "wrong.toml": spec_text(
        [{"kind": "rename-import", "old": "app.agents.bridge", "new": "app.servicez.bridge"}], name="bridge-move",
    ),
}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", HALF_DONE)


def apply(repo: Path, *args: str, spec: str = "migration.toml", env: dict | None = None, unset=()) -> tuple[int, dict, str]:
    result = run_cli("apply", "--spec", spec, "--format", "json", *args, cwd=repo, env=env, unset=unset)
    stderr = result.stderr.decode()
    report = json.loads(result.stdout) if result.stdout.strip() else {}
    return result.returncode, report, stderr


def branches(repo: Path) -> list[str]:
    return git(repo, "for-each-ref", "--format=%(refname:short)", "refs/heads").stdout.split()


def worktrees(repo: Path) -> list[str]:
    return [line.split(" ", 1)[1] for line in git(repo, "worktree", "list", "--porcelain").stdout.splitlines()
            if line.startswith("worktree ")]


def show(repo: Path, ref: str, path: str) -> str:
    return git(repo, "show", f"{ref}:{path}").stdout


# -- the gate decides ----------------------------------------------------------------------------------


def test_a_half_done_migration_becomes_a_gated_branch_and_the_checkout_is_untouched(repo: Path) -> None:
    before = tree_bytes(repo)
    head = git(repo, "rev-parse", "HEAD").stdout.strip()
    code, report, stderr = apply(repo, "--branch", BRANCH, "--test-command", f"env SSOT_WRAPPED=1 {PYTEST}")
    assert code == 0, stderr
    assert report["outcome"] == "created" and report["exit_code"] == 0
    gate = report["gate"]
    assert gate["verdict"] == "pass" and gate["mode"] == "no-regressions"
    assert gate["baseline_run"]["counts"]["collection_errors"] == 1
    assert gate["after_run"]["counts"]["passed"] == 2
    assert gate["fixed"] == ["tests.test_routes"] and gate["regressed"] == []

    commit = report["branch"]["commit"]
    assert branches(repo) == ["main", BRANCH]
    assert git(repo, "rev-parse", BRANCH).stdout.strip() == commit
    assert git(repo, "rev-parse", f"{BRANCH}^").stdout.strip() == head
    assert show(repo, BRANCH, "app/routes.py").startswith("from app.services.bridge import create_bridge\n")
    assert git(repo, "diff", "--name-only", head, BRANCH).stdout.split() == ["app/routes.py"]
    # The user's checkout, its branch and its worktree list are exactly as they were.
    assert tree_bytes(repo) == before
    assert git(repo, "symbolic-ref", "--short", "HEAD").stdout.strip() == "main"
    assert worktrees(repo) == [str(repo)]
    assert "gate: baseline: 1 passed, 1 collection error" in stderr and "gate: after: 2 passed" in stderr


def test_the_commit_names_the_migration_carries_the_trailer_and_keeps_file_bytes_and_modes(repo: Path) -> None:
    script = repo / "app/cli.py"
    script.write_bytes(b"#!/usr/bin/env python\r\nfrom app.agents.bridge import create_bridge\r\n")
    script.chmod(0o755)
    git(repo, "add", "app/cli.py")
    git(repo, "commit", "-q", "-m", "a CRLF executable")
    result = run_cli("apply", "--spec", "migration.toml", "--branch", "ssot/{name}", "--no-gate", "--json", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    assert report["branch"]["name"] == "ssot/bridge-move" and report["gate"]["verdict"] == "skipped"
    message = git(repo, "log", "-1", "--format=%B", "ssot/bridge-move").stdout
    assert message.startswith("ssot-migrate: bridge-move\n\nFinish the bridge move\n\n1. rename-import "
                              "app.agents.bridge -> app.services.bridge: 2 files, 2 edits\n\n2 files changed.\n")
    assert git(repo, "ls-tree", "ssot/bridge-move", "app/cli.py").stdout.startswith("100755 blob")
    committed = subprocess.run(["git", "show", "ssot/bridge-move:app/cli.py"], cwd=repo, capture_output=True).stdout
    assert committed == b"#!/usr/bin/env python\r\nfrom app.services.bridge import create_bridge\r\n"
    trailers = git(repo, "log", "-1", "--format=%(trailers:key=Ssot-Migrate,valueonly)", "ssot/bridge-move").stdout
    assert trailers.strip() == report["migration"]["spec_hash"]
    # The repository's own identity (git config / GIT_* variables) wins over --author.
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", "ssot/bridge-move").stdout.strip() == (
        "Test Author <author@example.com>|Test Author <author@example.com>"
    )


def test_without_a_git_identity_the_commit_uses_author_else_the_tools_own(tmp_path: Path) -> None:
    no_identity = {"GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    unset = ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL")
    identities = []
    for name, extra in (("plain", ()), ("author", ("--author", "Migration Bot <bot@example.com>"))):
        repo = make_repo(tmp_path / name, HALF_DONE)
        git(repo, "config", "--unset", "user.name")
        git(repo, "config", "--unset", "user.email")
        code, _, stderr = apply(repo, "--branch", BRANCH, "--no-gate", *extra, env=no_identity, unset=unset)
        assert code == 0, stderr
        identities.append(git(repo, "log", "-1", "--format=%an <%ae>|%cn <%ce>", BRANCH).stdout.strip())
    assert identities == [
        "ssot-migrate <ssot-migrate@users.noreply.localhost>|ssot-migrate <ssot-migrate@users.noreply.localhost>",
        "Migration Bot <bot@example.com>|Migration Bot <bot@example.com>",
    ]


def test_a_wrong_rename_changes_the_collection_error_and_no_branch_is_created(repo: Path) -> None:
    code, report, stderr = apply(repo, "--branch", BRANCH, "--test-command", PYTEST, spec="wrong.toml")
    assert code == 1, stderr
    assert report["outcome"] == "gate-failed" and report["branch"]["commit"] is None
    [error] = report["gate"]["new_collection_errors"]
    assert error["module"] == "tests.test_routes"
    assert error["message"] == "No module named 'app.servicez'"
    assert error["before"]["message"] == "No module named 'app.agents'"
    assert branches(repo) == ["main"] and worktrees(repo) == [str(repo)]


def test_a_test_that_passed_and_now_fails_is_a_regression_in_the_report(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {
        "app/__init__.py": "",
        "app/legacy.py": "def greet():\n    return 'hi'\n",
        "app/modern.py": "def greet():\n    return 'hello'\n",
        "app/views.py": "from app.legacy import greet\n\n\ndef view():\n    return greet()\n",
        "tests/test_views.py": "from app.views import view\n\n\ndef test_view():\n    assert view() == 'hi'\n",
        "migration.toml": spec_text([{"kind": "rename-import", "old": "app.legacy", "new": "app.modern"}]),
    })
    result = run_cli("apply", "--spec", "migration.toml", "--branch", BRANCH, "--test-command", PYTEST, cwd=repo)
    stdout = result.stdout.decode()
    assert result.returncode == 1, result.stderr.decode()
    assert f"gate: failed (no-regressions): {PYTEST}\n" in stdout
    assert "gate: regressed: tests.test_views::test_view (passed -> failed)\n" in stdout
    assert stdout.endswith("The gate failed: no branch was created or changed.\n")
    # The gate's commentary is conversation: stderr, one line per run start and end.
    assert "gate: after: running" in result.stderr.decode()
    assert branches(repo) == ["main"]


def test_all_pass_refuses_a_failure_that_was_already_there(repo: Path) -> None:
    (repo / "tests/test_flaky.py").write_text("def test_known_bug():\n    assert False\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "a known failure")
    # No test command anywhere: the default `python -m pytest -q`, with the `python` first on PATH.
    path = f"{Path(sys.executable).parent}:{os.environ['PATH']}"
    code, report, _ = apply(repo, "--branch", BRANCH, "--gate", "all-pass", env={"PATH": path})
    assert code == 1 and report["gate"]["reasons"] == ["1 test failed"]
    assert (report["gate"]["mode"], report["gate"]["command"]) == ("all-pass", "python -m pytest -q")
    assert report["gate"]["still_failing"] == ["tests.test_flaky::test_known_bug"]
    assert branches(repo) == ["main"]


def test_the_baseline_can_come_from_the_last_green_commit(tmp_path: Path) -> None:
    files = {**HALF_DONE, "app/agents/__init__.py": "", "app/agents/bridge.py": HALF_DONE["app/services/bridge.py"]}
    repo = make_repo(tmp_path / "repo", files)
    green = git(repo, "rev-parse", "HEAD").stdout.strip()
    git(repo, "rm", "-q", "-r", "app/agents")
    git(repo, "commit", "-q", "-m", "move the bridge (callers not done)")
    code, report, stderr = apply(repo, "--branch", BRANCH, "--test-command", PYTEST, "--baseline-ref", green)
    assert code == 0, stderr
    baseline = report["gate"]["baseline_run"]
    assert baseline["label"] == f"baseline ({green})"
    assert baseline["counts"]["passed"] == 2 and baseline["counts"]["collection_errors"] == 0
    assert worktrees(repo) == [str(repo)]


def test_the_gate_environment_and_a_command_that_is_not_pytest(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {
        "src/app/__init__.py": "",
        "src/app/services/__init__.py": "",
        "src/app/services/bridge.py": "X = 1\n",
        "src/app/routes.py": "from app.agents.bridge import X\n",
        "migration.toml": HALF_DONE["migration.toml"],
        # The project's own test command (not pytest: judged by its exit code).
        "pyproject.toml": f"[tool.ssot-migrate]\ntest-command = {json.dumps(f'{sys.executable} {tmp_path}/check.py')}\n",
    })
    dump = tmp_path / "env.json"
    script = tmp_path / "check.py"
    script.write_text(
        "import json, os, sys\n"
        "keys = ('PYTEST_ADDOPTS', 'PYTHONDONTWRITEBYTECODE', 'PYTHONPATH')\n"
        f"json.dump({{**{{k: os.environ.get(k) for k in keys}}, 'cwd': os.getcwd()}}, open({str(dump)!r}, 'w'))\n"
    )
    code, report, stderr = apply(repo, "--branch", BRANCH, env={"PYTHONPATH": "/opt/extra"})
    assert code == 0, stderr
    seen = json.loads(dump.read_text())
    worktree = seen["cwd"]
    assert worktree != str(repo) and "ssot-migrate-" in worktree
    assert seen["PYTHONPATH"].split(":") == [f"{worktree}/src", worktree, "/opt/extra"]
    assert seen["PYTHONDONTWRITEBYTECODE"] == "1"
    assert seen["PYTEST_ADDOPTS"].startswith("--junitxml=")
    assert seen["PYTEST_ADDOPTS"].endswith(" -p no:cacheprovider --continue-on-collection-errors")
    # Not pytest (no junit report): judged by its exit code after the edits.
    assert report["gate"]["after_run"]["report"] is False and report["gate"]["verdict"] == "pass"
    assert report["gate"]["command"] == f"{sys.executable} {script}"


def test_on_a_terminal_the_gate_shows_live_progress_with_the_suites_last_line(repo: Path, tmp_path: Path) -> None:
    script = tmp_path / "suite.py"
    script.write_text("import time\nprint('collected 42 items, running them', flush=True)\ntime.sleep(1)\n")
    code, shown = run_in_terminal("apply", "--spec", "migration.toml", "--branch", BRANCH, "--no-baseline",
                                  "--test-command", f"{PYTHON} {script}", cwd=repo, columns=120)
    assert code == 0, shown
    assert "collected 42 items, running them" in shown, "the live line shows the suite's output"
    assert "gate: after: running" not in shown, "the one-line-per-run form is for logs, not terminals"
    assert "gate: after: exit 0, no junit report" in shown


# -- the branch ------------------------------------------------------------------------------------------


def test_a_rerun_is_up_to_date_and_other_content_needs_force(repo: Path) -> None:
    code, first, _ = apply(repo, "--branch", BRANCH, "--no-gate")
    assert code == 0
    code, second, stderr = apply(repo, "--branch", BRANCH, "--test-command", PYTEST)
    assert code == 0, stderr
    assert second["outcome"] == "up-to-date"
    assert second["branch"]["commit"] == first["branch"]["commit"] == git(repo, "rev-parse", BRANCH).stdout.strip()
    assert second["gate"] == {"verdict": "skipped", "reason": "the branch already holds exactly this change"}

    (repo / "README.md").write_text("moved on\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "main moves on")
    code, refused, _ = apply(repo, "--branch", BRANCH, "--no-gate")
    assert code == 1 and refused["outcome"] == "refused"
    assert refused["message"] == (f"branch {BRANCH} already exists with different content; pass --force to replace "
                                  "it with this run's result (it has only ssot-migrate's commits)")
    assert git(repo, "rev-parse", BRANCH).stdout.strip() == first["branch"]["commit"]

    # A re-run regenerates the change on the fresh base instead of rebasing the old commit.
    code, forced, stderr = apply(repo, "--branch", BRANCH, "--no-gate", "--force")
    assert code == 0, stderr
    assert forced["outcome"] == "updated" and forced["branch"]["previous"] == first["branch"]["commit"]
    assert git(repo, "rev-parse", f"{BRANCH}^").stdout.strip() == git(repo, "rev-parse", "main").stdout.strip()


def test_a_branch_with_someone_elses_commit_is_never_overwritten(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", BRANCH)
    (repo / "app/routes.py").write_text("# fixed by hand\n" + (repo / "app/routes.py").read_text())
    git(repo, "commit", "-q", "-am", "hand-made fix")
    git(repo, "checkout", "-q", "main")
    tip = git(repo, "rev-parse", BRANCH).stdout.strip()
    code, report, _ = apply(repo, "--branch", BRANCH, "--no-gate", "--force")
    assert code == 1 and report["outcome"] == "refused"
    assert report["branch"]["foreign_commits"] == [{"sha": tip, "author": "Test Author <author@example.com>",
                                                    "subject": "hand-made fix"}]
    assert "never overwritten, even with --force" in report["message"]
    assert git(repo, "rev-parse", BRANCH).stdout.strip() == tip


def test_a_branch_checked_out_in_the_users_checkout_is_refused(repo: Path) -> None:
    git(repo, "checkout", "-q", "-b", BRANCH)
    code, _, stderr = apply(repo, "--branch", BRANCH, "--no-gate")
    assert code == 3
    assert f"branch {BRANCH} is checked out in {repo}" in stderr


def test_one_commit_per_codemod(tmp_path: Path) -> None:
    files = {
        **HALF_DONE,
        "app/services/util.py": "def helper():\n    return 1\n",
        "app/jobs.py": "from app.agents.util import helper\n",
        "two.toml": spec_text([
            {"kind": "rename-import", "old": "app.agents.bridge", "new": "app.services.bridge"},
            {"kind": "rename-import", "old": "app.agents.util", "new": "app.services.util"},
        ], name="two-moves"),
    }
    repo = make_repo(tmp_path / "repo", files)
    code, split, stderr = apply(repo, "--branch", "split", "--no-gate", "--commit-per-codemod", spec="two.toml")
    assert code == 0, stderr
    assert len(split["branch"]["commits"]) == 2
    subjects = git(repo, "log", "--format=%s|%(trailers:key=Ssot-Migrate,valueonly)", "main..split").stdout.split("\n")
    spec_hash = split["migration"]["spec_hash"]
    assert [s for s in subjects if s] == [
        f"ssot-migrate: two-moves (2/2 rename-import)|{spec_hash}",
        f"ssot-migrate: two-moves (1/2 rename-import)|{spec_hash}",
    ]
    assert git(repo, "diff", "--name-only", "main", "split~1").stdout.split() == ["app/routes.py"]
    assert git(repo, "diff", "--name-only", "split~1", "split").stdout.split() == ["app/jobs.py"]
    assert show(repo, "split", "app/jobs.py") == "from app.services.util import helper\n"


def test_a_dirty_checkout_is_left_exactly_as_it_was(repo: Path) -> None:
    (repo / "notes.txt").write_text("stash me\n")
    git(repo, "add", "notes.txt")
    git(repo, "stash", "-q")
    (repo / "app/routes.py").write_text((repo / "app/routes.py").read_text() + "# work in progress\n")
    (repo / "tests/test_other.py").write_text("def test_other():\n    assert 1\n")
    git(repo, "add", "tests/test_other.py")
    (repo / "scratch.py").write_text("untracked\n")
    snapshot = {
        "status": git(repo, "status", "--porcelain").stdout,
        "stash": git(repo, "stash", "list").stdout,
        "staged": git(repo, "diff", "--cached").stdout,
        "head": git(repo, "symbolic-ref", "HEAD").stdout,
        "files": tree_bytes(repo),
        "index": (repo / ".git/index").read_bytes(),
    }
    code, report, stderr = apply(repo, "--branch", BRANCH, "--no-gate")
    assert code == 0, stderr
    assert f"uncommitted changes in {repo} are not part of the migration: it starts from HEAD" in stderr
    assert report["notes"][0].startswith("uncommitted changes in")
    assert {
        "status": git(repo, "status", "--porcelain").stdout,
        "stash": git(repo, "stash", "list").stdout,
        "staged": git(repo, "diff", "--cached").stdout,
        "head": git(repo, "symbolic-ref", "HEAD").stdout,
        "files": tree_bytes(repo),
        "index": (repo / ".git/index").read_bytes(),
    } == snapshot
    assert "# work in progress" not in show(repo, BRANCH, "app/routes.py")
    assert "scratch.py" not in git(repo, "ls-tree", "-r", "--name-only", BRANCH).stdout


def test_an_empty_plan_creates_nothing(repo: Path) -> None:
    (repo / "none.toml").write_text(spec_text([{"kind": "rename-import", "old": "app.nothing", "new": "app.other"}]))
    result = run_cli("apply", "--spec", "none.toml", "--branch", BRANCH, cwd=repo)
    assert result.returncode == 0
    assert "nothing to migrate" in result.stdout.decode()
    assert branches(repo) == ["main"] and worktrees(repo) == [str(repo)]
    assert git(repo, "rev-list", "--all", "--count").stdout.strip() == "1"


def test_outside_a_git_repository_a_branch_cannot_be_made(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    for path, content in HALF_DONE.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(content)
    result = run_cli("apply", "--spec", "migration.toml", "--branch", BRANCH, "--no-gate", cwd=folder,
                     env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert result.returncode == 3
    assert "not a git repository" in result.stderr.decode()


@pytest.mark.parametrize(("args", "message"), [
    ((), "apply needs exactly one of --branch NAME"),
    (("--in-place", "--push"), "--push: only with --branch"),
])
def test_usage_errors_exit_2_and_create_nothing(repo: Path, args: tuple[str, ...], message: str) -> None:
    result = run_cli("apply", "--spec", "migration.toml", *args, cwd=repo)
    assert result.returncode == 2
    assert message in result.stderr.decode()
    assert branches(repo) == ["main"] and worktrees(repo) == [str(repo)]


@pytest.mark.parametrize(("options", "message"), [
    (ApplyOptions(branch="b", in_place=True), "apply needs exactly one of --branch NAME"),
    (ApplyOptions(branch="b", no_gate=True, test_command="pytest"), "--no-gate cannot be combined"),
    (ApplyOptions(branch="b", baseline_ref="main", no_baseline=True), "--baseline-ref and --no-baseline exclude"),
    (ApplyOptions(branch="b", labels=("x",), draft=True), "--draft, --label: only with --open-pr"),
    (ApplyOptions(in_place=True, base="main", force=True), "--base, --force: only with --branch"),
    (ApplyOptions(in_place=True, gate="all-pass"), "--gate: --in-place gates only with --test-command"),
    (ApplyOptions(branch="b", gate_timeout=0), "--gate-timeout must be a positive number"),
    (ApplyOptions(branch="bad..name", no_gate=True), "--branch 'bad..name': not a valid branch name"),
    (ApplyOptions(branch="b", base="no-such-ref", no_gate=True), "--base no-such-ref: no such commit"),
    (ApplyOptions(branch="b", author="nobody", no_gate=True), '--author \'nobody\': write it as "Name <email@example.com>"'),
    (ApplyOptions(branch="b", push=True, remote="upstream", no_gate=True), "--remote upstream: no such remote"),
    (ApplyOptions(branch="b", open_pr=True, no_gate=True), "--open-pr needs a GitHub token in the GITHUB_TOKEN"),
])
def test_bad_options_are_usage_errors_before_any_work(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                      options: ApplyOptions, message: str) -> None:
    monkeypatch.chdir(repo)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    target = resolve_target([], repo)
    migration = load_target_migration(target, ["migration.toml"])
    with pytest.raises(UsageError) as caught:
        run_apply(target, migration, options)
    assert message in caught.value.message and caught.value.exit_code == 2
    assert branches(repo) == ["main"] and worktrees(repo) == [str(repo)]


# -- in place with a gate --------------------------------------------------------------------------------


def test_in_place_with_a_test_command_restores_every_file_when_the_gate_fails(repo: Path) -> None:
    before = tree_bytes(repo)
    # The baseline from a commit runs in a temporary worktree, as for --branch.
    code, report, stderr = apply(repo, "--in-place", "--test-command", PYTEST, "--baseline-ref", "HEAD",
                                 spec="wrong.toml")
    assert code == 1, stderr
    assert report["gate"]["baseline_run"]["label"] == "baseline (HEAD)" and worktrees(repo) == [str(repo)]
    assert report["outcome"] == "gate-failed" and report["written"] == []
    assert tree_bytes(repo) == before

    code, report, stderr = apply(repo, "--in-place", "--test-command", PYTEST)
    assert code == 0, stderr
    assert report["written"] == ["app/routes.py"] and report["gate"]["verdict"] == "pass"
    assert (repo / "app/routes.py").read_text().startswith("from app.services.bridge import")
