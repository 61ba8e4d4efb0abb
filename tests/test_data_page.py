"""The Data page: runs on any data directory, imports an upload, and switches the dataset every page shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import open_page, shared_demo_tables
from streamlit.testing.v1 import AppTest

from analysis.ingest import mapping
from analysis.storage import store

pytestmark = pytest.mark.apptest  # every test here runs a page script in-process
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
PAGE = "data"
BANNER = "**Illustrative data.**"


def _run(page: str = PAGE) -> AppTest:
    at = open_page(page).run()
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
    store.write_dataset(shared_demo_tables(), data_dir, demo=True, provenance=[], description="demo")
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
    assert any(BANNER in e.value for e in _run("overview").info)


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
    assert not any(BANNER in e.value for e in _run("overview").info)
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


def _by_label(widgets, label: str):
    return next(w for w in widgets if w.label == label)


def test_guided_journey_agree_survey_to_charts_that_say_agree(data_dir: Path) -> None:
    at = _upload(_run(), "export_file", "agree_survey.sav", (FIXTURES / "agree_survey.sav").read_bytes())
    assert [s.value for s in at.subheader][:4] == ["1. Upload", "2. What this survey is", "3. The questions",
                                                  "4. Preview"]
    assert at.warning and "not imported" in at.warning[0].value  # no wave, no organisation yet
    _by_label(at.text_input, "Wave (year of collection)").input("2025").run()
    _by_label(at.text_input, "Organisation (its name or ODS code)").input("Northside users' group").run()
    _by_label(at.selectbox, "Organisation type").select("community").run()
    assert not at.exception
    titles = [s.value for s in at.subheader]
    assert any("% agree or strongly agree" in t for t in titles), titles
    assert [m.value for m in at.metric] == ["60", "60", "300", "0"]
    at.button(key="import").click().run()
    assert not at.exception and any("Imported agree" in e.value for e in at.success)
    assert store.manifest(data_dir)["rows"]["respondents"] == 60


def test_guided_journey_fft_export_needs_no_edit(data_dir: Path) -> None:
    at = _upload(_run(), "export_file", "fft_gp_practices.csv", (FIXTURES / "fft_gp_practices.csv").read_bytes())
    assert _by_label(at.selectbox, "Organisation from a column (a name, id or NHS ODS code)").value == "Practice code"
    assert _by_label(at.selectbox, "Wave (year of collection) from a column").value == "Submitted"
    titles = [s.value for s in at.subheader]
    assert any("% extremely likely or likely to recommend" in t for t in titles), titles
    at.button(key="import").click().run()
    assert not at.exception and any("Imported fft" in e.value for e in at.success)


def test_an_organisation_lookup_upload_gives_the_types(data_dir: Path) -> None:
    lookup = b"org_code,org_name,org_type,region\nA81001,Bramble,GP practice,North East\n" \
             b"A81002,Riverside,community trust,North East\nB82005,Hill Top,social enterprise,London\n"
    at = _upload(_run(), "export_file", "fft_gp_practices.csv", (FIXTURES / "fft_gp_practices.csv").read_bytes())
    at = _upload(at, "lookup_file", "orgs.csv", lookup)
    at.button(key="import").click().run()
    orgs = store.read_core(data_dir)["organisations"].set_index("org_id")
    assert orgs["org_type"].to_dict() == {"A81001": "gp_practice", "A81002": "community",
                                          "B82005": "social_enterprise"}
    at = _upload(at, "lookup_file", "bad.csv", b"name\nx\n")  # refused plainly: nothing can be imported
    assert at.button(key="import").disabled and any("needs an org" in w.value for w in at.warning)


def test_a_scale_made_in_the_browser_is_used(data_dir: Path) -> None:
    csv = b"respondent_id,trust,q1\nP1,RX1,Some\nP2,RX1,Loads\nP3,RX1,Loads\nP4,RX1,A bit\n"
    at = _upload(_run(), "export_file", "own.csv", csv)
    assert not any("every answer" in s.value for s in at.subheader)  # 'Loads' is on no library scale
    next(b for b in at.button if b.label == "Use this scale for the question").click().run()
    _by_label(at.text_input, "Wave (year of collection)").input("2024").run()
    _by_label(at.selectbox, "Organisation type").select("acute").run()
    assert not at.exception and [m.value for m in at.metric] == ["4", "4", "4", "0"]
    assert any("every answer, by question" in s.value for s in at.subheader)


@pytest.mark.parametrize("toml", [b'[scales]\nx = "a"\n[measures]\nm = 3\n', b"[scales.y]\nlevels = 5\n"])
def test_a_careless_mapping_gets_plain_problems(data_dir: Path, toml: bytes) -> None:
    at = _upload(_run(), "export_file", "agree_survey.sav", (FIXTURES / "agree_survey.sav").read_bytes())
    at = _upload(at, "mapping_file", "careless.toml", toml)
    assert not at.exception and at.button(key="import").disabled
    [problems] = [d.value for d in at.dataframe if "message" in d.value.columns]
    assert "must be a table" in " ".join(problems["message"])
