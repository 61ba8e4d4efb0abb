"""Chart layout rules that hold at every width: nothing drawn over the legend, labels that cannot be misread,
whole numbers on count axes, and empty views told apart from charts."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest

from analysis.model.filters import Filters
from analysis.outputs.chart_specs import label_colour
from analysis.views import charts, registry

EVERYTHING = Filters()


def _every_figure(demo_sources: registry.Sources, view: Filters = EVERYTHING) -> list:
    return [p for page in registry.PAGES for p in registry.page_panels(page, demo_sources, view)]


def test_no_figure_draws_a_title_over_its_legend(demo_sources: registry.Sources) -> None:
    for panel in _every_figure(demo_sources, Filters(sector=("nhs",))):
        assert not panel.figure.layout.title.text, f"{panel.chart_id}: the page writes the title above the chart"
        assert panel.figure.layout.meta["title"], "kept for anyone who needs it"


def test_the_scatter_names_each_point_in_the_legend_not_beside_it(demo_sources: registry.Sources) -> None:
    panel = next(p for p in _every_figure(demo_sources) if p.chart_id == "importance_vs_influence")
    points = [t for t in panel.figure.data if t.mode == "markers"]
    assert len(points) == 6 and all(len(t.x) == 1 for t in points), "one trace per domain"
    assert len({t.marker.symbol for t in points}) == 6, "told apart by shape as well as colour"
    assert not any("text" in (t.mode or "") for t in panel.figure.data), "no label can sit by the wrong point"
    table = panel.table.set_index("Domain")
    for trace in points:
        assert trace.y[0] == pytest.approx(table.loc[trace.name, "% some or a lot of influence"], abs=0.05)


@pytest.mark.parametrize(("top", "step"), [(0, 1), (3, 1), (6, 1), (7, 2), (11, 2), (40, 7), (1000, 167)])
def test_count_axes_step_in_whole_numbers(top: int, step: int) -> None:
    axis = charts.count_axis(top, "Organisations")
    assert axis["dtick"] == step and axis["tick0"] == 0 and axis["tickformat"] == ",d"
    assert math.ceil(max(top, 1) / step) <= 6, "no more than six steps"


@pytest.mark.parametrize(("traces", "expected"), [
    ([go.Bar(x=[40.0, None], y=["a", "b"])], True),
    ([go.Bar(x=[None, float("nan")], y=["a", "b"])], False),
    ([go.Scatter(x=[0, 100], y=[0, 100], mode="lines"), go.Scatter(x=[], y=[], mode="markers")], False),
    ([go.Scatter(x=[0], y=["a"], mode="markers+text", name=f"{charts.HIDDEN_MARK} hidden (fewer than 10)")], False),
    ([go.Heatmap(z=[[None, None]], x=["a", "b"], y=["c"])], False),
    ([go.Heatmap(z=[[None, 12]], x=["a", "b"], y=["c"])], True),
])
def test_an_empty_view_is_told_apart_from_a_chart(traces: list, expected: bool) -> None:
    assert charts.has_data(go.Figure(traces)) is expected


@pytest.mark.parametrize("labels", [["Carers"], ["Lesbian, gay, bisexual and transgender people", "Carers"]])
def test_long_labels_wrap_without_changing_what_a_point_names(labels: list[str]) -> None:
    axis = charts.label_axis(labels)
    assert axis["tickvals"] == labels, "a picked bar still names its category plainly"
    assert all(len(line) <= charts.LABEL_CHARS + 12 for text in axis["ticktext"] for line in text.split("<br>"))
    assert charts.rows_px(labels, 40) >= 40 * len(labels)


def test_rows_grow_for_labels_of_three_lines() -> None:
    assert charts.rows_px(["Lesbian, gay, bisexual and transgender people"], 40) > 40


def test_a_count_heat_map_scales_to_its_largest_count() -> None:
    frame = pd.DataFrame({"x": ["a", "b"], "y": ["c", "c"], "n": [5.0, 20.0], "suppressed": [True, False]})
    fig = charts.heatmap(frame, "x", "y", "t", "s", value_col="n", unit="", zmax=None)
    assert fig.data[0].zmax == 20 and list(fig.data[0].text[0]) == [charts.HIDDEN_MARK, "20"]


@pytest.mark.parametrize(("fill", "text"), [("#0072B2", "#FFFFFF"), ("#E69F00", "#1F1F1F"), ("#56B4E9", "#1F1F1F"),
                                            ("#1F1F1F", "#FFFFFF")])
def test_values_on_native_bars_take_the_more_readable_colour(fill: str, text: str) -> None:
    assert label_colour(fill) == text


@pytest.mark.parametrize(("headers", "phone"), [
    ({"User-Agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"}, True),
    ({"User-Agent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/120.0 Mobile Safari/537.36"}, True),
    ({"Sec-CH-UA-Mobile": "?1", "User-Agent": "Mozilla/5.0 (Linux; Android 10; K)"}, True),
    ({"Sec-CH-UA-Mobile": "?0", "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}, False),
    ({"User-Agent": "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) Safari/604.1"}, False),  # a tablet fits the grid
    ({}, False),
    (None, False),
])
def test_a_phone_is_told_by_its_own_headers(headers: dict | None, phone: bool) -> None:
    assert charts.phone_like(headers) is phone


@pytest.mark.parametrize(("page", "view"), [("groups", Filters()), ("trust_types", Filters()), ("voices", Filters()),
                                            ("framework", Filters()), ("groups", Filters(source=("interview",)))])
def test_a_heat_map_as_a_ranked_list_keeps_every_cell(demo_sources: registry.Sources, page: str,
                                                      view: Filters) -> None:
    found = [p for p in registry.page_panels(page, demo_sources, view) if charts.is_heatmap(p.figure)]
    assert found, "the pages the browser tests open on a phone hold heat maps"
    for panel in found:
        grid = panel.figure.data[0]
        values = charts.numbers(grid.z)
        ranked = charts.ranked_cells(panel.figure)
        bars = ranked.data[0]
        shown = math.isfinite
        expected = sorted(((f"{r}: {c}", values[i][j]) for i, r in enumerate(grid.y) for j, c in enumerate(grid.x)
                           if shown(values[i][j])), key=lambda cell: -cell[1])
        assert [(y, x) for y, x in zip(bars.y, charts.numbers(bars.x), strict=True)] == expected
        hidden = sum(text == charts.HIDDEN_MARK or not shown(v) for row_t, row_v in zip(grid.text, values, strict=True)
                     for text, v in zip(row_t, row_v, strict=True))
        markers = [t for t in ranked.data[1:] if t.name.startswith(charts.HIDDEN_MARK)]
        assert (len(markers[0].y) if markers else 0) == hidden, "hidden cells are listed as hidden"
        assert ranked.layout.meta["title"] == panel.figure.layout.meta["title"]
