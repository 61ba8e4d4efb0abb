"""Browser test of the review queue: a held quote is absent from Voices and from a pack until approved;
a hidden one stays absent. Walks the Data page's review section as a reviewer would."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from conftest import serve_app, warm_tab

from analysis.storage import store
from analysis.synthetic import demo

pytestmark = pytest.mark.browser

HELD = ["I was seen by Zorbanek in the end and he was lovely", "we asked for Grace at the desk and waited"]


@pytest.fixture(scope="module")
def review_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server on the demo data plus two stories the redaction is unsure of."""
    tables = demo.demo_tables()
    teller = tables["stories"].iloc[0]
    extra = pd.DataFrame([{**teller.to_dict(), "story_id": f"R{i}", "text": t} for i, t in enumerate(HELD)])
    tables["stories"] = pd.concat([tables["stories"], extra], ignore_index=True)
    directory = tmp_path_factory.mktemp("review-data")
    store.write_dataset(tables, directory, demo=True, provenance=[], description=demo.DEMO_DESCRIPTION)
    with serve_app(directory) as base:
        yield base


def _ready(tab) -> None:
    tab.wait_for_selector('[data-testid="stMain"] h1')
    tab.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')")


def _quotes_matching(tab, base: str, words: str) -> str:
    tab.goto(f"{base}/voices?q={words}")
    _ready(tab)
    return tab.get_by_text(re.compile(r"quotes? match")).first.inner_text()


def _pack_text(tab, tmp_path: Path) -> str:
    tab.get_by_role("button", name=re.compile("Briefing pack")).click()  # the packs' menu (issue 17)
    with tab.expect_download(timeout=120_000) as download:
        tab.get_by_role("button", name=re.compile(r"This page \(PowerPoint\)")).click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    with zipfile.ZipFile(path) as deck:
        return " ".join(deck.read(n).decode("utf-8", "ignore") for n in deck.namelist() if n.endswith(".xml"))


def _decide(tab, base: str, story: str, button: str) -> None:
    tab.goto(f"{base}/data")
    _ready(tab)
    tab.get_by_role("heading", name="Quotes held for review").wait_for()
    chooser = tab.locator(".st-key-review_story input")
    if not chooser.input_value().startswith(f"{story}:"):
        chooser.click()
        tab.get_by_role("option", name=re.compile(f"^{story}:")).click()
        _ready(tab)
    assert chooser.input_value().startswith(f"{story}:")
    tab.get_by_role("button", name=button, exact=True).click()
    tab.get_by_text(re.compile(r"1 quote\(s\)")).wait_for()


def test_hold_approve_and_hide(warm_context, review_server: str, tmp_path: Path) -> None:
    with warm_tab(warm_context, height=2400) as tab:
        tab.goto(f"{review_server}/voices")
        _ready(tab)
        tab.get_by_text("2 quotes are held for review").wait_for()
        assert _quotes_matching(tab, review_server, "Zorbanek").startswith("0 quotes match")
        pack = _pack_text(tab, tmp_path)
        assert "Zorbanek" not in pack and "Grace at the desk" not in pack

        _decide(tab, review_server, "R0", "Approve")
        assert _quotes_matching(tab, review_server, "Zorbanek").startswith("1 quotes match")
        tab.get_by_text("1 quote is held for review").wait_for()

        _decide(tab, review_server, "R1", "Hide")
        assert _quotes_matching(tab, review_server, "Grace at the desk").startswith("0 quotes match")
        assert tab.get_by_text(re.compile("held for review and not shown")).count() == 0
        assert "Grace at the desk" not in _pack_text(tab, tmp_path)

        tab.goto(f"{review_server}/data")
        _ready(tab)
        tab.get_by_text(re.compile("Approved: 1 · Edited and shown: 0 · Hidden: 1")).wait_for()
        assert tab.locator('[data-testid="stException"]').count() == 0
