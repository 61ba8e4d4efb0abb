"""Readers of survey-platform exports, chosen by content: a registry of layouts tried in order."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from contextvars import ContextVar, Token
from pathlib import PurePath

from analysis.ingest.importers import budgets, limesurvey, qualtrics, single, spss, surveymonkey, template
from analysis.ingest.importers.base import MAX_BYTES, Export, FileProblem, csv_rows, decode, xlsx_rows

__all__ = ["LAYOUTS", "MAX_BYTES", "Export", "FileProblem", "read_export"]

Rows = list[list[str]]
# name -> (does this layout fit these rows, read them); tried in order, the first that fits wins.
LAYOUTS: dict[str, tuple[Callable[[Rows], bool], Callable[[Rows, str], Export]]] = {
    "qualtrics": (qualtrics.detect_current, qualtrics.parse_current),
    "qualtrics_legacy": (qualtrics.detect_legacy, qualtrics.parse_legacy),
    "surveymonkey": (surveymonkey.detect, surveymonkey.parse),
    "limesurvey": (limesurvey.detect, limesurvey.parse),
    "template": (template.detect, template.parse),
    "single_header": (single.detect, single.parse),
}
_ZIP_MAGIC = b"PK\x03\x04"


def _rows(data: bytes, file_name: str) -> Rows:
    suffix = PurePath(file_name).suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        return xlsx_rows(data, file_name)
    if suffix in {".xlsx", ".xlsm"}:
        kind = "some other binary file" if b"\x00" in data[:4096] else "text"
        raise FileProblem(f"{file_name} is named as an Excel workbook but is not one (it is {kind}). "
                          "If it is a CSV file, rename it to .csv; otherwise save it again from Excel as .xlsx.")
    if suffix == ".xls":
        raise FileProblem(f"{file_name} is an old Excel .xls workbook; save it as .xlsx or CSV and import that.")
    return csv_rows(decode(data, file_name), file_name)


_remembered: ContextVar[dict | None] = ContextVar("remembered_upload", default=None)


def remember_in(memo: dict) -> Token:
    """From now on in this run, keep the last file read in `memo` (one visitor's), keyed by its SHA-256.

    The Data page reruns on every click; with this, an upload is parsed once, not twice per rerun.
    """
    return _remembered.set(memo)


def _read_once(data: bytes, file_name: str) -> Export:
    memo = _remembered.get()
    if memo is None:
        return _read(data, file_name)
    key = (hashlib.sha256(data).hexdigest(), file_name)
    if memo.get("key") != key:
        memo.clear()
        try:
            memo.update(key=key, export=_read(data, file_name))
        except FileProblem as exc:  # kept as its words only: the exception's traceback holds the file's text
            memo.update(key=key, problem=(str(exc), exc.row, exc.column, exc.value, exc.problems))
    if "problem" in memo:
        message, row, column, value, problems = memo["problem"]
        raise FileProblem(message, row=row, column=column, value=value, problems=problems)
    kept: Export = memo["export"]
    return dataclasses.replace(kept, excluded=dict(kept.excluded), flags=list(kept.flags), rows=list(kept.rows))


def read_export(data: bytes, file_name: str, *, keep_test_responses: bool = False) -> Export:
    """The responses in an export, read with its platform's layout (judged from the content)."""
    export = _read_once(data, file_name)
    return export if keep_test_responses else export.exclude_flagged()


def _read(data: bytes, file_name: str) -> Export:
    budgets.check_size(len(data), file_name)
    if not data.strip(b"\xef\xbb\xbf \r\n\t"):
        raise FileProblem(f"{file_name} is empty. Export it again from the survey platform.")
    if spss.detect(data):
        return spss.parse(data, file_name)
    if PurePath(file_name).suffix.lower() in {".sav", ".zsav"}:
        raise FileProblem(f"{file_name} is named as an SPSS .sav file but is not one (it lacks the SPSS file "
                          "signature). Save it again from SPSS, or rename it to what it really is.")
    rows = _rows(data, file_name)
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise FileProblem(f"{file_name} is empty. Export it again from the survey platform.")
    for _name, (fits, parse) in LAYOUTS.items():
        if fits(rows):
            return parse(rows, file_name)
    raise FileProblem(f"{file_name}: the layout was not recognised.")
