"""Voices: people's stories, themes by domain and by group, and a searchable list of quotes."""

import streamlit as st

from analysis import cached
from analysis.evidence import voices
from analysis.ingest import review
from analysis.model import vocab
from analysis.model.safe_text import escape_markdown, safe_table
from analysis.stats import disclosure
from pages._ui import current_view, intro, page_header, panels, show_panel, url_select

view = current_view()
page_header("Voices", view, "voices")
intro("voices", view)
if view is not None:
    found = cached.voices(str(view.directory), view.dataset_id, review.version(view.directory, view.dataset_id))
    stories = voices.in_view(found, view.filters)
    sizes = voices.group_sizes(cached.cube(str(view.directory), view.dataset_id).respondents, view.filters)
    st.caption(escape_markdown(f"{len(stories):,} stories in this view. {disclosure.NOTE}"))
    if found.held_n:
        st.info(escape_markdown(review.held_note(found.held_n)), icon=":material/pending:")
    if stories.empty:
        st.info("There are no stories in this view. Stories come from the demo data or from free-text columns "
                "of an imported survey (role free_text in the mapping).")
    for panel in panels("voices", view):
        show_panel(panel, view)

    st.subheader("Quotes", anchor="quotes")
    search = st.text_input("Search the quotes", value=st.query_params.get("q", ""), key="voices_q",
                           placeholder="a word or phrase, e.g. interpreter")
    if search:
        st.query_params["q"] = search
    elif "q" in st.query_params:
        del st.query_params["q"]
    theme_col, domain_col, group_col = st.columns(3)
    with theme_col:
        theme = url_select("Theme", vocab.THEMES, "theme")
    with domain_col:
        domain = url_select("Domain", vocab.DOMAINS, "domain")
    with group_col:
        group = url_select("Seldom-heard group", vocab.SELDOM_HEARD_GROUPS, "group")
    listed = voices.quotes(stories, found.story_groups, sizes, search=search, theme=theme, domain=domain,
                           group=group)
    for notice in listed.notices:
        st.warning(escape_markdown(notice), icon=":material/visibility_off:")
    st.caption(f"{len(listed.table):,} quotes match. Quotes are shown as plain text, exactly as stored.")
    st.dataframe(safe_table(listed.table), hide_index=True, width="stretch", key="voices_quotes",
                 column_config={"Quote": st.column_config.TextColumn(width="large")})
