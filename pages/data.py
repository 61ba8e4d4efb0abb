"""Data: import a survey export with a mapping you review, see where the data came from, choose the dataset."""

import streamlit as st

from analysis.model.safe_text import escape_markdown
from analysis.storage import store
from analysis.views import datasets
from pages import _access, _datasets, _import_steps, _review, _ui

_ui.within_frame()
st.title("Data")
_access.require_sign_in_for_imports()
now, stored = st.container(), st.container()
read_only = store.is_uri(directory := store.data_dir())  # a store in object storage: read, never written, by the app
_import_steps.guided_import(directory, read_only)
with stored:
    managed = _datasets.stored_datasets(directory, read_only)
with now:
    default = store.default_collection(directory) if store.has_dataset(directory) else None
    if default is None:
        st.info("No dataset yet: import a file below, or build the demo with `python -m analysis build --demo`.")
    else:
        entry = store.collection(directory, default)
        if damage := datasets.damage_note(directory, entry["current"]):
            st.error(escape_markdown(damage), icon=":material/broken_image:")
        (st.info if entry["manifest"].get("demo") else st.success)(
            f"**Shown to new visitors:** {escape_markdown(datasets.collection_label(entry))} (version "
            f"{escape_markdown(entry['current'])})", icon=":material/database:")
_review.review_section(directory, managed["current"] if managed else None, read_only)  # the dataset chosen above
