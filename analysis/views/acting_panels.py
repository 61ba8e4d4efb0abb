"""Panels for acting on views: the framework self-assessments and "you said, we did" (same Panel as every page)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis.evidence import actions, framework
from analysis.evidence.actions import ActionData
from analysis.model.filters import Filters, apply, compared_waves, describe
from analysis.stats import disclosure, metrics
from analysis.views import charts
from analysis.views.panels import Panel, base_range

DEMO_NOTE = " In the demo, the self-assessments and issues are illustrative, generated to echo the study's findings."


def _orgs_in_view(data: ActionData, filters: Filters) -> pd.DataFrame:
    return apply(data.organisations, Filters(**{k: v for k, v in filters.items() if k != "wave"}))


def _assessments(data: ActionData, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    orgs = _orgs_in_view(data, filters)
    assessed = data.assessments[data.assessments["org_id"].isin(orgs["org_id"])]
    return assessed, orgs


def _latest(data: ActionData, filters: Filters) -> str | None:
    return compared_waves(data.assessments["wave"].astype(str), filters)[1]


def _framework_grid(data: ActionData, filters: Filters, by: str, chart_id: str, who: str) -> Panel:
    assessed, orgs = _assessments(data, filters)
    wave = _latest(data, filters)
    frame = framework.organisations_by(assessed, orgs, by, wave)
    frame = frame.assign(positive_pct=frame["established_pct"], suppressed=False, base_n=frame["organisations"])
    title = f"Organisations established or better, by framework area and {who}"
    figure = charts.heatmap(frame.assign(area_label=frame["area_label"]), "area_label", "label", title,
                            describe(filters))
    figure.update_traces(colorbar={"title": {"text": "% established+"}, "ticksuffix": "%"})
    best = frame.sort_values("established_pct", ascending=False).head(1)
    worst = frame.sort_values("established_pct").head(1)
    summary = ("No self-assessments in this view." if frame.empty else
               f"Highest: {best['label'].iloc[0]} on {best['area_label'].iloc[0].lower()} "
               f"({best['established_n'].iloc[0]:.0f} of {best['organisations'].iloc[0]:.0f} organisations); lowest: "
               f"{worst['label'].iloc[0]} on {worst['area_label'].iloc[0].lower()} "
               f"({worst['established_n'].iloc[0]:.0f} of {worst['organisations'].iloc[0]:.0f}).")
    table = frame[["label", "area_label", "organisations", "established_n", "established_pct", "ci_low_pct",
                   "ci_high_pct", "mean_score"]].rename(columns={
        "label": who.capitalize(), "area_label": "Framework area", "organisations": "Organisations",
        "established_n": "Established or better", "established_pct": "%", "ci_low_pct": "Exact 95% CI low",
        "ci_high_pct": "Exact 95% CI high", "mean_score": "Mean score (0-3)"}).round(1)
    return Panel(chart_id=chart_id, title=title, subtitle=describe(filters) + (f" - wave {wave}" if wave else ""),
                 base_text=base_range(frame, unit="organisations", per="cell"),
                 summary=summary, method=framework.METHOD + " " + framework.CHECKLIST_NOTE + DEMO_NOTE,
                 figure=figure, table=table)


def framework_by_type(data: ActionData, filters: Filters) -> Panel:
    """Organisation type by framework area: organisations established or better (exact counts and intervals)."""
    return _framework_grid(data, filters, "org_type", "framework_by_type", "organisation type")


def framework_by_sector(data: ActionData, filters: Filters) -> Panel:
    """Sector by framework area: organisations established or better (exact counts and intervals)."""
    return _framework_grid(data, filters, "sector", "framework_by_sector", "sector")


def framework_by_wave(data: ActionData, filters: Filters) -> Panel:
    """Each area: organisations established or better in the latest wave against the previous one."""
    assessed, orgs = _assessments(data, filters)
    frame = framework.areas_by_wave(assessed, orgs)
    wide = frame.rename(columns={"area_label": "label", "previous_pct": "previous_positive_pct",
                                 "latest_pct": "latest_positive_pct", "previous_n": "previous_base_n",
                                 "latest_n": "latest_base_n"})
    for key in ("previous", "latest"):
        low, high = metrics.exact_interval(wide[f"{key}_positive_pct"].fillna(0) / 100 * wide[f"{key}_base_n"],
                                           wide[f"{key}_base_n"])
        wide = wide.assign(**{f"{key}_ci_low_pct": 100 * low, f"{key}_ci_high_pct": 100 * high,
                              f"{key}_suppressed": False, f"{key}_wave": wide[f"{key}_wave"].fillna("")})
    title = "Organisations established or better, latest self-assessment against the previous one"
    changed = wide[wide["verdict"].isin(["better", "worse"])]
    summary = ("Only one wave of self-assessments in this view." if not wide["previous_wave"].any() else
               f"Wave {wide['latest_wave'].iloc[0]} against {wide['previous_wave'].iloc[0]}: "
               + ("; ".join(f"{r.label} {r.verdict}" for r in changed.itertuples()) if len(changed)
                  else "no significant change in any area") + ".")
    table = wide[["label", "previous_wave", "previous_base_n", "previous_positive_pct", "latest_wave",
                  "latest_base_n", "latest_positive_pct", "verdict", "p_value"]].rename(columns={
        "label": "Framework area", "previous_wave": "Previous wave", "previous_base_n": "Previous: organisations",
        "previous_positive_pct": "Previous: % established+", "latest_wave": "Latest wave",
        "latest_base_n": "Latest: organisations", "latest_positive_pct": "Latest: % established+",
        "verdict": "Latest against previous", "p_value": "p-value"}).round({"Previous: % established+": 1,
                                                                            "Latest: % established+": 1,
                                                                            "p-value": 4})
    return Panel(chart_id="framework_by_wave", title=title, subtitle=describe(filters),
                 base_text=base_range(wide.assign(base_n=wide["latest_base_n"], suppressed=False),
                                       unit="organisations", per="area"),
                 summary=summary,
                 method=framework.METHOD + " Intervals here are exact; the comparison is a two-sided two-proportion "
                        "z-test at the 5% level." + DEMO_NOTE,
                 figure=charts.wave_change(wide, title, describe(filters), "% of organisations established or better"),
                 table=table)


def _actions_panel(by: str, chart_id: str, noun: str, label: str) -> Callable[[ActionData, Filters], Panel]:
    def build(data: ActionData, filters: Filters) -> Panel:
        frame = actions.action_shares(data, filters, by)
        shown = frame[~frame["suppressed"]]
        title = f"Issues acted on, and people told what happened, by {noun}"
        if shown.empty:
            summary = "No issues in this view, or too few to show."
        else:
            low, high = shown.nsmallest(1, "acted_pct").iloc[0], shown.nlargest(1, "acted_pct").iloc[0]
            summary = (f"Most often acted on: {high['label']} ({high['acted_pct']:.0f}% of issues); least often: "
                       f"{low['label']} ({low['acted_pct']:.0f}%). People were told what happened for "
                       f"{shown['told_n'].sum() / shown['base_n'].sum() * 100:.0f}% of issues shown.")
        table = frame[["label", "base_n", "acted_n", "acted_pct", "acted_ci_low_pct", "acted_ci_high_pct", "told_n",
                       "told_pct", "told_ci_low_pct", "told_ci_high_pct", "median_days_to_act", "median_days_to_tell",
                       "low_base", "suppressed"]].rename(columns={
            "label": label, "base_n": "Issues raised", "acted_n": "Acted on", "acted_pct": "% acted on",
            "acted_ci_low_pct": "Acted: 95% CI low", "acted_ci_high_pct": "Acted: 95% CI high",
            "told_n": "People told", "told_pct": "% told", "told_ci_low_pct": "Told: 95% CI low",
            "told_ci_high_pct": "Told: 95% CI high", "median_days_to_act": "Median days to act",
            "median_days_to_tell": "Median days to tell", "low_base": disclosure.LOW_BASE_COLUMN,
            "suppressed": disclosure.HIDDEN_COLUMN}).round(1)
        extra = " An issue can affect several groups." if by == "group_id" else ""
        return Panel(chart_id=chart_id, title=title, subtitle=describe(filters),
                     base_text=base_range(frame, unit="issues") + extra, summary=summary,
                     method=actions.METHOD + DEMO_NOTE,
                     figure=charts.paired_shares(frame, "label", {"acted": "Acted on", "told": "People told"}, title,
                                                 describe(filters)),
                     table=table)
    build.__doc__ = f"Issues by {noun}: % acted on and % told, with intervals and median days."
    return build


actions_by_domain = _actions_panel("domain", "actions_by_domain", "domain", "Domain")
actions_by_org_type = _actions_panel("org_type", "actions_by_org_type", "organisation type", "Organisation type")
actions_by_group = _actions_panel("group_id", "actions_by_group", "seldom-heard group affected", "Group")


def actions_by_wave(data: ActionData, filters: Filters) -> Panel:
    """Issues acted on by domain: the latest wave against the previous one."""
    frame = actions.actions_by_wave(data, filters)
    wide = frame.rename(columns=lambda c: c.replace("acted_pct", "positive_pct").replace("acted_ci", "ci"))
    wide = wide.assign(verdict=wide["acted_verdict"], previous_suppressed=wide["previous_suppressed"].fillna(True)
                       .astype(bool), latest_suppressed=wide["latest_suppressed"].fillna(True).astype(bool))
    title = "Issues acted on, latest wave against the previous one, by domain"
    changed = frame[frame["acted_verdict"].isin(["better", "worse"]) | frame["told_verdict"].isin(["better", "worse"])]
    summary = ("Only one wave of issues in this view." if not frame["previous_wave"].any() else
               f"Wave {frame['latest_wave'].iloc[0]} against {frame['previous_wave'].iloc[0]}: "
               + ("; ".join(f"{r.label}: acted on {r.acted_verdict}, told {r.told_verdict}"
                            for r in changed.itertuples()) if len(changed) else "no significant change") + ".")
    table = frame[["label", "previous_wave", "previous_base_n", "previous_acted_pct", "previous_told_pct",
                   "latest_wave", "latest_base_n", "latest_acted_pct", "latest_told_pct", "acted_verdict",
                   "told_verdict"]].rename(columns={
        "label": "Domain", "previous_wave": "Previous wave", "previous_base_n": "Previous: issues",
        "previous_acted_pct": "Previous: % acted on", "previous_told_pct": "Previous: % told",
        "latest_wave": "Latest wave", "latest_base_n": "Latest: issues", "latest_acted_pct": "Latest: % acted on",
        "latest_told_pct": "Latest: % told", "acted_verdict": "Acted on: latest against previous",
        "told_verdict": "Told: latest against previous"}).round(1)
    return Panel(chart_id="actions_by_wave", title=title, subtitle=describe(filters),
                 base_text=base_range(frame.assign(base_n=frame["latest_base_n"], suppressed=frame[
                     "latest_suppressed"].fillna(True).astype(bool)), unit="issues in the latest wave", per="domain"),
                 summary=summary,
                 method=actions.METHOD + " Comparison: two-sided two-proportion z-test at the 5% level."
                        + DEMO_NOTE,
                 figure=charts.wave_change(wide, title, describe(filters), "% of issues acted on"),
                 table=table)
