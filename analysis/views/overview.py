"""The Overview page's facts: who took part, trusts' claims against users' views, and findings from the numbers."""

from __future__ import annotations

from dataclasses import dataclass

from analysis.evidence import queries
from analysis.model import filters as flt
from analysis.model import safe_text, vocab
from analysis.stats import metrics
from analysis.views import measures


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
    metric_rows = _study_metrics(cube, filters, counts, orgs, nhs) if cube.manifest.get("demo") else \
        _data_metrics(cube, filters, counts, orgs)
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
    return Facts(metric_rows, safe_text.escape_markdown(contrast), _provenance(cube.manifest))


def _study_metrics(cube: queries.Cube, filters: flt.Filters, counts: dict[str, int], orgs, nhs) -> list:
    """The study's own units: organisations, users' groups, workshop participants, answers on influence."""
    return [
        ("Organisations", f"{len(orgs):,}", f"{len(nhs)} NHS trusts, {len(orgs) - len(nhs)} independent"),
        ("Users' groups", f"{counts['users_group_survey']:,}", "Local users' groups that answered the survey"),
        ("Workshop participants", f"{counts['workshop']:,}", "People at the workshops"),
        ("Answers on influence", f"{_answers(cube, filters):,}", "All answers about influence in the view"),
    ]


def _data_metrics(cube: queries.Cube, filters: flt.Filters, counts: dict[str, int], orgs) -> list:
    """Any other dataset's own units: organisations, respondents, questions and answers in the view."""
    answers = sum(_answers(cube, filters, measure) for measure in cube.measures)
    names = ", ".join(vocab.measure_label(m).lower() for m in cube.measures) or "none"
    return [
        ("Organisations", f"{len(orgs):,}", "Organisations in the view"),
        ("Respondents", f"{counts['total']:,}", "People or groups who answered, in the view"),
        ("Questions", f"{len(cube.questions):,}", f"Questions in the dataset; measures: {names}"),
        ("Answers", f"{answers:,}", "All answers in the view, every measure"),
    ]


def _provenance(manifest: dict) -> str:
    description = str(manifest.get("description", "")).strip()
    return safe_text.escape_markdown(description + ("" if description.endswith(".") or not description else ".")) + (
        f" Version {manifest['dataset_hash'][:12]}, schema version {manifest['schema_version']}, "
        f"built {manifest['created']}.")


def data_findings(cube: queries.Cube, filters: flt.Filters) -> list[str]:
    """Headline findings written from the dataset's own numbers, each measure in its own words: where influence
    is highest and lowest, and each other measure's most and least positive question."""
    found = _influence_findings(cube, filters) if measures.STUDY_MEASURE in cube.measures else []
    for measure in measures.charted(cube):
        found += _measure_findings(cube, filters, measure)
    if not found:
        found = ["There are too few answers in this view to say anything safely."]
    return [safe_text.escape_markdown(f) for f in found]


def _shown(frame) -> object:
    """The rows disclosure control left a number on."""
    return frame[~frame["suppressed"].astype(bool) & frame["positive_pct"].notna()]


def _influence_findings(cube: queries.Cube, filters: flt.Filters) -> list[str]:
    shown = _shown(queries.influence_by_domain(cube, filters))
    if shown.empty:
        return ["There are too few answers about influence in this view to say where people have most and least."]
    top, bottom = shown.iloc[0], shown.iloc[-1]
    found = [f"People said they had most influence over {str(top['domain_label']).lower()} "
             f"({top['positive_pct']:.0f}% some or a lot, base {top['base_n']:.0f})."]
    if len(shown) > 1:
        found.append(f"They said they had least over {str(bottom['domain_label']).lower()} "
                     f"({bottom['positive_pct']:.0f}%, base {bottom['base_n']:.0f}).")
    return found


def _measure_findings(cube: queries.Cube, filters: flt.Filters, measure: str) -> list[str]:
    """One measure's finding in its own wording ('% agree or strongly agree'): its only question, or its most
    and least positive questions."""
    words, label = measures.wording(cube, measure), vocab.measure_label(measure)
    shown = _shown(measures.shares(cube, filters, measure))
    if shown.empty:
        return [f"{label}: there are too few answers in this view to say anything safely."]
    top, bottom = shown.iloc[0], shown.iloc[-1]
    if len(shown) == 1:
        return [f"{label}: {top['positive_pct']:.0f}% {words} on \"{top['topic_label']}\" (base {top['base_n']:.0f})."]
    return [f"{label}: most positive on \"{top['topic_label']}\" ({top['positive_pct']:.0f}% {words}, base "
            f"{top['base_n']:.0f}); least on \"{bottom['topic_label']}\" ({bottom['positive_pct']:.0f}%, base "
            f"{bottom['base_n']:.0f})."]


def _answers(cube: queries.Cube, filters: flt.Filters, measure: str = "influence") -> int:
    if measure not in cube.measures:
        return 0
    return int(cube.cells(measure, groups=False, filters=filters)["n"].sum())


