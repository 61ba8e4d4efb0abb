"""The demo dataset: deterministic, the study's design exactly, and the published findings reproduced."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.evidence import queries
from analysis.model import filters as flt
from analysis.model import schema, vocab
from analysis.storage import store
from analysis.synthetic import demo

EVERYTHING = flt.Filters()


def test_two_builds_give_the_same_dataset(demo_tables: dict[str, pd.DataFrame], demo_dir: Path) -> None:
    again = {name: schema.conform(name, frame) for name, frame in demo.demo_tables().items()}
    first = {name: schema.conform(name, frame) for name, frame in demo_tables.items()}
    assert store.dataset_hash(again) == store.dataset_hash(first) == store.manifest(demo_dir)["dataset_hash"]


def test_another_seed_gives_another_dataset(demo_tables: dict[str, pd.DataFrame]) -> None:
    other = {name: schema.conform(name, frame) for name, frame in demo.demo_tables(seed=1).items()}
    first = {name: schema.conform(name, frame) for name, frame in demo_tables.items()}
    assert store.dataset_hash(other) != store.dataset_hash(first)


def test_the_manifest_says_the_data_is_illustrative(demo_dir: Path) -> None:
    manifest = store.manifest(demo_dir)
    assert manifest["demo"] is True
    assert "Illustrative" in manifest["description"]


# --- the study's design ---------------------------------------------------------------------------------


def _respondents(tables: dict[str, pd.DataFrame], source: str) -> pd.DataFrame:
    resp = tables["respondents"]
    return resp[resp["source"] == source]


def test_42_users_groups(demo_tables: dict[str, pd.DataFrame]) -> None:
    groups = _respondents(demo_tables, "users_group_survey")
    assert len(groups) == 42
    assert set(groups["unit"]) == {"users_group"}


def test_20_workshops_with_nearly_500_people(demo_tables: dict[str, pd.DataFrame]) -> None:
    people = _respondents(demo_tables, "workshop")
    assert people["workshop_id"].nunique() == 20
    assert 450 <= len(people) <= 500
    assert set(people["unit"]) == {"participant"}


@pytest.mark.parametrize(("sector", "count"), [("nhs", 47), ("independent", 31)])
def test_organisations_interviewed_by_sector(demo_tables: dict[str, pd.DataFrame], sector: str, count: int) -> None:
    orgs = demo_tables["organisations"]
    interviewed = orgs[orgs["interviewed"].astype(bool) & (orgs["sector"] == sector)]
    assert len(interviewed) == count
    interviews = _respondents(demo_tables, "interview")
    assert interviewed["org_id"].isin(interviews["org_id"]).all()


@pytest.mark.parametrize(("column", "vocabulary"), [("org_type", vocab.STUDY_ORG_TYPES), ("region", vocab.REGIONS)])
def test_organisations_cover_every_type_and_region(demo_tables: dict[str, pd.DataFrame], column: str,
                                                   vocabulary: dict) -> None:
    assert set(demo_tables["organisations"][column]) == set(vocabulary)


def test_sector_follows_org_type(demo_tables: dict[str, pd.DataFrame]) -> None:
    orgs = demo_tables["organisations"]
    assert (orgs["org_type"].map(vocab.sector_of) == orgs["sector"]).all()


def test_98_percent_of_nhs_trusts_declared_core_standard_17(demo_tables: dict[str, pd.DataFrame]) -> None:
    orgs = demo_tables["organisations"]
    nhs = orgs.loc[orgs["sector"] == "nhs", "declared_core_standard_17"]
    assert nhs.notna().all()
    assert round(100 * nhs.astype(bool).mean()) == 98
    assert orgs.loc[orgs["sector"] != "nhs", "declared_core_standard_17"].isna().all()


@pytest.mark.parametrize(("child", "column", "parent", "key"), [
    ("respondents", "org_id", "organisations", "org_id"),
    ("answers", "respondent_id", "respondents", "respondent_id"),
    ("answers", "question_id", "questions", "question_id"),
    ("memberships", "respondent_id", "respondents", "respondent_id"),
])
def test_tables_join(demo_tables: dict[str, pd.DataFrame], child: str, column: str, parent: str, key: str) -> None:
    assert demo_tables[child][column].isin(demo_tables[parent][key]).all()


def test_memberships_are_one_group_a_row(demo_tables: dict[str, pd.DataFrame]) -> None:
    members = demo_tables["memberships"]
    assert members["group_id"].isin(list(vocab.SELDOM_HEARD_GROUPS)).all()
    assert not members.duplicated().any()


def test_answers_use_their_scale(demo_tables: dict[str, pd.DataFrame]) -> None:
    answers = demo_tables["answers"].merge(demo_tables["questions"], on="question_id")
    known = demo_tables["scale_levels"][["scale_id", "level_id"]]
    assert len(answers.merge(known, on=["scale_id", "level_id"])) == len(answers)


# --- the published findings, from the aggregated results ----------------------------------------------------


def test_influence_by_domain_follows_the_published_order(demo_cube: queries.Cube) -> None:
    pct = queries.influence_by_domain(demo_cube, EVERYTHING).set_index("domain")["positive_pct"]
    most = ["care_environment", "information", "appointments"]
    least = ["funding", "quality_safety"]
    assert set(pct.index) == set(vocab.DOMAINS)
    assert min(pct[most]) > pct["service_plans"] > max(pct[least])


def _participation(cube: queries.Cube) -> pd.Series:
    return queries.participation_by_org_type(cube, EVERYTHING).set_index("org_type")["positive_pct"]


@pytest.mark.parametrize(("leader", "sector"), [("mental_health_ld", "nhs"), ("hospice", "independent")])
def test_user_participation_is_highest_where_the_study_found_it(demo_cube: queries.Cube, leader: str,
                                                                sector: str) -> None:
    pct = _participation(demo_cube)
    others = [t for t in vocab.STUDY_ORG_TYPES if vocab.sector_of(t) == sector and t != leader]
    assert all(pct[leader] > pct[t] for t in others), pct.to_dict()


def test_seldom_heard_members_report_less_influence_overall(demo_tables: dict[str, pd.DataFrame]) -> None:
    answers = (demo_tables["answers"]
               .merge(demo_tables["questions"][["question_id", "measure"]], on="question_id")
               .merge(demo_tables["scale_levels"], on="level_id"))
    answers = answers[(answers["measure"] == "influence") & answers["substantive"]]
    member = answers["respondent_id"].isin(demo_tables["memberships"]["respondent_id"])
    share = answers.groupby(member)["positive"].mean()
    assert share[True] < share[False]


def test_every_large_seldom_heard_group_reports_less_influence(demo_cube: queries.Cube) -> None:
    frame = queries.group_against_rest(demo_cube, EVERYTHING)
    large = frame[frame["base_n"] > 100]
    assert len(large) >= 5
    assert (large["positive_pct"] < large["rest_positive_pct"]).all(), large[["subgroup", "positive_pct",
                                                                               "rest_positive_pct"]]
