"""Listing and switching stored datasets, their provenance as a table, and a mapping as editable tables."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from analysis.ingest import importing, mapping, mapping_table
from analysis.storage import store
from analysis.views import datasets

FIXTURES = Path(__file__).parent / "fixtures"
SETTINGS = {"source": "workshop", "wave": "2024", "organisation": "RX1", "org_type": "acute", "region": "London"}


def _template_mapping() -> dict:
    spec = mapping.guess((FIXTURES / "template.csv").read_bytes(), "template.csv")
    spec["import"].update(SETTINGS)
    return spec


@pytest.fixture(scope="module")
def two_datasets_built(tmp_path_factory: pytest.TempPathFactory,
                       demo_tables: dict[str, pd.DataFrame]) -> tuple[Path, str, str]:
    """A data directory holding the demo and, current, an import of the template fixture (built once)."""
    directory = tmp_path_factory.mktemp("two-datasets")
    demo_id = store.write_dataset(demo_tables, directory, demo=True, provenance=[], description="demo")["dataset_id"]
    report = importing.run((FIXTURES / "template.csv").read_bytes(), "template.csv", _template_mapping(), directory)
    assert report.ok, report.problems
    assert store.current_id(directory) == demo_id, "an import never changes what new visitors see"
    store.set_default(directory, report.dataset)
    os.utime(directory / "datasets" / demo_id, (1, 1))  # creation times can tie within a second
    return directory, demo_id, report.dataset_id


@pytest.fixture
def two_datasets(tmp_path: Path, two_datasets_built: tuple[Path, str, str]) -> tuple[Path, str, str]:
    """A copy of it for one test, which may change it."""
    built, demo_id, imported_id = two_datasets_built
    shutil.copytree(built, tmp_path, dirs_exist_ok=True)
    return tmp_path, demo_id, imported_id


def test_no_datasets_in_an_empty_or_missing_directory(tmp_path: Path) -> None:
    assert store.list_datasets(tmp_path) == []
    assert store.list_datasets(tmp_path / "missing") == []
    assert datasets.datasets_frame(tmp_path).empty
    assert list(datasets.datasets_frame(tmp_path).columns) == datasets.DATASET_COLUMNS


def test_list_datasets_newest_first(two_datasets: tuple[Path, str, str]) -> None:
    directory, demo_id, imported_id = two_datasets
    manifests = store.list_datasets(directory)
    assert {m["dataset_id"] for m in manifests} == {demo_id, imported_id}
    created = [m["created"] for m in manifests]
    assert created == sorted(created, reverse=True)


def test_use_dataset_replaces_current(two_datasets: tuple[Path, str, str]) -> None:
    directory, demo_id, imported_id = two_datasets
    assert store.current_id(directory) == imported_id
    store.use_dataset(directory, demo_id)
    assert store.current_id(directory) == demo_id
    assert store.manifest(directory)["demo"] is True
    assert not list(directory.glob(".CURRENT.*")), "no temporary file is left behind"


@pytest.mark.parametrize("dataset_id", ["", "nope", "../datasets", ".staging-x"])
def test_use_dataset_refuses_what_is_not_stored(two_datasets: tuple[Path, str, str], dataset_id: str) -> None:
    directory, _, imported_id = two_datasets
    with pytest.raises(store.NoDataset):
        store.use_dataset(directory, dataset_id)
    assert store.current_id(directory) == imported_id


@pytest.mark.parametrize(("chosen", "wanted", "shown"), [
    (None, None, "imported"),             # nothing chosen, no link: the default (the import, in this store)
    ("demo", None, "demo"),               # the sidebar's choice
    ("demo", "imported", "demo"),         # the choice wins over the link it was made on
    (None, "demo", "demo"),               # the link's dataset, by name
    (None, "DEMO TITLE", "demo"),         # or by its title, in any case
    ("gone", "demo", "demo"),             # a choice no longer stored: the link
    ("gone", None, "imported"),           # ... or the default
    (None, "no such dataset", "imported"),
])
def test_the_view_shows_the_choice_else_the_link_else_the_default(two_datasets: tuple[Path, str, str],
                                                                   chosen, wanted, shown) -> None:
    directory, demo_id, _ = two_datasets
    entries = store.list_collections(directory)
    demo = next(e for e in entries if demo_id in e["versions"])
    names = {"demo": demo["name"], "imported": next(e["name"] for e in entries if e is not demo),
             "DEMO TITLE": demo["title"].upper()}
    assert store.default_collection(directory) == names["imported"]
    found = datasets.shown_collection(directory, names.get(chosen, chosen), names.get(wanted, wanted))
    assert found["name"] == names[shown]
    assert datasets.shown_collection(directory / "empty", chosen, wanted) is None


def test_datasets_frame_ticks_the_default_one(two_datasets: tuple[Path, str, str]) -> None:
    directory, demo_id, imported_id = two_datasets
    frame = datasets.datasets_frame(directory).set_index("Name")
    assert frame["Default"].to_dict() == {"demo": False, "template": True}
    assert frame["Kind"].to_dict() == {"demo": "Demo (illustrative)", "template": "Imported"}
    assert frame["Current version"].to_dict() == {"demo": demo_id, "template": imported_id}
    assert frame.loc["template", "Respondents"] == 3


def test_provenance_frame_says_what_when_and_which_file(two_datasets: tuple[Path, str, str]) -> None:
    directory, _, imported_id = two_datasets
    frame = datasets.provenance_frame(store.manifest(directory, imported_id))
    assert list(frame.columns) == datasets.PROVENANCE_COLUMNS
    row = frame.iloc[0]
    assert (row["What"], row["File"], row["Layout"], row["Respondents"], row["Answers"]) == (
        "Import", "template.csv", "template", 3, 19)
    assert row["When (UTC)"][:2] == "20" and "T" not in row["When (UTC)"]


@pytest.mark.parametrize(("entry", "what"), [
    ({"kind": "demo", "generator": "analysis.synthetic.demo", "seed": 7},
     "Demo generated by analysis.synthetic.demo (seed 7)"),
    ({"kind": "import", "file": "a.csv", "excluded": [{"reason": "preview", "count": 2}]}, "Import"),
])
def test_provenance_rows(entry: dict, what: str) -> None:
    frame = datasets.provenance_frame({"created": "2024-01-02T03:04:05+00:00", "provenance": [entry]})
    assert frame.loc[0, "What"] == what
    if entry["kind"] == "demo":
        assert frame.loc[0, "When (UTC)"] == "2024-01-02 03:04:05"
    else:
        assert frame.loc[0, "Left out"] == "2 preview"


def test_import_file_never_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                  caplog: pytest.LogCaptureFixture) -> None:
    def boom(*args, **kwargs):
        raise OSError("disk full: /srv/data/datasets/.staging-x1")

    monkeypatch.setattr(importing, "run", boom)
    report = datasets.import_file(b"x", "x.csv", {}, tmp_path)
    assert not report.ok and "incident id" in report.message and len(report.problems_frame) == 1
    assert "/srv/data" not in report.message + str(report.problems), "server paths go to the log, not the page"
    assert any("disk full" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_mapping_tables_round_trip() -> None:
    spec = _template_mapping()
    tables = (mapping_table.settings_frame(spec), mapping_table.columns_frame(spec), mapping_table.answers_frame(spec))
    assert mapping_table.apply(spec, *tables) == spec
    assert len(tables[1]) == len(spec["columns"])
    assert set(tables[2]["column"]) == {c for c, e in spec["columns"].items() if "answers" in e}


def test_edited_tables_change_the_mapping() -> None:
    spec = _template_mapping()
    settings, columns, answers = (mapping_table.settings_frame(spec), mapping_table.columns_frame(spec),
                                  mapping_table.answers_frame(spec))
    settings.loc[settings["setting"] == "wave", "value"] = "2025"
    settings.loc[settings["setting"] == "keep_test_responses", "value"] = "true"
    columns.loc[columns["column"] == "notes", "role"] = "ignore"
    columns.loc[columns["column"] == "influence_funding", "domain"] = None  # a cleared cell
    answers.loc[(answers["column"] == "influence_funding") & (answers["answer"] == "A little"), "level"] = "a_lot"
    edited = mapping_table.apply(spec, settings, columns, answers)
    assert edited["import"]["wave"] == "2025" and edited["import"]["keep_test_responses"] is True
    assert edited["columns"]["notes"]["role"] == "ignore"
    assert edited["columns"]["influence_funding"]["domain"] == ""
    assert edited["columns"]["influence_funding"]["answers"]["A little"] == "a_lot"
    assert spec["columns"]["influence_funding"]["answers"]["A little"] == "a_little", "the start is unchanged"


def test_options_include_every_value_in_use() -> None:
    spec = {"columns": {"q": {"role": "question", "scale": "my_scale", "answers": {"Yes": "yes"}}}}
    choices = mapping_table.options(spec)
    assert "my_scale" in choices["scale"] and "yes" in choices["level"] and "" in choices["domain"]
    assert set(mapping.ROLES) <= set(choices["role"])


@pytest.mark.parametrize(("file_bytes", "toml", "ok", "words"), [
    ((FIXTURES / "template.csv").read_bytes(), None, True, ""),
    ((FIXTURES / "template.csv").read_bytes(), b"[import\n", False, "not valid TOML"),
    ((FIXTURES / "template.csv").read_bytes(), b"\xff\xfe[", False, "not a text"),
    ((FIXTURES / "empty.csv").read_bytes(), None, False, "could not be read"),
    ((FIXTURES / "ragged.csv").read_bytes(), None, False, "could not be read"),
])
def test_starting_mapping_speaks_plainly(file_bytes: bytes, toml: bytes | None, ok: bool, words: str) -> None:
    spec, message = mapping_table.starting_mapping(file_bytes, "upload.csv", toml, "saved.toml")
    assert (spec is not None, words in message) == (ok, True)
    assert ok == (message == "")


def test_saved_mapping_is_read_back() -> None:
    text = mapping.to_toml(_template_mapping()).encode()
    spec, message = mapping_table.starting_mapping(b"", "x.csv", text, "saved.toml")
    assert message == "" and spec["import"]["wave"] == "2024"
    assert mapping_table.file_name(spec, "upload.csv") == "template.toml"
    assert mapping_table.file_name({}, "responses.csv") == "responses.toml"


def test_preview_tables_are_the_core_tables() -> None:
    from analysis.model import schema

    assert set(datasets.PREVIEW_TABLES) == set(schema.CORE_TABLES)
    assert isinstance(datasets.report_counts(importing.ImportReport(file="x")), dict)
    assert pd.DataFrame(importing.ImportReport(file="x").problems).empty
