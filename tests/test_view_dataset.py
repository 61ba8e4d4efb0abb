"""The dataset is part of the view: chosen in the sidebar, kept in the address (?dataset=NAME&version=...),
named on every page and in every export; a link opens the same data; the default changes only on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import shared_demo_tables
from streamlit.testing.v1 import AppTest

from analysis.ingest import importing, mapping
from analysis.outputs import export
from analysis.storage import store
from analysis.synthetic import demo
from analysis.views import links

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
TIMEOUT = 60
SETTINGS = {"source": "users_group_survey", "wave": "2024", "organisation": "RX1", "org_type": "acute"}


def _import(directory: Path, name: str, content: bytes, **target) -> importing.ImportReport:
    spec = mapping.guess((FIXTURES / "template.csv").read_bytes(), "template.csv")
    spec["import"].update(SETTINGS)
    report = importing.run(content, name, spec, directory, importing.Options(target=importing.Target(**target)))
    assert report.ok, report.problems
    return report


@pytest.fixture
def two(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The demo (the default) and an imported survey with two versions."""
    store.write_dataset(shared_demo_tables(), tmp_path, demo=True, provenance=[], description=demo.DEMO_DESCRIPTION)
    template = (FIXTURES / "template.csv").read_bytes()
    _import(tmp_path, "template.csv", template, title="Trust survey")
    _import(tmp_path, "later.csv", template.replace(b"WS01-P", b"WS09-P").replace(b"INT-", b"INT9-"),
            dataset="trust-survey")
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path))
    monkeypatch.chdir(ROOT)
    return tmp_path


def _open(**params: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _dataset_caption(at: AppTest) -> str:
    return next(t for t in (c.value.replace("\\", "") for c in at.caption) if t.startswith("Dataset:"))


@pytest.mark.apptest
def test_new_visitors_see_the_default(two: Path) -> None:
    at = _open()
    assert at.selectbox(key="view_dataset").value == "demo"
    assert "Study demo (illustrative)" in _dataset_caption(at)
    assert at.query_params[links.DATASET_PARAM] == "demo"


@pytest.mark.apptest
def test_a_link_opens_its_dataset_and_the_banner_names_it(two: Path) -> None:
    at = _open(dataset="trust-survey")
    assert at.selectbox(key="view_dataset").value == "trust-survey"
    newest = store.collection(two, "trust-survey")["current"]
    assert _dataset_caption(at) == (f"Dataset: Trust survey (version "
                                    f"{links.dataset_token(store.manifest(two, newest))})")
    assert not any("Illustrative data" in i.value for i in at.info)
    assert store.default_collection(two) == "demo", "opening a dataset never changes the default"


@pytest.mark.apptest
def test_the_sidebar_choice_changes_the_dataset_and_the_address(two: Path) -> None:
    at = _open()
    at.selectbox(key="view_dataset").set_value("trust-survey").run()
    assert not at.exception
    assert at.query_params[links.DATASET_PARAM] == "trust-survey"
    assert "Trust survey" in _dataset_caption(at)


@pytest.mark.apptest
def test_a_link_to_an_earlier_version_shows_that_version_and_says_so(two: Path) -> None:
    first, _newest = store.collection(two, "trust-survey")["stored"]
    token = links.dataset_token(store.manifest(two, first))
    at = _open(dataset="trust-survey", version=token)
    assert token in _dataset_caption(at)
    assert any("earlier version of Trust survey" in w.value for w in at.warning)
    at.switch_page("pages/overview.py").run()
    assert any(m.label == "Organisations" for m in at.metric)


@pytest.mark.apptest
def test_a_link_from_before_datasets_were_named_still_opens_its_data(two: Path) -> None:
    first = store.collection(two, "trust-survey")["stored"][0]
    token = links.dataset_token(store.manifest(two, first))
    at = _open(dataset=token)
    assert at.selectbox(key="view_dataset").value == "trust-survey"
    assert token in _dataset_caption(at)
    assert at.query_params[links.VERSION_PARAM] == token, "the version is kept under the dataset's name"


@pytest.mark.apptest
@pytest.mark.parametrize("wanted", ["nope", "<script>", "../../etc/passwd", "0" * 40])
def test_an_unknown_dataset_in_a_link_shows_the_default(two: Path, wanted: str) -> None:
    at = _open(dataset=wanted)
    assert at.selectbox(key="view_dataset").value == "demo"


@pytest.mark.apptest
def test_an_archived_dataset_leaves_the_sidebar_but_its_links_still_open(two: Path) -> None:
    store.update_collection(two, "trust-survey", archived=True)
    assert _open().selectbox(key="view_dataset").options == ["Study demo (illustrative)"]
    at = _open(dataset="trust-survey")
    assert at.selectbox(key="view_dataset").value == "trust-survey"


def test_exports_and_links_name_the_dataset(two: Path) -> None:
    from analysis.views import datasets

    entry = store.collection(two, "trust-survey")
    manifest = datasets.view_manifest(store.manifest(two, entry["current"]), entry)
    assert "'Trust survey' (trust-survey, version" in export.source_line(manifest)
    query = links.view_query(__import__("analysis.model.filters", fromlist=["Filters"]).Filters(), manifest)
    assert query == f"dataset=trust-survey&version={links.dataset_token(manifest)}"


@pytest.mark.parametrize(("linked", "expected"), [
    ("9f63cd810cc6", "9f63cd810cc6"), ("9f63cd810cc6aa", "9f63cd810cc6aa"), ("9f63cd810cc", None),
    ("study-demo", None), ("9F63CD810CC6", None), ("", None), (None, None), ("9f63cd810cc6'; --", None),
])
def test_a_link_from_before_named_datasets_keeps_its_version(linked, expected) -> None:
    assert links.legacy_version(linked) == expected
