"""One-sentence plain-English summaries computed from a chart's numbers (also its alt text)."""

from __future__ import annotations

import pandas as pd

from analysis.stats.disclosure import FEWER_THAN_MIN, MIN_BASE

NOTHING = "There are too few answers in this view to say anything safely."


def _pct(value: float) -> str:
    return f"{value:.0f}%"


def ranked_shares(frame: pd.DataFrame, label_col: str, what: str, lower: bool = False) -> str:
    """Which row has the highest and which the lowest share positive (`lower`: labels are common nouns)."""
    shown = frame[~frame["suppressed"]].sort_values("positive_pct", ascending=False)
    if shown.empty:
        return NOTHING
    top, bottom = shown.iloc[0], shown.iloc[-1]
    if len(shown) == 1:
        return f"{top[label_col]}: {_pct(top['positive_pct'])} said {what}."
    bottom_label = bottom[label_col].lower() if lower else bottom[label_col]
    return (f"{top[label_col]} had the highest share saying {what} ({_pct(top['positive_pct'])}) and "
            f"{bottom_label} the lowest ({_pct(bottom['positive_pct'])}).")


def distribution(dist: pd.DataFrame) -> str:
    """Which domain has the largest share of answers saying people had no influence."""
    lowest = dist[(dist["level_order"] == 0) & ~dist["suppressed"]]
    if lowest.empty:
        return NOTHING
    worst = lowest.sort_values("pct", ascending=False).iloc[0]
    best = lowest.sort_values("pct").iloc[0]
    return (f"The share answering '{worst['level_label']}' was largest for {worst['domain_label'].lower()} "
            f"({_pct(worst['pct'])}) and smallest for {best['domain_label'].lower()} ({_pct(best['pct'])}).")


def grid(frame: pd.DataFrame, row_label: str, col_label: str) -> str:
    """The lowest and highest cells of a heatmap, and how many are hidden."""
    shown = frame[~frame["suppressed"]].sort_values("positive_pct")
    hidden = int(frame["suppressed"].sum())
    tail = f" {hidden} of {len(frame)} cells are hidden because they rest on {FEWER_THAN_MIN} answers." \
        if hidden else ""
    if shown.empty:
        return NOTHING + tail
    low, high = shown.iloc[0], shown.iloc[-1]
    return (f"The lowest share positive was {low[row_label]} on {low[col_label].lower()} "
            f"({_pct(low['positive_pct'])}), the highest {high[row_label]} on {high[col_label].lower()} "
            f"({_pct(high['positive_pct'])}).{tail}")


def against_rest(frame: pd.DataFrame, noun: str) -> str:
    """How many subgroups reported significantly less, or more, influence than everyone else; "too few" only
    when disclosure control hid the subgroups, and a plain reason when it is the comparator that is missing."""
    shown = frame[~frame["suppressed"]]
    if shown.empty:
        return NOTHING
    compared = shown[shown["verdict"] != "not compared"]
    if compared.empty:
        if shown["rest_suppressed"].all():
            return (f"Everyone else in this view gave fewer than {MIN_BASE} answers (or none), so the {noun} "
                    "shown are not compared with them.")
        return f"None of the {noun} shown could be compared with everyone else."
    worse = compared[compared["verdict"] == "worse"]
    better = compared[compared["verdict"] == "better"]
    sentence = (f"{len(worse)} of {len(compared)} {noun} reported significantly less influence than everyone "
                f"else, and {len(better)} significantly more")
    if len(worse):
        gap = (worse["rest_positive_pct"] - worse["positive_pct"]).idxmax()
        sentence += f"; the widest gap was for {worse.loc[gap, 'label']}"
    return sentence + "."


def reach(frame: pd.DataFrame) -> str:
    """Which seldom-heard groups had the most and fewest voices in the view."""
    ordered = frame.sort_values("users_groups", ascending=False)
    if ordered["users_groups"].sum() == 0 and frame["workshop_participants"].isna().all():
        return NOTHING
    top, bottom = ordered.iloc[0], ordered.iloc[-1]
    return (f"{top['label']} were spoken for by the most users' groups ({int(top['users_groups'])}), "
            f"{bottom['label']} by the fewest ({int(bottom['users_groups'])}).")


def organisations(frame: pd.DataFrame) -> str:
    """Which organisation type most often described users as taking an active part."""
    if frame.empty:
        return NOTHING
    top = frame.sort_values("positive_pct", ascending=False).iloc[0]
    return (f"{top['label']} most often described users as taking an active part: "
            f"{int(top['active_participation'])} of {int(top['organisations'])} organisations.")
