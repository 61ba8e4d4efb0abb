"""Browser tests of the Voices page: stories that look like HTML or Markdown appear as plain text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import serve_app

from analysis import demo, store

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
INJECTIONS = ["<script>window.pwned=1</script>Zebra one", "<img src=x onerror=\"window.pwned=2\">Zebra two",
              "[Zebra three](javascript:window.pwned=3)", "**Zebra four** <b>bold?</b>"]


@pytest.fixture(scope="module")
def injected_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server on the demo data plus stories that try to inject HTML, script and links."""
    tables = demo.demo_tables()
    teller = tables["stories"].iloc[0]
    extra = pd.DataFrame([{**teller.to_dict(), "story_id": f"X{i}", "text": text}
                          for i, text in enumerate(INJECTIONS)])
    tables["stories"] = pd.concat([tables["stories"], extra], ignore_index=True)
    directory = tmp_path_factory.mktemp("voices-data")
    store.write_dataset(tables, directory, demo=True, provenance=[], description=demo.DEMO_DESCRIPTION)
    with serve_app(directory) as base:
        yield base


def test_injected_stories_show_as_text(browser, injected_server: str) -> None:
    context = browser.new_context(viewport={"width": 1400, "height": 2000})
    try:
        tab = context.new_page()
        tab.set_default_timeout(30_000)
        tab.goto(f"{injected_server}/voices?q=zebra")
        tab.get_by_role("heading", name="Voices").first.wait_for()
        tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
        tab.get_by_text("4 quotes match").wait_for()
        tab.wait_for_timeout(1500)
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / "voices-injection.png"), full_page=True)
        assert tab.evaluate("() => window.pwned === undefined"), "a story ran script"
        assert tab.locator('a[href^="javascript"]').count() == 0
        assert tab.locator("img[src='x']").count() == 0
        assert tab.locator('[data-testid="stException"]').count() == 0
    finally:
        context.close()
