"""The product's vocabularies: ids used in data, URLs and exports, and the labels people see."""

from __future__ import annotations

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

# Organisation type id -> (label, sector id)
ORG_TYPES: dict[str, tuple[str, str]] = {
    "pct": ("Primary care trust (commissioner)", "nhs"),
    "acute": ("Acute hospital trust", "nhs"),
    "ambulance": ("Ambulance trust", "nhs"),
    "mental_health_ld": ("Mental health and learning disability trust", "nhs"),
    "independent_acute": ("Independent acute hospital", "independent"),
    "hospice": ("Hospice", "independent"),
    "independent_walk_in": ("Independent walk-in or primary care", "independent"),
    "independent_mental_health": ("Independent mental health", "independent"),
}

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
}

# Scales: ordered levels (lowest first), which count as positive, and the non-substantive answers.
SCALES: dict[str, dict] = {
    "influence4": {
        "label": "Amount of influence",
        "levels": ["none", "a_little", "some", "a_lot"],
        "positive": ["some", "a_lot"],
        "non_substantive": ["dont_know", "not_applicable"],
    },
    "importance4": {
        "label": "How much people want a say",
        "levels": ["not_important", "slightly_important", "fairly_important", "very_important"],
        "positive": ["fairly_important", "very_important"],
        "non_substantive": ["dont_know"],
    },
}

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
}

# Filter keys are URL query parameter names; each maps to its vocabulary (wave is open-ended).
FILTER_KEYS: tuple[str, ...] = ("org_type", "sector", "region", "source", "wave")

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
# Heatmap fill from 0% to 100%: lightness falls evenly, and ink text keeps 4.5:1 contrast on every cell.
HEAT_SCALE: tuple[str, str, str] = ("#FFFFFF", "#A6D4F2", "#3D94CC")
LEVEL_COLOURS: dict[str, str] = {
    "none": "#D55E00",
    "a_little": "#E69F00",
    "some": "#56B4E9",
    "a_lot": "#0072B2",
    # Non-substantive answers: greys far enough apart in lightness to tell apart (tests/test_colour.py).
    "dont_know": "#858585",
    "not_applicable": "#ADADAD",
    "prefer_not_to_say": "#D6D6D6",
    "not_important": "#D55E00",
    "slightly_important": "#E69F00",
    "fairly_important": "#56B4E9",
    "very_important": "#0072B2",
}


def org_type_label(org_type: str) -> str:
    """The label people see for an organisation type id (the id itself when unknown)."""
    return ORG_TYPES[org_type][0] if org_type in ORG_TYPES else org_type


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
    if key == "org_type":
        return {k: v[0] for k, v in ORG_TYPES.items()}
    return {"sector": SECTORS, "region": REGIONS, "source": SOURCES}.get(key, {})
