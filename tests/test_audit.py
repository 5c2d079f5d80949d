"""`ssot-migrate audit` on a backend halfway through its SSOT consolidation (tests/fixtures/ssot_debt).

Each failure of the incident reports is in the fixture; the audit must report each
one with the right fix, its draft spec must make the fixture's own tests pass once
applied, and no code of the audited repository may ever run.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from ssot_migrate.spec import load_migration

from .helpers import ENV_BASE, make_repo, run_cli, run_in_terminal, spec_text, tree_bytes

FIXTURE = Path(__file__).parent / "fixtures" / "ssot_debt"
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
PATTERN = "*WebSocketManager*"
WS = "netra_backend.app.websocket_core"
SIDE_EFFECT_MARKER = "netra_backend/app/IMPORTED-BY-AUDIT"


def fixture_files() -> dict[str, bytes]:
    return {p.relative_to(FIXTURE).as_posix(): p.read_bytes() for p in sorted(FIXTURE.rglob("*")) if p.is_file()}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo", fixture_files())


def audit_json(repo: Path, *args: str) -> dict:
    result = run_cli("audit", "--format", "json", *args, cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


def by_location(report: dict) -> dict[tuple[str, int], list[dict]]:
    out: dict[tuple[str, int], list[dict]] = {}
    for finding in report["findings"]:
        out.setdefault((finding["path"], finding["line"]), []).append(finding)
    return out


def only(findings: list[dict], code: str) -> dict:
    [finding] = [f for f in findings if f["code"] == code]
    return finding


def run_pytest(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=repo, capture_output=True, text=True, env={**ENV_BASE, "PATH": "/usr/bin:/bin", "PYTHONPATH": str(repo),
                                                       "PYTHONDONTWRITEBYTECODE": "1"},
    )


# -- each incident, with its fix ---------------------------------------------------------------------


def test_moved_module_is_reported_with_its_new_home(repo: Path) -> None:
    found = by_location(audit_json(repo))
    supervisor = only(found[("netra_backend/app/agents/supervisor.py", 5)], "SSOT501")
    assert supervisor["severity"] == "error"
    assert supervisor["col"] == 1
    assert "No module named 'netra_backend.app.agents.agent_websocket_bridge'" in supervisor["message"]
    assert supervisor["suggestion"] == {
        "old": "netra_backend.app.agents.agent_websocket_bridge",
        "new": "netra_backend.app.services.agent_websocket_bridge",
    }
    # `from ..agents import agent_websocket_bridge`: the same move, seen as a missing name of the package.
    relative = only(found[("netra_backend/app/routes/websocket.py", 5)], "SSOT502")
    assert relative["suggestion"] == supervisor["suggestion"]
    # The stale mock.patch target in the tests: the same move again.
    patched = only(found[("tests/test_agents.py", 18)], "SSOT507")
    assert patched["message"].startswith(
        "unittest.mock.patch('netra_backend.app.agents.agent_websocket_bridge.AgentWebSocketBridge.notify') "
        "cannot resolve its target"
    )
    assert patched["suggestion"] == supervisor["suggestion"]


def test_name_no_longer_exported_by_all_points_at_the_ssot_module(repo: Path) -> None:
    finding = only(by_location(audit_json(repo))[("tests/test_websocket_manager.py", 3)], "SSOT502")
    assert finding["message"].startswith(
        f"cannot import name 'UnifiedWebSocketManager' from '{WS}.unified_manager' "
        "(not defined there, and its `__all__` does not export it)"
    )
    assert finding["col"] == 62
    assert finding["suggestion"] == {
        "old": f"{WS}.unified_manager.UnifiedWebSocketManager",
        "new": f"{WS}.websocket_manager:UnifiedWebSocketManager",
    }


def test_renamed_class_is_found_as_its_unified_variant(repo: Path) -> None:
    finding = only(by_location(audit_json(repo))[("tests/test_circuit_breaker.py", 1)], "SSOT502")
    assert "cannot import name 'CircuitBreakerState'" in finding["message"]
    assert "renamed variant" in finding["message"]
    assert finding["suggestion"] == {
        "old": "netra_backend.app.services.circuit_breaker.CircuitBreakerState",
        "new": "netra_backend.app.core.resilience.unified_circuit_breaker:UnifiedCircuitBreakerState",
    }


def test_names_and_modules_that_never_existed_have_no_candidate(repo: Path) -> None:
    found = by_location(audit_json(repo))
    probe = "netra_backend/app/legacy/resilience_probe.py"
    never = only(found[(probe, 5)], "SSOT502")
    assert "cannot import name 'CircuitOpenException'" in never["message"]
    assert never["message"].endswith("no candidate in the repository")
    assert "suggestion" not in never
    module = only(found[(probe, 7)], "SSOT501")
    assert module["message"] == "No module named 'test_framework.docker_circuit_breaker'; no candidate in the repository"
    assert "suggestion" not in module


def test_import_of_a_name_left_out_of_all_is_a_warning_pointing_at_its_export(repo: Path) -> None:
    finding = only(by_location(audit_json(repo))[("tests/test_circuit_breaker.py", 1)], "SSOT503")
    assert finding["severity"] == "warning"
    assert finding["suggestion"] == {
        "old": "netra_backend.app.services.circuit_breaker.CircuitBreakerMetrics",
        "new": "netra_backend.app.core.resilience.metrics:CircuitBreakerMetrics",
    }


def test_all_listing_an_undefined_name_is_an_error_at_the_all_line(repo: Path) -> None:
    finding = only(by_location(audit_json(repo))[("netra_backend/app/services/circuit_breaker/__init__.py", 7)], "SSOT504")
    assert "'ServiceHealthMonitor'" in finding["message"]


def test_calls_that_no_longer_fit_are_reported_against_the_real_definition(repo: Path) -> None:
    found = by_location(audit_json(repo))
    route = "netra_backend/app/routes/websocket_ssot.py"
    keyword = only(found[(route, 9)], "SSOT530")
    assert keyword["message"].startswith(
        "create_websocket_manager() got an unexpected keyword argument 'context'; "
        "missing 1 required argument: 'user_context'"
    )
    missing = only(found[(route, 11)], "SSOT530")
    assert missing["message"].startswith("create_error_message() missing 1 required argument: 'error_message'")
    assert f"{WS}.types.create_error_message(error_code, error_message, details=...)" in missing["message"]
    assert only(found[(route, 12)], "SSOT530")["message"].startswith(
        "create_server_message() missing 1 required argument: 'data'"
    )
    assert only(found[(route, 17)], "SSOT530")["message"].startswith(
        "create_websocket_manager() takes 1 positional argument but 3 were given"
    )
    assert (route, 13) not in found, "a call that fits is not reported"


def test_fallbacks_whose_signatures_disagree_are_reported_at_the_fallback(repo: Path) -> None:
    found = by_location(audit_json(repo))
    init = "netra_backend/app/websocket_core/__init__.py"
    error = only(found[(init, 7)], "SSOT531")
    assert error["severity"] == "warning"
    assert f"the fallback {WS}.create_error_message(error_code, message=...)" in error["message"]
    assert f"{WS}.types.create_error_message(error_code, error_message, details=...)" in error["message"]
    assert only(found[(init, 10)], "SSOT531")


def test_duplicate_classes_one_finding_per_class_naming_the_whole_group(repo: Path) -> None:
    report = audit_json(repo, "--pattern", PATTERN)
    pattern_findings = [f for f in report["findings"] if f["code"] == "SSOT521"]
    group = pattern_findings[0]["group"]
    assert len(group) >= 10
    assert all(f["group"] == group for f in pattern_findings)
    assert len(pattern_findings) == len(group)
    canonical = f"{WS}.websocket_manager.UnifiedWebSocketManager"
    assert canonical in group and f"{WS}.unified_manager._UnifiedWebSocketManager" in group
    # A Protocol or an Enum that matches the pattern is no implementation to collapse, nor is a class that
    # shares no public member with the canonical: they stay in the group, without a suggestion.
    not_duplicates = {
        ("netra_backend/app/websocket_core/protocols.py", 4): "an interface, enum or record type",
        ("netra_backend/app/websocket_core/unified_manager.py", 12): "an interface, enum or record type",
        ("netra_backend/app/websocket_core/factory.py", 4): "shares no public member",
        ("netra_backend/app/websocket_core/adapters.py", 6): "shares no public member",
    }
    for finding in pattern_findings:
        assert all(member in finding["message"] for member in group)
        reason = not_duplicates.get((finding["path"], finding["line"]))
        if reason is not None:
            assert finding["severity"] == "info" and "suggestion" not in finding
            assert reason in finding["message"]
            assert f"so no collapse onto {canonical} is suggested" in finding["message"]
            continue
        assert finding["severity"] == "warning"
        assert f"suggested canonical: {canonical}" in finding["message"] or "this is the suggested canonical" in finding["message"]
    assert sum(f["severity"] == "info" for f in pattern_findings) == len(not_duplicates)
    at_class_lines = {(f["path"], f["line"]) for f in pattern_findings}
    assert ("netra_backend/app/websocket_core/websocket_manager.py", 6) in at_class_lines
    assert ("test_framework/mocks.py", 1) in at_class_lines
    legacy = next(f for f in pattern_findings if f["path"] == "netra_backend/app/websocket_core/unified_manager.py"
                  and f["line"] == 27)
    assert "40% of public members shared with it: add_connection, send_to_user; it lacks broadcast" in legacy["message"]
    assert legacy["suggestion"] == {"old": f"{WS}.unified_manager._UnifiedWebSocketManager", "new": canonical}
    assert all("suggestion" not in f for f in pattern_findings if f"{canonical}; this is" in f["message"] or
               "this is the suggested canonical" in f["message"])
    # Equal names group on their own, without any --pattern; two classes that share only their name (no public
    # member in common) are no duplicate by default, and `--duplicates all` shows them.
    assert not [f for f in audit_json(repo)["findings"] if f["code"] == "SSOT520"]
    named = [f for f in audit_json(repo, "--duplicates", "all")["findings"] if f["code"] == "SSOT520"]
    assert {(f["path"], f["line"]) for f in named} == {
        ("netra_backend/app/services/websocket_manager.py", 4),
        ("netra_backend/app/websocket_core/manager.py", 4),
    }
    assert named[0]["group"] == [
        "netra_backend.app.services.websocket_manager.WebSocketManager", f"{WS}.manager.WebSocketManager",
    ]


def test_json_report_is_versioned_and_has_the_documented_keys(repo: Path) -> None:
    report = audit_json(repo, "--pattern", PATTERN)
    assert set(report) == {"schema_version", "tool", "findings", "stats"}
    assert report["schema_version"] == 1 and report["tool"]["name"] == "ssot-migrate"
    assert set(report["stats"]) == {"discovered", "parsed", "unparsable", "audited", "seconds", "roots"}
    assert report["stats"]["discovered"] == report["stats"]["parsed"] == len(
        [p for p in fixture_files() if p.endswith(".py")]
    )
    for finding in report["findings"]:
        assert finding["codemod"] is None
        assert {"path", "line", "col", "severity", "code", "codemod", "message"} <= set(finding)


def test_piped_output_is_one_line_per_finding_then_a_summary(repo: Path) -> None:
    report = audit_json(repo, "--pattern", PATTERN)
    # A narrow COLUMNS changes nothing: a pipe is never wrapped or padded.
    result = run_cli("audit", "--pattern", PATTERN, cwd=repo, env={"COLUMNS": "60"})
    assert result.returncode == 0, result.stderr.decode()
    lines = result.stdout.decode().splitlines()
    expected = [f"{f['path']}:{f['line']}:{f['col']}: {f['code']} {f['severity']}: {f['message']}"
                for f in report["findings"]]
    assert lines[:-1] == expected
    counts = {s: sum(1 for f in report["findings"] if f["severity"] == s) for s in ("error", "warning", "info")}
    assert lines[-1].startswith(f"{len(expected)} findings: {counts['error']} errors, {counts['warning']} warnings, "
                                f"{counts['info']} infos; ")
    assert not any(line.endswith(" ") for line in lines)
    assert "SSOT" not in result.stderr.decode(), "findings are results: stdout only"


def test_github_output_is_one_annotation_per_finding(repo: Path) -> None:
    report = audit_json(repo, "--pattern", PATTERN)
    result = run_cli("audit", "--pattern", PATTERN, "--output-format", "github", cwd=repo)
    lines = result.stdout.decode().splitlines()
    level = {"error": "error", "warning": "warning", "info": "notice"}
    assert lines == [
        f"::{level[f['severity']]} file={f['path']},line={f['line']},col={f['col']},title={f['code']}::"
        + f["message"].replace("%", "%25") for f in report["findings"]
    ]


def test_on_a_wide_terminal_there_is_one_table_per_kind_with_every_location_whole(repo: Path) -> None:
    report = audit_json(repo, "--pattern", PATTERN)
    code, shown = run_in_terminal("audit", "--pattern", PATTERN, cwd=repo, columns=260)
    assert code == 0, shown
    assert shown.index("Broken imports (") < shown.index("Duplicate classes (") < shown.index("Signature mismatches (")
    assert "┃ location" in shown
    for finding in report["findings"]:
        assert f"│ {finding['path']}:{finding['line']}:{finding['col']} " in shown
    # Below 100 columns a terminal gets the one-line form.
    code, narrow = run_in_terminal("audit", "--pattern", PATTERN, cwd=repo, columns=80)
    assert code == 0 and "┃" not in narrow
    assert f"{report['findings'][0]['path']}:{report['findings'][0]['line']}:" in narrow


def test_paths_limit_where_findings_are_reported_not_what_is_indexed(repo: Path) -> None:
    report = audit_json(repo, "tests")
    assert {f["path"].split("/")[0] for f in report["findings"]} == {"tests"}
    # The suggestion still comes from modules outside `tests`.
    assert any(f.get("suggestion", {}).get("new", "").startswith("netra_backend.") for f in report["findings"])
    assert report["stats"]["audited"] == 4


# -- exit codes ---------------------------------------------------------------------------------------


def test_fail_on_turns_findings_into_exit_code_1(repo: Path, tmp_path: Path) -> None:
    assert run_cli("audit", cwd=repo).returncode == 0
    assert run_cli("audit", "--fail-on", "error", cwd=repo).returncode == 1
    clean = make_repo(tmp_path / "clean", {"pkg/__init__.py": "", "pkg/a.py": "import json\nfrom pkg import b\n",
                                           "pkg/b.py": "X = 1\n"})
    assert run_cli("audit", "--fail-on", "warning", cwd=clean).returncode == 0
    copy = "class A:\n    def run(self):\n        pass\n"
    warned = make_repo(tmp_path / "warned", {"pkg/__init__.py": "", "pkg/a.py": copy, "lib/__init__.py": "",
                                             "lib/b.py": copy})
    assert run_cli("audit", "--fail-on", "error", cwd=warned).returncode == 0
    assert run_cli("audit", "--fail-on", "warning", cwd=warned).returncode == 1


def test_emit_guard_with_a_machine_format_is_a_usage_error(repo: Path) -> None:
    result = run_cli("audit", "--format", "json", "--emit-guard", "ruff", cwd=repo)
    assert result.returncode == 2
    assert b"--emit-guard" in result.stderr and result.stdout == b""


# -- the draft spec -----------------------------------------------------------------------------------


def test_emitted_spec_once_applied_makes_the_fixture_tests_pass(repo: Path) -> None:
    before = run_pytest(repo)
    assert before.returncode != 0
    assert "No module named 'netra_backend.app.agents.agent_websocket_bridge'" in before.stdout

    spec = repo.parent / "audit-fixes.toml"
    result = run_cli("audit", "--pattern", PATTERN, "--emit-spec", str(spec), cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert b"7 codemods ready; what needs a human is commented out" in result.stderr
    migration = load_migration([str(spec)])
    renames = [c for c in migration.codemods if c.kind == "rename-import"]
    # Most specific old path first: a symbol is renamed before a module that contains it would move.
    assert [(c.kind, str(c.values["old"]), str(c.values["new"])) for c in renames] == [
        ("rename-import", "netra_backend.app.services.circuit_breaker.CircuitBreakerMetrics",
         "netra_backend.app.core.resilience.metrics:CircuitBreakerMetrics"),
        ("rename-import", "netra_backend.app.services.circuit_breaker.CircuitBreakerState",
         "netra_backend.app.core.resilience.unified_circuit_breaker:UnifiedCircuitBreakerState"),
        ("rename-import", f"{WS}.unified_manager.UnifiedWebSocketManager",
         f"{WS}.websocket_manager:UnifiedWebSocketManager"),
        ("rename-import", "netra_backend.app.agents.agent_websocket_bridge",
         "netra_backend.app.services.agent_websocket_bridge"),
    ]
    # The mechanical call-site fixes and the group the person named are live, each with what to confirm.
    calls = {c.kind: c for c in migration.codemods if c.kind != "rename-import"}
    assert set(calls) == {"collapse-class", "call-args", "error-code-message"}
    assert str(calls["collapse-class"].values["canonical"]) == f"{WS}.websocket_manager.UnifiedWebSocketManager"
    assert str(calls["error-code-message"].values["function"]) == f"{WS}.types.create_error_message"
    assert dict(calls["error-code-message"].values["codes"]) == {"Authentication failed": "AUTH_FAILED"}
    text = spec.read_text()
    assert "# Confirm before merging: data = {} (an empty dict, from its annotation)." in text
    # What a human must decide is there, commented out, ready to uncomment: a call with extra positionals.
    assert '# kind = "call-args"' in text and "# keyword_to_positional = { context = 0 }" in text
    assert "extra positional arguments must be removed by hand" in text
    assert "CircuitOpenException" in text and "docker_circuit_breaker" in text

    applied = run_cli("apply", "--spec", str(spec), "--in-place", cwd=repo)
    assert applied.returncode == 0, applied.stderr.decode()
    after = run_pytest(repo)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "10 passed" in after.stdout

    remaining = {(f["code"], f["path"], f["line"]) for f in audit_json(repo)["findings"]}
    assert ("SSOT502", "netra_backend/app/legacy/resilience_probe.py", 5) in remaining
    assert ("SSOT501", "netra_backend/app/legacy/resilience_probe.py", 7) in remaining
    assert not any(path.startswith("tests/") for _, path, _ in remaining)


# -- nothing of the repository runs ---------------------------------------------------------------------


def test_audit_never_imports_repository_code(repo: Path) -> None:
    before = tree_bytes(repo)
    env = {"PYTHONPATH": str(repo)}  # even when the repository is importable from where audit runs
    for fmt in ("text", "json", "sarif", "html"):
        result = run_cli("audit", "--format", fmt, "--pattern", PATTERN, cwd=repo, env=env)
        assert result.returncode == 0, result.stderr.decode()
    assert not (repo / SIDE_EFFECT_MARKER).exists()
    assert tree_bytes(repo) == before
    report = audit_json(repo, "--pattern", PATTERN)
    warm_up = [f for f in report["findings"] if "'warm_up'" in f["message"]]
    assert warm_up and warm_up[0]["code"] == "SSOT502", "the module was read, not run"
    # The module really does run code on import: this is what audit must never do.
    imported = subprocess.run(
        [sys.executable, "-c", "import netra_backend.app.startup_side_effects"], cwd=repo, capture_output=True,
    )
    assert imported.returncode != 0 and (repo / SIDE_EFFECT_MARKER).exists()


def test_packages_that_raise_on_import_are_located_not_imported(tmp_path: Path) -> None:
    boom = "from pathlib import Path\nPath(__file__).with_name('RAN').write_text('x')\nraise SystemExit(3)\n"
    repo = make_repo(tmp_path / "repo", {
        "boom/__init__.py": boom,
        "boom/sub/__init__.py": boom,
        "app.py": "import boom.sub.missing\nfrom boom.sub import nothing\nimport boom.sub\n",
    })
    before = tree_bytes(repo)
    report = audit_json(repo, "--pattern", PATTERN)
    assert [(f["code"], f["line"]) for f in report["findings"]] == [("SSOT501", 1), ("SSOT502", 2)]
    assert tree_bytes(repo) == before, "audit ran package code (or wrote into the repository)"


# -- SARIF ---------------------------------------------------------------------------------------------


def test_sarif_output_validates_against_the_sarif_2_1_0_schema(repo: Path) -> None:
    result = run_cli("audit", "--format", "sarif", "--pattern", PATTERN, "--duplicates", "all", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    log = json.loads(result.stdout)
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    jsonschema.Draft4Validator(schema).validate(log)
    [run] = log["runs"]
    assert log["version"] == "2.1.0" and run["tool"]["driver"]["name"] == "ssot-migrate"
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert {"SSOT501", "SSOT502", "SSOT520", "SSOT521", "SSOT530", "SSOT531"} <= set(rules)
    json_findings = audit_json(repo, "--pattern", PATTERN, "--duplicates", "all")["findings"]
    assert len(run["results"]) == len(json_findings)
    first = run["results"][0]
    assert rules[first["ruleIndex"]] == first["ruleId"]
    location = first["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": json_findings[0]["path"], "uriBaseId": "%SRCROOT%"}
    assert location["region"] == {"startLine": json_findings[0]["line"], "startColumn": json_findings[0]["col"]}
    levels = [r["level"] for r in run["results"]]
    expected = {"error": "error", "warning": "warning", "info": "note"}
    assert levels == [expected[f["severity"]] for f in json_findings]
    assert set(levels) == {"error", "warning", "note"}


def test_the_validator_rejects_a_log_that_breaks_the_schema() -> None:
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(schema).validate(
            {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "fatal"}]}]}
        )


# -- ruff guard ---------------------------------------------------------------------------------------


def test_emit_guard_ruff_bans_the_old_paths_for_real_ruff(repo: Path) -> None:
    result = run_cli("audit", "--emit-guard", "ruff", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    guard = result.stdout.decode()
    assert "[tool.ruff.lint.flake8-tidy-imports.banned-api]" in guard
    assert ('"netra_backend.app.agents.agent_websocket_bridge".msg = "Moved by an SSOT migration: use '
            'netra_backend.app.services.agent_websocket_bridge instead."') in guard
    assert '"netra_backend.app.services.circuit_breaker.CircuitBreakerState".msg' in guard
    assert "CircuitOpenException" not in guard, "no replacement, nothing to say in a ban"

    pyproject = repo / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + '\n[tool.ruff.lint]\nextend-select = ["TID251"]\n\n' + guard)
    ruff = Path(sys.executable).with_name("ruff")
    checked = subprocess.run(
        [str(ruff), "check", "--no-cache", "--output-format", "concise", "netra_backend/app/agents/supervisor.py",
         "tests/test_circuit_breaker.py"],
        cwd=repo, capture_output=True, text=True,
    )
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "TID251 `netra_backend.app.agents.agent_websocket_bridge` is banned: Moved by an SSOT migration" in checked.stdout
    assert "TID251 `netra_backend.app.services.circuit_breaker.CircuitBreakerState` is banned" in checked.stdout


def test_emit_guard_includes_the_configured_migration(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {
        "pyproject.toml": '[tool.ssot-migrate]\nspecs = ["migration.toml"]\n',
        "migration.toml": (
            '[migration]\nname = "m"\n\n[[codemod]]\nkind = "rename-import"\n'
            'old = "app.legacy.bridge"\nnew = "app.services:bridge"\n'
        ),
        "app/__init__.py": "",
        "app/services.py": "def bridge():\n    return 1\n",
    })
    result = run_cli("audit", "--emit-guard", "ruff", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert ('"app.legacy.bridge".msg = "Moved by an SSOT migration: use app.services.bridge instead."'
            in result.stdout.decode())


def test_the_shipped_example_has_every_row_of_its_failure_table_found_statically(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[1] / "examples" / "netra_like"
    files = {p.relative_to(example).as_posix(): p.read_bytes() for p in sorted(example.rglob("*"))
             if p.is_file() and "__pycache__" not in p.parts}
    repo = make_repo(tmp_path / "example", files)
    before = tree_bytes(repo)
    report = audit_json(repo, "--pattern", PATTERN)
    assert tree_bytes(repo) == before
    found = {(f["code"], f["path"]) for f in report["findings"]}
    app = "netra_backend/app"
    assert {
        ("SSOT530", f"{app}/routes/websocket_ssot.py"),  # 1, 2: create_error_message / create_server_message
        ("SSOT530", f"{app}/routes/threads.py"),
        ("SSOT501", f"{app}/agents/supervisor.py"),  # 3: the moved bridge, also behind a fallback and in a patch
        ("SSOT502", f"{app}/routes/websocket.py"),
        ("SSOT507", "tests/unit/routes/test_legacy_websocket_route.py"),
        ("SSOT530", f"{app}/websocket_core/agent_handler.py"),  # 4: create_websocket_manager(context=...)
        ("SSOT502", "tests/mission_critical/test_websocket_agent_events_suite.py"),  # 5
        ("SSOT502", "tests/unit/services/test_circuit_breaker_compat.py"),  # 6
        ("SSOT502", "tests/mission_critical/test_circuit_breaker_resilience.py"),  # 8: no candidate
        ("SSOT501", "tests/integration/test_docker_services_fallback.py"),
        ("SSOT531", f"{app}/websocket_core/__init__.py"),  # the permissive fallbacks
    } <= found
    guarded = [f for f in report["findings"] if f["path"] == f"{app}/routes/websocket_ssot.py" and f["code"] == "SSOT501"]
    assert [f["severity"] for f in guarded] == ["warning"]
    # 7: the duplicate managers, grouped by the pattern; test classes are not duplicates.
    group = next(f["group"] for f in report["findings"] if f["code"] == "SSOT521")
    assert {
        f"{app.replace('/', '.')}.websocket_core.websocket_manager_factory.IsolatedWebSocketManager",
        f"{app.replace('/', '.')}.websocket_core.unified_manager._UnifiedWebSocketManagerImplementation",
        f"{app.replace('/', '.')}.websocket_core.manager.WebSocketManager",
        f"{app.replace('/', '.')}.routes.websocket.EmergencyWebSocketManager",
        f"{app.replace('/', '.')}.websocket_core.websocket_manager.UnifiedWebSocketManager",
    } <= set(group)
    assert not any(".Test" in member for member in group)



def test_drafted_call_args_tables_run_with_the_real_kind_once_uncommented(repo: Path) -> None:
    spec = repo.parent / "draft.toml"
    assert run_cli("audit", "--emit-spec", str(spec), cwd=repo).returncode == 0
    blocks = spec.read_text().split("\n\n")
    call_args = [b for b in blocks if '# kind = "call-args"' in b]
    assert len(call_args) == 1, "only the calls a codemod cannot fix alone stay commented"
    assert any('\nadd = [{ name = "data", position = 1, value = "{}" }]' in b for b in blocks)
    uncommented = [
        "\n".join(line[2:] for line in block.splitlines() if line.startswith("# ") and not line.startswith("# or:")
                  and (line.startswith("# [[") or " = " in line) and not line.startswith("# SSOT"))
        for block in call_args
    ]
    (repo / "calls.toml").write_text('[migration]\nname = "calls"\n\n' + "\n\n".join(uncommented) + "\n")
    planned = run_cli("plan", "--spec", "calls.toml", "--format", "diff", cwd=repo)
    assert planned.returncode == 0, planned.stderr.decode()
    diff = planned.stdout.decode()
    assert "+    manager = create_websocket_manager(user_context)" in diff
    assert "tests/test_messages.py" not in diff, "calls that already pass the argument are left alone"


class _Recorded:
    """A `Progress` that remembers, per phase, its total and how far it got."""

    def __init__(self) -> None:
        self.phases: list[list] = []

    def phase(self, name: str, total: int | None = None) -> None:
        self.phases.append([name, total, 0])

    def advance(self, count: int = 1) -> None:
        self.phases[-1][2] += count


@pytest.mark.parametrize("jobs, many", [(1, 0), (2, 450)], ids=["in-process", "on-the-pool"])
def test_every_counted_phase_of_audit_and_plan_reaches_its_total(repo: Path, jobs: int, many: int) -> None:
    """The terminal's bar shows n/N per phase: a phase that never advances sits at 0/N (audit's "checking" did, and
    plan's prefilter stopped at its last multiple of 256). With `many` more files, both commands use worker pools."""
    from ssot_migrate.api import audit_target, load_target_migration, plan_target, resolve_target
    from ssot_migrate.progress import CHECKING, REWRITING

    filler = f"from {WS}.manager import WebSocketManager\n\nMANAGER = WebSocketManager\n" + "# padding\n" * 70
    for number in range(many):
        (repo / "netra_backend" / f"user_{number}.py").write_text(filler)
    target = resolve_target(root=repo)
    audited, planned = _Recorded(), _Recorded()
    audit_target(target, [PATTERN], jobs=jobs, progress=audited)
    spec = repo / "migration.toml"
    spec.write_text(spec_text([{"kind": "rename-import", "old": f"{WS}.manager", "new": f"{WS}.unified_manager"}]))
    plan_target(target, load_target_migration(target, [str(spec)]), jobs=jobs, progress=planned)
    for recorded in (audited, planned):
        counted = [(name, total, done) for name, total, done in recorded.phases if total is not None]
        assert counted and all(done == total for _, total, done in counted), counted
    assert any(name == CHECKING and total for name, total, _ in audited.phases), audited.phases
    assert any(name == REWRITING and total for name, total, _ in planned.phases), planned.phases
