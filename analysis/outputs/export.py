"""Exports of one chart: a stand-alone figure rendered by kaleido (PNG/SVG/PDF) and its numbers (CSV/XLSX)."""

from __future__ import annotations

import copy
import io
import os
import shutil
import threading
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from analysis.model import safe_text
from analysis.model.errors import UserError
from analysis.stats import disclosure
from analysis.views import charts
from analysis.views.panels import Panel

WIDTH_PX = 1000
SCALE = 2  # PNG at twice the pixel size, for print
IMAGE_FORMATS = {"png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf"}
DATA_FORMATS = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
ILLUSTRATIVE = ("Illustrative data: generated to mirror the published findings and design of the Healthcare "
                "Commission's 2009 study, not the study's own responses.")
BROWSER_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
_AXIS_SPACE_PX = 75  # room under the plot for tick labels and the axis title
_LINE_PX = 17
_render_lock = threading.Lock()


class RendererUnavailable(UserError):
    """Chromium is not there (or would not start), so charts cannot be drawn on the server."""


def dataset_label(manifest: dict) -> str:
    """The dataset as people should cite it: its title and name when it has them, short hash, description."""
    short = str(manifest.get("dataset_hash", "?"))[:12]
    description = str(manifest.get("description", "")).strip()
    if manifest.get("dataset_title"):
        return (f"dataset '{manifest['dataset_title']}' ({manifest.get('dataset_name', '')}, version {short})"
                + (f": {description}" if description else ""))
    return f"dataset {short}" + (f" ({description})" if description else "")


def source_line(manifest: dict) -> str:
    """The source note printed under every exported chart."""
    return f"Source: Engagement Explorer, {dataset_label(manifest)}"


def _escape(text: str) -> str:
    # Plotly text is pseudo-HTML: data must show literally.
    return safe_text.for_chart(text)


def _lines(text: str, width: int) -> list[str]:
    return charts.wrap(_escape(text), width).split("<br>")


def _label_margin_px(fig: go.Figure) -> int:
    # Fixed left margin from the longest category label, so the footer can start at the image's left edge.
    labels = [v for trace in fig.data if getattr(trace, "y", None) is not None for v in trace.y
              if isinstance(v, str)]
    longest = max((len(part) for label in labels for part in label.split("<br>")), default=4)
    return 20 + int(7.6 * longest)


def export_figure(panel: Panel, manifest: dict, notes: bool = True) -> go.Figure:
    """A copy of the panel's figure that stands alone: title, filters, base, summary, method, source, demo note.

    With notes=False (pictures on pack slides, whose text sits beside them) only the source and the
    illustrative-data note go under the chart.
    """
    fig = go.Figure(copy.deepcopy(panel.figure.to_dict()))
    demo = bool(manifest.get("demo"))
    subtitle = panel.subtitle + (" \u2022 Illustrative data" if demo else "")
    method = panel.method if "hidden" in panel.method else f"{panel.method} {disclosure.NOTE}"
    parts = [(f"<b>{_escape(ILLUSTRATIVE)}</b>" if demo else None, None)]
    if notes:
        parts += [(None, panel.base_text), (None, f"Summary: {panel.summary}"), (None, f"Method: {method}")]
    parts += [(None, source_line(manifest))]
    lines: list[str] = []
    for raw, text in parts:
        if raw:
            lines.append(raw)
        elif text:
            lines.extend(_lines(text, 150))
    footer_px = _LINE_PX * len(lines) + 10
    title_lines = _lines(panel.title, 95)
    # Room above the plot for the legend's rows (about four entries a row) and below it for a wrapped axis title.
    entries = sum(1 for t in fig.data if t.showlegend is not False and t.name)
    legend_px = 24 * -(-entries // 4) if entries > 1 else 0
    axis_px = _AXIS_SPACE_PX + _LINE_PX * str(fig.layout.xaxis.title.text or "").count("<br>")
    height = int(fig.layout.height or 450) + footer_px + 40 + legend_px + axis_px - _AXIS_SPACE_PX
    left = _label_margin_px(fig)
    fig.update_yaxes(automargin=False)
    fig.update_layout(
        template=charts.TEMPLATE, width=WIDTH_PX, height=height,
        title={"text": "<br>".join(title_lines), "x": 0.01,
               "subtitle": {"text": _escape(subtitle), "font": {"size": 13}}},
        margin={"t": 80 + 22 * len(title_lines) + legend_px, "b": axis_px + footer_px, "l": left, "r": 20},
        legend={"y": 1.0, "yanchor": "bottom"},
    )
    fig.add_annotation(text="<br>".join(lines), xref="paper", yref="paper", x=0, y=0, xanchor="left",
                       yanchor="top", xshift=10 - left, yshift=-axis_px, align="left", showarrow=False,
                       font={"size": 11, "color": charts.PALETTE["ink"]})
    return fig


def browser_path() -> str | None:
    """The Chromium the server renders with: $BROWSER_PATH, else Debian's chromium; None when there is none."""
    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in BROWSER_CANDIDATES:
        found = name if Path(name).is_file() else shutil.which(name)
        if found:
            return found
    return None


def renderer_problem() -> str | None:
    """A plain sentence saying why charts cannot be drawn on this server, or None when they can."""
    if browser_path() is None:
        where = os.environ.get("BROWSER_PATH") or "/usr/bin/chromium"
        return (f"Chart images cannot be made on this server: Chromium was not found ({where}). "
                "Install it (Debian: apt-get install chromium) or set BROWSER_PATH. The data downloads "
                "still work, and the camera icon on each chart saves a PNG from your browser.")
    return None


def start_renderer() -> None:
    """Start kaleido's one persistent Chromium (once per process; later calls do nothing)."""
    import kaleido

    problem = renderer_problem()
    if problem:
        raise RendererUnavailable(problem)
    with _render_lock:
        # mathjax=False: no network fetch; plotly.js comes from the installed plotly package.
        kaleido.start_sync_server(path=browser_path(), mathjax=False, n=1, timeout=60, silence_warnings=True)


def stop_renderer() -> None:
    """Stop the persistent Chromium (tests and benchmarks; the app keeps it until exit)."""
    import kaleido

    with _render_lock:
        kaleido.stop_sync_server(silence_warnings=True)


def render(fig: go.Figure, fmt: str, scale: float = SCALE) -> bytes:
    """The figure as PNG, SVG or PDF bytes, drawn by the persistent Chromium (started on first use)."""
    import kaleido

    if fmt not in IMAGE_FORMATS:
        raise UserError(f"Unknown image format {fmt!r}: use one of {', '.join(IMAGE_FORMATS)}.")
    start_renderer()
    opts = {"format": fmt, "width": fig.layout.width or WIDTH_PX, "height": fig.layout.height or 500,
            "scale": scale if fmt == "png" else 1}
    with _render_lock:  # kaleido's sync server answers one caller at a time
        try:
            return kaleido.calc_fig_sync(fig, opts=opts)
        except Exception as exc:
            raise RendererUnavailable(f"Chromium could not draw the chart: {exc}") from exc


def chart_image(panel: Panel, manifest: dict, fmt: str) -> bytes:
    """One panel's stand-alone chart as PNG, SVG or PDF."""
    return render(export_figure(panel, manifest), fmt)


def neutralise(table: pd.DataFrame) -> pd.DataFrame:
    """The table with text cells that a spreadsheet would run as formulas prefixed with an apostrophe."""
    return safe_text.safe_table(table)


def table_csv(table: pd.DataFrame) -> bytes:
    """The table as CSV in UTF-8 with a byte-order mark (so Excel reads it), formulas neutralised, NA empty."""
    return neutralise(table).to_csv(index=False, lineterminator="\r\n", na_rep="").encode("utf-8-sig")


def table_xlsx(panel: Panel, manifest: dict) -> bytes:
    """The panel's table as an XLSX workbook: every text cell written as text, hidden cells blank, plus notes."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False, "nan_inf_to_errors": False})
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    sheet = book.add_worksheet("Data")
    table = panel.table.reset_index(drop=True)  # cells written as text (write_string): never run as formulas
    for col, name in enumerate(table.columns):
        sheet.write_string(0, col, str(name), bold)
        sheet.set_column(col, col, max(12, min(40, len(str(name)) + 2)))
        for row, value in enumerate(table[name].tolist(), start=1):
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                sheet.write_blank(row, col, None)
            elif isinstance(value, bool):
                sheet.write_boolean(row, col, value)
            elif isinstance(value, int | float):
                sheet.write_number(row, col, value)
            else:
                sheet.write_string(row, col, str(value))
    sheet.freeze_panes(1, 0)
    notes = book.add_worksheet("About")
    notes.set_column(0, 0, 14)
    notes.set_column(1, 1, 110)
    rows = [("Title", panel.title), ("Filters", panel.subtitle), ("Base", panel.base_text),
            ("Summary", panel.summary), ("Method", panel.method), ("Disclosure", disclosure.NOTE),
            ("Source", source_line(manifest))]
    if manifest.get("demo"):
        rows.insert(0, ("Note", ILLUSTRATIVE))
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for row, (label, text) in enumerate(rows):
        notes.write_string(row, 0, label, bold)
        notes.write_string(row, 1, str(text), wrap)
    book.close()
    return out.getvalue()


def file_name(panel: Panel, ext: str) -> str:
    """The download's file name, e.g. domains_positive.png."""
    return f"{panel.chart_id}.{ext}"
