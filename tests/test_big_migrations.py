"""Big migrations as fast as small ones (issue 17): a prepare step whose searches do not grow with the
number of rules, a pool that serves preparation and planning alike without changing the plan, and a
`check` that never imports libcst when it has nothing to parse."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from ssot_migrate.discover import import_filter, word_filter
from ssot_migrate.engine import IN_PROCESS_MAX_BYTES, IN_PROCESS_MAX_FILES
from ssot_migrate.types import BytesFilter

from .helpers import make_repo, run_cli, spec_text

# Enough names that the filters list a file's words once instead of looking for each name.
_NAMES = [f"Name{n}" for n in range(40)] + ["CharField", "Model", "café", "Q"]


def _one_by_one(names: list[str], fragments) -> BytesFilter:
    """The filter as it was: every name looked for on its own."""
    return BytesFilter(tuple(n.encode() for n in names), tuple(re.compile(f) for n in names for f in fragments(n)))


def test_a_filter_over_many_names_answers_as_the_names_one_by_one() -> None:
    from ssot_migrate.discover import _word, import_fragments

    samples = [
        b"from pkg.models import Model\n",
        b"from pkg.models import (\n    # the base\n    CharField,\n)\n",
        b"import pkg.models as m\nm.Model()\n",
        b"ModelForm = 1\nMyModel = 2\n",  # the names only inside longer words
        b"from x import caf\xc3\xa9\n",  # a non-ASCII name
        b"from x import caf\xc3\xa9s\n",
        b"value = 'Q'\n",
        b"from django.db.models import Q\n",
        b"print(Name39, Name4)\n",
        b"from a import (b,\n  Name12)\n",
        b"nothing here\n",
        b"",
    ]
    assert len(_NAMES) > 8
    imports = import_filter(_NAMES)
    words = word_filter(_NAMES)
    assert imports is not None and words is not None
    by_import = _one_by_one(_NAMES, import_fragments)
    by_word = _one_by_one(_NAMES, lambda n: [_word(n)])
    for data in samples:
        assert imports.search(data) == by_import.search(data), data
        assert words.search(data) == by_word.search(data), data
    # The cases that must pass, and those that must not (so the comparison above cannot be vacuous).
    # `'Q'` can name an attribute (`getattr(module, 'Q')`), so the import filter lets it in.
    assert [imports.search(d) for d in samples] == [True, True, True, False, True, False, True, True, False, True, False, False]
    assert [words.search(d) for d in samples] == [True, True, True, False, True, False, True, True, True, True, False, False]


def _package_move_repo(root: Path) -> Path:
    """A package that many files import, with re-exports of its names outside it; files of very different sizes."""
    files = {
        "pkg/__init__.py": "from pkg.models import Model, CharField\n",
        "pkg/models/__init__.py": "from .base import Model\nfrom .fields import CharField\n",
        "pkg/models/base.py": "class Model:\n    pass\n",
        "pkg/models/fields.py": "class CharField:\n    pass\n",
        "pkg/orm/__init__.py": "",
        "app/__init__.py": "",
        "migration.toml": spec_text([{"kind": "rename-import", "old": "pkg.models", "new": "pkg.orm"}]),
    }
    count = IN_PROCESS_MAX_FILES * 3
    for number in range(count):
        filler = "".join(f"\n\ndef unrelated_{n}(value):\n    return value * {n}\n" for n in range(40 + 120 * (number % 7)))
        files[f"app/mod{number:02d}.py"] = (
            ("from pkg import Model\n" if number % 3 == 0 else "from pkg.models import Model, CharField\n")
            + ("from pkg import models\n" if number % 2 else "import pkg.models\n")
            + filler
            + f"\n\nclass Thing{number}(Model):\n    name = {'models' if number % 2 else 'pkg.models'}.CharField()\n"
        )
    assert sum(len(text) for text in files.values()) > 2 * IN_PROCESS_MAX_BYTES  # the pool serves prepare and plan
    return make_repo(root, files)


def test_one_job_and_two_jobs_give_byte_identical_plans_of_a_package_move(tmp_path: Path) -> None:
    repo = _package_move_repo(tmp_path / "repo")
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"plan-{jobs}.json"
        result = run_cli("plan", "--spec", "migration.toml", "-f", "json", "--no-cache", "--jobs", jobs, "-o", str(out), cwd=repo)
        assert result.returncode == 0, result.stderr.decode()
        outputs[jobs] = out.read_bytes()
    one, two = (json.loads(outputs[jobs]) for jobs in ("1", "2"))
    assert one["stats"].pop("seconds") >= 0 and two["stats"].pop("seconds") >= 0
    # Byte for byte, once the time taken is left out.
    assert json.dumps(one, sort_keys=True) == json.dumps(two, sort_keys=True)
    paths = {f["path"] for f in one["files"]}
    assert {f"app/mod{n:02d}.py" for n in range(IN_PROCESS_MAX_FILES * 3)} | {"pkg/__init__.py"} <= paths
    diffs = "".join(f["diff"] for f in one["files"])
    assert "+from pkg.orm import Model, CharField" in diffs and "+    name = orm.CharField()" in diffs


def test_the_workers_store_their_scans_and_results_in_the_cache_and_a_warm_run_reads_them(tmp_path: Path) -> None:
    from ssot_migrate.cache import PlanCache
    from ssot_migrate.modules import ModuleInfo

    repo = _package_move_repo(tmp_path / "repo")
    cache = tmp_path / "cache"

    def plan(*args: str) -> dict:
        result = run_cli("plan", "--spec", "migration.toml", "-f", "json", *args, cwd=repo)
        assert result.returncode == 0, result.stderr.decode()
        return json.loads(result.stdout)

    def content(plan: dict) -> dict:
        return {key: value for key, value in plan.items() if key != "stats"}

    cold = plan("--jobs", "2", "--cache-dir", str(cache))
    assert cold["stats"]["cached"] == 0 and cold["stats"]["parsed"] > IN_PROCESS_MAX_FILES
    assert content(cold) == content(plan("--jobs", "2", "--no-cache"))
    assert not list(cache.rglob(".tmp-*"))
    # The statement scans of every importer, and the expression scans of those that reach `pkg.Model` through
    # `import pkg.models` (`pkg.models.Model` could be `pkg.Model`), made and stored on the pool while preparing.
    stored = PlanCache(cache)
    for number in range(IN_PROCESS_MAX_FILES * 3):
        path = f"app/mod{number:02d}.py"
        data = (repo / path).read_bytes()
        info = ModuleInfo(f"app.mod{number:02d}", "app", False)
        statements = stored.get_scan(data, path, info, expressions=False)
        assert statements is not None and statements.parsed and not statements.expressions, path
        expressions = stored.get_scan(data, path, info, expressions=True)
        assert (expressions is not None) == (number % 2 == 0), path
    # Every result the workers stored is read back, in one process as on the pool.
    for jobs in ("1", "2"):
        warm = plan("--jobs", jobs, "--cache-dir", str(cache))
        assert warm["stats"]["cached"] == warm["stats"]["prefiltered"] == cold["stats"]["prefiltered"]
        assert warm["stats"]["parsed"] == 0 and warm["stats"]["recalled"] == 1
        assert content(warm) == content(cold)
    # A comment appended to an importer: its facts are checked again in this process (its scan read back from the
    # cache) against those recorded from the workers' scans, and they hold, so `prepare` is still replayed.
    with (repo / "app/mod03.py").open("a", encoding="utf-8") as stream:
        stream.write("# a comment\n")
    edited = plan("--jobs", "1", "--cache-dir", str(cache))
    assert edited["stats"]["recalled"] == 1 and edited["stats"]["parsed"] == 1


_REPORT_LIBCST = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write('libcst imported: %s\\n' % ('libcst' in sys.modules)))\n"
    "from ssot_migrate.cli import main\n"
    "sys.argv = ['ssot-migrate', *sys.argv[1:]]\n"
    "main()\n"
)


def _check(repo: Path, *args: str):
    return run_cli_code(repo, "check", *args)


def run_cli_code(repo: Path, *args: str):
    import subprocess

    from .helpers import cli_env

    return subprocess.run([sys.executable, "-c", _REPORT_LIBCST, *args], cwd=repo, capture_output=True, env=cli_env())


def test_check_of_files_that_mention_no_old_name_never_imports_libcst(tmp_path: Path) -> None:
    repo = _package_move_repo(tmp_path / "repo")
    (repo / "pyproject.toml").write_text('[tool.ssot-migrate]\nspecs = ["migration.toml"]\n', encoding="utf-8")
    (repo / "app" / "plain.py").write_text("import json\n\nVALUE = json.dumps({})\n", encoding="utf-8")
    (repo / "app" / "other.py").write_text("def helper():\n    return 'models are elsewhere'\n", encoding="utf-8")
    cache = tmp_path / "cache"
    # The first check fills the cache (the repository-wide preparation parses the re-exporting package).
    first = _check(repo, "--cache-dir", str(cache), "app/mod00.py")
    assert first.returncode == 1, first.stderr.decode()
    assert b"libcst imported: True" in first.stderr
    clean = _check(repo, "--cache-dir", str(cache), "app/plain.py", "app/other.py")
    assert clean.returncode == 0, clean.stderr.decode()
    assert clean.stdout == b""
    assert b"libcst imported: False" in clean.stderr
    # A file that names the old package is parsed, and so needs libcst.
    pending = _check(repo, "--cache-dir", str(cache), "app/plain.py", "app/mod01.py")
    assert pending.returncode == 1
    assert b"app/mod01.py:" in pending.stdout
    assert b"libcst imported: True" in pending.stderr


def test_audit_never_imports_libcst(tmp_path: Path) -> None:
    """audit reads files with the stdlib `ast` only: the pre-commit hook does not pay for libcst's import."""
    repo = make_repo(tmp_path / "repo", {
        "pkg/__init__.py": "", "pkg/api.py": "def kept():\n    pass\n",
        "tests/test_api.py": "from unittest import mock\n\n\n@mock.patch('pkg.api.gone')\ndef test(m):\n    pass\n",
    })
    result = run_cli_code(repo, "audit", "--importers", "--output-format", "concise", "pkg/api.py")
    assert b"tests/test_api.py:4:2: SSOT507 error: unittest.mock.patch('pkg.api.gone')" in result.stdout, result.stderr
    assert b"libcst imported: False" in result.stderr
