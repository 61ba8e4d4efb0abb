"""Panels of the Voices page: people's stories counted by theme and domain, and by theme and seldom-heard group."""

from __future__ import annotations

import pandas as pd

from analysis.evidence import voices
from analysis.model.filters import Filters, describe
from analysis.stats import disclosure
from analysis.views import charts
from analysis.views.panels import Panel

METHOD = ("Stories told at workshops and in users' groups, each tagged with the influence domain it is about, a "
          "theme and its teller's seldom-heard groups. A story counts towards every group its teller belongs to. "
          f"Counts under {disclosure.MIN_BASE} stories (none included) are hidden and marked \u2716.")


def themes_summary(counts: pd.DataFrame, noun: str) -> str:
    """The theme told most often, where, and how many counts are hidden."""
    shown = counts[~counts["suppressed"]]
    if shown.empty or not shown["stories_n"].sum():
        return f"No stories by theme and {noun} can be shown in this view (none, or too few)."
    top = shown.sort_values("stories_n", ascending=False, kind="stable").iloc[0]
    hidden = int(counts["suppressed"].sum())
    return (f"Told most often: {top['theme_label'].lower()} about {top['by_label']} ({int(top['stories_n'])} "
            f"stories)." + (f" {hidden} of {len(counts)} counts hidden (fewer than {disclosure.MIN_BASE})."
                            if hidden else ""))


def _themes(found: voices.Voices, filters: Filters, by: str, chart_id: str, noun: str, by_title: str) -> Panel:
    stories = voices.in_view(found, filters)
    counts = voices.theme_counts(stories, found.story_groups, by)
    title = f"Stories by theme and {noun}: how many people told each"
    shown = int(counts.loc[~counts["suppressed"], "stories_n"].sum())
    extra = " A story counts towards every group its teller belongs to." if by == "group" else ""
    return Panel(
        chart_id=chart_id, title=title, subtitle=describe(filters),
        base_text=f"Base: {len(stories):,} stories in this view; {shown:,} in the counts shown.{extra}",
        summary=themes_summary(counts, noun),
        method=METHOD,
        figure=charts.heatmap(counts, "by_label", "theme_label", title, describe(filters), value_col="stories_n",
                              unit="", zmax=None),
        table=voices.theme_table(counts, by_title),
    )


def themes_by_domain(found: voices.Voices, filters: Filters) -> Panel:
    """Stories per theme and influence domain, small counts hidden."""
    return _themes(found, filters, "domain", "themes_by_domain", "domain", "Domain")


def themes_by_group(found: voices.Voices, filters: Filters) -> Panel:
    """Stories per theme and seldom-heard group, small counts hidden."""
    return _themes(found, filters, "group", "themes_by_group", "seldom-heard group", "Group")
