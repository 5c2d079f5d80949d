"""`ssot-migrate batch`: many repositories from one TOML file, isolated members, one report, CI matrices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .helpers import git, make_repo, run_cli, write_files
from .test_apply_branch import HALF_DONE, PYTEST

ROOT = Path(__file__).resolve().parents[1]
BRANCH = "ssot/bridge-move"


def test_members_run_in_isolation_and_a_failing_one_fails_the_batch_only(tmp_path: Path) -> None:
    good = make_repo(tmp_path / "good", HALF_DONE)
    bad = make_repo(tmp_path / "bad", HALF_DONE)
    source = make_repo(tmp_path / "source", HALF_DONE)
    bare = tmp_path / "cloned.git"
    git(tmp_path, "clone", "-q", "--bare", str(source), str(bare))
    write_files(tmp_path / "bot", {
        "specs/bridge.toml": HALF_DONE["migration.toml"],
        "specs/wrong.toml": HALF_DONE["wrong.toml"],
        "batch.toml": (
            "[defaults]\n"
            'specs = ["specs/bridge.toml"]\n'
            f"test-command = {json.dumps(PYTEST)}\n"
            "\n[[member]]\n"
            'name = "good"\npath = "../good"\n'
            "\n[[member]]\n"
            'name = "bad"\npath = "../bad"\nspecs = ["specs/wrong.toml"]\n'
            "\n[[member]]\n"
            f'name = "cloned"\nurl = {json.dumps(str(bare))}\nbase = "main"\npush = true\ngate = "off"\n'
        ),
    })
    result = run_cli("batch", "bot/batch.toml", "--jobs", "2", "--format", "json", cwd=tmp_path)
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    report = json.loads(result.stdout)
    assert report["failed"] == 1, json.dumps([(m["name"], m["outcome"], m["error"]) for m in report["members"]])
    members = {m["name"]: m for m in report["members"]}
    assert [m["name"] for m in report["members"]] == ["good", "bad", "cloned"]
    assert (members["good"]["outcome"], members["good"]["gate"], members["good"]["exit_code"]) == ("created", "pass", 0)
    assert (members["bad"]["outcome"], members["bad"]["gate"], members["bad"]["exit_code"]) == ("gate-failed", "fail", 1)
    assert (members["cloned"]["outcome"], members["cloned"]["pushed"]) == ("created", True)
    assert members["bad"]["report"]["gate"]["new_collection_errors"][0]["message"] == "No module named 'app.servicez'"
    assert git(good, "rev-parse", BRANCH).stdout.strip() == members["good"]["commit"]
    assert git(bad, "branch", "--list", BRANCH).stdout == ""
    assert git(bare, "rev-parse", BRANCH).stdout.strip() == members["cloned"]["commit"]
    # Each member's own output is shown under its name.
    assert "good: created" in stderr and "bad: gate-failed" in stderr and "cloned: created" in stderr

    again = run_cli("batch", "bot/batch.toml", "--only", "good", "--report", "batch.html", cwd=tmp_path,
                    env={"COLUMNS": "60"})
    assert again.returncode == 0, again.stderr.decode()
    # One line per member on stdout, never split: the full commit hash and branch name are whole.
    commit = git(good, "rev-parse", BRANCH).stdout.strip()
    lines = again.stdout.decode().splitlines()
    assert lines[0].startswith(f"member good: up-to-date, branch {BRANCH} at {commit}") and lines[0].endswith("s)")
    assert lines[1:] == ["batch batch.toml: 1 ok, 0 failed"]
    assert "good: up-to-date" in again.stderr.decode(), "each member's log goes to stderr as it finishes"
    page = (tmp_path / "batch.html").read_text()
    assert '<tr class="member"><td>good</td><td class="outcome up-to-date">up-to-date</td>' in page
    assert f"<code>{commit[:12]}</code>" in page and "1 of 1 member ok." in page


def test_a_member_that_cannot_be_cloned_fails_alone(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "specs/bridge.toml": HALF_DONE["migration.toml"],
        "batch.toml": ('[defaults]\nspecs = ["specs/bridge.toml"]\n\n[[member]]\nname = "gone"\n'
                       'url = "https://user:hunter2@127.0.0.1:9/missing.git"\n'),
    })
    result = run_cli("batch", "batch.toml", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    [member] = json.loads(result.stdout)["members"]
    assert member["outcome"] == "error"
    assert member["error"].startswith("cannot clone https://***@127.0.0.1:9/missing.git")
    assert "hunter2" not in result.stdout.decode() + result.stderr.decode()


def test_matrix_lists_members_for_github_actions_and_gitlab(tmp_path: Path) -> None:
    example = ROOT / "examples/ci/batch.toml"
    github = run_cli("batch", str(example), "--matrix", cwd=tmp_path)
    assert github.returncode == 0, github.stderr.decode()
    assert github.stdout == b'{"member": ["backend", "workers"]}\n'
    gitlab = run_cli("batch", str(example), "--matrix", "--matrix-format", "gitlab", "--only", "workers", cwd=tmp_path)
    assert gitlab.stdout.decode() == 'parallel:\n  matrix:\n    - SSOT_MEMBER:\n        - "workers"\n'
    workflow = (ROOT / "examples/ci/github-actions.yml").read_text()
    assert "ssot-migrate batch examples/ci/batch.toml --matrix" in workflow
    assert '--only "${{ matrix.member }}"' in workflow and "fromJSON(needs.members.outputs.matrix)" in workflow


def test_a_bad_batch_file_names_every_problem_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "batch.toml").write_text(
        "[defaults]\n"
        "tests-command = 'pytest'\n"
        "\n[[member]]\n"
        "name = 'a'\n"
        "path = '.'\n"
        "gate = 'strict'\n"
        "\n[[member]]\n"
        "name = 'a'\n"
        "url = 'https://example.com/a.git'\n"
        "path = '.'\n"
    )
    result = run_cli("batch", "batch.toml", cwd=tmp_path)
    assert result.returncode == 2
    lines = [line.removeprefix("error: ") for line in result.stderr.decode().splitlines()]
    assert lines == [
        "batch.toml:2: [defaults]: unknown key 'tests-command' (did you mean 'test-command'?)",
        "batch.toml:7: member 1 ('a'): 'gate' must be one of no-regressions, all-pass, off",
        "batch.toml:10: member 2 ('a'): the name 'a' is used twice",
        "batch.toml:9: member 2 ('a'): needs exactly one of path (a local checkout) or url (to clone)",
    ]
    unknown = run_cli("batch", str(ROOT / "examples/ci/batch.toml"), "--only", "backend2", cwd=tmp_path)
    assert unknown.returncode == 2 and "did you mean 'backend'?" in unknown.stderr.decode()


def test_a_members_gate_settings_become_its_apply_options(tmp_path: Path) -> None:
    from ssot_migrate.batch import load_batch

    for name in "abc":
        (tmp_path / name).mkdir()
    batch_file = tmp_path / "batch.toml"
    batch_file.write_text(
        '[defaults]\nspecs = ["catalog:x"]\ngate-env = ["NPM_TOKEN"]\nallow-empty-gate = true\n\n'
        '[[member]]\nname = "a"\npath = "a"\ngate-reruns = 2\n\n'
        '[[member]]\nname = "b"\npath = "b"\ngate = "off"\n\n'
        '[[member]]\nname = "c"\npath = "c"\ngate-reruns = -1\n'
    )
    from ssot_migrate.errors import UsageError

    with pytest.raises(UsageError) as caught:
        load_batch(batch_file)
    assert "gate-reruns" in caught.value.message and "a whole number, 0 or more" in caught.value.message
    batch_file.write_text(batch_file.read_text().replace("gate-reruns = -1", "gate-reruns = 0"))
    a, b, _ = load_batch(batch_file).members
    args = a.apply_arguments(tmp_path, tmp_path / "a", None)
    assert args[args.index("--gate-env") + 1] == "NPM_TOKEN" and "--allow-empty-gate" in args
    assert args[args.index("--gate-reruns") + 1] == "2"
    off = b.apply_arguments(tmp_path, tmp_path / "b", None)
    assert "--no-gate" in off and not {"--gate-env", "--allow-empty-gate", "--gate-reruns"} & set(off)
