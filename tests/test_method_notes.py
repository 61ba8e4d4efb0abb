"""What people read under a chart (method note, base line, summary) speaks about the data and the method, never
about our code: no function, module or file name of analysis/ (they change when the code is tidied, and mean
nothing to a reader)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from analysis.model.filters import Filters
from analysis.views import registry

ROOT = Path(__file__).resolve().parent.parent
MODULES = sorted((ROOT / "analysis").rglob("*.py"))
CODE_NAMES = sorted({node.name for path in MODULES for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                     if isinstance(node, ast.FunctionDef | ast.ClassDef) and "_" in node.name.strip("_")}
                    | {p.stem for p in MODULES if "_" in p.stem.strip("_")})
CODE_WORDS = re.compile(r"\b(" + "|".join(map(re.escape, CODE_NAMES)) + r")\b|\w+\(\)|\banalysis[./]\w+|\w+\.py\b")


def _code_words(text: str) -> list[str]:
    return [m.group(0) for m in CODE_WORDS.finditer(text)]


@pytest.mark.parametrize(("text", "found"), [
    ("95% Wilson score intervals on the effective base.", []),
    ("Computed by influence_by_domain() over the cells.", ["influence_by_domain"]),
    ("See analysis/stats/metrics.py for the test.", ["analysis/stats", "metrics.py"]),
    ("Counted with protect().", ["protect()"]),
])
def test_the_check_finds_code_words(text: str, found: list[str]) -> None:
    assert _code_words(text) == found


def test_no_panel_text_names_our_code(demo_sources: registry.Sources) -> None:
    view = Filters(org_type=("acute",), wave=("2009",))  # filtered: the subtitles and comparisons say so
    for page in registry.PAGES:
        for panel in registry.page_panels(page, demo_sources, view):
            for part in (panel.method, panel.base_text, panel.summary, panel.subtitle):
                assert not _code_words(part), f"{page}/{panel.chart_id} names code: {_code_words(part)} in {part!r}"
