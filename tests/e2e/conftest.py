"""Real-browser tests: Playwright (Python) driving Debian's chromium against live_server.

Never downloads a browser: when /usr/bin/chromium is missing the e2e tests are skipped with a
clear reason (`.ci/run` installs it with apt-get).
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the ORM calls made by the tests
# themselves (setting up data) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
    if not os.path.exists(CHROMIUM):
        skip = pytest.mark.skip(
            reason=f"e2e skipped: no chromium at {CHROMIUM} (apt-get install chromium)"
        )
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        locale="vi-VN", accept_downloads=True, viewport={"width": 1366, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url  # type: ignore[attr-defined]
    # Every page the test visits must pass the Content-Security-Policy and load without errors.
    problems: list[str] = []
    page.problems = problems  # type: ignore[attr-defined]  # a test may clear expected ones
    page.on("console", lambda msg: msg.type == "error" and problems.append(msg.text))
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status} {r.url}"))
    yield page
    context.close()
    assert not problems, f"browser console errors: {problems}"


@pytest.fixture
def login(page):
    """`login(username, password)` through the real login form."""

    def do_login(username: str, password: str = "secret-pass-123"):
        page.goto(page.base_url + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("form:has(#id_password) button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    return do_login
