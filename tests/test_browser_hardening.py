"""In a real browser: no request leaves the server when a page loads, and nothing from the data acts."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import new_tab, serve_app, warm_tab
from playwright.sync_api import Error as PlaywrightError
from test_browser_journeys import nav_links, open_by_link, wait_for_app
from test_safe_text import PAYLOADS

from analysis.storage import store
from analysis.synthetic import demo
from bench.sessions import IDLE_JS

pytestmark = pytest.mark.browser


def _outside(requests: list[str], base: str) -> list[str]:
    here = urlparse(base).netloc
    return [u for u in requests if urlparse(u).scheme not in {"data", "blob"} and urlparse(u).netloc != here]


def test_a_page_loads_with_no_request_leaving_the_server(browser, server: str) -> None:
    """Every page in the navigation in turn, in one tab of a first-time visitor: the first by its address (nothing
    cached: every script, style, font and image is fetched), each later one by its link, as a reader moves on (the
    scripts a page loads on demand, its charts' among them, fetched then). A request to another host never
    succeeds here, so no page can have been served one from the cache."""
    outside: dict[str, list[str]] = {}
    with new_tab(browser) as tab:
        requests: list[str] = []
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(server)
        wait_for_app(tab)
        tab.wait_for_timeout(1500)  # late fetches (favicon, fonts, images) included
        assert requests, "the request log works"  # a page opened by its link may fetch nothing new
        if _outside(requests, server):
            outside["/ (by its address)"] = _outside(requests, server)
        for path, title in nav_links(tab, server).items():
            requests.clear()
            open_by_link(tab, path, title)
            tab.wait_for_function(IDLE_JS)
            tab.wait_for_timeout(1500)
            if _outside(requests, server):
                outside[f"/{path}"] = _outside(requests, server)
    assert not outside, outside


@pytest.fixture(scope="module")
def payload_server(tmp_path_factory: pytest.TempPathFactory):
    tables = {name: frame.copy() for name, frame in demo.demo_tables().items()}
    tables["organisations"] = tables["organisations"].assign(
        org_name=[PAYLOADS[i % len(PAYLOADS)] for i in range(len(tables["organisations"]))], region=PAYLOADS[7])
    tables["scale_levels"] = tables["scale_levels"].assign(
        level_label=[PAYLOADS[i % len(PAYLOADS)] for i in range(len(tables["scale_levels"]))])
    wave = '<a href="https://evil.example/w">2008</a>'
    for name in ("respondents", "stories", "assessments", "actions"):
        tables[name] = tables[name].assign(wave=tables[name]["wave"].replace("2008", wave))
    tables["stories"] = tables["stories"].assign(text=[PAYLOADS[i % len(PAYLOADS)] for i in range(600)])
    directory = tmp_path_factory.mktemp("payload-browser")
    store.write_dataset(tables, directory, demo=False, description=PAYLOADS[6], provenance=[])
    with serve_app(directory) as base:
        yield base


PAYLOAD_PAGES = ["domains", "groups", "voices", "data"]  # where the data's names, labels and stories show


def _payloads_never_act(tab, path: str, requests: list[str], dialogs: list[str]) -> None:
    tab.wait_for_selector('[data-testid="stSidebar"]')
    tab.wait_for_function(IDLE_JS)
    for chart in tab.locator(".js-plotly-plot:visible").all()[:3]:  # a heat map drawn twice shows one
        chart.hover()  # hover labels draw the data too
    tab.wait_for_timeout(1000)
    links = tab.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    images = tab.eval_on_selector_all("img[src], image[href]", "els => els.map(e => e.src || e.href.baseVal)")
    assert not [u for u in links + images if "evil" in u or u.startswith("javascript:")], links + images
    assert not dialogs, "no script from the data ran"
    assert not [u for u in requests if "evil" in u], "nothing was fetched from a URL in the data"
    if path in {"domains", "groups"}:  # elsewhere the data sit in canvas-drawn tables, not in the page's text
        assert tab.get_by_text("evil.example", exact=False).count(), "the payloads were shown"


def test_payloads_in_the_data_never_act_in_the_browser(warm_context, payload_server: str) -> None:
    """The pages that show the data's names, labels and stories, in one session: the first by its address, the
    others by their links. A failure names its page (the other pages are still checked)."""
    failed: list[str] = []
    with warm_tab(warm_context, height=3000) as tab:
        requests: list[str] = []
        dialogs: list[str] = []
        tab.on("request", lambda request: requests.append(request.url))
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        titles: dict[str, str] = {}
        for path in PAYLOAD_PAGES:
            try:
                if titles:
                    open_by_link(tab, path, titles[path])
                else:
                    tab.goto(f"{payload_server}/{path}")
                    wait_for_app(tab)
                    titles = nav_links(tab, payload_server)
                _payloads_never_act(tab, path, requests, dialogs)
            except (AssertionError, PlaywrightError) as exc:
                failed.append(f"/{path}: {exc}")
    assert not failed, "\n".join(failed)


def test_an_uploaded_payload_file_never_acts(warm_context, tmp_path: Path) -> None:
    rows = [["respondent_id", "org_id", "org_type", "wave", *PAYLOADS[:10]],
            *[[f"r{i}", "RX1", "acute", "2024", *PAYLOADS[:10]] for i in range(3)]]
    upload = tmp_path / "payloads.csv"
    upload.write_text("\n".join(",".join('"' + c.replace('"', '""') + '"' for c in r) for r in rows), "utf-8")
    with serve_app(tmp_path / "data") as base, warm_tab(warm_context, height=3000) as tab:
        dialogs: list[str] = []
        requests: list[str] = []
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        tab.on("request", lambda request: requests.append(request.url))
        tab.goto(f"{base}/data")
        tab.locator('[data-testid="stFileUploader"] input[type=file]').first.set_input_files(str(upload))
        tab.wait_for_selector('[data-testid="stMetric"]', timeout=60_000)
        tab.wait_for_function(IDLE_JS)
        tab.wait_for_timeout(1000)
        links = tab.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        images = tab.eval_on_selector_all("img[src]", "els => els.map(e => e.src)")
        assert not [u for u in links + images if "evil" in u or u.startswith("javascript:")], links + images
        assert not dialogs and not [u for u in requests if "evil" in u]
        assert not _outside(requests, base)
