"""You said, we did: issues people raised, whether they were acted on and people told, and how long it took."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.model import filters as flt
from analysis.model import vocab
from analysis.stats import disclosure, metrics
from analysis.storage import store

ORG_COLS = ["org_id", "org_name", "org_type", "sector", "region"]
BY_LABELS = {"domain": vocab.DOMAINS, "org_type": vocab.ORG_TYPE_LABELS,
             "group_id": vocab.SELDOM_HEARD_GROUPS, "sector": vocab.SECTORS}
SHARE_COLS = ["acted_n", "acted_pct", "acted_ci_low_pct", "acted_ci_high_pct", "told_n", "told_pct",
              "told_ci_low_pct", "told_ci_high_pct", "median_days_to_act", "median_days_to_tell"]
METHOD = ("Shares are of issues raised in the view: acted on = an action was recorded; told = the people who raised "
          "it were told what happened. 95% Wilson score intervals. Time taken is the median number of days from "
          "the issue being raised to the action (issues acted on) and to people being told (issues fed back). "
          f"Results on {disclosure.FEWER_THAN_MIN} issues are hidden. The Source filter does not apply: issues have "
          "no source.")


@dataclass(frozen=True)
class ActionData:
    """A dataset's actions (joined to their organisations), the groups each affects, and its self-assessments."""

    actions: pd.DataFrame
    groups: pd.DataFrame
    assessments: pd.DataFrame
    organisations: pd.DataFrame


def action_data(tables: dict[str, pd.DataFrame]) -> ActionData:
    """ActionData from a dataset's tables (organisations, actions, action_groups, assessments)."""
    orgs = tables["organisations"][ORG_COLS].astype(str)
    actions = tables["actions"].merge(orgs, on="org_id", how="left")
    return ActionData(actions=actions, groups=tables["action_groups"], assessments=tables["assessments"],
                      organisations=tables["organisations"])


def load(directory: store.Location, dataset_id: str | None = None) -> ActionData:
    """The actions, action groups and assessments of a dataset (the current one by default)."""
    names = ("organisations", "actions", "action_groups", "assessments")
    return action_data({name: store.read_table(directory, name, dataset_id) for name in names})


def _days(later: pd.Series, earlier: pd.Series) -> pd.Series:
    return (later - earlier).dt.days


def _by(data: ActionData, filters: flt.Filters, by: str) -> pd.DataFrame:
    actions = flt.apply(data.actions, filters)  # issues have no source: that filter does not apply
    if by == "group_id":
        actions = actions.merge(data.groups, on="action_id")
    return actions.assign(acted=actions["acted_on"].notna(), told=actions["feedback_on"].notna(),
                          days_to_act=_days(actions["acted_on"], actions["raised_on"]),
                          days_to_tell=_days(actions["feedback_on"], actions["raised_on"]))


def _shares(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    out = frame.groupby(keys, as_index=False, observed=True).agg(
        base_n=("action_id", "size"), acted_n=("acted", "sum"), told_n=("told", "sum"),
        median_days_to_act=("days_to_act", "median"), median_days_to_tell=("days_to_tell", "median"))
    for name in ("acted", "told"):
        low, high = metrics.wilson_interval(out[f"{name}_n"], out["base_n"])
        out = out.assign(**{f"{name}_pct": 100 * out[f"{name}_n"] / out["base_n"], f"{name}_ci_low_pct": 100 * low,
                            f"{name}_ci_high_pct": 100 * high})
    return out


def action_shares(data: ActionData, filters: flt.Filters, by: str) -> pd.DataFrame:
    """One row per `by` value (domain, org_type, group_id, sector): issues, % acted on and % told, with 95% Wilson
    intervals, and the median days to act and to tell; every value of the vocabulary is listed."""
    frame = _by(data, filters, by)
    labels = BY_LABELS[by]
    out = pd.DataFrame({by: list(labels)}).merge(_shares(frame, [by]), on=by, how="left").fillna({"base_n": 0})
    out = out.assign(label=out[by].map(labels))
    return disclosure.protect(out, SHARE_COLS)


def compared_waves(data: ActionData, filters: flt.Filters) -> tuple[str | None, str | None]:
    """(previous, latest) waves of the issues: the latest chosen (else in the data) and the one before it."""
    return flt.compared_waves(data.actions["wave"].dropna().astype(str), filters)


def actions_by_wave(data: ActionData, filters: flt.Filters, by: str = "domain") -> pd.DataFrame:
    """Per `by` value: % acted on and % told in the latest wave against the previous one, with verdicts."""
    previous, latest = compared_waves(data, filters)
    frame = _by(data, flt.Filters(**{k: v for k, v in filters.items() if k != "wave"}), by)
    labels = BY_LABELS[by]
    out = pd.DataFrame({by: list(labels)})
    for name, wave in (("previous", previous), ("latest", latest)):
        part = disclosure.protect(_shares(frame[frame["wave"] == wave], [by]), SHARE_COLS)
        part = part[[by, "base_n", "acted_pct", "acted_ci_low_pct", "acted_ci_high_pct", "told_pct",
                     "median_days_to_act", "suppressed"]]
        out = out.merge(part.rename(columns=lambda c, n=name: c if c == by else f"{n}_{c}"), on=by, how="left")
        out[f"{name}_wave"] = wave or ""
    for measure in ("acted", "told"):
        verdict, p_value = metrics.compare_shares(out[f"latest_{measure}_pct"] / 100, out["latest_base_n"],
                                                  out[f"previous_{measure}_pct"] / 100, out["previous_base_n"])
        out = out.assign(**{f"{measure}_verdict": verdict, f"{measure}_p_value": p_value})
    return out.assign(label=out[by].map(labels))


def open_issues(data: ActionData, filters: flt.Filters) -> pd.DataFrame:
    """Issues with no action recorded yet, longest open first, with the days open as at the dataset's last date."""
    actions = flt.apply(data.actions, filters)  # issues have no source: that filter does not apply
    dates = data.actions[["raised_on", "acted_on", "feedback_on"]].stack()
    as_at = dates.max() if len(dates) else pd.Timestamp("today").normalize()
    still = actions[actions["acted_on"].isna()]
    groups = data.groups[data.groups["action_id"].isin(still["action_id"])].assign(
        label=lambda f: f["group_id"].map(vocab.SELDOM_HEARD_GROUPS).fillna(f["group_id"]))
    affected = groups.groupby("action_id")["label"].agg("; ".join)  # for reading only: stored one a row
    out = still.assign(days_open=(as_at - still["raised_on"]).dt.days,
                       domain_label=still["domain"].map(vocab.DOMAINS).fillna(still["domain"]),
                       type_label=still["org_type"].map(vocab.org_type_label),
                       groups=still["action_id"].map(affected).fillna(""))
    out = out.sort_values("days_open", ascending=False)
    return out[["action_id", "org_name", "type_label", "domain_label", "issue", "groups", "raised_on",
                "days_open"]].rename(columns={
        "action_id": "Issue id", "org_name": "Organisation", "type_label": "Organisation type",
        "domain_label": "Domain", "issue": "Issue raised", "groups": "Seldom-heard groups affected",
        "raised_on": "Raised on", "days_open": "Days open"}).reset_index(drop=True).assign(
        **{"Raised on": lambda f: f["Raised on"].dt.strftime("%Y-%m-%d")})


def as_at(data: ActionData) -> str:
    """The last date in the actions table, as text (what 'days open' counts to)."""
    dates = data.actions[["raised_on", "acted_on", "feedback_on"]].stack()
    return dates.max().strftime("%d %B %Y") if len(dates) else "today"


def totals(data: ActionData, filters: flt.Filters) -> list[tuple[str, str, str]]:
    """Headline metrics for the view: (label, value, help) for issues raised, acted on, told and still open."""
    frame = _by(data, filters, "domain")
    n = len(frame)
    if n == 0:
        return [("Issues raised", "0", "No issues in this view.")]
    acted, told = int(frame["acted"].sum()), int(frame["told"].sum())
    shown = n >= disclosure.MIN_BASE
    return [
        ("Issues raised", f"{n:,}", "Issues people raised with the organisations in this view."),
        ("Acted on", f"{100 * acted / n:.0f}%" if shown else "hidden", f"{acted:,} of {n:,} issues."),
        ("People told what happened", f"{100 * told / n:.0f}%" if shown else "hidden", f"{told:,} of {n:,} issues."),
        ("Still open", f"{n - acted:,}", f"Issues with no action recorded, as at {as_at(data)}."),
    ]
