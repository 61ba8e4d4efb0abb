"""The docs stay true: the data dictionary matches the schema, the calibration table matches the demo."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest

from analysis.commands import summary_cli
from analysis.model import schema, vocab
from analysis.synthetic import calibration, demo

DOCS = Path(__file__).resolve().parent.parent / "docs"
ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|\s*([^|]+?)\s*\|\s*(.+?)\s*\|$")


def _dictionary() -> dict[str, dict[str, tuple[str, str]]]:
    """Tables and columns as the data dictionary documents them."""
    tables: dict[str, dict[str, tuple[str, str]]] = {}
    current = None
    for line in (DOCS / "data-dictionary.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            current = line[3:].strip().strip("`")
            tables[current] = {}
        elif current and (match := ROW.match(line)):
            column, dtype, description = match.groups()
            tables[current][column] = (dtype, description)
    return tables


def test_every_table_in_the_schema_is_documented() -> None:
    assert list(_dictionary()) == list(schema.TABLES)


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_every_column_is_documented_with_its_type(table: str) -> None:
    documented = _dictionary().get(table, {})
    assert list(documented) == list(schema.TABLES[table]), "columns differ (either way) or are out of order"
    for column, (dtype, description) in schema.TABLES[table].items():
        assert documented[column][0] == dtype, f"{table}.{column}: type"
        assert documented[column][1] == description, f"{table}.{column}: description"


def _calibration_doc() -> list[tuple[str, ...]]:
    rows = []
    for line in (DOCS / "calibration.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| ") and not line.startswith("| target"):
            rows.append(tuple(cell.strip().strip("`") for cell in line.strip("|").split(" | ")))
    return rows


def test_calibration_doc_gives_what_the_demo_gives(demo_tables: dict[str, pd.DataFrame]) -> None:
    expected = calibration.calibration_rows(demo_tables)
    documented = _calibration_doc()
    assert [r[0] for r in documented] == [r[0] for r in expected], "targets differ"
    for doc_row, want in zip(documented, expected, strict=True):
        assert doc_row[2] == want[2], f"{want[0]}: the doc says {doc_row[2]!r}, the demo gives {want[2]!r}"
    assert (DOCS / "calibration.md").read_text(encoding="utf-8") == calibration.calibration_markdown(expected), (
        "regenerate with: python -m analysis.synthetic.calibration > docs/calibration.md")


def test_calibration_figures_agree_with_the_summary(demo_dir: Path) -> None:
    """A second path to the same numbers: the stored dataset's summary (as `summary --json` prints it)."""
    by_target = {row[0]: row[2] for row in _calibration_doc()}
    facts = summary_cli.dataset_summary(demo_dir)
    assert by_target["Users' groups surveyed"] == str(facts["users_groups"])
    assert f"{facts['workshop_participants']} participants" in by_target["Workshops and participants"]
    assert by_target["Organisations interviewed"].startswith(
        f"{facts['organisations']['nhs']} NHS, {facts['organisations']['independent']} independent")
    doc_text = " ".join(by_target.values())
    for domain, pct in facts["influence_positive_pct_by_wave"][demo.WAVE].items():  # calibration: the study's wave
        found = re.search(rf"{re.escape(vocab.DOMAINS[domain].lower())} (\d+)%", doc_text)
        assert found, f"{domain} is not in the calibration table"
        assert abs(int(found.group(1)) - pct) <= 0.5 + 0.05, f"{domain}: doc {found.group(1)}%, summary {pct}%"


def _test_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name.startswith("test")}


def test_calibration_names_tests_that_exist() -> None:
    root = DOCS.parent
    for row in _calibration_doc():
        file, _, name = row[3].partition("::")
        assert name in _test_names(root / file), f"{row[0]}: no test {row[3]}"
