"""Atomic dataset storage: a crash mid-build leaves the previous dataset current, readable and unchanged."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import build_demo, shared_demo_tables

from analysis.model import schema
from analysis.storage import store

ROOT = Path(__file__).resolve().parent.parent

CRASH_AFTER_SECOND_TABLE = """
import os, sys
from analysis.commands import cli
from analysis.storage import store
written = []
real_write = store._write_table
def write_then_die(folder, name, frame):
    real_write(folder, name, frame)
    written.append(name)
    if len(written) == 2:
        os._exit(9)
store._write_table = write_then_die
sys.exit(cli.main(["build", "--demo", "--data-dir", sys.argv[1]]))
"""


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**os.environ, **(env or {})})


def _snapshot(directory: Path) -> tuple[str, dict, dict[str, pd.DataFrame]]:
    return store.current_id(directory), store.manifest(directory), store.read_core(directory)


def test_a_crash_mid_build_leaves_the_previous_dataset_current(tmp_path: Path) -> None:
    build_demo(tmp_path, seed=7)  # a different dataset from the one the crashing build writes
    before_id, before_manifest, before_tables = _snapshot(tmp_path)

    crashed = _run("-c", CRASH_AFTER_SECOND_TABLE, str(tmp_path))
    assert crashed.returncode == 9, crashed.stderr

    staging = list((tmp_path / "datasets").glob(".staging-*"))
    assert len(staging) == 1 and len(list(staging[0].glob("*.parquet"))) >= 2, "the crash came mid-build"
    assert not (staging[0] / "manifest.json").exists(), "the crash came mid-build"
    after_id, after_manifest, after_tables = _snapshot(tmp_path)
    assert after_id == before_id
    assert after_manifest == before_manifest
    for name in schema.CORE_TABLES:
        pd.testing.assert_frame_equal(after_tables[name], before_tables[name])
    assert store.dataset_hash(after_tables) == before_manifest["dataset_hash"]
    datasets = [p.name for p in (tmp_path / "datasets").iterdir() if not p.name.startswith(".")]
    assert datasets == [before_id], "a half-written dataset must never be visible as data"

    rebuilt = _run("-m", "analysis", "build", "--demo", "--data-dir", str(tmp_path))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert store.current_id(tmp_path) != before_id
    assert not list((tmp_path / "datasets").glob(".staging-*")), "the next build clears abandoned staging"


def test_stored_tables_read_back_with_the_same_hash(demo_dir: Path) -> None:
    manifest = store.manifest(demo_dir)
    assert store.dataset_hash(store.read_core(demo_dir)) == manifest["dataset_hash"]
    assert manifest["dataset_id"] == store.current_id(demo_dir) == manifest["dataset_hash"][:16]


@pytest.mark.parametrize("key", ["schema_version", "dataset_hash", "provenance", "demo", "created", "rows"])
def test_manifest_records(demo_dir: Path, key: str) -> None:
    assert key in store.manifest(demo_dir)


def test_manifest_values(demo_dir: Path) -> None:
    manifest = store.manifest(demo_dir)
    assert manifest["schema_version"] == schema.SCHEMA_VERSION
    assert len(manifest["dataset_hash"]) == 64 and int(manifest["dataset_hash"], 16) >= 0
    assert manifest["provenance"] and all("kind" in p for p in manifest["provenance"])


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_every_table_is_stored_with_the_schema_columns(demo_dir: Path, table: str) -> None:
    frame = store.read_table(demo_dir, table)
    assert list(frame.columns) == list(schema.TABLES[table])
    assert len(frame) > 0


def test_writing_the_same_dataset_again_keeps_its_id(tmp_path: Path) -> None:
    first = build_demo(tmp_path, seed=3)
    second = build_demo(tmp_path, seed=3)
    assert first == second
    assert store.current_id(tmp_path) == first["dataset_id"]


def test_the_app_user_can_read_what_the_build_wrote(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        build_demo(tmp_path, seed=3)
    finally:
        os.umask(old)
    dataset = tmp_path / "datasets" / store.current_id(tmp_path)
    for path in [tmp_path / "CURRENT", dataset, *dataset.iterdir()]:
        assert path.stat().st_mode & stat.S_IROTH, f"{path} is not readable by others"


# (explicit, environment, expected): --data-dir wins over $ENGAGEMENT_DATA_DIR, which wins over data/.
@pytest.mark.parametrize(("explicit", "env", "expected"), [
    ("given", "from-env", "given"),
    (None, "from-env", "from-env"),
    (None, None, None),
])
def test_data_dir_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, explicit: str | None,
                             env: str | None, expected: str | None) -> None:
    if env:
        monkeypatch.setenv(store.ENV_VAR, str(tmp_path / env))
    else:
        monkeypatch.delenv(store.ENV_VAR, raising=False)
    got = store.data_dir(tmp_path / explicit if explicit else None)
    assert got == ((tmp_path / expected).resolve() if expected else (ROOT / "data").resolve())


def test_build_honours_the_environment_variable(tmp_path: Path, monkeypatch, capsys) -> None:
    """The command line (run in this process: the variable is read when a command runs; test_cli runs it as its
    own process)."""
    from analysis.commands import cli

    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "env"))
    assert cli.main(["build", "--demo"]) == 0, capsys.readouterr().err
    assert store.has_dataset(tmp_path / "env")
    capsys.readouterr()
    monkeypatch.setenv(store.ENV_VAR, str(tmp_path / "elsewhere"))
    assert cli.main(["summary", "--json", "--data-dir", str(tmp_path / "env")]) == 0
    shown = capsys.readouterr()
    assert store.manifest(tmp_path / "env")["dataset_hash"] in shown.out, shown.err
    assert not (tmp_path / "elsewhere").exists()


def test_no_dataset_is_reported_plainly(tmp_path: Path) -> None:
    assert not store.has_dataset(tmp_path)
    with pytest.raises(store.NoDataset, match="build --demo"):
        store.current_id(tmp_path)


# ---- named datasets ----

def _write(directory: Path, seed: int, **kw) -> dict:
    """A dataset of its own for each seed: the demo of seed 1 or 2, or for another seed the demo of seed 1 with its
    organisations renamed after the seed (another dataset, without making a whole demo again)."""
    tables = shared_demo_tables(seed if seed in (1, 2) else 1)
    if seed not in (1, 2):
        orgs = tables["organisations"]
        tables = {**tables, "organisations": orgs.assign(org_name=orgs["org_name"] + f" ({seed})")}
    return store.write_dataset(tables, directory, demo=False, provenance=[], description=f"seed {seed}", **kw)


def test_an_old_store_without_a_registry_lists_its_datasets(demo_dir: Path) -> None:
    [entry] = store.list_collections(demo_dir)
    assert (entry["name"], entry["current"]) == ("demo", store.current_id(demo_dir))
    assert store.default_collection(demo_dir) == "demo"


def test_a_version_written_into_another_dataset_leaves_the_default_alone(tmp_path: Path) -> None:
    first = _write(tmp_path, 1)["dataset_id"]
    store.create_collection(tmp_path, "Second survey")
    second = _write(tmp_path, 2, collection="second-survey")["dataset_id"]
    assert store.current_id(tmp_path) == first
    assert store.collection(tmp_path, "second-survey")["current"] == second
    store.set_default(tmp_path, "second-survey")
    assert store.current_id(tmp_path) == second and store.default_collection(tmp_path) == "second-survey"


@pytest.mark.parametrize(("wanted", "found"), [
    ("second-survey", "second-survey"), ("Second survey", "second-survey"), ("SECOND SURVEY", "second-survey"),
])
def test_resolve_by_name_or_title(tmp_path: Path, wanted: str, found: str) -> None:
    _write(tmp_path, 1)
    store.create_collection(tmp_path, "Second survey")
    _write(tmp_path, 2, collection="second-survey")
    assert store.resolve(tmp_path, wanted)["name"] == found


@pytest.mark.parametrize("wanted", ["", "nope", "../registry", "second"])
def test_resolve_refuses_what_is_not_there(tmp_path: Path, wanted: str) -> None:
    _write(tmp_path, 1)
    with pytest.raises(store.NoDataset):
        store.resolve(tmp_path, wanted)


def test_a_link_token_resolves_to_its_dataset(tmp_path: Path) -> None:
    manifest = _write(tmp_path, 1)
    assert store.resolve(tmp_path, manifest["dataset_hash"][:12])["name"] == "imported"


def test_every_version_stays_within_the_keep_limit(tmp_path: Path) -> None:
    store.create_collection(tmp_path, "Survey")
    written = [_write(tmp_path, seed, collection="survey")["dataset_id"] for seed in range(store.KEEP_DATASETS + 2)]
    other = _write(tmp_path, 99)["dataset_id"]  # another dataset's only version is never pruned by this one's
    entry = store.collection(tmp_path, "survey")
    assert entry["stored"] == written[-store.KEEP_DATASETS:] and entry["versions"] == written
    assert store.collection(tmp_path, "imported")["current"] == other


@pytest.mark.parametrize(("change", "message"), [
    ({"title": "  "}, "needs a title"),
    ({"archived": True}, "make another dataset the default"),
])
def test_registry_refusals_are_plain(tmp_path: Path, change: dict, message: str) -> None:
    _write(tmp_path, 1)
    with pytest.raises(store.RegistryError, match=message):
        store.update_collection(tmp_path, "imported", **change)


def test_archive_hides_and_restore_brings_back_with_the_data_kept(tmp_path: Path) -> None:
    _write(tmp_path, 1)
    store.create_collection(tmp_path, "Old survey")
    kept = _write(tmp_path, 2, collection="old-survey")["dataset_id"]
    store.update_collection(tmp_path, "old-survey", archived=True, title="Old survey (2019)")
    assert [e["name"] for e in store.list_collections(tmp_path)] == ["imported"]
    assert (tmp_path / "datasets" / kept).is_dir()
    with pytest.raises(store.RegistryError):
        store.set_default(tmp_path, "old-survey")
    store.update_collection(tmp_path, "old-survey", archived=False)
    assert store.collection(tmp_path, "old-survey")["title"] == "Old survey (2019)"
    assert {e["name"] for e in store.list_collections(tmp_path)} == {"imported", "old-survey"}


@pytest.mark.parametrize(("title", "name"), [
    ("Trust survey 2025", "trust-survey-2025"), ("  ../../etc  ", "etc"), ("Ünïcode £ survey", "n-code-survey"),
    ("***", "dataset"),
])
def test_dataset_names_are_safe_slugs(tmp_path: Path, title: str, name: str) -> None:
    assert store.create_collection(tmp_path, title)["name"] == name
    assert store.create_collection(tmp_path, title)["name"] == f"{name}-2", "a second one gets its own name"
