"""The store under two writers, a writer killed half way, and a damaged table."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import shared_demo_tables
from streamlit.testing.v1 import AppTest

from analysis.ingest import importing, mapping
from analysis.storage import store, store_guard
from analysis.synthetic import national

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
TEMPLATE = (FIXTURES / "template.csv").read_bytes()
INTO_NEW_BASE = importing.Options(target=importing.Target(title="Base"))  # a new dataset titled Base
INTO_BASE = importing.Options(target=importing.Target(dataset="base"))  # added to it


def _file(prefix: str) -> tuple[bytes, dict]:
    """The template export with its own respondent ids, and its mapping."""
    data = TEMPLATE.replace(b"WS01-", f"{prefix}-WS01-".encode()).replace(b"INT-RX1", f"{prefix}-INT".encode())
    return data, mapping.guess(data, f"{prefix}.csv")


def _demo(directory: Path) -> str:
    return store.write_dataset(shared_demo_tables(), directory, demo=True, provenance=[], description="demo")[
        "dataset_id"]


def test_two_imports_at_the_same_moment_both_end_up_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write = store.write_dataset

    def slow_write(*args, **kwargs):  # widen the window between reading the dataset and writing the next
        time.sleep(0.5)
        return write(*args, **kwargs)
    monkeypatch.setattr(store, "write_dataset", slow_write)
    files = {name: _file(name) for name in ("first", "second")}
    reports: dict[str, importing.ImportReport] = {}
    start = threading.Barrier(2)

    base, base_spec = _file("base")
    assert importing.run(base, "base.csv", base_spec, tmp_path, INTO_NEW_BASE).ok

    def one(name: str) -> None:  # two later files of the same survey, added to the same named dataset at once
        start.wait()
        data, spec = files[name]
        reports[name] = importing.run(data, f"{name}.csv", spec, tmp_path, INTO_BASE)
    threads = [threading.Thread(target=one, args=(n,)) for n in files]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.ok for r in reports.values()), [r.message for r in reports.values()]
    ids = set(store.read_table(tmp_path, "respondents")["respondent_id"])
    assert {i.split("-")[0] for i in ids} == {"base", "first", "second"}, "every file's respondents are in it"
    assert len(store.manifest(tmp_path)["provenance"]) == 3


def test_two_import_commands_at_once_both_end_up_stored(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    base, base_spec = _file("base")
    assert importing.run(base, "base.csv", base_spec, data_dir, INTO_NEW_BASE).ok
    commands = []
    for name in ("one", "two"):
        data, spec = _file(name)
        (tmp_path / f"{name}.csv").write_bytes(data)
        (tmp_path / f"{name}.toml").write_text(mapping.to_toml(spec), encoding="utf-8")
        commands.append([sys.executable, "-m", "analysis", "import", str(tmp_path / f"{name}.csv"), "--mapping",
                         str(tmp_path / f"{name}.toml"), "--data-dir", str(data_dir), "--dataset", "base"])
    running = [subprocess.Popen(c, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for c in commands]
    results = [(p.returncode, p.communicate(timeout=120)[1].decode()) for p in running]
    results = [(p.returncode, err) for p, (_, err) in zip(running, results, strict=True)]
    assert [code for code, _ in results] == [0, 0], results
    files = {p["file"] for p in store.manifest(data_dir)["provenance"]}
    assert files == {"base.csv", "one.csv", "two.csv"}
    assert not list((data_dir / "datasets").glob(".staging-*")), "no staging folder is left behind"


def test_a_second_writer_that_cannot_wait_is_refused_plainly(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _demo(tmp_path)
    before = store.current_id(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time; fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
        "fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); time.sleep(30)"),
        str(tmp_path / store_guard.LOCK_NAME)], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"held"
        monkeypatch.setenv(store_guard.WAIT_ENV, "0.3")
        data, spec = _file("busy")
        from analysis.views import datasets
        report = datasets.import_file(data, "busy.csv", spec, tmp_path)
        assert not report.ok and "Another import is being written" in report.message
        assert "unexpected" not in report.message
        assert store.current_id(tmp_path) == before, "nothing changed"
    finally:
        holder.kill()
        holder.communicate()
    assert importing.run(data, "busy.csv", spec, tmp_path).ok, "once the first writer is gone, the import works"


def _killed_before_current(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data: bytes, spec: dict,
                           dataset: str = "base") -> None:
    """Import, with the process 'killed' after the dataset is moved into place and before CURRENT changes."""
    real = store._write_text_atomic

    def die_at_current(target: Path, text: str) -> None:
        if target.name == "CURRENT":
            raise KeyboardInterrupt("killed")
        real(target, text)
    monkeypatch.setattr(store, "_write_text_atomic", die_at_current)
    with pytest.raises(KeyboardInterrupt):
        importing.run(data, "file.csv", spec, tmp_path, importing.Options(target=importing.Target(dataset=dataset)))
    monkeypatch.setattr(store, "_write_text_atomic", real)


def _base(directory: Path) -> str:
    """An imported dataset 'base', the default (the first in an empty store); its version."""
    data, spec = _file("base")
    return importing.run(data, "base.csv", spec, directory, INTO_NEW_BASE).dataset_id


def test_a_write_killed_before_current_is_finished_on_the_next_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base_id = _base(tmp_path)
    data, spec = _file("killed")
    _killed_before_current(tmp_path, monkeypatch, data, spec)
    assert store.current_id(tmp_path) == base_id, "the kill left CURRENT on the version before"
    store_guard.recover_on_start(tmp_path)
    current = store.manifest(tmp_path)
    assert [p["file"] for p in current["provenance"]] == ["base.csv", "file.csv"]
    assert store.collection(tmp_path, "base")["current"] == current["dataset_id"]
    assert not (tmp_path / store_guard.PENDING_NAME).exists()


def test_a_file_already_stored_is_reported_with_the_dataset_that_holds_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _base(tmp_path)
    data, spec = _file("again")
    _killed_before_current(tmp_path, monkeypatch, data, spec)
    store_guard.recover_on_start(tmp_path)
    for target in (importing.Target(dataset="base"), importing.Target(title="Elsewhere")):
        report = importing.run(data, "file.csv", spec, tmp_path, importing.Options(target=target))
        assert report.ok and report.already_imported and report.dataset == "base", report.message
    assert [e["name"] for e in store.list_collections(tmp_path)] == ["base"], "no second copy was made"


def test_an_import_into_another_dataset_killed_midway_never_changes_the_default(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    demo_id = _demo(tmp_path)
    data, spec = _file("other")
    real = store._write_text_atomic

    seen = []

    def die_at_registry(target: Path, text: str) -> None:  # the new dataset's entry is written; its version not
        if target.parent.name == store.REGISTRY:
            seen.append(target.name)
            if len(seen) == 2:
                raise KeyboardInterrupt("killed")
        real(target, text)
    monkeypatch.setattr(store, "_write_text_atomic", die_at_registry)
    with pytest.raises(KeyboardInterrupt):
        importing.run(data, "file.csv", spec, tmp_path, importing.Options(target=importing.Target(title="Other")))
    monkeypatch.setattr(store, "_write_text_atomic", real)
    assert len(seen) == 2, "killed after the version was moved into place, before it was registered"
    store_guard.recover_on_start(tmp_path)
    assert store.current_id(tmp_path) == demo_id and store.default_collection(tmp_path) == "demo"


def test_recovery_drops_a_journal_whose_dataset_never_arrived(tmp_path: Path) -> None:
    demo_id = _demo(tmp_path)
    (tmp_path / store_guard.PENDING_NAME).write_text("0123456789abcdef\n", encoding="utf-8")
    (tmp_path / "datasets" / ".staging-x").mkdir()
    store_guard.recover_on_start(tmp_path)
    assert store.current_id(tmp_path) == demo_id
    assert not (tmp_path / store_guard.PENDING_NAME).exists()
    assert not (tmp_path / "datasets" / ".staging-x").exists()


# ---- a damaged table ----

CUBE = {"agg_answers", "organisations"}
READS = {"overview": CUBE, "domains": CUBE, "voices": CUBE | {"stories"},
         "data": {"agg_answers", "organisations", "answers", "stories"}}


@pytest.fixture(scope="module")
def two_datasets(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store holding another dataset (the demo of seed 7) and then the demo, made once for the module (each test
    damages a copy); the store and the demo's dataset id."""
    directory = tmp_path_factory.mktemp("two-datasets")
    store.write_dataset(shared_demo_tables(7), directory, demo=True, provenance=[], description="other")
    return directory, _demo(directory)


@pytest.mark.apptest
@pytest.mark.parametrize("table", ["agg_answers", "organisations", "answers", "stories"])
@pytest.mark.parametrize("page", ["overview", "domains", "voices", "data"])
def test_a_damaged_table_names_itself_and_the_data_page_still_switches(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_datasets: tuple[Path, str], table: str,
        page: str) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(two_datasets[0], data_dir)
    damaged = two_datasets[1]
    path = data_dir / "datasets" / damaged / f"{table}.parquet"
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])  # cut in half, as a full disk leaves it
    monkeypatch.setenv(store.ENV_VAR, str(data_dir))
    monkeypatch.chdir(ROOT)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    if page != "overview":
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    shown = " ".join(e.value for e in at.error).replace("\\", "")
    if table in READS[page]:
        assert f"The {table} table of dataset {damaged} could not be read" in shown or page == "data", shown
    else:
        assert not shown, "a page that does not read the damaged table works as usual"
    assert str(tmp_path) not in shown, "no server path in front of people"
    assert at.sidebar.multiselect, "the frame (filters, navigation) still works"
    if page == "data":
        assert f"{table} could not be read" in shown
        assert at.button(key="make_default") is not None and at.selectbox(key="manage_dataset")


@pytest.mark.parametrize("read", [lambda d: store.read_table(d, "answers"),
                                  lambda d: store.read_columns(d, "answers", ["level_id"])], ids=["whole", "columns"])
def test_a_table_too_large_for_memory_is_not_called_damaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            read) -> None:
    """Reading 240 million answers under a memory cap failed as 'the file is damaged or missing' (found by the
    plain approach at 20M): out of memory is not damage, and the file is not blamed."""
    import pyarrow as pa

    _demo(tmp_path)

    def out_of_memory(*args, **kwargs):
        raise pa.ArrowMemoryError("malloc of size 1920000000 failed")

    monkeypatch.setattr(store.pd, "read_parquet", out_of_memory)
    with pytest.raises(MemoryError, match="malloc"):
        read(tmp_path)


@pytest.mark.parametrize("change", [
    lambda d: store.set_default(d, "second"),
    lambda d: store.update_collection(d, "second", title="Renamed"),
    lambda d: store.update_collection(d, "second", archived=True),
    lambda d: store.create_collection(d, "Another survey"),
], ids=["make the default", "rename", "archive", "create"])
def test_registry_changes_wait_for_a_write_in_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        change) -> None:
    """Making the default, renaming, archiving or creating a dataset while an import writes waits for it, and
    says so plainly when it cannot: never a half-written pointer beside a half-written version."""
    _demo(tmp_path)
    store.write_dataset(national.national_tables(200), tmp_path, demo=True, provenance=[], description="second",
                        collection="second")
    before = {p.name: p.read_bytes() for p in (tmp_path / store.REGISTRY).glob("*.json")}
    before_default = store.default_collection(tmp_path)
    monkeypatch.setenv(store_guard.WAIT_ENV, "0.3")
    held, release = threading.Event(), threading.Event()

    def writer() -> None:
        with store_guard.writing(tmp_path):
            held.set()
            release.wait(10)
    thread = threading.Thread(target=writer)
    thread.start()
    held.wait(10)
    try:
        with pytest.raises(store_guard.StoreBusy, match="nothing was changed"):
            change(tmp_path)
        assert {p.name: p.read_bytes() for p in (tmp_path / store.REGISTRY).glob("*.json")} == before
        assert store.default_collection(tmp_path) == before_default
    finally:
        release.set()
        thread.join()
    change(tmp_path)  # once the write is done, the change goes through
