"""A real headless Chromium for the tests of pages people open (Debian's `chromium`, driven by Playwright).

Where chromium is missing the fixture installs Debian's package; it skips with the reason only when that is
impossible outside CI. In CI (`CI` set) a missing browser fails the run: `.ci/run` installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

CHROMIUM_NAMES = ("chromium", "chromium-browser")


def find_chromium() -> str | None:
    return next((found for name in CHROMIUM_NAMES if (found := shutil.which(name))), None)


def _install_chromium() -> str:
    """Install Debian's chromium; return why it could not be done (empty when it was)."""
    if shutil.which("apt-get") is None:
        return "chromium is not installed and this system has no apt-get to install Debian's package"
    if os.geteuid() != 0:
        return "chromium is not installed and installing Debian's package needs root (`apt-get install chromium`)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        done = subprocess.run(command, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
        if done.returncode != 0:
            return f"`{' '.join(command)}` failed: {done.stderr.strip().splitlines()[-1:]}"
    return ""


def chromium_or_skip() -> str:
    path = find_chromium()
    if path is None:
        reason = _install_chromium()
        path = find_chromium()
        if path is None:
            if os.environ.get("CI"):
                pytest.fail(f"CI must test the HTML report in a real browser: {reason or 'chromium not found'}")
            pytest.skip(reason or "chromium was installed but is not on PATH")
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator:
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


class OpenedPage:
    """A page loaded from a file, with every console error and uncaught exception it produced."""

    def __init__(self, browser, path: Path, width: int = 1280, height: int = 900) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda message: self.errors.append(message.text) if message.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.goto(path.resolve().as_uri())

    def close(self) -> None:
        self.page.close()
