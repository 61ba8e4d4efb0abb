"""The server `make run` starts: dashboard.py behind Streamlit's ASGI app, warmed before it opens.

    streamlit run serve.py [--server.port 8501]

Before the server takes its first visitor it imports the pages' modules and loads the current dataset with
every page's unfiltered view into the shared caches (analysis.cached.warm), so the first person to open
the browser waits for neither. `streamlit run dashboard.py` still works; its first visitor waits for both.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

import streamlit as st

LOG = logging.getLogger("engagement_explorer")


def _warm() -> None:
    import pages._ui  # noqa: F401 - the modules every page script imports
    from analysis import cached
    from analysis.storage import store, store_guard

    started = time.perf_counter()
    try:
        if not store.is_uri(store.data_dir()):  # an import killed half way is finished (or dropped) first
            store_guard.recover_on_start(store.data_dir())
        warmed = cached.warm(store.data_dir())
    except Exception:  # a dataset that will not load is reported by the pages themselves, to the visitor
        LOG.exception("warm-up failed; pages will load the data on first visit")
        return
    if warmed:
        print(f"  Ready: the data and the unfiltered view of {len(warmed)} pages loaded in "
              f"{time.perf_counter() - started:.1f} s.", flush=True)


@contextlib.asynccontextmanager
async def warm(_app: st.App):
    """Warm the caches before the server opens its port."""
    await asyncio.to_thread(_warm)
    yield


app = st.App("dashboard.py", lifespan=warm)
