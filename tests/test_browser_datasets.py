"""Two browsers, two datasets: each shows the dataset in its address; an import in one changes neither the other
nor what a new visitor sees; only "Make this the default" changes that."""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from conftest import build_demo, new_tab, warm_tab
from conftest import serve_app as _serve
from playwright.sync_api import expect
from test_browser_journeys import wait_for_app

from analysis.ingest import importing, mapping
from analysis.storage import store

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).parent / "fixtures"
SETTINGS = {"source": "users_group_survey", "wave": "2024", "organisation": "RX1", "org_type": "acute"}


@pytest.fixture
def two_datasets(tmp_path: Path) -> Path:
    """The demo (the default for new visitors) and an imported 'Trust survey'."""
    build_demo(tmp_path)
    spec = mapping.guess((FIXTURES / "google_forms.csv").read_bytes(), "google_forms.csv")
    spec["import"].update(SETTINGS)
    report = importing.run((FIXTURES / "google_forms.csv").read_bytes(), "google_forms.csv", spec, tmp_path,
                           importing.Options(target=importing.Target(title="Trust survey")))
    assert report.ok, report.problems
    return tmp_path


def _shown(tab) -> str:
    """The dataset the page says it shows (the caption under the page title)."""
    wait_for_app(tab)
    caption = tab.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]', has_text="Dataset:").first
    caption.wait_for()
    return caption.inner_text()


def _new_visitor(visitor, base: str) -> str:
    """What a new visitor sees: a new tab (a new session) of a third browser, which never asked for a dataset."""
    with warm_tab(visitor, height=1200) as tab:
        tab.goto(base)
        return _shown(tab)


def _pick(tab, label: str, option: str) -> None:
    """Choose an option of a Streamlit selectbox by its label."""
    tab.locator('[data-testid="stSelectbox"]').filter(has_text=label).click()
    tab.get_by_role("option", name=option).click()


def test_two_browsers_two_datasets_and_the_default_changes_only_on_request(browser, two_datasets: Path) -> None:
    with (_serve(two_datasets) as base, new_tab(browser, height=1600) as one, new_tab(browser, height=2400) as two,
          contextlib.closing(browser.new_context()) as visitor):
        one.goto(base)
        assert "Study demo" in _shown(one)
        two.goto(f"{base}/?dataset=trust-survey")
        assert "Trust survey" in _shown(two)
        one.reload()
        assert "Study demo" in _shown(one), "each browser keeps its own dataset"

        two.goto(f"{base}/data")  # the second browser imports another survey into a new dataset
        wait_for_app(two)
        two.locator('.st-key-export_file input[type="file"]').set_input_files(str(FIXTURES / "template.csv"))
        two.get_by_role("heading", name="Preview").wait_for()
        wait_for_app(two)
        title = two.locator(".st-key-import_title input")
        title.fill("Another survey")
        title.press("Enter")
        wait_for_app(two)
        two.locator(".st-key-import button").click()
        two.get_by_text(re.compile("Imported template.csv")).wait_for()
        assert store.collection(two_datasets, "another-survey")

        one.reload()
        assert "Study demo" in _shown(one), "an import elsewhere changes nothing here"
        assert "Study demo" in _new_visitor(visitor, base), "nor what a new visitor sees"

        two.reload()
        wait_for_app(two)
        _pick(two, "Stored dataset", "Another survey")
        wait_for_app(two)
        make_default = two.get_by_role("button", name="Make this the default")
        expect(make_default).to_be_enabled()
        make_default.click()
        two.get_by_text(re.compile(r"Shown to new visitors: Another survey")).wait_for()
        assert "Another survey" in _new_visitor(visitor, base), "the default changes when asked"
        one.goto(f"{base}/?dataset=demo")
        assert "Study demo" in _shown(one), "a link to a dataset still opens it"
