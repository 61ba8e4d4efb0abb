"""Engagement Explorer: the frame (page config, navigation, and the filters every page shares)."""

import streamlit as st

from analysis import cached
from analysis.model import filters as flt
from analysis.model import vocab
from analysis.storage import store
from pages import _ui
from pages._access import incident_guard

# An emoji icon is drawn in the page itself; a :material/...: one is fetched from a font host by every visitor.
st.set_page_config(page_title="Engagement Explorer", page_icon="\N{SPEECH BALLOON}", layout="wide")
_ui.layout_rules()  # static CSS: a heat map's shape by the window's width

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/home:", default=True),  # served at /
    st.Page("pages/domains.py", title="Influence by domain", icon=":material/bar_chart:", url_path="domains"),
    st.Page("pages/groups.py", title="Seldom-heard groups", icon=":material/groups:", url_path="groups"),
    st.Page("pages/trust_types.py", title="Trust types", icon=":material/apartment:", url_path="trust_types"),
    st.Page("pages/questions.py", title="Results by question", icon=":material/checklist_rtl:",
            url_path="questions"),
    st.Page("pages/voices.py", title="Voices", icon=":material/format_quote:", url_path="voices"),
    st.Page("pages/framework.py", title="Engagement framework", icon=":material/checklist:", url_path="framework"),
    st.Page("pages/actions.py", title="You said, we did", icon=":material/task_alt:", url_path="actions"),
    st.Page("pages/data.py", title="Data", icon=":material/upload_file:", url_path="data"),
]

page = st.navigation(PAGES)

directory = store.data_dir()
with st.sidebar:
    shown = _ui.dataset_selector(directory)
    try:  # a damaged dataset must not take the frame down: the pages say what is wrong, and Data can switch
        waves = cached.cube(str(directory), shown["current"]).waves if shown else []
    except store.DamagedTable:
        waves = []
    st.header("Filters")
    st.caption("Empty means everything. Your choices are kept in the page address, so a copied link "
               "reopens this view.")
    # The link's filters read as every page reads them (comma lists too); values not in this dataset stay in
    # the address until the visitor changes that filter, so the page can say they were left out.
    linked = flt.parse({key: st.query_params.get_all(key) for key in st.query_params}, waves=waves)
    for key, label in vocab.FILTER_LABELS.items():
        options = vocab.filter_options(key) or {w: w for w in waves}
        state_key = f"filter_{key}"
        if state_key not in st.session_state:
            st.session_state[state_key] = [v for v in getattr(linked, key) if v in options]
        chosen = st.multiselect(label, list(options), format_func=options.get, key=state_key,
                                placeholder="All")
        if sorted(chosen) == sorted(getattr(linked, key)):
            continue
        if chosen:
            st.query_params[key] = chosen
        elif key in st.query_params:
            del st.query_params[key]

with incident_guard(), _ui.inside_frame():  # a failing page: a plain message with an incident id; details to the log
    page.run()
