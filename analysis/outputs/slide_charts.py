"""A panel's chart as native PowerPoint content: bars (with the numbers embedded, 95% intervals as error bars
and hidden cells named), a scatter, or a heat map as a formatted table.

Drawn from the chart specs (chart_specs.chart_of) the PDF pack draws too, without Chromium. python-pptx has no
API for error bars, so they are written into the chart XML (custom plus and minus values, DrawingML
`c:errBars`), which PowerPoint and LibreOffice both draw and let people edit.
"""

from __future__ import annotations

import numpy as np
from lxml import etree
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_MARKER_STYLE,
    XL_TICK_LABEL_POSITION,
    XL_TICK_MARK,
)
from pptx.enum.dml import MSO_PATTERN
from pptx.oxml.ns import nsdecls, qn
from pptx.util import Emu, Pt

from analysis.model.safe_text import printable
from analysis.outputs.chart_specs import Bars, Chart, Grid, Points, Series, label_colour, shade
from analysis.views.colour import FRAME, PALETTE

MAX_TABLE_FONT_PT = 11

def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#").upper()[:6])


def _num_lit(tag: str, values: list[float]) -> str:
    points = "".join(f'<c:pt idx="{i}"><c:v>{v:.4f}</c:v></c:pt>' for i, v in enumerate(values))
    return (f"<c:{tag}><c:numLit><c:formatCode>General</c:formatCode><c:ptCount val=\"{len(values)}\"/>"
            f"{points}</c:numLit></c:{tag}>")


def add_error_bars(ser: etree._Element, minus: list[float], plus: list[float], direction: str | None = None,
                   colour: str = PALETTE["ink"]) -> None:
    """Custom error bars (a 95% interval: distance below and above each value) on one chart series."""
    xml = (f"<c:errBars {nsdecls('c', 'a')}>" + (f'<c:errDir val="{direction}"/>' if direction else "")
           + '<c:errBarType val="both"/><c:errValType val="cust"/><c:noEndCap val="0"/>'
           + _num_lit("plus", plus) + _num_lit("minus", minus)
           + f'<c:spPr><a:ln w="15875"><a:solidFill><a:srgbClr val="{colour.lstrip("#")}"/></a:solidFill>'
             "</a:ln></c:spPr></c:errBars>")
    # Schema order in c:ser: ... dLbls, trendline, errBars, then cat/val (bars) or xVal/yVal (scatter).
    anchor = ser.find(qn("c:cat")) if ser.find(qn("c:cat")) is not None else ser.find(qn("c:xVal"))
    anchor.addprevious(etree.fromstring(xml))


def _style_axis_text(axis, size: int = 12) -> None:
    axis.tick_labels.font.size = Pt(size)
    axis.tick_labels.font.color.rgb = _rgb(PALETTE["ink"])


def _axis_title(axis, text: str) -> None:
    if text:
        axis.has_title = True
        axis.axis_title.text_frame.text = text
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
        axis.axis_title.text_frame.paragraphs[0].runs[0].font.bold = False



def _flipped(s: Series) -> Series:
    """A series with its values (and intervals) in reverse order."""
    return Series(s.name, s.values[::-1], s.colour, s.minus[::-1] if s.minus is not None else None,
                  s.plus[::-1] if s.plus is not None else None, s.hatched)


def _draw_bars(slide, chart: Bars, box: tuple[int, int, int, int]):
    fmt = '0"%"' if chart.percent else "#,##0"
    data = CategoryChartData(number_format=fmt)
    # Side-by-side bars are stored bottom-up (last category and last series first) on an axis in its usual
    # direction: the first category and series are then drawn on top and the legend, which bar charts list
    # in reverse, reads in the same order. Stacked bars keep their order (each stacks outwards from zero)
    # and turn the category axis instead.
    series = chart.series if chart.stacked else [_flipped(s) for s in chart.series[::-1]]
    data.categories = chart.categories if chart.stacked else chart.categories[::-1]
    for s in series:
        data.add_series(s.name, s.values)
    kind = XL_CHART_TYPE.BAR_STACKED if chart.stacked else XL_CHART_TYPE.BAR_CLUSTERED
    frame = slide.shapes.add_chart(kind, *box, data)
    plot_chart = frame.chart
    plot = plot_chart.plots[0]
    plot.gap_width = 60
    if chart.stacked:
        plot.overlap = 100
    elif len(chart.series) > 1:
        plot.overlap = -10
    cat, val = plot_chart.category_axis, plot_chart.value_axis
    cat.reverse_order = chart.stacked  # first category at the top, as on screen
    cat.major_tick_mark = XL_TICK_MARK.NONE
    cat.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # labels left of the plot, even with bars below zero
    _style_axis_text(cat, 12 if len(chart.categories) <= 8 else 11)
    _style_axis_text(val)
    val.has_major_gridlines = True
    val.major_gridlines.format.line.color.rgb = _rgb(FRAME["grid"])
    if chart.axis_range:
        val.minimum_scale, val.maximum_scale = chart.axis_range
    if chart.percent:
        val.tick_labels.number_format = '0"%";0"%"' if chart.stacked else '0"%"'
        val.tick_labels.number_format_is_linked = False
        val.major_unit = 50 if chart.stacked else 20
    else:  # counts: whole numbers on the axis
        top = max((v for s in chart.series for v in s.values if v is not None), default=1)
        val.minimum_scale = 0
        val.major_unit = max(1, int(np.ceil(top / 6)))
        val.tick_labels.number_format = "0"
        val.tick_labels.number_format_is_linked = False
    _axis_title(val, chart.axis_title)
    for s, ser in zip(series, plot.series, strict=True):
        fill = ser.format.fill
        if s.hatched:
            fill.patterned()
            fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
            fill.fore_color.rgb = _rgb(PALETTE["ink"])
            fill.back_color.rgb = _rgb(s.colour)
        else:
            fill.solid()
            fill.fore_color.rgb = _rgb(s.colour)
        ser.invert_if_negative = False
        if s.minus is not None and s.plus is not None:
            add_error_bars(ser._element, s.minus, s.plus)
    if not chart.stacked:
        for s, ser in zip(series, plot.series, strict=True):
            labels = ser.data_labels
            labels.show_value = True
            labels.number_format = fmt
            labels.number_format_is_linked = False
            labels.position = XL_LABEL_POSITION.INSIDE_BASE
            labels.font.size = Pt(11)
            labels.font.bold = True
            labels.font.color.rgb = _rgb(label_colour(s.colour))
    plot_chart.has_legend = len(chart.series) > 1
    if plot_chart.has_legend:
        plot_chart.legend.position = XL_LEGEND_POSITION.TOP
        plot_chart.legend.include_in_layout = False
        plot_chart.legend.font.size = Pt(12)
    return frame


def _draw_points(slide, chart: Points, box: tuple[int, int, int, int]):
    data = XyChartData()
    # Reference lines first: LibreOffice drops single-point series that come before a longer one.
    for name, xs, ys in chart.lines:
        line = data.add_series(name)
        for x, y in zip(xs, ys, strict=True):
            line.add_data_point(x, y)
    for label, x, y, _, _ in chart.points:
        data.add_series(label, number_format='0"%"').add_data_point(x, y)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.XY_SCATTER, *box, data)
    plot_chart = frame.chart
    colours = [PALETTE[c] for c in ("blue", "orange", "green", "vermilion", "sky", "purple", "grey", "yellow")]
    markers = [XL_MARKER_STYLE.CIRCLE, XL_MARKER_STYLE.DIAMOND, XL_MARKER_STYLE.SQUARE, XL_MARKER_STYLE.TRIANGLE]
    for j, ser in enumerate(plot_chart.plots[0].series):
        i = j - len(chart.lines)
        if i >= 0:
            colour = colours[i % len(colours)]
            ser.marker.style = markers[i % len(markers)]
            ser.marker.size = 11
            ser.marker.format.fill.solid()
            ser.marker.format.fill.fore_color.rgb = _rgb(colour)
            ser.marker.format.line.color.rgb = _rgb(PALETTE["ink"])
            ser.format.line.fill.background()
            _, _, _, minus, plus = chart.points[i]
            add_error_bars(ser._element, [minus], [plus], direction="y", colour=colour)
        else:
            ser.marker.style = XL_MARKER_STYLE.NONE
            ser.format.line.color.rgb = _rgb(PALETTE["grey"])
            ser.format.line.dash_style = 4  # MSO_LINE_DASH_STYLE.DASH
            ser.format.line.width = Pt(1)
            ser.smooth = False
    for axis, title in ((plot_chart.category_axis, chart.x_title), (plot_chart.value_axis, chart.y_title)):
        axis.minimum_scale, axis.maximum_scale, axis.major_unit = 0, 100, 20
        axis.tick_labels.number_format = '0"%"'
        axis.tick_labels.number_format_is_linked = False
        axis.has_major_gridlines = True
        axis.major_gridlines.format.line.color.rgb = _rgb(FRAME["grid"])
        _style_axis_text(axis)
        _axis_title(axis, title)
    plot_chart.has_legend = True
    plot_chart.legend.position = XL_LEGEND_POSITION.RIGHT
    plot_chart.legend.include_in_layout = False
    plot_chart.legend.font.size = Pt(12)
    return frame


def _solid(parent: etree._Element, colour: str) -> None:
    fill = etree.SubElement(parent, qn("a:solidFill"))
    etree.SubElement(fill, qn("a:srgbClr"), val=colour.lstrip("#").upper()[:6])


def _cell(tc: etree._Element, text: str, fill: str, size: int, bold: bool, centre: bool) -> None:
    """A table cell's text and fill written as DrawingML directly (python-pptx's cell properties cost a
    quarter of a second over a pack's heat maps): one left- or centre-aligned run in ink, 4 pt side margins."""
    for child in list(tc):
        tc.remove(child)
    body = etree.SubElement(tc, qn("a:txBody"))
    etree.SubElement(body, qn("a:bodyPr"))
    etree.SubElement(body, qn("a:lstStyle"))
    para = etree.SubElement(body, qn("a:p"))
    etree.SubElement(para, qn("a:pPr"), algn="ctr" if centre else "l")
    run = etree.SubElement(para, qn("a:r"))
    props = etree.SubElement(run, qn("a:rPr"), lang="en-GB", sz=str(int(size / 127)), b="1" if bold else "0")
    _solid(props, PALETTE["ink"])
    etree.SubElement(run, qn("a:t")).text = printable(text)  # XML takes no control characters
    margins = {"marL": str(Pt(4)), "marR": str(Pt(4)), "marT": str(Pt(2)), "marB": str(Pt(2))}
    _solid(etree.SubElement(tc, qn("a:tcPr"), **margins), fill)


def _draw_grid(slide, chart: Grid, box: tuple[int, int, int, int]):
    left, top, width, height = box
    n_rows, n_cols = len(chart.rows) + 1, len(chart.columns) + 1
    row_h = min(Emu(height // (n_rows + 1)), Pt(34))  # the header row may need two rows' height
    frame = slide.shapes.add_table(n_rows, n_cols, left, top, width, Emu(row_h * n_rows))
    table = frame.table
    longest = max((len(r) for r in chart.rows), default=10)
    row_pt, width_pt = row_h / 12700, width / 12700
    # The label column fits the longest label on one line at the largest font size, within a fifth to 40%.
    needed = (longest * 0.55 * MAX_TABLE_FONT_PT + 14) / width_pt
    first = int(width * min(0.4, max(0.2, needed)))
    table.columns[0].width = first
    for j in range(1, n_cols):
        table.columns[j].width = Emu((width - first) // (n_cols - 1))
    for row in table.rows:
        row.height = row_h
    one_line = needed <= 0.4
    size = Pt(int(min(MAX_TABLE_FONT_PT, max(8, (row_pt - 4) / (1.25 if one_line else 2.5)))))

    def put(cell, text: str, fill: str, bold: bool = False, centre: bool = False) -> None:
        _cell(cell._tc, text, fill, size, bold, centre)

    put(table.cell(0, 0), chart.corner, FRAME["header"])
    for j, col in enumerate(chart.columns, start=1):
        put(table.cell(0, j), col, FRAME["header"], bold=True, centre=True)
    for i, row in enumerate(chart.rows, start=1):
        put(table.cell(i, 0), row, FRAME["paper"], bold=True)
        for j in range(1, n_cols):
            text = chart.texts[i - 1][j - 1]
            put(table.cell(i, j), text, shade(chart.values[i - 1][j - 1], chart.top), centre=True)
    return frame


def draw(slide, chart: Chart, box: tuple[int, int, int, int], alt_text: str, name: str):
    """Draw a chart (or table) on a slide within box (left, top, width, height in EMU), with its alt text."""
    if isinstance(chart, Grid):
        frame = _draw_grid(slide, chart, box)
    elif isinstance(chart, Points):
        frame = _draw_points(slide, chart, box)
    else:
        frame = _draw_bars(slide, chart, box)
    if frame.has_chart:
        frame.chart.has_title = False  # the slide says what the chart shows, above it
        frame.chart.font.name = "Arial"
    props = frame._element.xpath("./p:nvGraphicFramePr/p:cNvPr")[0]
    props.set("descr", printable(alt_text))
    props.set("title", printable(name))
    return frame
