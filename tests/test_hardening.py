"""Hostile and careless input: control characters, nested mappings, budgets, the store under two writers."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path

import pytest

from analysis.ingest import importing, mapping, mapping_table
from analysis.model.filters import Filters
from analysis.model.safe_text import printable
from analysis.outputs import briefing
from analysis.views import registry

FIXTURES = Path(__file__).parent / "fixtures"
TEMPLATE = (FIXTURES / "template.csv").read_bytes()


def _template_mapping(**settings: str) -> dict:
    spec = mapping.guess(TEMPLATE, "template.csv")
    spec["import"].update(settings)
    return spec


# ---- control characters ----

@pytest.mark.parametrize("wave", ["20\x0724", "20\x0c24", "\x1b[31m2024", "20\x7f24"])
def test_a_wave_with_a_control_character_is_refused_plainly(tmp_path: Path, wave: str) -> None:
    data = TEMPLATE.replace(b",2024,", f",{wave},".encode(), 1)
    report = importing.run(data, "template.csv", _template_mapping(), tmp_path, importing.Options(dry_run=True))
    assert not report.ok
    [found] = [p for p in report.problems if "control character" in p["message"]]
    assert (found["row"], found["column"], found["value"]) == (2, "wave", wave)


@pytest.mark.parametrize("text", ["wave 20\x0708", "a\x00b", "\x1bescape", "tab\tand\nline stay"])
def test_printable_text_never_holds_a_control_character(text: str) -> None:
    shown = printable(text)
    assert all(ch in "\t\n\r" or (ord(ch) >= 0x20 and not 0x7F <= ord(ch) <= 0x9F) for ch in shown)
    assert len(shown) == len(text)


@pytest.mark.parametrize("fmt", ["pptx", "pdf"])
def test_a_pack_is_made_when_the_data_holds_control_characters(fmt: str, demo_cube, demo_sources) -> None:
    panels = briefing.pack_panels("domains", lambda name: registry.page_panels(name, demo_sources, Filters()))
    pack = briefing.assemble(panels, demo_cube.manifest, Filters(), "domains")
    bad = "wave 20\x0708 \x1b"
    pack = dataclasses.replace(pack, filters_text=bad, slides=[dataclasses.replace(
        s, panel=dataclasses.replace(s.panel, title=bad, summary=bad, subtitle=bad)) for s in pack.slides[:2]])
    data = briefing.FORMATS[fmt](pack)
    assert data[:4] in {b"PK\x03\x04", b"%PDF"}
    if fmt == "pptx":
        from pptx import Presentation
        titles = [sh.text_frame.text for sh in Presentation(io.BytesIO(data)).slides[1].shapes if sh.has_text_frame]
        assert "wave 20\ufffd08 \ufffd" in titles


# ---- mappings nested too deeply ----

@pytest.mark.parametrize("text", [
    "a." * 5000 + "a = 1",
    "[" + "a." * 3000 + "a]\nx = 1",
    "x = " + "[" * 5000 + "]" * 5000,
    "x = " + "{a=" * 3000 + "1" + "}" * 3000,
    '[columns."q".answers."A"."b"."c"."d"."e"]\nx = 1',
])
def test_a_deeply_nested_mapping_is_refused_plainly(text: str) -> None:
    with pytest.raises(ValueError, match="levels deep"):
        mapping.from_toml(text)
    spec, error = mapping_table.starting_mapping(TEMPLATE, "template.csv", text.encode(), "deep.toml")
    assert spec is None and error.startswith("deep.toml: the mapping nests")


def test_a_usual_mapping_is_not_too_deep() -> None:
    spec = _template_mapping()
    spec["scales"]["mine"] = {"levels": ["a", "b"], "labels": {"a": "A", "b": "B"}}
    assert mapping.from_toml(mapping.to_toml(spec))["columns"] == spec["columns"]
