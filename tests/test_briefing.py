"""Briefing packs: PPTX and PDF read back, and the `briefing` command's inputs."""

from __future__ import annotations

import datetime as dt
import io
import pickle
import re
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pypdf import PdfReader

from analysis.commands.cli import main
from analysis.evidence.queries import Cube
from analysis.model.filters import Filters
from analysis.outputs import briefing, chart_specs, export, pdf_fonts
from analysis.views import charts, links, registry

VIEW = Filters(sector=("nhs",))
INTERVIEWS = Filters(source=("interview",))  # organisations only: no group answers
EMPTY = "groups, interviews only"
INTERNAL_NAME = re.compile(r"\b[a-z]+\.[a-z]*_[a-z_]*\b")  # e.g. metrics.compare_shares


def _panels(sources: registry.Sources, page: str, view: Filters = VIEW) -> list:
    return briefing.pack_panels(page, lambda name: registry.page_panels(name, sources, view))


@pytest.fixture(scope="module")
def pack(demo_sources: registry.Sources, demo_cube: Cube) -> briefing.Pack:
    """The whole report's pack for one view."""
    return briefing.assemble(_panels(demo_sources, briefing.ALL), demo_cube.manifest, VIEW)


@pytest.fixture(scope="module")
def pdf(pack: briefing.Pack) -> PdfReader:
    """The whole report's PDF, read back."""
    return PdfReader(io.BytesIO(briefing.to_pdf(pack)))


@pytest.fixture(scope="module")
def pdf_pages(pdf: PdfReader) -> list:
    """The whole report's PDF, page by page."""
    return pdf.pages


@pytest.fixture(scope="module")
def decks(demo_sources: registry.Sources, demo_cube: Cube) -> dict[str, tuple[list, object]]:
    """Each page's PowerPoint pack for one view, read back: (panels, deck). No Chromium needed."""
    out = {}
    for page in [*registry.PAGES, briefing.ALL, EMPTY]:
        view, scope = (INTERVIEWS, "groups") if page == EMPTY else (VIEW, page)
        panels = _panels(demo_sources, scope, view)
        data = briefing.build(panels, demo_cube.manifest, view, "pptx", scope)
        out[page] = (panels, Presentation(io.BytesIO(data)))
    return out


@pytest.mark.parametrize("page", list(registry.PAGES))
def test_a_pages_pack_holds_exactly_that_pages_charts(demo_sources: registry.Sources, page: str) -> None:
    ids = [p.chart_id for p in _panels(demo_sources, page)]
    assert ids == [p.chart_id for p in registry.page_panels(page, demo_sources, VIEW)]
    if not any(e.many for e in registry.PAGES[page].entries):  # Results by question: a chart per measure held
        assert len(ids) == len(registry.PAGES[page].entries) and ids


def test_the_whole_report_holds_every_chart_once(demo_sources: registry.Sources) -> None:
    ids = [p.chart_id for p in _panels(demo_sources, briefing.ALL)]
    every = [p.chart_id for page in registry.PAGES for p in registry.page_panels(page, demo_sources, VIEW)]
    assert len(ids) == len(set(ids)) and set(ids) == set(every)
    assert len(every) > len(ids), "overview's chart is also on the domains page, and is in the pack once"
    for chart in ("framework_by_type", "actions_by_domain", "themes_by_domain", "importance_vs_influence"):
        assert chart in ids


@pytest.mark.parametrize(("page", "view", "expected"), [
    ("domains", Filters(), "briefing-domains-all-data-2026-12-03.pptx"),
    ("trust_types", Filters(sector=("nhs",), wave=("2008",)),
     "briefing-trust-types-sector-nhs-wave-2008-2026-12-03.pptx"),
    ("all", Filters(org_type=("acute", "hospice")), "briefing-all-org-type-acute-hospice-2026-12-03.pptx"),
    ("groups", Filters(org_type=tuple("abcdefghijklmnopqrstuvwxyz"), region=("london", "north_east")),
     "briefing-groups-org-type-a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z-etc-2026-12-03.pptx"),
])
def test_pack_file_names_say_page_filters_and_date(page: str, view: Filters, expected: str) -> None:
    assert briefing.file_name(page, view, "pptx", dt.date(2026, 12, 3)) == expected


def test_an_unknown_page_is_refused_plainly() -> None:
    with pytest.raises(briefing.UserError, match=r"Unknown page 'sideways'.*voices, questions, all"):
        briefing.pages_of("sideways")


def _is_grid(panel) -> bool:
    return charts.has_data(panel.figure) and any(t.type == "heatmap" for t in panel.figure.data)


def _is_chart(panel) -> bool:
    return charts.has_data(panel.figure) and not _is_grid(panel)


@pytest.mark.parametrize("page", [*registry.PAGES, briefing.ALL, EMPTY])
def test_every_pages_pack_holds_its_charts_as_native_charts(decks: dict, page: str) -> None:
    panels, deck = decks[page]
    if page == EMPTY:
        assert not all(charts.has_data(p.figure) for p in panels), "interviews alone leave group charts empty"
    slides = list(deck.slides)
    assert len(slides) == 1 + len(panels) + 1
    found = [s for slide in slides for s in slide.shapes if s.has_chart]
    tables = [s for slide in slides for s in slide.shapes if s.has_table]
    assert len(found) == sum(_is_chart(p) for p in panels), "one native chart per chart that is not a heat map"
    assert len(tables) == sum(_is_grid(p) for p in panels), "heat maps as formatted tables"
    assert not [s for slide in slides for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    for slide, panel in zip(slides[1:-1], panels, strict=True):
        frames = [s for s in slide.shapes if s.has_chart or s.has_table]
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        if not charts.has_data(panel.figure):
            assert not frames and charts.NO_ANSWERS in texts, "an empty view says so instead of an empty chart"
            continue
        assert len(frames) == 1, panel.chart_id
        props = frames[0]._element.xpath("./p:nvGraphicFramePr/p:cNvPr")[0]
        assert props.get("descr") == panel.summary, "the summary is the chart's alt text"
        assert texts[0] == panel.summary, "one message per slide: the summary is the slide title"
        assert any(panel.base_text in t and "Source: Engagement Explorer" in t for t in texts), "footer"
        if frames[0].has_chart:
            assert frames[0].chart.part.chart_workbook.xlsx_part is not None, "numbers embedded, editable"


def _chart(decks: dict, chart_id: str):
    panels, deck = decks[briefing.ALL]
    slide = list(deck.slides)[1 + [p.chart_id for p in panels].index(chart_id)]
    return next(s for s in slide.shapes if s.has_chart or s.has_table), panels[[p.chart_id for p in panels].index(
        chart_id)]


@pytest.mark.parametrize("chart_id", ["domains_positive", "groups_against_rest", "actions_by_domain",
                                      "org_types_participation", "domains_by_wave"])
def test_native_bars_carry_the_numbers_and_their_intervals(decks: dict, chart_id: str) -> None:
    frame, panel = _chart(decks, chart_id)
    plot = frame.chart.plots[0]
    fig_bars = [t for t in panel.figure.data if (t.type == "bar" or t.mode == "markers") and t.error_x]
    assert len(plot.series) == len(fig_bars)
    for trace in fig_bars:
        ser = next(s for s in plot.series if s.name == trace.name)
        expected = dict(zip(trace.y, trace.x, strict=True))
        got = dict(zip(plot.categories, ser.values, strict=True))
        for label, value in expected.items():
            assert got[label] == pytest.approx(value), (chart_id, label)
        err = ser._element.find(qn("c:errBars"))
        assert err is not None, "95% intervals as error bars"
        plus = [float(v.text) for v in err.findall(f"{qn('c:plus')}//{qn('c:v')}")]
        high = dict(zip(trace.y, trace.error_x.array, strict=True))
        assert [p for label, p in zip(plot.categories, plus, strict=True) if label in high] == pytest.approx(
            [high[label] for label in plot.categories if label in high], abs=1e-3)


@pytest.mark.parametrize("chart_id", ["domains_positive", "groups_against_rest", "domains_by_wave",
                                      "domains_distribution"])
def test_native_bars_read_top_down_with_the_legend_in_the_same_order(decks: dict, chart_id: str) -> None:
    frame, panel = _chart(decks, chart_id)
    chart, plot = chart_specs.chart_of(panel.figure), frame.chart.plots[0]
    top_down = list(plot.categories) if chart.stacked else list(plot.categories)[::-1]
    assert frame.chart.category_axis.reverse_order == chart.stacked
    assert top_down == chart.categories, "the first category is drawn at the top"
    if not chart.stacked:  # bar charts list the legend bottom-up: stored bottom-up, it reads top-down
        assert [s.name for s in plot.series][::-1] == [s.name for s in chart.series]


def test_every_native_charts_series_are_stored_in_their_legend_order(decks: dict) -> None:
    # A legend follows each series' c:order (the plot order), not its place in the file: the two agree (0, 1,
    # 2 ... in file order) on every chart, so the order the tests above read is the one a reader's legend uses.
    _, deck = decks[briefing.ALL]
    checked = 0
    for slide in list(deck.slides)[1:-1]:
        for frame in (s for s in slide.shapes if s.has_chart):
            series = list(frame.chart._chartSpace.iter(qn("c:ser")))
            orders = [int(ser.find(qn("c:order")).get("val")) for ser in series]
            names = [ser.find(f".//{qn('c:tx')}//{qn('c:v')}").text for ser in series]
            assert orders == list(range(len(orders))), (frame.name, orders)
            assert names == [s.name for s in frame.chart.plots[0].series], frame.name
            checked += 1
    assert checked >= 15


def test_hidden_cells_are_named_on_the_native_chart(decks: dict) -> None:
    frame, panel = _chart(decks, "actions_by_group")
    hidden = [str(y) for t in panel.figure.data if str(t.name).startswith("\u2716") for y in t.y]
    assert hidden, "the demo's NHS view hides some groups' issues"
    categories = list(frame.chart.plots[0].categories)
    for label in hidden:
        assert f"{label} \u2716 hidden" in categories
        assert all(ser.values[categories.index(f"{label} \u2716 hidden")] is None
                   for ser in frame.chart.plots[0].series)


def test_a_heat_map_becomes_a_shaded_table(decks: dict) -> None:
    frame, panel = _chart(decks, "groups_heatmap")
    trace = panel.figure.data[0]
    table = frame.table
    assert len(table.rows) == len(trace.y) + 1 and len(table.columns) == len(trace.x) + 1
    assert table.cell(1, 0).text == trace.y[0]
    assert table.cell(1, 1).text == trace.text[0][0]
    assert "hidden" in table.cell(0, 0).text, "the corner says what the mark means"


def test_the_title_slide_is_centred_and_says_dataset_filters_date(decks: dict, demo_cube: Cube) -> None:
    _, deck = decks["groups"]
    box = next(s for s in next(iter(deck.slides)).shapes if s.has_text_frame)
    assert abs((box.left + box.width / 2) - deck.slide_width / 2) < deck.slide_width * 0.01
    paragraphs = box.text_frame.paragraphs
    assert {p.alignment for p in paragraphs} == {PP_ALIGN.CENTER}
    text = box.text_frame.text
    for part in ("Seldom-heard groups", "Illustrative data", "Sector: NHS", export.dataset_label(demo_cube.manifest),
                 str(dt.date.today())):
        assert part in text


def test_notes_and_closing_slide_speak_plainly(decks: dict, demo_cube: Cube) -> None:
    panels, deck = decks[briefing.ALL]
    slides = list(deck.slides)
    for slide, panel in zip(slides[1:-1], panels, strict=True):
        notes = slide.notes_slide.notes_text_frame.text
        assert panel.summary in notes and "The numbers:" in notes and panel.table.columns[0] in notes
        assert "How it was worked out" in notes
    closing = " ".join(s.text_frame.text for s in slides[-1].shapes if s.has_text_frame)
    for part in ("Method", "Disclosure control", "Sources", "Wilson", "self-assessment",
                 links.dataset_token(demo_cube.manifest)):
        assert part in closing
    every_text = closing + " ".join(s.notes_slide.notes_text_frame.text for s in slides)
    assert not INTERNAL_NAME.findall(every_text), "no function or module names in words meant for people"


def test_pdf_reads_back(pack: briefing.Pack, pdf_pages: list) -> None:
    assert len(pdf_pages) == 1 + len(pack.slides) + 1
    first = pdf_pages[0].extract_text()
    assert briefing.TITLE in first and "Illustrative" in first and "Sector: NHS" in first
    assert pack.slides[0].panel.title.split(":")[0] in pdf_pages[1].extract_text()
    assert "Disclosure control" in pdf_pages[-1].extract_text()


def _shown_values(chart: chart_specs.Chart) -> list[str]:
    """What a chart writes on its page: each value (bars, table cells) or each point's name (the scatter)."""
    if isinstance(chart, chart_specs.Grid):
        return [text for row in chart.texts for text in row]
    if isinstance(chart, chart_specs.Points):
        return [label.split()[0] for label, *_ in chart.points]
    return [f"{abs(v):.0f}" + ("%" if chart.percent else "") for s in chart.series for v in s.values
            if v is not None and (not chart.stacked or abs(v) >= 8)]  # thin stacked segments carry no label


def test_pdf_charts_are_drawn_as_text_and_shapes_with_every_value(pack: briefing.Pack, pdf_pages: list) -> None:
    drawn = 0
    for slide, page in zip(pack.slides, pdf_pages[1:], strict=False):
        assert not page.images, "charts are vector shapes and text, not pictures"
        if not charts.has_data(slide.panel.figure):
            continue
        chart = chart_specs.chart_of(slide.panel.figure)
        words = page.extract_text()
        missing = [v for v in _shown_values(chart) if v not in words]
        assert not missing, f"{slide.panel.chart_id}: {missing[:5]} not on its page"
        if isinstance(chart, chart_specs.Bars):
            assert all(c.split()[0] in words for c in chart.categories)
            hidden = sum(c.endswith(chart_specs.HIDDEN_SUFFIX) for c in chart.categories)
            assert words.count("hidden") >= hidden, "hidden rows are named on the chart"
        drawn += 1
    assert drawn >= 15


def test_the_pdf_is_tagged_each_chart_a_figure_with_its_summary_as_alt_text(pack: briefing.Pack,
                                                                          pdf: PdfReader) -> None:
    catalog = pdf.trailer["/Root"]
    assert catalog["/Lang"] == briefing.LANGUAGE and catalog["/MarkInfo"]["/Marked"]
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"], "a reader shows the title, not the file name"
    assert pdf.metadata.title == f"{briefing.TITLE}: {pack.page_title}"
    document = catalog["/StructTreeRoot"]["/K"][0].get_object()
    elements = [k.get_object() for k in document["/K"]]
    page_of = {page.indirect_reference.idnum: i for i, page in enumerate(pdf.pages)}
    figures = [(page_of[e.raw_get("/Pg").idnum], str(e["/Alt"]), str(e["/T"])) for e in elements
               if e["/S"] == "/Figure"]
    charted = [(i + 1, s.panel.summary, s.panel.title) for i, s in enumerate(pack.slides)
               if charts.has_data(s.panel.figure)]
    assert figures == charted, "each chart, on its own page, is a figure whose alt text is its summary"
    headings = [page_of[e.raw_get("/Pg").idnum] for e in elements if e["/S"] == "/H1"]
    assert headings == list(range(len(pdf.pages))), "one top heading per page: title, each message, closing"
    for e in elements:  # each tag marks content on its page (an orphan tag would read out nothing)
        contents = pdf.pages[page_of[e.raw_get("/Pg").idnum]].get_contents().get_data()
        assert f"{e['/S']} <</MCID {e['/K'][0]}>> BDC".encode() in contents
    assert [o.title for o in pdf.outline] == [pack.page_title, *(s.panel.summary for s in pack.slides),
                                             briefing.CLOSING_TITLE], "bookmarks: each page's message"


def _fonts_parsed_per_document(pdf) -> str:
    """fpdf2's plain way: the TrueType files parsed again for each document."""
    for style, path in pdf_fonts.FILES.items():
        pdf.add_font(pdf_fonts.FAMILY, style, str(path))
    return pdf_fonts.FAMILY


UNDATED = re.compile(rb"/CreationDate \(D:\d+Z?\)|/ID \[<[0-9A-F]+><[0-9A-F]+>\]")  # the clock, and a hash of it


@pytest.mark.skipif(not pdf_fonts.available(), reason="DejaVu fonts not installed")
def test_pdf_packs_with_the_font_parsed_once_are_the_packs_add_font_gives(
        demo_sources: registry.Sources, demo_cube: Cube, monkeypatch: pytest.MonkeyPatch) -> None:
    # One after another in one process, as in the app, each with characters the others lack (Greek, a tick,
    # accents in a dataset title), so a subset or glyph left over from an earlier pack would show.
    titled = {**demo_cube.manifest, "dataset_title": "Ωμέγα trust ✓ ünïcödé", "dataset_name": "omega"}
    packs = [briefing.assemble(_panels(demo_sources, page, view), manifest, view, page)
             for page, view, manifest in (("domains", VIEW, demo_cube.manifest), ("voices", Filters(), titled),
                                          ("domains", Filters(), demo_cube.manifest))]
    once = [briefing.to_pdf(p) for p in packs]
    monkeypatch.setattr(pdf_fonts, "add_to", _fonts_parsed_per_document)
    per_document = [briefing.to_pdf(p) for p in packs]
    for mine, plain in zip(once, per_document, strict=True):
        assert UNDATED.sub(b"", mine) == UNDATED.sub(b"", plain)
    assert "Ωμέγα trust ✓ ünïcödé" in PdfReader(io.BytesIO(once[1])).pages[0].extract_text()


def test_speaker_notes_say_hidden_for_suppressed_cells() -> None:
    import pandas as pd

    text = briefing.table_text(pd.DataFrame({"Group": ["a", "b"], "% positive": [None, 40.0]}))
    assert "hidden" in text and "40.0" in text


@pytest.mark.parametrize(("args", "message"), [
    (["--filter", "colour=red"], "Unknown filter key 'colour'"),
    (["--filter", "sector=mars"], "Unknown filter value sector=mars"),
    (["--filter", "sector"], "needs the form key=value"),
    (["--page", "sideways"], "Unknown page 'sideways'"),
])
def test_briefing_command_rejects_bad_filters(args: list[str], message: str, demo_dir: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["briefing", "--out", str(tmp_path / "p.pptx"), "--data-dir", str(demo_dir), *args])
    assert code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "p.pptx").exists()


def test_briefing_command_needs_a_known_format(demo_dir: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["briefing", "--out", str(tmp_path / "p.doc"), "--data-dir", str(demo_dir)]) == 2
    assert "--format pptx" in capsys.readouterr().err


def test_briefing_command_writes_pdf_from_extension_without_chromium(demo_dir: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nowhere/chromium")  # the PDF's charts are drawn without a browser
    out = tmp_path / "pack.pdf"
    assert main(["briefing", "--out", str(out), "--data-dir", str(demo_dir), "--page", "domains", "--filter",
                 "sector=nhs", "--filter", "wave=2008"]) == 0
    assert len(PdfReader(out).pages) == 1 + len(registry.PAGES["domains"].entries) + 1


def _deck_numbers(data: bytes) -> list:
    found = []
    for slide in Presentation(io.BytesIO(data)).slides:
        for shape in slide.shapes:
            if shape.has_chart:
                found.append([tuple(s.values) for s in shape.chart.plots[0].series])
            elif shape.has_table:
                found.append([cell.text for cell in shape.table.iter_cells()])
    return found


@pytest.mark.parametrize("view", [VIEW, INTERVIEWS])
def test_a_pack_from_the_apps_cache_is_the_same_pack(demo_sources: registry.Sources, demo_cube: Cube,
                                                      view: Filters) -> None:
    # Streamlit's cache pickles panels, and plotly then keeps a figure's arrays base64-encoded.
    panels = _panels(demo_sources, briefing.ALL, view)
    cached = [pickle.loads(pickle.dumps(p)) for p in panels]
    assert [charts.has_data(p.figure) for p in cached] == [charts.has_data(p.figure) for p in panels]
    fresh = _deck_numbers(briefing.build(panels, demo_cube.manifest, view, "pptx"))
    assert fresh and _deck_numbers(briefing.build(cached, demo_cube.manifest, view, "pptx")) == fresh


def test_a_pack_names_its_dataset(demo_dir: Path, tmp_path: Path) -> None:
    from pptx import Presentation

    out = tmp_path / "named.pptx"
    assert main(["briefing", "--out", str(out), "--data-dir", str(demo_dir), "--dataset", "demo"]) == 0
    words = " ".join(shape.text_frame.text for slide in Presentation(str(out)).slides for shape in slide.shapes
                     if shape.has_text_frame)
    assert "'Study demo (illustrative)' (demo, version" in words


def test_a_pack_of_an_unknown_dataset_is_refused_plainly(demo_dir: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["briefing", "--out", str(tmp_path / "p.pptx"), "--data-dir", str(demo_dir), "--dataset",
                 "nope"]) == 2
    assert "There is no dataset named 'nope'" in capsys.readouterr().err
