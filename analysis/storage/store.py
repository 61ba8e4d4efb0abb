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
import queue
import re
import shutil
import tempfile
import threading
import time
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from analysis.model import schema
from analysis.model.errors import UserError
from analysis.storage import count_tables, store_guard

ENV_VAR = "ENGAGEMENT_DATA_DIR"
REPO_ROOT = Path(__file__).resolve().parents[2]  # analysis/storage/store.py
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


def question_waves(tables: dict[str, pd.DataFrame]) -> dict[str, dict]:
    """Each question's measure, domain and the waves it was asked in (so waves compare the same questions)."""
    resp, answers, questions = tables["respondents"], tables["answers"], tables["questions"]
    rows = pd.Index(resp["respondent_id"].astype(object)).get_indexer(answers["respondent_id"].astype(object))
    waves = resp["wave"].astype(object).to_numpy()[rows[rows >= 0]]
    pairs = pd.DataFrame({"question_id": answers["question_id"].astype(object).to_numpy()[rows >= 0],
                          "wave": waves}).drop_duplicates()
    asked = pairs.groupby("question_id")["wave"].agg(lambda w: sorted(map(str, w))).to_dict()
    return {str(q.question_id): {"measure": str(q.measure), "domain": str(q.domain),
                                 "waves": asked.get(q.question_id, [])} for q in questions.itertuples()}


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


class _Writers:
    """Parquet writers of the tables being staged, fed by the caller and written on a thread of their own, so
    a large dataset's next chunk is made while the last is encoded and compressed (pyarrow lets go of the
    interpreter while it writes). At most two chunks wait, so memory does not grow with the dataset."""

    def __init__(self, staging: Path) -> None:
        self.staging, self.writers = staging, {}
        self.waiting: queue.Queue = queue.Queue(maxsize=2)
        self.failed: BaseException | None = None
        self.thread = threading.Thread(target=self._work, name="parquet-writer", daemon=True)
        self.thread.start()

    def _work(self) -> None:
        while (item := self.waiting.get()) is not None:
            if self.failed is None:
                name, table = item
                try:
                    if name not in self.writers:
                        self.writers[name] = pq.ParquetWriter(self.staging / f"{name}.parquet", table.schema,
                                                              compression="zstd")
                    self.writers[name].write_table(table.cast(self.writers[name].schema))
                except BaseException as error:  # raised again on the caller's thread
                    self.failed = error

    def write(self, name: str, table: pa.Table) -> None:
        if self.failed is not None:
            raise self.failed
        self.waiting.put((name, table))

    def close(self) -> None:
        """Wait for every table to be written and close the files; raise what went wrong on the way."""
        self.waiting.put(None)
        self.thread.join()
        for writer in self.writers.values():
            writer.close()
        if self.failed is not None:
            raise self.failed


def _write_parts(tables: dict[str, pd.DataFrame], chunks: Iterable[dict[str, pd.DataFrame]],
                 staging: Path) -> dict[str, _TableHash]:
    """Conform, hash and write each table to `staging`, appending each chunk's rows as they come."""
    writers = _Writers(staging)
    sums: dict[str, _TableHash] = {}
    try:
        for part in itertools.chain([tables], chunks):
            for name, frame in part.items():
                if name not in schema.CORE_TABLES and (name not in schema.OPTIONAL_TABLES or not len(frame)):
                    continue  # an absent or empty optional table is not stored
                frame = schema.conform(name, frame)
                sums.setdefault(name, _TableHash(list(frame.columns))).add(frame)
                writers.write(name, _arrow(frame))
    finally:
        writers.close()
    missing = [name for name in schema.CORE_TABLES if name not in sums]
    if missing:
        raise schema.SchemaError(f"the dataset has no {', '.join(missing)} table")
    for name in writers.writers:
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
    collection: str | None = None,
    make_default: bool | None = None,
) -> dict:
    """Validate, aggregate and store a version atomically, add it to a named dataset, and return its manifest.

    `chunks` are further rows of any table, appended in order: a dataset larger than memory is written chunk
    by chunk, and its count tables are made by DuckDB from the stored files (`count_tables.aggregate_parquet`), so
    memory does not grow with its size.

    `collection` is the named dataset (registry id) the version belongs to; without one, the dataset is the
    one a manifest of its kind belongs to (the demo, the national demo, imported data). The version becomes
    what new visitors see only when its dataset is the default: with `make_default` (the default when no
    collection is named, as `build --demo` has always done), or when the store has no default yet.
    """
    directory = _writable(directory)
    with store_guard.writing(directory):
        return _write_dataset(tables, directory, demo=demo, provenance=provenance, description=description,
                              chunks=chunks, collection=collection, make_default=make_default)


def _becomes_current(directory: Path, collection: str | None, make_default: bool | None) -> bool:
    """Whether a version written into `collection` becomes what new visitors see (see write_dataset)."""
    default = default_collection(directory)
    return bool(make_default or (make_default is None and (collection is None or default is None))
                or (collection is not None and collection == default))


def _question_waves(folder: Path, pairs: pd.DataFrame) -> dict[str, dict]:
    """question_waves of the tables stored in `folder`, from the question-wave pairs the count tables gave."""
    questions = schema.conform("questions", pd.read_parquet(folder / "questions.parquet"))  # small: read whole
    asked = pairs.groupby("question_id")["wave"].agg(lambda w: sorted(map(str, w))).to_dict()
    return {str(q.question_id): {"measure": str(q.measure), "domain": str(q.domain),
                                 "waves": asked.get(str(q.question_id), [])} for q in questions.itertuples()}


def _write_dataset(tables: dict[str, pd.DataFrame], directory: Path, *, demo: bool, provenance: list[dict],
                   description: str, chunks: Iterable[dict[str, pd.DataFrame]],
                   collection: str | None, make_default: bool | None) -> dict:
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
            counted = count_tables.aggregate_parquet(staging, scratch=staging, question_waves=True)
            manifest["questions"] = _question_waves(staging, counted.pop("question_waves"))
            for name, frame in counted.items():
                _write_table(staging, name, frame)
            _write_text_atomic(staging / "manifest.json", json.dumps(manifest, indent=2))
            if _becomes_current(directory, collection, make_default):  # only then may recovery make it current
                store_guard.begin(directory, dataset_id)  # a kill from here on is finished by store_guard.recover
            os.replace(staging, final)
            _fsync_path(root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    name = collection or legacy_collection(manifest)
    default = default_collection(directory)
    if make_default is None:
        make_default = collection is None or default is None
    _add_version(directory, name, dataset_id, title=collection_title(manifest) if collection is None else None)
    if make_default or default == name:
        set_default(directory, name)
    store_guard.end(directory)
    _prune(directory)
    return manifest


def _prune(directory: Path) -> None:
    """Remove abandoned staging folders and, per named dataset, all but its newest KEEP_DATASETS versions
    (every dataset's current version, and the one CURRENT names, always stay)."""
    root = directory / "datasets"
    for stale in root.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)
    keep = {_read_text(directory, "CURRENT") or ""}
    for entry in list_collections(directory, archived=True):
        keep |= set(entry["stored"][-KEEP_DATASETS:])
    for folder in root.iterdir():
        if folder.is_dir() and not folder.name.startswith(".") and folder.name.strip() not in {k.strip() for k in keep}:
            shutil.rmtree(folder, ignore_errors=True)


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
    frame = _read_parquet(directory, name, relative,
                          filters=None if rows is None else [(rows[0], "in", rows[1])])
    return schema.conform(name, frame) if name in schema.TABLES else frame


def read_columns(directory: Location, name: str, columns: list[str], dataset_id: str | None = None) -> pd.DataFrame:
    """Some columns of a table as stored (no columns: a frame of its length), without reading the others: a
    national dataset's long tables do not fit in memory whole."""
    relative = f"datasets/{dataset_id or current_id(directory)}/{name}.parquet"
    return _read_parquet(directory, name, relative, columns=columns)


def _read_parquet(directory: Location, name: str, relative: str, **options) -> pd.DataFrame:
    """The Parquet file `relative` of table `name` as stored; a file that cannot be read raises DamagedTable."""
    fs, base = _filesystem(directory)
    try:
        return pd.read_parquet(f"{base}/{relative}", filesystem=fs, **options)
    except MemoryError:  # a table too large for memory is not a damaged one (pyarrow's ArrowMemoryError too)
        raise
    except Exception as exc:  # truncated, overwritten or missing: say which table, log where
        LOG.exception("Could not read table %s at %s/%s", name, base, relative)
        raise DamagedTable(f"The {name} table of dataset {relative.split('/')[1]} could not be read: the "
                           "file is damaged or missing. Choose another dataset on the Data page, or import "
                           "the data again.") from exc


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
    """Make a stored version the one new visitors see, and its named dataset the default; NoDataset when it is
    not stored."""
    directory = _writable(directory)
    if not dataset_id or dataset_id.startswith(".") or "/" in dataset_id or "\\" in dataset_id or not (
            directory / "datasets" / dataset_id / "manifest.json").is_file():
        raise NoDataset(f"There is no dataset {dataset_id!r} in the store.")
    name = collection_of(directory, dataset_id)
    with store_guard.writing(directory):
        if name is not None:
            _write_text_atomic(directory / "DEFAULT", name + "\n")
        _write_text_atomic(directory / "CURRENT", dataset_id + "\n")


# ---- named datasets: a registry of collections of versions, and the default for new visitors ----
#
#   registry/<name>.json   title, description, created, archived, and the ids of its versions, oldest first
#   DEFAULT                the name of the dataset new visitors see (CURRENT names that dataset's newest version)
#
# A version folder (datasets/<id>) is immutable and may belong to several named datasets. Versions written
# before the registry existed belong to the dataset their manifest's kind gives (legacy_collection).

REGISTRY = "registry"
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")


class RegistryError(ValueError):
    """A request about named datasets that cannot be done as asked (said plainly)."""


def slug(title: str) -> str:
    """A dataset name from a title: lower case letters, digits and hyphens, at most 60 characters."""
    text = re.sub(r"[^a-z0-9]+", "-", str(title).lower()).strip("-")[:60].strip("-")
    return text or "dataset"


def legacy_collection(manifest: dict) -> str:
    """The named dataset a version belongs to when no registry entry says: by what made it."""
    generators = {str(p.get("generator", "")) for p in manifest.get("provenance", [])}
    if manifest.get("demo"):
        return "national-demo" if "analysis.synthetic.national" in generators else "demo"
    return "imported"


def collection_title(manifest: dict) -> str:
    """A title for a dataset made before it had one: the study demo, the national demo, or imported data."""
    return {"demo": "Study demo (illustrative)", "national-demo": "National-scale demo (illustrative)"}.get(
        legacy_collection(manifest), "Imported data")


def _registry_entries(directory: Location) -> dict[str, dict]:
    fs, base = _filesystem(directory)
    infos = fs.get_file_info(pafs.FileSelector(f"{base}/{REGISTRY}", allow_not_found=True))
    found = {}
    for info in infos:
        if info.type == pafs.FileType.File and info.base_name.endswith(".json") and not info.base_name.startswith("."):
            text = _read_text(directory, f"{REGISTRY}/{info.base_name}")
            if text:
                entry = json.loads(text)
                found[entry["name"]] = entry
    return found


def list_collections(directory: Location, archived: bool = False) -> list[dict]:
    """Every named dataset (archived ones only when asked), newest first: name, title, description, created,
    archived, versions (ids, oldest first), stored (those still on disk) and current (the newest stored)."""
    entries = _registry_entries(directory)
    manifests = {m["dataset_id"]: m for m in list_datasets(directory)}
    listed = {v for e in entries.values() for v in e.get("versions", [])}
    unlisted: dict[str, list[str]] = {}
    for manifest in sorted(manifests.values(), key=lambda m: str(m.get("created", ""))):
        if manifest["dataset_id"] not in listed:  # written before the registry: its kind names its dataset
            name = legacy_collection(manifest)
            unlisted.setdefault(name, []).append(manifest["dataset_id"])
            entries.setdefault(name, {"name": name, "title": collection_title(manifest), "description": "",
                                      "created": manifest.get("created", ""), "archived": False, "versions": []})
    for name, versions in unlisted.items():  # older than anything the registry lists
        entries[name] = {**entries[name], "versions": [*versions, *entries[name]["versions"]]}
    out = []
    for entry in entries.values():
        stored = [v for v in entry.get("versions", []) if v in manifests]
        if not stored or (entry.get("archived") and not archived):
            continue
        out.append({**entry, "stored": stored, "current": stored[-1], "manifest": manifests[stored[-1]]})
    return sorted(out, key=lambda e: (str(e["manifest"].get("created", "")), e["name"]), reverse=True)


def collection(directory: Location, name: str) -> dict:
    """One named dataset (archived or not); NoDataset when there is none of that name."""
    for entry in list_collections(directory, archived=True):
        if entry["name"] == name:
            return entry
    raise NoDataset(f"There is no dataset named {name!r}.")


def resolve(directory: Location, wanted: str) -> dict:
    """The named dataset a name, a title, or a version id or link token (an older link) refers to."""
    wanted = str(wanted or "").strip()
    entries = list_collections(directory, archived=True)
    for test in (lambda e: e["name"] == wanted, lambda e: e["title"].lower() == wanted.lower(),
                 lambda e: len(wanted) >= 12 and any(v.startswith(wanted) or
                                                     _hash_of(directory, v).startswith(wanted) for v in e["stored"])):
        hits = [e for e in entries if test(e)]
        if hits:
            return hits[0]
    raise NoDataset(f"There is no dataset named {wanted!r}. The datasets are: "
                    + (", ".join(e["name"] for e in entries) or "none yet") + ".")


def _hash_of(directory: Location, version: str) -> str:
    text = _read_text(directory, f"datasets/{version}/manifest.json")
    return json.loads(text).get("dataset_hash", "") if text else ""


def collection_of(directory: Location, version: str) -> str | None:
    """The name of the dataset a version belongs to (its newest one when several), or None."""
    for entry in list_collections(directory, archived=True):
        if version in entry["stored"]:
            return entry["name"]
    return None


def default_collection(directory: Location) -> str | None:
    """The name of the dataset new visitors see: DEFAULT, else the dataset CURRENT's version belongs to."""
    named = (_read_text(directory, "DEFAULT") or "").strip()
    if named:
        return named
    pointer = (_read_text(directory, "CURRENT") or "").strip()
    return collection_of(directory, pointer) if pointer else None


def set_default(directory: Location, name: str) -> None:
    """Make a named dataset the one new visitors see (a deliberate act: never a side effect of an import)."""
    directory = _writable(directory)
    with store_guard.writing(directory):  # never between an import's version and its pointers
        entry = collection(directory, name)
        if entry.get("archived"):
            raise RegistryError(f"Dataset {entry['title']!r} is archived; restore it before making it the default.")
        _write_text_atomic(directory / "DEFAULT", name + "\n")
        _write_text_atomic(directory / "CURRENT", entry["current"] + "\n")


def _save_entry(directory: Path, entry: dict) -> None:
    folder = directory / REGISTRY
    folder.mkdir(parents=True, exist_ok=True)
    keep = {k: entry[k] for k in ("name", "title", "description", "created", "archived", "versions") if k in entry}
    _write_text_atomic(folder / f"{entry['name']}.json", json.dumps(keep, indent=2))


def _stored_entry(directory: Path, name: str) -> dict | None:
    text = _read_text(directory, f"{REGISTRY}/{name}.json")
    if text is not None:
        return json.loads(text)
    try:  # a dataset from before the registry: write it down as it is listed
        found = collection(directory, name)
    except NoDataset:
        return None
    kept = ("name", "title", "description", "created", "archived")
    return {k: found[k] for k in kept} | {"versions": found["stored"]}


def unused_name(directory: Location, title: str, name: str | None = None) -> str:
    """A name no dataset has yet, made from the title unless given (a number added when it is taken)."""
    directory = _writable(directory)
    base = name or slug(" ".join(str(title).split()))
    if not NAME_PATTERN.match(base):
        raise RegistryError(f"{base!r} is not a dataset name: use lower case letters, digits and hyphens.")
    taken = {e["name"] for e in list_collections(directory, archived=True)} | {
        p.stem for p in (directory / REGISTRY).glob("*.json")}
    unique, n = base, 2
    while unique in taken:
        unique, n = f"{base[:56]}-{n}", n + 1
    return unique


def create_collection(directory: Location, title: str, description: str = "", name: str | None = None) -> dict:
    """A new, empty named dataset (its name made from the title unless given, made unique); its entry."""
    directory = _writable(directory)
    title = " ".join(str(title).split())
    if not title:
        raise RegistryError("A dataset needs a title (for example: Trust patient survey 2025).")
    with store_guard.writing(directory):  # two people creating "Survey 2025" at once get two names
        entry = {"name": unused_name(directory, title, name), "title": title,
                 "description": str(description).strip(),
                 "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "archived": False, "versions": []}
        _save_entry(directory, entry)
    return entry


def _add_version(directory: Path, name: str, version: str, title: str | None = None) -> None:
    entry = _stored_entry(directory, name) or {
        "name": name, "title": title or name, "description": "",
        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "archived": False, "versions": []}
    if entry["versions"][-1:] != [version]:
        entry["versions"] = [v for v in entry["versions"] if v != version] + [version]
    _save_entry(directory, entry)


def update_collection(directory: Location, name: str, *, title: str | None = None, description: str | None = None,
                      archived: bool | None = None) -> dict:
    """Rename, describe, archive or restore a named dataset (its data stay as they are); its new entry."""
    directory = _writable(directory)
    with store_guard.writing(directory):  # read, change and save as one step: no edit lost to another's
        return _update_entry(directory, name, title=title, description=description, archived=archived)


def _update_entry(directory: Path, name: str, *, title: str | None, description: str | None,
                  archived: bool | None) -> dict:
    entry = _stored_entry(directory, name)
    if entry is None:
        raise NoDataset(f"There is no dataset named {name!r}.")
    if title is not None:
        if not " ".join(str(title).split()):
            raise RegistryError("A dataset needs a title; it was left as it is.")
        entry["title"] = " ".join(str(title).split())
    if description is not None:
        entry["description"] = str(description).strip()
    if archived is not None:
        if archived and default_collection(directory) == name:
            raise RegistryError(f"{entry['title']!r} is what new visitors see; make another dataset the default "
                                "before archiving it.")
        entry["archived"] = bool(archived)
    _save_entry(directory, entry)
    return entry
