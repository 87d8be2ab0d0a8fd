"""Browser tests: the platform in a subprocess, Debian's Chromium driven by Playwright, axe-core.

Prerequisites come from `scripts/browser/setup.sh` (Chromium at /usr/bin/chromium, axe-core's
axe.min.js at var/browser/axe.min.js). When one is missing the tests are skipped with the reason, unless
SG_REQUIRE_BROWSER=1 (CI), where they fail. Every test in this directory is marked `browser` and
`embedded_only`. The helpers (axe_violations, format_violations, tab_through, page_links) are in helpers.py.

The sync Playwright API is used: tests here are plain `def` tests, which pytest-asyncio (asyncio_mode =
auto) leaves alone, and Playwright's own event loop then never meets pytest-asyncio's. The browser and
the server are package-scoped: one of each for the whole directory, torn down before the rest of the suite.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.helpers import AXE_JS, ROOT
from tests.processes import free_port, sitegroup_command, stop, wait_ready

try:
    from playwright.sync_api import Browser, Page, sync_playwright
except ImportError:  # reported by the `browser` fixture
    sync_playwright = None

HERE = Path(__file__).resolve().parent
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium's own connections are refused by the closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
READY_TIMEOUT = 90.0
REPORT_KEY = pytest.StashKey[list[str]]()


def _missing_prerequisite(reason: str) -> None:
    if os.environ.get("SG_REQUIRE_BROWSER") == "1":
        pytest.fail(f"SG_REQUIRE_BROWSER=1 but {reason} (run scripts/browser/setup.sh)", pytrace=False)
    pytest.skip(f"{reason} (run scripts/browser/setup.sh)")


# --- markers and the summary section -----------------------------------------------------------------


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.embedded_only)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    lines = config.stash.get(REPORT_KEY, [])
    if lines:
        terminalreporter.section("browser report")
        for line in lines:
            terminalreporter.write_line(line)


@pytest.fixture
def browser_report(request: pytest.FixtureRequest):
    """`browser_report(text)` adds lines to the "browser report" section printed at the end of the run."""
    lines = request.config.stash.setdefault(REPORT_KEY, [])

    def report(text: str) -> None:
        lines.extend(f"{request.node.name}: {line}" for line in text.splitlines())

    return report


# --- the browser ----------------------------------------------------------------------------------------


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, launched once for the browser tests."""
    if sync_playwright is None:
        _missing_prerequisite("the playwright package is not installed")
    if not os.access(CHROMIUM, os.X_OK):
        _missing_prerequisite(f"{CHROMIUM} is missing")
    if not AXE_JS.is_file():
        _missing_prerequisite(f"{AXE_JS.relative_to(ROOT)} is missing")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page in a fresh context (no cookies or storage shared between tests)."""
    context = browser.new_context(locale="zh-CN")
    yield context.new_page()
    context.close()


# --- the platform in a subprocess -----------------------------------------------------------------------


class LiveServer(str):
    """The base URL (http://127.0.0.1:<port>); `.site(id)` is a site's own host, http://<id>.localhost:<port>/."""

    port: int
    data_dir: Path  # the server's SITEGROUP_DATA_DIR, for CLI commands run next to it

    def __new__(cls, port: int) -> LiveServer:
        server = super().__new__(cls, f"http://127.0.0.1:{port}")
        server.port = port
        return server

    def site(self, site_id: str, path: str = "/") -> str:
        return f"http://{site_id}.localhost:{self.port}{path}"


@pytest.fixture(scope="package")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`sitegroup serve` on a free port with a fresh data directory (so the demo province is seeded anew);
    yields once GET /readyz answers 200 (the demo is seeded before the server accepts connections)."""
    workdir = tmp_path_factory.mktemp("live-server")
    port = free_port()
    # The server gets the embedded backends whatever this shell points the platform at.
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SITEGROUP_", "CONTENT_", "RENDER_", "IDENTITY_", "GATEWAY_", "SG_TEST_")) and k != "PORT"
    }
    env |= {"SITEGROUP_DATA_DIR": str(workdir / "var"), "PORT": str(port), "SITEGROUP_LOG_LEVEL": "WARNING"}
    log_path = workdir / "server.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sitegroup_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(port)
    server.data_dir = workdir / "var"
    try:
        wait_ready(f"{server}/readyz", process, log_path, READY_TIMEOUT)
        yield server
    finally:
        stop(process)
