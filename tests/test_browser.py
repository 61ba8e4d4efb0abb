"""Browser tests: Debian's Chromium against a running server on the demo data (never downloads a browser; the browser,
server and page fixtures live in conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_browser_journeys import choose

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
# Every page (found from the navigation), its screenshot and axe-core, and a link straight to a page on a fresh server:
# tests/test_browser_journeys.py.
ORG_TYPE_LABEL = "Mental health and learning disability trust"


def _wait_for_app(tab) -> None:
    tab.wait_for_selector('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    tab.wait_for_selector('[data-testid="stMarkdownContainer"]')


def _org_type_select(tab):
    return tab.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Organisation type")


def test_a_chosen_filter_goes_in_the_link_and_the_link_reopens_the_view(page, browser, server: str) -> None:
    page.goto(f"{server}/domains")
    _wait_for_app(page)
    choose(page, "Organisation type", ORG_TYPE_LABEL)
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
