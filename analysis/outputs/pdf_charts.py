"""A panel's chart drawn straight into a PDF page as vector shapes and text (fpdf2), from the same chart
specs the PowerPoint charts use (chart_specs.chart_of): bars with 95% intervals and hidden rows named,
the scatter with its reference line, heat maps as shaded tables. No browser is involved, so a PDF pack
costs about what the PowerPoint one does, and its text stays selectable and sharp at any zoom.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from analysis.outputs.chart_specs import Bars, Chart, Grid, Points, label_colour, shade
from analysis.views.colour import FRAME, PALETTE

Box = tuple[float, float, float, float]  # left, top, width, height in mm
GRID_LINE = FRAME["grid"]
AXIS_LINE = FRAME["axis"]
HATCH = FRAME["paper"]  # white stripes: the value written on a hatched bar stays readable in ink
POINT_COLOURS = [PALETTE[c] for c in ("blue", "orange", "green", "vermilion", "sky", "purple", "grey", "yellow")]
POINT_SHAPES = ("circle", "diamond", "square", "triangle")
PT = 0.3528  # mm per point


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


class Canvas:
    """The few drawing operations the charts need, on an fpdf2 document with the pack's font."""

    def __init__(self, pdf, font: str, clean: Callable[[str], str]) -> None:
        self.pdf, self.font, self.clean = pdf, font, clean
        self._unit_widths: dict[tuple[str, bool], float] = {}

    @contextmanager
    def tagged(self, kind: str, alt: str | None = None, title: str | None = None) -> Iterator[None]:
        """What is drawn inside, tagged as one structure element (H1, H2, P, or a Figure with its alt text).

        fpdf2 tags only pictures, links and its own section titles, and only as figures, through a private
        method; this does the same for any kind, with fpdf2's structure tree (`struct_builder`) and two of its
        private methods. fpdf2 is pinned in requirements.txt, and tests/test_briefing.py reads the tags back, so
        a change of fpdf2's internals fails a test rather than a reader.
        """
        pdf = self.pdf
        mcid = pdf.struct_builder.next_mcid_for_page(pdf.page)
        pdf._add_marked_content(struct_type=f"/{kind}", mcid=mcid, title=title, alt_text=alt)
        pdf._out(f"/{kind} <</MCID {mcid}>> BDC")
        yield
        pdf._out("EMC")

    def width(self, text: str, size: float, bold: bool = False) -> float:
        """The text's width in mm at size (points). fpdf2 measures it once at 1 pt (widths grow with the size:
        no kerning), as each measure costs more than the arithmetic of a chart."""
        key = (text, bold)
        if key not in self._unit_widths:
            self.pdf.set_font(self.font, "B" if bold else "", 1)
            self._unit_widths[key] = self.pdf.get_string_width(self.clean(text))
        return self._unit_widths[key] * size

    def lines(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        """The text broken into lines no wider than width (a single long word stays whole); a line's width is
        its words' widths and the spaces between them, so each word is measured once."""
        space = self.width(" ", size, bold)
        out, line, used = [], "", 0.0
        for word in self.clean(text).split():
            w = self.width(word, size, bold)
            if line and used + space + w > width + 1e-6:  # a sum of widths may differ from the whole in the last bit
                out.append(line)
                line, used = word, w
            else:
                line, used = (f"{line} {word}", used + space + w) if line else (word, w)
        return [*out, line] if line else out

    def text(self, x: float, y: float, text: str, size: float, align: str = "L", bold: bool = False,
             colour: str = PALETTE["ink"]) -> None:
        """One line of text whose vertical middle is at y; x is its left, centre or right (align L, C, R)."""
        w = self.width(text, size, bold)
        left = x - w if align == "R" else x - w / 2 if align == "C" else x
        self.pdf.set_font(self.font, "B" if bold else "", size)
        self.pdf.set_text_color(*_rgb(colour))
        self.pdf.text(left, y + size * PT * 0.35, self.clean(text))

    def block(self, x: float, y: float, lines: list[str], size: float, align: str = "L", bold: bool = False) -> None:
        """Lines of text centred vertically on y."""
        step = size * PT * 1.2
        for i, line in enumerate(lines):
            self.text(x, y - step * (len(lines) - 1) / 2 + i * step, line, size, align, bold)

    def rect(self, x: float, y: float, w: float, h: float, fill: str, line: str | None = None) -> None:
        self.pdf.set_fill_color(*_rgb(fill))
        if line:
            self.pdf.set_draw_color(*_rgb(line))
            self.pdf.set_line_width(0.2)
        self.pdf.rect(x, y, w, h, style="DF" if line else "F")

    def line(self, x1: float, y1: float, x2: float, y2: float, colour: str, width: float = 0.25,
             dashed: bool = False) -> None:
        self.pdf.set_draw_color(*_rgb(colour))
        self.pdf.set_line_width(width)
        if dashed:
            self.pdf.set_dash_pattern(dash=1.5, gap=1.2)
        self.pdf.line(x1, y1, x2, y2)
        if dashed:
            self.pdf.set_dash_pattern()

    def hatch(self, x: float, y: float, w: float, h: float, colour: str) -> None:
        """Diagonal lines across a rectangle (the lower answer levels, as on screen and in PowerPoint)."""
        step = 1.6
        for i in range(-int(h / step) - 1, int(w / step) + 2):
            start = x + i * step  # the line (start + u, y + h - u), cut to the rectangle
            first, last = max(0.0, x - start), min(h, x + w - start)
            if first < last:
                self.line(start + first, y + h - first, start + last, y + h - last, colour, 0.35)

    def error_bar(self, low: tuple[float, float], high: tuple[float, float], colour: str,
                  across: str = "y") -> None:
        """A 95% interval from low to high with end caps (across: the direction the caps run)."""
        self.line(*low, *high, colour, 0.35)
        for x, y in (low, high):
            if across == "y":
                self.line(x, y - 1.0, x, y + 1.0, colour, 0.35)
            else:
                self.line(x - 1.0, y, x + 1.0, y, colour, 0.35)

    def marker(self, x: float, y: float, shape: str, colour: str, r: float = 1.6) -> None:
        self.pdf.set_fill_color(*_rgb(colour))
        self.pdf.set_draw_color(*_rgb(PALETTE["ink"]))
        self.pdf.set_line_width(0.2)
        if shape == "circle":
            self.pdf.circle(x, y, r, style="DF")
        elif shape == "square":
            self.pdf.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7, style="DF")
        else:
            points = {"diamond": [(0, -1.2), (1.2, 0), (0, 1.2), (-1.2, 0)],
                      "triangle": [(0, -1.2), (1.1, 0.8), (-1.1, 0.8)]}[shape]
            self.pdf.polygon([(x + r * dx, y + r * dy) for dx, dy in points], style="DF")


def _ticks(low: float, high: float, step: float) -> list[float]:
    first = math.ceil(low / step) * step
    return [first + i * step for i in range(int((high - first) / step + 1e-9) + 1)]


def _fmt(value: float, percent: bool) -> str:
    return f"{value:.0f}%" if percent else f"{value:,.0f}"


def _legend(c: Canvas, x: float, y: float, width: float, entries: list[tuple[str, Callable[[float, float], None]]],
            size: float = 9) -> float:
    """A legend row (wrapping to more rows when needed) at the top of a chart; its height."""
    left, row = x, 0
    for name, swatch in entries:
        w = 6 + c.width(name, size) + 6
        if left + w > x + width and left > x:
            left, row = x, row + 1
        swatch(left + 2, y + 2.5 + row * 5)
        c.text(left + 5.5, y + 2.5 + row * 5, name, size)
        left += w
    return (row + 1) * 5 + 2 if entries else 0


def _bar_swatch(c: Canvas, colour: str, hatched: bool) -> Callable[[float, float], None]:
    def draw(x: float, y: float) -> None:
        c.rect(x - 1.6, y - 1.6, 3.2, 3.2, colour)
        if hatched:
            c.hatch(x - 1.6, y - 1.6, 3.2, 3.2, HATCH)
    return draw


def legend_order(chart: Bars) -> list:
    """The series in the order a reader expects: as drawn from the top down, and for stacked (diverging) bars
    in scale order (the left-hand levels are stacked outwards from zero, so they come in reverse)."""
    if not chart.stacked:
        return list(chart.series)
    left = [s for s in chart.series if any(v is not None and v < 0 for v in s.values)]
    return [*left[::-1], *(s for s in chart.series if s not in left)]


def _axis_range(chart: Bars) -> tuple[float, float, float]:
    if chart.axis_range:
        low, high = chart.axis_range
    elif chart.percent:
        low, high = 0.0, 100.0
    else:
        top = max((v + (s.plus[i] if s.plus else 0) for s in chart.series for i, v in enumerate(s.values)
                   if v is not None), default=1.0)
        low, high = 0.0, float(max(1, math.ceil(top / max(1, math.ceil(top / 6))) * max(1, math.ceil(top / 6))))
    step = (50 if chart.stacked else 20) if chart.percent else max(1, math.ceil(high / 6))
    return low, high, step


def draw_bars(c: Canvas, chart: Bars, box: Box) -> None:
    """Horizontal bars: categories from the top down, series side by side (or stacked outwards from zero)."""
    x0, y0, w, h = box
    size = 9 if len(chart.categories) <= 10 else 8
    legend_h = _legend(c, x0, y0, w, [(s.name, _bar_swatch(c, s.colour, s.hatched)) for s in legend_order(chart)]) \
        if len(chart.series) > 1 else 0
    label_w = min(w * 0.32, max(c.width(line, size) for cat in chart.categories
                                for line in c.lines(cat, w * 0.32, size)) + 3)
    title_lines = c.lines(chart.axis_title, w - label_w, 9)
    px, py = x0 + label_w, y0 + legend_h
    pw, ph = w - label_w - 10, h - legend_h - 8 - 4.2 * len(title_lines)
    low, high, step = _axis_range(chart)

    def at(v: float) -> float:
        return px + (min(max(v, low), high) - low) / (high - low) * pw

    for tick in _ticks(low, high, step):
        c.line(at(tick), py, at(tick), py + ph, AXIS_LINE if tick == 0 else GRID_LINE, 0.3 if tick == 0 else 0.2)
        c.text(at(tick), py + ph + 3, _fmt(abs(tick) if chart.stacked else tick, chart.percent), 8, "C")
    c.block(px + pw / 2, py + ph + 8 + 2.1 * (len(title_lines) - 1), title_lines, 9, "C")
    band = ph / max(1, len(chart.categories))
    series = [s for s in chart.series]
    for i, cat in enumerate(chart.categories):
        top = py + i * band
        c.block(px - 2, top + band / 2, c.lines(cat, label_w - 3, size), size, "R")
        if chart.stacked:
            _stack(c, series, i, top + band * 0.18, band * 0.64, at)
            continue
        bar_h = band * 0.7 / len(series)
        for j, s in enumerate(series):
            value = s.values[i]
            if value is None:
                continue
            y = top + band * 0.15 + j * bar_h
            c.rect(at(0), y, at(value) - at(0), bar_h * 0.9, s.colour)
            end = value
            if s.minus is not None and s.plus is not None:
                end = value + s.plus[i]
                c.error_bar((at(value - s.minus[i]), y + bar_h * 0.45), (at(end), y + bar_h * 0.45), PALETTE["ink"])
            c.text(at(end) + 1.2, y + bar_h * 0.45, _fmt(value, chart.percent), min(9.0, bar_h / PT * 0.75),
                   bold=True)


def _stack(c: Canvas, series: list, i: int, y: float, height: float, at: Callable[[float], float]) -> None:
    right = left = 0.0
    for s in series:  # in the figure's order: each stacks outwards from zero on its side
        value = s.values[i]
        if not value:
            continue
        start = right if value > 0 else left
        end = start + value
        x1, x2 = sorted((at(start), at(end)))
        c.rect(x1, y, x2 - x1, height, s.colour)
        if s.hatched:
            c.hatch(x1, y, x2 - x1, height, HATCH)
        if x2 - x1 > 7:
            if s.hatched:  # a pad under the value, so the stripes never run through its digits
                pad = c.width(f"{abs(value):.0f}%", 7.5) + 1.4
                c.rect((x1 + x2 - pad) / 2, y + height / 2 - 1.8, pad, 3.6, FRAME["paper"])
            c.text((x1 + x2) / 2, y + height / 2, f"{abs(value):.0f}%", 7.5, "C",
                   colour=PALETTE["ink"] if s.hatched else label_colour(s.colour))
        right, left = (end, left) if value > 0 else (right, end)


def draw_points(c: Canvas, chart: Points, box: Box) -> None:
    """The scatter: a square plot with both axes 0-100%, the reference line, one marked point per label with
    its y interval, and a legend at the right naming each by colour and shape."""
    x0, y0, w, h = box
    legend_w = min(70.0, max((c.width(p[0], 9) for p in chart.points), default=20) + 10)
    side = min(h - 16, w - legend_w - 20)
    px, py = x0 + 16, y0 + 2

    def at(x: float, y: float) -> tuple[float, float]:
        return px + x / 100 * side, py + side - y / 100 * side

    for tick in range(0, 101, 20):
        c.line(*at(tick, 0), *at(tick, 100), AXIS_LINE if tick == 0 else GRID_LINE, 0.2)
        c.line(*at(0, tick), *at(100, tick), AXIS_LINE if tick == 0 else GRID_LINE, 0.2)
        c.text(at(tick, 0)[0], py + side + 3, f"{tick}%", 8, "C")
        if tick:
            c.text(px - 1.5, at(0, tick)[1], f"{tick}%", 8, "R")
    c.block(px + side / 2, py + side + 9, c.lines(chart.x_title, side, 9), 9, "C")
    with c.pdf.rotation(90, x0 + 3, py + side / 2):
        c.block(x0 + 3, py + side / 2, c.lines(chart.y_title, side, 9)[:2], 9, "C")
    for _, xs, ys in chart.lines:
        for (xa, ya), (xb, yb) in zip(zip(xs, ys, strict=True), list(zip(xs, ys, strict=True))[1:], strict=False):
            c.line(*at(xa, ya), *at(xb, yb), PALETTE["grey"], 0.3, dashed=True)
    entries = []
    for k, (label, x, y, minus, plus) in enumerate(chart.points):
        colour, shape = POINT_COLOURS[k % len(POINT_COLOURS)], POINT_SHAPES[k % len(POINT_SHAPES)]
        if minus or plus:
            c.error_bar(at(x, y - minus), at(x, y + plus), colour, across="x")
        c.marker(*at(x, y), shape, colour)
        entries.append((label, colour, shape))
    lx, ly = px + side + 8, py + 4
    for label, colour, shape in entries:
        lines = c.lines(label, legend_w - 8, 9)
        c.marker(lx + 1.5, ly, shape, colour, 1.4)
        c.block(lx + 5, ly + 2.1 * (len(lines) - 1), lines, 9)
        ly += 4.3 * len(lines) + 2


def draw_grid(c: Canvas, chart: Grid, box: Box) -> None:
    """A heat map as a table: each cell shaded by its value (the screen's colour scale), hidden ones marked."""
    x0, y0, w, h = box
    n_cols = len(chart.columns)
    size = 9 if n_cols <= 6 else 8 if n_cols <= 9 else 7
    first = min(w * 0.32, max((c.width(r, size, True) for r in chart.rows), default=20) + 4)
    col_w = (w - first) / max(1, n_cols)
    header = [c.lines(col, col_w - 2, size, True) for col in chart.columns]
    head_h = max((len(lines) for lines in header), default=1) * size * PT * 1.25 + 3
    row_h = min(9.0, (h - head_h) / max(1, len(chart.rows)))
    c.rect(x0, y0, first, head_h, FRAME["header"])
    c.block(x0 + 1.5, y0 + head_h / 2, c.lines(chart.corner, first - 3, size - 1), size - 1)
    for j, lines in enumerate(header):
        c.rect(x0 + first + j * col_w, y0, col_w, head_h, FRAME["header"], FRAME["paper"])
        c.block(x0 + first + (j + 0.5) * col_w, y0 + head_h / 2, lines, size, "C", bold=True)
    for i, row in enumerate(chart.rows):
        y = y0 + head_h + i * row_h
        c.rect(x0, y, first, row_h, FRAME["paper"], FRAME["grid"])
        c.block(x0 + 1.5, y + row_h / 2, c.lines(row, first - 3, size, True)[:2], size, bold=True)
        for j in range(n_cols):
            c.rect(x0 + first + j * col_w, y, col_w, row_h, shade(chart.values[i][j], chart.top), FRAME["paper"])
            c.text(x0 + first + (j + 0.5) * col_w, y + row_h / 2, chart.texts[i][j], size, "C")


def draw(canvas: Canvas, chart: Chart, box: Box) -> None:
    """Draw a chart (or a heat map's table) within box on the canvas's current page."""
    if isinstance(chart, Grid):
        draw_grid(canvas, chart, box)
    elif isinstance(chart, Points):
        draw_points(canvas, chart, box)
    else:
        draw_bars(canvas, chart, box)
