"""The Data page's named datasets: which one an import goes into, and the stored datasets to rename, archive,
restore, and make the default that new visitors see."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from analysis.ingest import importing
from analysis.model.safe_text import escape_markdown, safe_table
from analysis.storage import store
from analysis.views import datasets, links

INTO = {"new": "A new dataset", "existing": "An existing dataset (another file of the same survey)"}


def import_target(directory: store.Location, file_name: str) -> importing.Target:
    """Where the upload goes: a new dataset with a title, or an imported dataset of the same survey."""
    existing = {e["name"]: datasets.collection_label(e) for e in store.list_collections(directory)
                if not e["manifest"].get("demo")}  # the demo is never mixed with imported data
    into = st.radio("Import into", list(INTO), format_func=INTO.get, horizontal=True, key="import_into",
                    help="Files of different surveys are never merged unless you say so.") if existing else "new"
    if into == "existing":
        chosen = st.selectbox("Dataset to add this file to", list(existing), format_func=existing.get,
                              key="import_dataset")
        return importing.Target(dataset=chosen)
    title = st.text_input("Title of the new dataset", value=Path(file_name).stem, key="import_title", max_chars=120)
    return importing.Target(title=title)


def stored_datasets(directory: store.Location, read_only: bool) -> dict | None:
    """The stored datasets, one chosen to see its versions and provenance, rename, archive or make the default;
    the chosen one (None when there is none)."""
    st.header("Stored datasets")
    st.caption("Each dataset keeps every version an import made. Archiving hides a dataset from the sidebar; its "
               "data are kept and it can be restored. Nothing is deleted here.")
    st.dataframe(safe_table(datasets.datasets_frame(directory)), hide_index=True, width="stretch")
    entries = {e["name"]: e for e in store.list_collections(directory, archived=True)}
    if not entries:
        return None
    default = store.default_collection(directory)
    chosen = st.selectbox("Stored dataset", list(entries), format_func=lambda n: datasets.collection_label(entries[n]),
                          index=list(entries).index(default) if default in entries else 0, key="manage_dataset")
    entry = entries[chosen]
    left, mid, right = st.columns(3)
    if left.button("Make this the default", key="make_default", icon=":material/star:",
                   disabled=read_only or chosen == default or entry["archived"],
                   help="The dataset every new visitor sees first. Imports never change it."):
        _act(lambda: store.set_default(directory, chosen))
    if entry["archived"]:
        if mid.button("Restore", key="restore_dataset", icon=":material/unarchive:", disabled=read_only):
            _act(lambda: store.update_collection(directory, chosen, archived=False))
    elif mid.button("Archive", key="archive_dataset", icon=":material/archive:",
                    disabled=read_only or chosen == default):
        _act(lambda: store.update_collection(directory, chosen, archived=True))
    right.link_button("Open this dataset", links.dataset_url(chosen), icon=":material/open_in_new:",
                      help="Opens the Overview of this dataset in a new tab.")
    with st.form(f"describe_{chosen}", border=False):
        title = st.text_input("Title", value=entry["title"], max_chars=120)
        description = st.text_area("Description", value=entry["description"], max_chars=2000)
        if st.form_submit_button("Save title and description", disabled=read_only):
            _act(lambda: store.update_collection(directory, chosen, title=title, description=description))
    st.subheader("Versions", anchor=False)
    st.dataframe(safe_table(datasets.versions_frame(directory, chosen)), hide_index=True, width="stretch")
    st.subheader("Where the newest version came from", anchor=False)
    st.dataframe(safe_table(datasets.provenance_frame(entry["manifest"])), hide_index=True, width="stretch")
    return entry


def _act(change) -> None:
    """Make a change to the registry, then redraw; a refusal is said plainly."""
    try:
        change()
    except (store.RegistryError, store.NoDataset) as exc:
        st.error(escape_markdown(str(exc)), icon=":material/error:")
        return
    st.rerun()
