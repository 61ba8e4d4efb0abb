"""Percentages, intervals and comparisons, checked against statsmodels and hand-computed frames."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportion_confint, proportions_ztest

from analysis.stats import metrics

COUNTS = [(0, 1), (1, 1), (0, 10), (10, 10), (1, 10), (3, 7), (50, 100), (1, 1000), (999, 1000), (123, 456)]


@pytest.mark.parametrize(("k", "n"), COUNTS)
def test_wilson_interval_matches_statsmodels(k: int, n: int) -> None:
    low, high = metrics.wilson_interval(np.array([k]), np.array([n]))
    want_low, want_high = proportion_confint(k, n, alpha=0.05, method="wilson")
    assert low[0] == pytest.approx(want_low, abs=1e-12)
    assert high[0] == pytest.approx(want_high, abs=1e-12)


def test_wilson_interval_works_on_arrays() -> None:
    ks, ns = zip(*COUNTS, strict=True)
    low, high = metrics.wilson_interval(np.array(ks), np.array(ns))
    want = [proportion_confint(k, n, method="wilson") for k, n in COUNTS]
    np.testing.assert_allclose(low, [w[0] for w in want], atol=1e-12)
    np.testing.assert_allclose(high, [w[1] for w in want], atol=1e-12)


@pytest.mark.parametrize(("k", "n"), [(0, 0), (0, -1)])
def test_wilson_interval_is_nan_without_a_base(k: int, n: int) -> None:
    low, high = metrics.wilson_interval(np.array([k]), np.array([n]))
    assert np.isnan(low[0]) and np.isnan(high[0])


@pytest.mark.parametrize(("k", "n"), COUNTS)
def test_exact_interval_matches_statsmodels_beta(k: int, n: int) -> None:
    low, high = metrics.exact_interval(np.array([k]), np.array([n]))
    want_low, want_high = proportion_confint(k, n, alpha=0.05, method="beta")
    assert low[0] == pytest.approx(want_low, abs=1e-10)
    assert high[0] == pytest.approx(want_high, abs=1e-10)


def test_exact_interval_works_on_arrays_and_counts_given_as_floats() -> None:
    k, n = zip(*COUNTS, strict=True)
    low, high = metrics.exact_interval(np.array(k) * (1 + 1e-12), np.array(n, dtype=float))  # 3 * 1.0000000001
    for i, (ki, ni) in enumerate(COUNTS):
        want_low, want_high = proportion_confint(ki, ni, alpha=0.05, method="beta")
        assert (low[i], high[i]) == (pytest.approx(want_low, abs=1e-10), pytest.approx(want_high, abs=1e-10))


def test_the_metrics_need_no_scipy() -> None:
    import subprocess
    import sys

    code = ("import sys, numpy as np; from analysis.stats import metrics; metrics.exact_interval([3], [7]); "
            "metrics.compare_shares(np.array([.5]), np.array([9.]), np.array([.4]), np.array([9.])); "
            "print('scipy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False", "scipy's import costs more than a page's charts"


def test_exact_interval_is_nan_without_organisations() -> None:
    low, high = metrics.exact_interval(np.array([0, 3]), np.array([0, 5]))
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert 0 < low[1] < 0.6 < high[1] < 1


def _cells(rows: list[tuple]) -> pd.DataFrame:
    """Answer-level cells from (group, level_order, positive, substantive, weights of each answer)."""
    return pd.DataFrame([
        {"g": g, "level_order": order, "positive": pos, "substantive": sub, "n": len(w),
         "sum_w": float(sum(w)), "sum_w2": float(sum(x * x for x in w))}
        for g, order, pos, sub, w in rows
    ])


# (cells, base_n, excluded_n, positive_n, positive share, Kish effective base, mean score), computed by hand.
SHARE_CASES = {
    "unweighted": (
        [("a", 3, True, True, [1, 1, 1]), ("a", 0, False, True, [1, 1]), ("a", -1, False, False, [1])],
        5, 1, 3, 3 / 5, 5.0, (3 * 3 + 0 * 2) / 5,
    ),
    "weighted": (
        [("a", 3, True, True, [1, 3]), ("a", 0, False, True, [2]), ("a", -1, False, False, [1, 1, 1, 1, 1])],
        3, 5, 2, 4 / 6, 6**2 / (1 + 9 + 4), (4 * 3 + 2 * 0) / 6,
    ),
    "non-substantive answers never count as positive": (
        [("a", 2, True, True, [2, 2]), ("a", 1, False, True, [1, 1]), ("a", -1, True, False, [5, 5])],
        4, 2, 2, 4 / 6, 36 / 10, (4 * 2 + 2 * 1) / 6,
    ),
    "equal weights give the unweighted base": (
        [("a", 2, True, True, [2, 2]), ("a", 1, False, True, [2, 2, 2]), ("a", 0, False, True, [2])],
        6, 0, 2, 4 / 12, 6.0, (4 * 2 + 6 * 1 + 2 * 0) / 12,
    ),
}


@pytest.mark.parametrize(("rows", "base", "excluded", "pos_n", "share", "n_eff", "mean"),
                         list(SHARE_CASES.values()), ids=list(SHARE_CASES))
def test_positive_share_uses_the_kish_effective_base(rows, base, excluded, pos_n, share, n_eff, mean) -> None:
    out = metrics.positive_share(_cells(rows), ["g"]).iloc[0]
    assert out["base_n"] == base
    assert out["excluded_n"] == excluded
    assert out["positive_n"] == pos_n
    assert out["positive_pct"] == pytest.approx(100 * share)
    assert out["effective_n"] == pytest.approx(n_eff)
    assert out["mean_score"] == pytest.approx(mean)
    want_low, want_high = proportion_confint(share * n_eff, n_eff, method="wilson")
    assert out["ci_low_pct"] == pytest.approx(100 * want_low)
    assert out["ci_high_pct"] == pytest.approx(100 * want_high)


def test_positive_share_gives_one_row_per_group() -> None:
    cells = _cells([("a", 3, True, True, [1] * 4), ("b", 0, False, True, [1] * 2), ("b", 3, True, True, [1] * 2)])
    out = metrics.positive_share(cells, ["g"]).set_index("g")
    assert out["positive_pct"].to_dict() == {"a": 100.0, "b": 50.0}
    assert out["base_n"].to_dict() == {"a": 4, "b": 4}


def test_positive_share_without_substantive_answers_is_nan() -> None:
    out = metrics.positive_share(_cells([("a", -1, False, False, [1, 1])]), ["g"]).iloc[0]
    assert out["base_n"] == 0 and out["excluded_n"] == 2
    assert math.isnan(out["positive_pct"]) and math.isnan(out["ci_low_pct"])


# (p1, n1, p2, n2, verdict)
VERDICTS = [
    (0.60, 500, 0.40, 500, "better"),
    (0.40, 500, 0.60, 500, "worse"),
    (0.52, 100, 0.50, 100, "about the same"),
    (0.50, 20, 0.30, 20, "about the same"),   # a big gap on small bases is not significant
    (0.50, 2000, 0.45, 2000, "better"),       # a small gap on big bases is
    (0.0, 50, 0.0, 50, "about the same"),      # no variation at all: no evidence of a difference
    (np.nan, 50, 0.5, 50, "not compared"),    # hidden subgroup
    (0.5, 50, np.nan, 50, "not compared"),
    (0.5, 0, 0.5, 50, "not compared"),
    (0.5, 50, 0.5, 0, "not compared"),
]


@pytest.mark.parametrize(("p1", "n1", "p2", "n2", "verdict"), VERDICTS)
def test_compare_shares_verdicts(p1: float, n1: float, p2: float, n2: float, verdict: str) -> None:
    got, p_value = metrics.compare_shares(np.array([p1]), np.array([n1]), np.array([p2]), np.array([n2]))
    assert got[0] == verdict
    if verdict == "not compared":
        assert np.isnan(p_value[0])
    elif 0 < p1 < 1 or 0 < p2 < 1:
        _, want = proportions_ztest([p1 * n1, p2 * n2], [n1, n2])
        assert p_value[0] == pytest.approx(want)
        assert p_value.dtype == float


def test_compare_shares_works_on_arrays() -> None:
    p1, n1, p2, n2, want = (np.array(col) for col in zip(*VERDICTS, strict=True))
    got, _ = metrics.compare_shares(p1.astype(float), n1.astype(float), p2.astype(float), n2.astype(float))
    assert list(got) == list(want)
