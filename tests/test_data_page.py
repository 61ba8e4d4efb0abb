"""The Data page: runs on any data directory, imports an upload, and switches the dataset every page shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analysis import demo, mapping, store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
PAGE = str(ROOT / "pages" / "data.py")
BANNER = "**Illustrative data.**"


def _run(script: str = PAGE) -> AppTest:
    at = AppTest.from_file(script, default_timeout=60).run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def _upload(at: AppTest, key: str, name: str, content: bytes) -> AppTest:
    at.file_uploader(key=key).upload(name, content, "application/octet-stream").run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path))
    return tmp_path


@pytest.fixture
def demo_dir(data_dir: Path) -> Path:
    store.write_dataset(demo.demo_tables(), data_dir, demo=True, provenance=[], description="demo")
    return data_dir


def test_runs_on_an_empty_data_dir(data_dir: Path) -> None:
    at = _run()
    assert any("No dataset yet" in e.value for e in at.info)


def test_runs_on_the_demo_and_says_it_is_illustrative(demo_dir: Path) -> None:
    at = _run()
    assert any("Shown to new visitors:" in e.value and "illustrative" in e.value for e in at.info)
    assert at.selectbox(key="manage_dataset").value == "demo"
    assert at.button(key="make_default").disabled and at.button(key="archive_dataset").disabled


def _import_template(at: AppTest, **choices: str) -> AppTest:
    at = _upload(at, "export_file", "template.csv", (FIXTURES / "template.csv").read_bytes())
    for key, value in choices.items():
        (at.radio if key == "import_into" else at.selectbox if key == "import_dataset" else at.text_input)(
            key=key).set_value(value)
    at.run()
    assert not at.button(key="import").disabled, [t.value for t in at.table]
    at.button(key="import").click().run()
    assert not at.exception
    return at


def test_an_import_goes_into_a_new_dataset_and_leaves_the_default_alone(demo_dir: Path) -> None:
    demo_id = store.current_id(demo_dir)
    at = _import_template(_run(), import_title="Trust survey 2025")
    assert [m.value for m in at.metric] == ["3", "3", "19", "0"]
    assert any("Imported template" in e.value and "Trust survey 2025" in e.value for e in at.success)
    assert store.current_id(demo_dir) == demo_id, "new visitors still see the demo"
    assert store.collection(demo_dir, "trust-survey-2025")["manifest"]["demo"] is False
    assert any(BANNER in e.value for e in _run(str(ROOT / "pages" / "overview.py")).info)


def test_a_second_file_of_the_same_survey_is_added_to_the_chosen_dataset(demo_dir: Path) -> None:
    _import_template(_run(), import_title="Trust survey")
    later = (FIXTURES / "template.csv").read_bytes().replace(b"WS01-P", b"WS09-P").replace(b"INT-", b"INT9-")
    at = _upload(_run(), "export_file", "later.csv", later)
    at.radio(key="import_into").set_value("existing").run()
    at.selectbox(key="import_dataset").set_value("trust-survey").run()
    at.button(key="import").click().run()
    assert not at.exception and any("Trust survey" in e.value for e in at.success), [e.value for e in at.error]
    assert len(store.collection(demo_dir, "trust-survey")["stored"]) == 2


def test_make_this_the_default_archive_and_restore(demo_dir: Path) -> None:
    _import_template(_run(), import_title="Trust survey")
    at = _run()
    at.selectbox(key="manage_dataset").set_value("trust-survey").run()
    at.button(key="make_default").click().run()
    assert not at.exception
    assert store.default_collection(demo_dir) == "trust-survey"
    assert not any(BANNER in e.value for e in _run(str(ROOT / "pages" / "overview.py")).info)
    at.selectbox(key="manage_dataset").set_value("demo").run()
    at.button(key="archive_dataset").click().run()
    assert store.collection(demo_dir, "demo")["archived"] is True
    assert [e["name"] for e in store.list_collections(demo_dir)] == ["trust-survey"]
    at.selectbox(key="manage_dataset").set_value("demo").run()
    at.button(key="restore_dataset").click().run()
    assert store.collection(demo_dir, "demo")["archived"] is False


@pytest.mark.parametrize("fixture", ["ragged.csv", "empty.csv", "fake.xlsx", "fake.sav"])
def test_a_bad_file_gets_a_plain_message(data_dir: Path, fixture: str) -> None:
    at = _upload(_run(), "export_file", fixture, (FIXTURES / fixture).read_bytes())
    assert at.error and "Traceback" not in at.error[0].value
    assert not (data_dir / "CURRENT").exists()


def test_a_saved_mapping_is_used_and_its_problems_listed(data_dir: Path) -> None:
    spec = mapping.guess((FIXTURES / "template.csv").read_bytes(), "template.csv")
    spec["columns"]["influence_funding"]["answers"]["A little"] = "somewhat"  # not on the scale
    at = _upload(_run(), "export_file", "template.csv", (FIXTURES / "template.csv").read_bytes())
    at = _upload(at, "mapping_file", "saved.toml", mapping.to_toml(spec).encode())
    assert at.warning and "not imported" in at.warning[0].value
    problems = next(df.value for df in at.dataframe if "message" in df.value.columns)
    assert list(problems.columns) == ["row", "column", "value", "message"]
    assert "somewhat" in " ".join(problems["message"])
    assert at.button(key="import").disabled


def test_a_broken_mapping_gets_a_plain_message(data_dir: Path) -> None:
    at = _upload(_run(), "export_file", "template.csv", (FIXTURES / "template.csv").read_bytes())
    at = _upload(at, "mapping_file", "saved.toml", b"[import\nwave = ")
    assert at.error and "not valid TOML" in at.error[0].value
