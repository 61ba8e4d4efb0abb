"""Trust types: organisation types and sectors side by side, each against all others."""

import streamlit as st

from pages._ui import current_view, page_header, panels, show_panel

view = current_view()
page_header("Trust types", view, "trust_types")
st.markdown("NHS trusts and independent-sector organisations side by side. Use the sidebar to narrow the "
            "view to a sector, a region or particular types of organisation.")
if view is not None:
    for panel in panels("trust_types", view):
        show_panel(panel, view)
