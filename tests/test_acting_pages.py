"""Page tests for acting on views: the framework page (with the self-assessment round trip), "you said, we did",
and the wave comparisons on the evidence pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import open_tables
from streamlit.runtime.memory_media_file_storage import _calculate_file_id
from streamlit.testing.v1 import AppTest

from analysis.evidence import framework

pytestmark = pytest.mark.apptest  # every test here runs a page script in-process
ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60


def _page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    open_tables(at)
    _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def _subheaders(at: AppTest) -> list[str]:
    return [s.value.replace("\\", "") for s in at.subheader]


def test_the_framework_page_shows_areas_by_type_and_sector(app_env: Path) -> None:
    at = _page("framework")
    heads = _subheaders(at)
    assert any("by framework area and organisation type" in h for h in heads)
    assert any("by framework area and sector" in h for h in heads)
    assert any("against the previous one" in h for h in heads)
    assert any("own wording" in m.value for m in at.markdown)


def test_the_self_assessment_round_trip(app_env: Path) -> None:
    at = _page("framework")
    at.selectbox(key="fw_org_type").set_value("mental_health_ld")
    chosen = {"rights_publicised": "leading", "feedback_loop": "developing", "routine_use": "not_started",
              "outreach": "established"}
    for item, rating in chosen.items():
        at.radio(key=f"fw_{item}").set_value(rating)
    at.run()
    _ok(at)
    ratings = {item: chosen.get(item) for item in framework.item_area()}
    saved = framework.to_json("mental_health_ld", ratings)
    button = at.download_button(key="fw_save")
    assert button.proto.url.endswith(_calculate_file_id(saved, "application/json", "self-assessment.json") + ".json"), \
        "the Save button offers exactly these ratings"
    plan = next(df.value for df in at.dataframe if "Next step" in df.value.columns)
    assert framework.ITEMS["using_views"]["routine_use"] in set(plan["Checklist item (our wording)"])

    again = _page("framework")  # a new browser session: nothing carried over
    assert again.radio(key="fw_rights_publicised").value is None
    again.file_uploader(key="fw_upload").set_value(("self-assessment.json", saved, "application/json")).run()
    _ok(again)
    assert again.selectbox(key="fw_org_type").value == "mental_health_ld"
    assert {item: again.radio(key=f"fw_{item}").value for item in framework.item_area()} == ratings


def test_a_wrong_file_gives_a_plain_message(app_env: Path) -> None:
    at = _page("framework")
    at.file_uploader(key="fw_upload").set_value(("x.json", json.dumps({"a": 1}).encode(), "application/json")).run()
    assert not at.exception
    assert any("not a saved self-assessment" in e.value.replace("\\", "") for e in at.error)


def test_the_actions_page_shows_shares_and_open_issues(app_env: Path) -> None:
    at = _page("actions")
    assert [m.label for m in at.metric] == ["Issues raised", "Acted on", "People told what happened", "Still open"]
    heads = _subheaders(at)
    for noun in ("domain", "organisation type", "seldom-heard group affected"):
        assert any(h.endswith(f"by {noun}") for h in heads), heads
    assert any(h.startswith("Issues still open") for h in heads)
    open_table = next(df.value for df in at.dataframe if "Days open" in df.value.columns)
    assert len(open_table) > 0
    assert any("Illustrative data" in i.value for i in at.info)


@pytest.mark.parametrize(("page", "chart"), [("domains", "by domain"), ("groups", "by seldom-heard group"),
                                             ("trust_types", "by organisation type")])
def test_evidence_pages_compare_with_the_previous_wave(app_env: Path, page: str, chart: str) -> None:
    at = _page(page)
    assert any(h.startswith("Compared with the previous wave") and h.endswith(chart) for h in _subheaders(at))
    table = next(df.value for df in at.dataframe if "Latest against previous" in df.value.columns)
    assert set(table["Latest against previous"]) <= {"better", "about the same", "worse", "not compared"}
    assert set(table["Previous wave"]) == {"2008"} and set(table["Latest wave"]) == {"2009"}


def test_the_domains_page_shows_importance_against_influence(app_env: Path) -> None:
    at = _page("domains")
    assert "What people want a say in, against the influence they have" in _subheaders(at)
