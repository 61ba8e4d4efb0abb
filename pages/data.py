"""Data: import a survey export with a mapping you review, see where the data came from, choose the dataset."""

import streamlit as st

from analysis import datasets, mapping, mapping_table, side_files, store
from analysis.safe_text import safe_table
from analysis.summaries import escape_markdown
from pages import _access, _review, _ui, _uploads

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
    report = side.check(upload.getvalue(), upload.name, spec, directory)
    st.subheader("Preview", anchor=False)
    for col, (label, count) in zip(st.columns(4), datasets.report_counts(report).items(), strict=True):
        col.metric(label, f"{count:,}")
    (st.success if report.ok else st.warning)(escape_markdown(report.message or "Checked."))
    if report.problems:
        st.dataframe(safe_table(datasets.problems_table(report)), hide_index=True)
    for tab, name in zip(st.tabs(list(datasets.PREVIEW_TABLES.values())), datasets.PREVIEW_TABLES, strict=True):
        tab.dataframe(safe_table(report.first_rows(name)), hide_index=True, width="stretch")
    if st.button("Import", type="primary", disabled=not report.ok or report.already_imported, key="import"):
        result = datasets.import_file(upload.getvalue(), upload.name, spec, directory, **side.for_import())
        (st.success if result.ok else st.error)(escape_markdown(result.message))
        if result.problems:
            st.dataframe(safe_table(datasets.problems_table(result)), hide_index=True)
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
