"""Percentages with bases and intervals, mean scores, and comparisons of a subgroup against the rest."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from analysis.stats import disclosure

Z95 = 1.959963984540054

METHOD_NOTE = (
    "Percentage positive is the share of substantive answers at the top two levels of the scale "
    "(\"some\" or \"a lot\" of influence). Don't know and Not applicable are left out of the base and "
    "counted separately. Intervals are 95% Wilson score intervals (on the Kish effective base when "
    f"answers are weighted). Results on {disclosure.FEWER_THAN_MIN} answers are hidden, with the next-smallest "
    f"result hidden too where a total would reveal them; bases under {disclosure.LOW_BASE} are flagged as low."
)
COMPARISON_TEST = ("two-sided two-proportion z-test at the 5% level, on effective bases, of the subgroup "
                   "against everyone else in the current view")


def wilson_interval(positive: np.ndarray, n: np.ndarray, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """95% Wilson score interval for a proportion positive/n (NaN where n is 0); works on arrays."""
    positive = np.asarray(positive, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = positive / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    empty = n <= 0
    return np.where(empty, np.nan, low), np.where(empty, np.nan, high)


def _binomial_quantile_p(k: np.ndarray, n: np.ndarray, q: float) -> np.ndarray:
    """For whole k in 1..n: the p at which P(Binomial(n, p) >= k) = q, i.e. the beta quantile B(q; k, n-k+1)
    that Clopper-Pearson needs, by bisection on the binomial tail (numpy only: scipy's import would cost
    more than every chart of a page)."""
    k, n = k.astype(np.int64), n.astype(np.int64)
    top = int(n.max(initial=1))
    log_fact = np.concatenate([[0.0], np.cumsum(np.log(np.arange(1, top + 1)))])
    i = np.arange(top + 1)
    log_choose = log_fact[n][:, None] - log_fact[i][None, :] - log_fact[np.clip(n[:, None] - i, 0, None)]
    upper = (i[None, :] >= k[:, None]) & (i[None, :] <= n[:, None])
    low, high = np.zeros(len(k)), np.ones(len(k))
    for _ in range(64):  # each halves the bracket: 2^-64 is below a double's resolution near any quantile
        p = (low + high) / 2
        terms = log_choose + i * np.log(p)[:, None] + (n[:, None] - i) * np.log1p(-p)[:, None]
        tail = np.where(upper, np.exp(np.where(upper, terms, 0.0)), 0.0).sum(axis=1)
        below = tail < q
        low, high = np.where(below, p, low), np.where(below, high, p)
    return (low + high) / 2


def exact_interval(successes: np.ndarray, n: np.ndarray, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Clopper-Pearson exact interval, for counts of organisations (NaN where n is 0)."""
    # Counts can arrive as floats (a share times its base): round them to the whole numbers they are.
    k = np.round(np.asarray(successes, dtype=float))
    n = np.round(np.asarray(n, dtype=float))
    ok = (n > 0) & np.isfinite(n) & np.isfinite(k)
    k, n = np.where(ok, k, 0), np.where(ok, n, 1)
    low = np.zeros(len(k) if k.ndim else 1)
    high = np.ones_like(low)
    k, n = np.atleast_1d(k), np.atleast_1d(n)
    some, not_all = k > 0, k < n
    if some.any():
        low[some] = _binomial_quantile_p(k[some], n[some], alpha / 2)
    if not_all.any():  # the upper end: where P(X >= k + 1) reaches 1 - alpha/2
        high[not_all] = _binomial_quantile_p(k[not_all] + 1, n[not_all], 1 - alpha / 2)
    return np.where(np.atleast_1d(ok), low, np.nan), np.where(np.atleast_1d(ok), high, np.nan)


_erfc = np.frompyfunc(math.erfc, 1, 1)  # the normal tail without importing scipy


SUM_COLS = ["base_n", "excluded_n", "w", "w2", "w_pos", "n_pos", "w_score"]


def share_sums(cells: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """One row per `by` group of answer-level cells (one row in all when `by` is empty): the sums that
    positive_share turns into percentages. They add up, so sums for "everyone else" are everyone's less a
    subgroup's.

    `cells` has columns n, sum_w, sum_w2, positive, substantive, level_order (as in agg_answers).
    """
    sub = cells["substantive"].to_numpy(dtype=bool, na_value=False)
    pos = cells["positive"].to_numpy(dtype=bool, na_value=False) & sub
    n = cells["n"].to_numpy(dtype=float)
    w = cells["sum_w"].to_numpy(dtype=float)
    # Only the grouping columns and the sums: copying the whole cell table would cost more than the sums.
    frame = pd.DataFrame({**{col: cells[col] for col in by},
                          "base_n": np.where(sub, n, 0.0), "excluded_n": np.where(sub, 0.0, n),
                          "w": np.where(sub, w, 0.0), "w2": np.where(sub, cells["sum_w2"].to_numpy(dtype=float), 0.0),
                          "w_pos": np.where(pos, w, 0.0), "n_pos": np.where(pos, n, 0.0),
                          "w_score": np.where(sub, w * cells["level_order"].to_numpy(dtype=float), 0.0)},
                         index=cells.index)
    if not by:
        return frame.sum().to_frame().T
    return frame.groupby(by, as_index=False, observed=True, dropna=False).sum()


def shares(totals: pd.DataFrame) -> pd.DataFrame:
    """The share_sums frame as bases, left-out counts, % positive with 95% Wilson interval and mean score."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = totals["w_pos"] / totals["w"]
        n_eff = totals["w"] ** 2 / totals["w2"]
        low, high = wilson_interval(share * n_eff, n_eff)
        mean = totals["w_score"] / totals["w"]
    return totals.assign(
        base_n=totals["base_n"].round().astype(np.int64),
        excluded_n=totals["excluded_n"].round().astype(np.int64),
        positive_n=totals["n_pos"].round().astype(np.int64),
        effective_n=n_eff,
        positive_pct=100 * share,
        ci_low_pct=100 * low,
        ci_high_pct=100 * high,
        mean_score=mean,
    ).drop(columns=["w", "w2", "w_pos", "n_pos", "w_score"])


def positive_share(cells: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    """One row per `by` group of answer-level cells: base, left-out count, % positive with interval, mean score.

    `cells` has columns n, sum_w, sum_w2, positive, substantive, level_order (as in agg_answers).
    """
    return shares(share_sums(cells, by))


def compare_shares(p1: np.ndarray, n1: np.ndarray, p2: np.ndarray, n2: np.ndarray,
                   alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Verdicts (better / about the same / worse) and p-values for share p1 (of n1) against p2 (of n2).

    Shares are fractions; the test is a two-sided two-proportion z-test with a pooled standard error.
    """
    p1, n1, p2, n2 = (np.asarray(x, dtype=float) for x in (p1, n1, p2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
        se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
        z = (p1 - p2) / se
        p_value = np.where(se > 0, _erfc(np.abs(z) / np.sqrt(2)).astype(float), 1.0)  # two-sided normal tail
    verdict = np.where(p_value < alpha, np.where(p1 > p2, "better", "worse"), "about the same")
    missing = np.isnan(p1) | np.isnan(p2) | (n1 <= 0) | (n2 <= 0)
    return np.where(missing, "not compared", verdict), np.where(missing, np.nan, p_value)
