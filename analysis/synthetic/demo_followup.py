"""The demo's illustrative follow-up: a 2009 patient survey, framework self-assessments and "you said, we did" actions.

Each part has its own seeded generator and runs after the 2008 data is made, so the 2008 rows never move.
None of it is the study's data: the study had one wave and published no action logs or self-assessments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.evidence import framework
from analysis.model import vocab
from analysis.synthetic import design

WAVE = "2009"
SURVEY_SEED = design.SEED + 1
ASSESSMENT_SEED = design.SEED + 2
ACTION_SEED = design.SEED + 3
SURVEY_RESPONDENTS = 600
SURVEY_SHIFT = 0.08  # a little more positive than 2008
SURVEY_ROLES = ["Patient", "Carer", "Member of the public"]

# Chance of saying it is fairly or very important to have a say, by domain. The study: people most wanted a
# say in GP services and the care of specific conditions (service plans), how communities are treated and
# safety (quality and safety), staffing and money (funding), and facilities (care environment).
IMPORTANCE_POSITIVE = {
    "care_environment": 0.62, "information": 0.58, "appointments": 0.55,
    "service_plans": 0.80, "funding": 0.72, "quality_safety": 0.86,
}
IMPORTANCE_LEVELS = ["not_important", "slightly_important", "fairly_important", "very_important", "dont_know",
                     "dont_know"]

# Self-assessments: mean item score by type (0-3); mental health/LD trusts and hospices rate higher.
ASSESSMENT_MEAN = {"pct": 1.4, "acute": 1.2, "ambulance": 1.0, "mental_health_ld": 2.0, "independent_acute": 1.0,
                   "hospice": 2.1, "independent_walk_in": 0.9, "independent_mental_health": 1.5}
AREA_SHIFT = {"rights": 0.1, "keeping_engaged": -0.1, "using_views": -0.3, "accessible": 0.1, "learning": -0.2}
ITEM_SHIFT = {"feedback_loop": -0.4, "show_improvements": -0.3, "rights_all_aspects": -0.4, "contracts": -0.3}
ASSESSMENT_STEP_UP = 0.25  # chance an item moves up a step by 2009

# Actions: chance an issue is acted on, by domain (least on funding and on quality and safety).
ACTED_ON = {"care_environment": 0.78, "information": 0.74, "appointments": 0.68, "service_plans": 0.52,
            "funding": 0.30, "quality_safety": 0.45}
ACTION_TYPE_SHIFT = {"mental_health_ld": 0.08, "hospice": 0.10, "ambulance": -0.05}
FEEDBACK_GIVEN = 0.45  # of issues acted on: the study's fourth failing is not telling people
WAVE_SHIFT = {"2008": 0.0, "2009": 0.08}
ACTIONS_PER_WAVE = {"2008": 170, "2009": 150}
ISSUES = {
    "care_environment": ["Ward noise at night keeps patients awake", "No private space to talk in the clinic",
                         "Signs in the main building are hard to follow", "Too few seats in the waiting area"],
    "information": ["Leaflets are not available in community languages", "Discharge letters are full of jargon",
                    "No easy-read information about the service", "The website lists out-of-date clinic times"],
    "appointments": ["Evening appointments wanted for working people", "Appointment letters arrive too late",
                     "The booking phone line is hard to get through to", "Clinics regularly overrun"],
    "service_plans": ["Plans to move the clinic were made without asking users",
                      "The community was consulted too late on a reconfiguration",
                      "No say in the design of the new day service"],
    "funding": ["People are not told how the community services budget is set",
                "Funding for a support group was cut without warning", "Spending priorities are not published"],
    "quality_safety": ["Concerns about hygiene on a ward were not answered", "Carers reported medication errors",
                       "A complaint about care was not followed up"],
}
ACTIONS_TAKEN = ["Changed the practice after reviewing it with the users' group",
                 "Produced new material with the community", "Set up a joint working group with the LINk",
                 "Added the issue to the board's improvement plan", "Changed the service specification"]
FEEDBACK = ["Told the group at its next meeting", "Wrote to the people who raised it",
            "Published in the 'You said, we did' newsletter", "Reported back at a public board meeting"]


def _survey(rng: np.random.Generator, orgs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    ids = [f"PS{i + 1:04d}" for i in range(SURVEY_RESPONDENTS)]
    respondents = pd.DataFrame({
        "respondent_id": ids, "source": "patient_survey", "unit": "participant",
        "org_id": rng.choice(orgs["org_id"].to_numpy(), SURVEY_RESPONDENTS), "wave": WAVE, "weight": 1.0,
        "workshop_id": pd.NA, "role": rng.choice(SURVEY_ROLES, SURVEY_RESPONDENTS)})
    members = [(rid, group) for group, rate in design.MEMBERSHIP_RATE.items()
               for rid, hit in zip(ids, rng.random(SURVEY_RESPONDENTS) < rate, strict=True) if hit]
    members = pd.DataFrame(members, columns=["respondent_id", "group_id"])
    org_type = respondents["org_id"].map(orgs.set_index("org_id")["org_type"])
    in_group = respondents["respondent_id"].isin(members["respondent_id"]).to_numpy()
    shift = (org_type.map(design.ORG_TYPE_SHIFT).fillna(0.0).to_numpy()
             + np.where(in_group, design.SELDOM_HEARD_SHIFT, 0.0) + SURVEY_SHIFT)
    frames = []
    for domain, p in design.DOMAIN_POSITIVE.items():
        frames.append(pd.DataFrame({"respondent_id": ids, "question_id": f"influence_{domain}",
                                    "level_id": np.asarray(design.ANSWER_LEVELS, dtype=object)[
                                        design.draw_level_codes(rng, p + shift)]}))
    for domain, p in IMPORTANCE_POSITIVE.items():
        codes = design.draw_level_codes(rng, np.full(SURVEY_RESPONDENTS, p))
        frames.append(pd.DataFrame({"respondent_id": ids, "question_id": f"importance_{domain}",
                                    "level_id": np.asarray(IMPORTANCE_LEVELS, dtype=object)[codes]}))
    return respondents, members, pd.concat(frames, ignore_index=True)


def _importance_questions() -> pd.DataFrame:
    return pd.DataFrame([{"question_id": f"importance_{d}", "measure": "importance", "domain": d,
                          "scale_id": "importance4",
                          "question_text": f"How important is it to you to have a say in {label.lower()}?"}
                         for d, label in vocab.DOMAINS.items()])


def demo_assessments(orgs: pd.DataFrame, seed: int = ASSESSMENT_SEED) -> pd.DataFrame:
    """Illustrative self-assessments of every interviewed organisation, in 2008 and again in 2009."""
    rng = np.random.default_rng(seed)
    items = framework.checklist()
    rows = []
    for org in orgs[orgs["interviewed"].astype(bool)].itertuples():
        org_effect = rng.normal(0, 0.35)
        mean = (ASSESSMENT_MEAN[org.org_type] + org_effect + items["area"].map(AREA_SHIFT)
                + items["item"].map(ITEM_SHIFT).fillna(0.0)).to_numpy()
        first = np.clip(np.rint(mean + rng.normal(0, 0.6, len(items))), 0, 3).astype(int)
        second = np.minimum(first + (rng.random(len(items)) < ASSESSMENT_STEP_UP), 3)
        for wave, scores in ((design.WAVE, first), (WAVE, second)):
            ratings = np.asarray(list(framework.RATINGS))[scores]
            rows.append(pd.DataFrame({"org_id": org.org_id, "wave": wave, "area": items["area"],
                                      "item": items["item"], "rating": ratings}))
    return pd.concat(rows, ignore_index=True)


def _date(rng: np.random.Generator, year: str, n: int) -> pd.Series:
    start = pd.Timestamp(f"{year}-01-01")
    return pd.Series(start + pd.to_timedelta(rng.integers(0, 330, n), unit="D"))


def demo_actions(orgs: pd.DataFrame, seed: int = ACTION_SEED) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Illustrative "you said, we did" issues raised with the organisations, and the seldom-heard groups affected."""
    rng = np.random.default_rng(seed)
    frames, groups = [], []
    domains = list(ACTED_ON)
    for wave, n in ACTIONS_PER_WAVE.items():
        ids = [f"A{wave}-{i + 1:04d}" for i in range(n)]
        org_ids = rng.choice(orgs["org_id"].to_numpy(), n)
        org_type = pd.Series(org_ids).map(orgs.set_index("org_id")["org_type"])
        domain = rng.choice(domains, n, p=[0.2, 0.2, 0.2, 0.15, 0.1, 0.15])
        affected = rng.random(n) < 0.45
        for i in np.flatnonzero(affected):
            for group in rng.choice(list(vocab.SELDOM_HEARD_GROUPS), int(rng.integers(1, 3)), replace=False):
                groups.append((ids[i], str(group)))
        p_act = (pd.Series(domain).map(ACTED_ON) + org_type.map(ACTION_TYPE_SHIFT).fillna(0.0)
                 + WAVE_SHIFT[wave] - 0.10 * affected).to_numpy()
        acted = rng.random(n) < p_act
        told = acted & (rng.random(n) < FEEDBACK_GIVEN + 2 * WAVE_SHIFT[wave])
        raised = _date(rng, wave, n)
        acted_on = raised + pd.to_timedelta(rng.gamma(2.0, 30 if wave == "2008" else 24, n).round(), unit="D")
        feedback_on = acted_on + pd.to_timedelta(rng.integers(3, 60, n), unit="D")
        frames.append(pd.DataFrame({
            "action_id": ids, "org_id": org_ids, "wave": wave, "domain": domain,
            "issue": [str(rng.choice(ISSUES[d])) for d in domain], "raised_on": raised,
            "action_taken": np.where(acted, rng.choice(ACTIONS_TAKEN, n), None),
            "acted_on": acted_on.where(acted), "feedback": np.where(told, rng.choice(FEEDBACK, n), None),
            "feedback_on": feedback_on.where(told)}))
    return pd.concat(frames, ignore_index=True), pd.DataFrame(groups, columns=["action_id", "group_id"])


def add_follow_up(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The demo tables with the 2009 follow-up survey, self-assessments and actions added (2008 rows untouched)."""
    orgs = tables["organisations"]
    respondents, members, answers = _survey(np.random.default_rng(SURVEY_SEED), orgs)
    actions, action_groups = demo_actions(orgs)
    return tables | {
        "respondents": pd.concat([tables["respondents"], respondents], ignore_index=True),
        "memberships": pd.concat([tables["memberships"], members], ignore_index=True),
        "questions": pd.concat([tables["questions"], _importance_questions()], ignore_index=True),
        "answers": pd.concat([tables["answers"], answers], ignore_index=True),
        "assessments": demo_assessments(orgs),
        "actions": actions,
        "action_groups": action_groups,
    }
