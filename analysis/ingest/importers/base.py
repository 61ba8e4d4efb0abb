"""What every platform reader returns, and the shared steps: size limit, decoding, CSV and XLSX rows."""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
import zlib
from contextvars import ContextVar
from dataclasses import dataclass, field

import pandas as pd

from analysis.ingest.importers import budgets
from analysis.model.errors import UserError, problem

MAX_BYTES = budgets.MAX_BYTES  # one upload limit everywhere: see analysis/ingest/importers/budgets.py
SPSS_MAGIC = (b"$FL2", b"$FL3")
BLANK = ""
# Records before the ones a reader is given: a file read in chunks (analysis/ingest/importers/stream.py) hands each
# chunk to its layout's reader after the header rows, and the rows keep the numbers they have in the file.
RECORD_OFFSET: ContextVar[int] = ContextVar("record_offset", default=0)


class FileProblem(UserError):
    """A problem with the file itself, located by row, column and value where there is one."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None,
                 value: str | None = None, problems: list[dict] | None = None) -> None:
        super().__init__(message)
        self.row, self.column, self.value = row, column, value
        self.problems = problems or [problem(message, row, column, value)]


@dataclass
class Export:
    """A survey export read into text: one row per response, one column per field, blanks as ''."""

    file_name: str
    layout: str
    frame: pd.DataFrame  # every cell a str; '' when blank
    rows: list[int]  # the row number a person sees in the file, one per response
    header_rows: int
    text: dict[str, str] = field(default_factory=dict)  # column -> question wording
    excluded: dict[str, int] = field(default_factory=dict)  # reason -> number of responses
    non_substantive: dict[str, set[str]] = field(default_factory=dict)  # column -> labels the file marks missing
    hints: dict[str, str] = field(default_factory=dict)  # column -> role the layout knows (e.g. respondent_id)
    flags: list[str] = field(default_factory=list)  # per response: why it is left out ('' to keep it)
    label_order: dict[str, list[str]] = field(default_factory=dict)  # column -> answer labels in the file's order
    renamed: list[dict] = field(default_factory=list)  # columns given a name: column number, from, to, why

    def exclude_flagged(self) -> Export:
        """Leave out flagged responses (previews, tests), counting them by reason."""
        if not any(self.flags):
            return self
        keep = [not f for f in self.flags]
        for reason in sorted({f for f in self.flags if f}):
            self.excluded[reason] = self.excluded.get(reason, 0) + self.flags.count(reason)
        self.frame = self.frame[keep].reset_index(drop=True)
        self.rows = [r for r, k in zip(self.rows, keep, strict=True) if k]
        self.flags = []
        return self

    @property
    def rows_read(self) -> int:
        """Responses found in the file, excluded ones included."""
        return len(self.rows) + sum(self.excluded.values())


def clean_header(text: str) -> str:
    """Header text as people read it: HTML tags and entities gone, whitespace collapsed."""
    text = re.sub(r"<[^>]{0,200}>", " ", text)
    text = html.unescape(text).replace("\xa0", " ")
    return re.sub(r"\s+", " ", text).strip()


def check_not_binary(head: bytes, file_name: str) -> None:
    """Refuse a file whose first 4 KB hold a NUL byte: it is not text."""
    if b"\x00" in head[:4096]:
        raise FileProblem(f"{file_name} is not a text file (it holds binary data). Export it again as CSV, "
                          "XLSX or SPSS .sav.")


def encoding_problem(file_name: str, byte: int) -> FileProblem:
    """The words for text that is neither UTF-8 nor Windows-1252 (at `byte`)."""
    return FileProblem(f"{file_name} is neither UTF-8 nor Windows-1252 text (byte {byte}). "
                       "Save it again as 'CSV UTF-8'.")


def decode(data: bytes, file_name: str) -> str:
    """Text from bytes: UTF-8 (with or without BOM) when it is valid, else Windows-1252 as Excel writes it."""
    check_not_binary(data, file_name)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise encoding_problem(file_name, exc.start) from exc


def csv_delimiter(sample: str) -> str:
    """The delimiter of a CSV file from its first line: ',' unless ';' or a tab is more common there."""
    first = sample.splitlines()[0] if sample else ""
    if first.count(";") > first.count(",") and first.count(";") > 0:
        return ";"
    if first.count("\t") > first.count(",") and first.count("\t") > 0:
        return "\t"
    return ","


def csv_problem(exc: csv.Error, line: int, file_name: str) -> FileProblem:
    """The plain words for a CSV reading error near `line`."""
    if "field larger than field limit" in str(exc):
        return FileProblem(f"{file_name}: a cell near line {line:,} is longer than {csv.field_size_limit():,} "
                           "characters, or a quote (\") is never closed. Fix the cell, or export the file again "
                           "from the survey platform.", row=line)
    return FileProblem(f"{file_name} is not a well-formed CSV file: {exc}. Export it again from the survey platform.")


def csv_rows(text: str, file_name: str) -> list[list[str]]:
    """The file's records as lists of text, blank lines kept (as []) so numbering matches the file."""
    delimiter = csv_delimiter(text[:20000])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, [])
        budgets.Tally(file_name).add(header, 1)  # the header's width, exact, before the rest is read
        budgets.check_text_shape(text, len(header), file_name)
        budgets.check_cells(len(header) + sum(map(len, reader)), file_name)  # counted, nothing kept
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        rows = list(reader)  # within the cell budget, counted above
        budgets.check_rows(rows, file_name)
        return rows
    except csv.Error as exc:
        raise csv_problem(exc, reader.line_num, file_name) from exc


def _cell_text(value: object) -> str:
    if value is None:
        return BLANK
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def check_xlsx_safe(data: bytes, file_name: str) -> zipfile.ZipFile:
    """The workbook's zip, after refusing DTDs and entities (XML bombs), deep nesting and parts over budget."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise FileProblem(f"{file_name} is not a real Excel workbook (.xlsx): it is not a zip archive. "
                          "If it is a CSV file, rename it to .csv.") from exc
    budgets.check_workbook(archive, file_name)
    if "[Content_Types].xml" not in archive.namelist():
        raise FileProblem(f"{file_name} is a zip archive but not an Excel workbook (.xlsx).")
    for info in archive.infolist():
        if info.filename.endswith((".xml", ".rels", ".vml")):
            try:
                with archive.open(info) as stream:
                    found = budgets.xml_problem(stream)
            except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
                raise FileProblem(f"{file_name} is a damaged workbook ({info.filename} cannot be unpacked). "
                                  "Save it again from Excel.") from exc
            if found == "dtd":
                raise FileProblem(f"{file_name} contains an XML document type or entity declaration "
                                  f"({info.filename}), which Excel never writes; it was refused for safety.")
            if found == "deep":
                raise FileProblem(f"{file_name}: {info.filename} nests XML more than {budgets.MAX_XML_DEPTH} "
                                  "levels deep, which Excel never writes; it was refused for safety.")
    return archive


def xlsx_rows(data: bytes, file_name: str) -> list[list[str]]:
    """The first worksheet's rows as text, read with openpyxl in read-only mode."""
    import openpyxl

    check_xlsx_safe(data, file_name)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken workbooks
        raise FileProblem(f"{file_name} could not be read as an Excel workbook: {exc}") from exc
    try:
        sheet = book.worksheets[0]
        budgets.check_declared_rows(sheet.max_row, file_name)
        sheet.reset_dimensions()  # a declared size (A1:XFD1048576) would make every row 16,384 cells wide
        rows, tally = [], budgets.Tally(file_name)
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            row = [_cell_text(v) for v in values]
            while row and row[-1] == BLANK:
                row.pop()
            tally.add(row, number, measure=True)
            rows.append(row)
    finally:
        book.close()
    while rows and not rows[-1]:
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    return [r + [BLANK] * (width - len(r)) if r else [] for r in rows]


def distinct_names(columns: list[str], tellers: list[str] | None = None) -> tuple[list[str], list[dict]]:
    """Every column a name of its own, and each renaming: an unnamed column is named from its position
    ("column 7"); columns sharing a name (Qualtrics side-by-side and legacy matrix questions) each get what
    tells them apart added, their ImportId or question label (`tellers`), else their position. Deterministic."""
    tellers = list(tellers or [])
    out = list(columns)
    renamed = []
    for i, name in enumerate(columns):
        if name == BLANK:
            out[i] = f"column {i + 1}"
            renamed.append({"column": i + 1, "from": name, "to": out[i], "why": "no name in the header"})
    counts: dict[str, list[int]] = {}
    for i, name in enumerate(out):
        counts.setdefault(name, []).append(i)
    for name, where in counts.items():
        if len(where) < 2:
            continue
        told = [tellers[i].strip() if i < len(tellers) else "" for i in where]
        usable = all(told) and len(set(told)) == len(told)
        for i, teller in zip(where, told, strict=True):
            out[i] = f"{name} [{teller[:60]}]" if usable else f"{name} (column {i + 1})"
            why = "the same name as another column; told apart by " + (
                "its ImportId or label" if usable else "its position")
            renamed.append({"column": i + 1, "from": name, "to": out[i], "why": why})
    taken: set[str] = set()
    for i, name in enumerate(out):  # a new name that clashes with an existing one falls back to the position
        if name in taken:
            old = out[i]
            out[i] = f"{columns[i] or 'column'} (column {i + 1})"
            renamed = [r for r in renamed if r["column"] != i + 1]
            renamed.append({"column": i + 1, "from": columns[i], "to": out[i],
                            "why": f"{old!r} was taken; told apart by its position"})
        taken.add(out[i])
    return out, sorted(renamed, key=lambda r: r["column"])


def frame_from_rows(file_name: str, layout: str, columns: list[str], records: list[list[str]],
                    first_row: int, header_rows: int, tellers: list[str] | None = None) -> Export:
    """An Export from header names and data records: ragged rows refused; unnamed and duplicate columns named
    (see distinct_names), each renaming listed in `renamed`."""
    columns = list(columns)
    # A trailing comma on every line (Qualtrics legacy) makes a phantom column with no name and no values.
    while columns and columns[-1] == BLANK and all(len(r) < len(columns) or r[len(columns) - 1] == BLANK
                                                   for r in records):
        columns.pop()
        records = [r[: len(columns)] if len(r) > len(columns) else r for r in records]
    if not columns:
        raise FileProblem(f"{file_name} has no column names in its header row.", row=first_row - header_rows)
    columns, renamed = distinct_names(columns, tellers)
    data, numbers, ragged = [], [], []
    first_row += RECORD_OFFSET.get()
    for offset, record in enumerate(records):
        number = first_row + offset
        if not record or all(c.strip() == BLANK for c in record):
            continue
        if len(record) != len(columns):
            extra = record[len(columns):]
            if len(record) > len(columns) and all(c == BLANK for c in extra):
                record = record[: len(columns)]
            else:
                ragged.append(problem(f"row {number} has {len(record)} cells but the header has {len(columns)}; "
                                      "the file is ragged (a stray delimiter or a cut line). Fix the row or "
                                      "export the file again.", number, None, f"{len(record)} cells"))
                continue
        data.append(record)
        numbers.append(number)
    if ragged:
        raise FileProblem(ragged[0]["message"], problems=ragged)
    if not data:
        raise FileProblem(f"{file_name} has a header but no responses. Export it again with the responses.",
                          row=first_row - 1)
    frame = pd.DataFrame(data, columns=columns, dtype=object).astype(str)
    return Export(file_name=file_name, layout=layout, frame=frame, rows=numbers, header_rows=header_rows,
                  renamed=renamed)
