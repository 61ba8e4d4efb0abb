"""Our own template (docs/import-template.csv): one row per respondent, named columns, then one per question."""

from __future__ import annotations

from analysis.ingest.importers.base import Export, frame_from_rows

# template column -> mapping role
COLUMNS = {
    "respondent_id": "respondent_id", "source": "source", "unit": "unit", "org_id": "organisation",
    "org_name": "org_name", "org_type": "org_type", "region": "region", "wave": "wave",
    "workshop_id": "workshop_id", "role": "role", "groups": "groups", "weight": "weight",
    "notes": "free_text",
}


def detect(rows: list[list[str]]) -> bool:
    """A single header starting with respondent_id and naming at least three other template columns."""
    header = [c.strip() for c in rows[0]] if rows else []
    return bool(header) and header[0] == "respondent_id" and len(set(header) & set(COLUMNS)) >= 4


def parse(rows: list[list[str]], file_name: str) -> Export:
    """Template columns map themselves; every other column is a question whose header is its id."""
    columns = [c.strip() for c in rows[0]]
    export = frame_from_rows(file_name, "template", columns, rows[1:], first_row=2, header_rows=1)
    export.text = {c: c for c in export.frame}
    export.hints = {c: COLUMNS[c] for c in export.frame if c in COLUMNS}
    return export
