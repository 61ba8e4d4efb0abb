"""The guided import on the Data page: upload; what the survey is; its questions in groups; a preview of the
charts and every problem; import. The step logic is in analysis/views/import_steps.py; this draws it."""

from __future__ import annotations

import hashlib

import streamlit as st

from analysis.ingest import mapping, mapping_table, side_files
from analysis.model import vocab
from analysis.model.safe_text import escape_markdown, safe_table
from analysis.views import datasets, import_steps, links
from analysis.views.import_steps import FIXED, Survey
from pages import _datasets, _uploads

NO_COLUMN = "(the same for every response)"


def _choice(label: str, options: dict[str, str], value: str, key: str, **kwargs: object) -> str:
    keys = list(options)
    return st.selectbox(label, keys, index=keys.index(value) if value in keys else None, format_func=options.get,
                        key=key, **kwargs) or ""


def _survey_step(spec: dict, key: str) -> dict:
    st.subheader("2. What this survey is", anchor=False)
    now = import_steps.survey(spec)
    sources = {"": "Choose...", **vocab.SOURCES}
    left, right = st.columns(2)
    with left:
        source = _choice("Where the answers come from", sources, now.source or "patient_survey", f"source_{key}")
    wave_cols = {FIXED: NO_COLUMN, **{c: c for c in import_steps.candidate_columns(spec, "wave")}}
    with right:
        wave_column = _choice("Wave (year of collection) from a column", wave_cols, now.wave_column,
                              f"wave_col_{key}", help="A date or timestamp column gives each answer's year.")
        wave = now.wave if wave_column else st.text_input("Wave (year of collection)", now.wave, key=f"wave_{key}",
                                                          placeholder="e.g. 2025")
    org_cols = {FIXED: NO_COLUMN, **{c: c for c in import_steps.candidate_columns(spec, "organisation")}}
    types = {"": "From the lookup file or the ODS code", **vocab.ORG_TYPE_LABELS}
    left, right = st.columns(2)
    with left:
        org_column = _choice("Organisation from a column (a name, id or NHS ODS code)", org_cols, now.org_column,
                             f"org_col_{key}")
        organisation = now.organisation if org_column else st.text_input(
            "Organisation (its name or ODS code)", now.organisation, key=f"org_{key}")
    with right:
        org_type = _choice("Organisation type", types, now.org_type, f"org_type_{key}")
        region = st.text_input("Region (optional)", now.region, key=f"region_{key}")
    return import_steps.apply_survey(spec, Survey(source, wave, wave_column, org_column, organisation, org_type,
                                                  region))


def _own_parts(spec: dict, labels: dict[str, list[str]], key: str) -> dict:
    """The scales and measures a person made in this session, added to the mapping, and each made scale put
    on the question it was made for."""
    own = st.session_state.setdefault(f"own_{key}", {"scales": {}, "measures": {}, "group_scale": {}})
    return import_steps.with_own(spec, own, labels)


def _questions_step(spec: dict, labels: dict[str, list[str]], key: str) -> dict:
    st.subheader("3. The questions", anchor=False)
    table = import_steps.groups(spec)
    if table.empty:
        st.info("No column of this file has answers on a scale. Set roles under 'Every column' below.")
        return spec
    st.caption("One row per question or matrix of questions. Tick the ones to import and check the scale and "
               "measure found for each: the measure gives the charts their words, e.g. '% agree or strongly agree'.")
    scale_options, measure_options = import_steps.scale_choices(spec), import_steps.measure_choices(spec)
    config = {
        "group": st.column_config.TextColumn("Question", disabled=True),
        "include": st.column_config.CheckboxColumn("Import"),
        "questions": st.column_config.NumberColumn("Columns", disabled=True),
        "example": st.column_config.TextColumn("Wording", disabled=True, width="large"),
        "scale": st.column_config.SelectboxColumn("Scale", options=list(scale_options), required=True,
                                                  format_func=lambda v: scale_options.get(v, v)),
        "measure": st.column_config.SelectboxColumn("Measure", options=list(measure_options), required=True,
                                                    format_func=lambda v: measure_options.get(v, v)),
    }
    edited = st.data_editor(safe_table(table), hide_index=True, width="stretch", column_config=config,
                            key=f"groups_{key}_{len(scale_options)}_{len(measure_options)}")
    edited = edited.assign(group=table["group"].to_numpy(), example=table["example"].to_numpy())  # shown safely
    spec = import_steps.apply_groups(spec, edited, labels)
    with st.expander("Make or change a scale, or name a measure of your own", key=f"scale_box_{key}"):
        _scale_maker(spec, labels, key)
    return spec


def _scale_maker(spec: dict, labels: dict[str, list[str]], key: str) -> None:
    own = st.session_state[f"own_{key}"]
    names = list(import_steps.groups(spec)["group"])
    group = st.selectbox("Question", names, key=f"scale_group_{key}")
    columns = import_steps.group_columns(spec, group) if group else []
    answers = list(dict.fromkeys(a for c in columns for a in labels.get(c, spec["columns"][c].get("answers", {}))))
    scale_id = str(spec["columns"][columns[0]].get("scale", "")) if columns else ""
    new_id = mapping.slug(f"{group}_scale", 40) if scale_id in vocab.SCALES or not scale_id else scale_id
    name = st.text_input("Name of the scale", spec.get("scales", {}).get(new_id, {}).get("label", group or ""),
                         key=f"scale_name_{key}_{group}")
    st.caption("Order the answers from lowest (1) to highest, tick the positive ones, and tick 'no answer' for "
               "answers such as Don't know or N/A (left out of percentages).")
    levels = import_steps.levels_frame(spec, scale_id, answers)
    rows = st.data_editor(safe_table(levels), hide_index=True, width="stretch", disabled=["answer"],
                          key=f"levels_{key}_{group}_{scale_id}").assign(answer=levels["answer"].to_numpy())
    if st.button("Use this scale for the question", key=f"save_scale_{key}", disabled=not answers):
        made, problems = import_steps.save_scale(spec, new_id, name, rows)
        if problems:
            st.error(escape_markdown("; ".join(problems).capitalize() + "."))
        else:
            own["scales"][new_id] = made["scales"][new_id]
            own["group_scale"][group] = new_id  # the question moves to the new scale on the rerun
            st.session_state.pop(f"groups_{key}_{len(import_steps.scale_choices(spec))}_"
                                 f"{len(import_steps.measure_choices(spec))}", None)
            st.rerun()
    label = st.text_input("A measure of your own (what the question asks, e.g. 'Trust in the service')",
                          key=f"measure_name_{key}")
    if st.button("Add this measure", key=f"add_measure_{key}", disabled=not label.strip()):
        made, measure_id = import_steps.add_measure(spec, label)
        if measure_id:
            own["measures"][measure_id] = made["measures"][measure_id]
            st.rerun()


def _advanced(spec: dict, key: str) -> dict:
    choices = {k: st.column_config.SelectboxColumn(k, options=v) for k, v in mapping_table.options(spec).items()}
    choices["value"] = st.column_config.TextColumn("value", width="medium")
    box = st.expander("Every column and answer (advanced): roles, question ids, each answer's level",
                      key=f"advanced_{key}")
    with box, st.form(f"mapping_form_{key}", border=False):
        settings, columns, answers = (
            st.data_editor(safe_table(frame(spec)), hide_index=True, width="stretch", column_config=choices,
                           disabled=mapping_table.LOCKED, key=f"{frame.__name__}_{key}")
            for frame in (mapping_table.settings_frame, mapping_table.columns_frame, mapping_table.answers_frame))
        st.form_submit_button("Check the mapping", icon=":material/fact_check:")
    return mapping_table.apply(spec, settings, columns, answers)


def guided_import(directory: object, read_only: bool) -> None:
    """The import section of the Data page, step by step."""
    from pages._ui import show_panel

    upload, saved, beside = _uploads.uploads(read_only)  # step 1; the export parsed once per visitor
    if upload is None:
        return
    spec, error = mapping_table.starting_mapping(upload.getvalue(), upload.name, saved and saved.getvalue(),
                                                 saved and saved.name)
    if error:
        st.error(escape_markdown(error), icon=":material/error:")
    if spec is None:
        return
    key = hashlib.sha256(f"{upload.file_id}-{saved.file_id if saved else 'suggested'}".encode()).hexdigest()[:12]
    for item in spec.get("import", {}).get("_renamed", []):
        st.caption(escape_markdown(f"Column renamed so each has its own name: {item}"))
    labels = import_steps.read_labels(upload.getvalue(), upload.name)
    spec = _own_parts(spec, labels, key)
    spec = _survey_step(spec, key)
    if beside.get("org_lookup"):
        spec["import"]["org_lookup"] = beside["org_lookup"][0]
    if beside.get("names_file"):
        spec["import"]["names_file"] = beside["names_file"][0]
    side = side_files.from_uploads(spec, beside)  # a file the mapping names but that is missing refuses the import
    spec = _questions_step(spec, labels, key)
    spec = _advanced(spec, key)
    st.download_button("Download this mapping (TOML) for next time or the command line", mapping.to_toml(spec),
                       icon=":material/download:", file_name=mapping_table.file_name(spec, upload.name),
                       mime="application/toml", on_click="ignore")
    target = _datasets.import_target(directory, upload.name)
    st.subheader("4. Preview", anchor=False)
    report = side.check(upload.getvalue(), upload.name, spec, directory, target=target)
    for col, (label, count) in zip(st.columns(4), datasets.report_counts(report).items(), strict=True):
        col.metric(label, f"{count:,}")
    (st.success if report.ok else st.warning)(escape_markdown(report.message or "Checked."))
    if report.problems:
        st.dataframe(safe_table(datasets.problems_table(report)), hide_index=True)
    for panel in import_steps.preview_panels(report):
        show_panel(panel)
    with st.expander("The rows as they would be stored", key=f"rows_{key}"):
        for tab, name in zip(st.tabs(list(datasets.PREVIEW_TABLES.values())), datasets.PREVIEW_TABLES, strict=True):
            tab.dataframe(safe_table(report.first_rows(name)), hide_index=True, width="stretch")
    st.subheader("5. Import", anchor=False)
    if st.button("Import", type="primary", disabled=not report.ok or report.already_imported, key="import"):
        result = datasets.import_file(upload.getvalue(), upload.name, spec, directory, side.options(target))
        (st.success if result.ok else st.error)(escape_markdown(result.message))
        if result.problems:
            st.dataframe(safe_table(datasets.problems_table(result)), hide_index=True)
        if result.ok and result.dataset:
            st.link_button(f"Open {escape_markdown(result.dataset_title)}", links.dataset_url(result.dataset),
                           icon=":material/open_in_new:")
