"""Overview: who took part, and the headline findings (the study's beside the study demo, else the data's own)."""

import streamlit as st

from analysis import cached
from analysis.views import page_text
from pages._ui import current_view, intro, page_header, panels, show_panel

view = current_view()
study = page_text.is_study_demo(view.manifest if view is not None else None)
page_header(page_text.STUDY_TITLE if study else "Overview", view, "overview")
intro("overview", view)
if view is None:
    st.stop()

facts = cached.headline_facts(str(view.directory), view.dataset_id, tuple(view.filters.items()))
cols = st.columns(4)
for col, (label, value, help_text) in zip(cols, facts.metrics, strict=True):
    col.metric(label, value, help=help_text)

if facts.contrast:
    st.subheader("What trusts declared, and what users' groups said")
    st.markdown(facts.contrast)
st.subheader("Headline findings")
if study:
    st.markdown(f"**{page_text.STUDY_LABEL}:**")
    st.markdown(page_text.HEADLINE_FINDINGS)
    st.caption("The charts below show the demo's numbers, generated to mirror these findings.")
else:
    for finding in cached.data_findings(str(view.directory), view.dataset_id, tuple(view.filters.items())):
        st.markdown(f"- {finding}")
for panel in panels("overview", view):
    show_panel(panel, view)
st.subheader("Where the data came from")
st.markdown(facts.provenance)
