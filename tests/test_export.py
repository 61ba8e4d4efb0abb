"""Chart exports: stand-alone images drawn by the persistent Chromium, and the numbers as CSV and XLSX."""

from __future__ import annotations

import codecs
import dataclasses
import io
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import streamlit  # noqa: F401  (imported on purpose: it changes plotly's default template)
from PIL import Image
from pypdf import PdfReader

from analysis.evidence.queries import Cube
from analysis.model.filters import Filters, parse
from analysis.outputs import export
from analysis.stats import disclosure
from analysis.views import links, panels

BLUE = (0x00, 0x72, 0xB2)


@pytest.fixture(scope="session")
def renderer():
    """kaleido's one Chromium, started once for the whole test session."""
    if export.renderer_problem():
        if os.environ.get("CI"):
            pytest.fail(f"CI needs Chromium for image export: {export.renderer_problem()}")
        pytest.skip("Chromium is not installed (/usr/bin/chromium): image export cannot be tested here")
    export.start_renderer()
    yield
    export.stop_renderer()


@pytest.fixture(scope="module")
def panel(demo_cube: Cube) -> panels.Panel:
    """The headline panel of the demo dataset."""
    return panels.domains_positive(demo_cube, Filters())


def test_export_figure_stands_alone(panel: panels.Panel, demo_cube: Cube) -> None:
    fig = export.export_figure(panel, demo_cube.manifest)
    footer = fig.layout.annotations[-1].text
    assert fig.layout.template.layout.paper_bgcolor == "white"
    assert fig.layout.width == export.WIDTH_PX
    assert panel.title in fig.layout.title.text
    assert "All organisations" in fig.layout.title.subtitle.text
    assert "Illustrative data" in fig.layout.title.subtitle.text
    for part in ("Illustrative data", "Base:", "Summary:", "Method:", "Source:", links.dataset_token(
            demo_cube.manifest)):
        assert part in footer
    assert panel.figure.layout.annotations == ()  # the panel's own figure is left as it was


def test_export_figure_escapes_data_text(panel: panels.Panel, demo_cube: Cube) -> None:
    odd = dataclasses.replace(panel, summary="<b>bold</b> & <a href='x'>link</a>")
    footer = export.export_figure(odd, demo_cube.manifest).layout.annotations[-1].text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;a" in footer


def test_real_dataset_has_no_illustrative_note(panel: panels.Panel, demo_cube: Cube) -> None:
    fig = export.export_figure(panel, {**demo_cube.manifest, "demo": False, "description": "Survey 2024"})
    assert "Illustrative" not in fig.layout.annotations[-1].text
    assert "Illustrative" not in fig.layout.title.subtitle.text


def test_png_is_2x_and_bars_are_blue_not_black(renderer, panel: panels.Panel, demo_cube: Cube) -> None:
    fig = export.export_figure(panel, demo_cube.manifest)
    image = Image.open(io.BytesIO(export.chart_image(panel, demo_cube.manifest, "png"))).convert("RGB")
    assert image.size == (2 * export.WIDTH_PX, 2 * fig.layout.height)
    colours = image.getcolors(maxcolors=image.width * image.height)
    share = {colour: count / (image.width * image.height) for count, colour in colours}
    assert share.get(BLUE, 0) > 0.05, "the bars should be the house blue"
    assert share.get((0, 0, 0), 0) < 0.01, "black bars: the figure lost the house template"


def test_svg_parses_with_house_colours(renderer, panel: panels.Panel, demo_cube: Cube) -> None:
    svg = export.chart_image(panel, demo_cube.manifest, "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert float(root.get("width")) == export.WIDTH_PX
    assert "rgb(0, 114, 178)" in svg.decode()
    assert "Illustrative data" in svg.decode()


def test_pdf_is_one_page(renderer, panel: panels.Panel, demo_cube: Cube) -> None:
    reader = PdfReader(io.BytesIO(export.chart_image(panel, demo_cube.manifest, "pdf")))
    assert len(reader.pages) == 1
    assert "Illustrative" in reader.pages[0].extract_text()


def test_missing_chromium_is_said_plainly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nowhere/chromium")
    assert "Chromium was not found (/nowhere/chromium)" in export.renderer_problem()
    assert "data downloads still work" in export.renderer_problem()


INJECTIONS = ["=1+2", "+44 20", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd", "=HYPERLINK(\"http://x\",\"y\")"]
ROUND_TRIPS = ["plain", "a, b, c", 'she said "no"', "line one\nline two", "مرحبا بالعالم", "你好，世界",
               "naïve café – ✖", "it's 50%"]


def _table(values: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"Label": values, "% positive": [12.5] * len(values)})


def _read_csv(data: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_csv_has_bom_for_excel() -> None:
    assert export.table_csv(_table(["x"])).startswith(codecs.BOM_UTF8)


@pytest.mark.parametrize("value", INJECTIONS)
def test_csv_neutralises_formulas(value: str) -> None:
    assert _read_csv(export.table_csv(_table([value])))["Label"].tolist() == ["'" + value]


@pytest.mark.parametrize("value", ROUND_TRIPS)
def test_csv_round_trips_text(value: str) -> None:
    assert _read_csv(export.table_csv(_table([value])))["Label"].tolist() == [value]


def _xstring(text: str) -> str:
    # OOXML writes control characters as _xHHHH_ (Excel decodes them; openpyxl leaves them as they are).
    return re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def _read_xlsx(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    return [tuple(cell for cell in row) for row in sheet.iter_rows(min_row=2)]


@pytest.mark.parametrize("value", INJECTIONS + ROUND_TRIPS)
def test_xlsx_writes_text_as_text(value: str, panel: panels.Panel, demo_cube: Cube) -> None:
    data = export.table_xlsx(dataclasses.replace(panel, table=_table([value])), demo_cube.manifest)
    [(label, pct)] = _read_xlsx(data)
    assert (_xstring(label.value), label.data_type) == (value, "s")
    assert (pct.value, pct.data_type) == (12.5, "n")


def test_xlsx_has_notes_sheet(panel: panels.Panel, demo_cube: Cube) -> None:
    book = openpyxl.load_workbook(io.BytesIO(export.table_xlsx(panel, demo_cube.manifest)))
    about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True)}
    assert about["Title"] == panel.title
    assert "Illustrative" in about["Note"]
    assert links.dataset_token(demo_cube.manifest) in about["Source"]


def test_suppressed_cells_stay_suppressed(panel: panels.Panel, demo_cube: Cube) -> None:
    frame = disclosure.protect(pd.DataFrame({"label": ["a", "b", "c"], "positive_pct": [40.0, 55.0, 60.0],
                                             "base_n": [5, 50, 80]}), ["positive_pct"])
    table = frame.rename(columns={"label": "Group", "positive_pct": "% positive", "base_n": "Base"})
    csv = pd.read_csv(io.BytesIO(export.table_csv(table)), encoding="utf-8-sig")
    assert csv.loc[0, ["% positive", "Base"]].isna().all()
    assert csv.loc[1, "% positive"] == 55.0
    rows = _read_xlsx(export.table_xlsx(dataclasses.replace(panel, table=table), demo_cube.manifest))
    assert [c.value for c in rows[0]] == ["a", None, None, True, False]


def test_view_link_carries_filters_and_dataset(demo_cube: Cube) -> None:
    filters = Filters(sector=("nhs",), region=("london",))
    link = links.view_link("http://host/groups", filters, demo_cube.manifest)
    token = demo_cube.manifest["dataset_hash"][:12]
    assert link == f"http://host/groups?sector=nhs&region=london&dataset={token}"
    assert parse({"sector": ["nhs"], "region": ["london"], "dataset": [token]}) == filters


@pytest.mark.parametrize(("requested", "warned"), [(None, False), ("", False), ("same", False),
                                                   ("0123456789ab", True)])
def test_dataset_mismatch(requested: str | None, warned: bool, demo_cube: Cube) -> None:
    token = links.dataset_token(demo_cube.manifest)
    message = links.dataset_mismatch(token if requested == "same" else requested, demo_cube.manifest)
    assert (message is not None) == warned
    if warned:
        assert "0123456789ab" in message and token in message


def test_file_names(panel: panels.Panel) -> None:
    assert export.file_name(panel, "png") == "domains_positive.png"
    assert Path(export.file_name(panel, "xlsx")).suffix == ".xlsx"
