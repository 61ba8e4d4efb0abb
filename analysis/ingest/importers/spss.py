"""SPSS .sav: value labels become answer labels; user-defined missing values become non-substantive."""

from __future__ import annotations

import math
import os
import tempfile

import pandas as pd

from analysis.ingest.importers import budgets
from analysis.ingest.importers.base import SPSS_MAGIC, Export, FileProblem


def detect(data: bytes) -> bool:
    """The .sav magic number."""
    return data[:4] in SPSS_MAGIC


def _text(value: object, labels: dict) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NaT:
        return ""
    if value in labels:
        return str(labels[value])
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _is_missing(value: object, ranges: list[dict]) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return any(value == r["lo"] for r in ranges)
    return any(r["lo"] <= value <= r["hi"] for r in ranges if isinstance(r["lo"], int | float))


def parse(data: bytes, file_name: str) -> Export:
    """Every case a response (row = case number); labels applied; user-missing labels recorded per column."""
    import pyreadstat

    budgets.check_spss_header(data, file_name)  # before pyreadstat makes room for what the header declares
    fd, path = tempfile.mkstemp(suffix=".sav")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        columns = max(1, pyreadstat.read_sav(path, metadataonly=True)[1].number_columns)
        if columns > budgets.MAX_COLUMNS:
            raise FileProblem(f"{file_name} has {columns:,} variables; the limit is {budgets.MAX_COLUMNS:,} "
                              "columns. Leave out the variables you do not need.")
        most = budgets.MAX_CELLS // columns
        frame, meta = pyreadstat.read_sav(path, user_missing=True, row_limit=most + 1)
        if len(frame) > most:
            raise FileProblem(f"{file_name} has more than {most:,} cases of {columns:,} variables, over the limit "
                              f"of {budgets.MAX_CELLS:,} cells. Split it (by wave, say) before importing.")
    except FileProblem:
        raise
    except Exception as exc:  # pyreadstat raises its own error types for damaged files
        raise FileProblem(f"{file_name} could not be read as an SPSS .sav file: {exc}. "
                          "Save it again from SPSS.") from exc
    finally:
        os.unlink(path)
    if frame.empty:
        raise FileProblem(f"{file_name} has variables but no cases. Export it again with the responses.")
    columns = [str(c) for c in frame.columns]
    text, missing, order = {}, {}, {}
    cells = {}
    for column in columns:
        labels = meta.variable_value_labels.get(column, {})
        ranges = meta.missing_ranges.get(column, [])
        values = frame[column].tolist()
        cells[column] = [_text(v, labels) for v in values]
        flagged = {_text(v, labels) for v in values if v is not None and _is_missing(v, ranges)}
        if flagged:
            missing[column] = flagged - {""}
        text[column] = (meta.column_names_to_labels.get(column) or column).strip()
        if labels and meta.variable_measure.get(column) == "ordinal":  # codes in order: the scale's levels
            order[column] = [str(labels[k]) for k in sorted(labels, key=lambda k: (not isinstance(k, int | float),
                                                                                   k if isinstance(k, int | float)
                                                                                   else 0, str(k)))]
    out = pd.DataFrame(cells, columns=columns, dtype=object).astype(str)
    return Export(file_name=file_name, layout="spss", frame=out, rows=list(range(1, len(out) + 1)),
                  header_rows=0, text=text, non_substantive=missing, label_order=order)
