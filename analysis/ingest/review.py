"""The review queue: stories the redaction was unsure of wait for a person before they are shown anywhere.

A story is held when `redact.review_reasons` finds a doubt in its stored (already redacted) text: a
capitalised word it could not place, an ordinary word used like a name, a word after a title. A reviewer
approves, edits or hides it. Decisions are appended, one JSON line each, to `review.jsonl` in the dataset's
folder (the stored story itself never changes); the latest decision for a story wins. A decision belongs to
the story's id and text, so it still holds in a later dataset that carries the same story.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
from pathlib import Path

import pandas as pd

from analysis.ingest import redact
from analysis.storage import store

FILE = "review.jsonl"
DECISIONS = ("approve", "edit", "hide")
STATUS = {"held": "Held for review", "approve": "Approved", "edit": "Edited and shown", "hide": "Hidden"}
INTRO = ("Stories whose redaction was unsure (a capitalised word it could not place, an ordinary word used like a "
         "name, a word after a title) are held back from the Voices page and from packs until someone reads them. "
         "Approve a quote to show it, edit it to take something out, or hide it.")
_DECISION_COLUMNS = ["story_id", "text_sha", "decision", "text", "reviewer", "decided_at"]


def text_sha(text: str) -> str:
    """A short fingerprint of a story's stored text (a decision is for this text only)."""
    return hashlib.sha256(str(text).encode("utf-8")).hexdigest()[:16]


def flag(stories: pd.DataFrame) -> pd.DataFrame:
    """The stories with `review_reasons` (why a person should read it first; empty when nothing is in doubt)."""
    reasons = [redact.review_reasons(t) for t in stories["text"].astype(str)]
    return stories.assign(  # object columns even when there are no stories (an empty list reads as float)
        review_reasons=pd.Series(["; ".join(r) for r in reasons], index=stories.index, dtype=object),
        text_sha=pd.Series([text_sha(t) for t in stories["text"].astype(str)], index=stories.index, dtype=object))


def _path(directory: Path, dataset_id: str) -> Path:
    return Path(directory) / "datasets" / dataset_id / FILE


def read_decisions(directory: store.Location, dataset_id: str) -> pd.DataFrame:
    """Every decision recorded for the stories of the data directory's datasets, oldest first."""
    rows = []
    ids = [dataset_id, *(m["dataset_id"] for m in store.list_datasets(directory) if m["dataset_id"] != dataset_id)]
    for folder in ids:
        text = store.read_text(directory, f"datasets/{folder}/{FILE}")
        for line in (text or "").splitlines():
            with contextlib.suppress(ValueError):  # a line cut short by a crash is skipped, never fatal
                record = json.loads(line)
                if isinstance(record, dict) and record.get("decision") in DECISIONS:
                    rows.append({c: record.get(c) for c in _DECISION_COLUMNS})
    frame = pd.DataFrame(rows, columns=_DECISION_COLUMNS)
    return frame.sort_values("decided_at", kind="stable").reset_index(drop=True)


def version(directory: store.Location, dataset_id: str) -> str:
    """Changes whenever a decision is recorded in any dataset of the directory (decisions follow a story into
    later datasets): a cache key for the stories shown. Empty for a read-only store in object storage."""
    if store.is_uri(directory):
        return ""
    stats = sorted((str(p.parent.name), p.stat().st_size, p.stat().st_mtime_ns)
                   for p in (Path(directory) / "datasets").glob(f"*/{FILE}"))
    return hashlib.sha256(repr((dataset_id, stats)).encode()).hexdigest()[:16]


def record(directory: Path, dataset_id: str, stories: pd.DataFrame, decision: str, reviewer: str = "",
           text: str | None = None, now: dt.datetime | None = None) -> int:
    """Append one decision per story (story_id and text columns) to the dataset's review file; how many.

    An edited quote is redacted again before it is kept. The lines go in one locked, synced append, so
    decisions made at the same moment by two reviewers never interleave or overwrite each other.
    """
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
    if decision == "edit" and not (text and text.strip()):
        raise ValueError("an edit needs the new text of the quote")
    stamp = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
    edited = redact.redact(text.strip()) if decision == "edit" else None
    lines = "".join(json.dumps({"story_id": str(row.story_id), "text_sha": text_sha(row.text), "decision": decision,
                                "text": edited, "reviewer": reviewer or "", "decided_at": stamp},
                               ensure_ascii=False) + "\n"
                    for row in stories[["story_id", "text"]].itertuples(index=False))
    if not lines:
        return 0
    path = _path(directory, dataset_id)
    if not path.parent.is_dir():
        raise ValueError(f"there is no dataset {dataset_id!r} to record decisions for")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        data = lines.encode("utf-8")
        while data:
            data = data[os.write(fd, data):]
        os.fsync(fd)
    finally:
        os.close(fd)  # closing releases the lock
    return len(stories)


def queue(flagged: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """The stories in review: those with a doubt and any with a decision, each with its status (a key of STATUS),
    the text shown when published, the reviewer and when."""
    latest = decisions.drop_duplicates(["story_id", "text_sha"], keep="last").astype({"text_sha": object})
    # A dataset with no stories gives an empty frame whose text_sha is float: keys as text on both sides.
    joined = flagged.assign(story_id=flagged["story_id"].astype(str),
                            text_sha=flagged["text_sha"].astype(object)).merge(
        latest, on=["story_id", "text_sha"], how="left", suffixes=("", "_edit"))
    in_review = (joined["review_reasons"] != "") | joined["decision"].notna()
    out = joined[in_review]
    return out.assign(status=out["decision"].fillna("held"),
                      shown_text=out["text_edit"].where(out["decision"] == "edit", out["text"]))


def publish(flagged: pd.DataFrame, decisions: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The stories that may be shown (approved or edited ones with their new text, and those with no doubt),
    and how many are held for review. Hidden stories are left out."""
    reviewed = queue(flagged, decisions).set_index("story_id")
    ids = flagged["story_id"].astype(str)
    status = ids.map(reviewed["status"]).fillna("clear")
    shown = flagged[status.isin(["clear", "approve", "edit"]).to_numpy()]
    edits = ids[shown.index].map(reviewed["shown_text"].where(reviewed["status"] == "edit"))
    shown = shown.assign(text=edits.where(edits.notna(), shown["text"]).astype(str))
    return shown.drop(columns=["review_reasons", "text_sha"]), int((status == "held").sum())


def review_table(items: pd.DataFrame, status: str = "held", search: str = "") -> pd.DataFrame:
    """The queue as a reviewer reads it: filtered by status ('all' for every one) and a search of the text."""
    chosen = items if status == "all" else items[items["status"] == status]
    if search.strip():
        chosen = chosen[chosen["shown_text"].str.contains(search.strip(), case=False, regex=False, na=False)]
    return pd.DataFrame({"Story": chosen["story_id"], "Quote": chosen["shown_text"],
                         "Why it was held": chosen["review_reasons"], "Status": chosen["status"].map(STATUS),
                         "Reviewer": chosen["reviewer"].fillna(""), "Decided at": chosen["decided_at"].fillna("")})


def held_note(held_n: int) -> str:
    """What the Voices page says about the quotes waiting for a reviewer."""
    quotes = "quote is" if held_n == 1 else "quotes are"
    return (f"{held_n:,} {quotes} held for review and not shown: the redaction was unsure whether they still "
            "name someone. A reviewer can approve, edit or hide them on the Data page.")


def short_label(table: pd.DataFrame, story_id: str, width: int = 90) -> str:
    """A story in a chooser: its id and the start of its quote."""
    quote = str(table.loc[table["Story"] == story_id, "Quote"].iloc[0])
    return f"{story_id}: {quote[:width]}{'...' if len(quote) > width else ''}"


def counts_text(items: pd.DataFrame) -> str:
    """How many quotes are in each state of review, in one line."""
    return " · ".join(f"{label}: {int((items['status'] == status).sum()):,}" for status, label in STATUS.items())
