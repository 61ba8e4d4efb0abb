"""Seldom-heard groups: group by domain, each group against everyone else, and who speaks for whom."""

import streamlit as st

from pages._ui import current_view, page_header, panels, show_panel

view = current_view()
page_header("Seldom-heard groups", view, "groups")
st.markdown("People who are in the poorest health, in vulnerable circumstances or facing discrimination "
            "found it hardest to be heard. Each group below is compared with everyone else in the view; "
            "a person or users' group can belong to, or speak for, several groups.")
if view is not None:
    for panel in panels("groups", view):
        show_panel(panel, view)
