"""Readers of each platform layout, and the files they refuse, as tables of fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.ingest.importers import FileProblem, read_export
from analysis.ingest.importers.qualtrics import import_id

FIXTURES = Path(__file__).parent / "fixtures"


def _read(name: str, **kwargs):
    return read_export((FIXTURES / name).read_bytes(), name, **kwargs)


@pytest.mark.parametrize(("name", "layout", "rows_read", "kept", "column"), [
    ("qualtrics_current.csv", "qualtrics", 4, 2, "Q2_1"),
    ("qualtrics_pydict.csv", "qualtrics", 2, 1, "Q1"),
    ("qualtrics_legacy.csv", "qualtrics_legacy", 3, 2, "ResponseID"),
    ("surveymonkey.csv", "surveymonkey", 2, 2, "Which groups do you speak for? [Older people]"),
    ("surveymonkey.xlsx", "surveymonkey", 2, 2, "Groups [Carers]"),
    ("limesurvey.csv", "limesurvey", 2, 2, "Influence [Care environment]"),
    ("google_forms.csv", "google_forms", 3, 3, "Trust"),
    ("odk.csv", "odk", 2, 2, "grp/groups/carers"),
    ("cp1252.csv", "single_header", 2, 2, "Influence on café food"),
    ("spss.sav", "spss", 4, 4, "infl"),
    ("template.csv", "template", 3, 3, "influence_funding"),
])
def test_layouts_are_read(name, layout, rows_read, kept, column):
    export = _read(name)
    assert (export.layout, export.rows_read, len(export.rows), column in export.frame) == (
        layout, rows_read, kept, True)


@pytest.mark.parametrize(("name", "column", "first_value", "first_row"), [
    ("qualtrics_current.csv", "ResponseId", "R_001", 4),
    ("qualtrics_legacy.csv", "ResponseID", "R_1", 3),
    ("surveymonkey.csv", "Respondent ID", "0012", 3),  # leading zeros survive
    ("surveymonkey.xlsx", "Respondent ID", "0012", 3),
    ("spss.sav", "resp", "0001", 1),
    ("spss.sav", "infl", "No influence", 1),  # value labels become answer labels
    ("odk.csv", "grp/influence", "some", 2),
])
def test_values_stay_text(name, column, first_value, first_row):
    export = _read(name)
    assert (export.frame[column].iloc[0], export.rows[0]) == (first_value, first_row)


@pytest.mark.parametrize(("cell", "expected"), [
    ('{"ImportId":"QID2"}', "QID2"),
    ("{'ImportId': 'QID2-1'}", "QID2-1"),
    ("Q2", None),
])
def test_import_ids(cell, expected):
    assert import_id(cell) == expected


def test_preview_and_test_rows_are_counted_and_can_be_kept():
    export = _read("qualtrics_current.csv")
    assert sorted(export.excluded.values()) == [1, 1]
    assert len(_read("qualtrics_current.csv", keep_test_responses=True).rows) == 4


def test_spss_user_missing_values_are_non_substantive():
    assert _read("spss.sav").non_substantive == {"infl": {"Refused"}}


def test_odk_not_asked_is_blank_and_legacy_phantom_column_dropped():
    assert _read("odk.csv").frame["grp/influence"].tolist() == ["some", ""]
    assert "" not in _read("qualtrics_legacy.csv").frame.columns


@pytest.mark.parametrize(("name", "words"), [
    ("empty.csv", "is empty"),
    ("header_only.csv", "header but no responses"),
    ("ragged.csv", "row 3 has 3 cells"),
    ("fake.xlsx", "not one (it is text)"),
    ("fake.sav", "lacks the SPSS file signature"),
    ("entity_bomb.xlsx", "entity declaration"),
])
def test_bad_files_are_refused(name, words):
    with pytest.raises(FileProblem, match=None) as info:
        _read(name)
    assert words in str(info.value)


def test_size_limit(monkeypatch):
    monkeypatch.setattr("analysis.ingest.importers.budgets.MAX_BYTES", 10)
    with pytest.raises(FileProblem, match="the limit is"):
        read_export(b"respondent_id,q1\nP1,Some\n", "big.csv")


@pytest.mark.parametrize(("name", "columns", "why"), [
    ("qualtrics_side_by_side.csv", ["Q5_1 [QID5#1_1]", "Q5_1 [QID5#2_1]", "Q5_2 [QID5#1_2]", "Q5_2 [QID5#2_2]"],
     "ImportId"),
    ("qualtrics_legacy_matrix.csv", ["Q3 [The staff listened-Reception]", "Q3 [The staff listened-Nurses]",
                                     "Q3 [The staff listened-Doctors]"], "ImportId or label"),
    ("limesurvey_unnamed.csv", ["column 5"], "no name in the header"),
    ("duplicate_columns.csv", ["Q1 (column 2)", "Q1 (column 3)"], "its position"),
])
def test_duplicate_and_unnamed_columns_are_named_and_listed(name, columns, why):
    export = _read(name)
    assert [c for c in export.frame.columns if c in columns] == columns
    assert [r["to"] for r in export.renamed] == columns
    assert all(why in r["why"] for r in export.renamed)
    assert _read(name).frame.columns.tolist() == export.frame.columns.tolist()  # the same names every time


def test_a_new_name_that_clashes_falls_back_to_the_position():
    export = read_export(b"a,a,a (column 2)\n1,2,3\n", "clash.csv")
    assert len(set(export.frame.columns)) == 3
