"""The Data page's import heading and uploads: the export, a saved mapping, and the files beside it."""

from __future__ import annotations

import streamlit as st

from analysis import cached
from analysis.ingest.importers import budgets
from analysis.views import datasets


def uploads(read_only: bool) -> tuple[object, object, dict[str, tuple[str, bytes] | None]]:
    """The export and saved-mapping uploads, and the side files as {key: (name, bytes) or None}.

    The export is parsed once per visitor (cached.parse_uploads_once), however often the page reruns.
    """
    cached.parse_uploads_once()
    st.header("Import a survey export")
    (st.info if read_only else st.markdown)(datasets.READ_ONLY_NOTE if read_only else datasets.IMPORT_INTRO)
    if read_only:  # a store in object storage: read, never written, by the app
        return None, None, {}
    st.subheader("1. Upload", anchor=False)
    upload = st.file_uploader("Survey export (CSV, XLSX or SPSS .sav)", type=["csv", "xlsx", "sav"],
                              key="export_file", help=f"Up to {budgets.upload_limit_text()} (MB here means "
                                                      "1,048,576 bytes).")
    saved = st.file_uploader("A mapping saved earlier (TOML, optional)", type=["toml"], key="mapping_file")
    beside = {  # the files a mapping names as org_lookup and names_file
        "org_lookup": st.file_uploader("Organisation lookup (CSV, optional: org_lookup in the mapping)",
                                       type=["csv"], key="lookup_file"),
        "names_file": st.file_uploader("Names to redact from free text (text, one a line, optional: names_file)",
                                       type=["txt", "csv"], key="names_file")}
    return upload, saved, {key: f and (f.name, f.getvalue()) for key, f in beside.items()}
