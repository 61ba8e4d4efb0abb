"""The cached queries: the one module in analysis/ that imports Streamlit.

Caches are keyed by small arguments only (data directory, dataset id, filter values), never by frames.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from analysis.evidence import actions, queries
from analysis.evidence import voices as voices_mod
from analysis.ingest import review
from analysis.model.filters import Filters
from analysis.storage import store
from analysis.views import overview, panels, registry

if TYPE_CHECKING:
    import pandas as pd

    from analysis.storage.store import Location

FilterItems = tuple[tuple[str, tuple[str, ...]], ...]


@st.cache_resource(max_entries=4, show_spinner=False)
def cube(data_dir: str, dataset_id: str) -> queries.Cube:
    """A dataset's count tables, loaded once per dataset and shared by every session."""
    return queries.load_cube(store.data_dir(data_dir), dataset_id)


def sources(data_dir: str, dataset_id: str, review_version: str = "") -> registry.Sources:
    """A dataset's panel sources, each loaded once per dataset (stories: per review decision) and shared."""
    return {registry.CUBE: lambda: cube(data_dir, dataset_id),
            registry.ACTIONS: lambda: action_data(data_dir, dataset_id),
            registry.VOICES: lambda: voices(data_dir, dataset_id, review_version)}


def review_version(page: str, data_dir: str, dataset_id: str) -> str:
    """What a page's charts depend on beyond the dataset: the review decisions, for pages that count stories."""
    return review.version(store.data_dir(data_dir), dataset_id) if registry.VOICES in registry.PAGES[page].sources \
        else ""


@st.cache_data(max_entries=512, show_spinner=False)
def page_panels(page: str, data_dir: str, dataset_id: str, filter_items: FilterItems,
                review_version: str = "") -> list[panels.Panel]:
    """The panels of a page for one view of one dataset (and, for stories, one state of the review)."""
    return registry.page_panels(page, sources(data_dir, dataset_id, review_version), Filters(**dict(filter_items)))


@st.cache_resource(max_entries=4, show_spinner=False)
def voices(data_dir: str, dataset_id: str, review_version: str = "") -> voices_mod.Voices:
    """A dataset's stories, loaded once per dataset and review decision (review.version) and shared by every session."""
    return voices_mod.load_voices(store.data_dir(data_dir), dataset_id)


@st.cache_resource(max_entries=4, show_spinner=False)
def flagged_stories(data_dir: str, dataset_id: str) -> pd.DataFrame:
    """A dataset's stories with the redaction's doubts (review.flag), worked out once per dataset."""
    return review.flag(store.read_table(store.data_dir(data_dir), "stories", dataset_id))


@st.cache_resource(max_entries=4, show_spinner=False)
def action_data(data_dir: str, dataset_id: str) -> actions.ActionData:
    """A dataset's actions, action groups and self-assessments, loaded once per dataset and shared by every session."""
    return actions.load(store.data_dir(data_dir), dataset_id)


@st.cache_data(max_entries=512, show_spinner=False)
def headline_facts(data_dir: str, dataset_id: str, filter_items: FilterItems) -> overview.Facts:
    """The Overview page's headline numbers for one view of one dataset."""
    return overview.headline_facts(cube(data_dir, dataset_id), Filters(**dict(filter_items)))


def parse_uploads_once() -> None:
    """The Data page's upload is parsed once per visitor and kept (in session state, keyed by its SHA-256),
    not parsed again on every rerun; only the last file is kept."""
    from analysis.ingest import importers

    importers.remember_in(st.session_state.setdefault("_parsed_upload", {}))


def warm(directory: Location) -> list[str]:
    """Load the current dataset (its count tables, actions and stories) and draw every page's unfiltered view
    into the caches, so that the first visitor to any page waits for neither; the pages warmed. Does nothing
    when there is no dataset yet."""
    from analysis.model import filters as flt

    if not store.has_dataset(directory):
        return []
    dataset_id = store.current_id(directory)
    data = cube(str(directory), dataset_id)
    items = tuple(flt.parse({}, waves=data.waves).items())
    headline_facts(str(directory), dataset_id, items)
    for page in registry.PAGES:
        page_panels(page, str(directory), dataset_id, items, review_version(page, str(directory), dataset_id))
    return list(registry.PAGES)


@st.cache_data(max_entries=512, show_spinner=False)
def data_findings(data_dir: str, dataset_id: str, filter_items: FilterItems) -> list[str]:
    """The Overview page's headline findings from the dataset's own numbers, for one view."""
    return overview.data_findings(cube(data_dir, dataset_id), Filters(**dict(filter_items)))
