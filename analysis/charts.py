"""Frame in, figure out: every chart in the house template, with intervals and disclosure markers."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analysis.safe_text import for_chart, safe_figure
from analysis.vocab import HEAT_SCALE, LEVEL_COLOURS, PALETTE

HIDDEN_MARK = "\u2716"  # heavy multiplication x: "hidden by disclosure control"
FONT = "Arial, Helvetica, sans-serif"

# Given explicitly to every figure: with Streamlit imported, plotly's default template changes.
TEMPLATE = go.layout.Template(
    layout=go.Layout(
        font={"family": FONT, "size": 14, "color": PALETTE["ink"]},
        title={"font": {"size": 18}, "x": 0, "xanchor": "left"},
        paper_bgcolor="white",
        plot_bgcolor="white",
        colorway=[PALETTE[c] for c in ("blue", "orange", "green", "vermilion", "sky", "purple", "yellow")],
        xaxis={"gridcolor": "#E5E5E5", "zerolinecolor": "#8C8C8C", "linecolor": "#8C8C8C", "automargin": True},
        yaxis={"gridcolor": "#E5E5E5", "zerolinecolor": "#8C8C8C", "linecolor": "#8C8C8C", "automargin": True},
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
    """A figure in the house template, with its title and subtitle.

    Built in one construction: plotly checks a whole layout given up front several times faster than
    the same settings made afterwards with update_layout and update_xaxes, and every page draws
    several figures on each filter change.
    """
    # Titles and subtitles name filter values, and traces carry data: all of it is shown as written.
    return safe_figure(go.Figure(data=traces, layout={
        "template": TEMPLATE, "height": height, "xaxis": xaxis or {}, "yaxis": yaxis or {},
        "title": {"text": for_chart(title), "subtitle": {"text": for_chart(subtitle), "font": {"size": 13}}},
        **layout}))


def label_axis(labels: list) -> dict:
    """A category axis listing `labels` from the top down."""
    return {"categoryorder": "array", "categoryarray": list(labels)[::-1], "title": None}


def _hidden_trace(labels: pd.Series, x: float = 0.0) -> go.Scatter:
    return go.Scatter(
        x=[x] * len(labels), y=list(labels), mode="markers+text", name=f"{HIDDEN_MARK} hidden (fewer than 10)",
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
    return figure(traces, title, subtitle, height=140 + 44 * len(frame),
                  xaxis={"range": [0, 100], "title": value_label, "ticksuffix": "%"},
                  yaxis=label_axis(frame[label_col]))


def diverging_levels(dist: pd.DataFrame, title: str, subtitle: str) -> go.Figure:
    """Diverging stacked bars: each domain a row, each answer level a segment (negative levels to the left)."""
    traces = []
    domains = list(dict.fromkeys(dist["domain_label"]))
    levels = dist.drop_duplicates("level_id").sort_values("level_order")
    n_levels = len(levels)
    for level in levels.itertuples():
        rows = dist[dist["level_id"] == level.level_id].set_index("domain_label").reindex(domains)
        negative = level.level_order < n_levels / 2
        values = -rows["pct"] if negative else rows["pct"]
        traces.append(go.Bar(
            x=values, y=domains, orientation="h", name=level.level_label, legendrank=int(level.level_order),
            marker={"color": LEVEL_COLOURS.get(level.level_id, PALETTE["grey"]),
                    "pattern": {"shape": "/" if negative else ""}},
            customdata=rows[["pct", "n"]].to_numpy(),
            hovertemplate=f"%{{y}}: {for_chart(level.level_label)} %{{customdata[0]:.1f}}% "
                          "(%{customdata[1]:,.0f} answers)<extra></extra>",
        ))
    # Relative bars stack outwards from zero in trace order: the negative level nearest the middle goes first.
    # The legend still lists the levels in scale order (legendrank).
    negatives = [t for t in traces if t.marker.pattern.shape == "/"]
    traces = negatives[::-1] + [t for t in traces if t.marker.pattern.shape != "/"]
    return figure(traces, title, subtitle, height=180 + 44 * len(domains), barmode="relative",
                  legend={"x": 1, "xanchor": "right"},
                  xaxis={"title": "% of answers (less influence to the left, more to the right)", "ticksuffix": "%",
                         "range": [-100, 100], "tickvals": [-100, -50, 0, 50, 100],
                         "ticktext": ["100", "50", "0", "50", "100"]},
                  yaxis=label_axis(domains))


def heatmap(frame: pd.DataFrame, x_col: str, y_col: str, title: str, subtitle: str) -> go.Figure:
    """Grid of positive_pct: each row of the frame becomes a cell; hidden cells are marked, not coloured."""
    grid = frame.pivot(index=y_col, columns=x_col, values="positive_pct")
    hidden = frame.pivot(index=y_col, columns=x_col, values="suppressed").astype(bool)
    y_order = list(dict.fromkeys(frame[y_col]))
    x_order = list(dict.fromkeys(frame[x_col]))
    grid, hidden = grid.reindex(index=y_order, columns=x_order), hidden.reindex(index=y_order, columns=x_order)
    x_labels = [wrap(x) for x in x_order]
    text = [[HIDDEN_MARK if h else f"{v:.0f}%" for v, h in zip(vals, hids, strict=True)]
            for vals, hids in zip(grid.to_numpy(), hidden.to_numpy(), strict=True)]
    trace = go.Heatmap(
        z=grid.to_numpy(), x=x_labels, y=y_order, text=text, texttemplate="%{text}", zmin=0, zmax=100,
        colorscale=[[0, HEAT_SCALE[0]], [0.5, HEAT_SCALE[1]], [1, HEAT_SCALE[2]]],
        colorbar={"title": {"text": "% positive"}, "ticksuffix": "%"}, xgap=2, ygap=2,
        hovertemplate="%{y} / %{x}: %{text}<extra></extra>", textfont={"color": PALETTE["ink"]},
    )
    return figure([trace], title, subtitle, height=200 + 40 * len(y_order),
                  xaxis={"title": None, "tickangle": 0, "tickfont": {"size": 12}},
                  yaxis={"autorange": "reversed", "title": None})


def against_rest(frame: pd.DataFrame, title: str, subtitle: str, rest_name: str = "Everyone else") -> go.Figure:
    """Dot plot: each subgroup (circle) beside everyone else (diamond, named `rest_name`), with 95% intervals."""
    shown = frame[~frame["suppressed"]]
    traces = []
    for who, prefix, symbol, colour in (("This group", "", "circle", PALETTE["blue"]),
                                        (rest_name, "rest_", "diamond", PALETTE["orange"])):
        traces.append(go.Scatter(
            x=shown[f"{prefix}positive_pct"], y=shown["label"], mode="markers", name=who,
            marker={"symbol": symbol, "size": 12, "color": colour, "line": {"width": 1, "color": PALETTE["ink"]}},
            error_x={"type": "data", "symmetric": False, "color": colour, "thickness": 1.5,
                     "array": shown[f"{prefix}ci_high_pct"] - shown[f"{prefix}positive_pct"],
                     "arrayminus": shown[f"{prefix}positive_pct"] - shown[f"{prefix}ci_low_pct"]},
            customdata=shown[[f"{prefix}base_n", "verdict"]].to_numpy(),
            hovertemplate=f"%{{y}} - {who}: %{{x:.1f}}% (base %{{customdata[0]:,.0f}}; %{{customdata[1]}})"
                          "<extra></extra>",
        ))
    hidden = frame[frame["suppressed"]]
    if len(hidden):
        traces.append(_hidden_trace(hidden["label"]))
    return figure(traces, title, subtitle, height=160 + 40 * len(frame),
                  xaxis={"range": [0, 100], "title": "% positive (some or a lot of influence)", "ticksuffix": "%"},
                  yaxis=label_axis(frame["label"]))


def wave_change(frame: pd.DataFrame, title: str, subtitle: str, value_label: str = "% positive") -> go.Figure:
    """Dot plot: each row a label, the previous wave (diamond) beside the latest (circle), both with 95% intervals."""
    traces = []
    for key, symbol, colour in (("previous", "diamond", PALETTE["orange"]), ("latest", "circle", PALETTE["blue"])):
        shown = frame[~frame[f"{key}_suppressed"] & frame[f"{key}_positive_pct"].notna()]
        wave = next((w for w in frame[f"{key}_wave"] if w), key)
        traces.append(go.Scatter(
            x=shown[f"{key}_positive_pct"], y=shown["label"], mode="markers", name=f"Wave {wave}",
            marker={"symbol": symbol, "size": 12, "color": colour, "line": {"width": 1, "color": PALETTE["ink"]}},
            error_x={"type": "data", "symmetric": False, "color": colour, "thickness": 1.5,
                     "array": shown[f"{key}_ci_high_pct"] - shown[f"{key}_positive_pct"],
                     "arrayminus": shown[f"{key}_positive_pct"] - shown[f"{key}_ci_low_pct"]},
            customdata=shown[[f"{key}_base_n", "verdict"]].to_numpy(),
            hovertemplate=f"%{{y}} - wave {for_chart(wave)}: %{{x:.1f}}% (base %{{customdata[0]:,.0f}}; latest "
                          "against previous: %{customdata[1]})<extra></extra>",
        ))
    hidden = frame[frame["latest_suppressed"] & frame["previous_suppressed"]]
    if len(hidden):
        traces.append(_hidden_trace(hidden["label"]))
    return figure(traces, title, subtitle, height=160 + 40 * len(frame),
                  xaxis={"range": [0, 100], "title": value_label, "ticksuffix": "%"},
                  yaxis=label_axis(frame["label"]))


def importance_influence(frame: pd.DataFrame, title: str, subtitle: str) -> go.Figure:
    """Scatter: each domain a point, % who want a say (x) against % who had influence (y); below the line = a gap."""
    shown = frame[~frame["importance_suppressed"] & ~frame["influence_suppressed"]]
    line = go.Scatter(x=[0, 100], y=[0, 100], mode="lines", name="Influence equal to wish for a say",
                      line={"color": PALETTE["grey"], "dash": "dash", "width": 1}, hoverinfo="skip", showlegend=False)
    # Neighbouring points get their labels on alternating sides, so close domains stay readable.
    sides = ["middle right", "middle left", "bottom center", "top center"]
    order = shown["influence_positive_pct"].rank(method="first").astype(int).to_numpy() - 1
    points = go.Scatter(
        x=shown["importance_positive_pct"], y=shown["influence_positive_pct"], mode="markers+text",
        name="Domain", text=shown["domain_label"], textposition=[sides[i % 4] for i in order], showlegend=False,
        marker={"size": 13, "color": PALETTE["blue"], "line": {"width": 1, "color": PALETTE["ink"]}},
        error_y={"type": "data", "symmetric": False, "color": PALETTE["blue"], "thickness": 1.2,
                 "array": shown["influence_ci_high_pct"] - shown["influence_positive_pct"],
                 "arrayminus": shown["influence_positive_pct"] - shown["influence_ci_low_pct"]},
        customdata=shown[["gap_pct"]].to_numpy(),
        hovertemplate="%{text}: %{x:.0f}% want a say, %{y:.0f}% had influence (gap %{customdata[0]:.0f} "
                      "points)<extra></extra>",
    )
    return figure([line, points], title, subtitle, height=520,
                  xaxis={"range": [0, 100], "title": "% for whom having a say is fairly or very important",
                         "ticksuffix": "%"},
                  yaxis={"range": [0, 100], "title": "% with some or a lot of influence", "ticksuffix": "%"})


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
    return figure(traces, title, subtitle, height=160 + 56 * len(frame), barmode="group",
                  xaxis={"range": [0, 100], "title": value_label, "ticksuffix": "%"},
                  yaxis=label_axis(frame[label_col]))
