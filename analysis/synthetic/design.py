"""The study's design parameters and the chances the illustrative answers are drawn with, shared by the 2008 demo
(demo.py), its 2009 follow-up (demo_followup.py) and the national-scale generator (national.py), so neither demo
module imports the other's.
"""

from __future__ import annotations

import numpy as np

SEED = 2009
WAVE = "2008"

# Chance of a positive answer (some or a lot of influence) before adjustments, by domain.
DOMAIN_POSITIVE = {
    "care_environment": 0.64, "information": 0.60, "appointments": 0.57,
    "service_plans": 0.40, "funding": 0.17, "quality_safety": 0.21,
}
SELDOM_HEARD_SHIFT = -0.13
ORG_TYPE_SHIFT = {"mental_health_ld": 0.07, "hospice": 0.07, "ambulance": -0.03}
INTERVIEW_SHIFT = 0.10  # organisations rate people's influence higher than people do
NON_SUBSTANTIVE = {"dont_know": 0.05, "not_applicable": 0.03}

# Chance that a workshop participant belongs to each seldom-heard group.
MEMBERSHIP_RATE = {
    "bme": 0.18, "older_people": 0.24, "carers": 0.15, "gypsies_travellers": 0.03,
    "learning_disabilities": 0.05, "refugees_asylum_seekers": 0.04, "disabled_people": 0.12,
    "children_young_people": 0.06, "eastern_european_arrivals": 0.04, "lgbt": 0.05,
    "working_age": 0.20,
}

ANSWER_LEVELS = ["none", "a_little", "some", "a_lot", "dont_know", "not_applicable"]


def draw_level_codes(rng: np.random.Generator, p_positive: np.ndarray) -> np.ndarray:
    """One answer per chance of a positive answer, as codes into ANSWER_LEVELS (some non-substantive)."""
    n = len(p_positive)
    positive = rng.random(n) < np.clip(p_positive, 0.02, 0.98)
    strong = rng.random(n)
    codes = np.where(positive, np.where(strong < 0.4, 3, 2), np.where(strong < 0.45, 0, 1)).astype(np.int8)
    ns = rng.random(n)
    dont_know, not_applicable = NON_SUBSTANTIVE["dont_know"], NON_SUBSTANTIVE["not_applicable"]
    codes[ns < dont_know] = 4
    codes[(ns >= dont_know) & (ns < dont_know + not_applicable)] = 5
    return codes
