"""The Overview page's facts: who took part, trusts' claims against users' views, and findings from the numbers."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.evidence import queries
from analysis.model import filters as flt
from analysis.stats import metrics
from analysis.views import summaries


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
    if not len(declared):  # nothing declared in this dataset: no contrast to draw
        return Facts(metric_rows, "", _provenance(cube.manifest))
    k, n = int(declared.sum()), len(declared)
    low, high = metrics.exact_interval([k], [n])
    contrast = (f"{k} of {n} NHS trusts in this view ({100 * k / n:.0f}%; exact 95% CI "
                f"{100 * low[0]:.0f}% to {100 * high[0]:.0f}%) declared that they met core standard 17 "
                "in 2007/08: that people's views are sought and taken into account. ")
    plans = by_domain.loc["service_plans"] if "service_plans" in by_domain.index else None
    funding = by_domain.loc["funding"] if "funding" in by_domain.index else None
    if plans is not None and funding is not None and not plans["suppressed"] and not funding["suppressed"]:
        contrast += (f"Yet only {plans['positive_pct']:.0f}% of users' groups' answers said people had some or "
                     f"a lot of influence over service plans (base {plans['base_n']:.0f}), and "
                     f"{funding['positive_pct']:.0f}% over funding and priorities (base {funding['base_n']:.0f}).")
    else:
        contrast += "Too few users' groups are in this view to show what they said."
    return Facts(metric_rows, summaries.escape_markdown(contrast), _provenance(cube.manifest))


def _provenance(manifest: dict) -> str:
    description = str(manifest.get("description", "")).strip()
    return summaries.escape_markdown(description + ("" if description.endswith(".") or not description else ".")) + (
        f" Version {manifest['dataset_hash'][:12]}, schema version {manifest['schema_version']}, "
        f"built {manifest['created']}.")


def data_findings(cube: queries.Cube, filters: flt.Filters) -> list[str]:
    """Headline findings written from the dataset's own numbers: where influence is highest and lowest."""
    shown = queries.influence_by_domain(cube, filters)
    shown = shown[~shown["suppressed"].astype(bool) & shown["positive_pct"].notna()]
    if shown.empty:
        return ["There are too few answers about influence in this view to say where people have most and least."]
    top, bottom = shown.iloc[0], shown.iloc[-1]
    found = [f"People said they had most influence over {str(top['domain_label']).lower()} "
             f"({top['positive_pct']:.0f}% some or a lot, base {top['base_n']:.0f})."]
    if len(shown) > 1:
        found.append(f"They said they had least over {str(bottom['domain_label']).lower()} "
                     f"({bottom['positive_pct']:.0f}%, base {bottom['base_n']:.0f}).")
    return [summaries.escape_markdown(f) for f in found]


def _answers(cube: queries.Cube, filters: flt.Filters) -> int:
    return int(cube.cells("influence", groups=False, filters=filters)["n"].sum())


