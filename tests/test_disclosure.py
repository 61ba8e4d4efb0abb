"""Disclosure control: small bases hidden, complementary suppression, low-base flags."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.stats import disclosure

# (bases, expected hidden, expected low_base), one frame without a partition.
ROW_CASES = {
    "nine is hidden, ten is shown": ([9, 10], [True, False], [False, True]),
    "zero is hidden": ([0, 50], [True, False], [False, False]),
    "29 is low, 30 is not": ([29, 30], [False, False], [True, False]),
    "all large": ([100, 200, 300], [False, False, False], [False, False, False]),
    "hidden rows are not flagged low": ([1, 2, 3], [True, True, True], [False, False, False]),
}


@pytest.mark.parametrize(("bases", "hidden", "low"), list(ROW_CASES.values()), ids=list(ROW_CASES))
def test_small_bases_are_hidden_and_low_bases_flagged(bases: list[int], hidden: list[bool], low: list[bool]) -> None:
    frame = pd.DataFrame({"base_n": bases, "pct": [50.0] * len(bases), "label": list("abcdefg"[: len(bases)])})
    out = disclosure.protect(frame, ["pct"])
    assert out["suppressed"].tolist() == hidden
    assert out["low_base"].tolist() == low
    assert out.loc[out["suppressed"], ["base_n", "pct"]].isna().all().all()
    assert out.loc[~out["suppressed"], "base_n"].tolist() == [b for b, h in zip(bases, hidden, strict=True) if not h]
    assert out["label"].tolist() == frame["label"].tolist()  # other columns untouched


# (partition key per row, bases, expected hidden): complementary suppression within each partition.
PARTITION_CASES = {
    "lone small row hides the next-smallest": (list("aaa"), [5, 20, 40], [True, True, False]),
    "two small rows protect each other": (list("aaa"), [5, 6, 40], [True, True, False]),
    "zero-base rows do not protect": (list("aaaa"), [5, 0, 40, 20], [True, True, False, True]),
    "nothing small, nothing hidden": (list("aaa"), [15, 20, 40], [False, False, False]),
    "each partition on its own": (list("aabb"), [5, 50, 30, 40], [True, True, False, False]),
    "ties: one of the smallest goes": (list("aaa"), [3, 12, 12], [True, True, False]),
    "only one row with answers": (list("aa"), [0, 40], [True, False]),
}


@pytest.mark.parametrize(("keys", "bases", "hidden"), list(PARTITION_CASES.values()), ids=list(PARTITION_CASES))
def test_complementary_suppression_within_a_partition(keys: list[str], bases: list[int], hidden: list[bool]) -> None:
    frame = pd.DataFrame({"k": keys, "base_n": bases, "pct": [10.0 * i for i in range(len(bases))]})
    out = disclosure.protect(frame, ["pct"], partition=["k"])
    assert out["suppressed"].tolist() == hidden
    assert out.loc[out["suppressed"], ["base_n", "pct"]].isna().all().all()
    assert out.loc[~out["suppressed"], "pct"].tolist() == frame.loc[~out["suppressed"], "pct"].tolist()


def test_protect_does_not_change_its_argument() -> None:
    frame = pd.DataFrame({"base_n": [5, 50], "pct": [1.0, 2.0]})
    disclosure.protect(frame, ["pct"])
    assert frame.to_dict("list") == {"base_n": [5, 50], "pct": [1.0, 2.0]}


partitions = st.lists(st.lists(st.integers(0, 60), min_size=1, max_size=8), min_size=1, max_size=6)


@settings(max_examples=150, deadline=None)
@given(partitions)
def test_a_hidden_base_can_never_be_worked_back_from_the_total(groups: list[list[int]]) -> None:
    frame = pd.DataFrame([{"k": f"p{i}", "base_n": b} for i, bases in enumerate(groups) for b in bases])
    out = disclosure.protect(frame.assign(pct=1.0), ["pct"], partition=["k"])
    for i, bases in enumerate(groups):
        if sum(bases) < disclosure.MIN_BASE:
            continue  # the partition total is itself hidden, so nothing can be subtracted from it
        rows = out[out["k"] == f"p{i}"]
        hidden_nonzero = int((rows["suppressed"] & (frame.loc[rows.index, "base_n"] > 0)).sum())
        assert hidden_nonzero != 1, f"partition {bases}: the hidden base is the total minus the shown ones"
        # every base under the threshold is hidden, and whatever is shown is shown exactly
        assert (rows.loc[frame.loc[rows.index, "base_n"] < disclosure.MIN_BASE, "suppressed"]).all()
        shown = rows[~rows["suppressed"]]
        assert shown["base_n"].tolist() == frame.loc[shown.index, "base_n"].astype(float).tolist()
