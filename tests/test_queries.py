"""The query layer against plain pandas on the long answers table: a view's cells, and each subgroup
against everyone else, give the same numbers whichever way they are worked out."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import queries
from analysis.filters import Filters

VIEWS = [
    Filters(),
    Filters(sector=("nhs",)),
    Filters(region=("london", "north_west")),
    Filters(source=("workshop",)),
    Filters(wave=("2009",)),
    Filters(org_type=("acute", "hospice"), source=("users_group_survey",)),
    Filters(region=("north_east",), wave=("2008",)),
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


@pytest.mark.parametrize("view", VIEWS[:4], ids=str)
def test_each_organisation_type_against_all_others_matches_the_long_answers(
        demo_cube: queries.Cube, long_answers: pd.DataFrame, view: Filters) -> None:
    answers = _in_view(long_answers, view)
    answers = answers[answers["substantive"].astype(bool)]
    frame = queries.org_type_against_rest(demo_cube, view).set_index("subgroup")
    shown = frame[~frame["suppressed"]]
    assert len(shown) > 0
    for org_type, row in shown.iterrows():
        inside = answers["org_type"] == org_type
        assert row["base_n"] == inside.sum()
        assert row["positive_pct"] == pytest.approx(_pct(answers[inside]))
        assert row["rest_positive_pct"] == pytest.approx(_pct(answers[~inside]))
