"""Browser tests of the charts at a laptop's width and a phone's: no two text boxes of a chart overlap, every
chart with something to show is drawn, and an empty view says so. Screenshots go to artifacts/screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import new_tab

from analysis.model import filters as flt
from analysis.model.filters import Filters
from analysis.views import charts, registry

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
WIDTHS = (1366, 390)
WINDOW_HEIGHT, SCREENSHOT_HEIGHT = 900, 6000
VIEWS = {"everything": {}, "NHS in 2009": {"sector": ["nhs"], "wave": ["2009"]},
         "interviews only": {"source": ["interview"]}}

# Every visible SVG text element of a chart (tick labels, legend entries, axis titles, values written in
# cells or beside bars) as a box; the pairs of boxes that overlap by more than a pixel each way.
OVERLAPS = """
(chart) => {
  const boxes = [];
  for (const node of chart.querySelectorAll('svg text')) {
    const text = (node.textContent || '').trim();
    const box = node.getBoundingClientRect();
    const style = getComputedStyle(node);
    if (!text || box.width < 1 || box.height < 1 || style.visibility === 'hidden' || style.opacity === '0') continue;
    boxes.push({text, left: box.left, top: box.top, right: box.right, bottom: box.bottom});
  }
  const hits = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      const wide = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const high = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (wide > 1 && high > 1) hits.push(`${a.text} / ${b.text}`);
    }
  }
  return hits;
}
"""


def _address(base: str, page: str, params: dict[str, list[str]]) -> str:
    query = "&".join(f"{key}={value}" for key, values in params.items() for value in values)
    return f"{base}/{'' if page == 'overview' else page}" + (f"?{query}" if query else "")


def _settle(tab, quiet: int = 4) -> None:
    """Wait until no script run is shown and the charts on the page stop changing (a first visit may rerun
    through dashboard.py, and plotly lays a chart out twice), sampling every 400 ms."""
    seen, same = None, 0
    for _ in range(150):
        tab.wait_for_timeout(400)
        state = tab.evaluate("() => [!!document.querySelector('[data-testid=\"stStatusWidget\"]'), "
                             "[...document.querySelectorAll('.js-plotly-plot')].map(p => p.getBoundingClientRect()"
                             ".height).join(',')]")
        same = same + 1 if state == seen and not state[0] else 0
        seen = state
        if same >= quiet:
            return
    raise AssertionError("the page kept changing for a minute")


def _drawn(demo_sources: registry.Sources, page: str, params: dict[str, list[str]]) -> int:
    view = flt.parse(params, waves=demo_sources[registry.CUBE]().waves)
    return sum(charts.has_data(p.figure) for p in registry.page_panels(page, demo_sources, view))


GRID_BUTTON = "Grid"
PHONE = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile "
         "Safari/537.36")
HEATMAP_PAGES = ["groups", "trust_types", "framework", "voices"]  # test_charts checks these hold heat maps


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page", list(registry.PAGES))
def test_no_two_texts_of_a_chart_overlap(browser, server: str, demo_sources: registry.Sources, page: str,
                                         width: int, view: str) -> None:
    _check_charts(browser, server, demo_sources, page, width, view)


def _heatmaps(demo_sources: registry.Sources, page: str) -> int:
    return sum(charts.is_heatmap(p.figure) and charts.has_data(p.figure)
               for p in registry.page_panels(page, demo_sources, Filters()))


# Who opens a heat-map page at what width, and which shape each heat map shows: a phone says it is one (the
# ranked list at any width); a desktop browser's window width picks the shape (static CSS on keyed containers).
SHAPES = [("phone", 1366, "ranked"), ("phone", 390, "ranked"), ("desktop", 390, "ranked"), ("desktop", 1366, "grid")]


@pytest.mark.parametrize(("agent", "width", "shape"), SHAPES)
@pytest.mark.parametrize("page", HEATMAP_PAGES)
def test_heat_maps_are_ranked_lists_on_a_phone_or_a_narrow_window_and_no_texts_overlap(
        browser, server: str, demo_sources: registry.Sources, page: str, agent: str, width: int, shape: str) -> None:
    options = {"user_agent": PHONE} if agent == "phone" else {}
    ranked = _check_charts(browser, server, demo_sources, page, width, "everything", **options)
    heatmaps = _heatmaps(demo_sources, page)
    assert heatmaps >= 1 and ranked == (heatmaps if shape == "ranked" else 0), f"every heat map as a {shape}"


def test_a_window_made_narrow_turns_its_heat_map_into_a_list_and_a_pick_wins(browser, server: str) -> None:
    with new_tab(browser, height=6000) as tab:
        tab.goto(_address(server, "groups", {}))
        tab.get_by_role("heading").first.wait_for()
        grid, ranked = (tab.locator(f'[class*="st-key-{key}groups_heatmap"] .js-plotly-plot:visible')
                        for key in ("chart_", "ranked_"))
        grid.first.wait_for(timeout=90_000)  # a loaded machine can take a while to draw the first chart
        _settle(tab)
        assert (grid.count(), ranked.count()) == (1, 0)
        tab.set_viewport_size({"width": 390, "height": 6000})  # the same page, no rerun: the CSS alone
        ranked.first.wait_for(timeout=30_000)
        _settle(tab)
        assert (grid.count(), ranked.count()) == (0, 1)
        width = ranked.evaluate("(plot) => plot.getBoundingClientRect().width")
        assert 300 < width <= 390, "the list, hidden when the page was drawn, is laid out at the new width"
        assert not ranked.evaluate(OVERLAPS)
        tab.get_by_role("radio", name=GRID_BUTTON, exact=True).first.click()  # the reader's pick beats the width
        grid.first.wait_for(timeout=90_000)
        _settle(tab)
        assert (grid.count(), ranked.count()) == (1, 0)
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / "charts-groups-390-grid-picked.png"), full_page=True)


def _check_charts(browser, server: str, demo_sources: registry.Sources, page: str, width: int, view: str,
                  **options: object) -> int:
    """Open a page at a width, check every chart is drawn and no two of its texts overlap; the number of
    heat maps shown as ranked lists."""
    expected = _drawn(demo_sources, page, VIEWS[view])
    phone = "-phone" if options else ""
    # Only what shows: with no shape picked a heat map is drawn twice and the window's width hides one.
    # A window of a laptop's height while the charts draw and are measured: a 6000 px window (all of the page at
    # once, for the screenshot) took Chromium's software rendering twice as long; it is opened for the screenshot.
    with new_tab(browser, height=WINDOW_HEIGHT, **options) as tab:
        tab.set_viewport_size({"width": width, "height": WINDOW_HEIGHT})
        tab.goto(_address(server, page, VIEWS[view]))
        tab.get_by_role("heading").first.wait_for()
        _settle(tab)
        plots = tab.locator(".js-plotly-plot:visible")
        if plots.count() < expected:  # a slow run on a loaded machine can pause with no status shown
            tab.wait_for_function("() => [...document.querySelectorAll('.js-plotly-plot')].filter(p => "
                                  f"p.getBoundingClientRect().height > 0).length >= {expected}", timeout=90_000)
            _settle(tab)
        drawn = plots.count()
        problems = {i: plots.nth(i).evaluate(OVERLAPS) for i in range(drawn)}
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.set_viewport_size({"width": width, "height": SCREENSHOT_HEIGHT})  # the page scrolls inside Streamlit's main
        tab.screenshot(path=str(SHOTS / f"charts-{page}-{view.replace(' ', '-')}-{width}{phone}.png"),
                       full_page=True)
        assert drawn == expected, "every chart with something to show is drawn, and only those"
        assert not {i: hits for i, hits in problems.items() if hits}, f"overlapping text at {width} px"
        fixed = [e for e in registry.PAGES[page].entries if not e.many]  # a many-entry's charts vary with the data
        if fixed and expected < len(fixed):
            said = tab.locator('[data-testid="stAlertContentInfo"]', has_text="No answers in this view").count()
            assert said == len(fixed) - expected, "an empty view says so, once per chart"
        assert tab.locator('[data-testid="stException"]').count() == 0
        return tab.locator('[class*="st-key-ranked_"] .js-plotly-plot:visible').count()
