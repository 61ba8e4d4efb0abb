"""The guided import's steps as plain functions: what the survey is, its questions grouped (one choice of
scale and measure per group, such as a whole matrix), a scale of one's own, and a preview of the charts.

Each step takes a mapping (the dict `mapping.guess` writes) and returns a new one; the mapping stays what the
TOML download holds and the command line reads, so the browser and the command line import alike.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass

import pandas as pd

from analysis.evidence import queries
from analysis.ingest import mapping
from analysis.ingest.importers import Export, read_export
from analysis.ingest.importing import ImportReport
from analysis.model import scales, vocab
from analysis.model.filters import Filters
from analysis.storage import count_tables
from analysis.views import measures, panels

FIXED = ""  # the organisation-column choice meaning "one organisation, named below"
GROUP_COLUMNS = ["group", "include", "questions", "example", "scale", "measure"]
LEVEL_COLUMNS = ["answer", "order", "positive", "no answer"]


# ---- step 2: what the survey is ----

@dataclass
class Survey:
    """The answers to 'what is this survey': source, wave (or a column), organisation (or a column)."""

    source: str
    wave: str
    wave_column: str
    org_column: str
    organisation: str
    org_type: str
    region: str


def survey(spec: dict) -> Survey:
    """What the mapping says the survey is now."""
    settings = spec.get("import", {})
    columns = spec.get("columns", {})
    first = {role: next((c for c, e in columns.items() if e.get("role") == role), "") for role in
             ("wave", "organisation")}
    return Survey(source=str(settings.get("source", "")), wave=str(settings.get("wave", "")),
                  wave_column=first["wave"], org_column=first["organisation"],
                  organisation=str(settings.get("organisation", "")), org_type=str(settings.get("org_type", "")),
                  region=str(settings.get("region", "")))


def apply_survey(spec: dict, answers: Survey) -> dict:
    """The mapping with the survey's source, wave and organisation set (a column, or one value for all)."""
    result = copy.deepcopy(spec)
    settings = result.setdefault("import", {})
    columns = result.setdefault("columns", {})
    settings.update(source=answers.source, wave=answers.wave.strip(), organisation=answers.organisation.strip(),
                    org_type=answers.org_type, region=answers.region.strip())
    for role, chosen in (("wave", answers.wave_column), ("organisation", answers.org_column)):
        for column, entry in columns.items():
            if entry.get("role") == role and column != chosen:
                columns[column] = {"role": "ignore", "_comment": f"not the {role} column"}
        if chosen in columns:
            columns[chosen] = {"role": role}
    return result


def candidate_columns(spec: dict, role: str) -> list[str]:
    """Columns a person may pick for a role: every column not holding a question or free text."""
    return [c for c, e in spec.get("columns", {}).items()
            if e.get("role") not in {"question", "free_text", "respondent_id"} or e.get("role") == role]


# ---- step 3: the questions, grouped ----

def stem(column: str) -> str:
    """The question a column belongs to: 'Q4' for Qualtrics Q4_1, 'Rate [Staff]' -> 'Rate'; else itself."""
    text = re.sub(r"\s*\[[^\]]*\]\s*$|\s*\(column \d+\)$", "", column).strip()
    found = re.fullmatch(r"(Q\d+)(_\d+)+", text) or re.fullmatch(r"(.+?)_\d+", text)
    return found.group(1) if found else text or column


def _is_candidate(entry: dict) -> bool:
    return entry.get("role") == "question" or (entry.get("role") == "ignore" and bool(entry.get("answers")))


def _group_names(spec: dict) -> dict[str, str]:
    """Each question column's group: its matrix (columns sharing a stem, such as Q4_1, Q4_2), else all single
    questions on the same scale together ("Questions on Agree or disagree (5 points)"); a matrix whose columns
    are on two scales is split by scale."""
    entries = {c: e for c, e in spec.get("columns", {}).items() if _is_candidate(e)}
    if not entries:
        return {}
    stems = {c: stem(c) for c in entries}
    counts = pd.Series(list(stems.values()), dtype=object).value_counts()
    scale_names = scale_choices(spec)
    out = {}
    for column, entry in entries.items():
        scale_id = str(entry.get("scale", ""))
        if counts.get(stems[column], 0) > 1:
            out[column] = stems[column]
        else:
            out[column] = f"Questions on {scale_names.get(scale_id, scale_id or 'no scale')}"
    named = pd.DataFrame({"group": out, "scale": {c: str(e.get("scale", "")) for c, e in entries.items()}})
    mixed = named.groupby("group")["scale"].transform("nunique") > 1
    named.loc[mixed, "group"] = named.loc[mixed, "group"] + " (" + named.loc[mixed, "scale"] + ")"
    return named["group"].to_dict()


def groups(spec: dict) -> pd.DataFrame:
    """One row per group of questions (and candidate questions): whether it is imported, how many columns,
    an example wording, its scale and its measure (the first column's, when they differ)."""
    rows: dict[str, dict] = {}
    for column, name in _group_names(spec).items():
        entry = spec["columns"][column]
        row = rows.setdefault(name, {"group": name, "include": entry.get("role") == "question", "questions": 0,
                                     "example": str(entry.get("text") or column)[:120],
                                     "scale": str(entry.get("scale", "")), "measure": str(entry.get("measure", ""))})
        row["questions"] += 1
        row["include"] = row["include"] or entry.get("role") == "question"
    return pd.DataFrame(list(rows.values()), columns=GROUP_COLUMNS)


def group_columns(spec: dict, group: str) -> list[str]:
    """The columns of a group named as `groups` names it."""
    return [c for c, name in _group_names(spec).items() if name == group]


def place(labels: list[str], scale_id: str, spec: dict) -> dict[str, str]:
    """Each label's level on one scale ('' when it names none of its levels)."""
    definition = mapping.scale_definition(spec, scale_id)
    return scales.place(labels, scale_id, definition) if definition else dict.fromkeys(labels, "")


def apply_groups(spec: dict, chosen: pd.DataFrame, labels: dict[str, list[str]]) -> dict:
    """The mapping with each group's choice applied to all its columns: imported or not, its scale (answers
    placed on it afresh when it changes) and its measure. `labels` holds each column's answer labels."""
    result = copy.deepcopy(spec)
    for row in chosen.to_dict("records"):
        for column in group_columns(spec, str(row["group"])):
            entry = result["columns"][column]
            scale_id, measure = str(row.get("scale") or ""), str(row.get("measure") or "")
            if scale_id != entry.get("scale") or not entry.get("answers"):
                entry["answers"] = place(labels.get(column, list(entry.get("answers", {}))), scale_id, result)
            entry.update(scale=scale_id, measure=measure)
            entry.setdefault("question_id", mapping.slug(column))
            entry.setdefault("text", column)
            if measure not in {"influence", "participation", "importance"} and not entry.get("domain"):
                entry["domain"] = mapping.slug(str(entry.get("text") or column), 40)
            entry["role"] = "question" if bool(row.get("include")) else "ignore"
            entry.pop("_comment", None)
    return result


def with_own(spec: dict, own: dict, labels: dict[str, list[str]]) -> dict:
    """The mapping with a person's own scales and measures added (`own`: scales, measures, and group_scale:
    the group each made scale is for, which is then imported on it)."""
    result = {**spec, "scales": {**spec.get("scales", {}), **own.get("scales", {})},
              "measures": {**spec.get("measures", {}), **own.get("measures", {})}}
    chosen = groups(result)
    for group, scale_id in own.get("group_scale", {}).items():
        hit = chosen["group"] == group
        chosen.loc[hit, ["scale", "include"]] = [scale_id, True]
        result = apply_groups(result, chosen[hit], labels)
        chosen = groups(result)
    return result


def scale_choices(spec: dict) -> dict[str, str]:
    """Every scale a group may be put on (the library's and the mapping's own), with its label."""
    own = {k: f"{v.get('label', k) if isinstance(v, dict) else k} (this file's own)"
           for k, v in spec.get("scales", {}).items()}
    return {k: v["label"] for k, v in vocab.SCALES.items()} | own


def measure_choices(spec: dict) -> dict[str, str]:
    """Every measure a group may ask (the library's and the mapping's own), with its label."""
    own = {k: str(v.get("label", k) if isinstance(v, dict) else k) for k, v in spec.get("measures", {}).items()}
    return dict(vocab.MEASURES) | own


def add_measure(spec: dict, label: str) -> tuple[dict, str]:
    """The mapping with a measure of the person's own added under [measures], and its id."""
    measure_id = mapping.slug(label, 40)
    if not label.strip() or not re.fullmatch(r"[a-z][a-z0-9_]*", measure_id):
        return spec, ""
    result = copy.deepcopy(spec)
    result.setdefault("measures", {})[measure_id] = {"label": label.strip()}
    return result, measure_id


# ---- a scale of one's own ----

def levels_frame(spec: dict, scale_id: str, labels: list[str]) -> pd.DataFrame:
    """A scale as rows a person orders and marks: each answer label, its order (1 lowest), positive or not,
    and whether it is no answer at all (Don't know, N/A)."""
    definition = mapping.scale_definition(spec, scale_id) or {"levels": [], "positive": [], "non_substantive": [],
                                                              "labels": {}}
    known = place(labels, scale_id, spec) if definition["levels"] else {}
    rows = []
    for label in labels:
        level = known.get(label, "")
        ns = level in definition["non_substantive"] or (bool(scales.non_substantive_level(label)) and not level)
        order = definition["levels"].index(level) + 1 if level in definition["levels"] else None
        rows.append({"answer": label, "order": order, "positive": level in definition["positive"],
                     "no answer": ns})
    frame = pd.DataFrame(rows, columns=LEVEL_COLUMNS)
    unordered = frame["order"].isna() & ~frame["no answer"]
    start = int(frame["order"].max()) if frame["order"].notna().any() else 0
    frame.loc[unordered, "order"] = range(start + 1, start + 1 + int(unordered.sum()))
    return frame.sort_values("order", na_position="last", kind="stable").reset_index(drop=True)


def save_scale(spec: dict, scale_id: str, label: str, frame: pd.DataFrame) -> tuple[dict, list[str]]:
    """The mapping with a scale of its own made from the rows of `levels_frame` (problems when it cannot be)."""
    problems = []
    rows = frame.to_dict("records")
    ordered = [r for r in rows if not bool(r.get("no answer"))]
    try:
        orders = [int(r["order"]) for r in ordered]
    except (TypeError, ValueError):
        return spec, ["give every answer that is not 'no answer' an order number (1 for the lowest)"]
    if len(set(orders)) != len(orders):
        problems.append("two answers have the same order number; give each its own")
    if len(ordered) < 2:
        problems.append("a scale needs at least two answers in order")
    if not any(bool(r.get("positive")) for r in ordered):
        problems.append("mark at least one answer as positive")
    if problems:
        return spec, problems
    ordered = [r for _, r in sorted(zip(orders, ordered, strict=True), key=lambda p: p[0])]
    ids: list[str] = []
    for r in ordered:
        base = mapping.slug(scales.normalise(str(r["answer"])) or "level", 40)
        ids.append(base if base not in ids else f"{base}_{len(ids) + 1}")
    result = copy.deepcopy(spec)
    no_answer = {str(r["answer"]): scales.non_substantive_level(str(r["answer"])) or "not_applicable"
                 for r in rows if bool(r.get("no answer"))}
    result.setdefault("scales", {})[scale_id] = {
        "label": label.strip() or scale_id, "levels": ids,
        "positive": [i for i, r in zip(ids, ordered, strict=True) if bool(r.get("positive"))],
        "non_substantive": sorted(set(no_answer.values())),
        "labels": {i: str(r["answer"]) for i, r in zip(ids, ordered, strict=True)}}
    placed = {str(r["answer"]): i for i, r in zip(ids, ordered, strict=True)} | no_answer
    for entry in result.get("columns", {}).values():
        if entry.get("scale") == scale_id:
            entry["answers"] = {lab: placed.get(lab, lev) for lab, lev in entry.get("answers", {}).items()}
    return result, []


# ---- the file's answers, and step 4: the preview ----

def column_labels(export: Export) -> dict[str, list[str]]:
    """Each column's distinct answer labels, in the file's order where it has one."""
    out = {}
    for column in export.frame.columns:
        values = export.frame[column].str.strip()
        distinct = list(dict.fromkeys(values[values != ""]))
        if len(distinct) <= mapping.MAX_LABELS:
            order = [lab for lab in export.label_order.get(column, []) if lab in distinct]
            out[column] = order + [lab for lab in sorted(distinct) if lab not in order]
    return out


def read_labels(file_bytes: bytes, file_name: str) -> dict[str, list[str]]:
    """Each column's answer labels in an upload (empty when the file cannot be read)."""
    try:
        return column_labels(read_export(file_bytes, file_name, keep_test_responses=True))
    except Exception:  # the page has already said why the file cannot be read
        return {}


def preview_panels(report: ImportReport) -> list[panels.Panel]:
    """The charts an import would make, drawn from its dry run's tables (none when it was refused)."""
    if not report.ok or not report.tables:
        return []
    tables = {name: frame for name, frame in report.tables.items()}
    counts = count_tables.build_aggregates(tables)
    data = queries.make_cube(counts["agg_answers"], counts["agg_respondents"], tables["organisations"], {},
                             tables["questions"], tables["scale_levels"])
    out = measures.page_panels(data, Filters())
    if "influence" in data.measures:
        out.insert(0, panels.domains_positive(data, Filters()))
    return out
