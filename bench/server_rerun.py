"""Server time of a page rerun on a real server: one websocket session, each filter change a view not seen before.

    python -m bench.server_rerun DATA_DIR [--page domains]

A freshly started server (serve.py, as `make run` starts it) and one simulated browser speaking Streamlit's
websocket protocol on loopback. It adds organisation types (on every page but Data, which has no filters and is
rerun as it is) to the filter one at a time (8 views), then takes
them away from the front (7 more), so every rerun is a view the caches have not seen. Each time runs from
sending the widget change to script_finished: the server's whole script run, with no browser drawing and
none of AppTest's polling.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from pathlib import Path

from analysis.model import vocab
from analysis.views import registry
from bench.sessions import serve
from bench.ws_load import FILTER_LABEL, change_widgets, open_page

RERUN_PAGES = (*registry.PAGES, "data")  # every page with panels, and the Data page
NO_FILTERS = ("data",)  # the Data page has no sidebar filters: its reruns change nothing


def _views() -> list[list[str]]:
    labels = [label for label, _ in vocab.STUDY_ORG_TYPES.values()]  # the demo's types: figures stay comparable
    growing = [labels[:k] for k in range(1, len(labels) + 1)]
    shrinking = [labels[k:] for k in range(1, len(labels))]
    return growing + shrinking


async def _page_reruns(base: str, page: str) -> list[float]:
    path = "" if page == "overview" else page
    ws, state, url, first, problems = await open_page(base, path)
    try:
        widget = first.multiselects.get(FILTER_LABEL)
        if (widget is None and page not in NO_FILTERS) or first.errors or problems:
            raise RuntimeError(f"{page}: the page did not render its filters: {first.errors + problems}")
        values: dict[str, list[str]] = {wid: [] for wid in first.multiselects.values()}
        seconds = []
        for view in _views():
            if widget is not None:
                values[widget] = view
            started = time.perf_counter()
            run = await change_widgets(ws, path, state, url, values)
            seconds.append(time.perf_counter() - started)
            if run.errors:
                raise RuntimeError(f"{page}: {run.errors}")
    finally:
        await ws.close()
    return seconds


def measure(data_dir: Path) -> dict[str, float]:
    """Median rerun time (ms) per page, each page on its own freshly started server."""
    result = {}
    for page in RERUN_PAGES:
        with serve(data_dir) as (base, _pid):
            seconds = asyncio.run(asyncio.wait_for(_page_reruns(base, page), 600))
        result[page] = 1000 * statistics.median(seconds)
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.server_rerun", description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    args = parser.parse_args()
    print(json.dumps(measure(args.data_dir)))
