"""Disclosure control: the one function every output (chart, table, download, pack) passes through."""

from __future__ import annotations

import numpy as np
import pandas as pd

MIN_BASE = 10
LOW_BASE = 30
# The words tables, notes and summaries use for the two thresholds, so a change to them changes every one.
FEWER_THAN_MIN = f"fewer than {MIN_BASE}"
HIDDEN_COLUMN = f"Hidden (under {MIN_BASE})"
LOW_BASE_COLUMN = f"Low base (under {LOW_BASE})"
NOTE = (f"Results based on fewer than {MIN_BASE} answers are hidden (marked \u2716), and so is the "
        f"next-smallest result beside them where a total would reveal the hidden one. "
        f"Bases under {LOW_BASE} are flagged as low: read them with care.")


def protect(
    frame: pd.DataFrame,
    value_cols: list[str],
    base_col: str = "base_n",
    partition: list[str] | None = None,
    min_base: int = MIN_BASE,
    low_base: int = LOW_BASE,
    partitions: list[list[str]] | None = None,
) -> pd.DataFrame:
    """The frame with small results hidden, complementary suppression, and flags.

    Rows whose base is under `min_base` are suppressed: their `value_cols` and base become NA.
    A partition names the columns whose equal values mark rows that add up to a total shown
    elsewhere (e.g. organisation types within a domain). In such a group, a lone suppressed row
    could be worked back from the total, so the next-smallest row with answers is suppressed too.
    With several `partitions` (a table whose rows add up both ways, like types by domains), the
    rule is applied to each in turn until nothing changes.
    Adds `suppressed` (bool) and `low_base` (bool) columns.
    """
    base = frame[base_col].astype(float).fillna(0).to_numpy()
    hidden = base < min_base
    groupings = [p for p in [*(partitions or []), partition] if p]
    keys_list = [frame.groupby(cols, observed=True, dropna=False, sort=False).ngroup().to_numpy()
                 for cols in groupings]
    changed = True
    while changed:
        changed = False
        for keys in keys_list:
            for key in np.unique(keys):
                rows = np.flatnonzero(keys == key)
                while np.count_nonzero(hidden[rows] & (base[rows] > 0)) == 1:
                    candidates = rows[~hidden[rows] & (base[rows] > 0)]
                    if candidates.size == 0:
                        break
                    hidden[candidates[np.argmin(base[candidates])]] = True
                    changed = True
    out = frame.assign(suppressed=hidden, low_base=~hidden & (base < low_base))
    for col in [*value_cols, base_col]:
        out[col] = out[col].astype(float).where(~hidden)
    return out
