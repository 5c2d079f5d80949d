"""--gate-reruns N: only the tests whose outcome differs between the runs are re-run; one that flips is
flaky, reported, and not judged; a real regression stays one."""

from __future__ import annotations

from pathlib import Path

from .helpers import make_repo
from .test_apply_branch import BRANCH, HALF_DONE, PYTEST, apply, branches

# Passes on odd calls, fails on even ones (the counter lives outside the tree, so it survives the clones).
FLAKY = '''\
import pathlib

COUNTER = pathlib.Path({counter!r})
SEEN = pathlib.Path({seen!r})


def test_flaky():
    count = int(COUNTER.read_text()) + 1 if COUNTER.exists() else 1
    COUNTER.write_text(str(count))
    assert count % 2 == 1


def test_steady():
    with SEEN.open("a") as out:
        out.write("steady\\n")
'''


def flaky_repo(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    files = {**HALF_DONE, "tests/test_flaky.py": FLAKY.format(counter=str(tmp_path / "count"),
                                                              seen=str(tmp_path / "seen"))}
    return make_repo(tmp_path / "repo", {**files, **(extra or {})})


def test_without_reruns_a_flaky_test_that_failed_after_the_edits_is_a_regression(tmp_path: Path) -> None:
    repo = flaky_repo(tmp_path)
    code, report, stderr = apply(repo, "--branch", BRANCH, "--test-command", PYTEST)
    assert code == 1 and report["outcome"] == "gate-failed", stderr
    assert [r["test"] for r in report["gate"]["regressed"]] == ["tests.test_flaky::test_flaky"]
    assert report["gate"]["flipped"] == []


def test_reruns_rerun_only_the_differing_test_and_report_it_flipped(tmp_path: Path) -> None:
    repo = flaky_repo(tmp_path)
    code, report, stderr = apply(repo, "--branch", BRANCH, "--test-command", PYTEST, "--gate-reruns", "2")
    assert code == 0, stderr
    gate = report["gate"]
    assert report["outcome"] == "created" and gate["verdict"] == "pass" and gate["reruns"] == 2
    assert gate["flipped"] == ["tests.test_flaky::test_flaky"] and gate["regressed"] == []
    # The steady test ran in the baseline and after the edits only: the re-runs selected the flaky one alone.
    assert (tmp_path / "seen").read_text().count("steady") == 2
    # The baseline and the run after, then 2 re-runs in each tree: 6 calls of the flaky test in all.
    assert int((tmp_path / "count").read_text()) == 6
    assert branches(repo) == ["main", BRANCH]


def test_a_real_regression_survives_the_reruns(tmp_path: Path) -> None:
    broken = {"app/services/bridge.py": "def create_bridge(user):\n    return f'bridge:{user}'\n",
              "tests/test_bridge.py": "from app.routes import handler\n\n\ndef test_bridge():\n"
                                      "    import app.routes\n    assert 'services' not in app.routes.__dict__['create_bridge'].__module__\n"}
    repo = flaky_repo(tmp_path, broken)
    code, report, stderr = apply(repo, "--branch", BRANCH, "--test-command", PYTEST, "--gate-reruns", "2")
    assert code == 1 and report["outcome"] == "gate-failed", stderr
    gate = report["gate"]
    assert "tests.test_flaky::test_flaky" in gate["flipped"]
    assert [r["test"] for r in gate["regressed"]] == ["tests.test_bridge::test_bridge"]
    assert gate["reasons"] == ["1 test regressed"]
    assert branches(repo) == ["main"]
