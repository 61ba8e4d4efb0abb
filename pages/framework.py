"""Engagement framework: how organisations rate themselves on the five areas, and a self-assessment with a plan."""

import streamlit as st

from analysis import cached
from analysis.evidence import framework
from analysis.model import vocab
from analysis.model.errors import UserError
from analysis.model.safe_text import escape_markdown, safe_table
from analysis.outputs import action_plan
from pages._ui import current_view, intro, page_header, panels, show_panel

view = current_view()
page_header("Engagement framework", view, "framework")
intro("framework", view)
st.markdown(framework.CHECKLIST_NOTE)
if view is not None and cached.action_data(str(view.directory), view.dataset_id).assessments.empty:
    st.info("This dataset has no framework self-assessments: import some, or use the self-assessment below.",
            icon=":material/info:")
elif view is not None:
    for panel in panels("framework", view):
        show_panel(panel, view)

st.header("Rate your organisation", anchor="self-assessment")
st.caption("Your ratings stay in this browser session only: nothing is stored on the server. Save them to a file "
           "to keep them, and upload that file to carry on later.")
upload = st.file_uploader("Carry on from a saved self-assessment (JSON)", type=["json"], key="fw_upload")
if upload is not None and st.session_state.get("fw_loaded") != upload.file_id:
    try:
        saved_type, saved = framework.from_json(upload.getvalue(), upload.name)
    except UserError as exc:
        st.error(escape_markdown(str(exc)), icon=":material/error:")
    else:
        st.session_state.update({"fw_org_type": saved_type, **{f"fw_{i}": r for i, r in saved.items()}})
        st.session_state["fw_loaded"] = upload.file_id
org_type = st.selectbox("Your organisation type (your peers are the organisations of this type)",
                        list(vocab.ORG_TYPES), format_func=vocab.org_type_label, key="fw_org_type")
for tab, (area, label) in zip(st.tabs(list(framework.AREAS.values())), framework.AREAS.items(), strict=True):
    tab.caption(escape_markdown(label))
    for item, text in framework.ITEMS[area].items():
        tab.radio(text, list(framework.RATINGS), format_func=framework.RATINGS.get, index=None, horizontal=True,
                  key=f"fw_{item}")
ratings = {item: st.session_state.get(f"fw_{item}") for item in framework.item_area()}
rated = sum(r is not None for r in ratings.values())
st.progress(rated / len(ratings), text=f"{rated} of {len(ratings)} items rated")
left, mid, right = st.columns(3)
left.download_button("Save my ratings (JSON)", framework.to_json(org_type, ratings), "self-assessment.json",
                     "application/json", key="fw_save", icon=":material/save:", on_click="ignore")
if view is not None:
    data = cached.action_data(str(view.directory), view.dataset_id)
    mine = framework.ratings_frame(ratings)
    gaps = framework.peer_gaps(mine, data.assessments, data.organisations, org_type)
    plan = framework.action_plan(mine, data.assessments, data.organisations, org_type)
    mid.download_button("Action plan (XLSX)", lambda: action_plan.to_xlsx(plan, gaps, org_type),
                        "action-plan.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        key="fw_xlsx", icon=":material/table:", on_click="ignore")
    right.download_button("Action plan (PDF)", lambda: action_plan.to_pdf(plan, gaps, org_type), "action-plan.pdf",
                          "application/pdf", key="fw_pdf", icon=":material/picture_as_pdf:", on_click="ignore")
    st.subheader(escape_markdown(f"Your areas against peers: {vocab.org_type_label(org_type)}"), anchor="gaps")
    st.dataframe(safe_table(framework.gaps_table(gaps)), hide_index=True, width="stretch")
    st.caption(framework.METHOD + " Peers: the latest self-assessments of that type in this dataset; 'behind' or "
               "'ahead' means half a step or more from their median.")
    st.subheader(f"Action plan: {len(plan)} items to work on", anchor="plan")
    st.dataframe(safe_table(framework.plan_table(plan)), hide_index=True, width="stretch")
