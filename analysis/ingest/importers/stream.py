"""A CSV export read in chunks of responses, so memory does not grow with the file (the command-line import).

The file is read twice, never whole: once block by block for its SHA-256, its size and its encoding (UTF-8,
else Windows-1252, as for a whole file), then record by record. The layout is judged from the first records as
for a whole file. Each chunk of records is then given to that layout's reader after the file's header rows, so
a chunk is read exactly as the same records would be in the whole file, and each row keeps its number in the
file (`base.RECORD_OFFSET`). Every record is counted against the budgets (rows, columns, cells, text) as it is
read. XLSX and SPSS files are read whole (`analysis.ingest.importers.read_export`).
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from analysis.ingest.importers import LAYOUTS, budgets
from analysis.ingest.importers.base import (
    RECORD_OFFSET,
    SPSS_MAGIC,
    Export,
    FileProblem,
    check_not_binary,
    csv_delimiter,
    csv_problem,
    encoding_problem,
)

BLOCK = 1 << 20
HEAD = 50  # records the layout is judged from (a layout looks at its first three at most)
HEADER_ROWS = {"qualtrics": 3, "qualtrics_legacy": 2, "surveymonkey": 2}  # every other layout: one
WHOLE_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".sav", ".zsav"}


def streamable(path: Path) -> bool:
    """Whether the file is text to read in chunks (not a workbook or an SPSS file, by name or content)."""
    with open(path, "rb") as handle:
        head = handle.read(8)
    return path.suffix.lower() not in WHOLE_SUFFIXES and not head.startswith((b"PK\x03\x04", *SPSS_MAGIC))


@dataclass(frozen=True)
class Facts:
    """What one pass over the bytes tells: the file's SHA-256, size and text encoding."""

    sha256: str
    size: int
    encoding: str
    problem: FileProblem | None = None  # empty, binary, or neither encoding: the file is refused


def _blank(block: bytes) -> bool:
    return not block.strip(b"\xef\xbb\xbf \r\n\t")


def facts(path: Path, file_name: str) -> Facts:
    """The file's SHA-256, size and encoding, read block by block, and its `problem` when it is empty, binary, or
    neither UTF-8 nor Windows-1252 (the same words as for a whole file); FileProblem when it is over the size
    limit (before it is read)."""
    size = path.stat().st_size
    budgets.check_file_size(size, file_name)
    digest, utf8 = hashlib.sha256(), codecs.getincrementaldecoder("utf-8-sig")()
    is_utf8, cp1252_error, offset, blank, binary = True, None, 0, True, None
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            if offset == 0:
                try:
                    check_not_binary(block, file_name)
                except FileProblem as exc:
                    binary = exc
            digest.update(block)
            blank = blank and _blank(block)
            if is_utf8:
                try:
                    utf8.decode(block)
                except UnicodeDecodeError:
                    is_utf8 = False
            if cp1252_error is None:
                try:
                    block.decode("cp1252")  # one byte a character: blocks decode on their own
                except UnicodeDecodeError as exc:
                    cp1252_error = offset + exc.start
            offset += len(block)
    if is_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            is_utf8 = False
    problem = (FileProblem(f"{file_name} is empty. Export it again from the survey platform.") if blank
               else binary or (encoding_problem(file_name, cp1252_error)
                               if not is_utf8 and cp1252_error is not None else None))
    return Facts(digest.hexdigest(), size, "utf-8-sig" if is_utf8 else "cp1252", problem)


def _records(path: Path, file_name: str, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """Each record with its number in the file, counted against the budgets as it is read."""
    tally = budgets.Tally(file_name)
    with open(path, encoding=encoding, newline="") as handle:
        delimiter = csv_delimiter(handle.read(20000))
        handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter, strict=True)
        try:
            for number, record in enumerate(reader, start=1):
                tally.add(record, number, measure=True)
                yield number, record
        except csv.Error as exc:
            raise csv_problem(exc, reader.line_num, file_name) from exc


def _is_blank(record: list[str]) -> bool:
    return not record or all(not c.strip() for c in record)


def read_chunks(path: Path, file_name: str, encoding: str, chunk_rows: int,
                keep_test_responses: bool = False) -> Iterator[Export]:
    """The responses of a CSV export, `chunk_rows` records at a time, each chunk an Export read by the file's
    layout (flagged responses left out unless `keep_test_responses`). FileProblem as for a whole file; a chunk
    whose columns differ from the first chunk's (a phantom trailing column that is blank only so far) is refused."""
    records = _records(path, file_name, encoding)
    head = [record for _, record in itertools.islice(records, HEAD)]
    judged = list(head)
    while judged and _is_blank(judged[-1]):
        judged.pop()
    if not judged:
        raise FileProblem(f"{file_name} is empty. Export it again from the survey platform.")
    layout = next((name for name, (fits, _) in LAYOUTS.items() if fits(judged)), None)
    if layout is None:
        raise FileProblem(f"{file_name}: the layout was not recognised.")
    parse = LAYOUTS[layout][1]
    header_rows = HEADER_ROWS.get(layout, 1)
    header, body = head[:header_rows], itertools.chain(head[header_rows:], (r for _, r in records))
    start, columns = header_rows, None  # start: records of the file before the chunk
    while batch := list(itertools.islice(body, chunk_rows)):
        if all(map(_is_blank, batch)):
            start += len(batch)
            continue
        token = RECORD_OFFSET.set(start - header_rows)
        try:
            export = parse(header + batch, file_name)
        finally:
            RECORD_OFFSET.reset(token)
        if columns is None:
            columns = list(export.frame.columns)
        elif list(export.frame.columns) != columns:
            raise FileProblem(f"{file_name}: from row {start + 1} on, the columns read are not those of the rows "
                              "before (a last column blank in every row until then?). Remove the empty last column "
                              "or export the file again.", row=start + 1)
        yield export if keep_test_responses else export.exclude_flagged()
        start += len(batch)
    if columns is None:
        parse(header, file_name)  # no responses: the layout's own refusal, as for a whole file
