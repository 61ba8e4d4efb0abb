"""Browser tests of the Voices page: stories that look like HTML or Markdown appear as plain text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import TALL_WINDOW, serve_app, warm_tab

from analysis.ingest import review
from analysis.storage import store
from analysis.synthetic import demo

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
    manifest = store.write_dataset(tables, directory, demo=True, provenance=[], description=demo.DEMO_DESCRIPTION)
    review.record(directory, manifest["dataset_id"], extra, "approve")  # "Zebra" would hold them for review
    with serve_app(directory) as base:
        yield base


def test_injected_stories_show_as_text(warm_context, injected_server: str) -> None:
    with warm_tab(warm_context, height=2000) as tab:
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


def test_clicking_a_bar_lands_on_the_quotes_behind_it(page, server: str) -> None:
    """Drill from the domains chart: click the 'Funding and priorities' bar, follow the link to Voices."""
    page.set_viewport_size(TALL_WINDOW)  # the bar is clicked where it is drawn: inside the window
    page.goto(f"{server}/domains?org_type=acute")
    chart = page.locator(".js-plotly-plot").first
    chart.locator("g.point path").first.wait_for()
    # Click only once the script run has finished: a run still drawing replaces the chart and its selection.
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    page.wait_for_timeout(500)
    tick = chart.locator("g.ytick text", has_text="Funding and priorities").first.bounding_box()
    tick_y = tick["y"] + tick["height"] / 2
    boxes = [b for b in (bar.bounding_box() for bar in chart.locator("g.point path").all()) if b]
    box = min(boxes, key=lambda b: abs(b["y"] + b["height"] / 2 - tick_y))  # the bar beside that label
    link = page.get_by_role("link", name="Show me the quotes: Funding and priorities")
    # Plotly may still be wiring up its click handling just after drawing; a person would click again.
    for _ in range(4):
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # drag layer covers bars
        try:
            link.wait_for(timeout=5_000)
            break
        except Exception:
            continue
    link.click()
    page.wait_for_url("**/voices?*")
    assert "domain=funding" in page.url and "org_type=acute" in page.url
    page.get_by_role("heading", name="Voices").first.wait_for()
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    assert page.locator('[data-testid="stException"]').count() == 0
    quotes = page.get_by_text("quotes match")
    quotes.first.wait_for()
