"""Overview: what the study was, who took part, and the headline findings."""

import streamlit as st

from analysis import cached, overview
from pages._ui import current_view, page_header, panels, show_panel

view = current_view()
page_header("Listening, learning, working together?", view, "overview")
st.markdown(overview.INTRO)
if view is None:
    st.stop()

facts = cached.headline_facts(str(view.directory), view.dataset_id, tuple(view.filters.items()))
cols = st.columns(4)
for col, (label, value, help_text) in zip(cols, facts.metrics, strict=True):
    col.metric(label, value, help=help_text)

st.subheader("What trusts declared, and what users' groups said")
st.markdown(facts.contrast)
st.subheader("Headline findings")
st.markdown(overview.FINDINGS)
for panel in panels("overview", view):
    show_panel(panel, view)
st.subheader("Where the data came from")
st.markdown(facts.provenance)
