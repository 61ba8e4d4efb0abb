"""Every page on every kind of dataset: the demo, a national-scale build, imported data with no framework,
actions or stories, each real export imported into a dataset of its own, and an empty store.

No exception, no incident, no "None" shown, and the study's own findings only beside the study demo.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import open_tables
from streamlit.testing.v1 import AppTest

from analysis.commands import cli
from analysis.ingest import mapping
from analysis.storage import store
from analysis.synthetic import national
from analysis.views import page_text

pytestmark = pytest.mark.apptest  # every test here runs a page script in-process
ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
REAL = Path(__file__).resolve().parents[2] / "shared" / "real-exports"
PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))
TIMEOUT = 60
SETTINGS = {"source": "users_group_survey", "wave": "2024", "organisation": "RX1", "org_type": "acute"}
STUDY_SENTENCES = [*page_text.study_sentences(), "The study found most influence", "The study recommended"]
EMPTY_STATES = {"framework": "This dataset has no framework self-assessments",
                "actions": "This dataset has no records of issues raised"}
NONE_WORD = re.compile(r"\bNone\b")


def _import(path: Path, directory: Path) -> bool:
    """Import a file with its starter mapping (the study's settings) into a data directory; whether it went in."""
    spec = mapping.guess(path.read_bytes(), path.name)
    spec["import"].update(SETTINGS)
    map_file = directory.parent / f"{directory.name}.toml"
    map_file.write_text(mapping.to_toml(spec), encoding="utf-8")
    return cli.main(["import", str(path), "--mapping", str(map_file), "--data-dir", str(directory)]) == 0


def _real_exports() -> list[str]:
    if not REAL.is_dir():
        return []
    return sorted(p.name for p in REAL.iterdir() if p.suffix in {".csv", ".sav", ".xlsx"})


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, demo_dir: Path) -> dict[str, Path]:
    """One data directory per kind of dataset."""
    found = {"demo": demo_dir, "empty": tmp_path_factory.mktemp("empty")}
    found["national"] = tmp_path_factory.mktemp("national")
    store.write_dataset(national.national_tables(1_500), found["national"], demo=True,
                        description=national.DESCRIPTION.format(n=1_500), provenance=[])
    found["imported"] = tmp_path_factory.mktemp("imported")
    assert _import(FIXTURES / "google_forms.csv", found["imported"])  # no framework, actions or stories
    found["imported-stories"] = tmp_path_factory.mktemp("imported-stories")
    assert _import(FIXTURES / "template.csv", found["imported-stories"])  # free text: stories without themes
    found["imported-fft"] = tmp_path_factory.mktemp("imported-fft")
    assert _import(FIXTURES / "fft_gp_practices.csv", found["imported-fft"])  # no question about influence
    for name in _real_exports():
        directory = tmp_path_factory.mktemp(f"real-{Path(name).stem}")
        if _import(REAL / name, directory):
            found[f"real:{name}"] = directory
    return found


def _shown(at: AppTest) -> list[str]:
    """Every piece of text the page shows, unescaped."""
    elements = [*at.title, *at.header, *at.subheader, *at.markdown, *at.caption, *at.info, *at.warning,
                *at.success, *at.error]
    texts = [str(e.value) for e in elements] + [f"{m.label} {m.value}" for m in at.metric]
    return [t.replace("\\", "") for t in texts]


def _problems(at: AppTest, page: str, kind: str) -> list[str]:
    found = [f"{page}: exception {e.value}" for e in at.exception]
    texts = _shown(at)
    found += [f"{page}: incident {t}" for t in texts if "Something went wrong" in t]
    found += [f"{page}: 'None' in {t[:120]!r}" for t in texts if NONE_WORD.search(t)]
    for frame in at.dataframe:
        data = frame.value.data if hasattr(frame.value, "data") else frame.value
        text_columns = data.select_dtypes(exclude="number")
        blank = text_columns.isna().any() | text_columns.astype(str).isin(["None", "nan", "<NA>"]).any()
        found += [f"{page}: 'None' in column {c!r}" for c in blank[blank].index]
    if kind != "demo" and kind != "national":
        found += [f"{page}: study finding {s!r}" for s in STUDY_SENTENCES for t in texts if s in t]
    return found


def _kinds() -> list[str]:
    return ["demo", "national", "imported", "imported-stories", "imported-fft", "empty",
            *(f"real:{n}" for n in _real_exports())]


@pytest.mark.parametrize("kind", _kinds())
def test_every_page_runs_on_every_dataset(stores: dict[str, Path], kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if kind not in stores:
        pytest.skip(f"{kind} was refused by the importer (tested in test_real_exports)")
    monkeypatch.setenv(store.ENV_VAR, str(stores[kind]))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    problems = []
    for page in PAGES:
        if page != "overview":
            at.switch_page(f"pages/{page}.py").run()
        open_tables(at)
        problems += _problems(at, page, kind)
        if kind.startswith("imported") and page in EMPTY_STATES:
            problems += [] if any(EMPTY_STATES[page] in t for t in _shown(at)) else [f"{page}: no empty state"]
    assert not problems, problems


def test_pages_speak_for_a_dataset_without_influence(stores: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """A Friends and Family Test export: the Overview counts its own units and gives its finding in the measure's
    words; the pages of influence charts say the dataset has none, and draw no empty charts."""
    monkeypatch.setenv(store.ENV_VAR, str(stores["imported-fft"]))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT).run()
    texts = _shown(at)
    assert [m.label for m in at.metric] == ["Organisations", "Respondents", "Questions", "Answers"]
    rows = len(pd.read_csv(FIXTURES / "fft_gp_practices.csv"))  # one respondent a row, one question each
    assert {m.label: m.value for m in at.metric} == {"Organisations": "3", "Respondents": f"{rows:,}",
                                                          "Questions": "1", "Answers": f"{rows:,}"}
    assert any("extremely likely or likely to recommend" in t and "base" in t for t in texts), texts
    assert not any("influence over" in t for t in texts), texts
    for page in page_text.INFLUENCE_PAGES:
        if page != "overview":
            at.switch_page(f"pages/{page}.py").run()
        assert any(page_text.NO_INFLUENCE in t for t in _shown(at)), page
        assert not at.get("plotly_chart"), page
