"""Pre-aggregated count tables: built once per dataset so a filter change never touches the long tables."""

from __future__ import annotations

import duckdb
import pandas as pd

from analysis import schema

_DIMS = "o.org_type, o.sector, o.region, r.source, r.wave"

_ANSWERS_ALL = f"""
SELECT {_DIMS}, '{schema.ALL_GROUPS}' AS group_id, q.measure, coalesce(q.domain, '') AS domain,
       a.level_id, l.level_order, l.positive, l.substantive,
       count(*) AS n, sum(r.weight) AS sum_w, sum(r.weight * r.weight) AS sum_w2
FROM answers a JOIN respondents r USING (respondent_id) JOIN organisations o USING (org_id)
     JOIN questions q USING (question_id) JOIN scale_levels l ON l.scale_id = q.scale_id AND l.level_id = a.level_id
GROUP BY ALL
"""

_ANSWERS_BY_GROUP = f"""
SELECT {_DIMS}, m.group_id, q.measure, coalesce(q.domain, '') AS domain,
       a.level_id, l.level_order, l.positive, l.substantive,
       count(*) AS n, sum(r.weight) AS sum_w, sum(r.weight * r.weight) AS sum_w2
FROM answers a JOIN respondents r USING (respondent_id) JOIN organisations o USING (org_id)
     JOIN questions q USING (question_id) JOIN memberships m USING (respondent_id)
     JOIN scale_levels l ON l.scale_id = q.scale_id AND l.level_id = a.level_id
GROUP BY ALL
"""

_RESPONDENTS = f"""
SELECT {_DIMS}, '{schema.ALL_GROUPS}' AS group_id, count(*) AS respondents
FROM respondents r JOIN organisations o USING (org_id) GROUP BY ALL
UNION ALL
SELECT {_DIMS}, m.group_id, count(*) AS respondents
FROM respondents r JOIN organisations o USING (org_id) JOIN memberships m USING (respondent_id)
GROUP BY ALL
"""


def build_aggregates(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The derived count tables (agg_answers, agg_respondents) for a dataset's core tables."""
    con = duckdb.connect()
    try:
        for name in ("organisations", "respondents", "memberships", "questions", "scale_levels", "answers"):
            con.register(name, tables[name])
        answers = con.sql(f"{_ANSWERS_ALL} UNION ALL {_ANSWERS_BY_GROUP}").df()
        respondents = con.sql(_RESPONDENTS).df()
    finally:
        con.close()
    sort_answers = ["group_id", "org_type", "region", "source", "wave", "measure", "domain", "level_id"]
    sort_resp = ["group_id", "org_type", "region", "source", "wave"]
    return {
        "agg_answers": schema.conform("agg_answers", answers.sort_values(sort_answers)),
        "agg_respondents": schema.conform("agg_respondents", respondents.sort_values(sort_resp)),
    }
