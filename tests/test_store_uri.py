"""The store read from a storage URI: a dataset copied to object storage (a local S3 stand-in, moto) reads
back exactly as the local folder does, serves the pages, and refuses writes with a plain message."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow.fs as pafs
import pytest
from conftest import open_page
from streamlit.testing.v1 import AppTest

from analysis.model.filters import Filters
from analysis.storage import store
from analysis.storage.store import ReadOnlyStore
from analysis.views import datasets, registry

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.server
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
               "AWS_EC2_METADATA_DISABLED": "true"}


@pytest.fixture(scope="module")
def s3() -> Iterator[str]:
    """The base of a bucket on a local S3 server: s3://engagement/{prefix}?endpoint_override=..."""
    from moto.server import ThreadedMotoServer

    with pytest.MonkeyPatch.context() as env:
        for key, value in CREDENTIALS.items():
            env.setenv(key, value)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"endpoint_override={host}:{port}&scheme=http&region=us-east-1"
        finally:
            server.stop()

def _uri(s3: str, prefix: str) -> str:
    return f"s3://engagement/{prefix}?{s3}&allow_bucket_creation=true"


@pytest.fixture(scope="module")
def s3_store(s3: str, demo_dir: Path) -> str:
    """The demo dataset copied to s3://engagement/store, folder for folder."""
    uri = _uri(s3, "store")
    fs, base = pafs.FileSystem.from_uri(uri)
    fs.create_dir("engagement")
    pafs.copy_files(str(demo_dir), base, source_filesystem=pafs.LocalFileSystem(), destination_filesystem=fs)
    return uri


def test_a_uri_is_kept_and_a_file_uri_is_a_local_folder(tmp_path: Path) -> None:
    assert store.data_dir("s3://bucket/prefix/") == "s3://bucket/prefix"
    assert store.data_dir(f"file://{tmp_path}") == tmp_path.resolve()
    assert store.data_dir(str(tmp_path)) == tmp_path.resolve()


def test_the_store_reads_back_as_the_local_folder(s3_store: str, demo_dir: Path) -> None:
    location = store.data_dir(s3_store)
    assert store.current_id(location) == store.current_id(demo_dir)
    assert store.manifest(location) == store.manifest(demo_dir)
    assert store.list_datasets(location) == store.list_datasets(demo_dir)
    for name, frame in store.read_core(demo_dir).items():
        assert store.read_table(location, name).equals(frame), name


def test_the_pages_give_the_same_numbers_from_the_store(s3_store: str, demo_dir: Path) -> None:
    remote, local = registry.store_sources(store.data_dir(s3_store)), registry.store_sources(demo_dir)
    view = Filters(sector=("nhs",))
    for page in registry.PAGES:
        for got, expected in zip(registry.page_panels(page, remote, view), registry.page_panels(page, local, view),
                                 strict=True):
            assert got.table.equals(expected.table) and got.summary == expected.summary, got.chart_id


def test_an_empty_store_says_there_is_no_dataset(s3: str) -> None:
    location = store.data_dir(_uri(s3, "empty"))
    assert not store.has_dataset(location)
    assert store.list_datasets(location) == []
    with pytest.raises(store.NoDataset, match="No dataset in s3://engagement/empty"):
        store.current_id(location)


def test_writes_to_a_uri_are_refused_and_change_nothing(s3_store: str, demo_tables: dict) -> None:
    location = store.data_dir(s3_store)
    before = store.list_datasets(location)
    with pytest.raises(ReadOnlyStore, match="only reads"):
        store.write_dataset(demo_tables, location, demo=True, provenance=[], description="demo")
    with pytest.raises(ReadOnlyStore, match="only reads"):
        store.use_dataset(location, before[0]["dataset_id"])
    assert store.list_datasets(location) == before


@pytest.mark.apptest
def test_the_app_serves_a_store_it_reads_by_uri(s3_store: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(store.ENV_VAR, s3_store)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/groups.py").run()
    assert not at.exception, [e.message for e in at.exception]
    # One chart a panel (a heat map with no shape picked also draws its ranked list, keyed "ranked_...").
    charts = [chart for chart in at.get("plotly_chart") if chart.key.startswith("chart_")]
    assert len(charts) == len(registry.PAGES["groups"].entries)
    data = open_page("data").run()
    assert not data.exception, [e.message for e in data.exception]
    assert any(e.value == datasets.READ_ONLY_NOTE for e in data.info)
    assert not data.get("file_uploader")
    assert data.button and all(b.disabled for b in data.button), "nothing in the store can be changed from here"


def test_a_new_current_dataset_shows_within_the_pointer_time(s3: str, demo_dir: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    uri = _uri(s3, "switching")
    fs, base = pafs.FileSystem.from_uri(uri)
    pafs.copy_files(str(demo_dir), base, source_filesystem=pafs.LocalFileSystem(), destination_filesystem=fs)
    location = store.data_dir(uri)
    monkeypatch.setattr(store, "POINTER_SECONDS", 3600.0)
    first = store.current_id(location)
    pafs.copy_files(f"{base}/datasets/{first}", f"{base}/datasets/newer", source_filesystem=fs,
                    destination_filesystem=fs)
    with fs.open_output_stream(f"{base}/CURRENT") as handle:
        handle.write(b"newer\n")
    assert store.current_id(location) == first  # not read again within POINTER_SECONDS
    monkeypatch.setattr(store, "POINTER_SECONDS", 0.0)
    assert store.current_id(location) == "newer"
