"""The repository index resolves names through re-exports and fallbacks, reading only what it needs."""

from __future__ import annotations

from pathlib import Path

from ssot_migrate.config import load_config
from ssot_migrate.discover import discover
from ssot_migrate.repo import build_repo
from ssot_migrate.index import signature_conflicts

from .helpers import make_repo

FALLBACK_PACKAGE = {
    "pkg/__init__.py": (
        "try:\n"
        "    from .types import create_error_message\n"
        "except ImportError:\n"
        "    def create_error_message(error_code, message='Error', **kwargs):\n"
        "        return {'code': error_code, 'message': message}\n"
    ),
    "pkg/types.py": (
        "def create_error_message(error_code: str, error_message: str) -> dict:\n"
        "    return {'code': error_code, 'message': error_message}\n"
    ),
    "pkg/api.py": "from . import create_error_message as make_error\n",
    "other.py": "import json\n",
}


def _repo(tmp_path: Path, files: dict[str, str]):
    root = make_repo(tmp_path / "repo", files)
    return build_repo(root, load_config(root), discover(root))


def test_reexport_resolves_to_every_definition_including_fallbacks(tmp_path: Path) -> None:
    repo = _repo(tmp_path, FALLBACK_PACKAGE)
    found = {r.fqn for r in repo.index.definitions("pkg.create_error_message")}
    assert found == {"pkg.types.create_error_message", "pkg.create_error_message"}
    assert {r.fqn for r in repo.index.definitions("pkg.api.make_error")} == found


def test_fallback_with_a_different_signature_is_a_conflict(tmp_path: Path) -> None:
    repo = _repo(tmp_path, FALLBACK_PACKAGE)
    conflicts = signature_conflicts(repo.index, "pkg.create_error_message")
    assert len(conflicts) == 1
    described = sorted(r.definition.signature.describe() for pair in conflicts for r in pair)
    assert described == ["(error_code, error_message)", "(error_code, message=..., **kwargs)"]


def test_reverse_index_finds_reexports_and_chains(tmp_path: Path) -> None:
    repo = _repo(tmp_path, FALLBACK_PACKAGE)
    assert repo.index.reexports({"pkg.types.create_error_message"}) == {
        "pkg.create_error_message": "pkg.types.create_error_message",
        "pkg.api.make_error": "pkg.types.create_error_message",
    }


def test_only_modules_on_the_path_are_parsed(tmp_path: Path) -> None:
    repo = _repo(tmp_path, FALLBACK_PACKAGE)
    repo.index.resolve("pkg.types.create_error_message")
    assert set(repo._contents) == {"pkg/types.py"}


def test_missing_name_stays_unresolved_but_located(tmp_path: Path) -> None:
    repo = _repo(tmp_path, FALLBACK_PACKAGE)
    [resolved] = repo.index.resolve("pkg.types.CircuitOpenException")
    assert resolved.definition is None and resolved.module == "pkg.types"
    [outside] = repo.index.resolve("json.dumps")
    assert not outside.in_repo


def test_star_reexports_are_aliases_unless_private_or_outside_all(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {
        **FALLBACK_PACKAGE,
        "pkg/compat.py": "from .types import *  # noqa: F403\n",
        "pkg/shadow.py": "from .types import *  # noqa: F403\n\n\ndef create_error_message():\n    return None\n",
        "pkg/types.py": (
            "__all__ = ['create_error_message']\n\n\n" + FALLBACK_PACKAGE["pkg/types.py"]
            + "\n\ndef helper():\n    return None\n\n\ndef _private():\n    return None\n"
        ),
    })
    aliases = repo.index.aliases_of("pkg.types.create_error_message")
    assert "pkg.compat.create_error_message" in aliases
    assert "pkg.shadow.create_error_message" not in aliases, "a module's own definition wins over its star import"
    assert repo.index.aliases_of("pkg.types.helper") == {"pkg.types.helper"}, "not in __all__"
    assert repo.index.aliases_of("pkg.types._private") == {"pkg.types._private"}
    # rename-import's one-hop question is unchanged: star imports are followed only when asked for.
    assert "pkg.compat.create_error_message" not in repo.index.direct_reexports({"pkg.types.create_error_message"})
