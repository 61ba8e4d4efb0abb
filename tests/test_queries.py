"""The query layer against plain pandas on the long answers table: a view's cells, and each subgroup
against everyone else, give the same numbers whichever way they are worked out."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest

from analysis.evidence import queries
from analysis.model.filters import Filters

VIEWS = [
    Filters(),
    Filters(sector=("nhs",)),
    Filters(region=("london", "north_west")),
    Filters(source=("workshop",)),
    Filters(wave=("2009",)),
    Filters(org_type=("acute", "hospice"), source=("users_group_survey",)),
    Filters(region=("north_east",), wave=("2008",)),
    Filters(org_type=("acute",)),
    Filters(org_type=("acute",), wave=("2008", "2009")),
]


@pytest.fixture(scope="module")
def long_answers(demo_tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per influence answer, with its respondent's weight, source and wave and its organisation."""
    t = demo_tables
    answers = (t["answers"]
               .merge(t["questions"][["question_id", "measure", "domain", "scale_id"]], on="question_id")
               .merge(t["scale_levels"], on=["scale_id", "level_id"])
               .merge(t["respondents"][["respondent_id", "wave", "weight", "source", "org_id"]], on="respondent_id")
               .merge(t["organisations"][["org_id", "org_type", "sector", "region"]], on="org_id"))
    return answers[answers["measure"] == "influence"]


def _in_view(frame: pd.DataFrame, view: Filters) -> pd.DataFrame:
    for key, values in view.items():
        if values:
            frame = frame[frame[key].isin(values)]
    return frame


def _pct(answers: pd.DataFrame) -> float:
    """Weighted % positive among substantive answers."""
    sub = answers[answers["substantive"].astype(bool)]
    return 100 * (sub["weight"] * sub["positive"].astype(bool)).sum() / sub["weight"].sum()


@pytest.mark.parametrize("view", VIEWS, ids=str)
def test_a_views_cells_count_the_answers_in_it(demo_cube: queries.Cube, long_answers: pd.DataFrame,
                                                view: Filters) -> None:
    keys = ["org_type", "wave", "domain", "level_id"]
    cells = demo_cube.cells("influence", groups=False, filters=view)
    got = cells.astype({k: str for k in keys}).groupby(keys)[["n", "sum_w"]].sum()
    expected = _in_view(long_answers, view).groupby(keys).agg(n=("weight", "size"), sum_w=("weight", "sum"))
    assert len(expected) > 0
    pd.testing.assert_frame_equal(got.sort_index(), expected.sort_index(), check_dtype=False)


def test_a_view_with_nothing_in_it_has_no_cells(demo_cube: queries.Cube) -> None:
    assert demo_cube.cells("influence", groups=False, filters=Filters(wave=("1999",))).empty


@pytest.mark.parametrize("view", VIEWS, ids=str)
def test_each_group_against_everyone_else_matches_the_long_answers(
        demo_cube: queries.Cube, demo_tables: dict[str, pd.DataFrame], long_answers: pd.DataFrame,
        view: Filters) -> None:
    answers = _in_view(long_answers, view)
    answers = answers[answers["substantive"].astype(bool)]
    members = demo_tables["memberships"]
    frame = queries.group_against_rest(demo_cube, view).set_index("subgroup")
    checked = 0
    for group, row in frame.iterrows():
        inside = answers["respondent_id"].isin(members.loc[members["group_id"] == group, "respondent_id"])
        if not row["suppressed"]:
            assert row["base_n"] == inside.sum()
            assert row["positive_pct"] == pytest.approx(_pct(answers[inside]))
            checked += 1
        if not row["rest_suppressed"]:
            assert row["rest_base_n"] == (~inside).sum()
            assert row["rest_positive_pct"] == pytest.approx(_pct(answers[~inside]))
    assert checked > 0


TYPE_VIEWS = [
    *VIEWS[:5],
    Filters(org_type=("acute",)),
    Filters(org_type=("acute", "hospice")),
    Filters(org_type=("mental_health_ld", "pct", "hospice"), region=("london", "north_west")),
    Filters(org_type=("acute",), wave=("2008", "2009")),
    Filters(region=("north_east", "london"), wave=("2009",)),
    Filters(org_type=("ambulance",), sector=("nhs",), source=("workshop",)),
]


@pytest.mark.parametrize("view", TYPE_VIEWS, ids=str)
def test_each_organisation_type_against_all_others_matches_the_long_answers(
        demo_cube: queries.Cube, long_answers: pd.DataFrame, view: Filters) -> None:
    """Without a type selected, each type against every other type in the view; with types selected, each
    against everyone at the types not selected, within the other filters (the same comparator for each)."""
    answers = _in_view(long_answers, replace(view, org_type=()))
    answers = answers[answers["substantive"].astype(bool)]
    frame = queries.org_type_against_rest(demo_cube, view).set_index("subgroup")
    expected_types = set(view.org_type) & set(answers["org_type"]) if view.org_type else set(answers["org_type"])
    assert set(frame.index) == expected_types
    shown = frame[~frame["suppressed"]]
    assert len(shown) > 0
    for org_type, row in shown.iterrows():
        inside = answers["org_type"] == org_type
        outside = ~answers["org_type"].isin(view.org_type) if view.org_type else ~inside
        assert row["base_n"] == inside.sum()
        assert row["positive_pct"] == pytest.approx(_pct(answers[inside]))
        assert not row["rest_suppressed"], "the comparator is kept"
        assert row["rest_base_n"] == outside.sum()
        assert row["rest_positive_pct"] == pytest.approx(_pct(answers[outside]))
        assert row["verdict"] != "not compared"


@pytest.mark.parametrize("view", [Filters(org_type=("acute",)), Filters(org_type=("acute", "hospice")),
                                  Filters(org_type=("acute",), region=("london",))], ids=str)
def test_a_selected_type_keeps_its_comparator_and_the_summary_says_no_too_few(demo_cube: queries.Cube,
                                                                               view: Filters) -> None:
    from analysis.views import panels, summaries

    panel = panels.org_types_against_rest(demo_cube, view)
    assert summaries.NOTHING not in panel.summary
    assert "types not selected" in panel.base_text and "Types not selected" in {t.name for t in panel.figure.data}


ROWS = {"shown": {"suppressed": False, "rest_suppressed": False, "verdict": "worse", "label": "A",
                  "positive_pct": 20.0, "rest_positive_pct": 40.0},
        "hidden": {"suppressed": True, "rest_suppressed": False, "verdict": "not compared", "label": "B",
                   "positive_pct": None, "rest_positive_pct": 40.0},
        "no_rest": {"suppressed": False, "rest_suppressed": True, "verdict": "not compared", "label": "C",
                    "positive_pct": 30.0, "rest_positive_pct": None}}


@pytest.mark.parametrize(("rows", "words"), [
    (["shown"], "1 of 1 organisation types reported significantly less"),
    (["hidden"], "too few answers"),
    (["no_rest"], "Everyone else in this view gave fewer than 10 answers"),
    (["no_rest", "hidden"], "Everyone else in this view gave fewer than 10 answers"),
])
def test_the_comparison_summary_says_too_few_only_when_the_rule_hid_the_subgroups(rows: list[str],
                                                                                   words: str) -> None:
    from analysis.views import summaries

    assert words in summaries.against_rest(pd.DataFrame([ROWS[r] for r in rows]), "organisation types")


@pytest.fixture(scope="module")
def reworded_cube(tmp_path_factory: pytest.TempPathFactory, demo_tables: dict[str, pd.DataFrame]) -> queries.Cube:
    """The demo with the 2009 funding question replaced by another question (same domain, other wording)."""
    from analysis.storage import store

    t = {name: frame.copy() for name, frame in demo_tables.items()}
    later = t["respondents"].loc[t["respondents"]["wave"] == "2009", "respondent_id"]
    moved = t["answers"]["respondent_id"].isin(later) & (t["answers"]["question_id"] == "influence_funding")
    t["answers"].loc[moved, "question_id"] = "influence_funding_v2"
    old = t["questions"][t["questions"]["question_id"] == "influence_funding"]
    t["questions"] = pd.concat([t["questions"], old.assign(question_id="influence_funding_v2")], ignore_index=True)
    directory = tmp_path_factory.mktemp("reworded")
    store.write_dataset(t, directory, demo=False, provenance=[], description="reworded")
    return queries.load_cube(directory)


@pytest.mark.parametrize("by", ["domain", "org_type", "group_id"])
def test_waves_compare_only_questions_asked_in_both(reworded_cube: queries.Cube, long_answers: pd.DataFrame,
                                                    by: str) -> None:
    frame = queries.wave_comparison(reworded_cube, Filters(), by)
    named = frame["questions_compared"].iloc[0].split(", ")
    assert "influence_funding" not in named and "influence_funding_v2" not in named
    assert "influence_appointments" in named
    if by == "domain":
        funding = frame.set_index("domain").loc["funding"]
        assert pd.isna(funding["latest_base_n"]) and funding["verdict"] == "not compared"
    else:  # pooled across the domains compared: funding left out of both waves
        answers = long_answers[long_answers["substantive"].astype(bool) & (long_answers["domain"] != "funding")]
        row = frame[~frame["latest_suppressed"]].iloc[0]
        key = row[by]
        if by == "org_type":
            latest = answers[(answers["wave"] == "2009") & (answers["org_type"] == key)]
            assert row["latest_base_n"] == len(latest)
            assert row["latest_positive_pct"] == pytest.approx(_pct(latest))


def test_the_demo_compares_every_domain_across_its_waves(demo_cube: queries.Cube) -> None:
    frame = queries.wave_comparison(demo_cube, Filters(), "domain")
    assert len(frame["questions_compared"].iloc[0].split(", ")) == 6
    assert (frame["verdict"] != "not compared").all()
