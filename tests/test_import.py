"""Mapping, importing and the command line: all-or-nothing, provenance, problems located by row."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import cli, importing, mapping, schema, store
from analysis.demo import demo_tables

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


def test_same_file_twice_changes_nothing_and_second_file_adds(tmp_path, capsys):
    spec = _mapping("google_forms.csv")
    _cli(tmp_path, "google_forms.csv", spec, capsys=capsys)
    first = store.current_id(tmp_path / "data")
    code, report = _cli(tmp_path, "google_forms.csv", spec, capsys=capsys)
    assert (code, report["already_imported"], store.current_id(tmp_path / "data")) == (0, True, first)
    _cli(tmp_path, "limesurvey.csv", _mapping("limesurvey.csv"), capsys=capsys)
    manifest = store.manifest(tmp_path / "data")
    assert [p["file"] for p in manifest["provenance"]] == ["google_forms.csv", "limesurvey.csv"]
    assert len(store.read_core(tmp_path / "data")["respondents"]) == 5


def test_demo_is_never_mixed_in(tmp_path, capsys):
    store.write_dataset(demo_tables(), tmp_path / "data", demo=True, provenance=[], description="demo")
    _cli(tmp_path, "google_forms.csv", _mapping("google_forms.csv"), capsys=capsys)
    assert len(store.read_core(tmp_path / "data")["respondents"]) == 3


def test_switching_to_the_demo_and_importing_again_keeps_earlier_imports(tmp_path, capsys):
    _cli(tmp_path, "google_forms.csv", _mapping("google_forms.csv"), capsys=capsys)
    store.write_dataset(demo_tables(), tmp_path / "data", demo=True, provenance=[], description="demo")
    assert store.manifest(tmp_path / "data")["demo"]
    _cli(tmp_path, "limesurvey.csv", _mapping("limesurvey.csv"), capsys=capsys)
    manifest = store.manifest(tmp_path / "data")
    assert not manifest["demo"]
    assert [p["file"] for p in manifest["provenance"]] == ["google_forms.csv", "limesurvey.csv"]


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
from analysis import cli, store
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
