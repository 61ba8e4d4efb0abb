"""Code run in another tree of this repository (a baseline at a git ref), in that tree's own layout.

Benchmarks compare today's code with the code at an older git ref, running a short script in each tree. Since
issue 18 the modules of `analysis/` live in layers (`analysis.model.filters`); a tree from before keeps them
flat (`analysis.filters`). `for_tree` gives a script the import paths of the tree it runs in.
"""

from __future__ import annotations

import re
from pathlib import Path

LAYERS = ("model", "stats", "storage", "ingest", "evidence", "views", "outputs", "synthetic", "commands")
RENAMED = {"briefing_cli": "export_cli", "summary_cli": "summary"}  # modules whose file name changed in the move
_DOTTED = re.compile(rf"\banalysis\.(?:{'|'.join(LAYERS)})\.(\w+)")
_FROM_LAYER = re.compile(rf"\bfrom analysis\.(?:{'|'.join(LAYERS)}) import ")


def layered(tree: Path) -> bool:
    """Whether a tree has the layered `analysis/` (issue 18 on)."""
    return (Path(tree) / "analysis" / "model").is_dir()


def for_tree(code: str, tree: Path) -> str:
    """`code` with its `analysis` imports in the layout of `tree`: unchanged in a layered tree, flat before."""
    if layered(tree):
        return code
    code = _DOTTED.sub(lambda m: f"analysis.{RENAMED.get(m.group(1), m.group(1))}", code)
    return _FROM_LAYER.sub("from analysis import ", code)
