"""What an upload may cost, checked before each expensive step; every refusal names the limit it hit.

The defaults fit any real survey export we have seen; a deployment changes one with its environment
variable (docs/deployment.md). The upload size is the one limit set elsewhere too: Streamlit's
`server.maxUploadSize = 50` in .streamlit/config.toml is 50 MB of 1,048,576 bytes, the same 52,428,800
bytes as MAX_BYTES here (a test keeps the two equal).
"""

from __future__ import annotations

import os
import struct
import zipfile

MIB = 1024 * 1024


def _limit(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


MAX_BYTES = 50 * MIB  # a file bigger than this is split before importing
MAX_COLUMNS = _limit("ENGAGEMENT_MAX_COLUMNS", 2_000)
MAX_ROWS = _limit("ENGAGEMENT_MAX_ROWS", 1_000_000)  # lines or worksheet rows, blank ones included
MAX_CELLS = _limit("ENGAGEMENT_MAX_CELLS", 5_000_000)
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_TEXT_CHARS = _limit("ENGAGEMENT_MAX_TEXT_CHARS", 100_000_000)  # all cells together (shared strings repeat)
MAX_XLSX_UNPACKED = _limit("ENGAGEMENT_MAX_XLSX_UNPACKED_MB", 200) * MIB
MAX_SHARED_STRINGS = _limit("ENGAGEMENT_MAX_SHARED_STRINGS_MB", 64) * MIB
MAX_SHEETS = _limit("ENGAGEMENT_MAX_SHEETS", 100)
MAX_XML_DEPTH = 100  # a worksheet nests about 7 deep
# A CSV file named on the command line is read in chunks (analysis/ingest/importers/stream.py), so it may be bigger
# than an upload when a deployment allows it; its rows, cells and text are still counted against the limits above.
MAX_FILE_BYTES = _limit("ENGAGEMENT_MAX_FILE_MB", MAX_BYTES // MIB) * MIB


def size_text(n_bytes: int) -> str:
    """A size as the limits are stated: MB of 1,048,576 bytes, with the exact bytes."""
    return f"{n_bytes / MIB:,.1f} MB ({n_bytes:,} bytes)"


def upload_limit_text() -> str:
    """The upload limit in words, e.g. '50 MB (52,428,800 bytes)'."""
    return f"{MAX_BYTES // MIB} MB ({MAX_BYTES:,} bytes)"


def _refuse(message: str, **where: object):
    from analysis.ingest.importers.base import FileProblem

    return FileProblem(message, **where)


def check_size(n_bytes: int, file_name: str) -> None:
    """Refuse a file over the upload limit."""
    if n_bytes > MAX_BYTES:
        raise _refuse(f"{file_name} is {size_text(n_bytes)}; the limit is {upload_limit_text()}. Split the file "
                      "(for example by wave) and import each part.")


def check_file_size(n_bytes: int, file_name: str) -> None:
    """Refuse a file named on the command line that is over its limit (the upload limit unless set)."""
    if n_bytes > MAX_FILE_BYTES:
        raise _refuse(f"{file_name} is {size_text(n_bytes)}; the limit for a file named on the command line is "
                      f"{size_text(MAX_FILE_BYTES)} (ENGAGEMENT_MAX_FILE_MB). Split the file (for example by wave) "
                      "and import each part, or raise the limit.")


def check_text_shape(text: str, columns: int, file_name: str) -> None:
    """Refuse text whose line count alone (times the header's width) is far over the row or cell budget.

    Lines overcount records only when answers span lines, so the estimate is allowed twice the budget;
    the exact count (Tally) still applies while the file is read.
    """
    lines = text.count("\n") + 1
    if lines > 2 * MAX_ROWS:
        raise _refuse(f"{file_name} has {lines:,} lines, far more than the limit of {MAX_ROWS:,} rows; split it "
                      "before importing.")
    if lines * columns > 2 * MAX_CELLS:
        raise _refuse(f"{file_name} has about {lines * columns:,} cells ({lines:,} lines of {columns:,} columns), "
                      f"far more than the limit of {MAX_CELLS:,}; split it before importing.")


def check_cells(cells: int, file_name: str) -> None:
    """Refuse a file with more cells than the budget (counted before any row is kept)."""
    if cells > MAX_CELLS:
        raise _refuse(f"{file_name} has {cells:,} cells; the limit is {MAX_CELLS:,}. Split it before importing.")


def check_rows(rows: list[list[str]], file_name: str) -> None:
    """Refuse rows (already within the cell budget) that are too many or too wide, counted at C speed."""
    if len(rows) > MAX_ROWS:
        raise _refuse(f"{file_name} has {len(rows):,} rows; the limit is {MAX_ROWS:,} (blank rows included). Split "
                      "it before importing.")
    widest = max(map(len, rows), default=0)
    if widest > MAX_COLUMNS:
        number = next(i for i, r in enumerate(rows, start=1) if len(r) == widest)
        raise _refuse(f"{file_name} has {widest:,} columns on record {number}; the limit is {MAX_COLUMNS:,}. Leave out "
                      "the columns you do not need, or split the file.", row=number)


def check_declared_rows(rows: int | None, file_name: str) -> None:
    """Refuse a worksheet that declares more rows than the budget (its dimension tag), before reading them."""
    if rows and rows > MAX_ROWS:
        raise _refuse(f"{file_name}: the first worksheet declares {rows:,} rows; the limit is {MAX_ROWS:,}. "
                      "Save only the rows with responses, or split the file.")


class Tally:
    """Running counts of a file's rows and cells, refusing the row that takes one past its budget."""

    def __init__(self, file_name: str) -> None:
        self.file_name, self.rows, self.cells, self.chars = file_name, 0, 0, 0

    def add(self, row: list[str], number: int, *, measure: bool = False) -> None:
        """Count one record (`number` as a person sees it); `measure` also checks the length of its text."""
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise _refuse(f"{self.file_name} has more than {MAX_ROWS:,} rows (the limit, blank rows included); "
                          "split it before importing.", row=number)
        if len(row) > MAX_COLUMNS:
            raise _refuse(f"{self.file_name} has {len(row):,} columns on row {number}; the limit is "
                          f"{MAX_COLUMNS:,}. Leave out the columns you do not need, or split the file.", row=number)
        self.cells += len(row)
        if self.cells > MAX_CELLS:
            raise _refuse(f"{self.file_name} has more than {MAX_CELLS:,} cells (the limit) by row {number}; "
                          "split it before importing.", row=number)
        if measure:
            lengths = [len(c) for c in row]
            longest = max(lengths, default=0)
            if longest > MAX_CELL_CHARS:
                col = lengths.index(longest) + 1
                raise _refuse(f"{self.file_name}: the cell on row {number}, column {col} holds {longest:,} "
                              f"characters; the limit is {MAX_CELL_CHARS:,} (Excel's own).", row=number,
                              column=f"column {col}")
            self.chars += sum(lengths)
            if self.chars > MAX_TEXT_CHARS:
                raise _refuse(f"{self.file_name} holds more than {MAX_TEXT_CHARS:,} characters of text (the "
                              f"limit) by row {number}; split it before importing.", row=number)


def check_workbook(archive: zipfile.ZipFile, file_name: str) -> None:
    """Refuse a workbook whose unpacked size, shared strings or sheet count is over its limit (nothing unpacked)."""
    infos = archive.infolist()
    total = sum(info.file_size for info in infos)
    if total > MAX_XLSX_UNPACKED:
        raise _refuse(f"{file_name} unpacks to {size_text(total)}, more than the {size_text(MAX_XLSX_UNPACKED)} "
                      "allowed. Save it as CSV or split it.")
    shared = sum(i.file_size for i in infos if i.filename.lower().endswith("sharedstrings.xml"))
    if shared > MAX_SHARED_STRINGS:
        raise _refuse(f"{file_name} holds {size_text(shared)} of shared strings, more than the "
                      f"{size_text(MAX_SHARED_STRINGS)} allowed. Save it as CSV or split it.")
    sheets = sum(1 for i in infos if i.filename.lower().startswith("xl/worksheets/") and i.filename.endswith(".xml"))
    if sheets > MAX_SHEETS:
        raise _refuse(f"{file_name} has {sheets:,} worksheets; the limit is {MAX_SHEETS:,}. Save the sheet with "
                      "the responses on its own (as CSV or a one-sheet workbook).")


def _opened(piece: bytes) -> int:
    # '<' opens, '</' closes, '/>' closes what it opened; '<?' and '<!' open nothing.
    return (piece.count(b"<") - 2 * piece.count(b"</") - piece.count(b"/>") - piece.count(b"<?")
            - piece.count(b"<!"))


def xml_problem(stream, limit: int = MAX_XML_DEPTH, chunk: int = MIB) -> str:
    """'dtd' when an XML part declares a document type or entities, 'deep' when it nests deeper than `limit`,
    else ''; read in chunks, never whole.

    The depth is counted at cuts made just after a '>' about every 4 KB, so no tag is split; a part that goes
    deeper than the limit and back between two cuts is bounded by the 4 KB between them.
    """
    depth, carry = 0, b""
    while True:
        block = stream.read(chunk)
        whole = carry + block
        cut = whole.rfind(b">") + 1 if block else len(whole)
        whole, carry = whole[:cut], whole[cut:]
        if b"<!DOCTYPE" in whole or b"<!ENTITY" in whole:
            return "dtd"
        pos = 0
        while pos < len(whole):
            end = whole.rfind(b">", pos, pos + 4096) + 1
            end = end if end > pos else min(pos + 4096, len(whole))
            depth += _opened(whole[pos:end])
            pos = end
            if depth > limit:
                return "deep"
        if not block:
            return ""


def check_spss_header(data: bytes, file_name: str) -> None:
    """Refuse an SPSS .sav whose header declares more cases or variables than the budgets allow (before reading)."""
    if len(data) < 84:
        raise _refuse(f"{file_name} is too short to be an SPSS .sav file. Save it again from SPSS.")
    for order in ("<", ">"):
        layout, case_size, _compression, _weight, cases = struct.unpack(f"{order}iiiii", data[64:84])
        if layout in (2, 3):
            break
    else:
        raise _refuse(f"{file_name} has an SPSS header this reader does not know. Save it again from SPSS.")
    if case_size > MAX_COLUMNS * 32:  # a long string variable takes up to 32 slots of 8 bytes
        raise _refuse(f"{file_name} declares {case_size:,} values per case; the limit is {MAX_COLUMNS:,} columns. "
                      "Leave out the variables you do not need.")
    if cases > 0 and cases * max(case_size, 1) > MAX_CELLS * 32:
        raise _refuse(f"{file_name} declares {cases:,} cases of {case_size:,} values; the limit is "
                      f"{MAX_CELLS:,} cells. Split it (by wave, say) before importing.")
