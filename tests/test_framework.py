"""The engagement framework: checklist, scoring as tables, peer gaps, the saved file and the action plan files."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from analysis.evidence import framework
from analysis.model import vocab
from analysis.model.errors import UserError
from analysis.outputs import action_plan
from analysis.stats import metrics
from analysis.synthetic import demo_followup

BRIEFING_AREAS = ["Promoting people's rights to a voice", "Keeping people engaged",
                  "Using people's views to plan and improve services",
                  "Engaging people in appropriate and accessible ways", "Learning how to engage people better"]


def test_the_five_areas_are_the_briefings() -> None:
    assert list(framework.AREAS.values()) == BRIEFING_AREAS


def test_every_area_has_a_checklist_with_unique_ids() -> None:
    items = framework.checklist()
    assert set(items["area"]) == set(framework.AREAS)
    assert items.groupby("area").size().min() >= 4
    assert items["item"].is_unique
    assert items["item_text"].str.endswith((".", "?")).all()


def test_the_checklist_is_labelled_as_our_own_wording() -> None:
    assert "own wording" in framework.CHECKLIST_NOTE and "not the study's" in framework.CHECKLIST_NOTE


def test_ratings_are_four_ordered_steps() -> None:
    assert list(framework.RATINGS) == ["not_started", "developing", "established", "leading"]
    assert list(framework.SCORES.values()) == [0, 1, 2, 3]


RIGHTS = list(framework.ITEMS["rights"])


@pytest.mark.parametrize(("ratings", "rated", "score", "established_pct"), [
    (["leading", "established", "developing", "not_started", None], 4, 1.5, 50.0),
    (["leading", "leading", "leading", "leading", "leading"], 5, 3.0, 100.0),
    (["developing", None, None, None, None], 1, 1.0, 0.0),
    ([None, None, None, None, None], 0, None, None),
])
def test_area_score_by_hand(ratings: list, rated: int, score: float | None, established_pct: float | None) -> None:
    frame = pd.DataFrame({"item": RIGHTS, "rating": ratings})
    row = framework.area_scores(frame).set_index("area").loc["rights"]
    assert row["rated"] == rated and row["items"] == 5
    assert (pd.isna(row["score"]) if score is None else row["score"] == pytest.approx(score))
    assert (pd.isna(row["established_pct"]) if established_pct is None
            else row["established_pct"] == pytest.approx(established_pct))


ORGS = pd.DataFrame({"org_id": ["H1", "H2", "A1"], "org_type": ["hospice", "hospice", "acute"],
                     "sector": ["independent", "independent", "nhs"]})


def _assessed(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["org_id", "wave", "item", "rating"]).assign(
        area=lambda f: f["item"].map(framework.item_area()))


ASSESSED = _assessed([("H1", "2009", RIGHTS[0], "leading"), ("H1", "2009", RIGHTS[1], "developing"),   # 2.0: yes
                      ("H2", "2009", RIGHTS[0], "developing"), ("H2", "2009", RIGHTS[1], "developing"),  # 1.0: no
                      ("A1", "2009", RIGHTS[0], "established"),                                            # 2.0: yes
                      ("H1", "2008", RIGHTS[0], "not_started")])


def test_organisations_established_or_better_by_type_by_hand() -> None:
    out = framework.organisations_by(ASSESSED, ORGS, "org_type").set_index("org_type")
    assert out.loc["hospice", "organisations"] == 2 and out.loc["hospice", "established_n"] == 1
    assert out.loc["acute", "established_n"] == 1 and out.loc["hospice", "established_pct"] == 50
    low, high = metrics.exact_interval([1], [2])
    assert out.loc["hospice", "ci_low_pct"] == pytest.approx(100 * low[0])
    assert out.loc["hospice", "ci_high_pct"] == pytest.approx(100 * high[0])
    assert set(out["wave"]) == {"2009"}


def test_areas_by_wave_compare_latest_with_previous() -> None:
    out = framework.areas_by_wave(ASSESSED, ORGS).set_index("area").loc["rights"]
    assert (out["previous_wave"], out["latest_wave"]) == ("2008", "2009")
    assert (out["previous_n"], out["previous_pct"]) == (1, 0.0)
    assert out["latest_n"] == 3 and out["latest_pct"] == pytest.approx(200 / 3)
    assert out["verdict"] in {"better", "about the same", "worse"}


@pytest.mark.parametrize(("org_type", "mine", "peers", "median", "verdict"), [
    # Hospice peers on rights: H1 scores 2.0, H2 1.0 -> median 1.5; the acute trust is not a peer.
    ("hospice", "leading", 2, 1.5, "ahead of peers"),
    ("hospice", "developing", 2, 1.5, "behind peers"),     # half a step below counts as behind
    ("hospice", None, 2, 1.5, "not compared"),
    ("acute", "established", 1, 2.0, "level with peers"),
    ("acute", "not_started", 1, 2.0, "behind peers"),
])
def test_gaps_against_peers_of_the_same_type(org_type: str, mine: str | None, peers: int, median: float,
                                             verdict: str) -> None:
    gaps = framework.peer_gaps(pd.DataFrame({"item": [RIGHTS[0]], "rating": [mine]}), ASSESSED, ORGS, org_type)
    row = gaps.set_index("area").loc["rights"]
    assert row["peers"] == peers and row["peer_median"] == pytest.approx(median)
    assert row["verdict"] == verdict


def test_the_action_plan_lists_items_below_established_only() -> None:
    ratings = {item: "established" for item in framework.item_area()} | {RIGHTS[0]: "developing", RIGHTS[1]: None}
    plan = framework.action_plan(framework.ratings_frame(ratings), ASSESSED, ORGS, "hospice")
    assert set(plan["item"]) == {RIGHTS[0], RIGHTS[1]}
    assert list(framework.plan_table(plan).columns) == list(framework.PLAN_COLUMNS.values())


def test_a_saved_self_assessment_reads_back_the_same() -> None:
    ratings = {item: "developing" for item in framework.item_area()} | {RIGHTS[0]: None}
    assert framework.from_json(framework.to_json("hospice", ratings)) == ("hospice", ratings)


@pytest.mark.parametrize(("body", "message"), [
    (b"not json", "not JSON"),
    (json.dumps({"ratings": {}}).encode(), "not a saved self-assessment"),
    (json.dumps({"format": framework.FORMAT, "org_type": "castle", "ratings": {}}).encode(), "'castle'"),
    (json.dumps({"format": framework.FORMAT, "org_type": "acute", "ratings": {"nope": None}}).encode(), "'nope'"),
    (json.dumps({"format": framework.FORMAT, "org_type": "acute",
                 "ratings": {RIGHTS[0]: "superb"}}).encode(), "'superb'"),
])
def test_a_wrong_file_is_refused_with_a_plain_message(body: bytes, message: str) -> None:
    with pytest.raises(UserError, match=message):
        framework.from_json(body, "mine.json")


def _plan() -> tuple[pd.DataFrame, pd.DataFrame]:
    ratings = framework.ratings_frame({RIGHTS[0]: "developing", RIGHTS[1]: "leading"})
    return (framework.action_plan(ratings, ASSESSED, ORGS, "hospice"),
            framework.peer_gaps(ratings, ASSESSED, ORGS, "hospice"))


def test_the_action_plan_xlsx_reads_back() -> None:
    import openpyxl

    plan, gaps = _plan()
    book = openpyxl.load_workbook(io.BytesIO(action_plan.to_xlsx(plan, gaps, "hospice")))
    assert book.sheetnames == ["Action plan", "Areas against peers", "About"]
    rows = list(book["Action plan"].values)
    assert list(rows[0]) == list(framework.PLAN_COLUMNS.values())
    assert len(rows) == len(plan) + 1
    assert framework.ITEMS["rights"][RIGHTS[0]] in [r[1] for r in rows]
    assert book["About"]["B1"].value == "Hospice"


def test_the_action_plan_pdf_reads_back() -> None:
    from pypdf import PdfReader

    plan, gaps = _plan()
    pdf = PdfReader(io.BytesIO(action_plan.to_pdf(plan, gaps, "hospice")))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Engagement action plan: Hospice" in text
    assert f"Items to work on ({len(plan)})" in text
    assert "own wording" in text


def test_demo_self_assessments_echo_the_findings(demo_tables: dict[str, pd.DataFrame]) -> None:
    assessed, orgs = demo_tables["assessments"], demo_tables["organisations"]
    assert set(assessed["org_id"]) == set(orgs.loc[orgs["interviewed"].astype(bool), "org_id"])
    assert set(assessed["rating"]) <= set(framework.RATINGS)
    assert set(assessed["wave"]) == {"2008", demo_followup.WAVE}
    scores = assessed.assign(score=assessed["rating"].map(framework.SCORES)).merge(orgs, on="org_id")
    mean = scores.groupby("org_type")["score"].mean()
    for leader in ("mental_health_ld", "hospice"):
        others = [t for t in vocab.STUDY_ORG_TYPES if vocab.sector_of(t) == vocab.sector_of(leader) and t != leader]
        assert all(mean[leader] > mean[t] for t in others), mean.to_dict()


def test_no_assessments_give_no_organisations_by_type() -> None:
    """A dataset with no framework assessments (a national survey) scores nothing, rather than failing."""
    from analysis.model import schema

    orgs = pd.DataFrame({"org_id": ["A"], "org_type": ["acute"], "sector": ["nhs"]})
    assert framework.org_area_scores(schema.empty("assessments")).empty
    assert framework.organisations_by(schema.empty("assessments"), orgs, "org_type").empty


@pytest.mark.parametrize("call", [
    lambda a, o: framework.organisations_by(a, o, "org_type"),
    lambda a, o: framework.organisations_by(a, o, "sector"),
    lambda a, o: framework.areas_by_wave(a, o),
    lambda a, o: framework.peer_gaps(framework.ratings_frame({"rights_publicised": "leading"}), a, o, "acute"),
    lambda a, o: framework.action_plan(framework.ratings_frame({"rights_publicised": "leading"}), a, o, "acute"),
], ids=["by_type", "by_sector", "by_wave", "peer_gaps", "action_plan"])
def test_a_dataset_without_self_assessments_gives_empty_results(call) -> None:
    from analysis.model import schema

    out = call(schema.empty("assessments"), schema.conform("organisations", schema.empty("organisations")))
    assert isinstance(out, pd.DataFrame)
