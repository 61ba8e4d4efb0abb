"""Results by question: every measure other than influence (agreement, recommendation, experience...), each in
its own words and on its own scale."""

import streamlit as st

from pages._ui import current_view, page_header, panels, show_panel

view = current_view()
page_header("Results by question", view, "questions")
st.markdown("Each question's share of positive answers, in the words of what it asks (for example "
            "\"% agree or strongly agree\"), and every answer on the question's own scale. Influence has its own "
            "pages.")
if view is not None:
    shown = panels("questions", view)
    if not shown:
        st.info("This dataset has no questions other than influence. Import a survey on the Data page to see its "
                "questions here.", icon=":material/info:")
    for panel in shown:
        show_panel(panel, view)
