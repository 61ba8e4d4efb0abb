"""Browser tests: Debian's Chromium against a running server on the demo data (never downloads a browser)."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from analysis import store

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SHOTS = ROOT / "artifacts" / "screenshots"
PAGES = {"": "Listening, learning", "domains": "Influence by domain", "groups": "Seldom-heard groups",
         "trust_types": "Trust types"}
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync"]
ORG_TYPE_LABEL = "Mental health and learning disability trust"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def _serve(demo_dir: Path) -> Iterator[str]:
    """A freshly started Streamlit server on the demo data; its base URL."""
    port = _free_port()
    env = {**os.environ, store.ENV_VAR: str(demo_dir), "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                pytest.fail(f"the Streamlit server did not start: {err[-2000:]}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


@pytest.fixture(scope="session")
def server(demo_dir: Path) -> Iterator[str]:
    """The Streamlit server the browser tests share; its base URL."""
    with _serve(demo_dir) as base:
        yield base


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing (install Debian's chromium: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser, server: str) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1400, "height": 3000})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    try:
        yield tab
    finally:
        context.close()


def _wait_for_app(tab) -> None:
    tab.wait_for_selector('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    tab.wait_for_selector('[data-testid="stMarkdownContainer"]')


def _org_type_select(tab):
    return tab.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Organisation type")


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "overview" for p in PAGES])
def test_every_page_loads_without_an_exception(page, server: str, path: str) -> None:
    page.goto(f"{server}/{path}")
    _wait_for_app(page)
    page.get_by_role("heading", name=re.compile(PAGES[path])).first.wait_for()
    page.wait_for_timeout(1500)  # let the charts draw before the screenshot
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{path or 'overview'}.png"), full_page=True)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.get_by_text("Page not found").count() == 0
    assert page.get_by_text("Illustrative data").count() >= 1


def test_a_chosen_filter_goes_in_the_link_and_the_link_reopens_the_view(page, browser, server: str) -> None:
    page.goto(f"{server}/domains")
    _wait_for_app(page)
    _org_type_select(page).click()
    page.get_by_role("option", name=ORG_TYPE_LABEL).click()
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"org_type=mental_health_ld"))
    _wait_for_app(page)
    caption = page.locator('[data-testid="stCaptionContainer"]').filter(has_text="Organisation type").first
    caption.wait_for()
    chosen_caption = caption.inner_text()
    assert ORG_TYPE_LABEL in chosen_caption
    url = page.url

    other = page.context.new_page()
    other.goto(url)
    _wait_for_app(other)
    assert ORG_TYPE_LABEL in _org_type_select(other).inner_text()
    reopened = other.locator('[data-testid="stCaptionContainer"]').filter(has_text="Organisation type").first
    reopened.wait_for()
    assert reopened.inner_text() == chosen_caption
    other.close()


def test_a_link_straight_to_a_page_on_a_fresh_server_keeps_the_filters(browser, demo_dir: Path) -> None:
    """A shared link is often the first request a new server gets; it must still run inside dashboard.py."""
    with _serve(demo_dir) as fresh:
        context = browser.new_context(viewport={"width": 1400, "height": 1500})
        try:
            tab = context.new_page()
            tab.set_default_timeout(30_000)
            tab.goto(f"{fresh}/groups?org_type=hospice")
            _wait_for_app(tab)
            tab.get_by_role("heading", name=re.compile("Seldom-heard groups")).first.wait_for()
            assert "Hospice" in _org_type_select(tab).inner_text()
            assert tab.get_by_text("Page not found").count() == 0
        finally:
            context.close()
