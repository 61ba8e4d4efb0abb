"""What a panel's chart shows, in a form every pack format draws natively: bars (values, 95% intervals, hidden
rows named), a scatter with its reference lines, or a heat map as a shaded table.

Read from the panel's plotly figure, so any chart a page shows reaches both packs in the same form. Neither
python-pptx nor fpdf2 is imported here: the PowerPoint writer (slide_charts) and the PDF writer (pdf_charts)
each load only their own library, which keeps a pack of one format from paying for the other's import.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import plotly.graph_objects as go

from analysis.model.safe_text import printable
from analysis.stats.disclosure import FEWER_THAN_MIN
from analysis.views.charts import HIDDEN_MARK, numbers
from analysis.views.colour import FRAME, HEAT_SCALE, PALETTE, contrast_ratio

HIDDEN_SUFFIX = f" {HIDDEN_MARK} hidden"


@dataclass(frozen=True)
class Series:
    """One series of a category chart: a value per category (None where hidden or missing) and its interval."""

    name: str
    values: list[float | None]
    colour: str
    minus: list[float] | None = None
    plus: list[float] | None = None
    hatched: bool = False


@dataclass(frozen=True)
class Bars:
    """A horizontal bar chart: categories from the top down, one or more series, stacked or side by side."""

    categories: list[str]
    series: list[Series]
    axis_title: str
    percent: bool
    stacked: bool = False
    axis_range: tuple[float, float] | None = None


@dataclass(frozen=True)
class Points:
    """An XY scatter: one series per labelled point (so the legend names each), plus reference lines."""

    points: list[tuple[str, float, float, float, float]]  # label, x, y, y minus, y plus
    lines: list[tuple[str, list[float], list[float]]]
    x_title: str
    y_title: str


@dataclass(frozen=True)
class Grid:
    """A heat map as a table: row labels, column labels, cell texts and the values behind their shading."""

    rows: list[str]
    columns: list[str]
    texts: list[list[str]]
    values: list[list[float | None]]
    top: float
    corner: str = ""
    notes: list[str] = field(default_factory=list)


Chart = Bars | Points | Grid


def _plain(label: object) -> str:
    """A figure's label as PowerPoint shows it: line breaks as spaces, the chart escaping undone (a slide shows
    text literally), and control characters, which no document takes, replaced."""
    return printable(html.unescape(str(label).replace("<br>", " ")))


def _title(axis: object) -> str:
    title = getattr(axis, "title", None)
    return _plain(getattr(title, "text", None) or "")


def _floats(values: object) -> list[float | None]:
    return [None if np.isnan(v) else float(v) for v in numbers(values).ravel()]


def _hidden(trace: object) -> bool:
    return str(getattr(trace, "name", "") or "").startswith(HIDDEN_MARK)


def _grid(fig: go.Figure) -> Grid:
    trace = next(t for t in fig.data if t.type == "heatmap")
    rows, columns = [_plain(y) for y in trace.y], [_plain(x) for x in trace.x]
    z = [[None if np.isnan(v) else float(v) for v in row] for row in np.atleast_2d(numbers(trace.z))]
    texts = [[str(t) for t in row] for row in trace.text]
    if len(columns) > max(8, len(rows)):  # wide grids read better turned: one row per column label
        rows, columns = columns, rows
        z, texts = [list(r) for r in zip(*z, strict=True)], [list(r) for r in zip(*texts, strict=True)]
    return Grid(rows=rows, columns=columns, texts=texts, values=z, corner=f"{HIDDEN_MARK} hidden: {FEWER_THAN_MIN}",
                top=float(trace.zmax or max((v for row in z for v in row if v is not None), default=1)))


def _points(fig: go.Figure) -> Points:
    lines = [(_plain(t.name), _floats(t.x), _floats(t.y)) for t in fig.data if t.mode == "lines"]
    points = []
    for marks in (t for t in fig.data if t.mode and "markers" in t.mode and not _hidden(t)):
        err = marks.error_y
        plus = _floats(err.array) if err is not None and err.array is not None else [0.0] * len(marks.x)
        minus = _floats(err.arrayminus) if err is not None and err.arrayminus is not None else plus
        labels = marks.text if marks.text is not None and not isinstance(marks.text, str) else [marks.name] * len(
            marks.x)
        points += [(_plain(label), x, y, lo or 0.0, hi or 0.0) for label, x, y, lo, hi in
                   zip(labels, _floats(marks.x), _floats(marks.y), minus, plus, strict=True)]
    return Points(points, lines, _title(fig.layout.xaxis), _title(fig.layout.yaxis))


def _category_order(fig: go.Figure) -> list[str]:
    order = fig.layout.yaxis.categoryarray
    if order is not None and len(order):
        return [str(c) for c in list(order)[::-1]]
    seen: dict[str, None] = {}
    for trace in fig.data:
        for label in trace.y if trace.y is not None else ():
            seen.setdefault(str(label))
    return list(seen)


def _bars(fig: go.Figure) -> Bars:
    categories = _category_order(fig)
    hidden = {str(y) for t in fig.data if _hidden(t) for y in t.y}
    stacked = fig.layout.barmode == "relative"
    series = []
    plotted = [t for t in fig.data if not _hidden(t) and (t.type == "bar" or (t.mode and "markers" in t.mode))]
    # Stacked (diverging) bars keep the figure's trace order: each series stacks outwards from zero.
    for trace in plotted:
        by_label = dict(zip((str(y) for y in trace.y), _floats(trace.x), strict=True))
        values = [by_label.get(c) for c in categories]
        err = trace.error_x
        minus = plus = None
        if err is not None and err.array is not None:
            plus_by = dict(zip((str(y) for y in trace.y), _floats(err.array), strict=True))
            minus_by = dict(zip((str(y) for y in trace.y), _floats(
                err.arrayminus if err.arrayminus is not None else err.array), strict=True))
            plus = [plus_by.get(c) or 0.0 for c in categories]
            minus = [minus_by.get(c) or 0.0 for c in categories]
        colour = (trace.marker.color if isinstance(getattr(trace.marker, "color", None), str)
                  else PALETTE["blue"])
        hatched = bool(getattr(getattr(trace.marker, "pattern", None), "shape", ""))
        series.append(Series(_plain(trace.name or "Value"), values, colour, minus, plus, hatched))
    suffix = fig.layout.xaxis.ticksuffix == "%"
    axis_range = tuple(fig.layout.xaxis.range) if fig.layout.xaxis.range is not None else None
    labels = [_plain(c) + HIDDEN_SUFFIX if c in hidden else _plain(c) for c in categories]
    return Bars(labels, series, _title(fig.layout.xaxis), suffix, stacked, axis_range)


def chart_of(fig: go.Figure) -> Chart:
    """What a panel's figure shows, in a form PowerPoint can draw natively."""
    if any(t.type == "heatmap" for t in fig.data):
        return _grid(fig)
    if any(t.type == "scatter" and t.mode == "lines" for t in fig.data):
        return _points(fig)
    return _bars(fig)


def label_colour(fill: str) -> str:
    """White or ink text, whichever has the higher contrast on the fill (WCAG relative luminance)."""
    white, ink = FRAME["paper"], PALETTE["ink"]
    return white if contrast_ratio(white, fill) >= contrast_ratio(ink, fill) else ink


def shade(value: float | None, top: float) -> str:
    """The heat-map colour of a value between 0 and top (white for none), as on screen."""
    if value is None or top <= 0:
        return FRAME["paper"]
    stops = [tuple(int(c[i:i + 2], 16) for i in (1, 3, 5)) for c in HEAT_SCALE]
    t = min(max(value / top, 0.0), 1.0)
    low, high, u = (stops[0], stops[1], t * 2) if t <= 0.5 else (stops[1], stops[2], t * 2 - 1)
    return "#" + "".join(f"{round(a + (b - a) * u):02X}" for a, b in zip(low, high, strict=True))
