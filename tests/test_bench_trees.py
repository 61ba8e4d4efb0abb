"""Benchmark scripts run in a baseline tree get that tree's import paths (flat before issue 18, layered after)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.trees import LAYERS, for_tree

SCRIPT = ("from analysis.commands.cli import main\nfrom analysis.outputs import briefing\n"
          "from analysis.model.filters import Filters\nfrom analysis.ingest.importers import read_export\n"
          "import analysis.commands.briefing_cli\n")
FLAT = ("from analysis.cli import main\nfrom analysis import briefing\nfrom analysis.filters import Filters\n"
        "from analysis.importers import read_export\nimport analysis.export_cli\n")


@pytest.mark.parametrize(("layers", "expected"), [(True, SCRIPT), (False, FLAT)], ids=["layered", "flat"])
def test_a_script_gets_the_import_paths_of_its_tree(tmp_path: Path, layers: bool, expected: str) -> None:
    (tmp_path / "analysis" / ("model" if layers else "filters_only")).mkdir(parents=True)
    assert for_tree(SCRIPT, tmp_path) == expected


def test_it_knows_every_layer_of_analysis() -> None:
    """A layer added to analysis/ without being named here would leave its paths layered in a flat tree."""
    root = Path(__file__).resolve().parent.parent / "analysis"
    found = {p.name for p in root.iterdir() if (p / "__init__.py").is_file()}
    assert found == set(LAYERS)
