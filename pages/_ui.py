"""Shared Streamlit rendering for the page scripts: the view, the demo banner and a chart panel."""

from __future__ import annotations

import logging
import runpy
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from analysis import cached
from analysis.model import filters as flt
from analysis.model.safe_text import escape_markdown, safe_table
from analysis.storage import store
from analysis.views import charts, datasets, drilldown, links, page_text
from analysis.views.panels import Panel
from pages import _exports

LOG = logging.getLogger("engagement_explorer")
DATASET_KEY = "view_dataset"  # the session-state key of the sidebar's dataset choice
TABLE_KEY = "table_"  # + chart id: the session-state key of a chart's table expander (True when open)


@dataclass(frozen=True)
class View:
    """The dataset and filters a page shows."""

    directory: store.Location
    dataset_id: str
    manifest: dict
    filters: flt.Filters


_INSIDE_FRAME: ContextVar[bool] = ContextVar("inside_frame", default=False)
FRAME = Path(__file__).resolve().parent.parent / "dashboard.py"


@contextmanager
def inside_frame() -> Iterator[None]:
    """dashboard.py runs the chosen page inside this: the page then knows the frame (sidebar, navigation) is drawn."""
    token = _INSIDE_FRAME.set(True)
    try:
        yield
    finally:
        _INSIDE_FRAME.reset(token)


def within_frame() -> None:
    """Draw this page inside the frame when Streamlit ran its script on its own, then end that run.

    A freshly started server treats pages/ as Streamlit's old multipage folder until st.navigation has been
    called once, so a link straight to /domains runs pages/domains.py alone, without the shared filters. The
    frame is then run here: dashboard.py draws the sidebar and calls st.navigation, which picks the page the
    address names and runs it inside the frame (and from then on the server uses st.navigation only).
    """
    if _INSIDE_FRAME.get():
        return
    runpy.run_path(str(FRAME), run_name="__main__")
    st.stop()


def chosen_dataset(directory: store.Location) -> dict | None:
    """The named dataset this view shows: the sidebar's choice, else the link's ?dataset=, else the default.

    Read with a default, so a page run on its own shows the same dataset; None when the store holds none.
    """
    entry = datasets.shown_collection(directory, st.session_state.get(DATASET_KEY),
                                      st.query_params.get(links.DATASET_PARAM))
    if entry is not None and st.session_state.get(DATASET_KEY) != entry["name"]:  # before the sidebar's widget
        st.session_state[DATASET_KEY] = entry["name"]
    return entry


def dataset_selector(directory: store.Location) -> dict | None:
    """The sidebar's dataset choice, kept in the address (?dataset=NAME); the chosen dataset."""
    entry = chosen_dataset(directory)
    if entry is None:
        return None
    names = {e["name"]: e["title"] for e in store.list_collections(directory)}
    if entry["name"] not in names:  # an archived dataset opened by its link stays in the choice
        names[entry["name"]] = datasets.collection_label(entry)
    linked = st.query_params.get(links.DATASET_PARAM)
    name = st.selectbox("Dataset", list(names), format_func=names.get, key=DATASET_KEY,
                        help="Which data every page shows. The address keeps it, so a copied link opens it again.")
    if linked != name:
        legacy = links.legacy_version(linked) if linked not in names else None
        if legacy:  # a link from before datasets were named: keep its version, under the dataset's name
            st.query_params[links.VERSION_PARAM] = legacy
        elif links.VERSION_PARAM in st.query_params:  # another dataset chosen: the link's version was the old one's
            del st.query_params[links.VERSION_PARAM]
        st.query_params[links.DATASET_PARAM] = name
    return store.collection(directory, name)


def current_view() -> View | None:
    """The chosen dataset (its version from the link, else its newest) and the filters in the URL; shows a
    message and returns None without data."""
    within_frame()
    directory = store.data_dir()
    entry = chosen_dataset(directory)
    if entry is None:
        st.warning(page_text.NO_DATA)
        return None
    linked = st.query_params.get(links.DATASET_PARAM)
    legacy = links.legacy_version(linked) if linked != entry["name"] else None
    token = st.query_params.get(links.VERSION_PARAM) or legacy
    dataset_id, note = datasets.view_version(directory, entry, token)
    try:
        cube = cached.cube(str(directory), dataset_id)
    except store.DamagedTable as exc:
        st.error(escape_markdown(exc), icon=":material/broken_image:")
        return None
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    filters = flt.parse(params, waves=cube.waves)
    if filters.ignored:
        st.warning(page_text.LEFT_OUT + escape_markdown(", ".join(filters.ignored)))
    if note:
        st.warning(escape_markdown(note), icon=":material/history:")
    return View(directory, dataset_id, datasets.view_manifest(cube.manifest, entry), filters)


def page_header(title: str, view: View | None, page: str | None = None) -> None:
    """Page title, for the demo dataset the illustrative-data banner, and the packs (`page`: its registry name)."""
    st.title(escape_markdown(title))
    if view is not None:
        st.caption(escape_markdown(f"Dataset: {view.manifest.get('dataset_title', '')} (version "
                                   f"{links.dataset_token(view.manifest)})"))
    if view is not None and view.manifest.get("demo"):
        st.info(page_text.DEMO_BANNER, icon=":material/info:")
    if view is not None:
        _exports.view_tools(view, page)


def intro(page: str, view: View | None) -> None:
    """The page's intro, true for any dataset, and beside the study demo the study's own finding, labelled."""
    st.markdown(page_text.intro(page))
    findings = page_text.study_findings(page, view.manifest if view is not None else None)
    if findings:
        st.markdown(findings)
    if view is not None and page_text.charts_nothing(page, _measures(view)):
        st.info(page_text.NO_INFLUENCE, icon=":material/info:")
        st.page_link("pages/questions.py", label="Results by question", icon=":material/checklist_rtl:",
                     query_params=st.query_params.to_dict())


def _measures(view: View) -> list[str]:
    return cached.cube(str(view.directory), view.dataset_id).measures


def panels(page: str, view: View) -> list[Panel]:
    """The page's panels (as the registry lists them) for the view, from the cache; none on a page of influence
    charts when the dataset has no questions about influence (its intro says so)."""
    if page_text.charts_nothing(page, _measures(view)):
        return []
    return cached.page_panels(page, str(view.directory), view.dataset_id, tuple(view.filters.items()),
                              cached.review_version(page, str(view.directory), view.dataset_id))


def quotes_link(panel: Panel, view: View, event: object) -> None:
    """After a bar or cell is picked, a link to the Voices page filtered to the quotes behind it."""
    points = list(getattr(getattr(event, "selection", None), "points", None) or [])
    drill = drilldown.voices_filters(panel.chart_id, points[0]) if points else {}
    if drill:
        st.page_link("pages/voices.py", label=f"Show me the quotes: {drilldown.describe(drill)}",
                     icon=":material/format_quote:", query_params=drilldown.voices_query(drill, view.filters))
    elif panel.chart_id in drilldown.CHART_AXES:
        st.caption("Pick a bar or cell to see the quotes behind it.")


def url_select(label: str, options: dict[str, str], key: str) -> str:
    """A selectbox whose choice is kept in the page address under `key` ('' means any)."""
    state_key = f"voices_{key}"
    if state_key not in st.session_state:
        wanted = st.query_params.get(key, "")
        st.session_state[state_key] = wanted if wanted in options else ""
    choice = st.selectbox(label, ["", *options], format_func=lambda v: options.get(v, "Any"), key=state_key)
    if choice:
        st.query_params[key] = choice
    elif key in st.query_params:
        del st.query_params[key]
    return choice


GRID, RANKED = "Grid", "Ranked list"
# Static CSS (a file in the repository, nothing from data): with no shape picked, a heat map is drawn both ways,
# each in a keyed container (Streamlit gives it the class st-key-<key>), and the window's width shows one.
STYLESHEET = Path(__file__).with_name("_layout.css")
BY_WIDTH = {GRID: "heatmap_wide_", RANKED: "heatmap_narrow_"}  # + chart id: the container keys the CSS names


def layout_rules() -> None:
    """The app's one stylesheet (pages/_layout.css): which of a heat map's two shapes a window's width shows."""
    st.html(STYLESHEET)


def _heatmap_shapes(panel: Panel) -> list[str]:
    """The shapes a heat map is drawn in: the one the reader picked, or (none picked) both, the grid for a wide
    window and its cells as a ranked list of bars for a narrow one, whose width cannot fit the grid's columns.
    A phone, by its own word, starts on the ranked list whatever its width."""
    default = RANKED if charts.phone_like(st.context.headers) else None
    chosen = st.segmented_control("Show as", [GRID, RANKED], default=default, key=f"shape_{panel.chart_id}",
                                  help="The grid, or its cells from the highest value down. Pick neither to have "
                                       "the grid on a wide screen and the list on a narrow one.")
    return [chosen] if chosen else [GRID, RANKED]


def _heatmap(panel: Panel, view: View | None, config: dict) -> None:
    shapes = _heatmap_shapes(panel)
    for shape in shapes:
        with st.container(key=f"{BY_WIDTH[shape]}{panel.chart_id}") if len(shapes) > 1 else st.container():
            if shape == RANKED:
                st.plotly_chart(charts.ranked_cells(panel.figure), width="stretch", key=f"ranked_{panel.chart_id}",
                                theme=None, config=config)
                if view is not None and panel.chart_id in drilldown.CHART_AXES:
                    st.caption("Show it as a grid and pick a cell to see the quotes behind it.")
            else:
                _plot(panel, view, config)


def _plot(panel: Panel, view: View | None, config: dict) -> None:
    event = st.plotly_chart(panel.figure, width="stretch", key=f"chart_{panel.chart_id}", theme=None,
                            on_select="rerun", selection_mode="points", config=config)
    if view is not None:
        quotes_link(panel, view, event)


def show_panel(panel: Panel, view: View | None = None) -> None:
    """A chart with its title, base, plain-English summary (its text alternative), downloads and table."""
    st.subheader(escape_markdown(panel.title), anchor=panel.chart_id)
    st.caption(escape_markdown(f"{panel.subtitle}. {panel.base_text}"))
    config = {"displaylogo": False, "toImageButtonOptions": {"format": "png", "scale": 2, "filename": panel.chart_id}}
    if not charts.has_data(panel.figure):  # an empty plot (axes, a stray tick) says less than a sentence
        st.info(charts.NO_ANSWERS, icon=":material/visibility_off:")
    elif charts.is_heatmap(panel.figure):
        _heatmap(panel, view, config)
    else:
        _plot(panel, view, config)
    if view is not None:
        _exports.downloads(panel, view)
    st.markdown(f"**Summary:** {escape_markdown(panel.summary)}")
    box = st.expander(f"Table of the numbers behind this chart ({len(panel.table)} rows) and method",
                      key=f"{TABLE_KEY}{panel.chart_id}", on_change="rerun")
    if box.open:  # drawn once opened: the table grid is the slowest part of a first page load
        box.dataframe(safe_table(panel.table), hide_index=True, width="stretch")
        box.caption(escape_markdown(panel.method))
