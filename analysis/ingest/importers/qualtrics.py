"""Qualtrics CSV: the current layout (ids, question text, ImportId row) and the legacy one (V1.. codes)."""

from __future__ import annotations

import ast
import json
import re

from analysis.ingest.importers.base import Export, clean_header, frame_from_rows

_IMPORT_ID = re.compile(r"^\{\s*['\"]ImportId['\"]\s*:")
# Status codes of a numeric export, and the words of a choice-text export, that mark preview and test responses.
_STATUS_EXCLUDED = {"1": "survey preview", "2": "survey test", "9": "survey preview", "17": "survey preview",
                    "survey preview": "survey preview", "survey test": "survey test", "preview": "survey preview",
                    "test": "survey test"}
_CHANNEL_EXCLUDED = {"preview": "survey preview", "test": "survey test"}


def import_id(cell: str) -> str | None:
    """The ImportId in a third-row cell, JSON (`{"ImportId":"QID2"}`) or Python-dict style."""
    if not _IMPORT_ID.match(cell.strip()):
        return None
    for parse in (json.loads, ast.literal_eval):
        try:
            value = parse(cell)
        except (ValueError, SyntaxError):
            continue
        if isinstance(value, dict):
            return str(value.get("ImportId", ""))
    return None


def detect_current(rows: list[list[str]]) -> bool:
    """Three header rows, the third of ImportId objects."""
    return len(rows) >= 3 and bool(rows[2]) and sum(import_id(c) is not None for c in rows[2]) >= len(rows[2]) / 2


def detect_legacy(rows: list[list[str]]) -> bool:
    """Two header rows: V1, V2... codes, then field names and question text."""
    return (len(rows) >= 2 and len(rows[0]) >= 2 and rows[0][0] == "V1" and rows[0][1] == "V2"
            and "ResponseID" in rows[1])


def _flag_previews(export: Export) -> Export:
    frame = export.frame
    reasons = frame.index.to_series().map(lambda _: "")
    if "Status" in frame:
        reasons = frame["Status"].str.strip().str.lower().map(_STATUS_EXCLUDED).fillna("")
    if "DistributionChannel" in frame:
        channel = frame["DistributionChannel"].str.strip().str.lower().map(_CHANNEL_EXCLUDED).fillna("")
        reasons = reasons.where(reasons != "", channel)
    export.flags = [f"{r} response (Qualtrics Status/DistributionChannel)" if r else "" for r in reasons]
    return export


def _hints(columns: list[str]) -> dict[str, str]:
    return {c: "respondent_id" for c in columns if c in {"ResponseID", "ResponseId", "_recordId"}} | {
        c: "ignore" for c in columns
        if c in {"ResponseSet", "IPAddress", "StartDate", "EndDate", "RecipientLastName", "RecipientFirstName",
                 "RecipientEmail", "ExternalDataReference", "ExternalReference", "Finished", "Status", "Progress",
                 "Duration (in seconds)", "RecordedDate", "LocationLatitude", "LocationLongitude",
                 "LocationAccuracy", "DistributionChannel", "UserLanguage", "Name", "EmailAddress"}}


def parse_current(rows: list[list[str]], file_name: str) -> Export:
    """The current layout: ids in row 1, wording in row 2, ImportIds in row 3, responses from row 4."""
    raw = [c.strip() for c in rows[0]]
    tellers = [import_id(c) or "" for c in rows[2]]
    export = frame_from_rows(file_name, "qualtrics", raw, rows[3:], first_row=4, header_rows=3, tellers=tellers)
    columns = list(export.frame.columns)
    export.text = {c: clean_header(t) for c, t in zip(columns, rows[1], strict=False)}
    export.hints = _hints(columns)
    return _flag_previews(export)


def parse_legacy(rows: list[list[str]], file_name: str) -> Export:
    """The legacy layout: V1.. and Q codes in row 1, field names and wording in row 2, responses from row 3."""
    raw = [name.strip() if re.fullmatch(r"V\d+", code) else code.strip()
           for code, name in zip(rows[0], rows[1] + [""] * len(rows[0]), strict=False)]
    labels = [clean_header(t) for t in rows[1]]
    export = frame_from_rows(file_name, "qualtrics_legacy", raw, rows[2:], first_row=3, header_rows=2,
                             tellers=labels)
    columns = list(export.frame.columns)
    export.text = dict(zip(columns, labels, strict=False))
    export.hints = _hints(columns)
    return _flag_previews(export)
