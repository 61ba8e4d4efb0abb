"""Single-header CSV or XLSX: Google Forms, Microsoft Forms, SmartSurvey, ODK/KoboToolbox and the rest."""

from __future__ import annotations

from analysis.ingest.importers.base import Export, clean_header, frame_from_rows

# layout -> (header cells that identify it, id column, metadata columns)
_KNOWN = {
    "odk": ({"_uuid", "_submission_time", "meta/instanceID", "_id"}, "_uuid",
            {"_uuid", "_submission_time", "meta/instanceID", "meta/instanceName", "_tags", "_notes", "_version",
             "_duration", "_submitted_by", "_total_media", "_media_count", "_media_all_received", "_id",
             "_index", "_status", "_validation_status", "_xform_id_string", "_geolocation", "start", "end",
             "today", "deviceid", "__version__", "formhub/uuid", "_attachments", "_parent_index"}),
    "google_forms": ({"Timestamp"}, None, {"Timestamp", "Email address", "Email Address", "Score"}),
    "microsoft_forms": ({"Start time", "Completion time"}, "ID",
                        {"ID", "Start time", "Completion time", "Email", "Name", "Last modified time"}),
    "smartsurvey": ({"UserID", "UserNo", "Started", "Ended"}, "UserID",
                    {"UserID", "UserNo", "Name", "Email", "IP Address", "Unique ID", "Started", "Ended",
                     "Tracking Link", "Custom Value"}),
}


def layout_of(header: list[str]) -> str:
    """Which platform wrote a single-header file, judged by its metadata columns."""
    cells = {c.strip() for c in header}
    for layout, (markers, _, _) in _KNOWN.items():
        if layout == "odk":
            if cells & markers or sum("/" in c for c in cells) >= max(2, len(cells) // 2):
                return layout
        elif len(cells & markers) >= min(2, len(markers)):
            return layout
    return "single_header"


def detect(rows: list[list[str]]) -> bool:
    """Any file with one header row (the fallback)."""
    return bool(rows) and bool(rows[0])


def parse(rows: list[list[str]], file_name: str) -> Export:
    """One header row, responses from row 2; ODK's `n/a` (question not asked) read as blank."""
    columns = [c.strip() for c in rows[0]]
    layout = layout_of(columns)
    export = frame_from_rows(file_name, layout, columns, rows[1:], first_row=2, header_rows=1)
    if layout == "odk":
        export.frame = export.frame.replace({"n/a": ""})
        export.text = {c: c.rsplit("/", 1)[-1].replace("_", " ") for c in export.frame}
    else:
        export.text = {c: clean_header(c) for c in export.frame}
    if layout in _KNOWN:
        _, id_column, meta = _KNOWN[layout]
        export.hints = {c: "ignore" for c in export.frame if c in meta}
        if id_column in export.frame:
            export.hints[id_column] = "respondent_id"
    return export
