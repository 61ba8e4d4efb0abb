"""What each page says above its charts: plain intros true for any dataset, and the study's own findings,
which are shown only beside the study demo (whose data are generated to mirror them) and labelled as the study's.
"""

from __future__ import annotations

STUDY_LABEL = "The study's findings (Healthcare Commission, 2009)"
STUDY_TITLE = "Listening, learning, working together?"

INTROS: dict[str, str] = {
    "overview": ("Engagement Explorer charts how much influence people say they have over health services, over "
                 "what, and who finds it hardest to be heard, with every number's base and a 95% interval."),
    "domains": "How much influence people said they had over each area of an organisation's work.",
    "groups": ("Each seldom-heard group below is compared with everyone else in the view; a person or users' "
               "group can belong to, or speak for, several groups."),
    "trust_types": ("Organisation types and sectors side by side. Use the sidebar to narrow the view to a sector, "
                    "a region or particular types of organisation."),
    "voices": ("What people said in their own words, tagged with the domain it is about, the teller's seldom-heard "
               "groups and a theme where one was given. Quotes are redacted of personal details before they are "
               "stored."),
    "framework": ("How organisations rate themselves on the five areas of the engagement framework, which comes "
                  "from the study's recommendations. Each item is rated not started, developing, established or "
                  "leading."),
    "actions": ("This page follows each issue people raised: was it acted on, were they told what happened, and "
                "how long did it take."),
}

STUDY_FINDINGS: dict[str, str] = {
    "overview": ("In 2009 the Healthcare Commission asked how well NHS trusts and independent-sector organisations "
                 "engage local people in planning and improving health services. It surveyed 42 local users' "
                 "groups, ran 20 workshops with nearly 500 people, and interviewed 47 NHS trusts and 31 "
                 "independent-sector organisations."),
    "domains": ("The study found most influence over the care environment, information and appointments, some "
                "over service plans, and least over funding and over quality and safety."),
    "groups": ("People who are in the poorest health, in vulnerable circumstances or facing discrimination found "
               "it hardest to be heard."),
    "voices": ("The themes are the study's four failings (not involved early, not informed, engagement badly "
               "organised, no feedback on action) and what helped."),
    "framework": "The study recommended that trusts work towards a higher level of performance in these five areas.",
    "actions": ("One of the study's four main failings: trusts did not show the people who raised an issue that "
                "action had been taken."),
}

HEADLINE_FINDINGS = "\n".join([
    "- People had **most influence** over the care environment, information for patients, and appointments "
    "and opening hours; **some** over service plans; **least** over funding and priorities and over quality "
    "and safety of care.",
    "- **Seldom-heard groups** (black and minority ethnic communities, older people, carers, Gypsies and "
    "Travellers, people with learning disabilities, refugees and asylum seekers and others) found it "
    "hardest to be heard.",
    "- Trusts often failed to involve people early, to inform them, to organise engagement accessibly, and "
    "to say what was done with their views.",
    "- Mental health and learning disability services showed more active user participation; among "
    "independent providers, hospices were the most engaged.",
])


INFLUENCE_PAGES = ("overview", "domains", "groups", "trust_types")  # pages whose charts are of influence
NO_INFLUENCE = ("This dataset has no questions about influence, so this page has no charts. Its questions are "
                "charted on Results by question, each in its own words.")


NO_DATA = ("No data to show yet. Import a survey export on the Data page, or build the demo with "
           "`python -m analysis build --demo`.")
DEMO_BANNER = ("**Illustrative data.** These figures are generated to mirror the published findings and the "
               "design of the Healthcare Commission's 2009 study. They are not the study's own responses.")
LEFT_OUT = "Some filter values in the link are not in this dataset and were left out: "  # + the values, escaped


def charts_nothing(page: str, dataset_measures: list[str]) -> bool:
    """Whether a page charts only influence and the dataset has no questions about it."""
    return page in INFLUENCE_PAGES and "influence" not in dataset_measures


def is_study_demo(manifest: dict | None) -> bool:
    """Whether a dataset is the study demo (or its national-scale build): generated to mirror the study's findings."""
    return bool(manifest and manifest.get("demo"))


def intro(page: str) -> str:
    """The page's intro, true for any dataset."""
    return INTROS.get(page, "")


def study_findings(page: str, manifest: dict | None) -> str | None:
    """The study's own finding for a page, labelled as the study's, only beside the study demo; else None."""
    if not is_study_demo(manifest) or page not in STUDY_FINDINGS:
        return None
    return f"**{STUDY_LABEL}.** {STUDY_FINDINGS[page]}"


def study_sentences() -> list[str]:
    """Every sentence of the study's findings (for tests that they appear only beside the study demo)."""
    text = " ".join([*STUDY_FINDINGS.values(), HEADLINE_FINDINGS.replace("**", "")])
    return [s.strip(" -\n") for s in text.replace("\n", " ").split(". ") if len(s.strip()) > 20]
