"""The Python API behind the CLI: find the project, load its migration, plan it, write it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from .config import ProjectConfig, find_project_root, load_config
from .discover import restrict_paths
from .errors import UsageError
from .plan import Plan
from .progress import SILENT, Progress
from .spec import Migration, load_migration

if TYPE_CHECKING:
    from .audit import AuditReport
    from .cache import PlanCache
    from .guard import CheckResult
    from .html_report import ApiMatrix


@dataclass(frozen=True)
class Target:
    """The project a command works on, and the command-line paths that narrow it."""

    root: Path
    config: ProjectConfig
    restrict: tuple[str, ...] = ()


def resolve_target(paths: Sequence[Path] = (), root: Path | None = None) -> Target:
    """The project root is `--root`, else the nearest pyproject.toml above the first path (or the
    current folder), bounded by the git top level."""
    if root is not None:
        if not root.is_dir():
            raise UsageError(f"--root {root}: not a folder")
        project = root.resolve()
    else:
        project = find_project_root(paths[0] if paths else Path.cwd())
    config = load_config(project)
    restrict = restrict_paths(project, paths) if paths else ()
    return Target(project, config, tuple(r for r in restrict if r not in ("", ".")))


def load_target_migration(target: Target, specs: Sequence[str] = (), renames: Sequence[str] = ()) -> Migration:
    """Specs from the command line (relative to the current folder), else those of `[tool.ssot-migrate]`."""
    if specs or renames:
        return load_migration(specs, renames, base=Path.cwd(), display_base=target.root)
    if target.config.specs:
        return load_migration(target.config.specs, (), base=target.root, display_base=target.root)
    return load_migration((), (), base=target.root)


def plan_target(
    target: Target,
    migration: Migration,
    *,
    jobs: int | None = None,
    cache: PlanCache | None = None,
    progress: Progress = SILENT,
) -> Plan:
    from .engine import PlanRequest, plan_tree

    return plan_tree(
        PlanRequest(
            root=target.root, migration=migration, config=target.config, restrict=target.restrict,
            jobs=jobs, progress=progress, cache=cache,
        )
    )


def audit_target(
    target: Target, patterns: Sequence[str] = (), *, jobs: int | None = None, progress: Progress = SILENT,
    all_duplicates: bool = False, importers: bool = False,
) -> AuditReport:
    """Audit the whole project (the index needs all of it); report findings only under `target.restrict`."""
    from .audit import AuditRequest, run_audit

    return run_audit(AuditRequest(target.root, target.config, target.restrict, tuple(patterns), jobs, progress,
                                  all_duplicates, importers))


def check_target(
    target: Target, migration: Migration, *, jobs: int | None = None, cache: PlanCache | None = None,
    progress: Progress = SILENT,
) -> CheckResult:
    """The configured migration's pending edits in the target's files, as findings (exit 1 when any)."""
    from .guard import check_result

    return check_result(plan_target(target, migration, jobs=jobs, cache=cache, progress=progress), migration)


def write_draft_spec(report: AuditReport, path: Path) -> int:
    """Write the audit's draft spec to `path`; return how many codemods in it are live (not commented out)."""
    from .draft import count_live_codemods, draft_spec

    text = draft_spec(report.items, spec_name=str(path))
    path.write_text(text, encoding="utf-8")
    return count_live_codemods(text)


def guard_moves(target: Target, report: AuditReport) -> list[tuple[str, str]]:
    """Old -> new paths to ban: the configured specs' (if any), then the audit's decided import fixes."""
    from .audit import RenameFix
    from .guard import guard_moves as combine

    migration = load_target_migration(target) if target.config.specs else None
    decided = [
        (item.fix.old, item.fix.new) for item in report.items
        if isinstance(item.fix, RenameFix) and item.fix.decided and not item.fix.alternatives
    ]
    return combine(decided, migration)


def open_cache(target: Target, cache_dir: Path | None = None, *, enabled: bool = True) -> PlanCache | None:
    """The content-addressed cache for runs on `target` (None when disabled); never inside the project."""
    from .cache import open_cache as open_for_root

    return open_for_root(target.root, cache_dir, enabled=enabled)


def write_in_place(target: Target, plan: Plan) -> None:
    from .write import write_plan

    write_plan(target.root, plan.files)


def collapse_groups(migration: Migration) -> list[tuple[str, ...]]:
    """The classes each collapse-class codemod merges, canonical first: the columns of an API matrix."""
    groups = []
    for spec in migration.codemods:
        if spec.kind == "collapse-class":
            groups.append((str(spec.values["canonical"]), *(str(d) for d in spec.values["duplicates"])))
    return groups


def api_matrices(target: Target, groups: Sequence[Sequence[str]]) -> list[ApiMatrix]:
    """For each group of classes, who has which public member and with what signature (read from the tree as
    it is now; a class the index cannot find is left out)."""
    if not groups:
        return []
    from .discover import discover
    from .repo import build_repo
    from .html_report import ApiMatrix, MatrixCell, MatrixClass
    from .index import class_definitions
    from .transforms.class_api import class_api

    repo = build_repo(target.root, target.config, discover(target.root, exclude=target.config.exclude))
    matrices = []
    for group in groups:
        apis = []
        for fqn in group:
            found = class_definitions(repo.index, str(fqn).replace(":", "."))
            if found:
                apis.append((str(fqn), class_api(repo.index, found[0])))
        if len(apis) < 2:
            continue
        members = sorted({name for _, api in apis for name in api.public()} | {
            "__init__" for _, api in apis if api.init is not None})
        cells = tuple(
            tuple(
                MatrixCell(m.kind, m.signature.describe() if m.signature else None, m.line, m.owner, m.path)
                if (m := api.members.get(name)) is not None else None
                for _, api in apis
            )
            for name in members
        )
        matrices.append(ApiMatrix(
            tuple(MatrixClass(fqn, api.path, api.line) for fqn, api in apis), tuple(members), cells,
        ))
    return matrices
