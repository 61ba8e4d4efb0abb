"""Frame in, figure out: every chart in the house template, with intervals and disclosure markers."""

from __future__ import annotations

import base64

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from analysis.model.safe_text import for_chart, safe_figure
from analysis.stats.disclosure import FEWER_THAN_MIN
from analysis.views.colour import FRAME, HEAT_SCALE, PALETTE, diverging_colours

HIDDEN_MARK = "\u2716"  # heavy multiplication x: "hidden by disclosure control"
# One colour and shape per point of a scatter (colour-blind safe; the shape tells them apart without colour).
POINT_COLOURS = [PALETTE[c] for c in ("blue", "orange", "green", "vermilion", "sky", "purple", "ink", "yellow")]
POINT_SYMBOLS = ["circle", "diamond", "square", "triangle-up", "cross", "star", "triangle-down", "hexagon"]
FONT = "Arial, Helvetica, sans-serif"
LABEL_CHARS = 22  # category labels wrap at about this many characters
AXIS_TITLE_CHARS = 26
RANKED_LABEL_CHARS = 30
NO_ANSWERS = f"No answers in this view: nothing to draw, or every result is hidden ({FEWER_THAN_MIN} answers)."

AXIS_STYLE = {"gridcolor": FRAME["grid"], "zerolinecolor": FRAME["axis"], "linecolor": FRAME["axis"],
              "automargin": True}
# Given explicitly to every figure: with Streamlit imported, plotly's default template changes.
TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "size": 14, "color": PALETTE["ink"]},
        title={"font": {"size": 18}, "x": 0, "xanchor": "left"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=[PALETTE[c] for c in ("blue", "orange", "green", "vermilion", "sky", "purple", "yellow")],
        xaxis=AXIS_STYLE,
        yaxis=AXIS_STYLE,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        margin={"l": 10, "r": 20, "t": 90, "b": 50},
        hoverlabel={"font": {"family": FONT}},
    )
)


def wrap(text: str, width: int = 14) -> str:
    """A label broken into lines of about `width` characters for crowded axes."""
    lines, line = [], ""
    for word in str(text).split():
        if line and len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def figure(traces: list, title: str, subtitle: str, height: int, xaxis: dict | None = None,
           yaxis: dict | None = None, **layout: object) -> go.Figure:
    """A figure in the house template; its title and subtitle are kept in `meta`, not drawn.

    On screen the page writes the title and the view above the chart, and exports set their own title
    (analysis/outputs/export.py), so nothing drawn inside the plot competes with the legend at any width: the
    legend sits above the plot, where the margin grows to fit it.

    Built in one construction: plotly checks a whole layout given up front several times faster than
    the same settings made afterwards with update_layout and update_xaxes, and every page draws
    several figures on each filter change.
    """
    legend = any(getattr(t, "showlegend", None) is not False and getattr(t, "name", None) for t in traces) and \
        len(traces) > 1
    # Traces carry data: safe_figure shows their text as written (the title and subtitle are not drawn).
    return safe_figure(go.Figure(data=traces, layout={
        "template": TEMPLATE, "height": height, "xaxis": _wrapped_title(xaxis), "yaxis": _wrapped_title(yaxis),
        "meta": {"title": for_chart(title), "subtitle": for_chart(subtitle)},  # shown by %{meta...} if ever used
        "margin": {"t": 40 if legend else 16}, **layout}))


def _wrapped_title(axis: dict | None) -> dict:
    # A long axis title is centred under the plot and would run off both sides of a narrow one: wrap it.
    axis = dict(axis or {})
    if isinstance(axis.get("title"), str):
        axis["title"] = {"text": wrap(axis["title"], AXIS_TITLE_CHARS)}
    return axis


def numbers(values: object) -> np.ndarray:
    """A trace's numeric array as floats (NaN for none), also when plotly holds it base64-encoded (a figure
    that went through pickling, as Streamlit's cache does, keeps its arrays as {"dtype", "bdata"})."""
    if values is None:
        return np.array([], dtype=float)
    if isinstance(values, dict) and "bdata" in values:
        array = np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"]))
        shape = values.get("shape")
        if shape:
            array = array.reshape([int(n) for n in str(shape).split(",")])
        return array.astype(float)
    return np.array([[np.nan if v is None else v for v in row] for row in values] if len(values) and
                    not np.isscalar(values[0]) and values[0] is not None else
                    [np.nan if v is None else v for v in values], dtype=float)


def phone_like(headers: object) -> bool:
    """Whether the request came from a phone, by its own word: the Sec-CH-UA-Mobile client hint ("?1") or
    "Mobi" in the user agent (the test MDN recommends). Streamlit tells the server no screen width, so
    this is the one honest signal there is; people can still switch each chart's shape themselves."""
    get = getattr(headers, "get", None)
    if get is None:
        return False
    return (get("Sec-CH-UA-Mobile") or "").strip() == "?1" or "Mobi" in (get("User-Agent") or "")


def is_heatmap(fig: go.Figure) -> bool:
    """Whether the figure is a grid of cells (a heat map)."""
    return any(t.type == "heatmap" for t in fig.data)


def has_data(fig: go.Figure) -> bool:
    """Whether a figure shows any value (reference lines and hidden-cell markers aside)."""
    for trace in fig.data:
        if trace.type == "heatmap":
            values = numbers(trace.z)
        elif trace.type == "bar" or (trace.mode and "markers" in trace.mode):
            if str(trace.name or "").startswith(HIDDEN_MARK):
                continue
            values = numbers(trace.x)
        else:
            continue
        if np.isfinite(values).any():
            return True
    return False


def count_axis(top: float, title: str) -> dict:
    """A value axis of whole numbers (counts of groups or organisations): ticks at whole steps from 0."""
    step = max(1, int(-(-max(top, 1) // 6)))
    return {"title": title, "tick0": 0, "dtick": step, "tickformat": ",d", "rangemode": "tozero"}


def rows_px(labels: object, per_row: int) -> int:
    """Pixels for a category axis's rows: `per_row` each, more when a wrapped label needs three lines or more."""
    labels = list(labels)
    lines = max((wrap(label, LABEL_CHARS).count("<br>") + 1 for label in labels), default=1)
    return len(labels) * max(per_row, 20 * lines + 12)


def label_axis(labels: list) -> dict:
    """A category axis listing `labels` from the top down, long labels wrapped so a narrow chart keeps its plot."""
    labels = list(labels)
    # Half a row of room at each end, for dots as for bars (a dot plot's autorange would put the first and
    # last rows on the plot's edges, where a wrapped label runs into the tick labels below).
    return {"categoryorder": "array", "categoryarray": labels[::-1], "title": None, "tickvals": labels,
            "ticktext": [wrap(label, LABEL_CHARS) for label in labels], "range": [-0.5, len(labels) - 0.5]}


def _hidden_trace(labels: pd.Series, x: float = 0.0) -> go.Scatter:
    return go.Scatter(
        x=[x] * len(labels), y=list(labels), mode="markers+text", name=f"{HIDDEN_MARK} hidden ({FEWER_THAN_MIN})",
        marker={"symbol": "x-thin-open", "size": 12, "color": PALETTE["ink"], "line": {"width": 2}},
        text=["hidden"] * len(labels), textposition="middle right", hoverinfo="skip", cliponaxis=False,
    )


def share_bars(frame: pd.DataFrame, label_col: str, title: str, subtitle: str,
               value_label: str = "% positive") -> go.Figure:
    """Horizontal bars of positive_pct with 95% intervals; each row becomes a bar, hidden rows a marker."""
    shown = frame[~frame["suppressed"]]
    hidden = frame[frame["suppressed"]]
    traces = [go.Bar(
        x=shown["positive_pct"], y=shown[label_col], orientation="h", name=value_label, showlegend=False,
        marker={"color": PALETTE["blue"]},
        error_x={"type": "data", "symmetric": False, "color": PALETTE["ink"], "thickness": 1.5,
                 "array": shown["ci_high_pct"] - shown["positive_pct"],
                 "arrayminus": shown["positive_pct"] - shown["ci_low_pct"]},
        customdata=shown[["ci_low_pct", "ci_high_pct", "base_n"]].to_numpy(),
        hovertemplate="%{y}: %{x:.1f}% (95% CI %{customdata[0]:.1f} to %{customdata[1]:.1f}; "
                      "base %{customdata[2]:,.0f})<extra></extra>",
    ),
        # Values are written beyond the interval's upper end, where no whisker crosses them.
        go.Scatter(
        x=shown["ci_high_pct"] + 1.5, y=shown[label_col], mode="text",
        text=[f"{v:.0f}%" for v in shown["positive_pct"]],
        textposition="middle right", showlegend=False, hoverinfo="skip", cliponaxis=False,
    )]
    if len(hidden):
        traces.append(_hidden_trace(hidden[label_col]))
    return figure(traces, title, subtitle, height=140 + rows_px(frame[label_col], 44),
                  xaxis={"range": [0, 100], "title": value_label, "ticksuffix": "%"},
                  yaxis=label_axis(frame[label_col]))


def diverging_levels(dist: pd.DataFrame, title: str, subtitle: str,
                     axis_title: str = "% of answers (less influence to the left, more to the right)") -> go.Figure:
    """Diverging stacked bars: each domain a row, each answer level a segment, lower levels to the left in
    vermilion, higher ones to the right in blue; the middle level of an odd scale is neutral, half each side."""
    left, right = [], []
    domains = list(dict.fromkeys(dist["domain_label"]))
    levels = dist.drop_duplicates("level_id").sort_values("level_order")
    n_levels = len(levels)
    colours = diverging_colours(n_levels)
    for i, level in enumerate(levels.itertuples()):
        rows = dist[dist["level_id"] == level.level_id].set_index("domain_label").reindex(domains)
        middle = n_levels % 2 == 1 and i == n_levels // 2
        sides = [(-0.5, True), (0.5, False)] if middle else [(-1.0 if i < n_levels / 2 else 1.0, True)]
        for share, legend in sides:
            (left if share < 0 else right).append(go.Bar(
                x=share * rows["pct"], y=domains, orientation="h", name=level.level_label,
                legendrank=int(level.level_order), showlegend=legend, legendgroup=str(level.level_id),
                marker={"color": colours[i], "pattern": {"shape": "/" if share < 0 and not middle else ""}},
                customdata=rows[["pct", "n"]].to_numpy(),
                hovertemplate=f"%{{y}}: {for_chart(level.level_label)} %{{customdata[0]:.1f}}% "
                              "(%{customdata[1]:,.0f} answers)<extra></extra>",
            ))
    # Relative bars stack outwards from zero in trace order: the negative level nearest the middle goes first.
    # The legend still lists the levels in scale order (legendrank).
    traces = left[::-1] + right
    return figure(traces, title, subtitle, height=180 + rows_px(domains, 44), barmode="relative",
                  legend={"x": 1, "xanchor": "right"},
                  xaxis={"title": axis_title, "ticksuffix": "%",
                         "range": [-100, 100], "tickvals": [-100, -50, 0, 50, 100],
                         "ticktext": ["100", "50", "0", "50", "100"]},
                  yaxis=label_axis(domains))


def heatmap(frame: pd.DataFrame, x_col: str, y_col: str, title: str, subtitle: str, value_col: str = "positive_pct",
            unit: str = "%", zmax: float | None = 100) -> go.Figure:
    """Grid of value_col (a % by default): each row of the frame becomes a cell; hidden cells are marked, not
    coloured. Counts: unit="" and zmax=None (the largest count)."""
    grid = frame.pivot(index=y_col, columns=x_col, values=value_col).astype(float)
    hidden = frame.pivot(index=y_col, columns=x_col, values="suppressed").astype(bool)
    y_order = list(dict.fromkeys(frame[y_col]))
    x_order = list(dict.fromkeys(frame[x_col]))
    grid, hidden = grid.reindex(index=y_order, columns=x_order), hidden.reindex(index=y_order, columns=x_order)
    # Unwrapped column labels (a picked cell names its column plainly), turned upright when there are more
    # than three, so that they never collide however narrow the chart; values are written in the cells,
    # so no colour bar takes width from them.
    x_labels = list(x_order)
    text = [[HIDDEN_MARK if h else f"{v:.0f}{unit}" for v, h in zip(vals, hids, strict=True)]
            for vals, hids in zip(grid.to_numpy(), hidden.to_numpy(), strict=True)]
    trace = go.Heatmap(
        z=grid.to_numpy(), x=x_labels, y=y_order, text=text, texttemplate="%{text}", zmin=0,
        zmax=zmax if zmax is not None else max(1.0, float(grid.max().max()) if grid.notna().any().any() else 1.0),
        colorscale=[[0, HEAT_SCALE[0]], [0.5, HEAT_SCALE[1]], [1, HEAT_SCALE[2]]],
        showscale=False, xgap=2, ygap=2,
        hovertemplate="%{y} / %{x}: %{text}<extra></extra>", textfont={"color": PALETTE["ink"], "size": 12},
    )
    upright = len(x_order) > 3
    return figure([trace], title, subtitle, height=(140 + 9 * max(map(len, x_order), default=0) if upright else 120)
                  + rows_px(y_order, 40),
                  xaxis={"title": None, "tickangle": -90 if upright else 0, "tickfont": {"size": 12}, "side": "top"},
                  yaxis={"autorange": "reversed", "title": None, "tickvals": y_order,
                         "ticktext": [wrap(y, LABEL_CHARS) for y in y_order]})


def ranked_cells(fig: go.Figure) -> go.Figure:
    """A heat map's cells as bars from the highest value down (each cell a bar named "row: column"), hidden cells
    marked at the end: a grid of many columns cannot be read on a phone, a ranked list can."""
    trace = next(t for t in fig.data if t.type == "heatmap")
    values = np.atleast_2d(numbers(trace.z))
    texts = [list(row) for row in trace.text]
    rows = [str(r) for r in trace.y]
    columns = [str(c) for c in trace.x]
    cells = [(f"{row}: {col}", values[i][j], texts[i][j]) for i, row in enumerate(rows)
             for j, col in enumerate(columns)]
    visible = [np.isfinite(value) and text != HIDDEN_MARK for _, value, text in cells]
    shown = sorted((c for c, ok in zip(cells, visible, strict=True) if ok), key=lambda c: -c[1])
    hidden = [c[0] for c, ok in zip(cells, visible, strict=True) if not ok]
    labels = [c[0] for c in shown] + hidden
    percent = any(str(t).endswith("%") for _, _, t in shown)
    traces = [go.Bar(
        x=[c[1] for c in shown], y=[c[0] for c in shown], orientation="h", showlegend=False, name="value",
        marker={"color": PALETTE["blue"]}, text=[c[2] for c in shown], textposition="outside", cliponaxis=False,
        textfont={"color": PALETTE["ink"]}, hovertemplate="%{y}: %{text}<extra></extra>",
    )]
    if hidden:
        traces.append(_hidden_trace(pd.Series(hidden)))
    top = max((c[1] for c in shown), default=1.0)
    axis = ({"range": [0, max(100.0, top * 1.1)], "title": "%", "ticksuffix": "%"} if percent else
            {**count_axis(top, "Count"), "range": [0, top * 1.15]})
    meta = fig.layout.meta or {}
    # Labels name a row and a column, so they run longer than other charts': wrapped wider, in a smaller font.
    ticks = [wrap(label, RANKED_LABEL_CHARS) for label in labels]
    lines = max((t.count("<br>") + 1 for t in ticks), default=1)
    return figure(traces, meta.get("title", ""), meta.get("subtitle", ""), height=100 + len(labels) * (17 * lines + 12),
                  xaxis=axis, yaxis={**label_axis(labels), "ticktext": ticks, "tickfont": {"size": 12}})


def against_rest(frame: pd.DataFrame, title: str, subtitle: str, rest_name: str = "Everyone else") -> go.Figure:
    """Dot plot: each subgroup (circle) beside everyone else (diamond, named `rest_name`), with 95% intervals."""
    shown = frame[~frame["suppressed"]]
    traces = []
    for who, prefix, symbol, colour in (("This group", "", "circle", PALETTE["blue"]),
                                        (rest_name, "rest_", "diamond", PALETTE["orange"])):
        traces.append(_dot_trace(shown, prefix, who, symbol, colour,
                                 f"%{{y}} - {who}: %{{x:.1f}}% (base %{{customdata[0]:,.0f}}; %{{customdata[1]}})"
                                 "<extra></extra>"))
    hidden = frame[frame["suppressed"]]
    if len(hidden):
        traces.append(_hidden_trace(hidden["label"]))
    return figure(traces, title, subtitle, height=160 + rows_px(frame["label"], 40),
                  xaxis={"range": [0, 100], "title": "% positive (some or a lot of influence)", "ticksuffix": "%"},
                  yaxis=label_axis(frame["label"]))


def _dot_trace(shown: pd.DataFrame, prefix: str, name: str, symbol: str, colour: str, hover: str) -> go.Scatter:
    """One series of a dot plot: the `<prefix>positive_pct` of each row with its 95% interval, base and verdict."""
    return go.Scatter(
        x=shown[f"{prefix}positive_pct"], y=shown["label"], mode="markers", name=name,
        marker={"symbol": symbol, "size": 12, "color": colour, "line": {"width": 1, "color": PALETTE["ink"]}},
        error_x={"type": "data", "symmetric": False, "color": colour, "thickness": 1.5,
                 "array": shown[f"{prefix}ci_high_pct"] - shown[f"{prefix}positive_pct"],
                 "arrayminus": shown[f"{prefix}positive_pct"] - shown[f"{prefix}ci_low_pct"]},
        customdata=shown[[f"{prefix}base_n", "verdict"]].to_numpy(), hovertemplate=hover)


def wave_change(frame: pd.DataFrame, title: str, subtitle: str, value_label: str = "% positive") -> go.Figure:
    """Dot plot: each row a label, the previous wave (diamond) beside the latest (circle), both with 95% intervals."""
    traces = []
    for key, symbol, colour in (("previous", "diamond", PALETTE["orange"]), ("latest", "circle", PALETTE["blue"])):
        shown = frame[~frame[f"{key}_suppressed"] & frame[f"{key}_positive_pct"].notna()]
        wave = next((w for w in frame[f"{key}_wave"] if w), key)
        traces.append(_dot_trace(shown, f"{key}_", f"Wave {wave}", symbol, colour,
                                 f"%{{y}} - wave {for_chart(wave)}: %{{x:.1f}}% (base %{{customdata[0]:,.0f}}; "
                                 "latest against previous: %{customdata[1]})<extra></extra>"))
    hidden = frame[frame["latest_suppressed"] & frame["previous_suppressed"]]
    if len(hidden):
        traces.append(_hidden_trace(hidden["label"]))
    return figure(traces, title, subtitle, height=160 + rows_px(frame["label"], 40),
                  xaxis={"range": [0, 100], "title": value_label, "ticksuffix": "%"},
                  yaxis=label_axis(frame["label"]))


def importance_influence(frame: pd.DataFrame, title: str, subtitle: str) -> go.Figure:
    """Scatter: each domain a point, % who want a say (x) against % who had influence (y); below the line = a gap."""
    shown = frame[~frame["importance_suppressed"] & ~frame["influence_suppressed"]]
    line = go.Scatter(x=[0, 100], y=[0, 100], mode="lines", name="Influence equal to wish for a say",
                      line={"color": PALETTE["grey"], "dash": "dash", "width": 1}, hoverinfo="skip", showlegend=False)
    # Each domain is its own trace, named in the legend by colour and shape: labels written beside close
    # points overlapped and sat nearer a neighbour's point than their own, so no label is drawn on the plot.
    points = [go.Scatter(
        x=[row.importance_positive_pct], y=[row.influence_positive_pct], mode="markers", name=row.domain_label,
        text=[row.domain_label],
        marker={"size": 13, "color": colour, "symbol": symbol, "line": {"width": 1, "color": PALETTE["ink"]}},
        error_y={"type": "data", "symmetric": False, "color": colour, "thickness": 1.2,
                 "array": [row.influence_ci_high_pct - row.influence_positive_pct],
                 "arrayminus": [row.influence_positive_pct - row.influence_ci_low_pct]},
        customdata=[[row.gap_pct]],
        hovertemplate="%{text}: %{x:.0f}% want a say, %{y:.0f}% had influence (gap %{customdata[0]:.0f} "
                      "points)<extra></extra>",
    ) for row, colour, symbol in zip(shown.itertuples(), POINT_COLOURS, POINT_SYMBOLS, strict=False)]
    return figure([line, *points], title, subtitle, height=560,
                  xaxis={"range": [0, 100], "title": "% for whom having a say is fairly or very important",
                         "ticksuffix": "%"},
                  # No 0% on the value axis: it would sit on the other axis's 0% at the corner.
                  yaxis={"range": [0, 100], "title": "% with some or a lot of influence", "ticksuffix": "%",
                         "tickvals": [20, 40, 60, 80, 100], "ticktext": ["20%", "40%", "60%", "80%", "100%"]})


def paired_shares(frame: pd.DataFrame, label_col: str, series: dict[str, str], title: str, subtitle: str,
                  value_label: str = "% of issues") -> go.Figure:
    """Grouped horizontal bars: each row a label, one bar per series prefix (e.g. acted, told) with 95% intervals."""
    shown = frame[~frame["suppressed"]]
    traces = []
    for (prefix, name), colour in zip(series.items(), (PALETTE["blue"], PALETTE["orange"]), strict=False):
        traces.append(go.Bar(
            x=shown[f"{prefix}_pct"], y=shown[label_col], orientation="h", name=name, marker={"color": colour},
            error_x={"type": "data", "symmetric": False, "color": PALETTE["ink"], "thickness": 1.2,
                     "array": shown[f"{prefix}_ci_high_pct"] - shown[f"{prefix}_pct"],
                     "arrayminus": shown[f"{prefix}_pct"] - shown[f"{prefix}_ci_low_pct"]},
            customdata=shown[[f"{prefix}_ci_low_pct", f"{prefix}_ci_high_pct", "base_n"]].to_numpy(),
            hovertemplate=f"%{{y}}: {for_chart(name)} %{{x:.1f}}% (95% CI %{{customdata[0]:.1f}} to "
                          "%{customdata[1]:.1f}; base %{customdata[2]:,.0f})<extra></extra>",
        ))
    hidden = frame[frame["suppressed"]]
    if len(hidden):
        traces.append(_hidden_trace(hidden[label_col]))
    return figure(traces, title, subtitle, height=160 + rows_px(frame[label_col], 56), barmode="group",
                  xaxis={"range": [0, 100], "title": value_label, "ticksuffix": "%"},
                  yaxis=label_axis(frame[label_col]))
