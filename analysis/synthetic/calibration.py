"""The calibration table: each target from the study's briefing beside the figure the demo dataset gives.

docs/calibration.md is this table; regenerate it with `python -m analysis.synthetic.calibration > docs/calibration.md`
(tests/test_docs.py fails when the two differ).
"""

from __future__ import annotations

import pandas as pd

from analysis.evidence import queries
from analysis.model import filters as flt
from analysis.model import schema, vocab
from analysis.storage import count_tables
from analysis.synthetic import demo

HEADER = ("target", "briefing", "demo", "checked by")


def _cube(tables: dict[str, pd.DataFrame]) -> queries.Cube:
    core = {name: schema.conform(name, tables[name]) for name in schema.CORE_TABLES}
    agg = count_tables.build_aggregates(core)
    return queries.make_cube(agg["agg_answers"], agg["agg_respondents"], core["organisations"], {})


def _pct(value: float) -> str:
    return f"{value:.0f}%"


def _members_against_rest(tables: dict[str, pd.DataFrame]) -> tuple[float, float]:
    answers = (tables["answers"].merge(tables["questions"][["question_id", "measure", "scale_id"]], on="question_id")
               .merge(tables["scale_levels"], on=["scale_id", "level_id"]))
    answers = answers[(answers["measure"] == "influence") & answers["substantive"].astype(bool)]
    member = answers["respondent_id"].isin(tables["memberships"]["respondent_id"])
    share = answers.groupby(member)["positive"].mean()
    return 100 * share.get(True, float("nan")), 100 * share.get(False, float("nan"))


def study_wave(tables: dict[str, pd.DataFrame], wave: str = demo.WAVE) -> dict[str, pd.DataFrame]:
    """The tables cut to one wave's respondents (the study's own design is the 2008 wave)."""
    resp = tables["respondents"][tables["respondents"]["wave"] == wave]
    keep = {"respondents": resp}
    for name in ("answers", "memberships"):
        keep[name] = tables[name][tables[name]["respondent_id"].isin(resp["respondent_id"])]
    return tables | keep


def calibration_rows(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str, str, str]]:
    """(target, what the briefing says, what the demo gives, the test that checks it), on the study's wave."""
    tables = study_wave(tables)
    orgs, resp = tables["organisations"], tables["respondents"]
    everything = flt.Filters()
    agg = _cube(tables)
    workshop = resp[resp["source"] == "workshop"]
    nhs = orgs[orgs["sector"] == "nhs"]
    declared = nhs["declared_core_standard_17"].dropna().astype(bool)
    domains = queries.influence_by_domain(agg, everything).set_index("domain")
    part = queries.participation_by_org_type(agg, everything).set_index("org_type")
    groups = queries.group_against_rest(agg, everything)
    large = groups[groups["base_n"] > 100]
    members, others = _members_against_rest(tables)

    def domain_list(ids: list[str]) -> str:
        return ", ".join(f"{vocab.DOMAINS[d].lower()} {_pct(domains.loc[d, 'positive_pct'])}" for d in ids)

    def participation(kind: str) -> str:
        row = part.loc[kind]
        return f"{vocab.org_type_label(kind)} {int(row['active_participation'])} of {int(row['organisations'])}"

    def sector_participation(leader: str) -> str:
        sector = vocab.sector_of(leader)
        rest = [t for t in vocab.ORG_TYPES if vocab.sector_of(t) == sector and t != leader and t in part.index]
        return (f"{participation(leader)} ({_pct(part.loc[leader, 'positive_pct'])}); others "
                + ", ".join(f"{vocab.org_type_label(t).lower()} {_pct(part.loc[t, 'positive_pct'])}" for t in rest))

    test = "tests/test_demo.py::"
    return [
        ("Users' groups surveyed", "42", f"{(resp['unit'] == 'users_group').sum()}",
         f"{test}test_42_users_groups"),
        ("Workshops and participants", "Twenty workshops, nearly 500 people",
         f"{workshop['workshop_id'].nunique()} workshops, {len(workshop)} participants",
         f"{test}test_20_workshops_with_nearly_500_people"),
        ("Organisations interviewed", "47 NHS trusts and 31 independent-sector organisations",
         f"{(orgs['sector'] == 'nhs').sum()} NHS, {(orgs['sector'] == 'independent').sum()} independent; "
         f"{orgs['org_type'].nunique()} types, {orgs['region'].nunique()} regions",
         f"{test}test_organisations_interviewed_by_sector"),
        ("NHS trusts declaring core standard 17 met (2007/08)", "98% of trusts",
         f"{int(declared.sum())} of {len(declared)} ({_pct(100 * declared.mean())})",
         f"{test}test_98_percent_of_nhs_trusts_declared_core_standard_17"),
        ("Most influence", "care environment, information, appointments and opening hours",
         domain_list(["care_environment", "information", "appointments"]),
         f"{test}test_influence_by_domain_follows_the_published_order"),
        ("Some influence", "service plans and designs", domain_list(["service_plans"]),
         f"{test}test_influence_by_domain_follows_the_published_order"),
        ("Least influence", "funding and priorities; quality of care and safety",
         domain_list(["funding", "quality_safety"]),
         f"{test}test_influence_by_domain_follows_the_published_order"),
        ("User participation, NHS", "stronger focus on users actively participating in mental health and "
         "learning disability services", sector_participation("mental_health_ld"),
         f"{test}test_user_participation_is_highest_where_the_study_found_it"),
        ("User participation, independent sector", "hospices most likely to engage people",
         sector_participation("hospice"),
         f"{test}test_user_participation_is_highest_where_the_study_found_it"),
        ("Seldom-heard groups, overall", "found it more difficult to engage",
         f"members {_pct(members)} positive, non-members {_pct(others)}",
         f"{test}test_seldom_heard_members_report_less_influence_overall"),
        ("Seldom-heard groups, each", "found it more difficult to engage",
         f"{int((large['positive_pct'] < large['rest_positive_pct']).sum())} of {len(large)} groups with a base "
         f"over 100 below everyone else; {int((groups['verdict'] == 'worse').sum())} of {len(groups)} "
         "significantly",
         f"{test}test_every_large_seldom_heard_group_reports_less_influence"),
    ]


def calibration_markdown(rows: list[tuple[str, str, str, str]]) -> str:
    """The calibration document: a short preface and the table."""
    lines = [
        "# Calibration of the demo dataset",
        "",
        "The demo dataset is illustrative: generated to mirror the design and published findings of the",
        "Healthcare Commission's 2009 briefing \"Listening, learning, working together?\", not the study's",
        "own responses. Each row is a target from the briefing, the figure the demo dataset gives",
        f"(seed {demo.SEED}, wave {demo.WAVE} only: the study's own design, without the illustrative follow-up;",
        "% positive = some or a lot of influence, substantive answers only), and the test that checks it.",
        "",
        "Generated by `python -m analysis.synthetic.calibration > docs/calibration.md`; `tests/test_docs.py` fails",
        "when this table and the demo disagree.",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    lines += ["| " + " | ".join(cell if i < 3 else f"`{cell}`" for i, cell in enumerate(row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(calibration_markdown(calibration_rows(demo.demo_tables())), end="")
