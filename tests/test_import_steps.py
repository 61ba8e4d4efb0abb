"""The guided import's steps as plain functions: the mapping each step writes imports from the command line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.commands import cli
from analysis.ingest import importing, mapping
from analysis.ingest.importers import read_export
from analysis.views import import_steps

FIXTURES = Path(__file__).parent / "fixtures"


def _start(name: str) -> tuple[dict, dict[str, list[str]]]:
    data = (FIXTURES / name).read_bytes()
    return mapping.guess(data, name), import_steps.column_labels(read_export(data, name, keep_test_responses=True))


@pytest.mark.parametrize(("column", "stem"), [
    ("Q4_1", "Q4"), ("Q5_1_2", "Q5"), ("Influence [Care environment]", "Influence"), ("q1", "q1"),
    ("Q3 [The staff listened-Nurses]", "Q3"), ("Q1 (column 2)", "Q1"),
    ("matrix_question_five_2", "matrix_question_five"),
])
def test_stem(column, stem):
    assert import_steps.stem(column) == stem


def test_a_matrix_is_one_group_and_single_questions_group_by_scale():
    spec, _ = _start("qualtrics_legacy_matrix.csv")
    frame = import_steps.groups(spec)
    assert frame[["group", "questions", "scale", "measure"]].values.tolist() == [["Q3", 3, "agree5", "agreement"]]
    spec, _ = _start("agree_survey.sav")
    frame = import_steps.groups(spec)
    assert frame[["group", "questions", "scale"]].values.tolist() == [
        ["Questions on Agree or disagree (5 points)", 5, "agree5"]]


def test_one_choice_changes_a_whole_group():
    spec, labels = _start("qualtrics_legacy_matrix.csv")
    chosen = import_steps.groups(spec).assign(scale="satisfaction5", measure="experience")
    result = import_steps.apply_groups(spec, chosen, labels)
    entries = [e for e in result["columns"].values() if e.get("role") == "question"]
    assert len(entries) == 3 and {e["scale"] for e in entries} == {"satisfaction5"}
    # Agree/disagree answers are not on a satisfaction scale: left unplaced for the person to see.
    assert all(set(e["answers"].values()) == {""} for e in entries)
    excluded = import_steps.apply_groups(spec, import_steps.groups(spec).assign(include=False), labels)
    assert not [e for e in excluded["columns"].values() if e.get("role") == "question"]


def test_survey_step_sets_source_wave_and_organisation():
    spec, _ = _start("fft_gp_practices.csv")
    now = import_steps.survey(spec)
    assert (now.wave_column, now.org_column) == ("Submitted", "Practice code")
    changed = import_steps.apply_survey(spec, import_steps.Survey("patient_survey", "2025", "", "", "Valley PCN",
                                                                  "gp_practice", ""))
    assert changed["import"]["organisation"] == "Valley PCN" and changed["columns"]["Submitted"]["role"] == "ignore"
    assert changed["columns"]["Practice code"]["role"] == "ignore"


@pytest.mark.parametrize(("rows", "problem"), [
    ([("Loads", 2, True, False), ("A bit", 1, False, False)], ""),
    ([("Loads", 1, True, False), ("A bit", 1, False, False)], "same order"),
    ([("Loads", 2, False, False), ("A bit", 1, False, False)], "positive"),
    ([("Loads", 1, True, False), ("Dunno", None, False, True)], "at least two"),
    ([("Loads", "x", True, False), ("A bit", 1, False, False)], "order number"),
])
def test_a_scale_of_ones_own(rows, problem):
    spec, _ = _start("unknown_label.csv")
    frame = pd.DataFrame(rows, columns=import_steps.LEVEL_COLUMNS)
    result, problems = import_steps.save_scale(spec, "q1", "How much", frame)
    if problem:
        assert problem in " ".join(problems) and result is spec
    else:
        scale = result["scales"]["q1"]
        assert scale["levels"] == ["a_bit", "loads"] and scale["positive"] == ["loads"]
        assert scale["labels"] == {"a_bit": "A bit", "loads": "Loads"}


def test_levels_frame_orders_a_library_scale():
    spec, labels = _start("agree_survey.sav")
    frame = import_steps.levels_frame(spec, "agree5", labels["q1"])
    assert frame["answer"].tolist()[:5] == ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree",
                                            "Strongly agree"]
    assert frame.loc[frame["answer"] == "Don't know", "no answer"].all()
    assert frame["positive"].tolist()[:5] == [False, False, False, True, True]


def test_own_measure_is_accepted_by_the_check():
    spec, labels = _start("agree_survey.sav")
    spec, measure_id = import_steps.add_measure(spec, "Trust in the service")
    chosen = import_steps.groups(spec).assign(measure=measure_id)
    spec = import_steps.apply_groups(spec, chosen, labels)
    spec["import"].update(source="patient_survey", wave="2025", organisation="X1", org_type="community")
    assert measure_id == "trust_in_the_service" and mapping.check(spec, list(spec["columns"])) == []
    assert import_steps.add_measure(spec, "  ")[1] == ""


@pytest.mark.parametrize(("name", "settings", "words"), [
    ("agree_survey.sav", import_steps.Survey("patient_survey", "2025", "", "", "Northside", "community", ""),
     "% agree or strongly agree"),
    ("fft_gp_practices.csv", import_steps.Survey("patient_survey", "", "Submitted", "Practice code", "", "", ""),
     "% extremely likely or likely to recommend"),
])
def test_the_browsers_mapping_imports_from_the_command_line(tmp_path, capsys, name, settings, words):
    spec, labels = _start(name)
    spec = import_steps.apply_survey(spec, settings)
    spec = import_steps.apply_groups(spec, import_steps.groups(spec), labels)
    (tmp_path / "map.toml").write_text(mapping.to_toml(spec), encoding="utf-8")
    code = cli.main(["import", str(FIXTURES / name), "--mapping", str(tmp_path / "map.toml"),
                     "--data-dir", str(tmp_path / "data")])
    assert code == 0, capsys.readouterr()
    report = importing.run((FIXTURES / name).read_bytes(), name, spec, tmp_path / "other",
                           importing.Options(dry_run=True))
    shown = import_steps.preview_panels(report)
    assert shown and words in shown[0].title


def test_a_file_without_questions_has_no_groups():
    spec = mapping.guess(b"id,when\nA1,2024-01-01\nA2,2024-01-02\n", "x.csv")
    assert import_steps.groups(spec).empty and import_steps.group_columns(spec, "x") == []
    assert import_steps.apply_groups(spec, import_steps.groups(spec), {}) == spec
