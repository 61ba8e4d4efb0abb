"""The vocabularies: ids people and URLs rely on, labels people read, colours charts use."""

from __future__ import annotations

import re

import pytest

from analysis.model import vocab

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")

ID_VOCABS = {
    "domains": vocab.DOMAINS,
    "seldom-heard groups": vocab.SELDOM_HEARD_GROUPS,
    "sectors": vocab.SECTORS,
    "org types": vocab.ORG_TYPES,
    "regions": vocab.REGIONS,
    "sources": vocab.SOURCES,
    "measures": vocab.MEASURES,
    "scales": vocab.SCALES,
    "levels": vocab.LEVEL_LABELS,
}


@pytest.mark.parametrize("ids", list(ID_VOCABS.values()), ids=list(ID_VOCABS))
def test_ids_are_snake_case(ids: dict) -> None:
    bad = [i for i in ids if not SNAKE.match(i)]
    assert not bad, f"not snake_case: {bad}"


@pytest.mark.parametrize(("ids", "expected"), [
    (vocab.DOMAINS, ["care_environment", "information", "appointments", "service_plans", "funding",
                     "quality_safety"]),
    (vocab.SECTORS, ["nhs", "independent"]),
], ids=["domains", "sectors"])
def test_required_ids_exactly(ids: dict, expected: list[str]) -> None:
    assert list(ids) == expected


@pytest.mark.parametrize(("count", "what"), [
    (len(vocab.SELDOM_HEARD_GROUPS), "seldom-heard groups"),
    (len(vocab.STUDY_ORG_TYPES), "organisation types"),
    (len(vocab.REGIONS), "regions"),
])
def test_sizes_match_the_study(count: int, what: str) -> None:
    assert count == {"seldom-heard groups": 11, "organisation types": 8, "regions": 10}[what]


@pytest.mark.parametrize("org_type", list(vocab.ORG_TYPES))
def test_every_org_type_belongs_to_a_sector(org_type: str) -> None:
    assert vocab.sector_of(org_type) in vocab.SECTORS


def test_the_study_sources_are_known() -> None:
    assert {"users_group_survey", "workshop", "interview"} <= set(vocab.SOURCES)


def test_both_sectors_have_org_types() -> None:
    assert {vocab.sector_of(t) for t in vocab.ORG_TYPES} == set(vocab.SECTORS)


LABELS = [
    *((f"domain:{k}", v) for k, v in vocab.DOMAINS.items()),
    *((f"group:{k}", v) for k, v in vocab.SELDOM_HEARD_GROUPS.items()),
    *((f"sector:{k}", v) for k, v in vocab.SECTORS.items()),
    *((f"org_type:{k}", v[0]) for k, v in vocab.ORG_TYPES.items()),
    *((f"region:{k}", v) for k, v in vocab.REGIONS.items()),
    *((f"source:{k}", v) for k, v in vocab.SOURCES.items()),
    *((f"measure:{k}", v) for k, v in vocab.MEASURES.items()),
    *((f"level:{k}", v) for k, v in vocab.LEVEL_LABELS.items()),
    *((f"scale:{k}", v["label"]) for k, v in vocab.SCALES.items()),
]


@pytest.mark.parametrize(("where", "text"), LABELS, ids=[w for w, _ in LABELS])
def test_every_label_is_non_empty(where: str, text: str) -> None:
    assert isinstance(text, str) and text.strip() == text and text


@pytest.mark.parametrize("scale_id", list(vocab.SCALES))
def test_scales_are_consistent(scale_id: str) -> None:
    scale = vocab.SCALES[scale_id]
    levels = scale["levels"]
    assert set(scale["positive"]) <= set(levels)
    assert not set(scale["non_substantive"]) & set(levels)
    assert all(level in vocab.LEVEL_LABELS for level in [*levels, *scale["non_substantive"]])


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("domain", "funding", "Funding and priorities"),
    ("org_type", "hospice", "Hospice"),
    ("sector", "nhs", "NHS"),
    ("region", "london", "London"),
    ("domain", "unknown_id", "unknown_id"),
    ("no_such_kind", "x", "x"),
])
def test_label_looks_up_each_kind(kind: str, value: str, expected: str) -> None:
    assert vocab.label(kind, value) == expected


@pytest.mark.parametrize("key", [k for k in vocab.FILTER_KEYS if k != "wave"])
def test_every_filter_key_but_wave_has_options(key: str) -> None:
    assert vocab.filter_options(key)
