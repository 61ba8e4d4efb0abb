"""The tables of the evidence model: their columns, types and meaning (the data dictionary's source)."""

from __future__ import annotations

import pandas as pd

SCHEMA_VERSION = 1

# table -> {column: (dtype, description)}. dtypes are pandas dtype names.
TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "organisations": {
        "org_id": ("string", "Identifier of the organisation (kept as text)."),
        "org_name": ("string", "Name of the organisation."),
        "org_type": ("string", "Organisation type id (vocabulary: organisation types)."),
        "sector": ("string", "Sector id: nhs or independent."),
        "region": ("string", "Region id (the ten strategic health authority areas, or the import's own)."),
        "foundation_trust": ("boolean", "True for an NHS foundation trust."),
        "interviewed": ("boolean", "True when the organisation was interviewed for the study."),
        "declared_core_standard_17": (
            "boolean",
            "NHS trusts: declared compliance with core standard 17 in 2007/08; empty for others.",
        ),
    },
    "respondents": {
        "respondent_id": ("string", "Identifier of the respondent (kept as text)."),
        "source": ("string", "Source id: users_group_survey, workshop or interview."),
        "unit": ("string", "What one respondent is: users_group, participant or organisation."),
        "org_id": ("string", "The organisation the evidence is about (joins organisations)."),
        "wave": ("string", "Year of collection, for change over time."),
        "weight": ("float64", "Survey weight; 1.0 when unweighted."),
        "workshop_id": ("string", "Workshop attended (workshop participants only)."),
        "role": ("string", "Kind of group or participant, e.g. LINk member, patient, trust staff."),
    },
    "memberships": {
        "respondent_id": ("string", "Respondent (joins respondents)."),
        "group_id": ("string", "Seldom-heard group the respondent belongs to or speaks for."),
    },
    "questions": {
        "question_id": ("string", "Identifier of the question."),
        "question_text": ("string", "Wording of the question."),
        "measure": ("string", "Measure id: influence, participation, importance, agreement, recommendation, "
                              "experience, or an import's own."),
        "domain": ("string", "Influence domain id, or an import's own topic id; empty when the question has "
                             "neither."),
        "scale_id": ("string", "Answer scale (joins scale_levels)."),
    },
    "scale_levels": {
        "scale_id": ("string", "Answer scale."),
        "level_id": ("string", "Answer level id."),
        "level_label": ("string", "Answer level as people read it."),
        "level_order": ("int64", "Order on the scale, lowest first; -1 for non-substantive answers."),
        "positive": ("boolean", "True for levels that count as positive (the scale says which; top two by default)."),
        "substantive": ("boolean", "False for Don't know, Not applicable and similar answers."),
    },
    "answers": {
        "respondent_id": ("string", "Respondent (joins respondents)."),
        "question_id": ("string", "Question (joins questions)."),
        "level_id": ("string", "Answer given (joins scale_levels on the question's scale)."),
    },
    # Optional tables: a dataset may hold them or not (read as empty when it does not).
    "stories": {
        "story_id": ("string", "Identifier of the story (kept as text)."),
        "respondent_id": ("string", "Who told it (joins respondents; their groups are in memberships)."),
        "source": ("string", "Source id: users_group_survey, workshop, interview or an import's own."),
        "org_id": ("string", "The organisation the story is about (joins organisations)."),
        "wave": ("string", "Year of collection, for change over time."),
        "domain": ("string", "Influence domain id the story is about; empty when none."),
        "theme": ("string", "Theme id (vocabulary: themes); empty when not yet themed."),
        "text": ("string", "The story or quote, redacted of personal details before it was stored."),
    },
    "assessments": {
        "org_id": ("string", "Organisation that rated itself (joins organisations)."),
        "wave": ("string", "Year of the self-assessment, for change over time."),
        "area": ("string", "Framework area id (analysis/evidence/framework.py AREAS)."),
        "item": ("string", "Checklist item id within the area (analysis/evidence/framework.py ITEMS)."),
        "rating": ("string", "Rating id: not_started, developing, established or leading."),
    },
    "actions": {
        "action_id": ("string", "Identifier of the issue raised (kept as text)."),
        "org_id": ("string", "Organisation the issue was raised with (joins organisations)."),
        "wave": ("string", "Year the issue was raised, for change over time."),
        "domain": ("string", "Influence domain id the issue is about."),
        "issue": ("string", "The issue people raised, in a sentence."),
        "raised_on": ("datetime64[ns]", "Date the issue was raised."),
        "action_taken": ("string", "What the organisation did about it; empty while the issue is open."),
        "acted_on": ("datetime64[ns]", "Date the action was taken; empty while the issue is open."),
        "feedback": ("string", "What the people who raised it were told; empty when they were not told."),
        "feedback_on": ("datetime64[ns]", "Date the people who raised it were told; empty when they were not."),
    },
    "action_groups": {
        "action_id": ("string", "Issue raised (joins actions)."),
        "group_id": ("string", "Seldom-heard group affected by the issue, one a row."),
    },
    # Derived tables, rebuilt from the ones above whenever a dataset is written.
    "agg_answers": {
        "org_type": ("string", "Organisation type id of the organisation the answer is about."),
        "sector": ("string", "Sector id."),
        "region": ("string", "Region id."),
        "source": ("string", "Source id."),
        "wave": ("string", "Wave."),
        "group_id": ("string", "Seldom-heard group id; '_all' for everyone."),
        "measure": ("string", "Measure id."),
        "domain": ("string", "Domain id ('' when none)."),
        "level_id": ("string", "Answer level id."),
        "level_order": ("int64", "Order of the level on its scale; -1 for non-substantive answers."),
        "positive": ("boolean", "True when the level counts as positive."),
        "substantive": ("boolean", "False for answers left out of percentage bases."),
        "n": ("int64", "Number of answers (unweighted)."),
        "sum_w": ("float64", "Sum of weights."),
        "sum_w2": ("float64", "Sum of squared weights (for the Kish effective base)."),
    },
    "agg_respondents": {
        "org_type": ("string", "Organisation type id."),
        "sector": ("string", "Sector id."),
        "region": ("string", "Region id."),
        "source": ("string", "Source id."),
        "wave": ("string", "Wave."),
        "group_id": ("string", "Seldom-heard group id; '_all' for everyone."),
        "respondents": ("int64", "Number of respondents."),
    },
}

CORE_TABLES = ("organisations", "respondents", "memberships", "questions", "scale_levels", "answers")
# Tables a dataset may lack; stored and hashed when present, read as empty when absent.
OPTIONAL_TABLES = ("assessments", "actions", "action_groups", "stories")
ALL_GROUPS = "_all"


class SchemaError(ValueError):
    """A table does not match the schema."""


def conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with exactly the schema's columns, in order and with the schema's types."""
    spec = TABLES[name]
    missing = [c for c in spec if c not in frame.columns]
    if missing:
        raise SchemaError(f"table {name!r} is missing column(s): {', '.join(missing)}")
    extra = [c for c in frame.columns if c not in spec]
    if extra:
        raise SchemaError(f"table {name!r} has column(s) not in the schema: {', '.join(extra)}")
    # Text held as categories stays categorical: the same values in a fraction of the memory.
    types = {c: t for c, (t, _) in spec.items() if not (t == "string" and _is_text_category(frame[c]))}
    # Columns already of their type are left as they are (an import conforms each chunk twice: fast the second time).
    types = {c: t for c, t in types.items() if frame[c].dtype != pd.api.types.pandas_dtype(t)}
    frame = frame[list(spec)]
    return (frame.astype(types) if types else frame).reset_index(drop=True)


def _is_text_category(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.CategoricalDtype) and pd.api.types.is_string_dtype(
        column.cat.categories.dtype)


def empty(name: str) -> pd.DataFrame:
    """An empty frame with the table's columns and types."""
    spec = TABLES[name]
    return pd.DataFrame({c: pd.Series(dtype=t) for c, (t, _) in spec.items()})
