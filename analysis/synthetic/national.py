"""A national-scale synthetic dataset: N respondents with the demo's vocabularies, skews and findings.

Vectorised throughout, so a million respondents with a dozen influence questions each build in
well under two minutes. Like the demo, it is illustrative.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from analysis.model import vocab
from analysis.synthetic import demo, design

WAVES = ("2008", "2009", "2010")
WAVE_SHARE = (0.3, 0.33, 0.37)
WAVE_SHIFT = (0.0, 0.02, 0.04)  # a little more influence each year
SOURCE_SHARE = {"users_group_survey": 0.02, "workshop": 0.18, "interview": 0.0, "patient_survey": 0.80}
# Organisation types: share of organisations, and of respondents (acute trusts see most patients).
ORG_TYPE_SHARE = {
    "pct": (0.08, 0.14), "acute": (0.10, 0.45), "ambulance": (0.01, 0.04), "mental_health_ld": (0.03, 0.12),
    "independent_acute": (0.08, 0.08), "hospice": (0.12, 0.05), "independent_walk_in": (0.48, 0.08),
    "independent_mental_health": (0.10, 0.04),
}
REGION_SHARE = np.array([0.05, 0.13, 0.10, 0.08, 0.10, 0.11, 0.16, 0.08, 0.08, 0.11])
QUESTION_KINDS = {"": "How much influence have people had on {}?",
                  "_future": "How much influence could people have on {} next year?"}

DESCRIPTION = ("Illustrative national-scale data: {n:,} synthetic respondents generated with the demo's "
               "vocabularies and the published findings' shape; not real responses.")


def _organisations(rng: np.random.Generator, n_orgs: int) -> pd.DataFrame:
    types = list(ORG_TYPE_SHARE)
    share = np.array([ORG_TYPE_SHARE[t][0] for t in types])
    counts = np.maximum(1, np.round(share / share.sum() * n_orgs)).astype(int)
    org_type = np.repeat(types, counts)
    region = rng.choice(list(vocab.REGIONS), size=len(org_type), p=REGION_SHARE / REGION_SHARE.sum())
    sector = np.array([vocab.sector_of(t) for t in org_type])
    declared = pd.array(np.where(sector == "nhs", rng.random(len(org_type)) < 0.98, False), dtype="boolean")
    declared[sector != "nhs"] = pd.NA
    return pd.DataFrame({
        "org_id": [f"ORG{i + 1:05d}" for i in range(len(org_type))],
        "org_name": [f"Synthetic {vocab.org_type_label(t).lower()} {i + 1}" for i, t in enumerate(org_type)],
        "org_type": org_type, "sector": sector, "region": region,
        "foundation_trust": np.isin(org_type, ["acute", "mental_health_ld"]) & (rng.random(len(org_type)) < 0.5),
        "interviewed": False, "declared_core_standard_17": declared,
    })


CHUNK = 250_000  # respondents generated and written at a time: memory does not grow with the dataset


def _questions() -> pd.DataFrame:
    return pd.DataFrame([
        {"question_id": f"influence_{domain}{suffix}", "question_text": wording.format(vocab.DOMAINS[domain].lower()),
         "measure": "influence", "domain": domain, "scale_id": "influence4"}
        for suffix, wording in QUESTION_KINDS.items() for domain in design.DOMAIN_POSITIVE])


def _text(values, codes: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """values[codes] as text held by Arrow, made without a Python string per row."""
    return pd.array(pa.array(list(values), type=pa.string()).take(pa.array(codes)), dtype="string")


def _ids(start: int, n: int) -> pd.api.extensions.ExtensionArray:
    """R00000001 style ids of respondents start+1 .. start+n, made by Arrow."""
    numbers = pc.cast(pa.array(np.arange(start + 1, start + n + 1)), pa.string())
    return pd.array(pc.binary_join_element_wise("R", pc.utf8_lpad(numbers, 8, "0"), ""), dtype="string")


def _chunk(rng: np.random.Generator, orgs: pd.DataFrame, question_ids: list[str], start: int,
           n_respondents: int) -> dict[str, pd.DataFrame]:
    """Respondents start+1 .. start+n_respondents, their memberships and their answers."""
    weight_by_org = orgs["org_type"].map({t: s[1] / s[0] for t, s in ORG_TYPE_SHARE.items()}).to_numpy()
    org_index = rng.choice(len(orgs), size=n_respondents, p=weight_by_org / weight_by_org.sum())
    sources = [s for s, p in SOURCE_SHARE.items() if p > 0]
    source_p = np.array([SOURCE_SHARE[s] for s in sources])
    source = rng.choice(len(sources), size=n_respondents, p=source_p / source_p.sum())  # as choice(sources)
    wave_index = rng.choice(len(WAVES), size=n_respondents, p=WAVE_SHARE)
    ids = _ids(start, n_respondents)
    group_survey = (source == sources.index("users_group_survey")).astype(np.int8)
    respondents = pd.DataFrame({
        "respondent_id": ids, "source": _text(sources, source),
        "unit": _text(["participant", "users_group"], group_survey),
        "org_id": _text(orgs["org_id"], org_index), "wave": _text(WAVES, wave_index),
        "weight": np.round(rng.lognormal(0.0, 0.25, n_respondents), 3),
        "workshop_id": pd.array(pa.nulls(n_respondents, pa.string()), dtype="string"),
        "role": _text(["Respondent", "Users' group"], group_survey),
    })
    by_id = pd.CategoricalDtype(ids)  # one index of the chunk's ids for its memberships and answers
    groups = list(vocab.SELDOM_HEARD_GROUPS)
    member_rows, member_groups = [], []
    for g, group in enumerate(groups):
        hit = np.flatnonzero(rng.random(n_respondents) < design.MEMBERSHIP_RATE[group])
        member_rows.append(hit)
        member_groups.append(np.full(hit.size, g))
    rows, group_index = np.concatenate(member_rows), np.concatenate(member_groups)
    memberships = pd.DataFrame({"respondent_id": pd.Categorical.from_codes(rows, dtype=by_id),
                                "group_id": pd.Categorical.from_codes(group_index, categories=groups)})
    in_group = np.zeros(n_respondents, dtype=bool)
    in_group[rows] = True
    org_shift = orgs["org_type"].map(design.ORG_TYPE_SHIFT).fillna(0.0).to_numpy(dtype=float)
    shift = (org_shift[org_index]
             + np.where(in_group, design.SELDOM_HEARD_SHIFT, 0.0) + np.asarray(WAVE_SHIFT)[wave_index])
    positive = [design.DOMAIN_POSITIVE[qid.removeprefix("influence_").removesuffix("_future")] for qid in question_ids]
    answers = pd.DataFrame({
        "respondent_id": pd.Categorical.from_codes(np.tile(np.arange(n_respondents), len(question_ids)),
                                                   dtype=by_id),
        "question_id": pd.Categorical.from_codes(np.repeat(np.arange(len(question_ids)), n_respondents),
                                                 categories=question_ids),
        "level_id": pd.Categorical.from_codes(np.concatenate([design.draw_level_codes(rng, p + shift)
                                                              for p in positive]), categories=design.ANSWER_LEVELS),
    })
    return {"respondents": respondents, "memberships": memberships, "answers": answers}


def national_parts(n_respondents: int, seed: int = design.SEED, chunk: int = CHUNK
                   ) -> tuple[dict[str, pd.DataFrame], Iterator[dict[str, pd.DataFrame]]]:
    """A synthetic dataset of `n_respondents` respondents as its small tables and a generator of chunks of
    `chunk` respondents with their memberships and answers, each made only when asked for.

    The first chunk continues the organisations' random stream; each later one has its own (seed, chunk
    number) stream, so a dataset of at most `chunk` respondents is the same whatever the chunk size.
    """
    rng = np.random.default_rng(seed)
    orgs = _organisations(rng, int(np.clip(n_respondents // 400, 78, 2500)))
    questions = _questions()
    question_ids = questions["question_id"].tolist()

    def chunks() -> Iterator[dict[str, pd.DataFrame]]:
        for number, start in enumerate(range(0, n_respondents, chunk)):
            stream = rng if number == 0 else np.random.default_rng([seed, number])
            yield _chunk(stream, orgs, question_ids, start, min(chunk, n_respondents - start))

    return {"organisations": orgs, "questions": questions, "scale_levels": demo.scale_levels()}, chunks()


def national_tables(n_respondents: int, seed: int = design.SEED, chunk: int = CHUNK) -> dict[str, pd.DataFrame]:
    """The core tables of a synthetic dataset of `n_respondents` respondents, all in memory."""
    tables, chunks = national_parts(n_respondents, seed, chunk)
    parts = list(chunks)
    if len(parts) == 1:
        return tables | parts[0]
    return tables | {name: pd.concat([part[name].astype({"respondent_id": "string"}) for part in parts],
                                     ignore_index=True) for name in parts[0]}
