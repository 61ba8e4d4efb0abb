"""The stored datasets as tables a person reads: which exist, which is in use, and where each came from."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from analysis.model.errors import UserError, incident, problem
from analysis.storage import store
from analysis.views import links

if TYPE_CHECKING:  # importing is loaded when a file is imported: the briefing command never needs it
    from analysis.ingest import importing

DATASET_COLUMNS = ["Default", "Name", "Title", "Description", "Kind", "Versions", "Current version", "Created (UTC)",
                   "Respondents", "Answers", "Archived"]
VERSION_COLUMNS = ["Version", "Created (UTC)", "Files", "Respondents", "Answers", "Current"]
PROVENANCE_COLUMNS = ["What", "File", "When (UTC)", "Layout", "Rows read", "Respondents", "Answers", "Left out",
                      "SHA-256"]
NOT_APPLICABLE = "n/a"
PREVIEW_TABLES = {"respondents": "Respondents", "answers": "Answers", "memberships": "Memberships",
                  "organisations": "Organisations", "questions": "Questions", "scale_levels": "Scale levels"}

IMPORT_INTRO = ("Upload an export (Qualtrics, SurveyMonkey, LimeSurvey, ODK, Google Forms, SPSS, our template), "
                "review the mapping and the preview, then import. Imports never mix with the demo; a refused one "
                "writes nothing.")
READ_ONLY_NOTE = ("This app reads its data from a store in object storage (`ENGAGEMENT_DATA_DIR` is a URI), which it "
                  "does not write to. Import on the machine that writes the store, with `python -m analysis import`, "
                  "and copy the dataset up (docs/scaling.md).")


def kind(manifest: dict) -> str:
    """'Demo (illustrative)' or 'Imported'."""
    return "Demo (illustrative)" if manifest.get("demo") else "Imported"


def current_or_none(directory: store.Location) -> str | None:
    """The current dataset's id, or None when there is none."""
    return store.current_id(directory) if store.has_dataset(directory) else None


def datasets_frame(directory: store.Location, archived: bool = True) -> pd.DataFrame:
    """One row per named dataset, newest first, with the default one (what new visitors see) ticked."""
    default = store.default_collection(directory)
    rows = []
    for e in store.list_collections(directory, archived=archived):
        rows.append([e["name"] == default, e["name"], e["title"], e["description"], kind(e["manifest"]),
                     len(e["stored"]), e["current"], _when(e["created"]), e["manifest"].get("rows", {}).get(
                         "respondents", 0), e["manifest"].get("rows", {}).get("answers", 0), bool(e["archived"])])
    return pd.DataFrame(rows, columns=DATASET_COLUMNS)


def damage_note(directory: store.Location, dataset_id: str) -> str:
    """'' or a sentence naming the tables of a dataset that cannot be read, and what to do."""
    damaged = store.damaged_tables(directory, dataset_id)
    return (f"The dataset in use is damaged: {', '.join(damaged)} could not be read. Choose another dataset below, "
            "or import the data again.") if damaged else ""


def versions_frame(directory: store.Location, name: str) -> pd.DataFrame:
    """A named dataset's stored versions, newest first: when, how many files went in, how many rows."""
    entry = store.collection(directory, name)
    rows = []
    for version in reversed(entry["stored"]):
        m = store.manifest(directory, version)
        rows.append([version, _when(m.get("created", "")), sum(p.get("kind") == "import" for p in m.get(
            "provenance", [])), m.get("rows", {}).get("respondents", 0), m.get("rows", {}).get("answers", 0),
            version == entry["current"]])
    return pd.DataFrame(rows, columns=VERSION_COLUMNS)


def shown_collection(directory: store.Location, chosen: str | None, wanted: str | None) -> dict | None:
    """The named dataset a view shows: `chosen` (the sidebar's choice) when it is stored, else the one the link's
    `wanted` names (a name, a title or an older link's version), else the default; None when the store holds none."""
    entries = {e["name"]: e for e in store.list_collections(directory, archived=True)}
    if not entries:
        return None
    if chosen in entries:
        return entries[chosen]
    try:
        name = store.resolve(directory, wanted)["name"] if wanted else None
    except store.NoDataset:
        name = None
    name = name or store.default_collection(directory)
    return entries[name] if name in entries else next(iter(entries.values()))


def view_version(directory: store.Location, entry: dict, token: str | None) -> tuple[str, str | None]:
    """The version of a named dataset a view shows, and a note when it is not simply the newest one.

    With a version token (from a link) that is still stored: that version, with a note when newer ones exist.
    With one no longer stored: the newest, with a warning that the numbers may differ from the link's.
    """
    token = str(token or "").strip()[:links.TOKEN_LENGTH]
    if not token:
        return entry["current"], None
    for version in reversed(entry["stored"]):
        manifest = store.manifest(directory, version)
        if links.dataset_token(manifest) == token or version.startswith(token):
            if version == entry["current"]:
                return version, None
            return version, (f"This link shows an earlier version of {entry['title']} ({token}, made "
                             f"{_when(manifest.get('created', ''))}). Newer data have been added since: choose the "
                             "dataset again in the sidebar to see the newest version.")
    return entry["current"], (f"This link was made from version {token} of {entry['title']}, which is no longer "
                              "stored. The numbers shown are from the newest version and may differ from the ones "
                              "the link's author saw.")


def view_manifest(manifest: dict, entry: dict) -> dict:
    """A version's manifest with the name and title of the dataset shown, for banners, links and exports."""
    return {**manifest, "dataset_name": entry["name"], "dataset_title": entry["title"]}


def collection_label(entry: dict) -> str:
    """How a named dataset is named in a choice: its title, and '(archived)' when it is."""
    return entry["title"] + (" (archived)" if entry.get("archived") else "")


def _when(stamp: str) -> str:
    return str(stamp).replace("T", " ").removesuffix("+00:00")


def provenance_frame(manifest: dict) -> pd.DataFrame:
    """One row per import (or the demo generator) that made a dataset: what, which file, when, how many."""
    rows = []
    for entry in manifest.get("provenance", []):
        if entry.get("kind") == "demo":
            what = f"Demo generated by {entry.get('generator', '?')} (seed {entry.get('seed', '?')})"
            when = manifest.get("created", "")
        else:
            what, when = str(entry.get("kind", "import")).capitalize(), entry.get("imported_at", "")
        left_out = "; ".join(f"{e.get('count')} {e.get('reason')}" for e in entry.get("excluded", []))
        rows.append([what, entry.get("file", ""), _when(when), entry.get("layout", ""), entry.get("rows_read"),
                     entry.get("respondents"), entry.get("answers"), left_out, entry.get("sha256", "")])
    frame = pd.DataFrame(rows, columns=PROVENANCE_COLUMNS).astype(object)
    return frame.where(frame.notna(), NOT_APPLICABLE)  # the demo generator reads no file: say so, not "None"


def problems_table(report: importing.ImportReport) -> pd.DataFrame:
    """The problems of a report for reading: row, column, value, message, with blanks where none applies."""
    frame = report.problems_frame.astype(object)
    return frame.where(frame.notna(), "")


def report_counts(report: importing.ImportReport) -> dict[str, int]:
    """The headline counts of an import check, labelled for a person."""
    return {"Responses read": report.rows_read, "Respondents": report.respondents, "Answers": report.answers,
            "Problems": len(report.problems)}


def import_file(file_bytes: bytes, file_name: str, mapping: dict, directory: Path,
                options: importing.Options | None = None) -> importing.ImportReport:
    """Import for real into the target dataset (`options.target`: a new one by default), turning any unexpected
    failure into a refused report (nothing is written then)."""
    from analysis.ingest import importing

    try:
        return importing.run(file_bytes, file_name, mapping, directory, options or importing.Options())
    except UserError as exc:  # e.g. another import holds the store: a plain message, nothing written
        return importing.ImportReport(file=Path(file_name).name, problems=[problem(str(exc))],
                                      message=f"{Path(file_name).name} was not imported: {exc}")
    except Exception:  # the page shows every failure as a problem, never a traceback or a server path
        said = incident(f"importing {Path(file_name).name}")
        return importing.ImportReport(file=Path(file_name).name, problems=[problem(said)],
                                      message=f"{Path(file_name).name} was not imported: {said}.")
