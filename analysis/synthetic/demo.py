"""The illustrative demo dataset: the study's design, with answers generated to mirror its findings.

Nothing here is the study's raw data. The generator is seeded, so two builds give the same dataset.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.model import vocab
from analysis.synthetic import demo_followup, demo_stories
from analysis.synthetic.design import (
    ANSWER_LEVELS,
    DOMAIN_POSITIVE,
    INTERVIEW_SHIFT,
    MEMBERSHIP_RATE,
    ORG_TYPE_SHIFT,
    SEED,
    SELDOM_HEARD_SHIFT,
    WAVE,
    draw_level_codes,
)

# The study's design.
ORG_COUNTS = {
    "pct": 14, "acute": 18, "ambulance": 5, "mental_health_ld": 10,
    "independent_acute": 10, "hospice": 9, "independent_walk_in": 6, "independent_mental_health": 6,
}
USERS_GROUPS = 42
WORKSHOPS = 20
CORE_STANDARD_17_NOT_MET = 1  # 46 of 47 NHS trusts declared compliance: 98%


# Chance an interviewed organisation describes users as taking an active part, by type.
PARTICIPATION_POSITIVE = {
    "pct": 0.45, "acute": 0.33, "ambulance": 0.25, "mental_health_ld": 0.85,
    "independent_acute": 0.20, "hospice": 0.80, "independent_walk_in": 0.15,
    "independent_mental_health": 0.50,
}

GROUP_KINDS = ["LINk", "Patient participation group", "Community group", "Patients' group",
               "Mental health service-user group", "Carers' group"]
PARTICIPANT_ROLES = ["Trust staff", "Users' or community group member", "LINk member",
                     "OSC member", "Practice participation group member", "Individual patient"]


def _organisations(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    regions = list(vocab.REGIONS)
    for org_type, count in ORG_COUNTS.items():
        start = int(rng.integers(len(regions)))
        for i in range(count):
            region = regions[(start + i) % len(regions)]
            rows.append({
                "org_id": f"{org_type.upper()[:3]}{len(rows) + 1:03d}",
                "org_name": f"Illustrative {vocab.org_type_label(org_type).lower()} {i + 1} "
                            f"({vocab.REGIONS[region]})",
                "org_type": org_type,
                "sector": vocab.sector_of(org_type),
                "region": region,
                "foundation_trust": org_type in {"acute", "mental_health_ld"} and rng.random() < 0.45,
                "interviewed": True,
            })
    orgs = pd.DataFrame(rows)
    nhs = orgs.index[orgs["sector"] == "nhs"]
    declared = pd.Series(pd.NA, index=orgs.index, dtype="boolean")
    declared[nhs] = True
    declared[rng.choice(nhs, CORE_STANDARD_17_NOT_MET, replace=False)] = False
    return orgs.assign(declared_core_standard_17=declared)


def _workshop_sizes(rng: np.random.Generator) -> list[int]:
    """Twenty workshop sizes adding to between 450 and 500 ("nearly 500 people")."""
    sizes = rng.integers(20, 28, size=WORKSHOPS)
    while not 450 <= sizes.sum() <= 500:
        sizes = rng.integers(20, 28, size=WORKSHOPS)
    return [int(s) for s in sizes]


def _respondents(rng: np.random.Generator, orgs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows, members = [], []
    nhs_ids = orgs.loc[orgs["sector"] == "nhs", "org_id"].to_numpy()
    ind_ids = orgs.loc[orgs["sector"] == "independent", "org_id"].to_numpy()
    groups = list(vocab.SELDOM_HEARD_GROUPS)
    base = {"wave": WAVE, "weight": 1.0}
    for g in range(USERS_GROUPS):
        rid = f"UG{g + 1:03d}"
        org = rng.choice(nhs_ids) if rng.random() < 0.85 else rng.choice(ind_ids)
        rows.append({**base, "respondent_id": rid, "source": "users_group_survey", "unit": "users_group",
                     "org_id": org, "workshop_id": pd.NA, "role": str(rng.choice(GROUP_KINDS))})
        if rng.random() < 0.7:
            for group in rng.choice(groups, size=int(rng.integers(1, 4)), replace=False):
                members.append((rid, str(group)))
    regions = list(vocab.REGIONS)
    for w, size in enumerate(_workshop_sizes(rng)):
        region = regions[w % len(regions)]
        local = orgs.loc[orgs["region"] == region, "org_id"].to_numpy()
        for p in range(size):
            rid = f"WS{w + 1:02d}-P{p + 1:03d}"
            rows.append({**base, "respondent_id": rid, "source": "workshop", "unit": "participant",
                         "org_id": rng.choice(local), "workshop_id": f"WS{w + 1:02d}",
                         "role": str(rng.choice(PARTICIPANT_ROLES))})
            for group, rate in MEMBERSHIP_RATE.items():
                if rng.random() < rate:
                    members.append((rid, group))
    for org in orgs.itertuples():
        rows.append({**base, "respondent_id": f"INT-{org.org_id}", "source": "interview",
                     "unit": "organisation", "org_id": org.org_id, "workshop_id": pd.NA,
                     "role": "Engagement lead"})
    return pd.DataFrame(rows), pd.DataFrame(members, columns=["respondent_id", "group_id"])


def _questions() -> pd.DataFrame:
    rows = [{"question_id": f"influence_{d}", "measure": "influence", "domain": d, "scale_id": "influence4",
             "question_text": f"How much influence have people had on {label.lower()}?"}
            for d, label in vocab.DOMAINS.items()]
    rows.append({"question_id": "participation", "measure": "participation", "domain": pd.NA,
                 "scale_id": "influence4",
                 "question_text": "How much do service users take an active part in the organisation's work?"})
    return pd.DataFrame(rows)


def scale_levels() -> pd.DataFrame:
    """The scale_levels table for the demo's scales (influence and importance)."""
    rows = []
    for scale_id in vocab.DEMO_SCALES:
        scale = vocab.SCALES[scale_id]
        for order, level in enumerate(scale["levels"]):
            rows.append({"scale_id": scale_id, "level_id": level, "level_label": vocab.LEVEL_LABELS[level],
                         "level_order": order, "positive": level in scale["positive"], "substantive": True})
        for level in scale["non_substantive"]:
            rows.append({"scale_id": scale_id, "level_id": level, "level_label": vocab.LEVEL_LABELS[level],
                         "level_order": -1, "positive": False, "substantive": False})
    return pd.DataFrame(rows)




def _draw_levels(rng: np.random.Generator, p_positive: np.ndarray) -> np.ndarray:
    return np.asarray(ANSWER_LEVELS, dtype=object)[draw_level_codes(rng, p_positive)]


def _answers(rng: np.random.Generator, respondents: pd.DataFrame, members: pd.DataFrame,
             orgs: pd.DataFrame) -> pd.DataFrame:
    org_type = respondents["org_id"].map(orgs.set_index("org_id")["org_type"])
    in_group = respondents["respondent_id"].isin(members["respondent_id"]).to_numpy()
    shift = (org_type.map(ORG_TYPE_SHIFT).fillna(0.0).to_numpy()
             + np.where(in_group, SELDOM_HEARD_SHIFT, 0.0)
             + np.where(respondents["source"] == "interview", INTERVIEW_SHIFT, 0.0))
    frames = []
    for domain, p in DOMAIN_POSITIVE.items():
        frames.append(pd.DataFrame({"respondent_id": respondents["respondent_id"],
                                    "question_id": f"influence_{domain}",
                                    "level_id": _draw_levels(rng, p + shift)}))
    frames.append(_participation(rng, respondents, org_type))
    return pd.concat(frames, ignore_index=True)


def _participation(rng: np.random.Generator, respondents: pd.DataFrame, org_type: pd.Series) -> pd.DataFrame:
    """Interview answers on user participation: an exact quota of active organisations per type."""
    rows = []
    interviews = respondents["source"] == "interview"
    for kind, ids in respondents.loc[interviews, "respondent_id"].groupby(org_type[interviews]):
        active = round(PARTICIPATION_POSITIVE[kind] * len(ids))
        order = rng.permutation(len(ids))
        for rank, rid in zip(order, ids, strict=True):
            level = ("a_lot" if rank % 2 else "some") if rank < active else ("a_little" if rank % 3 else "none")
            rows.append({"respondent_id": rid, "question_id": "participation", "level_id": level})
    return pd.DataFrame(rows)


def demo_tables(seed: int = SEED) -> dict[str, pd.DataFrame]:
    """The tables of the illustrative demo dataset: the 2008 study design, then the illustrative 2009 follow-up."""
    rng = np.random.default_rng(seed)
    orgs = _organisations(rng)
    respondents, members = _respondents(rng, orgs)
    return demo_followup.add_follow_up({
        "organisations": orgs,
        "respondents": respondents,
        "memberships": members,
        "questions": _questions(),
        "scale_levels": scale_levels(),
        "answers": _answers(rng, respondents, members, orgs),
        "stories": demo_stories.demo_stories(respondents, members),  # own seeded generator
    })


DEMO_DESCRIPTION = ("Illustrative demo data: generated to mirror the published findings and the design of "
                    "the Healthcare Commission's 2009 study, not the study's own responses.")
