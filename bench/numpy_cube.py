"""The hand-written numpy aggregation the count tables were made with before DuckDB (analysis/storage/count_tables.py):
kept as the baseline the benchmarks and tests/test_count_tables.py compare the query engine with.

Everything is encoded as integer codes and counted with numpy, all in memory.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.model import schema

DIMS = ["org_type", "sector", "region", "source", "wave"]


def _positions(index: pd.Index, values: pd.Series, table: str, column: str, target: str) -> np.ndarray:
    """Row numbers in `index` of each value; an unknown value is a SchemaError naming it."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        lookup = index.get_indexer(values.cat.categories.astype(object))
        codes = values.cat.codes.to_numpy()
        found = np.where(codes >= 0, lookup[codes], -1)
    else:
        found = index.get_indexer(values.astype(object))
    if (found < 0).any():
        bad = values.iloc[int(np.flatnonzero(found < 0)[0])]
        raise schema.SchemaError(f"{table}.{column} has {bad!r}, which is not in {target}")
    return found


def _codes(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    codes, uniques = pd.factorize(values.astype(object).fillna(""), sort=True)
    return codes.astype(np.int64), np.asarray(uniques, dtype=object)


def _count(keys: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    inverse, uniq = pd.factorize(keys)  # hashing: much faster than sorting tens of millions of keys
    n = np.bincount(inverse, minlength=len(uniq))
    sum_w = np.bincount(inverse, weights=weights, minlength=len(uniq))
    sum_w2 = np.bincount(inverse, weights=weights * weights, minlength=len(uniq))
    return uniq, n, sum_w, sum_w2


def _members(memberships: pd.DataFrame, resp_index: pd.Index) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = _positions(resp_index, memberships["respondent_id"], "memberships", "respondent_id", "respondents")
    group_codes, groups = _codes(memberships["group_id"])
    return rows, group_codes, groups


def _expand(owner: np.ndarray, rows: np.ndarray, n_owners: int) -> tuple[np.ndarray, np.ndarray]:
    """For each of `rows`, the positions of the items whose owner it is; and which of `rows` each came from."""
    order = np.argsort(owner, kind="stable")
    counts = np.bincount(owner, minlength=n_owners)
    starts = np.cumsum(counts) - counts
    per = counts[rows]
    within = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
    return order[np.repeat(starts[rows], per) + within], np.repeat(np.arange(len(rows)), per)


def build_aggregates(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The derived count tables (agg_answers, agg_respondents) for a dataset's core tables."""
    orgs, resp, questions = tables["organisations"], tables["respondents"], tables["questions"]
    levels, answers = tables["scale_levels"], tables["answers"]
    resp_index = pd.Index(resp["respondent_id"].astype(object))
    org_row = _positions(pd.Index(orgs["org_id"].astype(object)), resp["org_id"], "respondents", "org_id",
                         "organisations")
    dim_codes, dim_values = {}, {}
    for dim in ("org_type", "sector", "region"):
        codes, values = _codes(orgs[dim])
        dim_codes[dim], dim_values[dim] = codes[org_row], values
    for dim in ("source", "wave"):
        dim_codes[dim], dim_values[dim] = _codes(resp[dim])
    sizes = [len(dim_values[d]) for d in DIMS]
    resp_key = np.ravel_multi_index([dim_codes[d] for d in DIMS], sizes).astype(np.int64)
    weight = resp["weight"].to_numpy(dtype=float)

    # Answers: respondent row, question row, and the answer's row in scale_levels.
    a_resp = _positions(resp_index, answers["respondent_id"], "answers", "respondent_id", "respondents")
    a_q = _positions(pd.Index(questions["question_id"].astype(object)), answers["question_id"], "answers",
                     "question_id", "questions")
    level_keys = pd.Index((levels["scale_id"].astype(str) + "\x1f" + levels["level_id"].astype(str)).astype(object))
    q_scale = questions["scale_id"].astype(str).to_numpy(dtype=object)
    a_level_codes, a_level_values = pd.factorize(answers["level_id"])
    a_level_values = np.asarray(a_level_values, dtype=object)
    pair_codes = a_q.astype(np.int64) * len(a_level_values) + a_level_codes
    pair_inverse, pairs = pd.factorize(pair_codes)
    pair_keys = [f"{q_scale[p // len(a_level_values)]}\x1f{a_level_values[p % len(a_level_values)]}" for p in pairs]
    pair_level = level_keys.get_indexer(pair_keys)
    if (pair_level < 0).any():
        p = pairs[int(np.flatnonzero(pair_level < 0)[0])]
        raise schema.SchemaError(f"answers.level_id has {a_level_values[p % len(a_level_values)]!r}, which is not "
                                 f"a level of scale {q_scale[p // len(a_level_values)]!r}")
    a_level = pair_level[pair_inverse]
    measure_codes, measure_values = _codes(questions["measure"])
    domain_codes, domain_values = _codes(questions["domain"])
    q_key = measure_codes * len(domain_values) + domain_codes
    n_q_keys = len(measure_values) * len(domain_values)
    answer_key = (resp_key[a_resp] * n_q_keys + q_key[a_q]) * len(levels) + a_level
    a_weight = weight[a_resp]

    m_rows, m_groups, groups = _members(tables["memberships"], resp_index)
    all_code = len(groups)
    group_values = np.append(groups, schema.ALL_GROUPS)
    picked, owner = _expand(a_resp, m_rows, len(resp))
    keys = np.concatenate([answer_key * (all_code + 1) + all_code,
                           answer_key[picked] * (all_code + 1) + m_groups[owner]])
    uniq, n, sum_w, sum_w2 = _count(keys, np.concatenate([a_weight, a_weight[picked]]))
    rest, group = np.divmod(uniq, all_code + 1)
    rest, level = np.divmod(rest, len(levels))
    rest, qk = np.divmod(rest, n_q_keys)
    measure, domain = np.divmod(qk, len(domain_values))
    frame = {d: dim_values[d][c] for d, c in zip(DIMS, np.unravel_index(rest, sizes), strict=True)}
    agg_answers = pd.DataFrame({
        **frame, "group_id": group_values[group], "measure": measure_values[measure],
        "domain": domain_values[domain], "level_id": levels["level_id"].to_numpy(dtype=object)[level],
        "level_order": levels["level_order"].to_numpy()[level], "positive": levels["positive"].to_numpy()[level],
        "substantive": levels["substantive"].to_numpy()[level], "n": n, "sum_w": sum_w, "sum_w2": sum_w2,
    })

    r_keys = np.concatenate([resp_key * (all_code + 1) + all_code, resp_key[m_rows] * (all_code + 1) + m_groups])
    r_uniq, r_n, _, _ = _count(r_keys, np.ones(len(r_keys)))
    r_rest, r_group = np.divmod(r_uniq, all_code + 1)
    r_frame = {d: dim_values[d][c] for d, c in zip(DIMS, np.unravel_index(r_rest, sizes), strict=True)}
    agg_respondents = pd.DataFrame({**r_frame, "group_id": group_values[r_group], "respondents": r_n})
    return {
        "agg_answers": schema.conform("agg_answers", agg_answers),
        "agg_respondents": schema.conform("agg_respondents", agg_respondents),
    }
