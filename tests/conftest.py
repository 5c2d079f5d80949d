"""The repositories under tests/fixtures are data the tests copy and run tools on, not tests of this project.
Every test gets its own cache folder: results cached by one test never answer another."""

from __future__ import annotations

from pathlib import Path

import pytest

collect_ignore = ["fixtures"]


@pytest.fixture(autouse=True)
def private_cache_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home
