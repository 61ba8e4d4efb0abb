"""One palette that stays distinguishable under common colour-vision deficiencies, and readable text."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from analysis.model import vocab
from analysis.views import colour
from analysis.views.charts import TEMPLATE

ROOT = Path(__file__).resolve().parent.parent
# CIEDE2000 of 10 or more: told apart at a glance (about 1 is the just-noticeable difference).
MIN_DELTA_E = 10.0
MIN_TEXT_CONTRAST = 4.5  # WCAG 2.2 AA, 1.4.3, normal-size text
THEME = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))["theme"]

# Colours drawn side by side in one chart.
SETS = {
    **{f"scale {name}": {level: colour.LEVEL_COLOURS.get(level, colour.PALETTE["grey"])
                         for level in [*scale["levels"], *scale["non_substantive"]]}
       for name, scale in vocab.SCALES.items()},
    "non-substantive answers": {k: colour.LEVEL_COLOURS[k] for k in ("dont_know", "not_applicable",
                                                                    "prefer_not_to_say")},
    "chart colorway": {f"colorway[{i}]": c for i, c in enumerate(TEMPLATE.layout.colorway)},
}
HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
TEXT = {"ink": colour.PALETTE["ink"], "grey": colour.PALETTE["grey"], "theme text": THEME["textColor"],
        "theme primary (links, selected controls)": THEME["primaryColor"]}


@pytest.mark.parametrize(("lab1", "lab2", "expected"), [
    # Sharma, Wu and Dalal (2005), test data rows 1, 7, 17 and 25.
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
])
def test_ciede2000_matches_the_published_test_data(lab1, lab2, expected) -> None:
    assert colour.ciede2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)


@pytest.mark.parametrize(("fg", "bg", "expected"), [
    ("#000000", "#FFFFFF", 21.0), ("#FFFFFF", "#FFFFFF", 1.0), ("#777777", "#FFFFFF", 4.48),
])
def test_contrast_ratio_matches_wcag(fg: str, bg: str, expected: float) -> None:
    assert colour.contrast_ratio(fg, bg) == pytest.approx(expected, abs=0.01)


@pytest.mark.parametrize(("colour_in", "vision", "expected"), [
    ("#FF0000", "protanopia", (0.0, 0.0)),   # red loses most of its red under protanopia...
    ("#FFFFFF", "deuteranopia", (1.0, 1.0)),  # ...and white stays white
])
def test_simulation_moves_colours_the_way_the_model_says(colour_in: str, vision: str, expected) -> None:
    red, green, _ = colour.simulate(colour_in, vision)
    if expected == (0.0, 0.0):
        assert red < 0.5 and green < 0.5
    else:
        assert (red, green) == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize("vision", colour.VISION)
@pytest.mark.parametrize("name", list(SETS))
def test_colours_used_together_stay_distinguishable(name: str, vision: str) -> None:
    first, second, distance = colour.closest_pair(SETS[name], vision)
    assert distance >= MIN_DELTA_E, f"{name} under {vision}: {first} and {second} are only {distance:.1f} apart"


@pytest.mark.parametrize("name", list(TEXT))
def test_text_colours_are_readable_on_white(name: str) -> None:
    assert colour.contrast_ratio(TEXT[name]) >= MIN_TEXT_CONTRAST, f"{name} {TEXT[name]}"


@pytest.mark.parametrize("fill", colour.HEAT_SCALE)
def test_numbers_written_on_heatmap_cells_are_readable(fill: str) -> None:
    assert colour.contrast_ratio(colour.PALETTE["ink"], fill) >= MIN_TEXT_CONTRAST, fill


def test_captions_are_readable() -> None:
    """Streamlit draws st.caption text in the theme's text colour at 60% opacity (axe found #797979 at 4.35:1)."""
    caption = colour.blend(THEME["textColor"], 0.6)
    assert colour.blend("#1F1F1F", 0.6) == "#797979"
    assert colour.contrast_ratio(caption) >= MIN_TEXT_CONTRAST, caption


COLOURS = [*((f"palette:{k}", v) for k, v in colour.PALETTE.items()),
           *((f"level:{k}", v) for k, v in colour.LEVEL_COLOURS.items())]


@pytest.mark.parametrize(("where", "value"), COLOURS, ids=[w for w, _ in COLOURS])
def test_colours_are_valid_hex(where: str, value: str) -> None:
    assert HEX.match(value), f"{where}: {value!r}"


def test_every_level_has_a_colour() -> None:
    assert set(vocab.LEVEL_LABELS) <= set(colour.LEVEL_COLOURS)
