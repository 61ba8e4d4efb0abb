"""You said, we did: issues people raised, whether they were acted on and people told, and how long it took."""

import streamlit as st

from analysis import cached
from analysis.evidence import actions
from analysis.model.safe_text import escape_markdown, safe_table
from pages._ui import current_view, intro, page_header, panels, show_panel

view = current_view()
page_header("You said, we did", view, "actions")
intro("actions", view)
data = cached.action_data(str(view.directory), view.dataset_id) if view is not None else None
if data is not None and data.actions.empty:
    st.info("This dataset has no records of issues raised and what was done about them. Import some with "
            "`python -m analysis import-actions FILE` (docs/actions-template.csv shows the columns).",
            icon=":material/info:")
elif data is not None:
    for col, (label, value, help_text) in zip(st.columns(4), actions.totals(data, view.filters), strict=False):
        col.metric(label, value, help=help_text)
    for panel in panels("actions", view):
        show_panel(panel, view)
    still_open = actions.open_issues(data, view.filters)
    st.subheader(f"Issues still open ({len(still_open)})", anchor="open-issues")
    st.caption(escape_markdown(f"Issues with no action recorded, longest open first; days open counted to "
                               f"{actions.as_at(data)}, the last date in the data. Illustrative issues in the demo."))
    st.dataframe(safe_table(still_open), hide_index=True, width="stretch")
