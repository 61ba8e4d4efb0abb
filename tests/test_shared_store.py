"""Several app servers on one store: two servers started as `make run` starts them, over the same data
directory, both show a dataset written after they started, on the next page load and without a restart."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import build_demo, warm_tab
from conftest import serve_app as _serve

from analysis.storage import store


def _in_use(context, base: str) -> str:
    """The Data page's "Shown to new visitors" line, as a visitor sees it (a new tab: a new session)."""
    with warm_tab(context, height=1600) as tab:
        tab.goto(f"{base}/data")
        line = tab.locator("[data-testid=stAlert]", has_text="Shown to new visitors:")
        line.wait_for()
        return line.inner_text()

def test_two_servers_on_one_store_both_show_a_new_dataset(warm_context, demo_dir: Path, tmp_path: Path) -> None:
    shared = tmp_path / "store"
    shutil.copytree(demo_dir, shared)
    first = store.current_id(shared)
    with _serve(shared) as one, _serve(shared) as two:
        assert first in _in_use(warm_context, one) and first in _in_use(warm_context, two)
        newer = build_demo(shared, seed=7)["dataset_id"]  # written by a third process: the command line's role
        assert newer != first
        for base in (one, two):
            shown = _in_use(warm_context, base)
            assert newer in shown and first not in shown, shown
