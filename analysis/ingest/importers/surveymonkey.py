"""SurveyMonkey CSV or XLSX: question in row 1 (blank where it spans columns), option or "Response" in row 2."""

from __future__ import annotations

from analysis.ingest.importers.base import Export, clean_header, frame_from_rows

_RESPONSE = {"response", "open-ended response", "other (please specify)"}
_META = {"respondent id": "respondent_id", "respondentid": "respondent_id", "collector id": "ignore",
         "collectorid": "ignore", "start date": "ignore", "startdate": "ignore", "end date": "ignore",
         "enddate": "ignore", "ip address": "ignore", "email address": "ignore", "first name": "ignore",
         "last name": "ignore", "custom data 1": "ignore", "custom data": "ignore"}


def detect(rows: list[list[str]]) -> bool:
    """Row 2 has "Response" cells under the questions, blanks under the metadata columns."""
    if len(rows) < 2 or not rows[0] or not rows[1]:
        return False
    second = [c.strip().lower() for c in rows[1]]
    return sum(c in _RESPONSE for c in second) >= 1 and (
        rows[0][0].strip().lower() in _META or second[0] == "")


def parse(rows: list[list[str]], file_name: str) -> Export:
    """Columns named 'question' or 'question [option]', the question carried forward over blank cells."""
    columns, text, question = [], {}, ""
    for top, sub in zip(rows[0], rows[1] + [""] * len(rows[0]), strict=False):
        if top.strip():
            question = clean_header(top)
        sub_clean = clean_header(sub)
        if not top.strip() and not question:
            name = ""
        elif sub_clean.lower() in {"response", "open-ended response"} and top.strip():
            name = question
        elif sub_clean:
            name = f"{question} [{sub_clean}]"
        else:
            name = question if top.strip() else ""
        columns.append(name)
        text[name] = name
    export = frame_from_rows(file_name, "surveymonkey", columns, rows[2:], first_row=3, header_rows=2)
    export.text = {c: t for c, t in text.items() if c in export.frame}
    export.hints = {c: _META[c.lower()] for c in export.frame if c.lower() in _META}
    return export
