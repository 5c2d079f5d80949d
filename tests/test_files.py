"""Files are bytes with a meaning: encodings, BOMs, newlines, modes, symlinks, ignores, atomic writes."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

import pytest

from ssot_migrate.errors import WriteError
from ssot_migrate.plan import FileEdit, sha256_hex
from ssot_migrate.write import write_plan

from .helpers import git, make_repo, run_cli, spec_text, tree_bytes

SPEC = spec_text([{"kind": "rename-import", "old": "pkg.old", "new": "pkg.new"}])
BASE = {"pkg/__init__.py": "", "pkg/new.py": "def f():\n    return 1\n", "migration.toml": SPEC}


def _apply(repo: Path) -> None:
    result = run_cli("apply", "--spec", "migration.toml", "--in-place", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()


def test_latin1_file_with_coding_cookie_stays_latin1(tmp_path: Path) -> None:
    source = "# -*- coding: latin-1 -*-\nfrom pkg.old import f\nNAME = 'café'\n".encode("latin-1")
    repo = make_repo(tmp_path / "repo", {**BASE, "app.py": source})
    diff = run_cli("plan", "--spec", "migration.toml", "-f", "diff", cwd=repo).stdout
    assert "café".encode("latin-1") in diff, "the diff carries the file's own bytes"
    patch = tmp_path / "p.diff"
    patch.write_bytes(diff)
    git(repo, "apply", "--check", str(patch))
    _apply(repo)
    assert (repo / "app.py").read_bytes() == source.replace(b"pkg.old", b"pkg.new")


def test_bom_and_crlf_are_kept_and_new_lines_use_crlf(tmp_path: Path) -> None:
    source = (
        "\ufefffrom pkg.old import f, g  # both\r\n"
        "\r\n"
        "f(g)\r\n"
    ).encode("utf-8")
    spec = spec_text([{"kind": "rename-import", "old": "pkg.old.f", "new": "pkg.new:f"}])
    repo = make_repo(tmp_path / "repo", {**BASE, "migration.toml": spec, "app.py": source})
    _apply(repo)
    assert (repo / "app.py").read_bytes() == (
        "\ufefffrom pkg.old import g  # both\r\n"
        "from pkg.new import f\r\n"
        "\r\n"
        "f(g)\r\n"
    ).encode("utf-8")


def test_file_mode_is_kept(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {**BASE, "tool.py": "#!/usr/bin/env python\nimport pkg.old\n"})
    (repo / "tool.py").chmod(0o755)
    _apply(repo)
    assert stat.S_IMODE((repo / "tool.py").stat().st_mode) == 0o755
    assert (repo / "tool.py").read_text().endswith("import pkg.new\n")


def test_symlink_out_of_the_repo_is_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.py").write_text("import pkg.old\n")
    repo = make_repo(tmp_path / "repo", BASE, commit=False)
    os.symlink(outside / "victim.py", repo / "link.py")
    os.symlink(outside, repo / "linked_dir")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "with links")
    result = run_cli("apply", "--spec", "migration.toml", "--in-place", "-f", "json", cwd=repo)
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout)["written"] == []
    assert (outside / "victim.py").read_text() == "import pkg.old\n"


def test_git_ignored_files_are_skipped(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {**BASE, ".gitignore": "generated/\n", "generated/out.py": "import pkg.old\n",
                                         "app.py": "import pkg.old\n"})
    data = json.loads(run_cli("plan", "--spec", "migration.toml", "-f", "json", cwd=repo).stdout)
    assert [f["path"] for f in data["files"]] == ["app.py"]


def test_outside_git_a_pruned_walk_finds_files(tmp_path: Path) -> None:
    root = tmp_path / "plain"
    for path, text in {**BASE, "app.py": "import pkg.old\n", ".venv/lib/x.py": "import pkg.old\n",
                       "node_modules/y.py": "import pkg.old\n"}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    (root / "pyproject.toml").write_text("[project]\nname = 'plain'\n")
    data = json.loads(run_cli("plan", "--spec", "migration.toml", "-f", "json", cwd=root).stdout)
    assert [f["path"] for f in data["files"]] == ["app.py"]


def _edit(root: Path, path: str, new: bytes) -> FileEdit:
    data = (root / path).read_bytes()
    return FileEdit(path, sha256_hex(data), new, (), b"")


def test_write_rolls_back_every_file_when_one_write_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a.py", "b.py", "c.py"):
        (tmp_path / name).write_text(f"# {name}\n")
    edits = [_edit(tmp_path, name, b"changed\n") for name in ("a.py", "b.py", "c.py")]
    real_replace = os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if str(dst).endswith("c.py") and len([c for c in calls if str(c).endswith("c.py")]) == 1:
            raise OSError(28, "No space left on device", str(dst))
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(WriteError, match="every file already written was restored"):
        write_plan(tmp_path, edits)
    assert {p.name: p.read_text() for p in tmp_path.glob("*.py")} == {
        "a.py": "# a.py\n", "b.py": "# b.py\n", "c.py": "# c.py\n"
    }
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".ssot-tmp")], "no temporary file is left behind"


def test_write_refuses_a_file_changed_since_planning(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("one\n")
    (tmp_path / "b.py").write_text("two\n")
    edits = [_edit(tmp_path, "a.py", b"ONE\n"), _edit(tmp_path, "b.py", b"TWO\n")]
    (tmp_path / "b.py").write_text("edited meanwhile\n")
    before = tree_bytes(tmp_path)
    with pytest.raises(WriteError, match="changed since it was planned"):
        write_plan(tmp_path, edits)
    assert tree_bytes(tmp_path) == before


@pytest.mark.parametrize("last", ["--pkg.old.f()", "++pkg.old.f()"])
def test_a_last_line_without_newline_that_reads_like_a_diff_header_gets_its_marker(
        tmp_path: Path, last: str) -> None:
    """A removed `--x` is written `---x` and an added `++x` is `+++x`; with no newline at the end of the file they
    still need git's `\\ No newline at end of file` marker, or `git apply` refuses the plan's diff."""
    source = f"import pkg.old\n{last}"
    repo = make_repo(tmp_path / "repo", {**BASE, "app.py": source})
    diff = run_cli("plan", "--spec", "migration.toml", "-f", "diff", cwd=repo).stdout
    assert diff.count(b"\\ No newline at end of file\n") == 2, diff.decode()
    patch = tmp_path / "p.diff"
    patch.write_bytes(diff)
    git(repo, "apply", str(patch))
    assert (repo / "app.py").read_text() == source.replace("pkg.old", "pkg.new")


def test_a_removed_line_that_reads_like_a_header_is_coloured_as_a_removal(tmp_path: Path) -> None:
    """In the terminal, `-- x` removed is written `--- x`: red like every removal, not bold like the file header;
    git's no-newline marker is dim, not a context line."""
    source = "import pkg.old\n-- pkg.old.f()\n++pkg.old.f()"
    repo = make_repo(tmp_path / "repo", {**BASE, "app.py": source})
    result = run_cli("plan", "--spec", "migration.toml", "--color", "always", cwd=repo, env={"NO_COLOR": ""})
    out = result.stdout.decode()
    styled = {text: style for style, text in re.findall(r"\x1b\[([0-9;]+)m(.*?)\x1b\[0m", out)}
    red, green, bold, dim = "31", "32", "1", "2"
    assert styled["--- pkg.old.f()"] == red and styled["-++pkg.old.f()"] == red, out
    assert styled["+-- pkg.new.f()"] == green and styled["+++pkg.new.f()"] == green, out
    assert styled["--- a/app.py"] == bold and styled["+++ b/app.py"] == bold, out
    assert styled["\\ No newline at end of file"] == dim, out


def test_a_lone_carriage_return_is_not_a_line_end_in_the_diff(tmp_path: Path) -> None:
    """Python reads a lone `\\r` as a line break, git does not: the plan's diff counts lines as git does, so that
    `git apply` takes it (bytes.splitlines cut there, and the diff did not apply)."""
    source = b"import pkg.old\rx = pkg.old.f()\nprint(x)\n"
    repo = make_repo(tmp_path / "repo", {**BASE, "app.py": source})
    diff = run_cli("plan", "--spec", "migration.toml", "-f", "diff", cwd=repo).stdout
    assert b"@@ -1,2 +1,2 @@\n-import pkg.old\rx = pkg.old.f()\n+import pkg.new\rx = pkg.new.f()\n print(x)\n" in diff
    patch = tmp_path / "p.diff"
    patch.write_bytes(diff)
    git(repo, "apply", str(patch))
    assert (repo / "app.py").read_bytes() == source.replace(b"pkg.old", b"pkg.new")
