"""Better first guesses: the starter mapping of each fixture needs no role changed and no answer placed
(the truth table is the one bench/starter_mappings.py measures with)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.ingest import mapping
from analysis.ingest.importers import read_export
from analysis.views import import_steps
from bench.starter_mappings import TRUTH, edits

FIXTURES = Path(__file__).parent / "fixtures"
NAMES = sorted(p.name for p in FIXTURES.iterdir() if p.name in TRUTH)


def _guessed(name: str) -> tuple[dict, dict]:
    data = (FIXTURES / name).read_bytes()
    spec = mapping.guess(data, name)
    guessed = {"columns": {c: {"role": e["role"], "answers": e.get("answers", {}), "scale": e.get("scale", "")}
                           for c, e in spec["columns"].items()}, "scales": list(spec["scales"])}
    return guessed, import_steps.column_labels(read_export(data, name, keep_test_responses=True))


@pytest.mark.parametrize("name", NAMES)
def test_no_edits_left_on_the_fixtures(name):
    roles, placements, _ = edits(name, *_guessed(name))
    assert (roles, placements) == (0, 0)


@pytest.mark.parametrize(("column", "role"), [
    ("Submitted", "wave"), ("Practice code", "organisation"), ("Practice name", "org_name"),
    ("Please tell us why you gave that answer", "free_text"), ("Sentiment score", "ignore"),
    ("Comment length", "ignore"),
])
def test_fft_export_columns(column, role):
    spec = mapping.guess((FIXTURES / "fft_gp_practices.csv").read_bytes(), "fft_gp_practices.csv")
    assert spec["columns"][column]["role"] == role


@pytest.mark.parametrize(("csv", "role"), [
    (b"id,when\n1,2024-01-02 10:00\n2,2024-02-03 11:00\n", "wave"),  # timestamps: never free text
    (b"id,score\nA1,0.731\nA2,-0.12\nA3,0.5\n", "ignore"),                       # derived numbers
    (b"id,Code\nA1,RX1\nA2,A81001\n", "organisation"),                              # NHS ODS codes
    (b"id,Code\nA1,X\nA2,Y\n", "ignore"),
    (b"id,Site name\nA1,North clinic\nA2,South clinic\nA3,North clinic\n", "organisation"),
    (b"id,opt\nA1,Carers\nA2,\n", "group"),                                       # a seldom-heard group's option
    (b"id,Any other comments\nA1,Fine\nA2,\n", "free_text"),
])
def test_first_guesses(csv, role):
    spec = mapping.guess(csv, "x.csv")
    column = list(spec["columns"])[1]
    assert spec["columns"][column]["role"] == role


def test_ignored_columns_list_no_answers():
    spec = mapping.guess((FIXTURES / "fft_gp_practices.csv").read_bytes(), "fft_gp_practices.csv")
    assert all(not e.get("answers") for e in spec["columns"].values() if e["role"] != "question")


def test_a_file_of_only_preview_responses_keeps_them():
    data = b'ResponseId,Status,Q1\nResponse ID,Response Type,Q\n{"ImportId":"_recordId"},{"ImportId":"status"},' \
           b'{"ImportId":"QID1"}\nR_1,Survey Preview,Agree\nR_2,Survey Preview,Disagree\n'
    assert mapping.guess(data, "previews.csv")["import"]["keep_test_responses"] is True
