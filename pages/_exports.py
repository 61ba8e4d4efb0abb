"""Downloads on every page: the briefing pack and link for the view, and each chart's images and numbers."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import streamlit as st

from analysis import briefing, cached, export, links
from analysis.panels import Panel
from analysis.summaries import escape_markdown

if TYPE_CHECKING:
    from pages._ui import View


def _page_url() -> str:
    try:
        return st.context.url or "./"
    except AttributeError:  # older Streamlit, or no browser session
        return "./"


def view_tools(view: View) -> None:
    """The briefing-pack download for the whole view and a link that reproduces it."""
    problem = export.renderer_problem()
    cube = cached.cube(str(view.directory), view.dataset_id)
    left, mid, right = st.columns([3, 2, 5])
    for col, fmt, label in ((left, "pptx", "Download briefing pack"), (mid, "pdf", "PDF pack")):
        col.download_button(
            label, data=lambda fmt=fmt: briefing.build(dataclasses.replace(cube, manifest=view.manifest),
                                                       view.filters, fmt),
            file_name=briefing.file_name(view.manifest, fmt), mime=briefing.MIME[fmt], on_click="ignore",
            icon=":material/slideshow:" if fmt == "pptx" else ":material/picture_as_pdf:",
            disabled=problem is not None, key=f"pack_{fmt}",
            help="Every chart in this view, with summaries, bases, method, alt text and speaker notes.")
    link_box = right.expander("Copy link to this view", key="copy_link", on_change="rerun")
    if link_box.open:  # drawn only when opened: the code box's highlighter is slow to load on a first visit
        link_box.code(links.view_link(_page_url(), view.filters, view.manifest), language=None, wrap_lines=True)
        link_box.caption("The link keeps every filter and names the dataset, so whoever opens it is told if "
                         "the data have changed since.")
    if problem:
        st.info(escape_markdown(problem), icon=":material/image_not_supported:")


def downloads(panel: Panel, view: View) -> None:
    """Buttons for the chart as PNG, SVG and PDF (drawn on the server) and its numbers as CSV and XLSX."""
    images = {} if export.renderer_problem() else export.IMAGE_FORMATS
    files = {fmt: (lambda fmt=fmt: export.chart_image(panel, view.manifest, fmt), mime)
             for fmt, mime in images.items()}
    files["csv"] = (lambda: export.table_csv(panel.table), export.DATA_FORMATS["csv"])  # built when clicked
    files["xlsx"] = (lambda: export.table_xlsx(panel, view.manifest), export.DATA_FORMATS["xlsx"])
    for col, (fmt, (data, mime)) in zip(st.columns(len(files) + 2), files.items(), strict=False):
        col.download_button(fmt.upper(), data=data, file_name=export.file_name(panel, fmt), mime=mime,
                            on_click="ignore", icon=":material/download:", key=f"dl_{panel.chart_id}_{fmt}",
                            help=f"Download {'the numbers behind ' if fmt in export.DATA_FORMATS else ''}"
                                 f"this chart as {fmt.upper()}")
