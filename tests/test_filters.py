"""The one filter path: parsing a link (what was left out is reported), applying filters to any table, and the
waves a comparison uses."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.model import filters as flt
from analysis.model.filters import Filters


@pytest.mark.parametrize(("params", "waves", "kept", "ignored"), [
    ({"org_type": "acute,hospice"}, (), {"org_type": ("acute", "hospice")}, ()),
    ({"org_type": ["acute", "nonsense"]}, (), {"org_type": ("acute",)}, ("org_type=nonsense",)),
    ({"wave": "2009,1066"}, ("2008", "2009"), {"wave": ("2009",)}, ("wave=1066",)),
    ({"region": " , london ,"}, (), {"region": ("london",)}, ()),
    ({"unknown_key": "x"}, (), {}, ()),
])
def test_a_link_is_parsed_and_what_is_left_out_is_reported(params, waves, kept, ignored) -> None:
    parsed = flt.parse(params, waves=waves)
    assert {k: v for k, v in parsed.items() if v} == kept
    assert parsed.ignored == ignored


ISSUES = pd.DataFrame({"org_type": ["acute", "hospice", "acute"], "wave": ["2008", "2009", "2009"]})


@pytest.mark.parametrize(("view", "rows"), [
    (Filters(), 3),
    (Filters(org_type=("acute",)), 2),
    (Filters(org_type=("acute",), wave=("2009",)), 1),
    (Filters(source=("workshop",)), 3),  # the table has no source: that filter does not apply to it
])
def test_filters_apply_to_any_table_by_the_columns_it_has(view: Filters, rows: int) -> None:
    assert len(flt.apply(ISSUES, view)) == rows


@pytest.mark.parametrize(("waves", "chosen", "expected"), [
    (["2008", "2009", "2010"], (), ("2009", "2010")),
    (["2010", "2008", "2009", "2009"], ("2009",), ("2008", "2009")),
    (["2008", "2009"], ("2008",), (None, "2008")),
    (["2008", "2009"], ("1999",), ("2008", "2009")),  # a wave the data lacks: the latest in the data
    ([], (), (None, None)),
])
def test_the_latest_wave_in_view_and_the_one_before(waves, chosen, expected) -> None:
    assert flt.compared_waves(waves, Filters(wave=chosen)) == expected
