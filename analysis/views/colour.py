"""Colour: the one palette every chart draws with (screen, PowerPoint, PDF), and the checks that keep it readable
(colour-vision deficiency simulation, perceptual distance (CIEDE2000) and WCAG contrast)."""

from __future__ import annotations

import math
from itertools import combinations

from analysis.model.vocab import NON_SUBSTANTIVE_LEVELS, SCALES

# One palette for every chart: Okabe-Ito, which stays distinguishable under the common
# colour-vision deficiencies. Diverging scales run from vermilion (negative) to blue (positive).
PALETTE: dict[str, str] = {
    "blue": "#0072B2",
    "sky": "#56B4E9",
    "orange": "#E69F00",
    "vermilion": "#D55E00",
    "green": "#009E73",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "grey": "#6B6B6B",
    "ink": "#1F1F1F",
}
# The frame of every chart, on screen, in PowerPoint and in PDF: grid lines, axis lines, table headers, paper.
FRAME: dict[str, str] = {"grid": "#E5E5E5", "axis": "#8C8C8C", "header": "#F2F2F2", "paper": "#FFFFFF"}
# Heatmap fill from 0% to 100%: lightness falls evenly, and ink text keeps 4.5:1 contrast on every cell.
HEAT_SCALE: tuple[str, str, str] = ("#FFFFFF", "#A6D4F2", "#3D94CC")
# Non-substantive answers: greys far enough apart in lightness to tell apart (tests/test_colour.py).
NON_SUBSTANTIVE_COLOURS: dict[str, str] = dict(zip(NON_SUBSTANTIVE_LEVELS, ("#858585", "#ADADAD", "#D6D6D6"),
                                               strict=True))


def diverging_colours(count: int) -> list[str]:
    """Colours for a scale's substantive levels, lowest first: vermilion (negative) through a neutral yellow
    (the middle of an odd scale) to blue (positive); more than five levels repeat the nearest anchor hue."""
    anchors = {1: ["#0072B2"], 2: ["#D55E00", "#0072B2"], 3: ["#D55E00", "#F0E442", "#0072B2"],
               4: ["#D55E00", "#E69F00", "#56B4E9", "#0072B2"],
               5: ["#D55E00", "#E69F00", "#F0E442", "#56B4E9", "#0072B2"]}
    if count in anchors:
        return anchors[count]
    five = anchors[5]
    return [five[round(i * 4 / max(count - 1, 1))] for i in range(count)]


LEVEL_COLOURS: dict[str, str] = {
    **{level: colour for scale in SCALES.values()
       for level, colour in zip(scale["levels"], diverging_colours(len(scale["levels"])), strict=True)},
    **NON_SUBSTANTIVE_COLOURS,
}


# Machado, Oliveira and Fernandes (2009), "A physiologically-based model for simulation of color vision
# deficiency", severity 1.0: applied to linear RGB.
MACHADO_2009: dict[str, tuple[tuple[float, float, float], ...]] = {
    "protanopia": ((0.152286, 1.052583, -0.204868),
                   (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968),
                     (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779),
                   (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}
VISION = ("normal", *MACHADO_2009)

RGB = tuple[float, float, float]


def hex_to_rgb(colour: str) -> RGB:
    """'#0072B2' as sRGB channels between 0 and 1."""
    text = colour.lstrip("#")
    return tuple(int(text[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def _to_srgb(c: float) -> float:
    c = min(1.0, max(0.0, c))
    return 12.92 * c if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def simulate(colour: str, vision: str) -> RGB:
    """The sRGB colour as seen with a colour-vision deficiency ('normal' leaves it unchanged)."""
    rgb = hex_to_rgb(colour)
    if vision == "normal":
        return rgb
    linear = [_to_linear(c) for c in rgb]
    return tuple(_to_srgb(sum(m * c for m, c in zip(row, linear, strict=True)))  # type: ignore[return-value]
                 for row in MACHADO_2009[vision])


def to_lab(rgb: RGB) -> RGB:
    """sRGB (0-1) to CIE L*a*b* under D65."""
    r, g, b = (_to_linear(c) for c in rgb)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(lab1: RGB, lab2: RGB) -> float:
    """The CIEDE2000 colour difference between two L*a*b* colours (Sharma, Wu and Dalal 2005)."""
    l1, a1, b1 = lab1
    l2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar ** 7 / (c_bar ** 7 + 25 ** 7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    d_lp, d_cp = l2 - l1, c2p - c1p
    if c1p * c2p == 0:
        d_hp = 0.0
    elif abs(h2p - h1p) <= 180:
        d_hp = h2p - h1p
    else:
        d_hp = h2p - h1p - 360 if h2p > h1p else h2p - h1p + 360
    d_big_hp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(d_hp / 2))
    l_bar, c_bar_p = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(h_bar - 30)) + 0.24 * math.cos(math.radians(2 * h_bar))
         + 0.32 * math.cos(math.radians(3 * h_bar + 6)) - 0.20 * math.cos(math.radians(4 * h_bar - 63)))
    d_theta = 30 * math.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * math.sqrt(c_bar_p ** 7 / (c_bar_p ** 7 + 25 ** 7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * c_bar_p
    s_h = 1 + 0.015 * c_bar_p * t
    r_t = -math.sin(math.radians(2 * d_theta)) * r_c
    return math.sqrt((d_lp / s_l) ** 2 + (d_cp / s_c) ** 2 + (d_big_hp / s_h) ** 2
                     + r_t * (d_cp / s_c) * (d_big_hp / s_h))


def delta_e(colour1: str, colour2: str, vision: str = "normal") -> float:
    """CIEDE2000 distance between two hex colours as seen with the given vision."""
    return ciede2000(to_lab(simulate(colour1, vision)), to_lab(simulate(colour2, vision)))


def closest_pair(colours: dict[str, str], vision: str) -> tuple[str, str, float]:
    """The two named colours that are hardest to tell apart under a vision, and their distance."""
    pairs = [(a, b, delta_e(colours[a], colours[b], vision)) for a, b in combinations(colours, 2)]
    return min(pairs, key=lambda p: p[2])


def blend(colour: str, alpha: float, background: str = "#FFFFFF") -> str:
    """The hex colour seen when `colour` is drawn at opacity `alpha` over `background`."""
    mixed = (alpha * c + (1 - alpha) * g for c, g in zip(hex_to_rgb(colour), hex_to_rgb(background), strict=True))
    return "#" + "".join(f"{round(255 * c):02X}" for c in mixed)


def relative_luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a hex colour."""
    r, g, b = (_to_linear(c) for c in hex_to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str = "#FFFFFF") -> float:
    """WCAG 2 contrast ratio between two hex colours (1 to 21)."""
    hi, lo = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)
