"""Nothing from the data acts in the browser: one rule (analysis/model/safe_text.py) on screen, in charts, in tables
and downloads, checked with a table of hostile payloads on every page."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import open_page, open_tables, shared_demo_tables
from streamlit.testing.v1 import AppTest

from analysis.model.safe_text import escape_markdown, for_chart, for_sheet, safe_figure, safe_table
from analysis.outputs import export
from analysis.storage import store
from analysis.views import charts

ROOT = Path(__file__).resolve().parent.parent
ALL_PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py") if not p.name.startswith("_"))

# What a hostile or careless file may hold, in any text field.
PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="https://evil.example/a">click</a>',
    '<a href="javascript:alert(1)">js</a>',
    "javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "[a link](https://evil.example/b)",
    "![an image](https://evil.example/c.png)",
    "https://evil.example/d",
    "www.evil.example.csv",
    "write to someone@evil.example",
    "<b>bold</b> <span style='font-size:80px'>big</span>",
    '=HYPERLINK("https://evil.example/e","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(A1:A2)",
    "-2+3",
    " =1+2",
    "\n=1+2",
    "\t=1+2",
    "\uff1d1+2",  # full-width equals sign
]
FORMULAS = ['=HYPERLINK("x")', "+44 20", "-2+3", "@SUM(A1)", " =1+2", "  +1", "\n=1+2", "\r\n@x", "\t=1",
            "\tplain", "\rplain", "\u3000=1", "\u00a0=1", "\uff1d1+2", "\uff0b1", "\uff0d1", "\uff20SUM(A1)"]
PLAIN = ["plain", "1+2", "a = b", "e-mail", "50%", "naïve café", "'=already quoted", "", "2-3 times"]
# Markup a chart (Plotly pseudo-HTML) or Markdown would act on if it reached them unescaped.
ACTIVE_CHART = re.compile(r"<(?!br>)/?[a-z]", re.IGNORECASE)
# mdast-util-gfm-autolink-literal's patterns: what Streamlit's Markdown turns into a link without any syntax.
BARE_LINK = re.compile(r"(?i)(https?://|www(?=\.)|(?:mailto|xmpp):|[-.\w+]+@[-\w]+(?:\.[-\w]+)+)")
ACTIVE_MARKDOWN = ("<script", "<img", "<a ", "<b>", "<span", "](", "![", "://", "www.", "javascript:")


@pytest.mark.parametrize("value", FORMULAS)
def test_formula_like_text_is_neutralised(value: str) -> None:
    assert for_sheet(value) == "'" + value


@pytest.mark.parametrize("value", PLAIN)
def test_other_text_is_left_alone(value: str) -> None:
    assert for_sheet(value) == value


@pytest.mark.parametrize("value", [-2, 3.5, None, True, pd.NA])
def test_numbers_and_blanks_are_left_alone(value: object) -> None:
    assert for_sheet(value) is value


def test_a_table_is_neutralised_in_cells_and_column_names() -> None:
    table = pd.DataFrame({"=name": ["=1+2", "ok", None], "n": [-1, 2, 3]})
    safe = safe_table(table)
    assert list(safe.columns) == ["'=name", "n"]
    assert safe["'=name"].tolist()[:2] == ["'=1+2", "ok"] and pd.isna(safe["'=name"].iloc[2])
    assert safe["n"].tolist() == [-1, 2, 3]
    assert table.columns[0] == "=name", "the table given is not changed"


@pytest.mark.parametrize("value", FORMULAS)
def test_our_csv_download_neutralises_every_formula_form(value: str) -> None:
    data = export.table_csv(pd.DataFrame({"Label": [value]}))
    assert data.decode("utf-8-sig").splitlines()[1].lstrip('"').startswith("'")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_escaping_leaves_nothing_active(payload: str) -> None:
    escaped = escape_markdown(payload)
    unescaped = re.sub(r"\\.", "", escaped)  # what Markdown reads as syntax: everything not backslash-escaped
    assert not [a for a in ACTIVE_MARKDOWN if a in unescaped], escaped
    shown = re.sub(r"\\(.)", r"\1", escaped)  # the text Markdown hands on, where bare links are looked for
    assert shown.replace("\u2060", "") == payload, "shown exactly as written (word joiners are invisible)"
    assert not BARE_LINK.search(shown), f"a bare link GitHub-style Markdown would make live: {shown!r}"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_chart_text_is_escaped(payload: str) -> None:
    assert not ACTIVE_CHART.search(for_chart(payload))


def _chart_strings(spec: dict) -> list[str]:
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(spec)
    return found


def _active_chart_text(spec: dict) -> list[str]:
    return [s for s in _chart_strings(spec) if ACTIVE_CHART.search(s.replace("<extra></extra>", ""))]


def test_a_figure_built_from_payload_labels_shows_them_as_text() -> None:
    frame = pd.DataFrame({"label": PAYLOADS, "positive_pct": 50.0, "ci_low_pct": 40.0, "ci_high_pct": 60.0,
                          "base_n": 100, "suppressed": [False] * (len(PAYLOADS) - 1) + [True]})
    fig = charts.share_bars(frame, "label", PAYLOADS[2], PAYLOADS[3])
    assert not _active_chart_text(fig.to_plotly_json()), "categories, names, titles and hover text are escaped"


def test_our_own_line_breaks_survive_and_numbers_are_untouched() -> None:
    fig = safe_figure(go.Figure(go.Bar(x=[1.5, 2.0], y=[charts.wrap("a long label to wrap", 6), "<b>x</b>"])))
    assert list(fig.data[0].y) == ["a long<br>label<br>to<br>wrap", "&lt;b&gt;x&lt;/b&gt;"]
    assert list(fig.data[0].x) == [1.5, 2.0]


# ---- every page, on a dataset whose every text field is hostile ----

@pytest.fixture(scope="module")
def payload_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset like the demo, with payloads in organisation names, regions, a wave, level labels,
    question wording, stories and actions."""
    tables = {name: frame.copy() for name, frame in shared_demo_tables().items()}

    def cycle(n: int) -> list[str]:
        return [PAYLOADS[i % len(PAYLOADS)] + f" {i}" for i in range(n)]
    tables["organisations"] = tables["organisations"].assign(org_name=cycle(len(tables["organisations"])),
                                                             region=PAYLOADS[2])
    wave = '<a href="https://evil.example/w">2008</a>'
    for name in ("respondents", "stories", "assessments", "actions"):
        tables[name] = tables[name].assign(wave=tables[name]["wave"].replace("2008", wave))
    tables["scale_levels"] = tables["scale_levels"].assign(level_label=cycle(len(tables["scale_levels"])))
    tables["questions"] = tables["questions"].assign(question_text=cycle(len(tables["questions"])))
    tables["stories"] = tables["stories"].assign(text=cycle(len(tables["stories"])))
    tables["actions"] = tables["actions"].assign(issue=cycle(len(tables["actions"])))
    directory = tmp_path_factory.mktemp("payload-data")
    store.write_dataset(tables, directory, demo=False, description=PAYLOADS[6],
                        provenance=[{"kind": "import", "file": PAYLOADS[7], "layout": PAYLOADS[0],
                                     "sha256": "=1+2", "imported_at": "2026-01-01T00:00:00+00:00"}])
    return directory


def _markdown_texts(at: AppTest) -> list[str]:
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "title", "header", "subheader")
    texts = [e.value for kind in kinds for e in getattr(at, kind)]
    texts += [e.label for e in at.expander] + [e.label for e in at.button] + [e.label for e in at.selectbox]
    return [str(t) for t in texts]


@pytest.mark.apptest
@pytest.mark.parametrize("page", ALL_PAGES)
def test_no_payload_acts_on_any_page(payload_dir: Path, page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.ENV_VAR, str(payload_dir))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    at = open_tables(at)
    assert not at.exception, [e.value for e in at.exception]
    active = [t for t in _markdown_texts(at) for a in ACTIVE_MARKDOWN if a in re.sub(r"\\.", "", t)]
    active += [t for t in _markdown_texts(at) if BARE_LINK.search(re.sub(r"\\(.)", r"\1", t))]
    assert not active, f"Markdown that would act: {active[:3]}"
    charts_shown = [json.loads(e.proto.spec) for e in at.get("plotly_chart")]
    assert not [s for spec in charts_shown for s in _active_chart_text(spec)], "chart markup from the data"
    cells = [(v, df) for df in at.dataframe for v in [*df.value.columns, *df.value.to_numpy().ravel()]
             if isinstance(v, str) and for_sheet(v) != v]
    assert not cells, f"a table shows (and its toolbar downloads) a live formula: {cells[0][0]!r}"
    if page in {"domains", "groups", "overview", "voices", "actions"}:
        assert any("evil" in str(df.value.to_numpy()) for df in at.dataframe) or charts_shown, \
            "the payloads reached the page (the check above saw them)"


@pytest.mark.apptest
def test_an_upload_full_of_payloads_is_shown_as_text_on_the_data_page(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path))
    header = ["respondent_id", "org_id", "org_type", "wave", "influence_funding", *PAYLOADS[:10]]
    rows = [[f"r{i}", "TRUST1", "acute_trust", "2024", PAYLOADS[i % len(PAYLOADS)], *PAYLOADS[:10]]
            for i in range(len(PAYLOADS))]
    text = "\n".join(",".join('"' + c.replace('"', '""') + '"' for c in row) for row in [header, *rows])
    at = open_page("data").run()
    at.file_uploader(key="export_file").upload("payloads.csv", text.encode(), "text/csv").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.table, "no Markdown table: st.table renders cell text as Markdown"
    active = [t for t in _markdown_texts(at) for a in ACTIVE_MARKDOWN if a in re.sub(r"\\.", "", t)]
    assert not active, f"Markdown that would act: {active[:3]}"
    shown = [v for df in at.dataframe for v in [*df.value.columns, *df.value.to_numpy().ravel()]
             if isinstance(v, str)]
    assert any("evil.example" in v for v in shown), "the payloads reached the tables"
    assert all(for_sheet(v) == v for v in shown), "no live formula in a table (or its toolbar download)"


# ---- the rule is used everywhere: every table a page shows goes through safe_table ----

TABLE_ELEMENTS = {"dataframe", "table", "data_editor"}


def unsafe_tables(source: str) -> list[str]:
    """Where a page shows a table that has not been through safe_table (Streamlit's toolbar downloads it raw)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in TABLE_ELEMENTS:
            first = node.args[0] if node.args else None
            while isinstance(first, ast.Call) and isinstance(first.func, ast.Attribute) and first.func.attr in {
                    "format", "style"} | {"hide"}:
                first = first.func.value
            if isinstance(first, ast.Attribute) and first.attr == "style":
                first = first.value
            ok = isinstance(first, ast.Call) and getattr(first.func, "id", "") == "safe_table"
            if not ok:
                found.append(f"line {node.lineno}: {ast.unparse(node)[:90]}")
    return found


@pytest.mark.parametrize("source", ["st.dataframe(frame)", "st.table(report.problems)",
                                    "tab.dataframe(x.style.format(precision=0))"])
def test_the_scan_catches_raw_tables(source: str) -> None:
    assert unsafe_tables(source)


@pytest.mark.parametrize("script", [ROOT / "dashboard.py", *sorted((ROOT / "pages").glob("*.py"))],
                         ids=lambda p: p.name)
def test_every_table_on_a_page_goes_through_safe_table(script: Path) -> None:
    assert not unsafe_tables(script.read_text(encoding="utf-8"))


def test_the_mapping_tables_shown_safely_give_back_the_same_mapping() -> None:
    from analysis.ingest import mapping_table

    spec = {"import": {"wave": "=2024", "source": "workshop"},
            "columns": {"=Q1": {"role": "question", "text": "-how much?", "scale": "influence4",
                                "answers": {"-1": "none", "+2": "a_lot"}}, "id": {"role": "respondent_id"}},
            "scales": {}}
    frames = (mapping_table.settings_frame(spec), mapping_table.columns_frame(spec),
              mapping_table.answers_frame(spec))
    assert mapping_table.apply(spec, *map(safe_table, frames)) == mapping_table.apply(spec, *frames)
    edited = safe_table(frames[2]).assign(level=["a_little", "a_lot"])
    assert mapping_table.apply(spec, *frames[:2], edited)["columns"]["=Q1"]["answers"] == {
        "-1": "a_little", "+2": "a_lot"}
