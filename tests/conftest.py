"""Shared fixtures: one demo dataset per test session, built the way `build --demo` builds it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import demo, queries, store


def build_demo(directory: Path, seed: int = demo.SEED) -> dict:
    """Write the demo dataset (of a seed) into a data directory; return its manifest."""
    return store.write_dataset(
        demo.demo_tables(seed), directory, demo=True, description=demo.DEMO_DESCRIPTION,
        provenance=[{"kind": "demo", "generator": "analysis.demo", "seed": seed}],
    )


@pytest.fixture(scope="session")
def demo_tables() -> dict[str, pd.DataFrame]:
    """The demo's core tables (do not modify: shared by the session)."""
    return demo.demo_tables()


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory: pytest.TempPathFactory, demo_tables: dict[str, pd.DataFrame]) -> Path:
    """A data directory holding the demo dataset, built once per session."""
    directory = tmp_path_factory.mktemp("demo-data")
    store.write_dataset(
        demo_tables, directory, demo=True, description=demo.DEMO_DESCRIPTION,
        provenance=[{"kind": "demo", "generator": "analysis.demo", "seed": demo.SEED}],
    )
    return directory


@pytest.fixture(scope="session")
def demo_cube(demo_dir: Path) -> queries.Cube:
    """The demo dataset's count tables."""
    return queries.load_cube(demo_dir)
