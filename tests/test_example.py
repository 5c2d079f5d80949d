"""The showcase: examples/netra_like fails with the errors of the incidents, and the catalog recipe fixes them.

The example's own test suite runs for real (pytest in a subprocess, judged from its junit report) on a
copy of the example in a fresh git repository, before and after `ssot-migrate apply --in-place`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from .helpers import git, make_repo, run_cli, tree_bytes

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "netra_like"

ERROR_MESSAGE = "TypeError: create_error_message() missing 1 required positional argument: 'error_message'"
SERVER_DATA = "TypeError: create_server_message() missing 1 required positional argument: 'data'"
CONTEXT = "TypeError: create_websocket_manager() got an unexpected keyword argument 'context'"
BRIDGE = "No module named 'netra_backend.app.agents.agent_websocket_bridge'"
DUPLICATES = "SSOT WARNING: Found other WebSocket Manager classes: ["
LEGACY_TYPE_CHECK = "TypeError: ThreadService needs a WebSocketManager, got IsolatedWebSocketManager"
SINGLE_ARGUMENT_CALLS = "create_error_message() called with a message only: ['netra_backend.app.routes."

SCENARIOS = "tests.integration.websocket.test_websocket_error_scenarios.TestWebSocketErrorScenarios::"
HANDLER = "tests.unit.websocket_core.test_agent_handler.TestAgentMessageHandler::"
LEGACY_ROUTE = "tests.unit.routes.test_legacy_websocket_route::"
COMPLIANCE = "tests.mission_critical.test_websocket_ssot_compliance::"

# What only `audit` reports and a person fixes (fixed-by-hand.patch): the same errors before and after.
AUDIT_ONLY = {
    "tests/integration/test_docker_services_fallback.py": "No module named 'test_framework.docker_circuit_breaker'",
    "tests/mission_critical/test_circuit_breaker_resilience.py": (
        "cannot import name 'CircuitOpenException' from 'netra_backend.app.services.circuit_breaker'"
    ),
}
# Every failing test (or module that cannot be collected) of the example today, and its error.
FAILING_TODAY = {
    **AUDIT_ONLY,
    "tests/mission_critical/test_websocket_agent_events_suite.py": (
        "cannot import name 'UnifiedWebSocketManager' from 'netra_backend.app.websocket_core.unified_manager'"
    ),
    "tests/unit/agents/test_supervisor.py": BRIDGE,
    "tests/unit/services/test_circuit_breaker_compat.py": (
        "cannot import name 'CircuitBreakerState' from 'netra_backend.app.services.circuit_breaker'"
    ),
    "tests.unit.routes.test_health::test_health_is_degraded_while_a_circuit_is_open": (
        "AttributeError: module 'netra_backend.app.services.circuit_breaker' has no attribute 'CircuitBreakerState'"
    ),
    SCENARIOS + "test_the_agent_handler_is_set_up_with_the_ssot_bridge": BRIDGE,
    LEGACY_ROUTE + "test_the_legacy_endpoint_connects_and_bridges_agents": (
        "ImportError: cannot import name 'agent_websocket_bridge' from 'netra_backend.app.agents'"
    ),
    # mock.patch of the old module path: ModuleNotFoundError up to 3.10, AttributeError from 3.11 on.
    LEGACY_ROUTE + "test_the_legacy_endpoint_uses_the_bridge_factory": "agent_websocket_bridge",
    SCENARIOS + "test_authentication_failure_sends_auth_failed_and_closes_1008": ERROR_MESSAGE,
    SCENARIOS + "test_service_initialization_failure_sends_an_error_and_closes_1011": ERROR_MESSAGE,
    SCENARIOS + "test_isolated_mode_never_falls_back_to_the_emergency_manager": ERROR_MESSAGE,
    "tests.unit.routes.test_threads_route::test_an_unknown_thread_is_an_error_message": ERROR_MESSAGE,
    SCENARIOS + "test_an_authenticated_client_is_told_it_is_connected": SERVER_DATA,
    SCENARIOS + "test_ping_is_answered_with_pong": SERVER_DATA,
    SCENARIOS + "test_invalid_json_is_reported_and_the_connection_stays_open": SERVER_DATA,
    SCENARIOS + "test_unknown_message_types_are_reported": SERVER_DATA,
    SCENARIOS + "test_a_connection_error_is_reported_with_the_mode_and_closes_1011": SERVER_DATA,
    SCENARIOS + "test_a_cleanup_error_is_reported_to_the_client": SERVER_DATA,
    SCENARIOS + "test_the_emergency_manager_serves_when_the_factory_fails": SERVER_DATA,
    SCENARIOS + "test_start_agent_streams_events_then_the_result": SERVER_DATA,
    HANDLER + "test_start_agent_streams_the_five_critical_events": CONTEXT,
    HANDLER + "test_the_run_gets_its_own_context_and_is_disconnected_after": CONTEXT,
    COMPLIANCE + "test_exactly_one_websocket_manager_implementation": DUPLICATES,
    COMPLIANCE + "test_no_error_message_is_built_without_an_error_code": SINGLE_ARGUMENT_CALLS,
    "tests.unit.services.test_thread_service::test_new_threads_are_announced_on_the_users_manager": LEGACY_TYPE_CHECK,
}
# After the recipe (renames, call sites, the collapsed manager classes): only what audit reports and a person fixes.
FAILING_AFTER_APPLY = dict(AUDIT_ONLY)
MIGRATED_FILES = [
    "netra_backend/app/agents/base_agent.py",
    "netra_backend/app/agents/supervisor.py",
    "netra_backend/app/routes/threads.py",
    "netra_backend/app/routes/websocket.py",
    "netra_backend/app/routes/websocket_ssot.py",
    "netra_backend/app/services/thread_service.py",
    "netra_backend/app/websocket_core/__init__.py",
    "netra_backend/app/websocket_core/agent_handler.py",
    "netra_backend/app/websocket_core/manager.py",
    "netra_backend/app/websocket_core/unified_manager.py",
    "netra_backend/app/websocket_core/websocket_manager_factory.py",
    "tests/mission_critical/test_websocket_agent_events_suite.py",
    "tests/unit/agents/test_supervisor.py",
    "tests/unit/routes/test_health.py",
    "tests/unit/routes/test_legacy_websocket_route.py",
    "tests/unit/services/test_circuit_breaker_compat.py",
    "tests/unit/websocket_core/test_legacy_manager.py",
    "tests/unit/websocket_core/test_websocket_manager_factory.py",
]
# What the plan reports for a human: the dynamic error message, the two fallback signatures, the four duplicate
# managers (hard cases, each with its API differences), and (info) the three places a test passes
# create_server_message around as a value, out of call-args' reach.
PLAN_FINDINGS = sorted([
    "SSOT203", "SSOT210", "SSOT210", "SSOT210", "SSOT301", "SSOT313",
    "SSOT402", "SSOT402", "SSOT402", "SSOT402", "SSOT403", "SSOT404", "SSOT404", "SSOT404",
])


def copy_example(target: Path) -> Path:
    """The example as its own git repository (what a user gets by copying it out), without caches."""
    shutil.copytree(EXAMPLE, target, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    return make_repo(target, {})


def run_example_tests(root: Path) -> tuple[dict[str, str], set[str]]:
    """(test id or uncollectable module -> its error, ids of the tests that passed), from pytest's junit report."""
    report = root.parent / f"{root.name}-junit.xml"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}", "tests"],
        cwd=root, env=env, capture_output=True, timeout=300,
    )
    failing: dict[str, str] = {}
    passed: set[str] = set()
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        problem = next((child for child in case if child.tag in ("failure", "error")), None)
        if not case.get("classname"):  # a module that could not be collected
            module = case.get("name", "").replace(".", "/") + ".py"
            lines = [line[1:].strip() for line in (problem.text or "").splitlines() if line.startswith("E ")]
            failing[module] = lines[-1] if lines else ""
            continue
        test = f"{case.get('classname')}::{case.get('name')}"
        if problem is None:
            passed.add(test)
        else:
            failing[test] = problem.get("message", "")
    return failing, passed


def assert_errors(actual: dict[str, str], expected: dict[str, str]) -> None:
    assert sorted(actual) == sorted(expected)
    wrong = {test: actual[test] for test, error in expected.items() if error not in actual[test]}
    assert wrong == {}, "each failure must be the error of the incident it reproduces"


@pytest.fixture(scope="module")
def migrated(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Run the story once: the tests today, `apply --in-place`, the tests again, the hand-written patch, again."""
    root = copy_example(tmp_path_factory.mktemp("story") / "netra_like")
    today = run_example_tests(root)
    applied = run_cli("apply", "--in-place", cwd=root)
    changed = git(root, "diff", "--name-only").stdout.split()
    after_apply = run_example_tests(root)
    second_plan = run_cli("plan", "--format", "diff", cwd=root)
    git(root, "apply", "fixed-by-hand.patch")
    after_patch = run_example_tests(root)
    return {
        "today": today, "applied": applied, "changed": changed, "after_apply": after_apply,
        "second_plan": second_plan, "after_patch": after_patch,
    }


def test_the_example_fails_today_with_the_errors_of_the_incidents(migrated: dict) -> None:
    failing, passed = migrated["today"]
    assert_errors(failing, FAILING_TODAY)
    assert len(passed) >= 40


def test_the_example_is_a_realistic_backend() -> None:
    modules = [p for p in EXAMPLE.rglob("*.py") if "tests" not in p.relative_to(EXAMPLE).parts]
    assert len(modules) >= 30
    package = (EXAMPLE / "netra_backend/app/websocket_core/__init__.py").read_text()
    assert "except ImportError" in package and 'def create_error_message(error_code, message="Error"' in package


def test_the_readme_quickstart_plans_the_migration_and_writes_nothing() -> None:
    before = tree_bytes(EXAMPLE)
    result = run_cli("plan", "examples/netra_like", "--format", "json", cwd=ROOT)
    assert result.returncode == 0, result.stderr.decode()
    plan = json.loads(result.stdout)
    assert plan["migration"] == {**plan["migration"], "name": "websocket-ssot", "specs": ["catalog:websocket-ssot"]}
    assert [(c["kind"], c["files"]) for c in plan["codemods"]] == [
        ("rename-import", 4), ("rename-import", 1), ("rename-import", 2),
        ("error-code-message", 2), ("call-args", 2), ("call-args", 2), ("collapse-class", 11),
    ]
    assert [f["path"] for f in plan["files"]] == MIGRATED_FILES
    assert sorted(f["code"] for f in plan["findings"]) == PLAN_FINDINGS
    assert {f["code"] for f in plan["findings"] if f["severity"] != "warning"} == {"SSOT210"}
    assert {f["severity"] for f in plan["findings"] if f["code"] == "SSOT210"} == {"info"}
    assert tree_bytes(EXAMPLE) == before


def test_apply_in_place_fixes_every_failure_a_codemod_can_fix(migrated: dict) -> None:
    applied = migrated["applied"]
    assert applied.returncode == 0, applied.stderr.decode()
    assert applied.stdout.decode().endswith("Wrote 18 files.\n")
    assert migrated["changed"] == MIGRATED_FILES
    failing, passed = migrated["after_apply"]
    assert_errors(failing, FAILING_AFTER_APPLY)
    assert COMPLIANCE + "test_exactly_one_websocket_manager_implementation" in passed


def test_a_second_plan_after_apply_is_empty(migrated: dict) -> None:
    result = migrated["second_plan"]
    assert result.returncode == 0 and result.stdout == b""


def test_the_hand_written_patch_fixes_what_only_audit_reports(migrated: dict) -> None:
    failing, passed = migrated["after_patch"]
    assert_errors(failing, {})
    fixed_modules = {"tests.integration.test_docker_services_fallback", "tests.mission_critical.test_circuit_breaker_resilience"}
    assert len({test for test in passed if test.split("::")[0] in fixed_modules}) == 5


def summary(outcome: tuple[dict[str, str], set[str]]) -> str:
    """pytest's last line for a run: `N failed, N passed, N errors`."""
    failing, passed = outcome
    failed = sum("::" in test for test in failing)
    errors = len(failing) - failed
    parts = [f"{failed} failed" if failed else "", f"{len(passed)} passed", f"{errors} errors" if errors else ""]
    return ", ".join(part for part in parts if part)


def test_the_documented_test_counts_are_the_real_ones(migrated: dict) -> None:
    counts = [summary(migrated[step]) for step in ("today", "after_apply", "after_patch")]
    for page in (EXAMPLE / "README.md", ROOT / "docs" / "getting-started.md"):
        text = page.read_text()
        assert all(count in text for count in counts), (page.name, counts)


def test_the_whole_story_audit_plan_apply_branch_and_the_tests_pass_on_the_branch(tmp_path: Path) -> None:
    """The README's story with the real commands: failing tests, audit, plan, a gated branch, the person's patch."""
    root = copy_example(tmp_path / "netra_like")
    failing, _ = run_example_tests(root)
    assert_errors(failing, FAILING_TODAY)

    audit = run_cli("audit", "--format", "json", cwd=root)
    assert audit.returncode == 0, audit.stderr.decode()
    reported = {(f["path"], f["code"]) for f in json.loads(audit.stdout)["findings"]}
    for path, code in [
        ("netra_backend/app/agents/supervisor.py", "SSOT501"),  # the moved bridge module
        ("tests/mission_critical/test_websocket_agent_events_suite.py", "SSOT502"),  # UnifiedWebSocketManager export
        ("tests/unit/services/test_circuit_breaker_compat.py", "SSOT502"),  # CircuitBreakerState rename
        ("netra_backend/app/routes/websocket_ssot.py", "SSOT530"),  # one-argument create_error_message
        ("netra_backend/app/websocket_core/agent_handler.py", "SSOT530"),  # context= keyword
        ("netra_backend/app/websocket_core/__init__.py", "SSOT531"),  # permissive fallback signatures
        ("netra_backend/app/websocket_core/manager.py", "SSOT522"),  # duplicate manager classes (a name family)
        ("tests/mission_critical/test_circuit_breaker_resilience.py", "SSOT502"),  # CircuitOpenException: audit only
        ("tests/integration/test_docker_services_fallback.py", "SSOT501"),  # missing test-framework module
    ]:
        assert (path, code) in reported, (path, code)

    plan = run_cli("plan", "--format", "json", cwd=root)
    assert plan.returncode == 0
    assert sorted(f["path"] for f in json.loads(plan.stdout)["files"]) == MIGRATED_FILES

    head = git(root, "rev-parse", "HEAD").stdout.strip()
    applied = run_cli("apply", "--branch", "ssot/{name}", "--format", "json", cwd=root, timeout=600)
    assert applied.returncode == 0, applied.stderr.decode()
    report = json.loads(applied.stdout)
    assert report["branch"]["name"] == "ssot/websocket-ssot"
    assert git(root, "rev-parse", "HEAD").stdout.strip() == head, "the user's checkout is not touched"
    assert git(root, "status", "--porcelain").stdout == ""

    branch = tmp_path / "on-branch"
    git(root, "worktree", "add", "-q", str(branch), "ssot/websocket-ssot")
    message = git(branch, "log", "-1", "--format=%B").stdout
    assert "Ssot-Migrate: sha256:" in message
    failing, _ = run_example_tests(branch)
    assert_errors(failing, FAILING_AFTER_APPLY)
    git(branch, "apply", "fixed-by-hand.patch")
    failing, passed = run_example_tests(branch)
    assert failing == {}
    assert len(passed) >= 40
