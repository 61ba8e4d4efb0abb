"""The product's vocabularies: ids used in data, URLs and exports, and the labels people see."""

from __future__ import annotations

import re

DOMAINS: dict[str, str] = {
    "care_environment": "Care environment",
    "information": "Information for patients",
    "appointments": "Appointments and opening hours",
    "service_plans": "Service plans and design",
    "funding": "Funding and priorities",
    "quality_safety": "Quality and safety of care",
}

SELDOM_HEARD_GROUPS: dict[str, str] = {
    "bme": "Black and minority ethnic communities",
    "older_people": "Older people",
    "carers": "Carers",
    "gypsies_travellers": "Gypsies and Travellers",
    "learning_disabilities": "People with learning disabilities",
    "refugees_asylum_seekers": "Refugees and asylum seekers",
    "disabled_people": "Disabled people",
    "children_young_people": "Children and young people",
    "eastern_european_arrivals": "Recent arrivals from Eastern Europe",
    "lgbt": "Lesbian, gay, bisexual and transgender people",
    "working_age": "Working-age people",
}

SECTORS: dict[str, str] = {"nhs": "NHS", "independent": "Independent sector"}

# Themes of people's stories: the study's four failings first, then what helped.
THEMES: dict[str, str] = {
    "not_involved_early": "Not involved early enough",
    "not_informed": "Not kept informed",
    "badly_organised": "Engagement badly organised or hard to reach",
    "no_feedback": "No feedback on what was done",
    "leadership": "Leaders who listen",
    "voluntary_partnership": "Partnership with voluntary groups",
    "outreach": "Outreach to communities",
    "tailored_information": "Information made with and for people",
}

# Organisation type id -> (label, sector id). The study's own types first (its demo and findings use
# exactly these), then today's NHS groupings for imported data (as the NHS Staff Survey benchmarks them).
STUDY_ORG_TYPES: dict[str, tuple[str, str]] = {
    "pct": ("Primary care trust (commissioner)", "nhs"),
    "acute": ("Acute hospital trust", "nhs"),
    "ambulance": ("Ambulance trust", "nhs"),
    "mental_health_ld": ("Mental health and learning disability trust", "nhs"),
    "independent_acute": ("Independent acute hospital", "independent"),
    "hospice": ("Hospice", "independent"),
    "independent_walk_in": ("Independent walk-in or primary care", "independent"),
    "independent_mental_health": ("Independent mental health", "independent"),
}
ORG_TYPES: dict[str, tuple[str, str]] = {
    **STUDY_ORG_TYPES,
    "gp_practice": ("GP practice or primary care network (NHS primary care)", "nhs"),
    "community": ("Community trust", "nhs"),
    "icb": ("Integrated care board (commissioner)", "nhs"),
    "social_enterprise": ("Social enterprise", "independent"),
}
ORG_TYPE_LABELS: dict[str, str] = {type_id: type_label for type_id, (type_label, _) in ORG_TYPES.items()}
# Other names people and files use for an organisation type (lower case) -> type id.
ORG_TYPE_WORDS: dict[str, str] = {
    "gp practice": "gp_practice", "gp surgery": "gp_practice", "general practice": "gp_practice",
    "surgery": "gp_practice", "primary care network": "gp_practice", "pcn": "gp_practice", "gp": "gp_practice",
    "primary care": "gp_practice", "community trust": "community", "community health": "community",
    "community services": "community", "community provider": "community", "integrated care board": "icb",
    "icb": "icb", "ccg": "icb", "clinical commissioning group": "icb", "commissioner": "icb",
    "social enterprise": "social_enterprise", "community interest company": "social_enterprise",
    "cic": "social_enterprise", "acute trust": "acute", "acute": "acute", "hospital trust": "acute",
    "ambulance": "ambulance", "mental health trust": "mental_health_ld", "mental health": "mental_health_ld",
    "hospice": "hospice", "primary care trust": "pct", "pct": "pct",
}
# NHS Organisation Data Service (ODS) codes: the shape of each kind, and the type it tells (or "").
ODS_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"[A-HJ-NP-Y]\d{5}", "gp_practice"),  # GP practice, e.g. A81001
    (r"U\d{5}", "gp_practice"),            # primary care network, e.g. U12345
    (r"Q[A-Z0-9]{2}", "icb"),              # integrated care board, e.g. QWE
    (r"\d{2}[A-Z]", "icb"),                # sub-ICB location (former CCG), e.g. 08K
    (r"R[A-Z0-9]{2}", ""),                 # NHS trust, e.g. RX1 (its type needs a lookup)
    (r"R[A-Z0-9]{2}[A-Z0-9]{2}", ""),      # NHS trust site, e.g. RX1RA
    (r"N[A-Z0-9]{2}", ""),                 # independent-sector provider, e.g. NT2
    (r"[A-Z]{2}\d{3}", ""),                # other ODS codes, e.g. NL123
)


REGIONS: dict[str, str] = {
    "north_east": "North East",
    "north_west": "North West",
    "yorkshire_humber": "Yorkshire and the Humber",
    "east_midlands": "East Midlands",
    "west_midlands": "West Midlands",
    "east_of_england": "East of England",
    "london": "London",
    "south_east_coast": "South East Coast",
    "south_central": "South Central",
    "south_west": "South West",
}

SOURCES: dict[str, str] = {
    "users_group_survey": "Users' group survey",
    "workshop": "Workshop",
    "interview": "Organisation interview",
    "patient_survey": "Patient survey",
}

MEASURES: dict[str, str] = {
    "influence": "How much influence people have",
    "participation": "How actively users take part in the organisation's work",
    "importance": "How much people want to influence it",
    "agreement": "How far people agree",
    "recommendation": "Whether people would recommend the service",
    "experience": "How people rate their experience",
}
# What a chart of each measure says counts as positive ("% ..."), on the measure's own scale. A measure
# on another scale (or a person's own measure) says its scale's positive levels instead (measure_wording).
MEASURE_WORDING: dict[str, tuple[str, str]] = {  # measure -> (its scale, the positive answers in words)
    "influence": ("influence4", "some or a lot of influence"),
    "participation": ("influence4", "some or a lot of participation"),
    "importance": ("importance4", "fairly or very important"),
    "agreement": ("agree5", "agree or strongly agree"),
    "recommendation": ("fft6", "extremely likely or likely to recommend"),
    "experience": ("quality5", "good or very good"),
}
# The measure a question on a library scale most likely asks (the starter mapping's guess).
SCALE_MEASURE: dict[str, str] = {
    "influence4": "influence", "importance4": "importance", "agree5": "agreement", "fft6": "recommendation",
    "satisfaction5": "experience", "quality5": "experience", "frequency5": "experience", "yes_no": "experience",
}

_NS = ["dont_know", "not_applicable", "prefer_not_to_say"]
# Scales: ordered levels (lowest first), which count as positive, the non-substantive answers, and other
# words answer labels use for a level (matched after case, punctuation and numbering are set aside).
SCALES: dict[str, dict] = {
    "influence4": {
        "label": "Amount of influence",
        "levels": ["none", "a_little", "some", "a_lot"],
        "positive": ["some", "a_lot"],
        "non_substantive": ["dont_know", "not_applicable"],
        "words": {"none": ["no influence", "none", "not at all", "no influence at all"],
                  "a_little": ["a little influence", "little"], "some": ["some influence"],
                  "a_lot": ["a lot of influence", "a great deal"]},
    },
    "importance4": {
        "label": "How much people want a say",
        "levels": ["not_important", "slightly_important", "fairly_important", "very_important"],
        "positive": ["fairly_important", "very_important"],
        "non_substantive": ["dont_know"],
        "words": {"not_important": ["not important", "not at all important"],
                  "slightly_important": ["a little important"], "fairly_important": ["quite important",
                                                                                    "important"],
                  "very_important": ["extremely important"]},
    },
    "agree5": {
        "label": "Agree or disagree (5 points)",
        "levels": ["strongly_disagree", "disagree", "neither_agree_nor_disagree", "agree", "strongly_agree"],
        "positive": ["agree", "strongly_agree"],
        "non_substantive": _NS,
        "words": {"strongly_disagree": ["disagree strongly"], "disagree": ["tend to disagree", "somewhat disagree",
                                                                           "slightly disagree"],
                  "neither_agree_nor_disagree": ["neither agree or disagree", "neutral", "neither",
                                                 "neither disagree nor agree", "undecided"],
                  "agree": ["tend to agree", "somewhat agree", "slightly agree"],
                  "strongly_agree": ["agree strongly"]},
    },
    "fft6": {
        "label": "Friends and Family Test (likely to recommend)",
        "levels": ["extremely_unlikely", "unlikely", "neither_likely_nor_unlikely", "likely", "extremely_likely"],
        "positive": ["likely", "extremely_likely"],
        "non_substantive": _NS,
        "words": {"neither_likely_nor_unlikely": ["neither likely or unlikely", "neither"]},
    },
    "satisfaction5": {
        "label": "Satisfied or dissatisfied (5 points)",
        "levels": ["very_dissatisfied", "dissatisfied", "neither_satisfied_nor_dissatisfied", "satisfied",
                   "very_satisfied"],
        "positive": ["satisfied", "very_satisfied"],
        "non_substantive": _NS,
        "words": {"neither_satisfied_nor_dissatisfied": ["neither satisfied or dissatisfied", "neither",
                                                         "neutral"],
                  "dissatisfied": ["fairly dissatisfied", "quite dissatisfied", "unsatisfied"],
                  "satisfied": ["fairly satisfied", "quite satisfied"],
                  "very_dissatisfied": ["extremely dissatisfied"], "very_satisfied": ["extremely satisfied"]},
    },
    "quality5": {
        "label": "Good or poor (5 points)",
        "levels": ["very_poor", "poor", "fair", "good", "very_good"],
        "positive": ["good", "very_good"],
        "non_substantive": _NS,
        "words": {"fair": ["neither good nor poor", "neither good or poor", "average", "ok", "okay", "neither"],
                  "very_good": ["excellent"], "very_poor": ["terrible", "awful"], "good": ["fairly good"],
                  "poor": ["fairly poor", "bad"]},
    },
    "frequency5": {
        "label": "How often (never to always)",
        "levels": ["never", "rarely", "sometimes", "often", "always"],
        "positive": ["often", "always"],
        "non_substantive": _NS,
        "words": {"rarely": ["seldom", "hardly ever"], "often": ["usually", "most of the time", "frequently"],
                  "always": ["all of the time"]},
    },
    "yes_no": {
        "label": "Yes or no",
        "levels": ["no", "yes"],
        "positive": ["yes"],
        "non_substantive": _NS,
        "words": {"no": ["n"], "yes": ["y"]},
    },
}
DEMO_SCALES: tuple[str, ...] = ("influence4", "importance4")  # the study demo's scales: kept exactly as they were

LEVEL_LABELS: dict[str, str] = {
    "none": "No influence",
    "a_little": "A little",
    "some": "Some",
    "a_lot": "A lot",
    "dont_know": "Don't know",
    "not_applicable": "Not applicable",
    "prefer_not_to_say": "Prefer not to say",
    "not_important": "Not important to have a say",
    "slightly_important": "Slightly important",
    "fairly_important": "Fairly important",
    "very_important": "Very important",
    "strongly_disagree": "Strongly disagree",
    "disagree": "Disagree",
    "neither_agree_nor_disagree": "Neither agree nor disagree",
    "agree": "Agree",
    "strongly_agree": "Strongly agree",
    "extremely_unlikely": "Extremely unlikely",
    "unlikely": "Unlikely",
    "neither_likely_nor_unlikely": "Neither likely nor unlikely",
    "likely": "Likely",
    "extremely_likely": "Extremely likely",
    "very_dissatisfied": "Very dissatisfied",
    "dissatisfied": "Dissatisfied",
    "neither_satisfied_nor_dissatisfied": "Neither satisfied nor dissatisfied",
    "satisfied": "Satisfied",
    "very_satisfied": "Very satisfied",
    "very_poor": "Very poor",
    "poor": "Poor",
    "fair": "Fair",
    "good": "Good",
    "very_good": "Very good",
    "never": "Never",
    "rarely": "Rarely",
    "sometimes": "Sometimes",
    "often": "Often",
    "always": "Always",
    "no": "No",
    "yes": "Yes",
}
# Other words for the non-substantive answers, on any scale.
NON_SUBSTANTIVE_WORDS: dict[str, list[str]] = {
    "dont_know": ["dont know", "do not know", "not sure", "unsure", "dk", "no opinion", "cant say",
                  "cannot say", "dont know not sure"],
    "not_applicable": ["n a", "na", "not applicable", "does not apply", "no basis for evaluation",
                       "no basis to evaluate", "not relevant", "not used", "no experience", "no answer"],
    "prefer_not_to_say": ["prefer not to say", "rather not say", "prefer not to answer", "declined"],
}

# Filter keys are URL query parameter names; each maps to its vocabulary (wave is open-ended).
FILTER_KEYS: tuple[str, ...] = ("org_type", "sector", "region", "source", "wave")
FILTER_LABELS: dict[str, str] = {"org_type": "Organisation type", "sector": "Sector", "region": "Region",
                                 "source": "Source", "wave": "Wave"}

# The answers that say no opinion either way: never counted as positive or negative, shown apart.
NON_SUBSTANTIVE_LEVELS: tuple[str, ...] = ("dont_know", "not_applicable", "prefer_not_to_say")


def measure_wording(measure: str, scale_id: str = "", positive_labels: list[str] | None = None) -> str:
    """What counts as positive for a measure, in words for '% ...': the measure's own wording on its own
    scale, else the scale's positive levels (highest first), e.g. 'often or always'."""
    own = MEASURE_WORDING.get(measure)
    if own and (not scale_id or scale_id == own[0] or not positive_labels):
        return own[1]
    labels = [str(x).lower() for x in (positive_labels or [])][::-1]
    return " or ".join(labels) if labels else "a positive answer"


def measure_label(measure: str) -> str:
    """The label of a measure id: the library's, else the id read as words (a person's own measure)."""
    return MEASURES.get(measure) or str(measure).replace("_", " ").strip().capitalize()


def topic_label(domain: object) -> str:
    """The label of a question's domain: a study domain's, a person's own topic read as words, or ''."""
    if domain is None or domain != domain or not str(domain).strip():
        return ""
    return DOMAINS.get(str(domain)) or str(domain).replace("_", " ").strip().capitalize()


def ods_org_type(code: str) -> str | None:
    """None when the text is not shaped like an NHS ODS code; else the type its shape tells ('' if none)."""
    text = str(code).strip().upper()
    for pattern, org_type in ODS_PATTERNS:
        if re.fullmatch(pattern, text):
            return org_type
    return None


def org_type_id(text: str) -> str:
    """The organisation type an id, label or common name gives ('' when none)."""
    key = re.sub(r"\s+", " ", str(text).replace("_", " ")).strip().lower()
    for type_id, (type_label, _) in ORG_TYPES.items():
        if key in {type_id.replace("_", " "), type_label.lower()}:
            return type_id
    return ORG_TYPE_WORDS.get(key, "")


def org_type_label(org_type: str) -> str:
    """The label people see for an organisation type id (the id itself when unknown)."""
    return ORG_TYPE_LABELS.get(org_type, org_type)


def sector_of(org_type: str) -> str:
    """The sector id an organisation type belongs to."""
    return ORG_TYPES[org_type][1]


def label(kind: str, value: str) -> str:
    """The label people see for a vocabulary id of the given kind; unknown ids read as themselves."""
    table = {
        "domain": DOMAINS,
        "group": SELDOM_HEARD_GROUPS,
        "sector": SECTORS,
        "region": REGIONS,
        "source": SOURCES,
        "level": LEVEL_LABELS,
        "measure": MEASURES,
        "theme": THEMES,
    }.get(kind)
    if kind == "org_type":
        return org_type_label(value)
    if table is None:
        return str(value)
    return table.get(value, str(value))


def filter_options(key: str) -> dict[str, str]:
    """The known ids and labels for a filter key (wave has none: it comes from the data)."""
    return {"org_type": ORG_TYPE_LABELS, "sector": SECTORS, "region": REGIONS, "source": SOURCES}.get(key, {})
