"""The Data page's review queue: quotes the redaction was unsure of, approved, edited or hidden by a person."""

from __future__ import annotations

import streamlit as st

from analysis import cached
from analysis.ingest import review
from analysis.model.safe_text import escape_markdown, safe_table
from analysis.storage import store
from pages import _access

SHOW = {**review.STATUS, "all": "All in review"}


def _decide(directory, dataset_id: str, chosen, decision: str, text: str | None = None) -> None:
    count = review.record(directory, dataset_id, chosen, decision, reviewer=_access.reviewer(), text=text)
    st.session_state["review_done"] = f"{review.STATUS[decision]}: {count:,} quote(s)."


def review_section(directory: store.Location, dataset_id: str | None, read_only: bool) -> None:
    """Draw the queue for a dataset: counts, a filtered list, bulk approval and one quote's decision."""
    st.header("Quotes held for review")
    st.markdown(review.INTRO)
    if dataset_id is None:
        return
    items = review.queue(cached.flagged_stories(str(directory), dataset_id),
                         review.read_decisions(directory, dataset_id))
    st.caption(escape_markdown(review.counts_text(items)))
    if done := st.session_state.pop("review_done", None):
        st.success(escape_markdown(done), icon=":material/check:")
    left, right = st.columns([1, 2])
    status = left.selectbox("Show", list(SHOW), format_func=SHOW.get, key="review_status")
    search = right.text_input("Search the quotes in review", key="review_search")
    table = review.review_table(items, status, search)
    st.dataframe(safe_table(table), hide_index=True, width="stretch", key="review_table",
                 column_config={"Quote": st.column_config.TextColumn(width="large")})
    if read_only or table.empty:
        return
    chosen_rows = items[items["story_id"].isin(table["Story"])]
    quotes = f"{len(table):,} quote{'' if len(table) == 1 else 's'}"
    st.button(f"Approve all {quotes} in this list", key="review_bulk", icon=":material/done_all:",
              on_click=_decide, args=(directory, dataset_id, chosen_rows, "approve"))
    story = st.selectbox("A quote to decide on", list(table["Story"]), key="review_story",
                         format_func=lambda sid: review.short_label(table, sid))
    one = items[items["story_id"] == story]
    text = st.text_area("The quote as it would be shown (edit it to remove what should not be there)",
                        value=str(one["shown_text"].iloc[0]), key=f"review_text_{story}")
    approve, edit, hide = st.columns(3)
    approve.button("Approve", key="review_approve", icon=":material/check:", width="stretch",
                   on_click=_decide, args=(directory, dataset_id, one, "approve"))
    edit.button("Save the edit and show it", key="review_edit", icon=":material/edit:", width="stretch",
                on_click=_decide, args=(directory, dataset_id, one, "edit", text), disabled=not text.strip())
    hide.button("Hide", key="review_hide", icon=":material/visibility_off:", width="stretch",
                on_click=_decide, args=(directory, dataset_id, one, "hide"))
    st.caption(escape_markdown("Each decision is added to the dataset's review record with the time and, when "
                               "sign-in is on, who made it; the stored story itself never changes."))
