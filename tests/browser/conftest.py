"""Fixtures for the browser tests: one JupyterLab (through ``sarasehan lab``), one Chromium
and one page for the whole session.

The suite is skipped, with a message saying why, only when no Chromium can be found
(``.ci/run`` installs Debian's ``chromium`` package first when it can). Screenshots go
to ``tests/_artifacts/screenshots/``: for failed tests, or for every test with
``SARASEHAN_SCREENSHOTS=1``.
"""

from __future__ import annotations

import os
import re

import pytest

from .harness import ROOT, LabServer, copy_course, find_chromium, launch_browser, new_lab_page

SCREENSHOTS = ROOT / "tests" / "_artifacts" / "screenshots"
NO_CHROMIUM = ("browser tests skipped: no Chromium found (looked for chromium, chromium-browser, google-chrome "
               "on PATH, and SARASEHAN_CHROMIUM). Install it with `apt-get install chromium` (.ci/run does this "
               "when apt-get is available) and run again.")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def chromium() -> str:
    path = find_chromium()
    if not path:
        pytest.skip(NO_CHROMIUM)
    return path


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    server = LabServer(root=copy_course(base / "root"), home=base / "home")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser(chromium):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # a missing test requirement is an error, not a reason to skip
        pytest.fail("playwright is not installed: pip install -r requirements-test.txt")
    with sync_playwright() as pw:
        b = launch_browser(pw, chromium)
        yield b
        b.close()


@pytest.fixture(scope="session")
def session_page(browser, lab_server):
    lab = new_lab_page(browser, lab_server)
    yield lab
    lab.shutdown_kernel()
    lab.page.close()


@pytest.fixture
def lab(session_page, request):
    """The shared page; a screenshot is kept when the test fails (or always with SARASEHAN_SCREENSHOTS=1)."""
    session_page.page_errors.clear()
    yield session_page
    report = getattr(request.node, "rep_call", None)
    failed = report is None or report.failed
    if failed or os.environ.get("SARASEHAN_SCREENSHOTS") == "1":
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
        try:
            session_page.screenshot(SCREENSHOTS / f"{name}.png")
        except Exception as err:  # a crashed page must not hide the test's own failure
            print(f"screenshot failed: {err}")
        if failed and session_page.page_errors:
            print("JavaScript errors on the page:\n" + "\n".join(session_page.page_errors))
