"""Shared Streamlit rendering for the page scripts: the view, the demo banner and a chart panel."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from analysis import cached, store
from analysis import filters as flt
from analysis.panels import Panel
from analysis.summaries import escape_markdown


@dataclass(frozen=True)
class View:
    """The dataset and filters a page shows."""

    directory: Path
    dataset_id: str
    manifest: dict
    filters: flt.Filters


def current_view() -> View | None:
    """The current dataset and the filters in the URL; shows a message and returns None without data."""
    directory = store.data_dir()
    try:
        dataset_id = store.current_id(directory)
    except store.NoDataset as exc:
        st.warning(f"No data to show yet. {exc}")
        return None
    cube = cached.cube(str(directory), dataset_id)
    params = {key: st.query_params.get_all(key) for key in st.query_params}
    filters = flt.parse(params, waves=cube.waves)
    if filters.ignored:
        st.warning("Some filter values in the link are not in this dataset and were left out: "
                   + escape_markdown(", ".join(filters.ignored)))
    return View(directory, dataset_id, cube.manifest, filters)


def page_header(title: str, view: View | None) -> None:
    """Page title and, for the demo dataset, the illustrative-data banner."""
    st.title(title)
    if view is not None and view.manifest.get("demo"):
        st.info("**Illustrative data.** These figures are generated to mirror the published findings and the "
                "design of the Healthcare Commission's 2009 study. They are not the study's own responses.",
                icon=":material/info:")


def panels(page: str, view: View) -> list[Panel]:
    """The page's panels for the view, from the cache."""
    return cached.page_panels(page, str(view.directory), view.dataset_id, tuple(view.filters.items()))


def show_panel(panel: Panel) -> None:
    """A chart with its title, base, plain-English summary (its text alternative) and table."""
    st.subheader(panel.title, anchor=panel.chart_id)
    st.caption(escape_markdown(f"{panel.subtitle}. {panel.base_text}"))
    st.plotly_chart(panel.figure, width="stretch", key=f"chart_{panel.chart_id}", theme=None,
                    config={"displaylogo": False})
    st.markdown(f"**Summary:** {escape_markdown(panel.summary)}")
    with st.expander(f"Table of the numbers behind this chart ({len(panel.table)} rows) and method"):
        st.dataframe(panel.table, hide_index=True, width="stretch")
        st.caption(escape_markdown(panel.method))
