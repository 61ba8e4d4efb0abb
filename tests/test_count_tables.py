"""The count tables made by the query engines (analysis/storage/count_tables.py): DuckDB by default, Spark for
a cluster.

Both run the same SQL text. They are checked against the hand-written numpy aggregation the tables were made
with before (bench/numpy_cube.py), against each other, and on bad references.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.model import schema
from analysis.storage import count_tables, store
from analysis.synthetic import national
from bench import numpy_cube

KEYS = {"agg_answers": ["org_type", "sector", "region", "source", "wave", "group_id", "measure", "domain",
                        "level_id"],
        "agg_respondents": ["org_type", "sector", "region", "source", "wave", "group_id"]}
# Sums of weights are added in another order by another engine: they may differ in the last bit or two.
SUM_RTOL = 1e-12


def _sorted(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c].dtype)
            or isinstance(frame[c].dtype, pd.CategoricalDtype)]
    return frame.astype(dict.fromkeys(text, "string")).sort_values(KEYS[name]).reset_index(drop=True)


def assert_same_tables(got: dict[str, pd.DataFrame], expected: dict[str, pd.DataFrame], exact: bool) -> None:
    """Same rows, columns and types; counts exact; sums of weights exact or to SUM_RTOL."""
    for name in KEYS:
        a, b = _sorted(got[name], name), _sorted(expected[name], name)
        assert list(a.columns) == list(b.columns) and len(a) == len(b), name
        floats = [c for c in a.columns if a[c].dtype.kind == "f"]
        pd.testing.assert_frame_equal(a.drop(columns=floats), b.drop(columns=floats), check_exact=True)
        for column in floats:
            if exact:
                assert np.array_equal(a[column], b[column]), (name, column)
            else:
                np.testing.assert_allclose(a[column], b[column], rtol=SUM_RTOL, atol=0)


@pytest.fixture(scope="module")
def small_national() -> dict[str, pd.DataFrame]:
    return national.national_tables(6_000)


@pytest.mark.parametrize("dataset", ["demo", "national"])
def test_duckdb_gives_the_tables_the_numpy_aggregation_gave(dataset, demo_tables, small_national) -> None:
    tables = demo_tables if dataset == "demo" else small_national
    # The demo's weights are all 1, so even its sums come out bit for bit; national weights vary.
    assert_same_tables(count_tables.build_aggregates(tables), numpy_cube.build_aggregates(tables),
                       exact=dataset == "demo")


def test_duckdb_keeps_to_a_small_memory_limit(monkeypatch) -> None:
    tables = national.national_tables(40_000)  # 480,000 answers, over a million once expanded by group
    expected = numpy_cube.build_aggregates(tables)
    monkeypatch.setattr(count_tables, "MEMORY_LIMIT", "64MB")
    monkeypatch.setattr(count_tables, "THREADS", 1)
    assert_same_tables(count_tables.build_aggregates(tables), expected, exact=False)


@pytest.mark.parametrize(("per_range", "ranges"), [(500, 12), (2_500, 3), (6_000, 1)])
def test_counting_respondents_range_by_range_gives_the_same_tables(monkeypatch, small_national, per_range,
                                                                   ranges) -> None:
    """A dataset larger than PART_RESPONDENTS is counted range by range of respondent_id and the sums added."""
    expected = numpy_cube.build_aggregates(small_national)
    monkeypatch.setattr(count_tables, "PART_RESPONDENTS", per_range)
    cuts, bounds = [], count_tables.range_bounds
    monkeypatch.setattr(count_tables, "range_bounds", lambda con, n: cuts.append(bounds(con, n)) or cuts[-1])
    assert_same_tables(count_tables.build_aggregates(small_national), expected, exact=False)
    assert len(cuts[0]) + 1 == ranges


def _with(tables: dict[str, pd.DataFrame], name: str, **changes) -> dict[str, pd.DataFrame]:
    frame = tables[name].copy()
    for column, value in changes.items():
        frame[column] = frame[column].astype(object)
        frame.loc[frame.index[-1], column] = value
    return {**tables, name: frame}


BAD_REFERENCES = [
    ("answers", {"respondent_id": "R'; DROP TABLE answers; --"}, "answers.respondent_id has \"R'; DROP TABLE"),
    ("answers", {"question_id": "no_such_question"}, "answers.question_id has 'no_such_question', which is not"),
    ("answers", {"level_id": "a_lot_more"}, "answers.level_id has 'a_lot_more', which is not a level of scale"),
    ("answers", {"respondent_id": None}, "answers.respondent_id has None, which is not in respondents"),
    ("respondents", {"org_id": "ORG-GONE"}, "respondents.org_id has 'ORG-GONE', which is not in organisations"),
    ("memberships", {"respondent_id": "nobody"}, "memberships.respondent_id has 'nobody', which is not in"),
]


@pytest.mark.parametrize("per_range", [count_tables.PART_RESPONDENTS, 40])
@pytest.mark.parametrize(("table", "changes", "message"), BAD_REFERENCES)
def test_a_reference_to_nothing_is_named(monkeypatch, demo_tables, table, changes, message, per_range) -> None:
    monkeypatch.setattr(count_tables, "PART_RESPONDENTS", per_range)  # all respondents at once, or range by range
    with pytest.raises(schema.SchemaError) as caught:
        count_tables.build_aggregates(_with(demo_tables, table, **changes))
    assert str(caught.value).startswith(message)


def test_a_bad_reference_stores_nothing(tmp_path: Path, demo_tables) -> None:
    with pytest.raises(schema.SchemaError):
        store.write_dataset(_with(demo_tables, "answers", question_id="nope"), tmp_path, demo=True,
                            provenance=[], description="bad")
    assert not store.has_dataset(tmp_path)
    assert [p.name for p in (tmp_path / "datasets").iterdir()] == [], "no staging folder left behind"


def test_a_dataset_written_in_chunks_is_the_dataset_written_whole(tmp_path: Path) -> None:
    small, chunks = national.national_parts(5_000, chunk=1_200)
    parts = list(chunks)
    assert [len(p["respondents"]) for p in parts] == [1_200, 1_200, 1_200, 1_200, 200]
    streamed = store.write_dataset(small, tmp_path / "streamed", demo=True, provenance=[], description="x",
                                   chunks=iter(parts))
    whole = national.national_tables(5_000, chunk=1_200)
    written = store.write_dataset(whole, tmp_path / "whole", demo=True, provenance=[], description="x")
    assert streamed["dataset_hash"] == written["dataset_hash"] == store.dataset_hash(
        {name: schema.conform(name, whole[name]) for name in schema.CORE_TABLES})
    assert streamed["rows"] == written["rows"] and streamed["rows"]["answers"] == 5_000 * 12
    for name in ("respondents", "memberships", "answers"):
        a = store.read_table(tmp_path / "streamed", name)
        b = store.read_table(tmp_path / "whole", name)
        pd.testing.assert_frame_equal(a.astype(str), b.astype(str))
    assert_same_tables({n: store.read_table(tmp_path / "streamed", n) for n in KEYS},
                       numpy_cube.build_aggregates(whole), exact=False)


@pytest.mark.parametrize("failing_write", [1, 4])
def test_a_write_that_fails_on_the_writer_thread_stores_nothing(tmp_path: Path, monkeypatch, failing_write) -> None:
    """Each chunk's Parquet is written on a thread of its own: a failure there (a full disk) reaches the build,
    and nothing is stored."""
    import pyarrow.parquet as pq

    writes, write = [], pq.ParquetWriter.write_table

    def full_disk(self, table, *args, **kwargs):
        writes.append(table.num_rows)
        if len(writes) == failing_write:
            raise OSError(28, "No space left on device")
        return write(self, table, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetWriter, "write_table", full_disk)
    small, chunks = national.national_parts(3_000, chunk=500)
    with pytest.raises(OSError, match="No space left"):
        store.write_dataset(small, tmp_path, demo=True, provenance=[], description="x", chunks=chunks)
    assert not store.has_dataset(tmp_path)
    assert [p.name for p in (tmp_path / "datasets").iterdir()] == [], "no staging folder left behind"


def test_a_small_national_dataset_does_not_depend_on_the_chunk_size() -> None:
    one = national.national_tables(900, chunk=900)
    other = national.national_tables(900, chunk=250_000)
    for name in schema.CORE_TABLES:
        pd.testing.assert_frame_equal(one[name], other[name])


# ---- the same SQL on Spark (local mode) ----

# pyspark 4.3 warns that it does not yet fully support pandas 3; the tables it returns are checked below.
ON_PANDAS_3 = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")


# A test's queries are small and run once: the JVM's quick compiler alone and its serial collector halve the CPU the
# test costs (59 to 27 CPU-s for the queries on two cores, measured with /proc/stat around each step).
SMALL_JOB_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


@pytest.fixture(scope="module")
def spark():
    if shutil.which("java") is None:
        pytest.skip("Java is not installed, so Spark cannot run (make test installs it: openjdk-17-jre-headless)")
    pyspark_sql = pytest.importorskip("pyspark.sql", reason="pyspark is not installed (requirements-dev.txt)")
    session = (pyspark_sql.SparkSession.builder.master("local[1]").appName("engagement-cube-test")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "1").config("spark.sql.session.timeZone", "UTC")
               .config("spark.driver.extraJavaOptions", SMALL_JOB_JVM).getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@ON_PANDAS_3
def test_spark_gives_the_tables_duckdb_gives_and_names_a_bad_reference_as_duckdb_does(
        tmp_path: Path, spark, demo_tables, small_national) -> None:
    """One test, so one Spark session (a JVM) serves every check
    however the test processes share the tests out."""
    for dataset, tables in {"demo": demo_tables, "national": small_national}.items():
        folder = tmp_path / dataset
        folder.mkdir()
        count_tables.write_core_parquet({n: schema.conform(n, tables[n]) for n in schema.CORE_TABLES}, folder)
        on_spark = count_tables.aggregate_spark(spark, folder)
        assert_same_tables(on_spark, count_tables.aggregate_parquet(folder), exact=dataset == "demo")
        for name, frame in on_spark.items():  # the schema's types too, not just the values
            assert frame.dtypes.to_dict() == schema.empty(name).dtypes.to_dict(), (dataset, name)

    bad = _with(demo_tables, "answers", level_id="a_lot_more")
    count_tables.write_core_parquet({n: schema.conform(n, bad[n]) for n in schema.CORE_TABLES}, tmp_path)
    with pytest.raises(schema.SchemaError, match=r"answers\.level_id has 'a_lot_more'"):
        count_tables.aggregate_spark(spark, tmp_path)


def test_the_demo_build_is_the_numpy_build(tmp_path: Path, demo_tables) -> None:
    """The stored demo: the published numbers' tables, counted by DuckDB, match the numpy aggregation's."""
    tables = demo_tables
    store.write_dataset(tables, tmp_path, demo=True, provenance=[], description="demo")
    assert_same_tables({n: store.read_table(tmp_path, n) for n in KEYS}, numpy_cube.build_aggregates(tables),
                       exact=True)


@pytest.mark.parametrize(("known", "unknown"), [(1, []), (3, ["nobody"]), (0, ["nobody"]), (900, [])])
def test_reading_some_rows_of_a_table_is_filtering_the_whole(tmp_path: Path, known: int, unknown: list) -> None:
    small, chunks = national.national_parts(2_000, chunk=700)
    store.write_dataset(small, tmp_path, demo=True, provenance=[], description="x", chunks=chunks)
    whole = store.read_table(tmp_path, "memberships")
    wanted = list(whole["respondent_id"].astype(str).unique()[-known:] if known else []) + unknown
    some = store.read_table(tmp_path, "memberships", rows=("respondent_id", wanted))
    expected = whole[whole["respondent_id"].astype(str).isin(wanted)]
    assert len(expected) >= known
    pd.testing.assert_frame_equal(some.astype(str).reset_index(drop=True), expected.astype(str).reset_index(drop=True))


def test_a_data_folder_with_quotes_in_its_name(tmp_path: Path, demo_tables) -> None:
    folder = tmp_path / "O'Brien's \"data\""
    store.write_dataset(demo_tables, folder, demo=True, provenance=[], description="demo")
    assert_same_tables({n: store.read_table(folder, n) for n in KEYS}, numpy_cube.build_aggregates(demo_tables),
                       exact=True)


def test_the_engine_draws_no_progress_bar_on_standard_output(tmp_path: Path) -> None:
    """A national build's count tables take minutes; DuckDB's progress bar on stdout would break `--json`.
    Checked in a fresh process whose stdout is a pipe, as a script reading `import --json` has it (under
    pytest's own capture DuckDB leaves the bar off by itself)."""
    import subprocess
    import sys

    code = ("import sys; from analysis.storage import count_tables\n"
            "con = count_tables.connect(sys.argv[1])\n"
            "print(dict(con.execute(\"SELECT name, value FROM duckdb_settings()\").fetchall())"
            "['enable_progress_bar'])\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.stdout.strip() == "false"
