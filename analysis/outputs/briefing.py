"""Briefing packs: every chart of the current view as PPTX slides or PDF pages, with notes and alt text."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from analysis.model.errors import UserError
from analysis.model.filters import Filters, describe
from analysis.model.safe_text import printable
from analysis.outputs import chart_specs, export
from analysis.stats import disclosure, metrics
from analysis.views import charts, registry
from analysis.views.panels import Panel

TITLE = "Engagement Explorer: briefing pack"
ALL = "all"  # the whole-report pack: every page's charts
ILLUSTRATIVE = export.ILLUSTRATIVE
ILLUSTRATIVE_SHORT = "Illustrative data: generated to mirror the study's findings, not its own responses"
CLOSING_TITLE = "Method, disclosure control and sources"
LANGUAGE = "en-GB"  # the PDF's language, for screen readers


@dataclass(frozen=True)
class Slide:
    """One chart slide: the panel it shows."""

    panel: Panel


@dataclass(frozen=True)
class Pack:
    """What a pack says, whatever its format."""

    filters_text: str
    manifest: dict
    created: str
    slides: list[Slide]
    page: str = ALL

    @property
    def demo(self) -> bool:
        """Whether the dataset is the illustrative demo."""
        return bool(self.manifest.get("demo"))

    @property
    def page_title(self) -> str:
        """What the pack covers: a page's title or the whole report."""
        return "Whole report" if self.page == ALL else registry.PAGES[self.page].title


def pages_of(page: str) -> list[str]:
    """The registry's pages a pack covers: one page, or every page for "all"."""
    if page == ALL:
        return list(registry.PAGES)
    if page not in registry.PAGES:
        raise UserError(f"Unknown page {page!r}: use one of {', '.join([*registry.PAGES, ALL])}.")
    return [page]


def pack_panels(page: str, panels_of: Callable[[str], list[Panel]]) -> list[Panel]:
    """The panels of a page's pack (every page's for "all"), each chart once, in page order.

    `panels_of(page)` gives a page's panels for the view: the app passes its cache, the command line the registry.
    """
    found: dict[str, Panel] = {}
    for name in pages_of(page):
        for panel in panels_of(name):
            found.setdefault(panel.chart_id, panel)
    return list(found.values())


def assemble(panels: list[Panel], manifest: dict, filters: Filters, page: str = ALL,
             today: dt.date | None = None) -> Pack:
    """The pack's content, whatever its format."""
    return Pack(describe(filters), manifest, str(today or dt.date.today()), [Slide(p) for p in panels], page)


def table_text(table: pd.DataFrame) -> str:
    """The numbers behind a chart as plain text for speaker notes; hidden cells say so."""
    def cell(value: object) -> str:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return "hidden"
        return f"{value:.1f}" if isinstance(value, float) else str(value)

    # Written here, not by DataFrame.to_string: pandas' formatter costs more than the rest of a slide.
    rows = [[str(c) for c in table.columns], *([cell(v) for v in row] for row in table.itertuples(index=False))]
    widths = [max(len(r[j]) for r in rows) for j in range(len(table.columns))]
    return "\n".join("  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)).rstrip() for r in rows)


def _sentences(texts: list[str]) -> str:
    """The texts' sentences, each once, in order (the panels' methods share most of theirs)."""
    seen: dict[str, None] = {}
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text.strip()):
            if sentence:
                seen.setdefault(sentence)
    return " ".join(seen)


def closing_text(pack: Pack) -> list[tuple[str, str]]:
    """The closing slide's sections: method (of the pack's charts), disclosure control and sources."""
    sources = "; ".join(
        ", ".join(f"{k}: {v}" for k, v in item.items() if k != "generator")  # a module name means nothing to readers
        for item in pack.manifest.get("provenance", [])
    ) or "not recorded"
    return [
        ("Method", _sentences([s.panel.method for s in pack.slides]) or metrics.METHOD_NOTE),
        ("Disclosure control", disclosure.NOTE + " Counts of organisations are not personal data and are "
                                                "given exactly."),
        ("Sources", f"{export.source_line(pack.manifest).rstrip('.')}. Provenance: {sources}."),
    ]


def title_lines(pack: Pack) -> list[str]:
    """The title slide's lines under the title."""
    lines = [pack.page_title,
             f"Dataset: {export.dataset_label(pack.manifest).rstrip('.')}; "
             f"version {pack.manifest.get('dataset_id', '?')} "
             f"(hash {pack.manifest.get('dataset_hash', '?')})",
             f"Filters: {pack.filters_text}",
             f"Made on {pack.created}"]
    return lines + ([ILLUSTRATIVE_SHORT] if pack.demo else [])


def footer_text(panel: Panel, manifest: dict) -> str:
    """The footer of a chart slide: the view, the base and the source."""
    return f"{panel.subtitle}. {panel.base_text} {export.source_line(manifest).rstrip('.')}."


def notes_text(panel: Panel) -> str:
    """A chart slide's speaker notes, in plain words: the message, what is shown, how, and the numbers."""
    return (f"{panel.summary}\n\nWhat the chart shows: {panel.title}. {panel.subtitle}. {panel.base_text}\n\n"
            f"How it was worked out: {panel.method}\n\nDisclosure control: {disclosure.NOTE}\n\n"
            f"The numbers:\n{table_text(panel.table)}")


def _title_size(text: str) -> int:
    return 26 if len(text) <= 80 else 22 if len(text) <= 140 else 18 if len(text) <= 220 else 15


def to_pptx(pack: Pack) -> bytes:
    """The pack as a 16:9 deck: a title slide, one slide per chart (its message as the title, a native
    chart filling the body, base and source in the footer, notes), and a closing slide on method."""
    from pptx import Presentation
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Inches, Pt

    from analysis.outputs import slide_charts

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    deck.core_properties.title = f"{TITLE}: {pack.page_title}"
    blank = deck.slide_layouts[6]

    def text_box(slide, left, top, width, height, paragraphs, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP):
        frame = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height)).text_frame
        frame.word_wrap = True
        frame.vertical_anchor = anchor
        for i, (text, bold, size) in enumerate(paragraphs):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = printable(text)  # a control character in the data would stop the deck
            para.alignment = align
            para.font.bold = bold
            para.font.size = Pt(size)
            para.space_after = Pt(6)
        return frame

    def footer(slide, text: str) -> None:
        text_box(slide, 0.5, 6.78, 10.6 if pack.demo else 12.33, 0.62, [(text, False, 10)], anchor=MSO_ANCHOR.BOTTOM)
        if pack.demo:
            text_box(slide, 11.2, 6.78, 1.63, 0.62, [("Illustrative data", True, 11)], align=PP_ALIGN.RIGHT,
                     anchor=MSO_ANCHOR.BOTTOM)

    title = deck.slides.add_slide(blank)
    text_box(title, 0.75, 1.6, 11.83, 4.6, [(TITLE, True, 36)]
             + [(line, line == ILLUSTRATIVE_SHORT or i == 0, 22 if i == 0 else 16)
                for i, line in enumerate(title_lines(pack))], align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.MIDDLE)
    title_note = ILLUSTRATIVE if pack.demo else export.source_line(pack.manifest)
    title.notes_slide.notes_text_frame.text = printable(title_note)

    for item in pack.slides:
        p = item.panel
        slide = deck.slides.add_slide(blank)
        text_box(slide, 0.5, 0.25, 12.33, 1.05, [(p.summary, True, _title_size(p.summary))],
                 anchor=MSO_ANCHOR.MIDDLE)
        text_box(slide, 0.5, 1.3, 12.33, 0.4, [(p.title, False, 14)])
        if charts.has_data(p.figure):
            slide_charts.draw(slide, chart_specs.chart_of(p.figure), (Inches(0.5), Inches(1.75), Inches(12.33),
                                                                       Inches(4.95)), p.summary, p.title)
        else:
            text_box(slide, 0.5, 3.5, 12.33, 1.0, [(charts.NO_ANSWERS, False, 20)], align=PP_ALIGN.CENTER)
        footer(slide, footer_text(p, pack.manifest))
        slide.notes_slide.notes_text_frame.text = printable(notes_text(p))

    closing = deck.slides.add_slide(blank)
    sections = closing_text(pack)
    size = 14 if sum(len(body) for _, body in sections) < 1400 else 11
    text_box(closing, 0.5, 0.3, 12.33, 0.8, [(CLOSING_TITLE, True, 28)])
    text_box(closing, 0.5, 1.2, 12.33, 5.5,
             [line for head, body in sections for line in ((head, True, size + 2), (body, False, size))])
    footer(closing, export.source_line(pack.manifest).rstrip(".") + ".")
    closing.notes_slide.notes_text_frame.text = printable("\n\n".join(f"{head}: {body}" for head, body in sections))
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def to_pdf(pack: Pack) -> bytes:
    """The pack as a landscape A4 PDF with the same pages as the deck; charts drawn as vector shapes and text
    from the same chart specs as the deck's native charts (no browser)."""
    from fpdf import FPDF, ViewerPreferences

    from analysis.outputs import pdf_charts, pdf_fonts

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=False)
    font = pdf_fonts.add_to(pdf)  # DejaVu covers far more scripts than the PDF core fonts (Latin-1 only)
    pdf.set_title(f"{TITLE}: {pack.page_title}")
    pdf.set_lang(LANGUAGE)
    pdf.viewer_preferences = ViewerPreferences(display_doc_title=True)  # the title, not the file name, on top
    pdf.set_creator("Engagement Explorer")
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def clean(text: str) -> str:
        text = printable(text)
        return text.encode("latin-1", "replace").decode("latin-1") if font == "Helvetica" else text

    canvas = pdf_charts.Canvas(pdf, font, clean)

    def write(text: str, size: float, bold: bool = False, align: str = "L", w: float = 0, tag: str = "P"):
        # Lines broken by word widths here: fpdf2's multi_cell measures a paragraph again for every character.
        left = pdf.get_x()
        w = w or pdf.w - pdf.r_margin - left
        lines = canvas.lines(text, w, size, bold) or [""]
        with canvas.tagged(tag):  # a heading or a paragraph to a screen reader, in reading order
            for i, line in enumerate(lines):
                # A space ends each line but the last, so the words either side of a break stay two words to
                # a screen reader; the cell grows by it, so centred and right-aligned lines stay where they were.
                space = canvas.width(" ", size, bold) if i < len(lines) - 1 else 0
                pdf.set_x(left)
                pdf.set_font(font, "B" if bold else "", size)
                pdf.cell(w + space, size * 0.5, line + " " * bool(space), align=align, new_x="LMARGIN", new_y="NEXT")

    def footer(text: str) -> None:
        pdf.set_xy(pdf.l_margin, pdf.h - 17)
        write(text, 8, w=width - (42 if pack.demo else 0))
        if pack.demo:
            pdf.set_xy(pdf.w - pdf.r_margin - 40, pdf.h - 17)
            write("Illustrative data", 9, bold=True, align="R", w=40)

    pdf.add_page()
    pdf.start_section(pack.page_title)  # the outline (bookmarks): this page, then each chart's message
    pdf.set_y(55)
    write(TITLE, 26, bold=True, align="C", tag="H1")
    pdf.ln(6)
    for i, line in enumerate(title_lines(pack)):
        write(line, 16 if i == 0 else 13, bold=i == 0 or line == ILLUSTRATIVE_SHORT, align="C")
        pdf.ln(2)
    for item in pack.slides:
        p = item.panel
        pdf.add_page()
        pdf.start_section(clean(p.summary))
        write(p.summary, 15 if len(p.summary) <= 140 else 12, bold=True, tag="H1")
        pdf.ln(1)
        write(p.title, 10)
        top = pdf.get_y() + 3
        if charts.has_data(p.figure):
            with canvas.tagged("Figure", alt=clean(p.summary), title=clean(p.title)):  # read out: the message
                pdf_charts.draw(canvas, chart_specs.chart_of(p.figure), (pdf.l_margin, top, width,
                                                                         pdf.h - 22 - top))
        else:
            pdf.set_y(top + (pdf.h - 20 - top) / 3)
            write(charts.NO_ANSWERS, 14, align="C")
        footer(footer_text(p, pack.manifest))
    pdf.add_page()
    pdf.start_section(CLOSING_TITLE)
    write(CLOSING_TITLE, 18, bold=True, tag="H1")
    pdf.ln(4)
    for head, body in closing_text(pack):
        write(head, 13, bold=True, tag="H2")
        write(body, 10)
        pdf.ln(3)
    footer(export.source_line(pack.manifest).rstrip(".") + ".")
    return bytes(pdf.output())


FORMATS: dict[str, Callable[[Pack], bytes]] = {"pptx": to_pptx, "pdf": to_pdf}
MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf"}


def build(panels: list[Panel], manifest: dict, filters: Filters, fmt: str = "pptx", page: str = ALL) -> bytes:
    """A briefing pack of the view's panels in the given format (native charts in both; no Chromium)."""
    if fmt not in FORMATS:
        raise UserError(f"Unknown pack format {fmt!r}: use pptx or pdf.")
    return FORMATS[fmt](assemble(panels, manifest, filters, page))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def file_name(page: str, filters: Filters, fmt: str, today: dt.date | None = None) -> str:
    """The pack's download name: page, filters and date, e.g. briefing-groups-sector-nhs-2026-12-03.pptx."""
    chosen = "_".join(f"{key}-{'-'.join(values)}" for key, values in filters.items() if values)
    view = _slug(chosen.replace("_", " ")) if chosen else "all-data"
    if len(view) > 60:  # many filters: keep the name short enough for every file system and e-mail client
        view = view[:60].rstrip("-") + "-etc"
    return f"briefing-{_slug(page.replace('_', '-'))}-{view}-{today or dt.date.today()}.{fmt}"
