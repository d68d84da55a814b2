"""A seeded server and headless Debian chromium (driven by Playwright) for the console tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.acceptance.server import Server, running_server

CHROMIUM = "/usr/bin/chromium"  # Debian's package; Playwright never downloads a browser here
ARTIFACTS = Path(__file__).parent / "artifacts"
DEMO_CONTACTS = 300
# Jobs start within a fifth of a second, so export and import finish while the test waits.
SERVER_ENV = {"TICKER_INTERVAL_SECONDS": "0.2", "PARALLEL_JOBS": "1"}


@pytest.fixture(scope="package")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One `connectra serve` with demo data, shared by the browser tests."""
    data_dir = tmp_path_factory.mktemp("console") / "data"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONNECTRA_")}
    env["CONNECTRA_DATA_DIR"] = str(data_dir)
    seed = [sys.executable, "-m", "connectra", "seed", "--demo", str(DEMO_CONTACTS), "--seed", "19"]
    subprocess.run(seed, env=env, check=True, capture_output=True)
    with running_server(data_dir, SERVER_ENV) as server:
        server.wait_indexed()
        yield server


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found; scripts/test.sh installs Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, console: Server) -> Iterator[Page]:
    """A fresh tab (own session storage) at 1280x800; fails the test on any page error."""
    context = browser.new_context(
        base_url=console.base, viewport={"width": 1280, "height": 800}, accept_downloads=True
    )
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=console.base)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    assert not errors, errors


@pytest.fixture
def signed_in(page: Page, console: Server) -> Page:
    """The console open on the contacts search, signed in with the server's key."""
    page.goto("/ui")
    page.get_by_label("API key").fill(console.key)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("#results tbody tr").first).to_be_visible()
    return page


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
