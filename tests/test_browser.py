"""Browser tests: Debian's Chromium against a running server on the demo data (never downloads a browser; the browser,
server and page fixtures live in conftest.py)."""

from __future__ import annotations

import re

import pytest
from test_browser_journeys import choose, sidebar_select, wait_for_app

pytestmark = pytest.mark.browser

# Every page (found from the navigation), its screenshot and axe-core, and a link straight to a page on a fresh server:
# tests/test_browser_journeys.py.
ORG_TYPE_LABEL = "Mental health and learning disability trust"


def test_a_chosen_filter_goes_in_the_link_and_the_link_reopens_the_view(page, server: str) -> None:
    page.goto(f"{server}/domains")
    wait_for_app(page)
    choose(page, "Organisation type", ORG_TYPE_LABEL)
    page.wait_for_url(re.compile(r"org_type=mental_health_ld"))
    wait_for_app(page)
    caption = page.locator('[data-testid="stCaptionContainer"]').filter(has_text="Organisation type").first
    caption.wait_for()
    chosen_caption = caption.inner_text()
    assert ORG_TYPE_LABEL in chosen_caption
    url = page.url

    other = page.context.new_page()
    other.goto(url)
    wait_for_app(other)
    assert ORG_TYPE_LABEL in sidebar_select(other, "Organisation type").inner_text()
    reopened = other.locator('[data-testid="stCaptionContainer"]').filter(has_text="Organisation type").first
    reopened.wait_for()
    assert reopened.inner_text() == chosen_caption
    other.close()
