"""Browser journeys and accessibility: every page (found from the navigation) rendered, screenshotted and
checked with axe-core; each filter, a copied link, downloads, an upload, and the keyboard.

Debian's Chromium against a server on a free loopback port (fixtures in tests/conftest.py).
"""

from __future__ import annotations

import ast
import re
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from conftest import TALL_WINDOW
from playwright.sync_api import Error as PlaywrightError

from analysis.views import registry

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "artifacts" / "screenshots"
FIXTURES = Path(__file__).parent / "fixtures"
FILTERS = {"org_type": "Organisation type", "sector": "Sector", "region": "Region", "source": "Source",
           "wave": "Wave"}
CHOICES = {"org_type": "Acute hospital trust", "sector": "NHS", "region": "London", "source": "Workshop",
           "wave": "2009"}
FAILING_IMPACTS = {"serious", "critical"}
# (axe rule, CSS selector fragment) pairs caused by Streamlit's own markup that we cannot change; each is
# described in docs/accessibility.md with what we did about it. Keep this list short and specific.
AXE_EXCLUSIONS: list[tuple[str, str]] = []
SCRIPT_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def wait_for_app(tab) -> None:
    """The app has drawn: sidebar filters present, the script run over (Streamlit's own mark on the app; its
    status widget shows only once a run has taken a moment), no script running, some text shown."""
    tab.wait_for_selector('[data-testid="stSidebar"] [data-testid="stMultiSelect"]')
    tab.wait_for_selector(SCRIPT_DONE, state="attached")
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")
    tab.wait_for_selector('[data-testid="stMain"] h1')


def nav_links(tab, base: str) -> dict[str, str]:
    """Every page in the sidebar navigation: its path (after the base URL) and its title."""
    more = tab.locator('[data-testid="stSidebarNavViewButton"]')
    if more.count() and "more" in more.inner_text().lower():
        more.click()
    links = tab.eval_on_selector_all('[data-testid="stSidebarNav"] a',
                                     "els => els.map(e => [e.href, e.innerText.trim()])")
    return {urllib.parse.urlsplit(href).path.removeprefix(urllib.parse.urlsplit(base).path).strip("/"): title
            for href, title in links}


def dashboard_page_count() -> int:
    """How many st.Page entries dashboard.py's navigation lists."""
    tree = ast.parse((ROOT / "dashboard.py").read_text(encoding="utf-8"))
    return sum(1 for node in ast.walk(tree) if isinstance(node, ast.Call)
               and isinstance(node.func, ast.Attribute) and node.func.attr == "Page")


def axe_problems(tab) -> list[str]:
    """Serious and critical axe-core violations on the page, less the documented Streamlit exclusions."""
    from axe_playwright_python.sync_playwright import Axe

    found = []
    for violation in Axe().run(tab).response["violations"]:
        if violation["impact"] not in FAILING_IMPACTS:
            continue
        for node in violation["nodes"]:
            target = " ".join(map(str, node["target"]))
            if any(rule == violation["id"] and part in target for rule, part in AXE_EXCLUSIONS):
                continue
            found.append(f"{violation['id']} ({violation['impact']}): {target} {node['html'][:120]}")
    return found


def open_by_link(tab, path: str, title: str, timeout: float = 90_000) -> None:
    """Open a page by clicking its link in the sidebar, as a reader does: one script run in the open app (about a
    CPU-second in Chromium), not the app started again by its address (two to four); its heading shown."""
    title = title.splitlines()[-1]  # the link's text after its icon's name
    # The link's click as the sidebar gets it (a phone's window keeps the sidebar folded away)
    tab.locator('[data-testid="stSidebarNav"] a').filter(has_text=title).first.dispatch_event("click")
    tab.wait_for_url(lambda url: urllib.parse.urlsplit(url).path.rstrip("/").endswith(f"/{path}".rstrip("/")),
                     timeout=timeout)
    if path:  # the overview's heading may be the study's title
        tab.locator('[data-testid="stMain"] h1').filter(has_text=title).first.wait_for(timeout=timeout)


def base_caption(tab):
    """The first chart's caption: its filters and its base."""
    return tab.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').filter(has_text="Base:").first


def sidebar_select(tab, label: str):
    return tab.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)


def choose(tab, label: str, option: str) -> None:
    """Pick an option of a sidebar filter as a person does: click the box (not its label: a click on the label
    opens the menu through the input's focus, and an option clicked while the menu is still opening, below the
    fold of its list, was sometimes missed, so the choice never reached the address), type its words, click the
    option, see it chosen, close the menu."""
    select = sidebar_select(tab, label)
    # Scrolled to first, and two frames let pass: a click that has to scroll the sidebar itself opened the menu,
    # and the scroll's event then closed it (3 times in 4 for the Wave filter in a 900 px window)
    select.scroll_into_view_if_needed()
    tab.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    select.locator("input").click()
    # Its words typed, so the option heads a short list: one far down a long list (London among the regions) had
    # to be scrolled to inside the menu for the click, and under load that click was sometimes lost
    tab.keyboard.type(option)
    tab.get_by_role("option", name=option, exact=True).click()
    select.locator('[data-testid="stMultiSelectTagsContainer"]', has_text=option).wait_for()
    tab.keyboard.press("Escape")


def test_every_page_renders_without_errors_or_serious_accessibility_problems(page, server: str) -> None:
    page.set_viewport_size(TALL_WINDOW)  # Streamlit's main area scrolls inside the window: the screenshot's height
    page.goto(server)
    wait_for_app(page)
    pages = nav_links(page, server)
    assert len(pages) == dashboard_page_count(), f"navigation shows {pages}"
    assert "data" in pages
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}
    for path, title in pages.items():
        if path or page.url.rstrip("/") != server:  # the overview is open; every other page by its link
            open_by_link(page, path, title)
        wait_for_app(page)
        page.wait_for_timeout(1000)  # let the charts draw before the screenshot
        page.screenshot(path=str(SHOTS / f"{path or 'overview'}.png"), full_page=True)
        found = [f"exception: {e}" for e in page.locator('[data-testid="stException"]').all_inner_texts()]
        found += ["page not found"] * page.get_by_text("Page not found").count()
        found += [f"error shown: {e}" for e in page.locator('[data-testid="stAlertContentError"]').all_inner_texts()]
        found += axe_problems(page)
        if found:
            problems[f"{title} (/{path})"] = found
    assert not problems, problems


def _filter_changes_the_link_and_the_caption(tab, server: str, key: str) -> None:
    tab.goto(f"{server}/domains")
    wait_for_app(tab)
    before = base_caption(tab).inner_text()
    assert before.startswith("All organisations")
    label = CHOICES[key]
    choose(tab, FILTERS[key], label)
    tab.wait_for_url(re.compile(rf"[?&]{key}="))
    wait_for_app(tab)
    tab.wait_for_function("before => { const c = [...document.querySelectorAll("
                          "'[data-testid=\"stMain\"] [data-testid=\"stCaptionContainer\"]')]"
                          ".find(e => e.innerText.includes('Base:')); return c && c.innerText !== before; }",
                          arg=before)
    after = base_caption(tab).inner_text()
    assert f"{FILTERS[key]}: {label}" in after, after


def test_each_sidebar_filter_changes_the_link_and_the_captions(page, server: str) -> None:
    """Each filter from an unfiltered page (each a new session in one tab): its choice goes in the address and
    the captions say it; every filter is tried, and a failure names the filter."""
    page.set_viewport_size(TALL_WINDOW)  # in a laptop's window this test failed once in three runs after `choose`
    # was mended (the message was lost); it keeps the window it always had until that is understood
    failed = []
    for key in FILTERS:
        try:
            _filter_changes_the_link_and_the_caption(page, server, key)
        except (AssertionError, PlaywrightError) as exc:
            failed.append(f"{key}: {exc}")
    assert not failed, "\n".join(failed)


def test_the_copied_link_reopens_the_view(page, server: str) -> None:
    page.goto(f"{server}/groups?sector=independent&source=interview")
    wait_for_app(page)
    page.get_by_text("Copy link to this view").click()
    link = page.locator('[data-testid="stCode"] code').first.inner_text().strip()
    assert link.startswith(server) and "sector=independent" in link and "source=interview" in link
    other = page.context.new_page()
    other.goto(link)
    wait_for_app(other)
    assert "Independent sector" in sidebar_select(other, "Sector").inner_text()
    assert "Sector: Independent sector" in base_caption(other).inner_text()
    assert other.locator('[data-testid="stAlertContentWarning"]').count() == 0, "same dataset: no warning"
    other.close()


def test_a_chart_and_a_briefing_pack_download(page, server: str, tmp_path: Path) -> None:
    page.goto(f"{server}/domains")
    wait_for_app(page)
    page.locator(".st-key-dl_domains_positive button").first.click()  # the first chart's one download menu
    with page.expect_download() as csv_download:
        page.locator('[data-testid="stDownloadButton"] button').filter(has_text="The numbers as CSV").first.click()
    csv_file = tmp_path / csv_download.value.suggested_filename
    csv_download.value.save_as(csv_file)
    assert csv_file.suffix == ".csv" and csv_file.stat().st_size > 0
    assert "Domain" in csv_file.read_text(encoding="utf-8-sig").splitlines()[0]

    page.keyboard.press("Escape")
    page.get_by_role("button", name=re.compile("Briefing pack")).click()
    with page.expect_download(timeout=90_000) as pack_download:
        page.get_by_role("button", name=re.compile(r"This page \(PowerPoint\)")).click()
    pack = tmp_path / pack_download.value.suggested_filename
    pack_download.value.save_as(pack)
    assert pack.name.startswith("briefing-domains-all-data-") and pack.suffix == ".pptx"
    assert pack.read_bytes()[:4] == b"PK\x03\x04", "a PowerPoint file is a zip"
    with zipfile.ZipFile(pack) as deck:
        charts = [name for name in deck.namelist() if re.fullmatch(r"ppt/charts/chart\d+\.xml", name)]
        assert len(charts) == 4, "the domains page's four charts, as native charts"


def test_a_file_uploads_on_the_data_page(page, server: str) -> None:
    page.set_viewport_size(TALL_WINDOW)  # axe checks the contrast of what is inside the window
    page.goto(f"{server}/data")
    wait_for_app(page)
    uploader = page.locator('.st-key-export_file input[type="file"]')
    uploader.set_input_files(str(FIXTURES / "template.csv"))
    page.get_by_role("heading", name="Preview").wait_for()
    wait_for_app(page)
    metrics = page.locator('[data-testid="stMetricValue"]').all_inner_texts()
    assert metrics[:4] == ["3", "3", "19", "0"], metrics
    assert page.locator('[data-testid="stException"]').count() == 0
    assert not axe_problems(page), "the mapping editor and preview are accessible too"


def test_a_filter_can_be_chosen_with_the_keyboard_alone(page, server: str) -> None:
    page.goto(f"{server}/domains")
    wait_for_app(page)
    target = sidebar_select(page, "Organisation type").locator("input")
    for _ in range(40):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the Organisation type filter")
    page.keyboard.type("Hospice")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"org_type=hospice"))
    wait_for_app(page)
    assert "Hospice" in sidebar_select(page, "Organisation type").inner_text()


# What the first sessions on a fresh server open, in the order their requests reach it: a shared link straight to a
# page with a filter first (often a new server's first request), then the same page and others together.
FIRST_REQUESTS = ["groups?org_type=hospice", "domains", "groups?org_type=hospice", ""]


@pytest.mark.parametrize("script", ["serve.py", "dashboard.py"])
def test_the_first_requests_to_a_fresh_server_all_run_inside_the_frame(browser, demo_dir: Path, script: str) -> None:
    """The first requests a server gets may arrive together, and the first may be a link straight to a page; each
    must run inside dashboard.py (its navigation shown, no exception, no "Page not found") and a link keeps its
    filters, whether the server was warmed (serve.py, as `make run` starts it) or not (streamlit run dashboard.py).
    Four browsers of their own (nothing cached), opened together."""
    from conftest import serve_app

    with serve_app(demo_dir, script) as fresh:
        contexts = [browser.new_context(viewport={"width": 1200, "height": 900}) for _ in FIRST_REQUESTS]
        try:
            tabs = [context.new_page() for context in contexts]
            for tab, address in zip(tabs, FIRST_REQUESTS, strict=True):
                tab.set_default_timeout(60_000)
                tab.goto(f"{fresh}/{address}", wait_until="commit")
            for tab, address in zip(tabs, FIRST_REQUESTS, strict=True):
                wait_for_app(tab)
                assert tab.locator('[data-testid="stSidebarNav"] a').filter(has_text="Influence by domain").count()
                assert tab.locator('[data-testid="stException"]').count() == 0, address
                assert tab.get_by_text("Page not found").count() == 0, address
                path, _, query = address.partition("?")
                if path:
                    tab.get_by_role("heading", name=re.compile(registry.PAGES[path].title)).first.wait_for()
                if query:
                    assert "Hospice" in sidebar_select(tab, "Organisation type").inner_text(), address
        finally:
            for context in contexts:
                context.close()
