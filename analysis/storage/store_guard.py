"""One writer at a time on a local store, and recovery from a writer that was killed half way.

- `writing(directory)`: an exclusive lock (flock on `<data dir>/.write.lock`) that works across processes and
  threads; a second writer waits up to WAIT_SECONDS, then is refused plainly (StoreBusy). Re-entrant in a thread.
- `begin`/`end`: a journal (`<data dir>/.pending`) naming the dataset being made current, written before it is
  moved into place and removed once CURRENT names it.
- `recover`: run under the lock before every write (and when the server starts): a journal left behind by a
  killed writer is finished (CURRENT set to the complete dataset it names) or dropped (when the dataset never
  arrived), and staging folders it left are removed.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from analysis.model.errors import UserError

LOCK_NAME = ".write.lock"
PENDING_NAME = ".pending"
WAIT_ENV = "ENGAGEMENT_WRITE_WAIT"  # seconds a second writer waits for the first (default WAIT_SECONDS)
WAIT_SECONDS = 60.0
LOG = logging.getLogger("engagement_explorer")
_held = threading.local()


class StoreBusy(UserError):
    """Another import or build is writing to the store and did not finish in time."""


def _wait_seconds() -> float:
    try:
        return float(os.environ.get(WAIT_ENV, WAIT_SECONDS))
    except ValueError:
        return WAIT_SECONDS


@contextlib.contextmanager
def writing(directory: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the store's write lock (waiting up to `wait` seconds), after recovering any interrupted write."""
    directory = Path(directory)
    key = str(directory.resolve())
    held: set[str] = getattr(_held, "dirs", set())
    if key in held:  # this thread already writes here (an import calls write_dataset)
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    deadline = time.monotonic() + (_wait_seconds() if wait is None else wait)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreBusy("Another import is being written to the data store right now, and it did not "
                                    "finish in time; nothing was changed. Try again in a minute.") from None
                time.sleep(0.05)
        _held.dirs = held | {key}
        try:
            recover(directory)
            yield
        finally:
            _held.dirs = held
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def begin(directory: Path, dataset_id: str) -> None:
    """Record that `dataset_id` is about to be moved into place and made current."""
    from analysis.storage import store

    store._write_text_atomic(Path(directory) / PENDING_NAME, dataset_id + "\n")


def end(directory: Path) -> None:
    """The write recorded by `begin` is complete: CURRENT names its dataset."""
    (Path(directory) / PENDING_NAME).unlink(missing_ok=True)


def recover(directory: Path) -> str | None:
    """Finish or drop a write that a killed process left half done; the dataset made current, or None."""
    from analysis.storage import store

    directory = Path(directory)
    pending = directory / PENDING_NAME
    for stale in (directory / "datasets").glob(".staging-*"):  # under the lock: no one else is staging
        shutil.rmtree(stale, ignore_errors=True)
    if not pending.is_file():
        return None
    dataset_id = pending.read_text(encoding="utf-8").strip()
    complete = bool(dataset_id) and "/" not in dataset_id and not dataset_id.startswith(".") and (
        directory / "datasets" / dataset_id / "manifest.json").is_file()
    if complete:
        store._write_text_atomic(directory / "CURRENT", dataset_id + "\n")
        LOG.warning("Recovered an interrupted write: dataset %s is now current", dataset_id)
    else:
        LOG.warning("Dropped an interrupted write of dataset %r that never arrived", dataset_id)
    pending.unlink(missing_ok=True)
    return dataset_id if complete else None


def recover_on_start(directory: Path) -> None:
    """Recover an interrupted write of a local store, under the lock (the server calls it as it starts)."""
    if (Path(directory) / PENDING_NAME).is_file():
        with writing(directory):  # recovers on entry
            pass
