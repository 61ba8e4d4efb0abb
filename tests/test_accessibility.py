"""Every chart has a text alternative and a table of its numbers, and says nothing by colour alone."""

from __future__ import annotations

import pytest

from analysis.model.filters import Filters
from analysis.views import registry

VIEWS = {
    "everything": Filters(),
    "one source": Filters(source=("workshop",)),
    "interviews only": Filters(source=("interview",)),
    "a small view": Filters(org_type=("hospice",), region=("london",)),
    "an early wave": Filters(wave=("2008",)),
}
ENTRIES = [(page, entry) for page, spec in registry.PAGES.items() for entry in spec.entries]


@pytest.mark.parametrize(("page", "entry"), ENTRIES, ids=[f"{p}-{e.name}" for p, e in ENTRIES])
def test_every_panel_has_a_summary_and_a_table(demo_sources: registry.Sources, page: str,
                                               entry: registry.Entry) -> None:
    built = entry.build(demo_sources[entry.source](), Filters())
    for panel in built if entry.many else [built]:
        assert panel.summary.strip(), "the plain-English summary is the chart's text alternative"
        assert panel.title.strip() and panel.base_text.strip()
        assert len(panel.table) and len(panel.table.columns), "a table of the chart's numbers"


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("page", list(registry.PAGES))
def test_every_view_still_gets_words_and_a_table(demo_sources: registry.Sources, page: str, view: str) -> None:
    for panel in registry.page_panels(page, demo_sources, VIEWS[view]):
        assert panel.summary.strip(), f"{panel.chart_id}: no summary"
        assert len(panel.table.columns), f"{panel.chart_id}: no table"


def _traces(chart_id: str, demo_sources: registry.Sources):
    built = {p.chart_id: p for page in registry.PAGES for p in registry.page_panels(page, demo_sources, Filters())}
    return built[chart_id].figure.data


def test_less_influence_is_hatched_not_only_coloured(demo_sources: registry.Sources) -> None:
    shapes = {t.name: t.marker.pattern.shape for t in _traces("domains_distribution", demo_sources)}
    assert shapes["No influence"] == "/" and shapes["A little"] == "/"
    assert not shapes["Some"] and not shapes["A lot"]


@pytest.mark.parametrize("chart_id", ["groups_against_rest", "org_types_against_rest"])
def test_a_group_and_everyone_else_differ_in_shape_not_only_colour(demo_sources: registry.Sources,
                                                                   chart_id: str) -> None:
    symbols = {t.name: t.marker.symbol for t in _traces(chart_id, demo_sources) if t.name in {"This group",
                                                                                          "Everyone else"}}
    assert len(set(symbols.values())) == 2, symbols
