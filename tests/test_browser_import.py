"""The two journeys of issue 13 in a real browser, as a new user takes them: an agree/disagree survey saved
from SPSS, and a GP practices' Friends and Family Test export, from upload to charts in their own words."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory):
    """A server on an empty store of its own (the shared server holds the demo)."""
    from conftest import serve_app

    with serve_app(tmp_path_factory.mktemp("import_store")) as base:
        yield base


def _wait(tab) -> None:
    tab.wait_for_selector('[data-testid="stMain"] h1')
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def _fill(tab, label: str, text: str) -> None:
    box = tab.get_by_label(label, exact=True)
    box.fill(text)
    box.press("Enter")
    _wait(tab)


def _choose(tab, label: str, option: str) -> None:
    tab.locator('[data-testid="stSelectbox"]').filter(has_text=label).locator("input").click()
    tab.get_by_role("option", name=option, exact=True).click()
    _wait(tab)


def _upload_and_import(tab, base: str, name: str, steps) -> str:
    """Imports a fixture through the guided import into a new dataset; returns the query of the link the page
    offers to open it (an import never changes what a new visitor sees, so the charts are reached by that link)."""
    tab.goto(f"{base}/data")
    _wait(tab)
    tab.locator('.st-key-export_file input[type="file"]').set_input_files(str(FIXTURES / name))
    tab.get_by_role("heading", name="4. Preview").wait_for()
    _wait(tab)
    steps(tab)
    tab.get_by_text("can be imported").wait_for()
    tab.get_by_role("button", name="Import", exact=True).click()
    tab.get_by_text(f"Imported {name.split('.')[0].split('_')[0]}").wait_for()
    assert tab.locator('[data-testid="stException"]').count() == 0
    link = tab.locator('[data-testid="stLinkButton"] a').filter(has_text=f"Open {Path(name).stem}")
    href = link.get_attribute("href")
    assert "?dataset=" in href, href
    return href[href.index("?"):]


def _charts(tab, base: str, query: str) -> tuple[list[str], str]:
    tab.goto(f"{base}/questions{query}")
    _wait(tab)
    tab.get_by_text("every answer, by question").first.wait_for()
    headings = tab.locator('[data-testid="stMain"] h3').all_inner_texts()
    tab.wait_for_selector(".legend .legendtext")
    legend = " ".join(tab.eval_on_selector_all(".legend .legendtext", "els => els.map(e => e.textContent)"))
    return headings, legend


def test_agree_survey_from_spss_to_charts_that_say_agree(warm_context, fresh_server) -> None:
    from conftest import warm_tab

    def steps(tab) -> None:
        _fill(tab, "Wave (year of collection)", "2025")
        _fill(tab, "Organisation (its name or ODS code)", "Northside users' group")
        _choose(tab, "Organisation type", "Community trust")

    with warm_tab(warm_context, height=3000) as tab:
        query = _upload_and_import(tab, fresh_server, "agree_survey.sav", steps)
        headings, legend = _charts(tab, fresh_server, query)
        assert any("% agree or strongly agree" in h for h in headings), headings
        for label in ("Strongly disagree", "Neither agree nor disagree", "Strongly agree"):
            assert label in legend, legend
        assert "strongly_agree" not in legend and "influence" not in " ".join(headings).lower()


def test_fft_gp_practice_export_to_charts_that_say_likely_to_recommend(warm_context, fresh_server) -> None:
    from conftest import warm_tab

    with warm_tab(warm_context, height=3000) as tab:
        query = _upload_and_import(tab, fresh_server, "fft_gp_practices.csv", lambda tab: None)  # nothing to change
        headings, legend = _charts(tab, fresh_server, query)
        assert any("% extremely likely or likely to recommend" in h for h in headings), headings
        for label in ("Extremely unlikely", "Neither likely nor unlikely", "Extremely likely"):
            assert label in legend, legend
        tab.goto(f"{fresh_server}/trust_types{query}")
        _wait(tab)
        tab.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
            has_text="Organisation type").locator("input").click()
        assert tab.get_by_role("option", name="GP practice or primary care network (NHS primary care)").count()
