"""A hostile corpus: files made to take a server down (bombs, lies in headers, huge rows), generated here.

Each entry: file name -> a function returning the bytes. `write(folder)` writes them all.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
                  'spreadsheetml.sheet.main+xml"/>{sheets}'
                  '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
               'officedocument.spreadsheetml.worksheet+xml"/>')
_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
         '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
         'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def _workbook(sheets: dict[str, bytes], shared: list[str] | None = None) -> bytes:
    """A minimal workbook: the sheets' XML as given, and shared strings."""
    n = len(sheets)
    book = (f'<?xml version="1.0"?><workbook {_NS} {_R}><sheets>'
            + "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, n + 1))
            + "</sheets></workbook>")
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships">' + "".join(
                f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
            + f'<Relationship Id="rId{n + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    strings = shared or []
    sst = (f'<?xml version="1.0"?><sst {_NS} count="{len(strings)}" uniqueCount="{len(strings)}">'
           + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES.format(
            sheets="".join(_SHEET_TYPE.format(i=i) for i in range(1, n + 1))))
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", book)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/sharedStrings.xml", sst)
        for i, body in enumerate(sheets.values(), start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", body)
    return out.getvalue()


def _sheet(rows: list[str]) -> bytes:
    return (f'<?xml version="1.0"?><worksheet {_NS}><sheetData>' + "".join(rows) + "</sheetData></worksheet>").encode()


def _header_row() -> str:
    cell = '<c r="{}" t="inlineStr"><is><t>{}</t></is></c>'
    return '<row r="1">' + cell.format("A1", "id") + cell.format("B1", "q") + "</row>"


def xlsx_shared_string_bomb() -> bytes:
    """One 5 MB shared string used by 200 cells (the issue's 17 KB workbook)."""
    cells = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="s"><v>0</v></c></row>'
                    for r in range(2, 202))
    return _workbook({"S1": _sheet([_header_row(), cells])}, shared=["A" * 5_000_000])


def xlsx_deep_xml() -> bytes:
    """A worksheet whose XML nests 200,000 elements deep."""
    depth = 200_000
    body = (f'<?xml version="1.0"?><worksheet {_NS}><sheetData>' + "<row>" * depth + "</row>" * depth
            + "</sheetData></worksheet>").encode()
    return _workbook({"S1": body})


def xlsx_many_sheets() -> bytes:
    """10,000 worksheets."""
    return _workbook({f"S{i}": _sheet([_header_row()]) for i in range(10_000)})


def xlsx_zip_bomb() -> bytes:
    """A worksheet that unpacks to 1 GB (a row with one cell padded by whitespace), about 1 MB packed."""
    padding = b" " * 1_000_000_000
    body = _sheet([_header_row()]).replace(b"<sheetData>", b"<sheetData>" + padding)
    return _workbook({"S1": body})


def xlsx_sparse_far_cell() -> bytes:
    """Two cells: A1 and XFD1048576, so a reader walks 17 billion blanks."""
    body = _sheet([_header_row(), '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>']).replace(
        b"<sheetData>", b'<dimension ref="A1:XFD1048576"/><sheetData>')
    return _workbook({"S1": body})


def xlsx_corrupt_archive() -> bytes:
    """A real workbook cut in half."""
    whole = _workbook({"S1": _sheet([_header_row()])})
    return whole[: len(whole) // 2]


def xlsx_entity_bomb() -> bytes:
    """Billion laughs in the shared strings."""
    lol = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
           + f']><sst {_NS}><si><t>&lol9;</t></si></sst>')
    data = io.BytesIO(_workbook({"S1": _sheet([_header_row()])}))
    out = io.BytesIO()
    with zipfile.ZipFile(data) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, lol if info.filename == "xl/sharedStrings.xml" else src.read(info))
    return out.getvalue()


def sav_lying_case_count() -> bytes:
    """A 1 KB SPSS .sav whose header claims 150 million cases of 10 variables."""
    header = (b"$FL2" + b"@(#) SPSS DATA FILE hostile".ljust(60) + struct.pack("<iiiii", 2, 10, 0, 0, 150_000_000)
              + struct.pack("<d", 100.0) + b"01 Jan 2501:01:01" + b"hostile".ljust(64) + b"\0\0\0")
    variables = b"".join(struct.pack("<iiiiii", 2, 0, 0, 0, 0x050800, 0x050800) + f"V{i}".encode().ljust(8)
                         for i in range(10))
    return (header + variables + struct.pack("<ii", 999, 0)).ljust(1024, b"\0")


def sav_many_variables() -> bytes:
    """An SPSS .sav header claiming 50 million variables per case."""
    header = (b"$FL2" + b"@(#) SPSS DATA FILE hostile".ljust(60) + struct.pack("<iiiii", 2, 50_000_000, 0, 0, 10)
              + struct.pack("<d", 100.0) + b"01 Jan 2501:01:01" + b"hostile".ljust(64) + b"\0\0\0")
    return header.ljust(1024, b"\0")


def csv_20k_columns() -> bytes:
    """20,000 columns, three rows (the issue's 169 KB file that cost 48 s a rerun)."""
    header = ",".join(f"c{i}" for i in range(20_000))
    return "\n".join([header, *(",".join("1" for _ in range(20_000)) for _ in range(3))]).encode()


def csv_2m_columns() -> bytes:
    """2 million columns in about 20 MB."""
    return ("id," + ",".join(f"{i % 10}" for i in range(2_000_000)) + "\nr1," + "1," * 1_999_999 + "1\n").encode()


def csv_50mb_rows() -> bytes:
    """A 50 MB export of plausible rows: 12 columns, about 900,000 responses."""
    line = "R{0:07d},Some,A lot,No influence,A little,Some,Don't know,Some,A lot,Some,2024,RX1\n"
    header = "id,q1,q2,q3,q4,q5,q6,q7,q8,q9,wave,org\n"
    rows = []
    size, i = len(header), 0
    while size < 49_900_000:
        row = line.format(i)
        rows.append(row)
        size += len(row)
        i += 1
    return (header + "".join(rows)).encode()


def csv_huge_cell() -> bytes:
    """One answer of 40 MB."""
    return b"id,comment\nr1," + b"x" * 40_000_000 + b"\n"


def csv_unterminated_quote() -> bytes:
    """An opening quote that never closes, swallowing 30 MB of lines."""
    return b'id,comment\nr1,"' + b"a line of text,\n" * 1_900_000


def csv_blank_lines() -> bytes:
    """A header and 10 million blank lines."""
    return b"id,q1\n" + b"\n" * 10_000_000 + b"r1,Some\n"


def csv_binary_garbage() -> bytes:
    """Random-looking bytes named .csv."""
    import random

    rng = random.Random(7)
    return bytes(rng.getrandbits(8) for _ in range(2_000_000))


def csv_many_short_rows() -> bytes:
    """Six million one-cell rows (cells beyond the budget in a small file)."""
    return b"id\n" + b"1\n" * 6_000_000


CORPUS: dict[str, Callable[[], bytes]] = {
    "shared_string_bomb.xlsx": xlsx_shared_string_bomb,
    "deep_xml.xlsx": xlsx_deep_xml,
    "many_sheets.xlsx": xlsx_many_sheets,
    "zip_bomb.xlsx": xlsx_zip_bomb,
    "sparse_far_cell.xlsx": xlsx_sparse_far_cell,
    "corrupt_archive.xlsx": xlsx_corrupt_archive,
    "entity_bomb.xlsx": xlsx_entity_bomb,
    "lying_case_count.sav": sav_lying_case_count,
    "many_variables.sav": sav_many_variables,
    "columns_20k.csv": csv_20k_columns,
    "columns_2m.csv": csv_2m_columns,
    "rows_50mb.csv": csv_50mb_rows,
    "huge_cell.csv": csv_huge_cell,
    "unterminated_quote.csv": csv_unterminated_quote,
    "blank_lines.csv": csv_blank_lines,
    "binary_garbage.csv": csv_binary_garbage,
    "many_short_rows.csv": csv_many_short_rows,
}


def write(folder: Path) -> list[Path]:
    """Write every file of the corpus into a folder; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, make in CORPUS.items():
        path = folder / name
        if not path.exists():
            path.write_bytes(make())
        paths.append(path)
    return paths
