"""Atomic Parquet storage of datasets, with a manifest and a pointer to the dataset in use.

Layout under the data directory:
  datasets/<dataset_id>/<table>.parquet   one folder per dataset, never changed once written
  datasets/<dataset_id>/manifest.json     schema version, dataset hash, provenance
  CURRENT                                 the id of the dataset the app shows

A dataset is written into a hidden staging folder, fsynced, renamed into place, and only then is
CURRENT replaced (write beside, fsync, os.replace). A crash at any point leaves the previous
dataset readable and unchanged.

The store is read from a local folder or from a storage URI with the same layout (`s3://bucket/prefix`,
`gs://...`, `file:///...`), through `pyarrow.fs`: the app and the read-only commands can serve a store that
another machine writes. Writing (build, import, choosing the dataset in use) needs a local folder.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from analysis import cube, schema, store_guard
from analysis.errors import UserError

ENV_VAR = "ENGAGEMENT_DATA_DIR"
REPO_ROOT = Path(__file__).resolve().parent.parent
KEEP_DATASETS = 5
LOG = logging.getLogger("engagement_explorer")
POINTER_SECONDS = 5.0  # how long a store read by URI trusts the CURRENT it last read (one request per rerun saved)


Location = Path | str  # a local data directory, or the URI of a store in object storage


class NoDataset(LookupError):
    """There is no dataset in the data directory yet."""


class DamagedTable(UserError):
    """A table of a stored dataset cannot be read (the message names the table, never a server path)."""


class ReadOnlyStore(ValueError):
    """A write was asked of a store given by URI: writing needs a local data directory."""


def is_uri(location: Location) -> bool:
    """Whether a location is a storage URI (s3://, gs://, ...) rather than a local folder."""
    return isinstance(location, str) and "://" in location and not location.startswith("file://")


def data_dir(explicit: str | os.PathLike | None = None) -> Location:
    """Where the data is: the explicit location, else $ENGAGEMENT_DATA_DIR, else data/ in the repo.

    A local folder (or a file:// URI) comes back as an absolute Path; any other URI (s3://bucket/prefix)
    comes back as the URI, for the read-only functions below.
    """
    chosen = explicit or os.environ.get(ENV_VAR) or REPO_ROOT / "data"
    if is_uri(str(chosen)):
        return str(chosen).rstrip("/")
    if str(chosen).startswith("file://"):
        chosen = pafs.FileSystem.from_uri(str(chosen))[1]
    return Path(chosen).expanduser().resolve()


@lru_cache(maxsize=8)
def _uri_filesystem(uri: str) -> tuple[pafs.FileSystem, str]:
    return pafs.FileSystem.from_uri(uri)


def _filesystem(location: Location) -> tuple[pafs.FileSystem, str]:
    """The filesystem a store is read through, and the store's path on it: local folders and URIs alike."""
    return _uri_filesystem(location) if is_uri(location) else (pafs.LocalFileSystem(), str(location))


def _read_text(location: Location, relative: str) -> str | None:
    """A small text file of the store (CURRENT, a manifest), or None when it is not there."""
    fs, base = _filesystem(location)
    try:
        with fs.open_input_stream(f"{base}/{relative}") as handle:
            return handle.read().decode("utf-8")
    except FileNotFoundError:
        return None


def read_text(location: Location, relative: str) -> str | None:
    """A small text file of a dataset folder (the review decisions), or None when it is not there."""
    return _read_text(location, relative)


def _exists(location: Location, relative: str) -> bool:
    fs, base = _filesystem(location)
    return fs.get_file_info(f"{base}/{relative}").type != pafs.FileType.NotFound


def _writable(location: Location) -> Path:
    if is_uri(location):
        raise ReadOnlyStore(f"{location} is a storage URI, which this app only reads. Build or import into a "
                            "local data directory and copy it to the store (docs/scaling.md).")
    return Path(location)


def dataset_hash(tables: dict[str, pd.DataFrame]) -> str:
    """A content hash of the core tables, independent of row order and file format.

    Each row is hashed; the row hashes are combined by order-free sums, so no large sort is needed, and a table
    written in chunks hashes the same as when whole (`_TableHash`).
    """
    sums: dict[str, _TableHash] = {}
    for name, frame in tables.items():
        sums.setdefault(name, _TableHash(list(frame.columns))).add(frame)
    return _digest(sums)


class _TableHash:
    """A table's part of the dataset hash: its columns, rows and two order-free sums of its row hashes."""

    def __init__(self, columns: list[str]) -> None:
        self.columns, self.rows, self.sum, self.mixed = columns, 0, 0, 0

    def add(self, frame: pd.DataFrame) -> None:
        rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        mixed = pd.util.hash_array(rows)  # a second, independent mix of each row hash
        self.rows += len(frame)
        self.sum = (self.sum + int(rows.sum(dtype="uint64"))) % 2**64
        self.mixed = (self.mixed + int(mixed.sum(dtype="uint64"))) % 2**64


def _digest(sums: dict[str, _TableHash]) -> str:
    digest = hashlib.sha256(f"schema:{schema.SCHEMA_VERSION}".encode())
    present = [n for n in schema.OPTIONAL_TABLES if n in sums and sums[n].rows]  # absent or empty: not hashed
    for name in [*schema.CORE_TABLES, *present]:
        table = sums[name]
        digest.update(name.encode())
        digest.update(",".join(table.columns).encode())
        digest.update(table.rows.to_bytes(8, "little"))
        digest.update(table.sum.to_bytes(8, "little"))
        digest.update(table.mixed.to_bytes(8, "little"))
    return digest.hexdigest()


def _fsync_path(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_table(folder: Path, name: str, frame: pd.DataFrame) -> None:
    target = folder / f"{name}.parquet"
    frame.to_parquet(target, index=False, compression="zstd")
    _fsync_path(target)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_text_atomic(target: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600: let the app's user read what the build wrote
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_path(target.parent)


def _arrow(frame: pd.DataFrame) -> pa.Table:
    """A frame as an Arrow table with 32-bit dictionary indices, so chunks of one table share one schema."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    fields = [f.with_type(pa.dictionary(pa.int32(), f.type.value_type)) if pa.types.is_dictionary(f.type) else f
              for f in table.schema]
    return table.cast(pa.schema(fields, metadata=table.schema.metadata))


def _write_parts(tables: dict[str, pd.DataFrame], chunks: Iterable[dict[str, pd.DataFrame]],
                 staging: Path) -> dict[str, _TableHash]:
    """Conform, hash and write each table to `staging`, appending each chunk's rows as they come."""
    writers: dict[str, pq.ParquetWriter] = {}
    sums: dict[str, _TableHash] = {}
    try:
        for part in itertools.chain([tables], chunks):
            for name, frame in part.items():
                if name not in schema.CORE_TABLES and (name not in schema.OPTIONAL_TABLES or not len(frame)):
                    continue  # an absent or empty optional table is not stored
                frame = schema.conform(name, frame)
                sums.setdefault(name, _TableHash(list(frame.columns))).add(frame)
                table = _arrow(frame)
                if name not in writers:
                    writers[name] = pq.ParquetWriter(staging / f"{name}.parquet", table.schema, compression="zstd")
                writers[name].write_table(table.cast(writers[name].schema))
    finally:
        for writer in writers.values():
            writer.close()
    missing = [name for name in schema.CORE_TABLES if name not in sums]
    if missing:
        raise schema.SchemaError(f"the dataset has no {', '.join(missing)} table")
    for name in writers:
        _fsync_path(staging / f"{name}.parquet")
    return sums


def write_dataset(
    tables: dict[str, pd.DataFrame],
    directory: Path,
    *,
    demo: bool,
    provenance: list[dict],
    description: str,
    chunks: Iterable[dict[str, pd.DataFrame]] = (),
) -> dict:
    """Validate, aggregate and store a dataset atomically, make it current, and return its manifest.

    `chunks` are further rows of any table, appended in order: a dataset larger than memory is written chunk
    by chunk, and its count tables are made by DuckDB from the stored files (`cube.aggregate_parquet`), so
    memory does not grow with its size.
    """
    directory = _writable(directory)
    with store_guard.writing(directory):
        return _write_dataset(tables, directory, demo=demo, provenance=provenance, description=description,
                              chunks=chunks)


def _write_dataset(tables: dict[str, pd.DataFrame], directory: Path, *, demo: bool, provenance: list[dict],
                   description: str, chunks: Iterable[dict[str, pd.DataFrame]]) -> dict:
    root = directory / "datasets"
    root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
    os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes 0700, which would outlive the rename
    try:
        sums = _write_parts(tables, chunks, staging)
        digest = _digest(sums)
        dataset_id = digest[:16]
        final = root / dataset_id
        if final.exists():
            shutil.rmtree(staging, ignore_errors=True)
            manifest = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
        else:
            manifest = {
                "schema_version": schema.SCHEMA_VERSION,
                "dataset_id": dataset_id,
                "dataset_hash": digest,
                "demo": demo,
                "description": description,
                "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "provenance": provenance,
                "rows": {name: sums[name].rows for name in (*schema.CORE_TABLES, *schema.OPTIONAL_TABLES)
                         if name in sums},
            }
            for name, frame in cube.aggregate_parquet(staging, scratch=staging).items():
                _write_table(staging, name, frame)
            _write_text_atomic(staging / "manifest.json", json.dumps(manifest, indent=2))
            store_guard.begin(directory, dataset_id)  # a kill from here on is finished by store_guard.recover
            os.replace(staging, final)
            _fsync_path(root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _write_text_atomic(directory / "CURRENT", dataset_id + "\n")
    store_guard.end(directory)
    _prune(directory, keep=dataset_id)
    return manifest


def _prune(directory: Path, keep: str) -> None:
    """Remove abandoned staging folders and all but the newest datasets (the current one always stays)."""
    root = directory / "datasets"
    for stale in root.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    folders = sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    for old in folders[KEEP_DATASETS:]:
        if old.name != keep:
            shutil.rmtree(old, ignore_errors=True)


_pointers: dict[str, tuple[float, str]] = {}


def current_id(directory: Location) -> str:
    """The id of the dataset in use; NoDataset when none has been built.

    A store read by URI is asked again only after POINTER_SECONDS, so a new dataset shows within seconds
    without a request to object storage on every rerun.
    """
    if is_uri(directory):
        read_at, dataset_id = _pointers.get(str(directory), (float("-inf"), ""))
        if time.monotonic() - read_at < POINTER_SECONDS:
            return dataset_id
    pointer = _read_text(directory, "CURRENT")
    if pointer is None:
        raise NoDataset(f"No dataset in {directory}. Build one with: python -m analysis build --demo")
    dataset_id = pointer.strip()
    if not _exists(directory, f"datasets/{dataset_id}/manifest.json"):
        raise NoDataset(f"{directory}/CURRENT names dataset {dataset_id!r}, which is missing. "
                        "Rebuild with: python -m analysis build --demo")
    if is_uri(directory):
        _pointers[str(directory)] = (time.monotonic(), dataset_id)
    return dataset_id


def has_dataset(directory: Location) -> bool:
    """True when the data directory holds a usable current dataset."""
    try:
        current_id(directory)
    except NoDataset:
        return False
    return True


def manifest(directory: Location, dataset_id: str | None = None) -> dict:
    """The manifest of a dataset (the current one by default)."""
    dataset_id = dataset_id or current_id(directory)
    text = _read_text(directory, f"datasets/{dataset_id}/manifest.json")
    if text is None:
        raise NoDataset(f"There is no dataset {dataset_id!r} in {directory}.")
    return json.loads(text)


def read_table(directory: Location, name: str, dataset_id: str | None = None,
               rows: tuple[str, list[str]] | None = None) -> pd.DataFrame:
    """A table of a dataset (the current one by default), with the schema's types; optional tables may be absent.

    `rows` (column, values) reads only the rows whose column has one of the values, without loading the rest.
    """
    relative = f"datasets/{dataset_id or current_id(directory)}/{name}.parquet"
    if name in schema.OPTIONAL_TABLES and not _exists(directory, relative):
        return schema.empty(name)
    fs, base = _filesystem(directory)
    try:
        frame = pd.read_parquet(f"{base}/{relative}", filesystem=fs,
                                filters=None if rows is None else [(rows[0], "in", rows[1])])
    except Exception as exc:  # truncated, overwritten or missing: say which table, log where
        LOG.exception("Could not read table %s at %s/%s", name, base, relative)
        raise DamagedTable(f"The {name} table of dataset {relative.split('/')[1]} could not be read: the "
                           "file is damaged or missing. Choose another dataset on the Data page, or import "
                           "the data again.") from exc
    return schema.conform(name, frame) if name in schema.TABLES else frame


def damaged_tables(directory: Location, dataset_id: str | None = None) -> list[str]:
    """The tables of a dataset whose files are missing or cannot be opened (footer checked, not every row)."""
    import pyarrow.parquet as pq

    dataset_id = dataset_id or current_id(directory)
    fs, base = _filesystem(directory)
    found = []
    names = [*schema.CORE_TABLES, *schema.OPTIONAL_TABLES, "agg_answers", "agg_respondents"]
    for name in names:
        relative = f"datasets/{dataset_id}/{name}.parquet"
        if name in schema.OPTIONAL_TABLES and not _exists(directory, relative):
            continue
        try:
            pq.ParquetFile(f"{base}/{relative}", filesystem=fs).metadata  # noqa: B018 - reading the footer is the check
        except Exception:  # any failure to open it: the table is damaged or gone
            found.append(name)
    return found


def read_core(directory: Location, dataset_id: str | None = None) -> dict[str, pd.DataFrame]:
    """All core tables of a dataset, and its optional tables (empty when it has none)."""
    return {name: read_table(directory, name, dataset_id) for name in (*schema.CORE_TABLES, *schema.OPTIONAL_TABLES)}


def list_datasets(directory: Location) -> list[dict]:
    """The manifests of every stored dataset, newest first (none when the directory holds none)."""
    fs, base = _filesystem(directory)
    folders = fs.get_file_info(pafs.FileSelector(f"{base}/datasets", allow_not_found=True))
    ids = [info.base_name for info in folders if info.type == pafs.FileType.Directory]
    found = [json.loads(text) for text in (_read_text(directory, f"datasets/{i}/manifest.json")
                                           for i in ids if not i.startswith(".")) if text is not None]
    return sorted(found, key=lambda m: (str(m.get("created", "")), m.get("dataset_id", "")), reverse=True)


def use_dataset(directory: Location, dataset_id: str) -> None:
    """Make a stored dataset the current one (an atomic replace of CURRENT); NoDataset when it is not stored."""
    directory = _writable(directory)
    if not dataset_id or dataset_id.startswith(".") or "/" in dataset_id or "\\" in dataset_id or not (
            directory / "datasets" / dataset_id / "manifest.json").is_file():
        raise NoDataset(f"There is no dataset {dataset_id!r} in the store.")
    with store_guard.writing(directory):
        _write_text_atomic(directory / "CURRENT", dataset_id + "\n")
