"""Data: import a survey export with a mapping you review, see where the data came from, choose the dataset."""

import streamlit as st

from analysis import datasets, store
from analysis.safe_text import safe_table
from analysis.summaries import escape_markdown
from pages import _access, _import_steps, _review, _ui

_ui.ensure_frame()
st.title("Data")
_access.require_sign_in_for_imports()
now, stored = st.container(), st.container()
read_only = store.is_uri(directory := store.data_dir())  # a store in object storage: read, never written, by the app
_import_steps.guided_import(directory, read_only)
labels = {m["dataset_id"]: datasets.dataset_label(m) for m in store.list_datasets(directory)}
with stored:
    st.header("Stored datasets")
    st.dataframe(safe_table(datasets.datasets_frame(directory)), hide_index=True, width="stretch")
    current = datasets.current_or_none(directory)
    chosen = st.selectbox("Show this dataset on every page", list(labels), format_func=labels.get,
                          index=list(labels).index(current) if current in labels else None, key=f"choice_{current}")
    if st.button("Use this dataset", disabled=read_only or not chosen or chosen == current, key="use_dataset"):
        store.use_dataset(directory, chosen)
        st.rerun()
with now:
    if current is None:
        st.info("No dataset yet: import a file below, or build the demo with `python -m analysis build --demo`.")
    else:
        manifest = store.manifest(directory, current)
        if damage := datasets.damage_note(directory, current):
            st.error(escape_markdown(damage), icon=":material/broken_image:")
        (st.info if manifest.get("demo") else st.success)(
            f"**In use:** {escape_markdown(datasets.dataset_label(manifest))}", icon=":material/database:")
        st.dataframe(safe_table(datasets.provenance_frame(manifest)), hide_index=True, width="stretch")
_review.review_section(directory, current, read_only)
