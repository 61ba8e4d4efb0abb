"""Disclosure control across the views a page shows together: a hidden base is never the only unknown
in any total that another chart on the same page reveals."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.evidence import queries
from analysis.model.filters import Filters
from analysis.stats import metrics

# Views narrow enough that some results are hidden (the test fails if none of them hides anything).
VIEWS = [
    Filters(region=("london",)),
    Filters(region=("north_east",), source=("workshop",)),
    Filters(source=("users_group_survey",)),
    Filters(region=("south_west",), sector=("independent",)),
    Filters(source=("interview",)),
]


def _lone_hidden(frame: pd.DataFrame, raw: pd.DataFrame, keys: list[str], by: list[str]) -> list[tuple]:
    """Partitions (by `by`) in which exactly one row with answers is hidden."""
    merged = frame[[*keys, "suppressed"]].merge(raw[[*keys, "base_n"]], on=keys)
    lone = []
    for name, part in merged.groupby(by):
        if int((part["suppressed"] & (part["base_n"] > 0)).sum()) == 1:
            lone.append(name)
    return lone


@pytest.mark.parametrize("view", VIEWS, ids=str)
def test_org_type_by_domain_has_no_lone_hidden_cell_either_way(demo_cube: queries.Cube, view: Filters) -> None:
    shown = queries.org_type_by_domain(demo_cube, view)
    raw = metrics.positive_share(queries._cells(demo_cube, view), ["org_type", "domain"])
    keys = ["org_type", "domain"]
    assert _lone_hidden(shown, raw, keys, ["domain"]) == []
    assert _lone_hidden(shown, raw, keys, ["org_type"]) == []


@pytest.mark.parametrize("view", VIEWS, ids=str)
def test_a_hidden_org_type_cannot_be_worked_back_from_the_others(demo_cube: queries.Cube, view: Filters) -> None:
    shown = queries.org_type_against_rest(demo_cube, view)
    hidden = shown[shown["suppressed"]]
    # base + everyone else's base gives the total for any shown type; the hidden ones must then be at
    # least two (with answers), so their bases cannot be told apart from the total less the shown ones.
    raw = metrics.positive_share(queries._cells(demo_cube, view), ["org_type"]).set_index("org_type")
    with_answers = [t for t in hidden["subgroup"] if raw.loc[t, "base_n"] > 0]
    assert len(with_answers) != 1
    assert hidden["rest_base_n"].isna().all(), "a hidden type's everyone-else base would reveal it"


@pytest.mark.parametrize("view", VIEWS, ids=str)
def test_group_heatmap_has_no_lone_hidden_domain_within_a_group(demo_cube: queries.Cube, view: Filters) -> None:
    shown = queries.group_by_domain(demo_cube, view)
    raw = metrics.positive_share(queries._cells(demo_cube, view, group=None), ["group_id", "domain"])
    assert _lone_hidden(shown, raw, ["group_id", "domain"], ["group_id"]) == []


def test_the_views_above_do_hide_something(demo_cube: queries.Cube) -> None:
    hidden = sum(int(queries.org_type_by_domain(demo_cube, v)["suppressed"].sum()) for v in VIEWS)
    hidden += sum(int(queries.group_by_domain(demo_cube, v)["suppressed"].sum()) for v in VIEWS)
    assert hidden > 0
    assert np.isfinite(hidden)
