"""Pre-aggregated count tables: built once per dataset so a filter change never touches the long tables.

The aggregation is written once, as SQL over the six core tables (the constants below), and run by a query
engine made for it rather than by hand-written code:

- DuckDB, embedded, by default (`aggregate_parquet`): it reads the dataset's Parquet files, keeps to a memory
  limit (`MEMORY_LIMIT`) and spills to a scratch folder beyond it, so the long tables never have to fit in
  memory;
- Spark, for data past one machine (`aggregate_spark`): the same SQL text over the same Parquet files
  (docs/scaling.md). `tests/test_count_tables.py` runs it in local mode and checks the tables are identical.

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
# Respondents counted at a time (DuckDB): a larger dataset is counted in ranges of respondent_id of about this
# many respondents, each joined and summed on its own, so no join holds more than one range in memory.
PART_RESPONDENTS = int(os.environ.get("ENGAGEMENT_PART_RESPONDENTS", "2000000"))

# Each core table is a view of the same name; text keys that are missing count as '' (as on the pages).
# The aggregation is a few named stages, each one SQL statement over the views and the stages before it; an
# engine keeps each stage as a table (DuckDB) or a view (Spark). The long answers table is read once, joined
# once on respondent_id to a table of one row per respondent, and grouped at once into a table of one row per
# respondent profile, question and level: a profile is the respondent's combination of organisation type,
# sector, region, source and wave (`dk`, a small integer) and of seldom-heard groups (`mask`, one bit a group).
# Everything after that works on small tables and integer keys: each profile is counted once for everyone and
# once for each of its groups, and the text comes back on the few hundred thousand counted cells at the end.
# Nothing ever holds the answers expanded by group, and no wide text is joined or grouped on the long tables.
MAX_GROUPS = 62  # one bit of a 64-bit integer a seldom-heard group
# Each stage is one large step (a grouping or a join) over what is kept before it, so an engine under a memory
# limit spills one at a time: streaming the respondents' profiles into the join over answers instead ran DuckDB
# out of memory at 20 million respondents under a 2 GB limit (several large steps at once).
STAGES = [
    ("dims", """
SELECT org_type, sector, region, source, wave,
       ROW_NUMBER() OVER (ORDER BY org_type, sector, region, source, wave) AS dk
FROM (SELECT DISTINCT COALESCE(o.org_type, '') AS org_type, COALESCE(o.sector, '') AS sector,
             COALESCE(o.region, '') AS region, COALESCE(r.source, '') AS source, COALESCE(r.wave, '') AS wave
      FROM respondents r JOIN organisations o ON r.org_id = o.org_id) x"""),
    ("gk", """
SELECT group_id, CAST(POWER(2, DENSE_RANK() OVER (ORDER BY group_id) - 1) AS BIGINT) AS bit
FROM (SELECT DISTINCT COALESCE(group_id, '') AS group_id FROM memberships) x"""),
]


# The stages over respondents, run once for all of them or once for each range of respondent_id: `within`
# gives the condition on a respondent_id column that keeps the range (TRUE for all). A range's sums add up.
def range_stages(within: Callable[[str], str]) -> list[tuple[str, str]]:
    return [
        # The respondents' groups as a bit mask each (a membership repeated is one membership).
        ("rm", f"""
SELECT m.respondent_id, BIT_OR(gk.bit) AS mask
FROM memberships m JOIN gk ON COALESCE(m.group_id, '') = gk.group_id
WHERE {within('m.respondent_id')}
GROUP BY m.respondent_id"""),
        # Each respondent's weight and profile.
        ("rp", f"""
SELECT r.respondent_id, CAST(r.weight AS DOUBLE) AS weight, dims.dk, COALESCE(rm.mask, 0) AS mask
FROM respondents r JOIN organisations o ON r.org_id = o.org_id
JOIN dims ON COALESCE(o.org_type, '') = dims.org_type AND COALESCE(o.sector, '') = dims.sector
     AND COALESCE(o.region, '') = dims.region AND COALESCE(r.source, '') = dims.source
     AND COALESCE(r.wave, '') = dims.wave
LEFT JOIN rm ON r.respondent_id = rm.respondent_id
WHERE {within('r.respondent_id')}"""),
        # The one pass over the long answers table.
        ("pa", f"""
SELECT rp.dk, rp.mask, a.question_id, a.level_id,
       COUNT(*) AS n, SUM(rp.weight) AS sum_w, SUM(rp.weight * rp.weight) AS sum_w2
FROM answers a JOIN rp ON a.respondent_id = rp.respondent_id
WHERE {within('a.respondent_id')}
GROUP BY rp.dk, rp.mask, a.question_id, a.level_id"""),
        ("pr", "SELECT dk, mask, COUNT(*) AS respondents FROM rp GROUP BY dk, mask"),
        ("pm", "SELECT COALESCE(SUM(BIT_COUNT(mask)), 0) AS memberships FROM rm"),
    ]


# The ranges' stages summed (when there is more than one range): name -> (keys, sums).
RANGE_SUMS = {"pa": (["dk", "mask", "question_id", "level_id"], ["n", "sum_w", "sum_w2"]),
              "pr": (["dk", "mask"], ["respondents"]), "pm": ([], ["memberships"])}

FINAL_STAGES = [
    # Each (question, level) answered as a small integer.
    ("ql", """
SELECT question_id, level_id, ROW_NUMBER() OVER (ORDER BY question_id, level_id) AS qk
FROM (SELECT DISTINCT question_id, level_id FROM pa) x"""),
    ("pq", """
SELECT pa.dk, pa.mask, ql.qk, pa.n, pa.sum_w, pa.sum_w2
FROM pa JOIN ql ON pa.question_id = ql.question_id AND pa.level_id = ql.level_id"""),
    # Each profile's mask counted for everyone (bit 0) and for each of its groups (its bits).
    ("mg", """
SELECT m.mask, CAST(0 AS BIGINT) AS bit FROM (SELECT DISTINCT mask FROM pr) m
UNION ALL
SELECT m.mask, gk.bit FROM (SELECT DISTINCT mask FROM pr) m JOIN gk ON (m.mask & gk.bit) <> 0"""),
    # Summed on integer keys: profile's dk, group's bit, question and level.
    ("cq", """
SELECT pq.dk, mg.bit, pq.qk, SUM(pq.n) AS n, SUM(pq.sum_w) AS sum_w, SUM(pq.sum_w2) AS sum_w2
FROM pq JOIN mg ON pq.mask = mg.mask
GROUP BY pq.dk, mg.bit, pq.qk"""),
]
_DIMS = "dims.org_type, dims.sector, dims.region, dims.source, dims.wave"
_GROUP = f"CASE WHEN c.bit = 0 THEN '{schema.ALL_GROUPS}' ELSE gk.group_id END"

# The counted cells named.
AGG_ANSWERS_SQL = f"""
SELECT {_DIMS}, {_GROUP} AS group_id, COALESCE(q.measure, '') AS measure, COALESCE(q.domain, '') AS domain,
       l.level_id, l.level_order, l.positive, l.substantive,
       SUM(c.n) AS n, SUM(c.sum_w) AS sum_w, SUM(c.sum_w2) AS sum_w2
FROM cq c JOIN dims ON c.dk = dims.dk LEFT JOIN gk ON c.bit = gk.bit
JOIN ql ON c.qk = ql.qk JOIN questions q ON ql.question_id = q.question_id
JOIN scale_levels l ON l.scale_id = q.scale_id AND l.level_id = ql.level_id
GROUP BY {_DIMS}, {_GROUP}, COALESCE(q.measure, ''), COALESCE(q.domain, ''), l.level_id, l.level_order,
         l.positive, l.substantive
ORDER BY {_DIMS}, group_id, measure, domain, l.level_order, l.level_id
"""

AGG_RESPONDENTS_SQL = f"""
SELECT {_DIMS}, {_GROUP} AS group_id, SUM(pr.respondents) AS respondents
FROM pr JOIN mg c ON pr.mask = c.mask JOIN dims ON pr.dk = dims.dk LEFT JOIN gk ON c.bit = gk.bit
GROUP BY {_DIMS}, {_GROUP}
ORDER BY {_DIMS}, group_id
"""
# The waves each question was asked in (the manifest's `questions`), from the profiles' counts.
QUESTION_WAVES_SQL = """
SELECT DISTINCT CAST(pa.question_id AS STRING) AS question_id, dims.wave
FROM pa JOIN dims ON pa.dk = dims.dk"""
# A membership repeated is one membership.
COUNTS_SQL = """
SELECT (SELECT COUNT(*) FROM answers) AS answers, (SELECT COUNT(*) FROM respondents) AS respondents,
       (SELECT SUM(memberships) FROM pm) AS memberships"""


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


def _within_ranges(bounds: list[str]) -> list[Callable[[str], str]]:
    """For sorted `bounds`, the conditions keeping each range of respondent_id they make (the first keeps the
    missing ones too), so every row is in exactly one range."""
    quoted = ["'" + b.replace("'", "''") + "'" for b in bounds]

    def within(k: int) -> Callable[[str], str]:
        def condition(column: str) -> str:
            if k == 0:
                return f"({column} < {quoted[0]} OR {column} IS NULL)"
            if k == len(quoted):
                return f"{column} >= {quoted[-1]}"
            return f"{column} >= {quoted[k - 1]} AND {column} < {quoted[k]}"
        return condition
    return [within(k) for k in range(len(quoted) + 1)]


def _range_stages(stage: Callable[[str, str], None], bounds: list[str],
                  drop: Callable[[str], None] | None) -> None:
    """The range stages for all respondents at once (no bounds), or range by range: each range's sums are added
    to those of the ranges before it as soon as they are made, so what is kept does not grow with the ranges."""
    if not bounds:
        for name, sql in range_stages(lambda column: "TRUE"):
            stage(name, sql)
        return
    ranges = _within_ranges(bounds)
    for k, within in enumerate(ranges):
        for name, sql in range_stages(within):
            stage(f"{name}_range" if name in RANGE_SUMS else name, sql)
        for name, (keys, sums) in RANGE_SUMS.items():
            total = name if k == len(ranges) - 1 else f"{name}_{k}"
            earlier = f"SELECT * FROM {name}_{k - 1} UNION ALL " if k else ""
            columns = ", ".join([*keys, *(f"SUM({s}) AS {s}" for s in sums)])
            stage(total, f"SELECT {columns} FROM ({earlier}SELECT * FROM {name}_range) u"
                  + (f" GROUP BY {', '.join(keys)}" if keys else ""))
            if k and drop is not None:
                drop(f"{name}_{k - 1}")


def run(query: Callable[[str], pd.DataFrame], stage: Callable[[str, str], None],
        question_waves: bool = False, bounds: list[str] | None = None,
        drop: Callable[[str], None] | None = None) -> dict[str, pd.DataFrame]:
    """The count tables, through `stage` (name, SQL text: keep its result under that name, replacing any kept
    before) and `query` (SQL text -> a pandas frame) on any engine; with `question_waves`, also the
    question-wave pairs asked. With `bounds` (sorted respondent_ids), the respondents are counted range by
    range between them and the ranges' sums added up; `drop` (a name) lets an engine free a range's tables.

    When the tables do not account for every answer, respondent and membership, a reference points at
    nothing: the CHECKS then name the first one found (a SchemaError).
    """
    for name, sql in STAGES:
        stage(name, sql)
        if name == "gk" and int(query("SELECT COUNT(*) AS n FROM gk").iloc[0]["n"]) > MAX_GROUPS:
            raise schema.SchemaError(f"memberships.group_id has more than {MAX_GROUPS} different groups; "
                                     "use the seldom-heard group ids")
    _range_stages(stage, bounds or [], drop)
    for name, sql in FINAL_STAGES:
        stage(name, sql)
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
    out = {name: schema.conform(name, frame) for name, frame in tables.items()}
    if question_waves:
        out["question_waves"] = query(QUESTION_WAVES_SQL)
    return out


def _parquet(folder: Path | str, name: str) -> str:
    """The table's file in a folder or under a URI (s3://... for Spark)."""
    return f"{str(folder).rstrip('/')}/{name}.parquet"


def connect(spill: str):
    """A DuckDB connection held to MEMORY_LIMIT and THREADS, spilling to `spill`, and silent: its progress bar
    (drawn on standard output for a query of more than a few seconds) would break `--json` output."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    con.execute(f"SET threads = {THREADS}")
    con.execute("SET temp_directory = '{}'".format(spill.replace("'", "''")))
    con.execute("SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")
    # Summing states pushed below the join ran the count tables' last grouping 3 times slower (DuckDB 2.0).
    con.execute("SET disabled_optimizers = 'partial_aggregate_pushdown'")
    return con


def range_bounds(con, per_range: int) -> list[str]:
    """respondent_ids that cut the respondents into ranges of about `per_range` each (none when there are at
    most that many), from a sample: the ranges need not be equal, only every row in one of them."""
    respondents = int(con.execute("SELECT COUNT(*) FROM respondents").fetchone()[0])
    ranges = -(-respondents // max(1, per_range))
    if ranges <= 1:
        return []
    cuts = ", ".join(str(k / ranges) for k in range(1, ranges))
    found = con.execute("SELECT quantile_disc(respondent_id, [" + cuts + "]) FROM (SELECT respondent_id FROM "
                        "respondents WHERE respondent_id IS NOT NULL USING SAMPLE reservoir(100000 ROWS) "
                        "REPEATABLE (19)) s").fetchone()[0]
    return sorted({str(b) for b in found or []})


def aggregate_parquet(folder: Path, scratch: Path | None = None,
                      question_waves: bool = False) -> dict[str, pd.DataFrame]:
    """The count tables of the core tables stored as `<table>.parquet` in `folder`, counted by DuckDB (with
    `question_waves`, also the pairs of `run`).

    DuckDB keeps to MEMORY_LIMIT and spills the joins and the grouping to `scratch` (a temporary folder by
    default) beyond it; more than PART_RESPONDENTS respondents are counted range by range (`run`).
    """
    with tempfile.TemporaryDirectory(prefix="duckdb-", dir=scratch) as spill, connect(spill) as con:
        for name in schema.CORE_TABLES:
            path = _parquet(folder, name).replace("'", "''")  # quoted for a SQL string
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{path}')")
        return run(lambda sql: con.execute(sql).df(),
                   lambda name, sql: con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {sql}"), question_waves,
                   bounds=range_bounds(con, PART_RESPONDENTS), drop=lambda name: con.execute(f"DROP TABLE {name}"))


def aggregate_spark(spark, folder: Path | str) -> dict[str, pd.DataFrame]:
    """The same count tables computed by Spark (a `pyspark.sql.SparkSession`) from the same Parquet files."""
    for name in schema.CORE_TABLES:
        spark.read.parquet(_parquet(folder, name)).createOrReplaceTempView(name)
    return run(lambda sql: spark.sql(sql).toPandas(),
               lambda name, sql: spark.sql(sql).cache().createOrReplaceTempView(name))


def write_core_parquet(tables: dict[str, pd.DataFrame], folder: Path) -> None:
    """The core tables as `<table>.parquet` files in `folder`, as the store writes them."""
    for name in schema.CORE_TABLES:
        tables[name].to_parquet(Path(folder) / f"{name}.parquet", index=False, compression="zstd")


def build_aggregates(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The derived count tables (agg_answers, agg_respondents) for a dataset's core tables held in memory."""
    with tempfile.TemporaryDirectory(prefix="engagement-core-") as folder:
        write_core_parquet({name: schema.conform(name, tables[name]) for name in schema.CORE_TABLES}, Path(folder))
        return aggregate_parquet(Path(folder))
