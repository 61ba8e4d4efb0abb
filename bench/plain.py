"""The plain approach the benchmarks compare against: read the long tables and filter and group in pandas
on every rerun, as many dashboards do."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.model.filters import Filters
from analysis.storage import store


def _long(directory: Path, filters: Filters, with_groups: bool = False) -> pd.DataFrame:
    read = {name: store.read_table(directory, name) for name in
            ("answers", "respondents", "organisations", "questions", "scale_levels", "memberships")}
    frame = (read["answers"].merge(read["respondents"], on="respondent_id")
             .merge(read["organisations"], on="org_id")
             .merge(read["questions"], on="question_id")
             .merge(read["scale_levels"], on=["scale_id", "level_id"]))
    for key, values in filters.items():
        if values:
            frame = frame[frame[key].isin(values)]
    frame = frame[(frame["measure"] == "influence") & frame["substantive"].astype(bool)]
    if with_groups:
        frame = frame.merge(read["memberships"], on="respondent_id")
    return frame


def _shares(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    return frame.groupby(by, observed=True).agg(base_n=("positive", "size"), positive_pct=("positive", "mean"))


def page_numbers(page: str, directory: Path, filters: Filters) -> list[pd.DataFrame]:
    """The headline numbers of a page, computed the plain way."""
    if page in ("overview", "domains"):
        return [_shares(_long(directory, filters), ["domain"])]
    if page == "groups":
        return [_shares(_long(directory, filters, with_groups=True), ["group_id", "domain"])]
    return [_shares(_long(directory, filters), ["org_type", "domain"]), _shares(_long(directory, filters),
                                                                               ["org_type"])]
