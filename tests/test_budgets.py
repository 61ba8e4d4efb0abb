"""Budgets an upload must keep within: each checked before the expensive step, each refusal naming its limit."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from conftest import open_page

from analysis.ingest import mapping
from analysis.ingest.importers import FileProblem, budgets, read_export
from bench import hostile_files

ROOT = Path(__file__).resolve().parent.parent


def _csv(columns: int, rows: int) -> bytes:
    return "\n".join(",".join(f"r{r}c{c}" for c in range(columns)) for r in range(rows + 1)).encode()


def _xlsx(values: list[str], sheets: int = 1) -> bytes:
    rows = ['<row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="s"><v>0</v></c></row>']
    rows += [f'<row r="{i + 2}"><c r="A{i + 2}"><v>{i}</v></c><c r="B{i + 2}" t="s"><v>{i}</v></c></row>'
             for i in range(len(values))]
    sheet = hostile_files._sheet(rows)
    return hostile_files._workbook({f"S{i}": sheet for i in range(sheets)}, shared=values)


# (case, limit patched, value, file name, bytes, words the refusal must say)
CASES = [
    ("columns", "MAX_COLUMNS", 3, "wide.csv", _csv(4, 2), "4 columns on row 1; the limit is 3"),
    ("cells", "MAX_CELLS", 20, "tall.csv", _csv(3, 9), "30 cells; the limit is 20"),
    ("lines", "MAX_ROWS", 3, "lines.csv", _csv(1, 9), "far more than the limit of 3 rows"),
    ("rows", "MAX_ROWS", 5, "rows.xlsx", _xlsx(["a"] * 6), "more than 5 rows"),
    ("xlsx cells", "MAX_CELLS", 5, "cells.xlsx", _xlsx(["a"] * 6), "more than 5 cells"),
    ("text", "MAX_TEXT_CHARS", 100, "text.xlsx", _xlsx(["x" * 60] * 3), "more than 100 characters of text"),
    ("sheets", "MAX_SHEETS", 2, "sheets.xlsx", _xlsx(["a"], sheets=3), "3 worksheets; the limit is 2"),
    ("shared strings", "MAX_SHARED_STRINGS", 100, "sst.xlsx", _xlsx(["x" * 200]), "of shared strings, more than"),
    ("unpacked", "MAX_XLSX_UNPACKED", 1000, "big.xlsx", _xlsx(["x" * 2000]), "unpacks to"),
    ("upload", "MAX_BYTES", 10, "upload.csv", _csv(2, 2), "the limit is"),
]


@pytest.mark.parametrize(("case", "limit", "value", "name", "data", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_file_over_a_budget_is_refused_naming_the_limit(case, limit, value, name, data, words,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    read_export(data, name)  # within the usual budgets it is read
    monkeypatch.setattr(budgets, limit, value)
    with pytest.raises(FileProblem) as info:
        read_export(data, name)
    assert words in str(info.value)


# (file of the hostile corpus, words of its refusal): small ones, made here; the heavy ones are in bench/hostile.py
HOSTILE = [
    ("shared_string_bomb.xlsx", "holds 5,000,000 characters; the limit is 32,767"),
    ("deep_xml.xlsx", "nests XML more than 100 levels deep"),
    ("sparse_far_cell.xlsx", "declares 1,048,576 rows; the limit is 1,000,000"),
    ("lying_case_count.sav", "declares 150,000,000 cases of 10 values; the limit is 5,000,000 cells"),
    ("many_variables.sav", "declares 50,000,000 values per case; the limit is 2,000 columns"),
    ("columns_20k.csv", "20,000 columns on row 1; the limit is 2,000"),
    ("corrupt_archive.xlsx", "is not a real Excel workbook"),
    ("entity_bomb.xlsx", "entity declaration"),
]


@pytest.mark.parametrize(("name", "words"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_files_are_refused_plainly_before_the_expensive_step(name: str, words: str) -> None:
    data = hostile_files.CORPUS[name]()
    with pytest.raises(FileProblem) as info:
        read_export(data, name)
    assert words in str(info.value)
    with pytest.raises(FileProblem):
        mapping.guess(data, name)


def test_a_usual_export_is_within_every_budget() -> None:
    export = read_export((ROOT / "tests" / "fixtures" / "surveymonkey.xlsx").read_bytes(), "surveymonkey.xlsx")
    assert len(export.frame)


def test_one_upload_limit_everywhere() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == budgets.MAX_BYTES == 52_428_800
    assert budgets.upload_limit_text() == "50 MB (52,428,800 bytes)"
    data_page = (ROOT / "pages" / "_uploads.py").read_text(encoding="utf-8")
    assert "upload_limit_text()" in data_page, "the Data page says the limit in bytes beside the uploader"


def test_the_command_line_refuses_a_big_file_before_reading_it(tmp_path: Path, capsys) -> None:
    from analysis.commands import cli

    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(budgets.MAX_BYTES + 1)
    assert cli.main(["mapping-template", str(big)]) == 2
    err = capsys.readouterr().err
    assert "52,428,801 bytes" in err and "the limit is 50 MB (52,428,800 bytes)" in err


@pytest.mark.apptest
def test_the_data_page_parses_an_upload_once_not_on_every_rerun(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:

    from analysis.ingest import importers
    from analysis.storage import store

    monkeypatch.setenv(store.ENV_VAR, str(tmp_path))
    reads: list[str] = []
    real = importers._read
    monkeypatch.setattr(importers, "_read", lambda data, name: reads.append(name) or real(data, name))
    at = open_page("data").run()
    data = (ROOT / "tests" / "fixtures" / "template.csv").read_bytes()
    at.file_uploader(key="export_file").upload("template.csv", data, "text/csv").run()
    for _ in range(3):
        at.run()
    assert not at.exception and at.metric, "the preview is shown"
    assert reads == ["template.csv"], "parsed once for the mapping, the preview and every rerun"
    other = data.replace(b"WS01-P001", b"WS01-P009")
    at.file_uploader(key="export_file").upload("template.csv", other, "text/csv").run()
    assert reads == ["template.csv"] * 2, "a changed file (another SHA-256) is parsed again"


def test_a_refused_upload_is_remembered_by_its_words_not_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    from analysis.ingest import importers

    memo: dict = {}
    token = importers.remember_in(memo)
    try:
        data = hostile_files.CORPUS["columns_20k.csv"]()
        for _ in range(2):
            with pytest.raises(FileProblem, match="20,000 columns"):
                read_export(data, "wide.csv")
            monkeypatch.setattr(importers, "_read", lambda *a: pytest.fail("parsed again"))
        assert not [v for v in memo.values() if isinstance(v, BaseException)], "an exception keeps the file alive"
    finally:
        importers._remembered.reset(token)
