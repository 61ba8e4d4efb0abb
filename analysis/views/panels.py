"""Panels: a chart with its title, base, summary, method and the table of its numbers, per page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

from analysis.evidence import queries
from analysis.evidence.queries import Cube
from analysis.model import vocab
from analysis.model.filters import Filters, describe
from analysis.stats import disclosure, metrics
from analysis.views import charts, summaries


@dataclass(frozen=True)
class Panel:
    """Everything shown, and exported, for one chart."""

    chart_id: str
    title: str
    subtitle: str
    base_text: str
    summary: str
    method: str
    figure: go.Figure
    table: pd.DataFrame


def base_range(frame: pd.DataFrame, col: str = "base_n", unit: str = "answers", per: str = "bar") -> str:
    """The base line under a chart: the range of bases shown, and how many cells were hidden."""
    shown = (frame.loc[~frame["suppressed"], col] if "suppressed" in frame else frame[col]).dropna()
    if frame.empty or (frame[col].isna().all()):  # e.g. no answers in the latest wave for this view
        return f"Base: no {unit} in this view."
    if shown.empty:
        return f"Base: fewer than {disclosure.MIN_BASE} {unit} in every cell."
    low, high = int(shown.min()), int(shown.max())
    text = f"Base: {low:,} {unit}" if low == high else f"Base: {low:,} to {high:,} {unit} per {per}"
    hidden = int(frame["suppressed"].sum()) if "suppressed" in frame else 0
    return text + (f"; {hidden} hidden (fewer than {disclosure.MIN_BASE})" if hidden else "") + "."


def _share_table(frame: pd.DataFrame, label_cols: dict[str, str]) -> pd.DataFrame:
    cols = {**label_cols, "base_n": "Base (answers)", "positive_pct": "% positive", "ci_low_pct": "95% CI low",
            "ci_high_pct": "95% CI high", "excluded_n": "Left out (don't know / not applicable)",
            "low_base": disclosure.LOW_BASE_COLUMN, "suppressed": disclosure.HIDDEN_COLUMN}
    return frame[list(cols)].rename(columns=cols).round(1)


def domains_positive(cube: Cube, filters: Filters) -> Panel:
    """Percentage positive by influence domain, highest first."""
    frame = queries.influence_by_domain(cube, filters)
    left_out = int(frame["excluded_n"].fillna(0).sum())
    return Panel(
        chart_id="domains_positive",
        title="Where people had influence: % saying some or a lot, by domain",
        subtitle=describe(filters),
        base_text=base_range(frame) + f" {left_out:,} don't know or not applicable answers left out.",
        summary=summaries.ranked_shares(frame, "domain_label", "people had some or a lot of influence", lower=True),
        method=metrics.METHOD_NOTE,
        figure=charts.share_bars(frame, "domain_label", "Influence by domain: % some or a lot",
                                 describe(filters)),
        table=_share_table(frame, {"domain_label": "Domain"}),
    )


def domains_distribution(cube: Cube, filters: Filters) -> Panel:
    """The full answer distribution per domain, as diverging stacked bars."""
    dist = queries.level_distribution(cube, filters)
    shown = dist[~dist["suppressed"]]
    table = dist[["domain_label", "level_label", "n", "pct", "base_n", "suppressed"]].rename(columns={
        "domain_label": "Domain", "level_label": "Answer", "n": "Answers", "pct": "% of base",
        "base_n": "Base (answers)", "suppressed": disclosure.HIDDEN_COLUMN}).round(1)
    return Panel(
        chart_id="domains_distribution",
        title="How much influence people had, by domain: every answer",
        subtitle=describe(filters),
        base_text=base_range(shown.drop_duplicates("domain").assign(suppressed=False)),
        summary=summaries.distribution(dist),
        method=metrics.METHOD_NOTE,
        figure=charts.diverging_levels(shown, "Answers by domain", describe(filters)),
        table=table,
    )


def groups_heatmap(cube: Cube, filters: Filters) -> Panel:
    """Seldom-heard group by domain: % positive, hidden cells marked."""
    frame = queries.group_by_domain(cube, filters)
    return Panel(
        chart_id="groups_heatmap",
        title="Influence reported by seldom-heard groups: % some or a lot, by group and domain",
        subtitle=describe(filters),
        base_text=base_range(frame, per="cell") + " People can belong to several groups.",
        summary=summaries.grid(frame, "group_label", "domain_label"),
        method=metrics.METHOD_NOTE,
        figure=charts.heatmap(frame, "domain_label", "group_label", "Seldom-heard groups by domain",
                              describe(filters)),
        table=_share_table(frame, {"group_label": "Group", "domain_label": "Domain"}),
    )


def _rest_table(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    cols = {"label": label, "base_n": "Base (answers)", "positive_pct": "% positive", "ci_low_pct": "95% CI low",
            "ci_high_pct": "95% CI high", "rest_base_n": "Everyone else: base",
            "rest_positive_pct": "Everyone else: % positive", "verdict": "Compared with everyone else",
            "p_value": "p-value", "suppressed": disclosure.HIDDEN_COLUMN}
    return frame[list(cols)].rename(columns=cols).round({"% positive": 1, "95% CI low": 1, "95% CI high": 1,
                                                         "Everyone else: % positive": 1, "p-value": 4})


def groups_against_rest(cube: Cube, filters: Filters) -> Panel:
    """Each seldom-heard group against everyone else, all domains pooled."""
    frame = queries.group_against_rest(cube, filters)
    return Panel(
        chart_id="groups_against_rest",
        title="Each seldom-heard group against everyone else: % some or a lot of influence, all domains",
        subtitle=describe(filters),
        base_text=base_range(frame, unit="answers") + " Answers pooled across the six domains.",
        summary=summaries.against_rest(frame, "seldom-heard groups"),
        method=f"{metrics.METHOD_NOTE} Comparison: {metrics.COMPARISON_TEST}.",
        figure=charts.against_rest(frame, "Seldom-heard groups against everyone else", describe(filters)),
        table=_rest_table(frame, "Group"),
    )


def groups_reach(cube: Cube, filters: Filters) -> Panel:
    """How many users' groups and workshop participants speak for each seldom-heard group."""
    frame = queries.group_reach(cube, filters)
    fig = charts.figure([go.Bar(x=frame["users_groups"], y=frame["label"], orientation="h",
                                marker={"color": charts.PALETTE["green"]}, name="Users' groups",
                                text=frame["users_groups"], textposition="outside", cliponaxis=False,
                                hovertemplate="%{y}: %{x} users' groups<extra></extra>")],
                        "Users' groups speaking for each seldom-heard group", describe(filters),
                        height=160 + charts.rows_px(frame["label"], 36),
                        xaxis=charts.count_axis(frame["users_groups"].max() if len(frame) else 0,
                                                "Users' groups that speak for the group"),
                        yaxis=charts.label_axis(frame["label"]))
    table = frame[["label", "users_groups", "workshop_participants", "suppressed"]].rename(columns={
        "label": "Group", "users_groups": "Users' groups", "workshop_participants": "Workshop participants",
        "suppressed": f"Participants hidden (under {disclosure.MIN_BASE})"})
    return Panel(
        chart_id="groups_reach",
        title="Who speaks for each seldom-heard group: users' groups and workshop participants",
        subtitle=describe(filters),
        base_text=f"Base: {int(frame['users_groups'].sum()):,} group memberships declared by users' groups; "
                  f"counts of groups are exact, counts of people under {disclosure.MIN_BASE} are hidden.",
        summary=summaries.reach(frame),
        method="Counts of users' groups that said they speak for each group, and of workshop participants "
               "who belong to it. A group or person can count towards several groups. " + disclosure.NOTE,
        figure=fig,
        table=table,
    )


def org_types_against_rest(cube: Cube, filters: Filters) -> Panel:
    """Each organisation type against all others, all domains pooled."""
    frame = queries.org_type_against_rest(cube, filters)
    if filters.org_type:
        chosen = ", ".join(vocab.org_type_label(t) for t in filters.org_type)
        comparator = (f"Each selected type is compared with everyone at the types not selected (all but {chosen}), "
                      "within the view's other filters.")
        rest_name = "Types not selected"
    else:
        comparator, rest_name = "Each type is compared with everyone at every other type in the view.", "Everyone else"
    return Panel(
        chart_id="org_types_against_rest",
        title="Each organisation type against all others: % some or a lot of influence, all domains",
        subtitle=describe(filters),
        base_text=base_range(frame, unit="answers") + " Answers pooled across the six domains. " + comparator,
        summary=summaries.against_rest(frame, "organisation types"),
        method=f"{metrics.METHOD_NOTE} Comparison: {metrics.COMPARISON_TEST}. {comparator}",
        figure=charts.against_rest(frame, "Organisation types against all others", describe(filters), rest_name),
        table=_rest_table(frame, "Organisation type"),
    )


def org_types_heatmap(cube: Cube, filters: Filters) -> Panel:
    """Organisation type by domain, NHS and independent side by side."""
    frame = queries.org_type_by_domain(cube, filters)
    return Panel(
        chart_id="org_types_heatmap",
        title="Influence by organisation type and domain: % some or a lot",
        subtitle=describe(filters),
        base_text=base_range(frame, per="cell"),
        summary=summaries.grid(frame, "label", "domain_label"),
        method=metrics.METHOD_NOTE,
        figure=charts.heatmap(frame, "domain_label", "label", "Organisation types by domain", describe(filters)),
        table=_share_table(frame, {"label": "Organisation type", "domain_label": "Domain"}),
    )


def org_types_participation(cube: Cube, filters: Filters) -> Panel:
    """Interviewed organisations that describe users as taking an active part, by type (exact counts)."""
    frame = queries.participation_by_org_type(cube, filters).assign(suppressed=False, base_n=lambda f: f[
        "organisations"])
    table = frame[["label", "organisations", "active_participation", "positive_pct", "ci_low_pct",
                   "ci_high_pct"]].rename(columns={
        "label": "Organisation type", "organisations": "Organisations interviewed",
        "active_participation": "Users take an active part", "positive_pct": "%",
        "ci_low_pct": "Exact 95% CI low", "ci_high_pct": "Exact 95% CI high"}).round(1)
    return Panel(
        chart_id="org_types_participation",
        title="Organisations describing users as taking an active part in their work, by type",
        subtitle=describe(filters) + " - interviews",
        base_text=base_range(frame, unit="organisations", per="type"),
        summary=summaries.organisations(frame),
        method="Interviewed organisations answering 'some' or 'a lot' to how actively service users take part. "
               "Counts of organisations are not personal data and are given exactly, with exact "
               "(Clopper-Pearson) 95% intervals.",
        figure=charts.share_bars(frame, "label", "Active user participation by organisation type",
                                 describe(filters), value_label="% of organisations"),
        table=table,
    )


WAVE_METHOD = ("Latest wave in view against the wave before it, each with a 95% Wilson interval. Comparison: "
               "two-sided two-proportion z-test at the 5% level, on effective bases. "
               "In the demo the 2009 wave is an illustrative follow-up patient survey, while 2008 is the study's "
               "users' groups, workshops and interviews: a change mixes time and source.")


def _wave_summary(frame: pd.DataFrame, noun: str) -> str:
    previous, latest = frame["previous_wave"].iloc[0] if len(frame) else "", frame["latest_wave"].iloc[0] \
        if len(frame) else ""
    if not previous or not latest:
        return f"There is only one wave in this view, so {noun} cannot be compared over time."
    if frame["previous_base_n"].isna().all() and frame["latest_base_n"].isna().all():
        return (f"Wave {latest} and wave {previous} did not ask the same questions (or too few answered them), "
                f"so {noun} are not compared over time.")
    parts = [f"{verdict.capitalize()}: {', '.join(frame.loc[frame['verdict'] == verdict, 'label'])}"
             for verdict in ("better", "worse") if (frame["verdict"] == verdict).any()]
    same = int((frame["verdict"] == "about the same").sum())
    return (f"Wave {latest} against wave {previous}, % with some or a lot of influence. "
            + ("; ".join(parts) + ". " if parts else "No significant change. ")
            + f"{same} of {len(frame)} {noun} about the same.")


def _questions_note(frame: pd.DataFrame) -> str:
    """Which questions a wave comparison compared (only those asked in both waves)."""
    named = frame["questions_compared"].iloc[0] if len(frame) else ""
    return ("Only questions asked in both waves are compared: " + named + "." if named else
            "Only questions asked in both waves are compared.")


def _wave_table(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    cols = {"label": label, "previous_wave": "Previous wave", "previous_base_n": "Previous: base",
            "previous_positive_pct": "Previous: % positive", "latest_wave": "Latest wave",
            "latest_base_n": "Latest: base", "latest_positive_pct": "Latest: % positive",
            "latest_ci_low_pct": "Latest: 95% CI low", "latest_ci_high_pct": "Latest: 95% CI high",
            "verdict": "Latest against previous", "p_value": "p-value", "suppressed": disclosure.HIDDEN_COLUMN}
    return frame[list(cols)].rename(columns=cols).round(
        {c: 1 for c in cols.values() if "%" in c or "CI" in c} | {"p-value": 4})


def _by_wave(by: str, chart_id: str, noun: str, label: str) -> Callable[[Cube, Filters], Panel]:
    def build(cube: Cube, filters: Filters) -> Panel:
        frame = queries.wave_comparison(cube, filters, by)
        title = f"Compared with the previous wave: % some or a lot of influence, by {noun.rstrip('s')}"
        return Panel(
            chart_id=chart_id, title=title, subtitle=describe(filters),
            base_text=base_range(frame.assign(base_n=frame["latest_base_n"]), unit="answers in the latest wave",
                                  per="row"),
            summary=_wave_summary(frame, noun),
            method=f"{metrics.METHOD_NOTE} {WAVE_METHOD} {_questions_note(frame)}",
            figure=charts.wave_change(frame, title, describe(filters)),
            table=_wave_table(frame, label),
        )
    build.__doc__ = f"{label}: the latest wave against the previous one, with verdicts."
    return build


domains_by_wave = _by_wave("domain", "domains_by_wave", "domains", "Domain")
org_types_by_wave = _by_wave("org_type", "org_types_by_wave", "organisation types", "Organisation type")
groups_by_wave = _by_wave("group_id", "groups_by_wave", "seldom-heard groups", "Group")


def importance_vs_influence(cube: Cube, filters: Filters) -> Panel:
    """What people most want a say in against where they have influence, by domain."""
    frame = queries.importance_vs_influence(cube, filters)
    waves = frame["waves"].iloc[0] if len(frame) else ""
    top = frame[~frame["importance_suppressed"] & ~frame["influence_suppressed"]].head(2)
    summary = ("No answers on what people want a say in are in this view." if top.empty else
               "The biggest gaps between wanting a say and having influence: " + "; ".join(
                   f"{r.domain_label} ({r.importance_positive_pct:.0f}% want a say, {r.influence_positive_pct:.0f}% "
                   "had influence)" for r in top.itertuples()) + ".")
    table = frame[["domain_label", "importance_base_n", "importance_positive_pct", "influence_base_n",
                   "influence_positive_pct", "influence_ci_low_pct", "influence_ci_high_pct", "gap_pct"]].rename(
        columns={"domain_label": "Domain", "importance_base_n": "Want a say: base",
                 "importance_positive_pct": "% fairly or very important", "influence_base_n": "Influence: base",
                 "influence_positive_pct": "% some or a lot of influence", "influence_ci_low_pct": "95% CI low",
                 "influence_ci_high_pct": "95% CI high", "gap_pct": "Gap (points)"}).round(1)
    return Panel(
        chart_id="importance_vs_influence",
        title="What people want a say in, against the influence they have",
        subtitle=describe(filters) + (f" - wave {waves}" if waves else ""),
        base_text=base_range(frame.assign(base_n=frame["importance_base_n"], suppressed=frame[
            "importance_suppressed"]), per="domain") + " Points below the dashed line: less influence than wish.",
        summary=summary,
        method=(f"{metrics.METHOD_NOTE} Importance is asked only in the illustrative 2009 follow-up survey; "
                "influence is taken from the same wave(s). The study listed GP services and the care of specific "
                "conditions (here: service plans), how communities are treated and safety (quality and safety), "
                "staffing and money (funding), and facilities (care environment)."),
        figure=charts.importance_influence(frame, "Wanting a say against having influence", describe(filters)),
        table=table,
    )
