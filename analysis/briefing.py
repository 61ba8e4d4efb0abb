"""Briefing packs: every chart of the current view as PPTX slides or PDF pages, with notes and alt text."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import disclosure, export, metrics, panels
from analysis.errors import UserError
from analysis.filters import Filters, describe
from analysis.panels import Panel
from analysis.queries import Cube
from analysis.safe_text import printable

TITLE = "Engagement Explorer: briefing pack"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class Slide:
    """One chart slide: the panel and its picture (PNG bytes)."""

    panel: Panel
    png: bytes


@dataclass(frozen=True)
class Pack:
    """What a pack says, whatever its format."""

    filters_text: str
    manifest: dict
    created: str
    slides: list[Slide]

    @property
    def demo(self) -> bool:
        """Whether the dataset is the illustrative demo."""
        return bool(self.manifest.get("demo"))


def pack_panels(cube: Cube, filters: Filters) -> list[Panel]:
    """The panels of all pages for the view, each chart once, in page order."""
    builders = list(dict.fromkeys(build for page in panels.PAGES.values() for build in page))
    return [build(cube, filters) for build in builders]


def assemble(cube: Cube, filters: Filters, today: dt.date | None = None) -> Pack:
    """The pack's content: each chart drawn once by the persistent Chromium."""
    slides = [Slide(p, export.render(export.export_figure(p, cube.manifest, notes=False), "png"))
              for p in pack_panels(cube, filters)]
    return Pack(describe(filters), cube.manifest, str(today or dt.date.today()), slides)


def table_text(table: pd.DataFrame) -> str:
    """The numbers behind a chart as plain text for speaker notes; hidden cells say so."""
    return table.astype(object).where(table.notna(), "hidden").to_string(index=False)


def closing_text(pack: Pack) -> list[tuple[str, str]]:
    """The closing slide's sections: method, disclosure control and sources."""
    sources = "; ".join(
        ", ".join(f"{k}: {v}" for k, v in item.items()) for item in pack.manifest.get("provenance", [])
    ) or "not recorded"
    return [
        ("Method", f"{metrics.METHOD_NOTE} Comparisons: {metrics.COMPARISON_TEST}."),
        ("Disclosure control", disclosure.NOTE + " Counts of organisations are not personal data and are "
                                                "given exactly."),
        ("Sources", f"{export.source_line(pack.manifest).rstrip('.')}. Provenance: {sources}."),
    ]


def title_lines(pack: Pack) -> list[str]:
    """The title slide's lines under the title."""
    lines = [f"Filters: {pack.filters_text}",
             f"Dataset: {export.dataset_label(pack.manifest)}; version {pack.manifest.get('dataset_id', '?')} "
             f"(hash {pack.manifest.get('dataset_hash', '?')})",
             f"Made on {pack.created}"]
    return ([export.ILLUSTRATIVE] if pack.demo else []) + lines


def to_pptx(pack: Pack) -> bytes:
    """The pack as a 16:9 PowerPoint deck: title, one slide per chart (alt text, notes), closing slide."""
    from pptx import Presentation
    from pptx.util import Emu, Inches, Pt

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(13.333), Inches(7.5)
    blank = deck.slide_layouts[6]

    def text_box(slide, left, top, width, height, paragraphs, size=14):
        frame = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height)).text_frame
        frame.word_wrap = True
        for i, (text, bold, psize) in enumerate(paragraphs):
            para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
            para.text = printable(text)  # a control character in the data would stop the deck
            para.font.bold = bold
            para.font.size = Pt(psize or size)
            para.space_after = Pt(6)
        return frame

    def demo_footer(slide):
        if pack.demo:
            text_box(slide, 0.5, 7.0, 12.3, 0.4, [("Illustrative data", True, 11)])

    title = deck.slides.add_slide(deck.slide_layouts[0])
    title.shapes.title.text = TITLE
    title.placeholders[1].text = printable("\n".join(title_lines(pack)))
    for para in title.placeholders[1].text_frame.paragraphs:
        para.font.size = Pt(16)

    for item in pack.slides:
        p = item.panel
        slide = deck.slides.add_slide(blank)
        text_box(slide, 0.5, 0.3, 12.3, 0.9, [(p.title, True, 24)])
        pic = slide.shapes.add_picture(io.BytesIO(item.png), Inches(0.5), Inches(1.3), height=Inches(5.6))
        if pic.width > Inches(8.2):  # keep room for the text column
            ratio = Inches(8.2) / pic.width
            pic.width, pic.height = Inches(8.2), Emu(int(pic.height * ratio))
        pic._element.nvPicPr.cNvPr.set("descr", printable(p.summary))
        text_box(slide, 8.9, 1.3, 4.0, 5.6, [("Summary", True, 13), (p.summary, False, 12),
                                             ("Base", True, 13), (p.base_text, False, 11),
                                             ("Method", True, 13), (p.method, False, 10)])
        demo_footer(slide)
        slide.notes_slide.notes_text_frame.text = printable(
            f"{p.summary}\n\n{p.subtitle}. {p.base_text}\n\nThe numbers:\n{table_text(p.table)}")

    closing = deck.slides.add_slide(blank)
    text_box(closing, 0.5, 0.3, 12.3, 0.9, [("Method, disclosure control and sources", True, 24)])
    text_box(closing, 0.5, 1.3, 12.3, 5.6,
             [line for head, body in closing_text(pack) for line in ((head, True, 16), (body, False, 13))])
    demo_footer(closing)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _pdf_font(pdf) -> str:
    # DejaVu covers far more scripts than the PDF core fonts (which are Latin-1 only).
    if (FONT_DIR / "DejaVuSans.ttf").is_file():
        pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        return "DejaVu"
    return "Helvetica"


def to_pdf(pack: Pack) -> bytes:
    """The pack as a landscape A4 PDF with the same pages as the PowerPoint deck."""
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    font = _pdf_font(pdf)
    pdf.set_title(TITLE)
    pdf.set_creator("Engagement Explorer")

    def write(text: str, size: float, bold: bool = False, width: float = 0, height: float | None = None):
        text = printable(text)
        if font == "Helvetica":
            text = text.encode("latin-1", "replace").decode("latin-1")
        pdf.set_font(font, "B" if bold else "", size)
        pdf.multi_cell(width, height or size * 0.5, text, align="L", new_x="LMARGIN" if not width else "RIGHT",
                       new_y="NEXT")

    def footer():
        if pack.demo:
            pdf.set_auto_page_break(auto=False)
            pdf.set_xy(pdf.l_margin, pdf.h - 10)
            write("Illustrative data", 9, bold=True)
            pdf.set_auto_page_break(auto=True, margin=12)

    pdf.add_page()
    pdf.set_y(50)
    write(TITLE, 26, bold=True)
    pdf.ln(6)
    for line in title_lines(pack):
        write(line, 13, bold=line == export.ILLUSTRATIVE)
        pdf.ln(2)
    for item in pack.slides:
        p = item.panel
        pdf.add_page()
        write(p.title, 16, bold=True)
        top = pdf.get_y() + 2
        pdf.image(io.BytesIO(item.png), x=pdf.l_margin, y=top, w=175, alt_text=p.summary)
        pdf.set_xy(pdf.l_margin + 182, top)
        for head, body, size in (("Summary", p.summary, 10), ("Base", p.base_text, 9), ("Method", p.method, 8)):
            pdf.set_x(pdf.l_margin + 182)
            write(head, 11, bold=True, width=pdf.w - pdf.l_margin - 182 - pdf.r_margin)
            pdf.set_x(pdf.l_margin + 182)
            write(body, size, width=pdf.w - pdf.l_margin - 182 - pdf.r_margin)
            pdf.ln(2)
        footer()
    pdf.add_page()
    write("Method, disclosure control and sources", 18, bold=True)
    pdf.ln(4)
    for head, body in closing_text(pack):
        write(head, 13, bold=True)
        write(body, 11)
        pdf.ln(3)
    footer()
    return bytes(pdf.output())


FORMATS: dict[str, Callable[[Pack], bytes]] = {"pptx": to_pptx, "pdf": to_pdf}
MIME = {"pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pdf": "application/pdf"}


def build(cube: Cube, filters: Filters, fmt: str = "pptx") -> bytes:
    """A briefing pack of the view in the given format."""
    if fmt not in FORMATS:
        raise UserError(f"Unknown pack format {fmt!r}: use pptx or pdf.")
    return FORMATS[fmt](assemble(cube, filters))


def file_name(manifest: dict, fmt: str) -> str:
    """The pack's download name, e.g. briefing-b7f15735040f.pptx."""
    return f"briefing-{str(manifest.get('dataset_hash', 'view'))[:12]}.{fmt}"
