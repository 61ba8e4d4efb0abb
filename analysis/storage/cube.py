"""Pre-aggregated count tables: built once per dataset so a filter change never touches the long tables.

The aggregation is written once, as SQL over the six core tables (the constants below), and run by a query
engine made for it rather than by hand-written code:

- DuckDB, embedded, by default (`aggregate_parquet`): it reads the dataset's Parquet files, keeps to a memory
  limit (`MEMORY_LIMIT`) and spills to a scratch folder beyond it, so the long tables never have to fit in
  memory;
- Spark, for data past one machine (`aggregate_spark`): the same SQL text over the same Parquet files
  (docs/scaling.md). `tests/test_cube.py` runs it in local mode and checks the tables are identical.

The tables must account for every answer, respondent and membership. When they do not, the same engine finds
the reference that points at nothing (an answer's respondent, question or level of the question's scale, a
respondent's organisation, a membership's respondent) and a SchemaError names it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from analysis.model import schema

DIMS = ["org_type", "sector", "region", "source", "wave"]
MEMORY_LIMIT = os.environ.get("ENGAGEMENT_DUCKDB_MEMORY", "600MB")  # DuckDB spills to disk beyond this
THREADS = int(os.environ.get("ENGAGEMENT_DUCKDB_THREADS", "2"))

# Each core table is a view of the same name; text keys that are missing count as '' (as on the pages).
# The long answers table is joined and grouped on small integer keys (`dk`: the respondent's combination of
# organisation type, sector, region, source and wave), which engines group far faster than five text columns;
# the text comes back on the few hundred thousand counted cells at the end.
_WITH = """
WITH d0 AS (
    SELECT r.respondent_id, COALESCE(o.org_type, '') AS org_type, COALESCE(o.sector, '') AS sector,
           COALESCE(o.region, '') AS region, COALESCE(r.source, '') AS source, COALESCE(r.wave, '') AS wave,
           CAST(r.weight AS DOUBLE) AS weight
    FROM respondents r JOIN organisations o ON r.org_id = o.org_id),
dims AS (
    SELECT org_type, sector, region, source, wave,
           ROW_NUMBER() OVER (ORDER BY org_type, sector, region, source, wave) AS dk
    FROM (SELECT DISTINCT org_type, sector, region, source, wave FROM d0) x),
d AS (
    SELECT d0.respondent_id, d0.weight, dims.dk FROM d0 JOIN dims
    ON d0.org_type = dims.org_type AND d0.sector = dims.sector AND d0.region = dims.region
    AND d0.source = dims.source AND d0.wave = dims.wave),
md AS (
    SELECT m.respondent_id, COALESCE(m.group_id, '') AS group_id, d.dk, d.weight
    FROM memberships m JOIN d ON m.respondent_id = d.respondent_id)"""
_DIMS = "dims.org_type, dims.sector, dims.region, dims.source, dims.wave"

AGG_ANSWERS_SQL = f"""{_WITH},
c AS (
    SELECT d.dk, '{schema.ALL_GROUPS}' AS group_id, a.question_id, a.level_id,
           COUNT(*) AS n, SUM(d.weight) AS sum_w, SUM(d.weight * d.weight) AS sum_w2
    FROM answers a JOIN d ON a.respondent_id = d.respondent_id
    GROUP BY d.dk, a.question_id, a.level_id
    UNION ALL
    SELECT md.dk, md.group_id, a.question_id, a.level_id,
           COUNT(*) AS n, SUM(md.weight) AS sum_w, SUM(md.weight * md.weight) AS sum_w2
    FROM answers a JOIN md ON a.respondent_id = md.respondent_id
    GROUP BY md.dk, md.group_id, a.question_id, a.level_id)
SELECT {_DIMS}, c.group_id, COALESCE(q.measure, '') AS measure, COALESCE(q.domain, '') AS domain,
       l.level_id, l.level_order, l.positive, l.substantive,
       SUM(c.n) AS n, SUM(c.sum_w) AS sum_w, SUM(c.sum_w2) AS sum_w2
FROM c JOIN dims ON c.dk = dims.dk JOIN questions q ON c.question_id = q.question_id
JOIN scale_levels l ON l.scale_id = q.scale_id AND l.level_id = c.level_id
GROUP BY {_DIMS}, c.group_id, COALESCE(q.measure, ''), COALESCE(q.domain, ''), l.level_id, l.level_order,
         l.positive, l.substantive
ORDER BY {_DIMS}, c.group_id, measure, domain, l.level_order, l.level_id
"""

AGG_RESPONDENTS_SQL = f"""{_WITH},
c AS (
    SELECT dk, '{schema.ALL_GROUPS}' AS group_id, COUNT(*) AS respondents FROM d GROUP BY dk
    UNION ALL
    SELECT dk, group_id, COUNT(*) AS respondents FROM md GROUP BY dk, group_id)
SELECT {_DIMS}, c.group_id, c.respondents
FROM c JOIN dims ON c.dk = dims.dk
ORDER BY {_DIMS}, c.group_id
"""
# What the count tables must add up to when every reference is sound.
COUNTS_SQL = """
SELECT (SELECT COUNT(*) FROM answers) AS answers, (SELECT COUNT(*) FROM respondents) AS respondents,
       (SELECT COUNT(*) FROM memberships) AS memberships"""


def _unknown(child: str, column: str, parent: str, key: str) -> str:
    return (f"SELECT CAST(c.{column} AS STRING) AS bad FROM {child} c WHERE NOT EXISTS "
            f"(SELECT 1 FROM {parent} p WHERE p.{key} = c.{column}) LIMIT 1")


# (query for one offending value, or none; message naming it).
CHECKS = [
    (_unknown("respondents", "org_id", "organisations", "org_id"),
     "respondents.org_id has {bad!r}, which is not in organisations"),
    (_unknown("answers", "respondent_id", "respondents", "respondent_id"),
     "answers.respondent_id has {bad!r}, which is not in respondents"),
    (_unknown("answers", "question_id", "questions", "question_id"),
     "answers.question_id has {bad!r}, which is not in questions"),
    (_unknown("memberships", "respondent_id", "respondents", "respondent_id"),
     "memberships.respondent_id has {bad!r}, which is not in respondents"),
    ("SELECT CAST(a.level_id AS STRING) AS bad, CAST(q.scale_id AS STRING) AS scale FROM answers a "
     "JOIN questions q ON a.question_id = q.question_id WHERE NOT EXISTS (SELECT 1 FROM scale_levels l "
     "WHERE l.scale_id = q.scale_id AND l.level_id = a.level_id) LIMIT 1",
     "answers.level_id has {bad!r}, which is not a level of scale {scale!r}"),
]

QUERIES = {"agg_answers": AGG_ANSWERS_SQL, "agg_respondents": AGG_RESPONDENTS_SQL}


def run(query: Callable[[str], pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The count tables, through `query` (SQL text -> a pandas frame) on any engine.

    When the tables do not account for every answer, respondent and membership, a reference points at
    nothing: the CHECKS then name the first one found (a SchemaError).
    """
    tables = {name: query(sql) for name, sql in QUERIES.items()}
    counts = query(COUNTS_SQL).iloc[0]
    everyone = tables["agg_respondents"]["group_id"] == schema.ALL_GROUPS
    counted = {"answers": tables["agg_answers"].loc[tables["agg_answers"]["group_id"] == schema.ALL_GROUPS, "n"],
               "respondents": tables["agg_respondents"].loc[everyone, "respondents"],
               "memberships": tables["agg_respondents"].loc[~everyone, "respondents"]}
    if any(int(counted[name].sum()) != int(counts[name]) for name in counted):
        for sql, message in CHECKS:
            found = query(sql)
            if len(found):
                row = {k: (None if pd.isna(v) else v) for k, v in found.iloc[0].items()}
                raise schema.SchemaError(message.format(**row))
        raise schema.SchemaError(
            "the count tables do not add up to the dataset's " + ", ".join(
                f"{int(counts[name]):,} {name}" for name in counted) + ": is a respondent_id or org_id repeated?")
    return {name: schema.conform(name, frame) for name, frame in tables.items()}


def _parquet(folder: Path | str, name: str) -> str:
    """The table's file in a folder or under a URI (s3://... for Spark)."""
    return f"{str(folder).rstrip('/')}/{name}.parquet"


def aggregate_parquet(folder: Path, scratch: Path | None = None) -> dict[str, pd.DataFrame]:
    """The count tables of the core tables stored as `<table>.parquet` in `folder`, counted by DuckDB.

    DuckDB keeps to MEMORY_LIMIT and spills the joins and the grouping to `scratch` (a temporary folder by
    default) beyond it.
    """
    import duckdb

    with tempfile.TemporaryDirectory(prefix="duckdb-", dir=scratch) as spill, duckdb.connect() as con:
        con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        con.execute(f"SET threads = {THREADS}")
        con.execute("SET temp_directory = '{}'".format(spill.replace("'", "''")))
        con.execute("SET preserve_insertion_order = false")
        for name in schema.CORE_TABLES:
            path = _parquet(folder, name).replace("'", "''")  # quoted for a SQL string
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
        return run(lambda sql: con.execute(sql).df())


def aggregate_spark(spark, folder: Path | str) -> dict[str, pd.DataFrame]:
    """The same count tables computed by Spark (a `pyspark.sql.SparkSession`) from the same Parquet files."""
    for name in schema.CORE_TABLES:
        spark.read.parquet(_parquet(folder, name)).createOrReplaceTempView(name)
    return run(lambda sql: spark.sql(sql).toPandas())


def write_core_parquet(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    """The core tables as `<table>.parquet` files in `folder`, as the store writes them."""
    for name in schema.CORE_TABLES:
        tables[name].to_parquet(Path(folder) / f"{name}.parquet", index=False, compression="zstd")


def build_aggregates(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The derived count tables (agg_answers, agg_respondents) for a dataset's core tables held in memory."""
    with tempfile.TemporaryDirectory(prefix="engagement-core-") as folder:
        write_core_parquet({name: schema.conform(name, tables[name]) for name in schema.CORE_TABLES}, Path(folder))
        return aggregate_parquet(Path(folder))
