"""Downloads on every page: the briefing pack and link for the view, and each chart's images and numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from analysis import cached
from analysis.model.safe_text import escape_markdown
from analysis.outputs import briefing, export
from analysis.views import links
from analysis.views.panels import Panel

if TYPE_CHECKING:
    from pages._ui import View


def _page_url() -> str:
    try:
        return st.context.url or "./"
    except AttributeError:  # older Streamlit, or no browser session
        return "./"


def _pack(view: View, page: str, fmt: str) -> bytes:
    items = tuple(view.filters.items())
    where = (str(view.directory), view.dataset_id)
    panels = briefing.pack_panels(page, lambda name: cached.page_panels(name, *where, items,
                                                                        cached.review_version(name, *where)))
    return briefing.build(panels, view.manifest, view.filters, fmt, page)


def view_tools(view: View, page: str | None) -> None:
    """The briefing packs of this page and of the whole report for the view, and a link that reproduces it."""
    problem = export.renderer_problem()
    left, right = st.columns([4, 5])
    menu = left.popover("Briefing pack", icon=":material/slideshow:", width="stretch")
    menu.caption("The charts with their summaries, bases, method, alt text and speaker notes, for this view.")
    for scope, label in ((page, "This page"), (briefing.ALL, "Whole report")):
        if scope is None:
            continue
        for fmt, kind, icon in (("pptx", "PowerPoint", ":material/slideshow:"),
                                ("pdf", "PDF", ":material/picture_as_pdf:")):
            menu.download_button(
                f"{label} ({kind})", data=lambda scope=scope, fmt=fmt: _pack(view, scope, fmt),
                file_name=briefing.file_name(scope, view.filters, fmt), mime=briefing.MIME[fmt], on_click="ignore",
                icon=icon, key=f"pack_{scope}_{fmt}", width="stretch")  # no browser needed
    link_box = right.expander("Copy link to this view", key="copy_link", on_change="rerun")
    if link_box.open:  # drawn only when opened: the code box's highlighter is slow to load on a first visit
        link_box.code(links.view_link(_page_url(), view.filters, view.manifest), language=None, wrap_lines=True)
        link_box.caption("The link keeps every filter and names the dataset, so whoever opens it is told if "
                         "the data have changed since.")
    if problem:
        st.info(escape_markdown(problem), icon=":material/image_not_supported:")


def downloads(panel: Panel, view: View) -> None:
    """One menu with the chart as PNG, SVG and PDF (drawn on the server) and its numbers as CSV and XLSX."""
    images = {} if export.renderer_problem() else export.IMAGE_FORMATS
    files = {fmt: (lambda fmt=fmt: export.chart_image(panel, view.manifest, fmt), mime)
             for fmt, mime in images.items()}
    files["csv"] = (lambda: export.table_csv(panel.table), export.DATA_FORMATS["csv"])  # built when clicked
    files["xlsx"] = (lambda: export.table_xlsx(panel, view.manifest), export.DATA_FORMATS["xlsx"])
    menu = st.popover("Download", icon=":material/download:", key=f"dl_{panel.chart_id}",
                      help="This chart as a picture (PNG, SVG, PDF) or its numbers (CSV, XLSX)")
    for fmt, (data, mime) in files.items():
        what = "The numbers" if fmt in export.DATA_FORMATS else "The chart"
        menu.download_button(f"{what} as {fmt.upper()}", data=data, file_name=export.file_name(panel, fmt),
                             mime=mime, on_click="ignore", icon=":material/download:",
                             key=f"dl_{panel.chart_id}_{fmt}", width="stretch")
