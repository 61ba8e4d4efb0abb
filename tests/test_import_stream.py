"""A CSV export imported in chunks (importing.run_file) is the same import as the whole file (importing.run):
the same report, problems (rows numbered as in the file), redaction and stored tables, whatever the chunk size."""

from __future__ import annotations

import atexit
import csv
import hashlib
import io
import shutil
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from analysis.ingest import importing, mapping
from analysis.ingest.importers import budgets
from analysis.model import schema
from analysis.storage import store

FIXTURES = Path(__file__).parent / "fixtures"
SETTINGS = {"source": "users_group_survey", "wave": "2024", "organisation": "RX1", "org_type": "acute",
            "region": "London"}
CSV_FIXTURES = ["qualtrics_current.csv", "qualtrics_legacy.csv", "qualtrics_legacy_matrix.csv", "qualtrics_pydict.csv",
                "qualtrics_side_by_side.csv", "surveymonkey.csv", "limesurvey.csv", "limesurvey_unnamed.csv",
                "google_forms.csv", "cp1252.csv", "template.csv", "odk.csv", "fft_gp_practices.csv",
                "scientific_ids.csv", "ragged.csv", "unknown_label.csv", "duplicate_columns.csv", "header_only.csv",
                "empty.csv"]
SEVEN_AT_A_TIME = importing.Options(chunk_rows=7)
WHOLE_FIXTURES = ["surveymonkey.xlsx", "spss.sav", "fake.xlsx", "fake.sav"]  # read whole by run_file too


def _spec(data: bytes, name: str) -> dict:
    try:
        spec = mapping.guess(data, name)
    except Exception:  # a file the starter mapping cannot read: the import refuses it, both ways
        spec = {"import": {}, "columns": {}}
    spec.setdefault("import", {}).update(SETTINGS)
    return spec


def _order(frame: pd.DataFrame) -> pd.Index:
    text = frame.astype("string").fillna("<NA>")
    return text.sort_values(list(text.columns)).index


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype("string").fillna("<NA>").loc[_order(frame)].reset_index(drop=True)


def _timeless(value):
    """Registry entries and manifests without their times (two imports are not made in the same second)."""
    if isinstance(value, dict):
        return {k: _timeless(v) for k, v in value.items() if k not in {"created", "imported_at"}}
    if isinstance(value, list):
        return [_timeless(v) for v in value]
    return value


WHOLE: dict[str, tuple[importing.ImportReport, Path]] = {}  # the whole-file import of a file into an empty store


def _whole_once(tmp_path: Path, path: Path, spec: dict) -> importing.ImportReport:
    """The whole-file import of a file into an empty store, made once per test process for each file and mapping
    (the chunked imports of one file at several chunk sizes are each compared with it); a copy of its store is
    put at tmp_path / "whole"."""
    key = hashlib.sha256(path.read_bytes() + path.name.encode() + repr(spec).encode()).hexdigest()
    if key not in WHOLE:
        directory = Path(tempfile.mkdtemp(prefix="whole-import-"))
        atexit.register(shutil.rmtree, directory, ignore_errors=True)
        WHOLE[key] = importing.run(path.read_bytes(), path.name, spec, directory / "store"), directory / "store"
    report, stored = WHOLE[key]
    if stored.exists():
        shutil.copytree(stored, tmp_path / "whole")
    return report


def both(tmp_path: Path, path: Path, spec: dict, chunk_rows: int, **options) -> tuple:
    """The whole-file import and the chunked one of the same file into two empty stores (or, with options, into
    the stores at tmp_path / "whole" and "chunked")."""
    whole = (importing.run(path.read_bytes(), path.name, spec, tmp_path / "whole", importing.Options(**options))
             if options else _whole_once(tmp_path, path, spec))
    chunked = importing.run_file(path, spec, tmp_path / "chunked", importing.Options(chunk_rows=chunk_rows, **options))
    return whole, chunked


def assert_same_import(tmp_path: Path, whole, chunked) -> None:
    assert chunked.to_dict() == whole.to_dict()
    if not whole.ok or whole.dry_run:
        assert not store.has_dataset(tmp_path / "chunked"), "a refused or dry-run import stores nothing"
        return
    assert _timeless(store.list_collections(tmp_path / "chunked")) == _timeless(
        store.list_collections(tmp_path / "whole"))
    for name in (*schema.CORE_TABLES, "stories", "agg_answers", "agg_respondents"):
        a, b = (store.read_table(tmp_path / where, name) for where in ("chunked", "whole"))
        # Rows stored in another order are summed in another order: weights' sums may differ in the last bits.
        floats = [c for c in a.columns if a[c].dtype.kind == "f"]
        a, b = (_sorted(f.drop(columns=floats)).join(
            f[floats].loc[_order(f.drop(columns=floats))].reset_index(drop=True)) for f in (a, b))
        pd.testing.assert_frame_equal(a, b, obj=name, check_exact=False, rtol=1e-12)


@pytest.mark.parametrize("chunk_rows", [1, 7])
@pytest.mark.parametrize("name", CSV_FIXTURES)
def test_every_csv_fixture_imports_the_same_in_chunks(tmp_path: Path, name: str, chunk_rows: int) -> None:
    path = FIXTURES / name
    spec = _spec(path.read_bytes(), name)
    assert_same_import(tmp_path, *both(tmp_path, path, spec, chunk_rows))


@pytest.mark.parametrize("name", WHOLE_FIXTURES)
def test_workbooks_and_spss_files_are_read_whole(tmp_path: Path, name: str) -> None:
    path = FIXTURES / name
    spec = _spec(path.read_bytes(), name)
    assert_same_import(tmp_path, *both(tmp_path, path, spec, 7))


def test_a_csv_file_is_never_read_whole(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(_export(40))
    spec = _template_spec(path.read_bytes())

    def whole(*args, **kwargs):
        raise AssertionError("the whole file was read")

    read_bytes = Path.read_bytes
    monkeypatch.setattr(importing, "read_export", whole)
    monkeypatch.setattr(Path, "read_bytes", lambda self: whole() if self == path else read_bytes(self))
    report = importing.run_file(path, spec, tmp_path / "data", SEVEN_AT_A_TIME)
    assert report.ok and report.respondents == 40, report.problems


HEADER = ["respondent_id", "source", "unit", "org_id", "org_name", "org_type", "region", "wave", "workshop_id",
          "role", "groups", "weight", "influence_care_environment", "influence_information", "notes"]
LEVELS = ["No influence", "A little", "Some", "A lot", "Don't know", ""]
NOTES = ["", "Call Dr Amelia Hartley on 07700 900123 about the ward.", "Email jo.bloggs@example.org please.",
         "Mrs Patel said the leaflet was clear.", "Felt listened to.", "My NHS number is 943 476 5919."]


def _export(n: int, changes: dict[int, dict] | None = None) -> bytes:
    """A template export of n respondents (free text with names, emails and numbers to redact), with `changes`
    (record index -> column -> value) made to some rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for i in range(n):
        row = {"respondent_id": f"P{i:04d}", "source": ["workshop", "users_group_survey"][i % 2],
               "unit": "participant", "org_id": f"RX{i % 3}", "org_name": f"Trust {i % 3}",
               "org_type": ["acute", "ambulance", "pct"][i % 3], "region": "london", "wave": str(2020 + i % 4),
               "workshop_id": f"WS{i % 5}" if i % 2 == 0 else "", "role": "Individual patient",
               "groups": ["", "carers; older_people", "bme", "Carers"][i % 4], "weight": f"{1 + (i % 7) / 10}",
               "influence_care_environment": LEVELS[i % 6], "influence_information": LEVELS[(i * 5) % 6],
               "notes": NOTES[i % 6]}
        row |= (changes or {}).get(i, {})
        writer.writerow([row[c] for c in HEADER])
        if i % 11 == 10:
            writer.writerow([])  # blank lines are kept in the numbering
    return out.getvalue().encode()


def _template_spec(data: bytes) -> dict:
    spec = mapping.guess(data, "export.csv")
    spec["import"]["names"] = ["Patel"]
    return spec


CASES = {
    "sound": {},
    "an id repeated in a later chunk": {45: {"respondent_id": "P0003"}},
    "an id repeated in the same chunk and a later one": {2: {"respondent_id": "P0001"},
                                                          50: {"respondent_id": "P0001"}},
    "bad values in several chunks": {5: {"weight": "heavy"}, 33: {"weight": "-1"}, 58: {"source": "fax"}},
    "an answer not on the scale in many chunks": {i: {"influence_information": "Loads"} for i in range(3, 60, 4)},
    "an unknown organisation type late on": {57: {"org_id": "RX9", "org_type": "spaceport"}},
    "a control character in the wave twice": {8: {"wave": "20\x0724"}, 40: {"wave": "20\x0725"}},
    "an unknown group": {21: {"groups": "astronauts"}},
}


@pytest.mark.parametrize("chunk_rows", [1, 7, 1000])
@pytest.mark.parametrize("case", list(CASES))
def test_a_chunked_import_is_the_whole_import(tmp_path: Path, case: str, chunk_rows: int) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(_export(61, CASES[case]))
    whole, chunked = both(tmp_path, path, _template_spec(_export(61)), chunk_rows)
    assert whole.ok is (case == "sound"), whole.problems
    assert_same_import(tmp_path, whole, chunked)


def test_the_free_text_stored_from_chunks_is_redacted(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(_export(30))
    report = importing.run_file(path, _template_spec(path.read_bytes()), tmp_path / "data", SEVEN_AT_A_TIME)
    assert report.ok, report.problems
    text = " ".join(store.read_table(tmp_path / "data", "stories")["text"])
    for secret in ("Amelia", "Hartley", "07700 900123", "jo.bloggs@example.org", "Patel", "943 476 5919"):
        assert secret not in text
    assert "Felt listened to." in text


def test_a_chunked_dry_run_and_a_repeat_store_nothing_new(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(_export(20))
    spec = _template_spec(path.read_bytes())
    assert_same_import(tmp_path, *both(tmp_path, path, spec, 7, dry_run=True))
    first = importing.run_file(path, spec, tmp_path / "data", SEVEN_AT_A_TIME)
    again = importing.run_file(path, spec, tmp_path / "data", SEVEN_AT_A_TIME)
    assert first.ok and again.ok and again.already_imported and again.dataset_id == first.dataset_id
    assert again.rows_read == first.rows_read == 20


def test_a_later_file_is_added_to_a_dataset_in_chunks_as_whole(tmp_path: Path) -> None:
    first, later = tmp_path / "first.csv", tmp_path / "later.csv"
    first.write_bytes(_export(15))
    later.write_bytes(_export(40).replace(b"P0", b"Q0"))
    spec = _template_spec(first.read_bytes())
    for where in ("whole", "chunked"):
        assert importing.run(first.read_bytes(), first.name, spec, tmp_path / where,
                             importing.Options(target=importing.Target(title="Survey"))).ok
    target = importing.Target(dataset="survey")
    assert_same_import(tmp_path, *both(tmp_path, later, spec, 7, target=target))


@pytest.mark.parametrize(("limit", "value", "words"), [
    ("MAX_ROWS", 30, "has more than 30 rows"),
    ("MAX_CELLS", 200, "has more than 200 cells"),
    ("MAX_CELL_CHARS", 40, "holds 54 characters"),
    ("MAX_FILE_BYTES", 1000, "the limit for a file named on the command line"),
])
def test_the_budgets_hold_for_a_file_read_in_chunks(tmp_path: Path, monkeypatch, limit, value, words) -> None:
    monkeypatch.setattr(budgets, limit, value)
    path = tmp_path / "export.csv"
    path.write_bytes(_export(61))
    spec = _template_spec((FIXTURES / "template.csv").read_bytes())
    report = importing.run_file(path, spec, tmp_path / "data", SEVEN_AT_A_TIME)
    assert not report.ok and words in report.message, report.message
    assert not store.has_dataset(tmp_path / "data")
