"""The one rule for text from data: it is shown exactly as written and never acts, wherever it goes.

- Markdown (st.markdown, captions, messages, widget labels): `escape_markdown` puts a backslash before every
  character Markdown or HTML acts on, including the ':' and '.' that make bare links (https://..., www.x.com).
- Charts (Plotly reads <a href>, <b>, <span style> in names, categories, text and hover labels): `for_chart`
  escapes HTML; `safe_figure` does it to every piece of data text in a built figure.
- Tables on screen and every download (our CSV/XLSX buttons, Streamlit's own "Download as CSV"): `for_sheet`
  puts an apostrophe before text a spreadsheet would run as a formula (= + - @, also after spaces, tabs or
  line breaks, and their full-width forms); `safe_table` does it to every text cell and column name.
"""

from __future__ import annotations

import html
import re

import pandas as pd
import plotly.graph_objects as go

_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]<>()#+-.!|~$:&")
FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")  # and the full-width ＝ ＋ － ＠
_LEADING = " \t\r\n\x0b\x0c\u00a0\u3000"  # what a spreadsheet skips before it sees a formula
_BREAK = "<br>"  # the one piece of chart markup our own code adds to labels (charts.wrap)


# GitHub-style bare links are found in the text after escapes are undone (mdast-util-gfm-autolink-literal), so a
# backslash cannot stop them: an invisible word joiner inside "http:", "www." and before an email's domain does.
_JOINER = "\u2060"
_BARE_LINK = re.compile(r"(?i)\b(https?|ftp|www|mailto|xmpp)(?=[:.])|(@)")


def escape_markdown(text: object) -> str:
    """Text that Streamlit's Markdown shows literally: no links (bare ones too), images, emphasis, HTML or maths."""
    unlinked = _BARE_LINK.sub(lambda m: m.group(0) + _JOINER, str(text))
    return "".join(f"\\{ch}" if ch in _MARKDOWN_SPECIAL else ch for ch in unlinked)


def for_chart(text: object) -> str:
    """Text that a Plotly label, legend or hover box shows literally (its pseudo-HTML escaped)."""
    return html.escape(str(text), quote=False)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def has_control(text: object) -> bool:
    """Whether text holds control characters (other than tab and line breaks), which no document format takes."""
    return bool(_CONTROL.search(str(text)))


def printable(text: object) -> str:
    """Text fit for a document (PowerPoint, PDF, XML): control characters shown as U+FFFD, not written raw."""
    return _CONTROL.sub("\ufffd", str(text))


def for_sheet(value: object) -> object:
    """A cell a spreadsheet shows as text: formula-like text gets a leading apostrophe; other values unchanged."""
    if not isinstance(value, str):
        return value
    if value[:1] in {"\t", "\r", "\n"} or value.lstrip(_LEADING)[:1] in FORMULA_START:
        return "'" + value
    return value


def safe_table(table: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table fit to show or download: every text cell and column name through `for_sheet`."""
    text_cols = [c for c in table.columns if table[c].dtype == object or pd.api.types.is_string_dtype(table[c])]
    out = table.copy()
    for col in text_cols:
        out[col] = table[col].map(for_sheet, na_action="ignore").astype(object)
    out.columns = [for_sheet(str(c)) for c in table.columns]
    return out


def _chart_text(value: object) -> object:
    # Our own line breaks (charts.wrap) stay; everything else a label holds is shown as written.
    return for_chart(value).replace(for_chart(_BREAK), _BREAK) if isinstance(value, str) else value


def _chart_values(values: object) -> object:
    if isinstance(values, str):
        return _chart_text(values)
    if hasattr(values, "tolist"):
        values = values.tolist()
    if isinstance(values, list | tuple):
        return [_chart_values(v) for v in values]
    return None if values is pd.NA else values  # plotly cannot compare pandas' NA


TRACE_TEXT = ("x", "y", "name", "text", "hovertext", "customdata", "labels", "ids", "legendgroup")
AXIS_TEXT = ("categoryarray", "tickvals", "ticktext")  # tick values name the (escaped) categories


def safe_figure(fig: go.Figure) -> go.Figure:
    """The figure, changed in place, with its data text (categories, names, text, hover text) shown literally.

    Call it once, on a figure just built from data (charts.figure does): escaping twice would show '&amp;lt;'.
    Templates (hovertemplate, texttemplate) are our code and stay as they are; the data they name
    (%{y}, %{customdata[0]}) arrives escaped through the values above.
    """
    for trace in fig.data:
        for prop in TRACE_TEXT:
            if prop in trace and trace[prop] is not None and _has_text(trace[prop]):
                escaped = _chart_values(trace[prop])
                trace[prop] = None  # plotly compares old and new values element by element, and NA has no truth
                trace[prop] = escaped
    for key in fig.layout:
        if key.startswith(("xaxis", "yaxis")) and fig.layout[key] is not None:
            for prop in AXIS_TEXT:
                if fig.layout[key][prop] is not None:
                    fig.layout[key][prop] = _chart_values(fig.layout[key][prop])
    return fig


def _has_text(values: object) -> bool:
    if isinstance(values, str):
        return True
    dtype = getattr(values, "dtype", None)
    return dtype is None or dtype.kind == "O" or pd.api.types.is_string_dtype(dtype)
