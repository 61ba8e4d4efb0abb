"""LimeSurvey CSV with full question text as headers and `Question [Sub]` sub-questions."""

from __future__ import annotations

from analysis.ingest.importers.base import Export, clean_header, frame_from_rows

_MARKERS = {"Response ID", "Date submitted", "Last page", "Start language", "Seed"}


def detect(rows: list[list[str]]) -> bool:
    """One header row starting with LimeSurvey's response fields."""
    return bool(rows) and len(_MARKERS & {c.strip() for c in rows[0][:8]}) >= 3


def parse(rows: list[list[str]], file_name: str) -> Export:
    """Headers are the questions (HTML entities and tabs cleaned); responses from row 2."""
    columns = [clean_header(c) for c in rows[0]]
    export = frame_from_rows(file_name, "limesurvey", columns, rows[1:], first_row=2, header_rows=1)
    export.text = {c: c for c in export.frame}
    export.hints = {
        c: "ignore" for c in export.frame
        if c in _MARKERS | {"Date started", "Date last action", "Total time", "IP address", "Referrer URL"}
        or c.startswith(("Group time:", "Question time:", "filecount -"))} | {"Response ID": "respondent_id"}
    return export
