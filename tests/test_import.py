"""Mapping, importing and the command line: all-or-nothing, provenance, problems located by row."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import shared_demo_tables

from analysis.commands import cli
from analysis.ingest import importing, mapping
from analysis.model import schema
from analysis.storage import store

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[1]
SETTINGS = {"source": "users_group_survey", "wave": "2024", "organisation": "RX1", "org_type": "acute",
            "region": "London"}


def _mapping(name: str, **settings) -> dict:
    spec = mapping.guess((FIXTURES / name).read_bytes(), name)
    spec["import"].update(SETTINGS | settings)
    return spec


def _write(tmp_path: Path, name: str, spec: dict) -> Path:
    path = tmp_path / f"{name}.toml"
    path.write_text(mapping.to_toml(spec), encoding="utf-8")
    return path


def _cli(tmp_path: Path, name: str, spec: dict, *extra: str, capsys) -> tuple[int, dict]:
    code = cli.main(["import", str(FIXTURES / name), "--mapping", str(_write(tmp_path, name, spec)), "--json",
                     "--data-dir", str(tmp_path / "data"), *extra])
    return code, json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(("name", "respondents", "answers", "groups"), [
    ("qualtrics_current.csv", 2, 2, 3),
    ("surveymonkey.csv", 2, 2, 2),
    ("surveymonkey.xlsx", 2, 2, 2),
    ("limesurvey.csv", 2, 4, 0),
    ("google_forms.csv", 3, 3, 0),
    ("cp1252.csv", 2, 2, 0),
    ("template.csv", 3, 19, 2),
])
def test_fixtures_import(tmp_path, capsys, name, respondents, answers, groups):
    code, report = _cli(tmp_path, name, _mapping(name), capsys=capsys)
    assert (code, report["ok"], report["respondents"], report["answers"]) == (0, True, respondents, answers)
    tables = store.read_core(tmp_path / "data")
    assert len(tables["memberships"]) == groups
    for table, frame in tables.items():
        schema.conform(table, frame)
    assert store.manifest(tmp_path / "data")["demo"] is False


def test_roundtrip_toml():
    spec = _mapping("limesurvey.csv")
    assert mapping.from_toml(mapping.to_toml(spec)) == {k: _strip(v) for k, v in spec.items()}


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k != "_comment"}
    return value


def test_new_scale_from_spss(tmp_path, capsys):
    spec = _mapping("spss.sav")
    spec["scales"]["plans3"] = {"levels": ["none", "a_little", "a_lot"], "positive": ["a_lot"]}
    spec["columns"]["resp"]["role"] = "respondent_id"
    spec["columns"]["infl"].update(role="question", scale="plans3", domain="service_plans",
                                   answers={"No influence": "none", "A little": "a_little", "A lot": "a_lot"})
    code, report = _cli(tmp_path, "spss.sav", spec, capsys=capsys)
    assert (code, report["answers"]) == (0, 4)
    levels = store.read_core(tmp_path / "data")["scale_levels"].set_index("level_id")
    assert levels.loc["not_applicable", "substantive"] == False  # noqa: E712 - the user-missing 'Refused'
    assert store.read_core(tmp_path / "data")["respondents"]["respondent_id"].iloc[0] == "spss-0001"


@pytest.mark.parametrize(("name", "change", "row", "column", "value", "words"), [
    ("unknown_label.csv", {}, 3, "q1", "Loads", "rows 3, 4"),
    ("scientific_ids.csv", {}, 2, "respondent_id", "9.43E+09", "scientific notation"),
    ("google_forms.csv", {"org_type": "clinic"}, 2, None, "clinic", "is not known"),
    ("ragged.csv", {}, 3, None, "3 cells", "ragged"),
])
def test_refusals_name_row_column_value(tmp_path, capsys, name, change, row, column, value, words):
    spec = _mapping("unknown_label.csv" if name == "ragged.csv" else name, **change)
    if name in {"unknown_label.csv", "scientific_ids.csv"}:
        spec["columns"]["trust"]["role"] = "organisation"
        answers = {label: mapping.scales.match([label]).answers[label] if mapping.scales.match([label]) else ""
                   for label in spec["columns"]["q1"].get("answers", {})}
        spec["columns"]["q1"].update(role="question", scale="influence4", answers=answers)
    code, report = _cli(tmp_path, name, spec, capsys=capsys)
    assert (code, report["ok"]) == (2, False)
    found = report["problems"][0]
    assert (found["row"], found["value"]) == (row, value)
    assert column is None or found["column"] == column
    assert words in found["message"]
    assert not (tmp_path / "data" / "CURRENT").exists()


def _collections(tmp_path) -> dict[str, list[str]]:
    return {e["name"]: [p["file"] for p in e["manifest"]["provenance"]]
            for e in store.list_collections(tmp_path / "data", archived=True)}


def test_same_file_twice_changes_nothing(tmp_path, capsys):
    spec = _mapping("google_forms.csv")
    _cli(tmp_path, "google_forms.csv", spec, capsys=capsys)
    first = store.current_id(tmp_path / "data")
    code, report = _cli(tmp_path, "google_forms.csv", spec, capsys=capsys)
    assert (code, report["already_imported"], report["dataset"]) == (0, True, "google-forms")
    assert store.current_id(tmp_path / "data") == first and list(_collections(tmp_path)) == ["google-forms"]


def test_an_unrelated_file_goes_into_a_dataset_of_its_own(tmp_path, capsys):
    _cli(tmp_path, "google_forms.csv", _mapping("google_forms.csv"), capsys=capsys)
    first = store.current_id(tmp_path / "data")
    code, report = _cli(tmp_path, "limesurvey.csv", _mapping("limesurvey.csv"), capsys=capsys)
    assert (code, report["dataset"]) == (0, "limesurvey")
    assert _collections(tmp_path) == {"google-forms": ["google_forms.csv"], "limesurvey": ["limesurvey.csv"]}
    assert store.current_id(tmp_path / "data") == first, "the first import stays what new visitors see"
    assert store.default_collection(tmp_path / "data") == "google-forms"


@pytest.mark.parametrize(("extra", "code", "files"), [
    (["--dataset", "google-forms"], 2, ["google_forms.csv"]),  # no question in common: refused
    (["--dataset", "google_forms"], 2, ["google_forms.csv"]),  # named by its title
    (["--dataset", "google-forms", "--merge-unrelated"], 0, ["google_forms.csv", "limesurvey.csv"]),
    (["--dataset", "nope"], 2, ["google_forms.csv"]),
])
def test_adding_to_a_dataset_only_when_it_is_the_same_survey_or_asked(tmp_path, capsys, extra, code, files):
    _cli(tmp_path, "google_forms.csv", _mapping("google_forms.csv"), capsys=capsys)
    got, report = _cli(tmp_path, "limesurvey.csv", _mapping("limesurvey.csv"), *extra, capsys=capsys)
    assert got == code and bool(report["problems"]) == (code != 0)
    assert _collections(tmp_path) == {"google-forms": files}


def test_a_later_wave_of_the_same_survey_is_added(tmp_path, capsys):
    _cli(tmp_path, "google_forms.csv", _mapping("google_forms.csv"), capsys=capsys)
    later = tmp_path / "google_forms_2025.csv"
    later.write_bytes((FIXTURES / "google_forms.csv").read_bytes().replace(b"2024/", b"2025/"))
    spec = _mapping("google_forms.csv", wave="2025", id_prefix="gf2025")
    code = cli.main(["import", str(later), "--mapping", str(_write(tmp_path, "later", spec)), "--data-dir",
                     str(tmp_path / "data"), "--dataset", "google-forms"])
    assert code == 0
    assert _collections(tmp_path) == {"google-forms": ["google_forms.csv", "google_forms_2025.csv"]}
    assert len(store.read_core(tmp_path / "data")["respondents"]) == 6
    assert len(store.collection(tmp_path / "data", "google-forms")["stored"]) == 2, "each import is a version"


def test_a_new_dataset_takes_the_title_given(tmp_path, capsys):
    code, report = _cli(tmp_path, "google_forms.csv", _mapping("google_forms.csv"), "--new-dataset",
                        "Trust survey 2025", capsys=capsys)
    assert (code, report["dataset"], report["dataset_title"]) == (0, "trust-survey-2025", "Trust survey 2025")


def test_demo_is_never_mixed_in_and_stays_the_default(tmp_path, capsys):
    demo_id = store.write_dataset(shared_demo_tables(), tmp_path / "data", demo=True, provenance=[],
                                  description="demo")["dataset_id"]
    _cli(tmp_path, "google_forms.csv", _mapping("google_forms.csv"), capsys=capsys)
    assert store.current_id(tmp_path / "data") == demo_id
    imported = store.collection(tmp_path / "data", "google-forms")["current"]
    assert len(store.read_core(tmp_path / "data", imported)["respondents"]) == 3


def test_dry_run_writes_nothing(tmp_path, capsys):
    code, report = _cli(tmp_path, "google_forms.csv", _mapping("google_forms.csv"), "--dry-run", capsys=capsys)
    assert (code, report["ok"], report["answers"]) == (0, True, 3)
    assert not (tmp_path / "data").exists()


def test_preview_for_a_page(tmp_path):
    data = (FIXTURES / "unknown_label.csv").read_bytes()
    spec = _mapping("unknown_label.csv")
    spec["columns"]["q1"].update(role="question", scale="influence4")
    report = importing.preview(data, "unknown_label.csv", spec, tmp_path)
    assert list(report.problems_frame.columns) == ["row", "column", "value", "message"]
    assert report.problems_frame["value"].tolist() == ["Loads"]
    ok = importing.preview((FIXTURES / "template.csv").read_bytes(), "template.csv",
                           _mapping("template.csv"), tmp_path)
    assert ok.ok and len(ok.first_rows("answers", 5)) == 5


@pytest.mark.parametrize("argv", [
    ["import", "missing.csv", "--mapping", "x.toml", "--json"],
    ["import", str(FIXTURES / "empty.csv"), "--mapping", str(FIXTURES / "empty.csv"), "--json"],
])
def test_cli_never_tracebacks(tmp_path, capsys, argv):
    code = cli.main([*argv, "--data-dir", str(tmp_path)])
    report = json.loads(capsys.readouterr().out)
    assert (code, report["ok"], bool(report["problems"])) == (2, False, True)


def test_mapping_template_command(tmp_path, capsys):
    assert cli.main(["mapping-template", str(FIXTURES / "template.csv")]) == 0
    text = capsys.readouterr().out
    assert mapping.from_toml(text)["columns"]["influence_funding"]["domain"] == "funding"
    assert cli.main(["mapping-template", str(FIXTURES / "fake.sav")]) == 2


def test_lookup_gives_org_type(tmp_path, capsys):
    (tmp_path / "orgs.csv").write_text("org_code,org_name,org_type,region\nRX2,Second trust,Hospice,Narnia\n",
                                       encoding="utf-8")
    spec = _mapping("google_forms.csv", org_lookup="orgs.csv")
    spec["columns"]["Trust"]["role"] = "organisation"
    code, _ = _cli(tmp_path, "google_forms.csv", spec, capsys=capsys)
    orgs = store.read_core(tmp_path / "data")["organisations"].set_index("org_id")
    assert (code, orgs.loc["RX2", "org_type"], orgs.loc["RX2", "region"], orgs.loc["RX1", "region"]) == (
        0, "hospice", "narnia", "london")


CRASH = """
import os, sys
from analysis.commands import cli
from analysis.storage import store
real = store._write_table
calls = []
def crash(folder, name, frame):
    real(folder, name, frame)
    os._exit(9)
store._write_table = crash
sys.exit(cli.main(sys.argv[1:]))
"""


def test_killed_import_leaves_previous_dataset(tmp_path, capsys):
    _cli(tmp_path, "google_forms.csv", _mapping("google_forms.csv"), capsys=capsys)
    before = store.current_id(tmp_path / "data")
    spec_path = _write(tmp_path, "lime", _mapping("limesurvey.csv"))
    result = subprocess.run([sys.executable, "-c", CRASH, "import", str(FIXTURES / "limesurvey.csv"), "--mapping",
                             str(spec_path), "--data-dir", str(tmp_path / "data")],
                            cwd=REPO, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode == 9
    assert store.current_id(tmp_path / "data") == before
    assert len(store.read_core(tmp_path / "data")["respondents"]) == 3


@pytest.mark.parametrize(("name", "renamed"), [
    ("qualtrics_side_by_side.csv", 4), ("qualtrics_legacy_matrix.csv", 3), ("limesurvey_unnamed.csv", 1),
])
def test_dry_run_lists_each_renaming_and_imports_the_renamed_columns(tmp_path, capsys, name, renamed):
    spec = _mapping(name)
    assert len(spec["import"]["_renamed"]) == renamed
    code = cli.main(["import", str(FIXTURES / name), "--mapping", str(_write(tmp_path, name, spec)), "--dry-run",
                     "--data-dir", str(tmp_path / "data")])
    out = capsys.readouterr().out
    assert code == 0 and out.count("renamed: column") == renamed
    code, report = _cli(tmp_path, name, spec, capsys=capsys)
    assert code == 0 and len(report["renamed_columns"]) == renamed and report["answers"] > 0
