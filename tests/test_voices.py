"""Voices: demo stories, the quotes and themes of a view, drill-down from charts, imported free text, the page."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analysis.commands import cli
from analysis.evidence import voices
from analysis.ingest import mapping
from analysis.model import schema, vocab
from analysis.model.filters import Filters
from analysis.storage import store
from analysis.synthetic import demo_stories
from analysis.views import drilldown

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"

# ---- drill-down: a chart point to Voices filters ----


@pytest.mark.parametrize(("chart_id", "point", "expected"), [
    ("domains_positive", {"x": 61.2, "y": "Funding and priorities"}, {"domain": "funding"}),
    ("domains_positive", {"x": 61.2, "y": "funding"}, {"domain": "funding"}),
    ("domains_distribution", {"x": -20, "y": "Care environment"}, {"domain": "care_environment"}),
    ("groups_heatmap", {"x": "Funding and priorities", "y": "Carers"}, {"domain": "funding", "group": "carers"}),
    ("groups_heatmap", {"x": "Quality and safety of care", "y": "Gypsies and Travellers"},
     {"domain": "quality_safety", "group": "gypsies_travellers"}),
    ("groups_against_rest", {"x": 40, "y": "Older people"}, {"group": "older_people"}),
    ("groups_reach", {"x": 7, "y": "Refugees and asylum seekers"}, {"group": "refugees_asylum_seekers"}),
    ("org_types_heatmap", {"x": "Information for patients", "y": "Hospice"},
     {"domain": "information", "org_type": "hospice"}),
    ("org_types_against_rest", {"x": 50, "y": "Acute hospital trust"}, {"org_type": "acute"}),
    ("org_types_participation", {"x": 80, "y": "Mental health and learning disability trust"},
     {"org_type": "mental_health_ld"}),
    ("groups_heatmap", {"x": "Funding and priorities", "y": "Not a group"}, {"domain": "funding"}),
    ("groups_heatmap", {}, {}),
    ("unknown_chart", {"x": "Funding and priorities", "y": "Carers"}, {}),
    ("domains_positive", {"x": "Funding and priorities", "y": 3}, {}),  # values are not labels
])
def test_a_chart_point_maps_to_voices_filters(chart_id: str, point: dict, expected: dict) -> None:
    assert drilldown.voices_filters(chart_id, point) == expected


@pytest.mark.parametrize(("drill", "filters", "expected"), [
    ({"domain": "funding"}, Filters(), {"domain": ["funding"]}),
    ({"group": "carers"}, Filters(sector=("nhs",), region=("london",)),
     {"sector": ["nhs"], "region": ["london"], "group": ["carers"]}),
    ({"org_type": "hospice"}, Filters(org_type=("acute",)), {"org_type": ["hospice"]}),
])
def test_the_voices_link_keeps_the_sidebar_filters(drill: dict, filters: Filters, expected: dict) -> None:
    assert drilldown.voices_query(drill, filters) == expected


def test_every_chart_with_a_drill_down_is_a_panel() -> None:
    from analysis.views import registry

    charts = {e.name for e in registry.entries()}
    assert set(drilldown.CHART_AXES) <= charts


# ---- quotes and themes ----

STORIES = pd.DataFrame({
    "story_id": ["S1", "S2", "S3"], "respondent_id": ["R1", "R2", "R3"], "source": ["workshop"] * 3,
    "org_id": ["O1"] * 3, "wave": ["2008"] * 3, "domain": ["funding", "funding", "information"],
    "theme": ["no_feedback", "outreach", "no_feedback"], "org_type": ["acute"] * 3, "sector": ["nhs"] * 3,
    "region": ["london"] * 3,
    "text": ["Nobody told us about the <script>alert(1)</script> money", "Staff came to the Interpreter club",
             "The leaflet [link](javascript:alert(1)) was late"],
})
STORY_GROUPS = pd.DataFrame({"story_id": ["S1", "S2", "S2"], "group_id": ["carers", "carers", "lgbt"]})
BIG = dict.fromkeys(vocab.SELDOM_HEARD_GROUPS, 50)


@pytest.mark.parametrize(("choices", "expected_ids"), [
    ({}, ["S1", "S2", "S3"]),
    ({"search": "interpreter"}, ["S2"]),
    ({"search": "  MONEY "}, ["S1"]),
    ({"search": "<script>"}, ["S1"]),
    ({"search": "(javascript"}, ["S3"]),  # searched as text, not as a pattern
    ({"theme": "no_feedback"}, ["S1", "S3"]),
    ({"domain": "funding"}, ["S1", "S2"]),
    ({"group": "carers"}, ["S1", "S2"]),
    ({"group": "lgbt", "domain": "funding"}, ["S2"]),
    ({"theme": "outreach", "domain": "information"}, []),
])
def test_quotes_narrow_by_search_theme_domain_and_group(choices: dict, expected_ids: list[str]) -> None:
    listed = voices.quotes(STORIES, STORY_GROUPS, BIG, **choices)
    expected = STORIES.set_index("story_id").loc[expected_ids, "text"].tolist()
    assert listed.table["Quote"].tolist() == expected
    assert listed.notices == []


def test_quotes_without_groups_or_theme_list_plainly() -> None:
    bare = schema.conform("stories", STORIES.drop(columns=["org_type", "sector", "region"]).assign(
        theme=pd.NA, domain=pd.NA)).assign(org_type="acute", sector="nhs", region="london")
    listed = voices.quotes(bare, STORY_GROUPS.iloc[:0], BIG, search="money")
    assert listed.table[["Theme", "Domain", "Groups"]].values.tolist() == [["", "", ""]]


def test_quotes_of_a_small_group_are_withheld_and_the_page_says_why() -> None:
    sizes = BIG | {"lgbt": 4}
    listed = voices.quotes(STORIES, STORY_GROUPS, sizes, group="lgbt")
    assert listed.table.empty and listed.withheld_n == 1
    assert "withheld" in listed.notices[0] and "fewer than 11" in listed.notices[0]
    assert "Lesbian, gay, bisexual and transgender people" in listed.notices[0]


def test_a_small_groups_label_is_left_off_other_quotes() -> None:
    listed = voices.quotes(STORIES, STORY_GROUPS, BIG | {"lgbt": 10})
    assert listed.table["Groups"].tolist() == ["Carers", "Carers", ""]
    assert listed.unlabelled_n == 1
    assert "left off 1 quote" in listed.notices[0]
    at_eleven = voices.quotes(STORIES, STORY_GROUPS, BIG | {"lgbt": 11})
    assert at_eleven.table["Groups"].tolist()[1] == "Carers; Lesbian, gay, bisexual and transgender people"


def test_theme_counts_are_protected() -> None:
    counts = voices.theme_counts(STORIES, STORY_GROUPS, "domain")
    assert len(counts) == len(vocab.THEMES) * len(vocab.DOMAINS)
    assert counts["suppressed"].all() and counts["stories_n"].isna().all()  # every cell under 10
    many = pd.concat([STORIES.assign(story_id=STORIES["story_id"] + f"-{i}") for i in range(10)])
    counts = voices.theme_counts(many, STORY_GROUPS, "domain").set_index(["theme", "by"])
    assert counts.loc[("no_feedback", "funding"), "stories_n"] == 10
    assert counts.loc[("outreach", "funding"), "stories_n"] == 10
    assert bool(counts.loc[("leadership", "funding"), "suppressed"]) is True


def test_group_sizes_count_respondents_in_view(demo_cube) -> None:
    everyone = voices.group_sizes(demo_cube.respondents, Filters())
    london = voices.group_sizes(demo_cube.respondents, Filters(region=("london",)))
    assert set(everyone) == set(vocab.SELDOM_HEARD_GROUPS)
    assert all(london[g] <= everyone[g] for g in everyone)
    assert min(london.values()) < voices.MIN_GROUP_RESPONDENTS  # the demo has small groups in a region


# ---- the demo's stories ----


def test_demo_stories_are_many_different_and_tagged(demo_tables) -> None:
    stories = schema.conform("stories", demo_tables["stories"])
    assert len(stories) == demo_stories.STORIES
    assert stories["text"].is_unique and stories["story_id"].is_unique
    assert set(stories["theme"]) == set(vocab.THEMES)
    assert set(stories["domain"]) == set(vocab.DOMAINS)
    assert stories["respondent_id"].isin(demo_tables["respondents"]["respondent_id"]).all()
    assert set(stories["source"]) == {"users_group_survey", "workshop"}
    told_by_members = stories["respondent_id"].isin(demo_tables["memberships"]["respondent_id"])
    assert told_by_members.mean() > 0.3


def test_demo_stories_are_deterministic(demo_tables) -> None:
    again = demo_stories.demo_stories(demo_tables["respondents"], demo_tables["memberships"])
    pd.testing.assert_frame_equal(again, demo_tables["stories"])


def test_stories_are_stored_with_the_dataset(demo_dir: Path) -> None:
    found = voices.load_voices(demo_dir)
    assert len(found.stories) == demo_stories.STORIES
    assert found.stories["org_type"].notna().all()


# ---- free text from an import becomes redacted stories ----


def test_imported_free_text_becomes_redacted_stories(tmp_path: Path, capsys) -> None:
    data = tmp_path / "survey.csv"
    data.write_text(
        "respondent_id,organisation,org_type,comment\n"
        "A1,RX1,acute,\"Jo Bloggs rang 07700 900123 about ward 10, NHS 943 476 5919\"\n"
        "A2,RX1,acute,\n"
        "A3,RX1,acute,<script>alert(1)</script> nobody replied to jo@example.org\n", encoding="utf-8")
    (tmp_path / "names.txt").write_text("Jo Bloggs\n", encoding="utf-8")
    spec = {"import": {"source": "users_group_survey", "wave": "2024", "unit": "users_group",
                       "names_file": "names.txt"},
            "columns": {"respondent_id": {"role": "respondent_id"}, "organisation": {"role": "organisation"},
                        "org_type": {"role": "org_type"},
                        "comment": {"role": "free_text", "domain": "funding", "theme": "no_feedback"}}}
    map_path = tmp_path / "map.toml"
    map_path.write_text(mapping.to_toml(spec), encoding="utf-8")
    code = cli.main(["import", str(data), "--mapping", str(map_path), "--json", "--data-dir", str(tmp_path / "d")])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["ok"], report
    stories = store.read_table(tmp_path / "d", "stories")
    assert stories["text"].tolist() == ["[name] rang [phone number] about ward 10, NHS [NHS number]",
                                        "<script>alert(1)</script> nobody replied to [email]"]
    assert stories["respondent_id"].tolist() == ["A1", "A3"]
    assert set(stories["domain"]) == {"funding"} and set(stories["theme"]) == {"no_feedback"}
    raw = b"".join(p.read_bytes() for p in (tmp_path / "d").rglob("*.parquet"))
    assert b"07700" not in raw and b"Bloggs" not in raw and b"example.org" not in raw


def test_a_free_text_theme_must_be_known() -> None:
    spec = {"import": {"source": "workshop", "wave": "2024", "organisation": "RX1"},
            "columns": {"comment": {"role": "free_text", "theme": "grumbles"}}}
    problems = mapping.check(spec, ["comment"])
    assert any("theme 'grumbles'" in p["message"] for p in problems)


# ---- the page ----


@pytest.fixture
def app_env(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(store.ENV_VAR, str(demo_dir))
    monkeypatch.chdir(ROOT)
    return demo_dir


def _voices_page(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("pages/voices.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _quotes(at: AppTest) -> pd.DataFrame:
    return next(df.value for df in at.dataframe if "Quote" in df.value.columns)


@pytest.mark.apptest
def test_the_voices_page_runs_and_search_narrows_the_list(app_env: Path) -> None:
    at = _voices_page()
    assert at.title[0].value == "Voices"
    everything = _quotes(at)
    assert len(everything) == demo_stories.STORIES
    at.text_input(key="voices_q").set_value("interpreter").run()
    narrowed = _quotes(at)
    assert 0 < len(narrowed) < len(everything)
    assert narrowed["Quote"].str.contains("interpreter", case=False).all()


@pytest.mark.apptest
def test_the_voices_page_takes_its_filters_from_the_link(app_env: Path) -> None:
    at = _voices_page(domain="funding", theme="no_feedback")
    shown = _quotes(at)
    assert len(shown) > 0
    assert set(shown["Domain"]) == {"Funding and priorities"}
    assert set(shown["Theme"]) == {vocab.THEMES["no_feedback"]}


@pytest.mark.apptest
def test_the_voices_page_withholds_a_small_groups_quotes(app_env: Path) -> None:
    at = _voices_page(region="london", group="gypsies_travellers")
    assert _quotes(at).empty
    assert any("withheld" in w.value and "fewer than 11" in w.value for w in at.warning)


@pytest.mark.parametrize("missing", [None, "", pd.NA])
def test_stories_without_a_theme_are_counted_as_not_themed(missing: object) -> None:
    many = pd.concat([STORIES.assign(story_id=STORIES["story_id"] + f"-{i}", theme=missing) for i in range(10)])
    counts = voices.theme_counts(many, STORY_GROUPS, "domain").set_index(["theme", "by"])
    assert counts.loc[(voices.NOT_THEMED, "funding"), "stories_n"] == 20  # two funding stories, ten times
    table = voices.theme_table(voices.theme_counts(many, STORY_GROUPS, "domain"), "Domain")
    assert voices.NOT_THEMED_LABEL in table["Theme"].tolist() and table["Theme"].notna().all()
