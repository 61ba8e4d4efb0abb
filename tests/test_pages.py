"""Page tests with Streamlit's AppTest: every page runs on the demo data, and the sidebar filters change it."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import open_page, open_tables, table_keys
from streamlit.testing.v1 import AppTest

from analysis.model import vocab
from analysis.storage import store

pytestmark = pytest.mark.apptest  # every test here runs a page script in-process
ROOT = Path(__file__).resolve().parent.parent
PAGES = ["overview", "domains", "groups", "trust_types"]  # the pages that show the evidence
ALL_PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))
TIMEOUT = 30


def _page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    return open_tables(at)


def _shown(at: AppTest) -> list[str]:
    """What the page shows in words and tables (captions, markdown, metrics, dataframes), unescaped."""
    texts = [c.value for c in at.caption] + [m.value for m in at.markdown] + [m.value for m in at.metric]
    return [t.replace("\\", "") for t in texts] + [df.value.to_csv() for df in at.dataframe]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_runs_without_an_exception(app_env: Path, page: str) -> None:
    at = _page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "the page has a title"


@pytest.mark.parametrize("page", PAGES)
def test_evidence_pages_say_the_demo_data_is_illustrative(app_env: Path, page: str) -> None:
    at = _page(page)
    assert any("Illustrative data" in info.value for info in at.info), "the demo banner is missing"


def test_a_page_opened_first_by_its_link_runs_inside_the_frame(app_env: Path) -> None:
    at = open_tables(open_page("domains", TIMEOUT).run())
    assert not at.exception, [e.value for e in at.exception]
    assert at.dataframe and at.sidebar.multiselect, "the page and the frame's filters"


@pytest.mark.parametrize("page", PAGES)
def test_every_chart_has_its_table_once_opened(app_env: Path, page: str) -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    labels = [e.label for e in at.expander if e.label.startswith("Table of the numbers")]
    assert labels and len(labels) == len(table_keys(at)), "every chart has a table expander"
    assert not at.dataframe, "closed tables are not drawn (they slow the first page load)"
    open_tables(at)
    rows = [len(df.value) for df in at.dataframe]
    assert [f"({n} rows)" for n in rows] == [label.split(" chart ")[1].split(" and")[0] for label in labels]


@pytest.mark.parametrize("page", PAGES)
def test_a_sidebar_filter_changes_the_page(app_env: Path, page: str) -> None:
    at = _page(page)
    before = _shown(at)
    at.multiselect(key="filter_org_type").set_value(["mental_health_ld", "hospice"]).run()
    assert not at.exception, [e.value for e in at.exception]
    after = _shown(at)
    assert after != before
    assert any("Mental health and learning disability trust" in text for text in after), \
        "the view's description names the chosen types"


def test_without_data_the_pages_say_how_to_build_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("build --demo" in w.value.replace("\\", "") for w in at.warning)  # shown escaped


def test_a_link_with_filters_opens_that_view(app_env: Path) -> None:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    at.query_params["org_type"] = ["hospice"]
    at.run()
    assert not at.exception
    assert at.multiselect(key="filter_org_type").value == ["hospice"]
    assert any("Organisation type: Hospice" in text for text in _shown(at))


@pytest.mark.parametrize("page", ["domains", "groups"])
def test_pages_folder_does_not_bypass_the_frame(demo_dir: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    monkeypatch.setenv(store.ENV_VAR, str(demo_dir))
    monkeypatch.chdir(ROOT)
    at = _page(page)
    assert at.multiselect(key="filter_org_type")


@pytest.fixture(scope="module")
def national_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small national-scale build: no interviews, assessments, actions or stories, one wave per year."""
    from analysis.commands import cli

    directory = tmp_path_factory.mktemp("national")
    assert cli.main(["build", "--demo", "--respondents", "3000", "--data-dir", str(directory)]) == 0
    return directory


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_runs_on_a_national_build(national_dir: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    monkeypatch.setenv(store.ENV_VAR, str(national_dir))
    at = _page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert at.title, "the page has a title"


@pytest.mark.parametrize(("link", "chosen", "left_out"), [
    ({"org_type": "acute,nonsense"}, {"org_type": ["acute"]}, "org_type=nonsense"),  # comma list, one unknown
    ({"org_type": ["acute", "hospice"]}, {"org_type": ["acute", "hospice"]}, None),
    ({"region": "atlantis", "wave": "1066"}, {"region": [], "wave": []}, "region=atlantis, wave=1066"),
])
def test_a_links_filters_are_read_once_the_same_way_by_the_sidebar_and_the_page(
        app_env: Path, link: dict, chosen: dict, left_out: str | None) -> None:
    """The sidebar reads a link with the parse every page uses, so the page can still say what it left out
    (the command line rejects the same values)."""
    at = open_page("domains", TIMEOUT)
    for key, value in link.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    selects = {m.label: m.value for m in at.sidebar.multiselect}
    assert {key: selects[vocab.FILTER_LABELS[key]] for key in chosen} == chosen
    warned = [w.value for w in at.warning if "left out" in w.value]
    assert (left_out is None and not warned) or (left_out and left_out in warned[0].replace("\\", "")), warned
