"""Browser tests of the charts at a laptop's width and a phone's: no two text boxes of a chart overlap, every
chart with something to show is drawn, and an empty view says so. Screenshots go to artifacts/screenshots.

A view (its filters) at a width is one Streamlit session, as a reader has it: its address opens the overview and
the sidebar's links open every other page in turn, the filters kept. A page reached that way is one script run in
the open app, not the app started again (about a CPU-second in Chromium, against two to four for each address
opened); every page's checks are made and a failure names its view, width and page."""

from __future__ import annotations

import contextlib
import urllib.parse
from pathlib import Path

import pytest
from conftest import warm_tab
from playwright.sync_api import Error as PlaywrightError
from test_browser_journeys import SCRIPT_DONE, open_by_link

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


SHOWN_JS = ("expected => !document.querySelector('[data-testid=\"stStatusWidget\"]') && [...document.querySelectorAll("
            "'.js-plotly-plot')].filter(p => p.getBoundingClientRect().height > 0).length >= expected")


def _settle(tab, expected: int = 0, quiet: int = 3) -> None:
    """Wait until the page's run is over with at least `expected` charts shown, then until no script run is shown
    and the charts stop changing (a first visit may rerun through dashboard.py, and plotly lays a chart out
    twice), sampling every 300 ms. Too few charts after 90 s is left to the count check to report."""
    with contextlib.suppress(PlaywrightError):
        tab.wait_for_function(SHOWN_JS, arg=expected, timeout=90_000)  # a loaded machine can take a while
    seen, same = None, 0
    for _ in range(200):
        tab.wait_for_timeout(300)
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
# Who opens a heat-map page at what width, and which shape each heat map shows: a phone says it is one (the
# ranked list at any width); a desktop browser's window width picks the shape (static CSS on keyed containers).
SHAPES = {("phone", 1366): "ranked", ("phone", 390): "ranked", ("desktop", 390): "ranked", ("desktop", 1366): "grid"}


def _case(failed: list[str], case: str, check, *args: object, **options: object):
    """Run one case's checks; a failure is noted with the case's name (the other cases still run)."""
    try:
        return check(*args, **options)
    except (AssertionError, PlaywrightError) as exc:
        failed.append(f"{case}: {exc}".strip())
        return None


def _heatmaps(demo_sources: registry.Sources, page: str) -> int:
    return sum(charts.is_heatmap(p.figure) and charts.has_data(p.figure)
               for p in registry.page_panels(page, demo_sources, Filters()))


def _shape(demo_sources: registry.Sources, page: str, ranked: int, shape: str) -> None:
    heatmaps = _heatmaps(demo_sources, page)
    assert heatmaps >= 1 and ranked == (heatmaps if shape == "ranked" else 0), f"every heat map as a {shape}"


def _walk(tab, server: str, demo_sources: registry.Sources, pages: list[str], view: str, width: int, check,
          phone: bool = False) -> list[str]:
    """Open the view's first page by its address and each later one by its link in the sidebar; check each page's
    charts (`check(page, ranked)` on the number shown as ranked lists). The failures, each named by its case."""
    failed: list[str] = []
    for number, page in enumerate(pages):
        case = f"{view} at {width} px{' on a phone' if phone else ''}, {page}"
        opened = _case(failed, case, _open, tab, server, page, VIEWS[view], by_link=number > 0)
        if opened is None:
            continue
        ranked = _case(failed, case, _check_charts, tab, demo_sources, page, width, view, phone)
        if ranked is not None:
            _case(failed, case, check, page, ranked)
    return failed


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("view", list(VIEWS))
def test_no_two_texts_of_a_chart_overlap(warm_context, server: str, demo_sources: registry.Sources, view: str,
                                         width: int) -> None:
    """Every page of the view at the width; on a heat-map page, every heat map has the shape a desktop window
    of that width gives (a grid when wide, a ranked list when narrow)."""
    def shape(page: str, ranked: int) -> None:
        if page in HEATMAP_PAGES and view == "everything":
            _shape(demo_sources, page, ranked, SHAPES["desktop", width])

    with warm_tab(warm_context, width, WINDOW_HEIGHT) as tab:
        failed = _walk(tab, server, demo_sources, list(registry.PAGES), view, width, shape)
    assert not failed, "\n".join(failed)


@pytest.fixture(scope="module")
def phone_context(browser):
    """A browser context that says it is a phone (its user agent), shared like conftest's warm_context."""
    context = browser.new_context(user_agent=PHONE, viewport={"width": 390, "height": WINDOW_HEIGHT})
    try:
        yield context
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_heat_maps_are_ranked_lists_on_a_phone_and_no_texts_overlap(
        phone_context, server: str, demo_sources: registry.Sources, width: int) -> None:
    def shape(page: str, ranked: int) -> None:
        _shape(demo_sources, page, ranked, SHAPES["phone", width])

    with warm_tab(phone_context, width, WINDOW_HEIGHT) as tab:
        failed = _walk(tab, server, demo_sources, HEATMAP_PAGES, "everything", width, shape, phone=True)
    assert not failed, "\n".join(failed)


def test_a_window_made_narrow_turns_its_heat_map_into_a_list_and_a_pick_wins(warm_context, server: str) -> None:
    with warm_tab(warm_context, 1366, WINDOW_HEIGHT) as tab:
        tab.goto(_address(server, "groups", {}))
        tab.get_by_role("heading").first.wait_for()
        grid, ranked = (tab.locator(f'[class*="st-key-{key}groups_heatmap"] .js-plotly-plot:visible')
                        for key in ("chart_", "ranked_"))
        grid.first.wait_for(timeout=90_000)  # a loaded machine can take a while to draw the first chart
        _settle(tab)
        assert (grid.count(), ranked.count()) == (1, 0)
        tab.set_viewport_size({"width": 390, "height": WINDOW_HEIGHT})  # the same page, no rerun: the CSS alone
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
        tab.set_viewport_size({"width": 390, "height": _screenshot_height(tab)})
        tab.screenshot(path=str(SHOTS / "charts-groups-390-grid-picked.png"), full_page=True)


# How tall the page's content is: Streamlit's main area scrolls inside the window, so a full-page screenshot
# needs a window that tall (capped at SCREENSHOT_HEIGHT); a taller window only costs more to draw.
CONTENT_HEIGHT_JS = ("() => Math.max(0, ...[...document.querySelectorAll('[data-testid=\"stMain\"], "
                     "[data-testid=\"stMain\"] > div')].map(e => e.scrollHeight))")


def _screenshot_height(tab) -> int:
    return min(SCREENSHOT_HEIGHT, max(WINDOW_HEIGHT, tab.evaluate(CONTENT_HEIGHT_JS) + 200))


def _open(tab, server: str, page: str, params: dict[str, list[str]], by_link: bool) -> bool:
    """Open a page: by its address, or by clicking its link in the sidebar (the address then keeps the filters).
    True once its heading shows and its script run is over."""
    title = registry.PAGES[page].title
    if by_link:
        open_by_link(tab, "" if page == "overview" else page, title)
    else:
        tab.goto(_address(server, page, params))
        tab.locator('[data-testid="stMain"] h1').first.wait_for(timeout=90_000)
    tab.wait_for_selector(SCRIPT_DONE, state="attached", timeout=90_000)
    kept = urllib.parse.parse_qs(urllib.parse.urlsplit(tab.url).query)  # the run puts the filters in the address
    assert all(kept.get(key) == values for key, values in params.items()), f"the filters, kept: {kept}"
    return True


def _check_charts(tab, demo_sources: registry.Sources, page: str, width: int, view: str, phone: bool = False) -> int:
    """Check the open page's view at a width: every chart is drawn and no two of its texts overlap; the number of
    heat maps shown as ranked lists."""
    expected = _drawn(demo_sources, page, VIEWS[view])
    # Only what shows: with no shape picked a heat map is drawn twice and the window's width hides one.
    # A window of a laptop's height while the charts draw and are measured: a 6000 px window (all of the page at
    # once, for the screenshot) took Chromium's software rendering twice as long; it is made tall for the screenshot.
    _settle(tab, expected)
    plots = tab.locator(".js-plotly-plot:visible")
    drawn = plots.count()
    problems = {i: plots.nth(i).evaluate(OVERLAPS) for i in range(drawn)}
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.set_viewport_size({"width": width, "height": _screenshot_height(tab)})
    tab.screenshot(path=str(SHOTS / f"charts-{page}-{view.replace(' ', '-')}-{width}{'-phone' if phone else ''}.png"),
                   full_page=True)
    tab.set_viewport_size({"width": width, "height": WINDOW_HEIGHT})
    assert drawn == expected, f"every chart with something to show is drawn, and only those: {drawn} of {expected}"
    assert not {i: hits for i, hits in problems.items() if hits}, f"overlapping text at {width} px: {problems}"
    fixed = [e for e in registry.PAGES[page].entries if not e.many]  # a many-entry's charts vary with the data
    if fixed and expected < len(fixed):
        said = tab.locator('[data-testid="stAlertContentInfo"]', has_text="No answers in this view").count()
        assert said == len(fixed) - expected, "an empty view says so, once per chart"
    assert tab.locator('[data-testid="stException"]').count() == 0
    return tab.locator('[class*="st-key-ranked_"] .js-plotly-plot:visible').count()
