"""Influence by domain: % positive with intervals, and the full answer distribution."""

import streamlit as st

from pages._ui import current_view, page_header, panels, show_panel

view = current_view()
page_header("Influence by domain", view, "domains")
st.markdown("How much influence people said they had over six areas of a trust's work. "
            "The study found most influence over the care environment, information and appointments, "
            "some over service plans, and least over funding and over quality and safety.")
if view is not None:
    for panel in panels("domains", view):
        show_panel(panel, view)
