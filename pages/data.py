"""Data: import a survey export with a mapping you review, see where the data came from, choose the dataset."""

import streamlit as st

from analysis import datasets, links, mapping, mapping_table, side_files, store
from analysis.safe_text import safe_table
from analysis.summaries import escape_markdown
from pages import _access, _datasets, _review, _ui, _uploads

_ui.ensure_frame()
st.title("Data")
_access.require_sign_in_for_imports()
now, stored = st.container(), st.container()
read_only = store.is_uri(directory := store.data_dir())  # a store in object storage: read, never written, by the app
upload, saved, beside = _uploads.uploads(read_only)
spec, error = (mapping_table.starting_mapping(upload.getvalue(), upload.name, saved and saved.getvalue(),
                                              saved and saved.name) if upload else (None, ""))
if error:
    st.error(escape_markdown(error), icon=":material/error:")
if spec is not None:
    edit_key = f"{upload.file_id}-{saved.file_id if saved else 'suggested'}"
    choices = {k: st.column_config.SelectboxColumn(k, options=v) for k, v in mapping_table.options(spec).items()}
    choices["value"] = st.column_config.TextColumn("value", width="medium")
    with st.form("mapping_form", border=False):
        st.subheader("Mapping", anchor=False, help="Settings, columns, and answer labels placed on scales.")
        settings, columns, answers = (
            st.data_editor(safe_table(frame(spec)), hide_index=True, width="stretch", column_config=choices,
                           disabled=mapping_table.LOCKED, key=f"{frame.__name__}_{edit_key}")
            for frame in (mapping_table.settings_frame, mapping_table.columns_frame, mapping_table.answers_frame))
        st.form_submit_button("Check the mapping", icon=":material/fact_check:")
    spec = mapping_table.apply(spec, settings, columns, answers)
    st.download_button("Download this mapping (TOML) for next time", mapping.to_toml(spec), icon=":material/download:",
                       file_name=mapping_table.file_name(spec, upload.name), mime="application/toml", on_click="ignore")
    side = side_files.from_uploads(spec, beside)
    target = _datasets.import_target(directory, upload.name)
    report = side.check(upload.getvalue(), upload.name, spec, directory, target=target)
    st.subheader("Preview", anchor=False)
    for col, (label, count) in zip(st.columns(4), datasets.report_counts(report).items(), strict=True):
        col.metric(label, f"{count:,}")
    (st.success if report.ok else st.warning)(escape_markdown(report.message or "Checked."))
    if report.problems:
        st.dataframe(safe_table(datasets.problems_table(report)), hide_index=True)
    for tab, name in zip(st.tabs(list(datasets.PREVIEW_TABLES.values())), datasets.PREVIEW_TABLES, strict=True):
        tab.dataframe(safe_table(report.first_rows(name)), hide_index=True, width="stretch")
    if st.button("Import", type="primary", disabled=not report.ok or report.already_imported, key="import"):
        result = datasets.import_file(upload.getvalue(), upload.name, spec, directory, **side.for_import(),
                                      target=target)
        (st.success if result.ok else st.error)(escape_markdown(result.message))
        if result.problems:
            st.dataframe(safe_table(datasets.problems_table(result)), hide_index=True)
        if result.ok and result.dataset:
            st.link_button(f"Open {escape_markdown(result.dataset_title)}", links.dataset_url(result.dataset),
                           icon=":material/open_in_new:")
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
