"""Every measure a dataset holds, charted in its own words: % positive by question (or topic) and every answer
on the question's own scale. The study's pages chart influence; these charts are for the other measures
(agreement, recommendation, experience...), so nothing else is ever called influence."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis.evidence import queries
from analysis.evidence.queries import Cube
from analysis.model import vocab
from analysis.model.filters import Filters, describe
from analysis.stats import disclosure, metrics
from analysis.views import charts, panels, summaries
from analysis.views.panels import Panel

STUDY_MEASURE = "influence"  # charted on the study's own pages
DEMO_CHARTED = {"participation", "importance"}  # the demo's other measures, charted on the study's pages too
SHARE_COLS = queries.SHARE_COLS


def charted(cube: Cube) -> list[str]:
    """The measures this module charts for a dataset: all it has but influence (and, for the study demo, those
    its own pages chart), library measures first."""
    order = list(vocab.MEASURES)
    skip = {STUDY_MEASURE} | (DEMO_CHARTED if cube.manifest.get("demo") else set())
    return sorted((m for m in cube.measures if m not in skip),
                  key=lambda m: (order.index(m) if m in order else len(order), m))


def topics(cube: Cube, measure: str) -> pd.DataFrame:
    """One row per topic (domain) of a measure: its label and scale. A topic of one question is labelled
    with the question's wording; a study domain with the domain's label."""
    questions = cube.questions[cube.questions["measure"].astype(str) == measure]
    rows = []
    for domain, group in questions.groupby(questions["domain"].astype(object).fillna(""), sort=False):
        if domain in vocab.DOMAINS:
            label = vocab.DOMAINS[domain]
        elif len(group) == 1:
            label = str(group["question_text"].iloc[0])
        else:
            label = vocab.topic_label(domain) or "All questions"
        label = label if len(label) <= 70 else label[:67].rstrip() + "..."
        rows.append({"domain": domain, "topic_label": label,
                     "scale_id": str(group["scale_id"].mode().iloc[0]), "questions": len(group)})
    return pd.DataFrame(rows, columns=["domain", "topic_label", "scale_id", "questions"])


def scale_levels(cube: Cube, scale_id: str) -> pd.DataFrame:
    """The levels of one scale of the dataset, lowest first, non-substantive ones last."""
    levels = cube.scale_levels[cube.scale_levels["scale_id"].astype(str) == scale_id]
    return levels.sort_values(["substantive", "level_order"], ascending=[False, True])


def main_scale(cube: Cube, measure: str) -> str:
    """The scale most of a measure's topics are on."""
    found = topics(cube, measure)
    return str(found["scale_id"].mode().iloc[0]) if len(found) else ""


def wording(cube: Cube, measure: str) -> str:
    """What counts as positive for a measure, in words ('agree or strongly agree')."""
    scale_id = main_scale(cube, measure)
    levels = scale_levels(cube, scale_id)
    positive = levels[levels["positive"].astype(bool)].sort_values("level_order")["level_label"].tolist()
    return vocab.measure_wording(measure, scale_id, positive)


def shares(cube: Cube, filters: Filters, measure: str) -> pd.DataFrame:
    """One row per topic of a measure: base, % positive with 95% interval; highest first."""
    cells = cube.cells(measure, groups=False, filters=filters)
    frame = metrics.positive_share(cells, ["domain"]).assign(domain=lambda f: f["domain"].astype(object).fillna(""))
    labels = topics(cube, measure).set_index("domain")["topic_label"]
    frame = frame.assign(topic_label=frame["domain"].map(labels).fillna(frame["domain"].map(vocab.topic_label)),
                         _all="all")
    frame["topic_label"] = frame["topic_label"].replace("", "All questions")
    frame = disclosure.protect(frame, SHARE_COLS, partition=["_all"]).drop(columns="_all")
    return frame.sort_values("positive_pct", ascending=False, na_position="last").reset_index(drop=True)


def distribution(cube: Cube, filters: Filters, measure: str, scale_id: str) -> pd.DataFrame:
    """One row per topic on this scale and substantive level: answers and % of the topic's base."""
    found = topics(cube, measure)
    on_scale = found[found["scale_id"] == scale_id]
    cells = cube.cells(measure, groups=False, filters=filters)
    cells = cells[cells["substantive"].astype(bool) & cells["domain"].astype(object).fillna("").isin(
        on_scale["domain"])]
    counts = cells.assign(domain=cells["domain"].astype(object).fillna("")).groupby(
        ["domain", "level_id", "level_order"], as_index=False, observed=True)[["n", "sum_w"]].sum()
    counts = counts[counts["n"] > 0]
    totals = counts.groupby("domain")[["n", "sum_w"]].transform("sum")
    labels = scale_levels(cube, scale_id).drop_duplicates("level_id").set_index("level_id")["level_label"]
    dist = counts.assign(
        base_n=totals["n"], pct=100 * counts["sum_w"] / totals["sum_w"],
        level_label=counts["level_id"].astype(object).map(labels).fillna(counts["level_id"].astype(object)),
        domain_label=counts["domain"].map(on_scale.set_index("domain")["topic_label"]).replace("", "All questions"),
    ).drop(columns="sum_w")
    dist = disclosure.protect(dist, ["pct", "n"])
    return dist.sort_values(["domain", "level_order"], kind="stable").reset_index(drop=True)


def distribution_summary(dist: pd.DataFrame, low: str, high: str) -> str:
    """Which question had the largest share answering the scale's highest level, and which its lowest."""
    shown = dist[~dist["suppressed"]]
    top = shown[shown["level_label"] == high].sort_values("pct", ascending=False)
    bottom = shown[shown["level_label"] == low].sort_values("pct", ascending=False)
    if top.empty and bottom.empty:
        return summaries.NOTHING
    if shown["domain"].nunique() == 1:
        row = shown.iloc[0]
        parts = [f"{r.pct:.0f}% answered '{r.level_label}'" for r in (*top.head(1).itertuples(),
                                                                     *bottom.head(1).itertuples())]
        return f"{row['domain_label']}: {' and '.join(parts)}."
    parts = []
    if len(top):
        parts.append(f"The share answering '{high}' was largest for {top.iloc[0]['domain_label']} "
                     f"({top.iloc[0]['pct']:.0f}%)")
    if len(bottom):
        parts.append(f"the share answering '{low}' was largest for {bottom.iloc[0]['domain_label']} "
                     f"({bottom.iloc[0]['pct']:.0f}%)")
    return "; ".join(parts) + "."


def method_note(words: str) -> str:
    """The method note in a measure's own words (the study's note speaks of influence)."""
    return metrics.METHOD_NOTE.replace('at the top two levels of the scale ("some" or "a lot" of influence)',
                                       f"at the positive levels of the question's scale ({words})")


def _share_panel(measure: str) -> Callable[[Cube, Filters], Panel]:
    def build(cube: Cube, filters: Filters) -> Panel:
        frame = shares(cube, filters, measure)
        words = wording(cube, measure)
        name = vocab.measure_label(measure)
        left_out = int(frame["excluded_n"].fillna(0).sum())
        table = frame[["topic_label", "base_n", "positive_pct", "ci_low_pct", "ci_high_pct", "excluded_n",
                       "low_base", "suppressed"]].rename(columns={
            "topic_label": "Question", "base_n": "Base (answers)", "positive_pct": f"% {words}",
            "ci_low_pct": "95% CI low", "ci_high_pct": "95% CI high",
            "excluded_n": "Left out (don't know, not applicable, prefer not to say)",
            "low_base": disclosure.LOW_BASE_COLUMN, "suppressed": disclosure.HIDDEN_COLUMN}).round(1)
        return Panel(
            chart_id=f"measure_{measure}",
            title=f"{name}: % {words}, by question",
            subtitle=describe(filters),
            base_text=panels.base_range(frame, per="question") + f" {left_out:,} answers of don't know, not "
                      "applicable or prefer not to say left out.",
            summary=summaries.ranked_shares(frame, "topic_label", words),
            method=method_note(words),
            figure=charts.share_bars(frame, "topic_label", f"% {words}", describe(filters),
                                     value_label=f"% {words}"),
            table=table,
        )
    return build


def _distribution_panel(measure: str, scale_id: str) -> Callable[[Cube, Filters], Panel]:
    def build(cube: Cube, filters: Filters) -> Panel:
        dist = distribution(cube, filters, measure, scale_id)
        shown = dist[~dist["suppressed"]]
        levels = scale_levels(cube, scale_id)
        substantive = levels[levels["substantive"].astype(bool)].sort_values("level_order")["level_label"].tolist()
        low, high = (substantive[0], substantive[-1]) if substantive else ("lower", "higher")
        table = dist[["domain_label", "level_label", "n", "pct", "base_n", "suppressed"]].rename(columns={
            "domain_label": "Question", "level_label": "Answer", "n": "Answers", "pct": "% of base",
            "base_n": "Base (answers)", "suppressed": disclosure.HIDDEN_COLUMN}).round(1)
        return Panel(
            chart_id=f"measure_{measure}_{scale_id}_answers",
            title=f"{vocab.measure_label(measure)}: every answer, by question",
            subtitle=describe(filters),
            base_text=panels.base_range(shown.drop_duplicates("domain").assign(suppressed=False), per="question"),
            summary=distribution_summary(dist, low, high),
            method=method_note(wording(cube, measure)),
            figure=charts.diverging_levels(
                shown, "Every answer, by question", describe(filters),
                axis_title="% of answers (lower answers left of 0)"),
            table=table,
        )
    return build


def page_panels(cube: Cube, filters: Filters) -> list[Panel]:
    """For each measure but influence: % positive by question, then every answer on each of its scales."""
    out = []
    for measure in charted(cube):
        out.append(_share_panel(measure)(cube, filters))
        for scale_id in dict.fromkeys(topics(cube, measure)["scale_id"]):
            out.append(_distribution_panel(measure, scale_id)(cube, filters))
    return out
