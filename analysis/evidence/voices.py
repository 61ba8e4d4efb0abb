"""People's stories: the quotes in a view, themes counted by domain and by group, and what is withheld."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.ingest import review
from analysis.model import filters as flt
from analysis.model import schema, vocab
from analysis.stats import disclosure
from analysis.storage import store

# A quote from a group with fewer respondents than this in the view could point to who said it.
MIN_GROUP_RESPONDENTS = 11
QUOTE_COLUMNS = {"text": "Quote", "theme_label": "Theme", "domain_label": "Domain", "groups_label": "Groups",
                 "org_type_label": "Organisation type", "source_label": "Source", "wave": "Wave"}


@dataclass(frozen=True)
class Voices:
    """A dataset's stories that may be shown, with their organisation's type, sector and region, who told
    them, and how many more are held for review (`held_n`)."""

    stories: pd.DataFrame
    story_groups: pd.DataFrame
    held_n: int = 0


@dataclass(frozen=True)
class QuoteList:
    """The quotes to show and what was held back, with the reason in words."""

    table: pd.DataFrame
    withheld_n: int
    unlabelled_n: int
    notices: list[str]


def make_voices(stories: pd.DataFrame, organisations: pd.DataFrame, memberships: pd.DataFrame) -> Voices:
    """Stories joined to their organisation (for the sidebar filters) and to their teller's groups."""
    orgs = organisations[["org_id", "org_type", "sector", "region"]].astype(str)
    joined = stories.astype({"org_id": str}).merge(orgs, on="org_id", how="left")
    groups = memberships.astype(str).merge(joined[["story_id", "respondent_id"]].astype(str), on="respondent_id")
    return Voices(stories=joined.reset_index(drop=True), story_groups=groups[["story_id", "group_id"]])


def load_voices(directory: store.Location, dataset_id: str | None = None) -> Voices:
    """The stories of a dataset that may be shown (the current one by default): every page and pack reads
    stories here, so a story held for review or hidden by a reviewer is never shown; none without stories."""
    dataset_id = dataset_id or store.current_id(directory)
    stories = review.flag(store.read_table(directory, "stories", dataset_id))
    shown, held_n = review.publish(stories, review.read_decisions(directory, dataset_id))
    # Only the storytellers' memberships: a national dataset has tens of millions, and few or no stories.
    tellers = sorted(set(shown["respondent_id"].dropna().astype(str)))
    memberships = (store.read_table(directory, "memberships", dataset_id, rows=("respondent_id", tellers))
                   if tellers else schema.empty("memberships"))
    found = make_voices(shown, store.read_table(directory, "organisations", dataset_id), memberships)
    return Voices(found.stories, found.story_groups, held_n)


def in_view(voices: Voices, filters: flt.Filters) -> pd.DataFrame:
    """The stories that fall in the sidebar's view."""
    return flt.apply(voices.stories, filters)


def group_sizes(agg_respondents: pd.DataFrame, filters: flt.Filters) -> dict[str, int]:
    """Respondents in the view who belong to each seldom-heard group (every group, zero when none)."""
    resp = flt.apply(agg_respondents, filters)
    counts = resp[resp["group_id"] != schema.ALL_GROUPS].groupby("group_id", observed=True)["respondents"].sum()
    return {g: int(counts.get(g, 0)) for g in vocab.SELDOM_HEARD_GROUPS}


NOT_THEMED, NOT_THEMED_LABEL = "_not_themed", "Not themed"


def theme_counts(stories: pd.DataFrame, story_groups: pd.DataFrame, by: str) -> pd.DataFrame:
    """Stories per theme and domain (by="domain") or group (by="group"), small counts hidden.

    One row per theme and column value, with `stories_n` (NA when hidden) and `suppressed`.
    """
    if by == "group":
        frame = stories[["story_id", "theme"]].merge(story_groups, on="story_id").rename(columns={"group_id": "by"})
        labels = vocab.SELDOM_HEARD_GROUPS
    else:
        frame = stories[["story_id", "theme", "domain"]].rename(columns={"domain": "by"})
        labels = vocab.DOMAINS
    theme = frame["theme"].astype(object)
    frame = frame.assign(theme=theme.where(theme.notna() & (theme != ""), NOT_THEMED))  # counted, not dropped
    counts = frame.groupby(["theme", "by"]).size().rename("stories_n").reset_index()
    themes = [*vocab.THEMES, *([NOT_THEMED] if (frame["theme"] == NOT_THEMED).any() else [])]
    grid = pd.MultiIndex.from_product([themes, list(labels)], names=["theme", "by"]).to_frame(index=False)
    counts = grid.merge(counts, on=["theme", "by"], how="left").fillna({"stories_n": 0})
    protected = disclosure.protect(counts, [], base_col="stories_n")
    return protected.assign(theme_label=protected["theme"].map({**vocab.THEMES, NOT_THEMED: NOT_THEMED_LABEL}),
                            by_label=protected["by"].map(labels))


def theme_table(counts: pd.DataFrame, by_title: str) -> pd.DataFrame:
    """Theme counts as a grid to read: one row per theme, one column per domain or group."""
    grid = counts.pivot(index="theme_label", columns="by_label", values="stories_n")
    grid = grid.reindex(index=list(dict.fromkeys(counts["theme_label"])),
                        columns=list(dict.fromkeys(counts["by_label"])))
    return grid.astype("Int64").rename_axis(index="Theme", columns=by_title).reset_index()


def _labels(ids: pd.Series, labels: dict[str, str], keep: bool = False) -> list[str]:
    """The label of each id ('' for none; the id itself when `keep`), as plain Python strings."""
    return [labels.get(v, v if keep else "") if isinstance(v, str) else "" for v in ids]


def quotes(stories: pd.DataFrame, story_groups: pd.DataFrame, sizes: dict[str, int], *, search: str = "",
           theme: str = "", domain: str = "", group: str = "") -> QuoteList:
    """The quotes matching the choices, with small groups' labels (or quotes) held back and said so."""
    chosen = stories
    if theme:
        chosen = chosen[chosen["theme"] == theme]
    if domain:
        chosen = chosen[chosen["domain"] == domain]
    if search.strip():
        chosen = chosen[chosen["text"].str.contains(search.strip(), case=False, regex=False, na=False)]
    small = {g for g, n in sizes.items() if n < MIN_GROUP_RESPONDENTS}
    notices: list[str] = []
    withheld = 0
    if group:
        of_group = chosen["story_id"].isin(story_groups.loc[story_groups["group_id"] == group, "story_id"])
        chosen = chosen[of_group]
        if group in small:
            withheld, chosen = len(chosen), chosen.iloc[:0]
            count = f"{withheld} quote(s)" if withheld else "Quotes"
            notices.append(f"{count} from {vocab.label('group', group)} are withheld: fewer than "
                           f"{MIN_GROUP_RESPONDENTS} respondents in this view belong to that group, so a quote "
                           "could point to who said it. Widen the view (fewer sidebar filters) to see them.")
    mine = story_groups[story_groups["story_id"].isin(chosen["story_id"])]
    shown = mine[~mine["group_id"].isin(small)]
    labels = shown.assign(label=shown["group_id"].map(vocab.SELDOM_HEARD_GROUPS)).groupby("story_id")["label"].agg(
        lambda s: "; ".join(sorted(s)))
    hid = set(mine.loc[mine["group_id"].isin(small), "story_id"])
    if hid:
        names = sorted(vocab.label("group", g) for g in set(mine.loc[mine["group_id"].isin(small), "group_id"]))
        notices.append(f"Group labels are left off {len(hid)} quote(s): {', '.join(names)} "
                       f"{'has' if len(names) == 1 else 'have'} fewer than {MIN_GROUP_RESPONDENTS} respondents in "
                       "this view, and naming the group beside a quote could point to who said it.")
    table = chosen.assign(
        theme_label=_labels(chosen["theme"], vocab.THEMES),
        domain_label=_labels(chosen["domain"], vocab.DOMAINS),
        groups_label=_labels(chosen["story_id"], labels.to_dict()),
        org_type_label=_labels(chosen["org_type"], vocab.ORG_TYPE_LABELS),
        source_label=[vocab.SOURCES.get(v, v) if isinstance(v, str) else "" for v in chosen["source"]],
        wave=_labels(chosen["wave"], {}, keep=True),
    )[list(QUOTE_COLUMNS)].rename(columns=QUOTE_COLUMNS).reset_index(drop=True)
    return QuoteList(table=table, withheld_n=withheld, unlabelled_n=len(hid), notices=notices)
