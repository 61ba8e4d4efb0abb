"""serve.py, the server `make run` starts, warms the shared caches before it takes its first visitor."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis import cached
from analysis.model import filters as flt
from analysis.storage import store
from analysis.views import overview as overview_mod
from analysis.views import registry

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.server


def _count_calls(monkeypatch: pytest.MonkeyPatch, module: object, name: str) -> list[int]:
    calls: list[int] = []
    real = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_warm_fills_the_caches_the_pages_read(demo_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cached.page_panels.clear()
    cached.headline_facts.clear()
    assert cached.warm(demo_dir) == list(registry.PAGES)
    assert {"framework", "actions", "voices"} <= set(registry.PAGES), "pages reading actions and stories too"

    built = _count_calls(monkeypatch, registry, "page_panels")
    facts = _count_calls(monkeypatch, overview_mod, "headline_facts")
    dataset_id = store.current_id(demo_dir)
    waves = cached.cube(str(demo_dir), dataset_id).waves
    unfiltered = tuple(flt.parse({}, waves=waves).items())  # the key a page builds from an address with no filters
    for page in registry.PAGES:  # with the key each page asks for (stories: the review's state)
        cached.page_panels(page, str(demo_dir), dataset_id, unfiltered,
                           cached.review_version(page, str(demo_dir), dataset_id))
    cached.headline_facts(str(demo_dir), dataset_id, unfiltered)
    assert (built, facts) == ([], []), "a page's first visit after warm-up should draw nothing anew"

    hospices = tuple(flt.parse({"org_type": ["hospice"]}, waves=waves).items())
    cached.page_panels("domains", str(demo_dir), dataset_id, hospices)
    assert built == [1], "a filtered view is not warmed, so it is drawn on its first visit"


def test_warm_without_data_does_nothing(tmp_path: Path) -> None:
    assert cached.warm(tmp_path) == []


def _run_warm(data_dir: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, store.ENV_VAR: str(data_dir)}
    return subprocess.run([sys.executable, "-c", "import serve; serve._warm()"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_serve_says_when_it_is_ready(demo_dir: Path) -> None:
    done = _run_warm(demo_dir)
    assert done.returncode == 0, done.stderr
    assert f"Ready: the data and the unfiltered view of {len(registry.PAGES)} pages loaded" in done.stdout


def test_a_dataset_that_will_not_load_does_not_stop_the_server(demo_dir: Path, tmp_path: Path) -> None:
    shutil.copytree(demo_dir, tmp_path, dirs_exist_ok=True)
    dataset = tmp_path / "datasets" / store.current_id(tmp_path)
    (dataset / "agg_answers.parquet").write_bytes(b"not parquet")  # damaged after it was written
    done = _run_warm(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "warm-up failed" in done.stderr and "Ready" not in done.stdout
