"""From a point picked on a chart to the Voices page's filters: "show me the quotes" behind a bar or cell."""

from __future__ import annotations

from collections.abc import Mapping

from analysis.model import vocab
from analysis.model.filters import Filters

# chart_id -> {axis: the kind of id its labels name}. Axes not listed carry values (percentages).
CHART_AXES: dict[str, dict[str, str]] = {
    "domains_positive": {"y": "domain"},
    "domains_distribution": {"y": "domain"},
    "groups_heatmap": {"x": "domain", "y": "group"},
    "groups_against_rest": {"y": "group"},
    "groups_reach": {"y": "group"},
    "org_types_heatmap": {"x": "domain", "y": "org_type"},
    "org_types_against_rest": {"y": "org_type"},
    "org_types_participation": {"y": "org_type"},
}
_IDS = {
    "domain": vocab.DOMAINS,
    "group": vocab.SELDOM_HEARD_GROUPS,
    "org_type": vocab.ORG_TYPE_LABELS,
}


def _id_of(kind: str, value: object) -> str:
    """The vocabulary id a chart label (or id) names; '' when it names none."""
    text = str(value).strip()
    ids = _IDS[kind]
    if text in ids:
        return text
    return next((k for k, label in ids.items() if label.lower() == text.lower()), "")


def voices_filters(chart_id: str, point: Mapping[str, object]) -> dict[str, str]:
    """The Voices filters a selected point stands for, e.g. {'domain': 'funding', 'group': 'carers'}."""
    found: dict[str, str] = {}
    for axis, kind in CHART_AXES.get(chart_id, {}).items():
        value = _id_of(kind, point.get(axis, ""))
        if value:
            found[kind] = value
    return found


def voices_query(drill: Mapping[str, str], filters: Filters) -> dict[str, list[str]]:
    """The Voices page's URL query: the sidebar filters, with the chart's choices taking precedence."""
    query = filters.as_query()
    for key, value in drill.items():
        query[key] = [value]
    return query


def describe(drill: Mapping[str, str]) -> str:
    """The choices in words, e.g. 'Funding and priorities; Carers'."""
    return "; ".join(vocab.label(key, value) for key, value in drill.items())
