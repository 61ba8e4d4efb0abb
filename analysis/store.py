"""Atomic Parquet storage of datasets, with a manifest and a pointer to the dataset in use.

Layout under the data directory:
  datasets/<dataset_id>/<table>.parquet   one folder per dataset, never changed once written
  datasets/<dataset_id>/manifest.json     schema version, dataset hash, provenance
  CURRENT                                 the id of the dataset the app shows

A dataset is written into a hidden staging folder, fsynced, renamed into place, and only then is
CURRENT replaced (write beside, fsync, os.replace). A crash at any point leaves the previous
dataset readable and unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from analysis import cube, schema

ENV_VAR = "ENGAGEMENT_DATA_DIR"
REPO_ROOT = Path(__file__).resolve().parent.parent
KEEP_DATASETS = 5


class NoDataset(LookupError):
    """There is no dataset in the data directory yet."""


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data directory: the explicit one, else $ENGAGEMENT_DATA_DIR, else data/ in the repo."""
    chosen = explicit or os.environ.get(ENV_VAR) or REPO_ROOT / "data"
    return Path(chosen).expanduser().resolve()


def dataset_hash(tables: dict[str, pd.DataFrame]) -> str:
    """A content hash of the core tables, independent of row order and file format.

    Each row is hashed; the row hashes are combined by order-free sums, so no large sort is needed.
    """
    digest = hashlib.sha256(f"schema:{schema.SCHEMA_VERSION}".encode())
    present = [n for n in schema.OPTIONAL_TABLES if n in tables and len(tables[n])]  # absent or empty: not hashed
    for name in [*schema.CORE_TABLES, *present]:
        frame = tables[name]
        rows = pd.util.hash_pandas_object(frame, index=False).to_numpy()
        mixed = pd.util.hash_array(rows)  # a second, independent mix of each row hash
        digest.update(name.encode())
        digest.update(",".join(frame.columns).encode())
        digest.update(len(frame).to_bytes(8, "little"))
        digest.update(int(rows.sum(dtype="uint64")).to_bytes(8, "little"))
        digest.update(int(mixed.sum(dtype="uint64")).to_bytes(8, "little"))
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


def write_dataset(
    tables: dict[str, pd.DataFrame],
    directory: Path,
    *,
    demo: bool,
    provenance: list[dict],
    description: str,
) -> dict:
    """Validate, aggregate and store a dataset atomically, make it current, and return its manifest."""
    core = {name: schema.conform(name, tables[name]) for name in schema.CORE_TABLES}
    core |= {name: schema.conform(name, tables[name]) for name in schema.OPTIONAL_TABLES
             if name in tables and len(tables[name])}
    digest = dataset_hash(core)
    dataset_id = digest[:16]
    root = directory / "datasets"
    root.mkdir(parents=True, exist_ok=True)
    final = root / dataset_id
    if final.exists():
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
            "rows": {name: len(frame) for name, frame in core.items()},
        }
        staging = Path(tempfile.mkdtemp(dir=root, prefix=".staging-"))
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes 0700, which would outlive the rename
        try:
            for name, frame in {**core, **cube.build_aggregates(core)}.items():  # optional tables too
                _write_table(staging, name, frame)
            _write_text_atomic(staging / "manifest.json", json.dumps(manifest, indent=2))
            os.replace(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        _fsync_path(root)
    _write_text_atomic(directory / "CURRENT", dataset_id + "\n")
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


def current_id(directory: Path) -> str:
    """The id of the dataset in use; NoDataset when none has been built."""
    pointer = directory / "CURRENT"
    if not pointer.exists():
        raise NoDataset(f"No dataset in {directory}. Build one with: python -m analysis build --demo")
    dataset_id = pointer.read_text(encoding="utf-8").strip()
    if not (directory / "datasets" / dataset_id / "manifest.json").exists():
        raise NoDataset(f"{directory / 'CURRENT'} names dataset {dataset_id!r}, which is missing. "
                        "Rebuild with: python -m analysis build --demo")
    return dataset_id


def has_dataset(directory: Path) -> bool:
    """True when the data directory holds a usable current dataset."""
    try:
        current_id(directory)
    except NoDataset:
        return False
    return True


def manifest(directory: Path, dataset_id: str | None = None) -> dict:
    """The manifest of a dataset (the current one by default)."""
    dataset_id = dataset_id or current_id(directory)
    return json.loads((directory / "datasets" / dataset_id / "manifest.json").read_text(encoding="utf-8"))


def table_path(directory: Path, name: str, dataset_id: str | None = None) -> Path:
    """Where a table of a dataset (the current one by default) is stored."""
    dataset_id = dataset_id or current_id(directory)
    return directory / "datasets" / dataset_id / f"{name}.parquet"


def read_table(directory: Path, name: str, dataset_id: str | None = None) -> pd.DataFrame:
    """A table of a dataset (the current one by default), with the schema's types; optional tables may be absent."""
    path = table_path(directory, name, dataset_id)
    if name in schema.OPTIONAL_TABLES and not path.exists():
        return schema.empty(name)
    frame = pd.read_parquet(path)
    return schema.conform(name, frame) if name in schema.TABLES else frame


def read_core(directory: Path, dataset_id: str | None = None) -> dict[str, pd.DataFrame]:
    """All core tables of a dataset, and its optional tables (empty when it has none)."""
    return {name: read_table(directory, name, dataset_id) for name in (*schema.CORE_TABLES, *schema.OPTIONAL_TABLES)}


def list_datasets(directory: Path) -> list[dict]:
    """The manifests of every stored dataset, newest first (none when the directory holds none)."""
    root = directory / "datasets"
    found = [json.loads(path.read_text(encoding="utf-8"))
             for path in (root.glob("*/manifest.json") if root.is_dir() else [])
             if not path.parent.name.startswith(".")]
    return sorted(found, key=lambda m: (str(m.get("created", "")), m.get("dataset_id", "")), reverse=True)


def use_dataset(directory: Path, dataset_id: str) -> None:
    """Make a stored dataset the current one (an atomic replace of CURRENT); NoDataset when it is not stored."""
    if not dataset_id or dataset_id.startswith(".") or "/" in dataset_id or "\\" in dataset_id or not (
            directory / "datasets" / dataset_id / "manifest.json").is_file():
        raise NoDataset(f"There is no dataset {dataset_id!r} in {directory / 'datasets'}.")
    _write_text_atomic(directory / "CURRENT", dataset_id + "\n")
