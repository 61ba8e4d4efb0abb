"""The engagement framework: five areas, a checklist under each, a four-step rating, and how ratings add up.

The five areas are the briefing's; the checklist items are our own wording, derived from the briefing's
findings (the four failings, what people want) and its recommendations. They are not the study's checklists.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from analysis.model import vocab
from analysis.model.errors import UserError
from analysis.stats import metrics

CHECKLIST_NOTE = ("The five areas are the study's; the checklist items are the Engagement Explorer's own wording, "
                  "derived from the briefing's findings and recommendations, not the study's published checklists.")

AREAS: dict[str, str] = {
    "rights": "Promoting people's rights to a voice",
    "keeping_engaged": "Keeping people engaged",
    "using_views": "Using people's views to plan and improve services",
    "accessible": "Engaging people in appropriate and accessible ways",
    "learning": "Learning how to engage people better",
}

# area -> {item id: what "established" looks like}
ITEMS: dict[str, dict[str, str]] = {
    "rights": {
        "rights_publicised": "We tell people in plain language that they have a right to be involved, and what "
                             "they can influence.",
        "rights_leadership": "Board members, senior managers and clinical leaders visibly lead engagement and "
                             "answer for it.",
        "rights_seldom_heard": "We know which local communities are seldom heard and have a plan to increase their "
                               "influence on our decisions.",
        "rights_all_aspects": "People can have a say on every part of our work, including funding, priorities and "
                              "safety, not only the environment and information.",
        "rights_scrutiny": "Staff know how to involve the LINk and overview and scrutiny committees, and we respond "
                           "to their reports.",
    },
    "keeping_engaged": {
        "feedback_loop": "Every time, we tell people what we did with their views and when (you said, we did).",
        "performance_information": "We publish clear, consistent information about our services and how well "
                                   "they perform.",
        "ongoing_partnerships": "We keep ongoing partnerships with patients', users' and community groups, not "
                                "one-off consultations.",
        "support_groups": "We support the LINk and local users' and community groups with information, resources "
                          "and time.",
        "membership_reach": "Our membership or panels reflect the different voices of local communities, and we "
                            "check that they do.",
    },
    "using_views": {
        "early_involvement": "We involve people early, before decisions are made, including when we plan to "
                             "reconfigure services.",
        "routine_use": "People's views are used as a matter of course to plan services and to improve how they "
                       "are delivered.",
        "show_improvements": "We can show which improvements came from engaging people, and we report them.",
        "contracts": "Requirements for engaging people are written into contracts between commissioners and "
                     "providers, and are met.",
        "joint_working": "We work with the local authority and other agencies to gather and use people's views "
                         "about care across services.",
    },
    "accessible": {
        "tailored_approaches": "We tailor approaches for particular groups, developed with those communities.",
        "access_support": "Venues are accessible, and people with communication needs or sensory disabilities are "
                          "supported to take part.",
        "publicity": "Publicity for engagement is clear, timely and reaches the people it is meant for.",
        "own_words": "We gather people's stories in their own words, in places where they feel comfortable.",
        "outreach": "We do outreach through local centres, voluntary organisations and community leaders.",
    },
    "learning": {
        "engagement_check": "We run a local engagement check: do we and local groups have the knowledge, "
                            "resources and skills to engage with each other?",
        "staff_skills": "Staff, including clinical staff and managers, are trained and supported to engage people.",
        "evaluate_methods": "We evaluate our engagement, including the quality and response rates of our local "
                            "surveys.",
        "track_influence": "We measure, over time, how much people influence our decisions across all services.",
        "learn_from_others": "We learn from other organisations' practice and from people's views on how we "
                             "engage them.",
    },
}

RATINGS: dict[str, str] = {"not_started": "Not started", "developing": "Developing", "established": "Established",
                           "leading": "Leading"}
SCORES: dict[str, int] = {rating: score for score, rating in enumerate(RATINGS)}
ESTABLISHED = SCORES["established"]
METHOD = ("Ratings score 0 (not started) to 3 (leading). An area's score is the mean of its rated items; an "
          "organisation is 'established or better' in an area when that score is 2 or more. Counts of "
          "organisations are not personal data: they are given exactly, with exact (Clopper-Pearson) 95% intervals.")


def checklist() -> pd.DataFrame:
    """One row per checklist item: area, area label, item, the item's wording."""
    return pd.DataFrame([{"area": area, "area_label": AREAS[area], "item": item, "item_text": text}
                         for area, items in ITEMS.items() for item, text in items.items()])


def item_area() -> dict[str, str]:
    """Each item id's area id."""
    return {item: area for area, items in ITEMS.items() for item in items}


def scores_of(ratings: pd.Series) -> pd.Series:
    """Each rating as its 0-3 score, as floats (NaN where unrated or unknown), whatever the column's dtype."""
    return pd.Series(ratings.astype(object).map(SCORES), index=ratings.index, dtype=float)


def area_scores(ratings: pd.DataFrame) -> pd.DataFrame:
    """One row per area for one set of item ratings (columns item, rating; unrated items may be missing or NA).

    Columns: area, area_label, items, rated, score (0-3 mean of rated items), established_pct (share of rated
    items at established or leading).
    """
    rated = ratings.dropna(subset=["rating"]).assign(area=lambda f: f["item"].map(item_area()),
                                                     score=lambda f: scores_of(f["rating"]))
    rated = rated.dropna(subset=["area", "score"])
    totals = rated.groupby("area").agg(rated=("score", "size"), score=("score", "mean"),
                                       established=("score", lambda s: int((s >= ESTABLISHED).sum())))
    out = pd.DataFrame({"area": list(AREAS)}).merge(totals, on="area", how="left").fillna({"rated": 0})
    return out.assign(
        area_label=out["area"].map(AREAS), items=out["area"].map(lambda a: len(ITEMS[a])),
        established_pct=100 * out["established"] / out["rated"].where(out["rated"] > 0),
    )[["area", "area_label", "items", "rated", "score", "established_pct"]].astype({"rated": int})


def org_area_scores(assessments: pd.DataFrame) -> pd.DataFrame:
    """One row per organisation, wave and area: mean score and whether it is established or better."""
    frame = assessments.assign(score=scores_of(assessments["rating"])).dropna(subset=["score"])
    out = frame.groupby(["org_id", "wave", "area"], as_index=False)["score"].mean()
    return out.assign(established=out["score"] >= ESTABLISHED)


def organisations_by(assessments: pd.DataFrame, organisations: pd.DataFrame, by: str,
                     wave: str | None = None) -> pd.DataFrame:
    """One row per `by` value (org_type or sector) and area: organisations, how many established or better, %, interval.

    Uses the latest wave when `wave` is None.
    """
    scores = org_area_scores(assessments)
    if scores.empty:
        return pd.DataFrame(columns=[by, "label", "area", "area_label", "organisations", "established_n",
                                     "established_pct", "ci_low_pct", "ci_high_pct", "mean_score"])
    wave = wave or max(scores["wave"])
    scores = scores[scores["wave"] == wave].merge(organisations[["org_id", by]], on="org_id")
    out = scores.groupby([by, "area"], as_index=False).agg(
        organisations=("org_id", "nunique"), established_n=("established", "sum"), mean_score=("score", "mean"))
    low, high = metrics.exact_interval(out["established_n"], out["organisations"])
    labels = vocab.ORG_TYPE_LABELS if by == "org_type" else vocab.SECTORS
    order = list(labels)
    out = out.assign(label=out[by].map(labels).fillna(out[by]), area_label=out["area"].map(AREAS),
                     established_pct=100 * out["established_n"] / out["organisations"],
                     ci_low_pct=100 * low, ci_high_pct=100 * high, wave=wave)
    rank = out[by].map(lambda v: order.index(v) if v in order else len(order)) * 10 + out["area"].map(
        list(AREAS).index)
    return out.assign(_r=rank).sort_values("_r").drop(columns="_r").reset_index(drop=True)


def areas_by_wave(assessments: pd.DataFrame, organisations: pd.DataFrame,
                  org_types: tuple[str, ...] = ()) -> pd.DataFrame:
    """Per area: % of organisations established or better, latest wave against the previous one, with a verdict."""
    scores = org_area_scores(assessments)
    if org_types:
        scores = scores[scores["org_id"].isin(organisations.loc[organisations["org_type"].isin(org_types),
                                                                 "org_id"])]
    waves = sorted(scores["wave"].unique())
    rows = []
    for area, label in AREAS.items():
        mine = scores[scores["area"] == area]
        row = {"area": area, "area_label": label}
        for key, wave in (("previous", waves[-2] if len(waves) > 1 else None), ("latest", waves[-1] if waves
                                                                                 else None)):
            part = mine[mine["wave"] == wave]
            row |= {f"{key}_wave": wave, f"{key}_n": len(part),
                    f"{key}_pct": 100 * part["established"].mean() if len(part) else np.nan}
        rows.append(row)
    out = pd.DataFrame(rows)
    verdict, p_value = metrics.compare_shares(out["latest_pct"] / 100, out["latest_n"], out["previous_pct"] / 100,
                                              out["previous_n"])
    return out.assign(verdict=verdict, p_value=p_value)


def peer_gaps(ratings: pd.DataFrame, assessments: pd.DataFrame, organisations: pd.DataFrame,
              org_type: str) -> pd.DataFrame:
    """Per area: your score against peers of the same organisation type (latest wave): median, % established, gap."""
    mine = area_scores(ratings)
    peers = org_area_scores(assessments)
    peers = peers[peers["org_id"].isin(organisations.loc[organisations["org_type"] == org_type, "org_id"])]
    if len(peers):
        peers = peers[peers["wave"] == max(peers["wave"])]
    stats = peers.groupby("area").agg(peers=("org_id", "nunique"), peer_median=("score", "median"),
                                      peer_established_pct=("established", lambda s: 100 * s.mean()))
    out = mine.merge(stats, on="area", how="left").fillna({"peers": 0}).astype({"peers": int})
    gap = (out["score"] - out["peer_median"]).astype(float).to_numpy()
    verdict = np.select([np.isnan(gap), gap <= -0.5, gap >= 0.5], ["not compared", "behind peers", "ahead of peers"],
                        "level with peers")
    return out.assign(gap=gap, verdict=verdict)


def action_plan(ratings: pd.DataFrame, assessments: pd.DataFrame, organisations: pd.DataFrame,
                org_type: str) -> pd.DataFrame:
    """The action plan: every item below established (and unrated ones), most-behind-peers first, with a next step."""
    items = checklist().merge(ratings[["item", "rating"]], on="item", how="left")
    peers = assessments[assessments["org_id"].isin(
        organisations.loc[organisations["org_type"] == org_type, "org_id"])]
    if len(peers):
        peers = peers[peers["wave"] == max(peers["wave"])]
    peer_pct = peers.assign(est=scores_of(peers["rating"]) >= ESTABLISHED).groupby("item")["est"].mean() * 100
    items = items.assign(score=scores_of(items["rating"]), peer_established_pct=items["item"].map(peer_pct))
    todo = items[items["score"].isna() | (items["score"] < ESTABLISHED)]
    target = np.where(todo["score"].fillna(-1) < SCORES["developing"], "Developing, then established", "Established")
    plan = todo.assign(
        your_rating=todo["rating"].map(RATINGS).fillna("Not rated"), aim_for=target,
        next_step=np.where(todo["score"].isna(), "Rate this item first, with the people who would know.",
                           "Agree an owner and a date, and what evidence will show it is in place: ")
        + np.where(todo["score"].isna(), "", todo["item_text"]),
        owner="", by_when="",
    ).sort_values(["peer_established_pct", "score"], ascending=[False, True], na_position="last")
    return plan[["area_label", "item", "item_text", "your_rating", "aim_for", "peer_established_pct", "next_step",
                 "owner", "by_when"]].reset_index(drop=True)


PLAN_COLUMNS = {"area_label": "Area", "item_text": "Checklist item (our wording)", "your_rating": "Your rating",
                "aim_for": "Aim for", "peer_established_pct": "Peers of your type at established or better (%)",
                "next_step": "Next step", "owner": "Owner", "by_when": "By when"}


def plan_table(plan: pd.DataFrame) -> pd.DataFrame:
    """The action plan with the column names people read."""
    return plan[list(PLAN_COLUMNS)].rename(columns=PLAN_COLUMNS).round(0)


# ---- keeping a self-assessment: a small JSON file the user downloads and uploads again ----

FORMAT = "engagement-explorer/self-assessment"


def to_json(org_type: str, ratings: dict[str, str | None]) -> bytes:
    """A self-assessment as JSON bytes: organisation type and each item's rating id (null when unrated)."""
    known = item_area()
    body = {"format": FORMAT, "version": 1, "org_type": org_type,
            "ratings": {item: ratings.get(item) for item in known}}
    return json.dumps(body, indent=2).encode("utf-8")


def from_json(data: bytes, file_name: str = "the file") -> tuple[str, dict[str, str | None]]:
    """The organisation type and ratings from a saved self-assessment; UserError naming what is wrong."""
    try:
        body = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UserError(f"{file_name} is not a saved self-assessment (not JSON: {exc}).") from exc
    if not isinstance(body, dict) or body.get("format") != FORMAT or not isinstance(body.get("ratings"), dict):
        raise UserError(f"{file_name} is not a saved self-assessment: save one from this page first.")
    org_type = body.get("org_type")
    if org_type not in vocab.ORG_TYPES:
        raise UserError(f"{file_name}: organisation type {org_type!r} is not one of {', '.join(vocab.ORG_TYPES)}.")
    known = item_area()
    ratings: dict[str, str | None] = {}
    for item, rating in body["ratings"].items():
        if item not in known:
            raise UserError(f"{file_name}: item {item!r} is not on the checklist.")
        if rating is not None and rating not in RATINGS:
            raise UserError(f"{file_name}: item {item!r} has rating {rating!r}; use one of {', '.join(RATINGS)}.")
        ratings[item] = rating
    return org_type, ratings


def ratings_frame(ratings: dict[str, str | None]) -> pd.DataFrame:
    """Ratings as a frame (item, rating), one row per checklist item."""
    return pd.DataFrame({"item": list(item_area()), "rating": [ratings.get(i) for i in item_area()]})


def gaps_table(gaps: pd.DataFrame) -> pd.DataFrame:
    """Area scores against peers, with the column names people read; 'not rated' and 'no peers' where none."""
    numbers = gaps[["score", "established_pct", "peer_median", "peer_established_pct"]].astype(float).round(1)
    blanks = {"score": "not rated", "established_pct": "not rated", "peer_median": "no peers",
              "peer_established_pct": "no peers"}
    gaps = gaps.assign(**{c: numbers[c].astype(object).where(numbers[c].notna(), blank) for c, blank in blanks.items()})
    return gaps[["area_label", "rated", "items", "score", "established_pct", "peers", "peer_median",
                 "peer_established_pct", "verdict"]].rename(columns={
        "area_label": "Area", "rated": "Items rated", "items": "Items", "score": "Your score (0-3)",
        "established_pct": "Your items established or better (%)", "peers": "Peers (organisations)",
        "peer_median": "Peers' median score", "peer_established_pct": "Peers established or better (%)",
        "verdict": "Compared with peers"}).round(1)
