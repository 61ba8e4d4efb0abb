"""Every measure charted in its own words and on its own scale's labels: the two journeys of issue 13 (an
agree/disagree survey saved from SPSS and a GP practices' Friends and Family Test export), imported with the
starter mapping and only what the file cannot say (source, wave or organisation) filled in."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.evidence import queries
from analysis.ingest import importing, mapping
from analysis.model import vocab
from analysis.model.filters import Filters
from analysis.views import colour, measures

FIXTURES = Path(__file__).parent / "fixtures"
JOURNEYS = {
    "agree_survey.sav": ({"source": "patient_survey", "wave": "2025", "organisation": "Northside users' group",
                          "org_type": "community"}, "agreement", "% agree or strongly agree", "agree5"),
    "fft_gp_practices.csv": ({"source": "patient_survey"}, "recommendation",
                             "% extremely likely or likely to recommend", "fft6"),
}


@pytest.fixture(scope="module", params=sorted(JOURNEYS))
def journey(request, tmp_path_factory):
    name = request.param
    settings, measure, words, scale_id = JOURNEYS[name]
    data = (FIXTURES / name).read_bytes()
    spec = mapping.guess(data, name)
    spec["import"].update(settings)
    directory = tmp_path_factory.mktemp("store")
    report = importing.run(data, name, spec, directory)
    assert report.ok, report.problems[:3]
    return name, queries.load_cube(directory), measure, words, scale_id


def _texts(panel) -> list[str]:
    legend = [t.name for t in panel.figure.data if t.name]
    layout = panel.figure.layout
    return [panel.title, panel.summary, panel.base_text, panel.method, *panel.table.columns, *legend,
            layout.meta["title"], (layout.xaxis.title.text or "").replace("<br>", " "),
            *map(str, panel.table.iloc[:, 0])]


def test_charts_say_what_the_measure_asks(journey):
    _, cube, measure, words, _ = journey
    built = measures.page_panels(cube, Filters())
    assert measures.charted(cube) == [measure]
    share = built[0]
    assert words in share.title and words in share.figure.layout.xaxis.title.text.replace("<br>", " ")
    assert f"{words}" in share.table.columns
    assert words.removeprefix("% ") in share.summary
    for panel in built:
        assert not any("influence" in text.lower() for text in _texts(panel)), panel.chart_id


def test_every_answer_chart_uses_the_scales_labels_and_a_diverging_palette(journey):
    _, cube, _, _, scale_id = journey
    panel = measures.page_panels(cube, Filters())[1]
    legend = list(dict.fromkeys(t.name for t in panel.figure.data))
    labels = [vocab.LEVEL_LABELS[level] for level in vocab.SCALES[scale_id]["levels"]]
    assert legend and set(legend) <= set(labels)
    assert not set(legend) & set(vocab.SCALES[scale_id]["levels"])  # never the raw level ids
    colours = {t.name: t.marker.color for t in panel.figure.data}
    palette = dict(zip(labels, colour.diverging_colours(len(labels)), strict=True))
    assert all(colours[name] == palette[name] for name in colours)
    assert panel.table["Answer"].isin(labels).all()


def test_questions_are_told_apart(journey):
    name, cube, measure, _, _ = journey
    frame = measures.shares(cube, Filters(), measure)
    expected = 5 if name.endswith(".sav") else 1
    assert len(frame) == expected and frame["topic_label"].str.len().gt(5).all()


def test_the_gp_practices_are_organisations_of_the_right_type(journey):
    name, cube, *_ = journey
    if name.endswith(".sav"):
        assert set(cube.organisations["org_type"]) == {"community"}
    else:
        assert set(cube.organisations["org_id"]) == {"A81001", "A81002", "B82005"}
        assert set(cube.organisations["org_type"]) == {"gp_practice"}
        assert set(cube.organisations["org_name"]) >= {"Bramble Lane Surgery"}
        assert cube.waves == ["2025"]


def test_the_demo_shows_no_extra_measure_charts(demo_cube):
    assert measures.page_panels(demo_cube, Filters()) == []


def test_the_briefing_pack_carries_the_measures_charts(journey):
    from analysis.outputs import briefing
    from analysis.views import registry

    _, cube, measure, words, _ = journey
    built = briefing.pack_panels(briefing.ALL, lambda page: registry.page_panels(
        page, {**registry.fixed_sources(cube=cube), registry.ACTIONS: lambda: None, registry.VOICES: lambda: None},
        Filters()) if page == "questions" else [])
    mine = [p for p in built if p.chart_id.startswith(f"measure_{measure}")]
    assert len(mine) == 2 and words in mine[0].title
