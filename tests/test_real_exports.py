"""Every real export in ../shared/real-exports is read with the number of responses SOURCES.md gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.ingest import importing, mapping
from analysis.ingest.importers import read_export

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-exports"
pytestmark = pytest.mark.real_exports
if not (REAL / "SOURCES.md").exists():
    pytest.skip("../shared/real-exports is absent", allow_module_level=True)


def _expected() -> dict[str, int]:
    counts = {}
    for line in (REAL / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 3 and re.fullmatch(r"\d+", cells[2]):
            counts[cells[0]] = int(cells[2])
    return counts


EXPECTED = _expected()


def test_sources_table_parsed():
    assert len(EXPECTED) >= 8


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rows_read(name):
    assert read_export((REAL / name).read_bytes(), name).rows_read == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_imports_or_refuses_plainly(tmp_path, name):
    data = (REAL / name).read_bytes()
    spec = mapping.guess(data, name)
    spec["import"].update(source="users_group_survey", wave="2024", organisation="RX1", org_type="acute")
    report = importing.run(data, name, spec, tmp_path)
    assert report.rows_read == EXPECTED[name]
    assert report.ok or all(p["message"] for p in report.problems)


# The Likert-type (ordered-answer) questions of each file: each must come out of the starter mapping as a question
# with every answer placed on a scale, with no manual edit.
LIKERT = {
    "qualtrics_no_basis_insights.csv": ["Q1", *(f"Q3_{i}" for i in range(1, 5)), *(f"Q4_{i}" for i in range(1, 5))],
    "qualtrics_no_basis_legacy.csv": ["Q1", *(f"Q3_{i}" for i in range(1, 5)), *(f"Q4_{i}" for i in range(1, 5))],
    "qualtrics_matrix_insights.csv": [*(f"Q2_{i}" for i in range(1, 4)), *(f"Q4_{i}" for i in range(1, 4)),
                                      *(f"Q3_question_{n}" for n in ("one", "two", "three")),
                                      *(f"Q5_question_{n}" for n in ("one", "two", "three"))],
    "surveymonkey_steak_risk.csv": ["Do you ever smoke cigarettes?", "Do you ever drink alcohol?",
                                    "Do you ever gamble?", "Have you ever been skydiving?"],
    "spss_sample.sav": ["myord"],
}


@pytest.mark.parametrize("name", sorted(LIKERT))
def test_likert_questions_are_placed_without_edits(name):
    spec = mapping.guess((REAL / name).read_bytes(), name)
    for column in LIKERT[name]:
        entry = spec["columns"][column]
        assert entry["role"] == "question", (column, entry)
        assert entry["answers"] and all(entry["answers"].values()), (column, entry["answers"])
        assert mapping.scale_definition(spec, entry["scale"]) is not None


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_imports_as_it_is_with_its_true_count(tmp_path, name):
    """With only what the file lacks set (source, wave, organisation), every file imports: no column edits."""
    data = (REAL / name).read_bytes()
    spec = mapping.guess(data, name)
    spec["import"].update(source="users_group_survey", wave="2024", organisation="RX1", org_type="acute")
    report = importing.run(data, name, spec, tmp_path, importing.Options(dry_run=True))
    assert report.ok, report.problems[:3]
    assert report.rows_read == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_guided_steps_keep_every_file_importable_and_draw_its_charts(tmp_path, name):
    from analysis.views import import_steps

    data = (REAL / name).read_bytes()
    spec = mapping.guess(data, name)
    spec = import_steps.apply_survey(spec, import_steps.Survey("patient_survey", "2024", "", "", "RX1", "acute", ""))
    spec = import_steps.apply_groups(spec, import_steps.groups(spec), import_steps.read_labels(data, name))
    report = importing.run(data, name, spec, tmp_path, importing.Options(dry_run=True))
    assert report.ok, report.problems[:3]
    shown = import_steps.preview_panels(report)
    assert all(p.title and p.summary for p in shown)
    assert bool(shown) == bool(report.answers)
