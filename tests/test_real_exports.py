"""Every real export in ../shared/real-exports is read with the number of responses SOURCES.md gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis import importing, mapping
from analysis.importers import read_export

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-exports"
pytestmark = pytest.mark.real_exports
if not (REAL / "SOURCES.md").exists():
    pytest.skip("../shared/real-exports is absent", allow_module_level=True)


def _expected() -> dict[str, int]:
    counts = {}
    for line in (REAL / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 3 and re.fullmatch(r"\d+", cells[2]):
            counts[cells[0]] = int(cells[2])
    return counts


EXPECTED = _expected()


def test_sources_table_parsed():
    assert len(EXPECTED) >= 8


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rows_read(name):
    assert read_export((REAL / name).read_bytes(), name).rows_read == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_imports_or_refuses_plainly(tmp_path, name):
    data = (REAL / name).read_bytes()
    spec = mapping.guess(data, name)
    spec["import"].update(source="users_group_survey", wave="2024", organisation="RX1", org_type="acute")
    report = importing.run(data, name, spec, tmp_path)
    assert report.rows_read == EXPECTED[name]
    assert report.ok or all(p["message"] for p in report.problems)
