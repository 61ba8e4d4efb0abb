"""Links that reproduce a view: every filter plus the dataset they were made from."""

from __future__ import annotations

from urllib.parse import urlencode

from analysis.model.filters import Filters

DATASET_PARAM = "dataset"  # the named dataset (older links carried a version token here; still understood)
VERSION_PARAM = "version"  # the version's short content hash, so a copied link reopens the same data
TOKEN_LENGTH = 12


def dataset_token(manifest: dict) -> str:
    """The short dataset hash a link carries (first 12 characters of the manifest's dataset_hash)."""
    return str(manifest.get("dataset_hash", ""))[:TOKEN_LENGTH]


def view_query(filters: Filters, manifest: dict) -> str:
    """The query string of a view, e.g. 'sector=nhs&region=london&dataset=demo&version=b7f15735040f' (without
    a dataset name, as from before datasets were named: 'dataset=b7f15735040f')."""
    named = manifest.get("dataset_name")
    where = [(DATASET_PARAM, named), (VERSION_PARAM, dataset_token(manifest))] if named else [
        (DATASET_PARAM, dataset_token(manifest))]
    return urlencode([*((k, v) for k, values in filters.as_query().items() for v in values), *where])


def view_link(page_url: str, filters: Filters, manifest: dict) -> str:
    """The page's address (absolute or relative) with the view's filters and dataset."""
    return f"{page_url.split('?')[0]}?{view_query(filters, manifest)}"


def legacy_version(linked: str | None) -> str | None:
    """The version token a link from before datasets were named carried in ?dataset= (hex, at least
    TOKEN_LENGTH long), else None: a dataset's name is never one."""
    text = str(linked or "")
    return text if len(text) >= TOKEN_LENGTH and all(c in "0123456789abcdef" for c in text) else None


def dataset_url(name: str) -> str:
    """A relative link to the Overview of a named dataset (from any page served at the app's top level)."""
    return "./?" + urlencode({DATASET_PARAM: name})


def dataset_mismatch(requested: str | None, manifest: dict) -> str | None:
    """A plain warning when a link was made from another dataset than the one shown; None when they agree."""
    current = dataset_token(manifest)
    if not requested or requested.strip()[:TOKEN_LENGTH] == current:
        return None
    return (f"This link was made from dataset {requested.strip()[:TOKEN_LENGTH]}, but the dataset here is now "
            f"{current}. The filters are the same, but the numbers may differ from the ones the link's "
            "author saw.")
