"""Illustrative workshop and users'-group stories for the demo: short quotes composed from fragments.

Nothing here is a real quote. Each story joins an opener, a statement of its theme about a domain, an
optional clause about the teller's group and a closer; a separate seeded generator is used, so adding
stories moves none of the demo's other numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.model import vocab

STORIES = 600
STORY_SEED = 5_2009

# How each domain is spoken of.
DOMAIN_WORDS = {
    "care_environment": ["the wards", "the waiting areas", "the new building", "parking and signs",
                         "cleanliness on the wards"],
    "information": ["the leaflets", "the information we were given", "the website", "letters about our care",
                    "the patient guides"],
    "appointments": ["appointment times", "the booking system", "opening hours", "evening clinics",
                     "the wait for a first appointment"],
    "service_plans": ["the plans for the new service", "the changes to the clinic", "the redesign of the unit",
                      "moving services to the health centre", "the plans for the community hospital"],
    "funding": ["where the money goes", "the budget for local services", "the spending priorities",
                "which services got cut", "how funds were shared out"],
    "quality_safety": ["safety on the wards", "the quality of care", "what happened after a mistake",
                       "infection control", "how complaints about care were handled"],
}

OPENERS = ["", "Honestly, ", "To be fair, ", "In our experience, ", "From where I sit, ", "Speaking for our group, ",
           "Looking back, ", "I'll be blunt: ", "More than once, ", "Last year, ", "As far as I can tell, ",
           "For what it's worth, "]

THEME_LINES = {
    "not_involved_early": [
        "we only heard about {d} once the decision had been made",
        "they asked us about {d} when it was far too late to change anything",
        "the consultation on {d} felt like a box-ticking exercise after the fact",
        "we were brought in on {d} at the very end, just to sign it off",
        "nobody talked to us about {d} until the plans were printed",
    ],
    "not_informed": [
        "we could never find out how {d} was going",
        "nobody told us what was happening with {d}",
        "we asked three times for figures on {d} and got nothing",
        "the trust didn't share what it knew about {d}",
        "we sent in a report on {d} and never had a reply",
    ],
    "badly_organised": [
        "the meeting about {d} was upstairs with no lift",
        "the session on {d} was at two in the afternoon, when most of us work",
        "there was no interpreter at the event on {d}",
        "the papers on {d} came out the day before the meeting",
        "the venue for the talk on {d} was two buses away",
        "the letter inviting us to discuss {d} was full of jargon",
    ],
    "no_feedback": [
        "we gave our views on {d} and never heard what came of them",
        "nobody came back to say whether anything changed in {d}",
        "we raised {d} again and again without any answer",
        "there was no 'you said, we did' on {d}",
        "we filled in the survey on {d} and that was the last we heard",
    ],
    "leadership": [
        "the chief executive came to our group herself to talk about {d}",
        "a senior nurse took our concerns about {d} straight to the board",
        "the medical director asked us to help rethink {d}",
        "once the director took an interest, {d} moved quickly",
        "a manager who really listened made all the difference to {d}",
    ],
    "voluntary_partnership": [
        "working through the local carers' centre got us a real say in {d}",
        "the voluntary sector forum helped us shape {d}",
        "the trust funded a community group to gather views on {d}",
        "partnering with the LINk meant our views on {d} were heard",
        "the advocacy service brought us to the table on {d}",
    ],
    "outreach": [
        "staff came to the community centre to ask us about {d}",
        "they held a drop-in at the mosque to talk about {d}",
        "a health worker visited the site to hear what we thought of {d}",
        "they came to the youth club instead of expecting us to go to them about {d}",
        "the team went out to the market to ask people about {d}",
    ],
    "tailored_information": [
        "the easy-read guide to {d} was written with us",
        "they translated the information on {d} into our languages",
        "the audio version of the leaflet on {d} really helped",
        "we helped write the new information on {d} and it shows",
        "there is now a large-print version of everything about {d}",
    ],
}

GROUP_CLAUSES = {
    "bme": ["as someone from a minority community", "for families like mine whose first language isn't English"],
    "older_people": ["at my age", "for older people like us"],
    "carers": ["as a carer", "looking after my husband as I do"],
    "gypsies_travellers": ["for Travellers on our site", "as a Gypsy family"],
    "learning_disabilities": ["for people with learning disabilities", "speaking for my son, who has a learning "
                                                                       "disability"],
    "refugees_asylum_seekers": ["as an asylum seeker", "for refugees in our group"],
    "disabled_people": ["as a wheelchair user", "for disabled people"],
    "children_young_people": ["for young people", "as a young person"],
    "eastern_european_arrivals": ["for Polish families new to the area", "as someone who came here from Latvia"],
    "lgbt": ["as a gay man", "for the trans members of our group"],
    "working_age": ["working full time", "for anyone with a nine-to-five job"],
}

CLOSERS = {
    False: ["", ".", " and it left people feeling unheard.", " and that put people off coming back.",
            " - and we are not the only ones saying so.", ", which is a shame, because people want to help.",
            "; it makes you wonder why we bother."],
    True: ["", ".", " and people noticed.", " and it made us feel valued.", " - that is how it should be.",
           " and more people came along the next time.", "; we'd like to see more of that."],
}
HELPED = {"leadership", "voluntary_partnership", "outreach", "tailored_information"}
# Failings are told more often than what helped, as in the study.
THEME_WEIGHTS = {t: (0.16 if t not in HELPED else 0.09) for t in vocab.THEMES}
# The study heard least influence on funding and on quality: people said more about them there.
DOMAIN_WEIGHTS = {"care_environment": 0.14, "information": 0.17, "appointments": 0.14, "service_plans": 0.19,
                  "funding": 0.18, "quality_safety": 0.18}


def _sentence(rng: np.random.Generator, theme: str, domain: str, groups: list[str]) -> str:
    opener = str(rng.choice(OPENERS))
    line = str(rng.choice(THEME_LINES[theme])).format(d=str(rng.choice(DOMAIN_WORDS[domain])))
    if groups and rng.random() < 0.6:
        clause = str(rng.choice(GROUP_CLAUSES[str(rng.choice(groups))]))
        line = f"{clause}, {line}" if rng.random() < 0.5 else f"{line}, {clause}"
    text = opener + line
    text = text[0].upper() + text[1:]
    closer = str(rng.choice(CLOSERS[theme in HELPED]))
    return text + (closer if closer.endswith((".", "!")) else closer + ".")


def demo_stories(respondents: pd.DataFrame, memberships: pd.DataFrame, n: int = STORIES,
                 seed: int = STORY_SEED) -> pd.DataFrame:
    """The stories table: n illustrative quotes from users' groups and workshop participants, all different."""
    rng = np.random.default_rng(seed)
    tellers = respondents[respondents["source"].isin(["users_group_survey", "workshop"])].reset_index(drop=True)
    groups_of = memberships.groupby("respondent_id")["group_id"].agg(list).to_dict()
    themes, domains = list(THEME_WEIGHTS), list(DOMAIN_WEIGHTS)
    theme_p = np.array(list(THEME_WEIGHTS.values())) / sum(THEME_WEIGHTS.values())
    domain_p = np.array(list(DOMAIN_WEIGHTS.values())) / sum(DOMAIN_WEIGHTS.values())
    rows, seen = [], set()
    while len(rows) < n:
        teller = tellers.iloc[int(rng.integers(len(tellers)))]
        theme, domain = str(rng.choice(themes, p=theme_p)), str(rng.choice(domains, p=domain_p))
        text = _sentence(rng, theme, domain, sorted(groups_of.get(teller["respondent_id"], [])))
        if text in seen:
            continue
        seen.add(text)
        rows.append({"story_id": f"S{len(rows) + 1:04d}", "respondent_id": teller["respondent_id"],
                     "source": teller["source"], "org_id": teller["org_id"], "wave": teller["wave"],
                     "domain": domain, "theme": theme, "text": text})
    return pd.DataFrame(rows)
