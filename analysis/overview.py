"""The Overview page's words and facts: the study, who took part, and trusts' claims against users' views."""

from __future__ import annotations

from dataclasses import dataclass

from analysis import filters as flt
from analysis import metrics, queries, summaries

INTRO = (
    "In 2009 the Healthcare Commission asked how well NHS trusts and independent-sector organisations "
    "engage local people in planning and improving health services. It surveyed 42 local users' groups, "
    "ran 20 workshops with nearly 500 people, and interviewed 47 NHS trusts and 31 independent-sector "
    "organisations. Engagement Explorer lets you explore that kind of evidence: how much influence people "
    "have, over what, and who finds it hardest to be heard."
)
FINDINGS = "\n".join([
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


@dataclass(frozen=True)
class Facts:
    """Headline numbers for the Overview page."""

    metrics: list[tuple[str, str, str]]
    contrast: str
    provenance: str


def headline_facts(cube: queries.Cube, filters: flt.Filters) -> Facts:
    """Who took part in the view, trusts' declared compliance against users' groups' views, and provenance."""
    counts = queries.respondent_counts(cube, filters)
    orgs = flt.apply(cube.organisations.assign(source="interview", wave=""),
                     flt.Filters(org_type=filters.org_type, sector=filters.sector, region=filters.region))
    nhs = orgs[orgs["sector"] == "nhs"]
    declared = nhs["declared_core_standard_17"].dropna()
    metric_rows = [
        ("Organisations", f"{len(orgs):,}", f"{len(nhs)} NHS trusts, {len(orgs) - len(nhs)} independent"),
        ("Users' groups", f"{counts['users_group_survey']:,}", "Local users' groups that answered the survey"),
        ("Workshop participants", f"{counts['workshop']:,}", "People at the workshops"),
        ("Answers on influence", f"{_answers(cube, filters):,}", "All answers about influence in the view"),
    ]
    users = flt.Filters(**{**dict(filters.items()), "source": ("users_group_survey",)})
    by_domain = queries.influence_by_domain(cube, users).set_index("domain")
    if len(declared):
        k, n = int(declared.sum()), len(declared)
        low, high = metrics.exact_interval([k], [n])
        contrast = (f"{k} of {n} NHS trusts in this view ({100 * k / n:.0f}%; exact 95% CI "
                    f"{100 * low[0]:.0f}% to {100 * high[0]:.0f}%) declared that they met core standard 17 "
                    "in 2007/08: that people's views are sought and taken into account. ")
    else:
        contrast = "No NHS trusts in this view declared compliance with core standard 17. "
    plans = by_domain.loc["service_plans"] if "service_plans" in by_domain.index else None
    funding = by_domain.loc["funding"] if "funding" in by_domain.index else None
    if plans is not None and funding is not None and not plans["suppressed"] and not funding["suppressed"]:
        contrast += (f"Yet only {plans['positive_pct']:.0f}% of users' groups' answers said people had some or "
                     f"a lot of influence over service plans (base {plans['base_n']:.0f}), and "
                     f"{funding['positive_pct']:.0f}% over funding and priorities (base {funding['base_n']:.0f}).")
    else:
        contrast += "Too few users' groups are in this view to show what they said."
    manifest = cube.manifest
    provenance = summaries.escape_markdown(manifest.get("description", "")) + (
        f" Dataset {manifest['dataset_hash'][:12]}, schema version {manifest['schema_version']}, "
        f"built {manifest['created']}.")
    return Facts(metric_rows, summaries.escape_markdown(contrast), provenance)


def _answers(cube: queries.Cube, filters: flt.Filters) -> int:
    return int(cube.cells("influence", groups=False, filters=filters)["n"].sum())


