"""The PDF pack's font (DejaVu Sans, regular and bold), read from disk once per process.

fpdf2's `add_font` parses the whole TrueType file every time (its character map, every glyph's width and name):
about a tenth of a second per style, more than the rest of a one-page pack costs. Here each style is parsed once
per process, with fpdf2's own `add_font`, into a template; every document then gets its own copy of that font.
The copy shares what fpdf2 only reads (the width, glyph and character tables, the font descriptor) and gets
fresh what a document changes: its subset (the glyphs it uses) and the fontTools font, which fpdf2 cuts down to
that subset in place when it writes the file (the fresh one is read lazily from the file's bytes, kept in memory).
A pack made this way is byte for byte the pack `add_font` would give (tests/test_briefing.py checks it).
The shared tables are safe across the app's session threads: fpdf2 only looks things up in them (a character
the font lacks adds the font's default width to the width table, the same value whichever thread adds it).
"""

from __future__ import annotations

import copy
import functools
import io
from pathlib import Path

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FAMILY = "DejaVu"
FILES = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}
FALLBACK = "Helvetica"  # PDF core font: Latin-1 only, used when DejaVu is not installed


def available() -> bool:
    """Whether the DejaVu files are installed."""
    return all(path.is_file() for path in FILES.values())


@functools.cache
def _template(style: str):
    """The style's font as fpdf2 parses it, with the file's bytes and glyph order (once per process)."""
    from fpdf import FPDF

    path = FILES[style]
    scratch = FPDF()
    scratch.add_font(FAMILY, style, str(path))
    font = scratch.fonts[f"{FAMILY.lower()}{style}"]
    glyph_order = tuple(font.ttfont.getGlyphOrder())
    font.close()  # its file: each document reads the font afresh from the bytes below
    return font, path.read_bytes(), glyph_order


def _fresh_copy(style: str, index: int):
    """A copy of the parsed font for one document: shared read-only tables, its own subset and fontTools font."""
    from fontTools import ttLib
    from fpdf.fonts import SubsetMap

    template, raw, glyph_order = _template(style)
    font = copy.copy(template)
    font.i = index  # its number among the document's fonts (/F1, /F2 ...)
    font.ttfont = ttLib.TTFont(io.BytesIO(raw), recalcTimestamp=False, lazy=True)
    font.ttfont.setGlyphOrder(list(glyph_order))  # known already: spares reading the glyph names again
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    font._hbfont = None  # fpdf2's text shaper (unused here), made on demand
    font.subset = SubsetMap(font)
    return font


def add_to(pdf) -> str:
    """Give an fpdf2 document the pack's font (regular and bold); the family name to pass to set_font."""
    if not available():
        return FALLBACK
    for style in FILES:
        pdf.fonts[f"{FAMILY.lower()}{style}"] = _fresh_copy(style, len(pdf.fonts) + 1)
    return FAMILY
