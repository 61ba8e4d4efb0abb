"""Importing an export with its mapping: checks, the core tables it adds, and an atomic all-or-nothing write."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.ingest import mapping as mapping_mod
from analysis.ingest import redact
from analysis.ingest.importers import Export, FileProblem, budgets, read_export, stream
from analysis.ingest.importers.base import decode
from analysis.model import safe_text, schema, vocab
from analysis.model.errors import incident, problem
from analysis.storage import store, store_guard

MAX_PROBLEMS = 500
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_PROBLEM_COLUMNS = ["row", "column", "value", "message"]


@dataclass
class ImportReport:
    """What an import found and did; `ok` is False when it was refused (and then nothing was written)."""

    file: str
    sha256: str = ""
    layout: str = ""
    ok: bool = False
    dry_run: bool = False
    already_imported: bool = False
    rows_read: int = 0
    respondents: int = 0
    answers: int = 0
    free_text_answers: int = 0
    excluded: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)
    unmapped_columns: list[str] = field(default_factory=list)
    renamed_columns: list[dict] = field(default_factory=list)  # columns the reader named: column, from, to, why
    dataset_id: str | None = None
    dataset: str | None = None
    dataset_title: str = ""
    message: str = ""
    tables: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    def to_dict(self) -> dict:
        """The report as plain data (the --json output)."""
        keys = ["ok", "file", "sha256", "layout", "dry_run", "already_imported", "rows_read", "respondents",
                "answers", "free_text_answers", "excluded", "problems", "unmapped_columns", "renamed_columns",
                "dataset_id", "dataset", "dataset_title", "message"]
        return {k: getattr(self, k) for k in keys}

    @property
    def problems_frame(self) -> pd.DataFrame:
        """The problems as a table: row, column, value, message."""
        return pd.DataFrame(self.problems, columns=_PROBLEM_COLUMNS)

    def first_rows(self, table: str = "answers", n: int = 10) -> pd.DataFrame:
        """The first rows of a table as they would be stored."""
        return self.tables.get(table, schema.empty(table)).head(n)


def _rows_text(rows: list[int], count: int | None = None, limit: int = 10) -> str:
    """The first `limit` rows, and how many more of `count` (all the rows when not given) there are."""
    count = len(rows) if count is None else count
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f" and {count - limit} more" if count > limit else "")


# ---- organisations ----

def _org_type_id(value: str) -> str:
    return vocab.org_type_id(value)


def _region_id(value: str) -> str:
    key = value.strip()
    for region_id, label in vocab.REGIONS.items():
        if key.lower() in {region_id, label.lower()}:
            return region_id
    return mapping_mod.slug(key, 60) if key else ""


def read_lookup(data: bytes, name: str) -> pd.DataFrame:
    """An organisation lookup CSV (org_id or org_code and/or org_name; org_type; region; foundation_trust)."""
    frame = pd.read_csv(io.StringIO(decode(data, name)), dtype=str, keep_default_na=False)
    frame.columns = [c.strip().lower() for c in frame.columns]
    if "org_code" in frame and "org_id" not in frame:
        frame = frame.rename(columns={"org_code": "org_id"})
    if not {"org_id", "org_name"} & set(frame.columns) or "org_type" not in frame:
        raise FileProblem(f"organisation lookup {name} needs an org_id (or org_code) or org_name column and an "
                          f"org_type column in its header; its {len(frame.columns)} columns do not include them")
    return frame


def _lookup_index(lookup: pd.DataFrame | None) -> dict[str, dict]:
    index: dict[str, dict] = {}
    if lookup is None:
        return index
    for record in lookup.to_dict("records"):
        for key in ("org_name", "org_id"):
            if record.get(key, "").strip():
                index[record[key].strip().lower()] = record
    return index


# ---- building the tables ----

def _column_of(entries: dict, role: str) -> str | None:
    return next((c for c, e in entries.items() if e.get("role") == role), None)


def _truthy(value: str) -> bool:
    return bool(value.strip()) and value.strip().lower() not in mapping_mod.FALSE_VALUES


def build_tables(export: Export, mapping: dict, previous: dict[str, pd.DataFrame], *, sha256: str,
                 lookup: pd.DataFrame | None = None,
                 names: list[str] | None = None) -> tuple[dict[str, pd.DataFrame], list[dict], int]:
    """The core tables an import adds (not yet merged), the problems found, and the free-text answer count."""
    builder = Builder(mapping, previous, sha256=sha256, lookup=lookup, names=names, export=export)
    rows = builder.chunk(export)
    small = builder.finish()
    tables = {name: (small if name in small else rows)[name] for name in TABLE_ORDER}
    return tables, builder.problems, builder.free_text


TABLE_ORDER = ("organisations", "respondents", "memberships", "questions", "scale_levels", "stories", "answers")
ROW_TABLES = ("respondents", "memberships", "answers", "stories")  # one chunk's rows at a time


class Builder:
    """Makes the tables an import adds from its responses, one chunk of responses at a time (a whole file is one
    chunk): `chunk` gives each chunk's respondents, memberships, answers and stories, and `finish` the
    organisations, questions and scale levels of all of them. What spans chunks is kept here: respondent ids seen
    (as 64-bit hashes with their rows), organisations, the answers not placed on a scale and the non-substantive
    levels used. `problems` holds at most `keep` problems (all when None); `problem_count` counts them all."""

    def __init__(self, mapping: dict, previous: dict[str, pd.DataFrame], *, sha256: str, export: Export,
                 lookup: pd.DataFrame | None = None, names: list[str] | None = None, keep: int | None = None) -> None:
        self.mapping, self.sha256, self.keep = mapping, sha256, keep
        self.settings = mapping.get("import", {})
        self.entries = {c: e for c, e in mapping.get("columns", {}).items() if c in export.frame}
        self.prefix = str(self.settings.get("id_prefix", ""))
        self.index = _lookup_index(lookup)
        # Free text is redacted here, before anything is stored: names from the mapping and the caller.
        self.names_pattern = redact.names_pattern([*map(str, self.settings.get("names", [])), *(names or [])])
        self.earlier_ids = set(previous["respondents"]["respondent_id"].astype(str))
        self.seen, self.seen_rows = np.empty(0, dtype="uint64"), np.empty(0, dtype="int64")
        self.dupes: dict[str, list] = {}  # repeated respondent id -> [count, first rows]
        self.clash: list = [0, None, None]  # ids already in the dataset: count, first (row, id)
        self.org_rows: dict[str, dict | None] = {}
        self.reported: set[str] = set()  # roles whose control-character problem is reported (the first only)
        self.unplaced: dict[str, dict[str, list]] = {}  # column -> answer label -> [count, first rows]
        self.used_ns: dict[str, set] = {}  # column -> non-substantive levels used
        self.text = dict(export.text)
        # Problems by kind, in the order a whole file reports them (each kind in row order), whatever the chunks.
        self.sections: dict[tuple, list[dict]] = {}
        self.problem_count = self.free_text = 0

    @property
    def problems(self) -> list[dict]:
        """The problems found so far, kind by kind as a whole file gives them."""
        return [found for key in sorted(self.sections) for found in self.sections[key]]

    def add_problems(self, found: list[dict], section: tuple = (99,)) -> None:
        """Problems of one kind (`section`: their place in the report)."""
        kept = self.sections.setdefault(section, [])
        self.problem_count += len(found)
        kept += found if self.keep is None else found[: max(0, self.keep - len(kept))]

    def _column_of(self, role: str) -> str | None:
        return _column_of(self.entries, role)

    def chunk(self, export: Export) -> dict[str, pd.DataFrame]:
        """One chunk's respondents, memberships, answers and stories (conformed); its problems go to `problems`."""
        respondents = self._respondents(export)
        memberships = self._memberships(export, respondents["respondent_id"])
        answers, stories = self._answers(export, respondents)
        return {"respondents": schema.conform("respondents", respondents),
                "memberships": schema.conform("memberships", memberships),
                "answers": schema.conform("answers", answers),
                "stories": schema.conform("stories", stories.drop_duplicates("story_id", keep="first"))}

    def _ids(self, export: Export) -> pd.Series:
        frame, rows, prefix = export.frame, export.rows, self.prefix
        id_column = self._column_of("respondent_id")
        if not id_column:
            return pd.Series([f"{prefix or self.sha256[:8] + '-'}row{r}" for r in rows], dtype=str)
        raw_ids = frame[id_column].str.strip()
        # Only rows with a problem are visited one by one; the checks themselves are vectorised.
        bad = (raw_ids == "") | raw_ids.str.match(_SCIENTIFIC.pattern)
        problems: list[dict] = []
        for row, value in zip(np.asarray(rows)[bad.to_numpy()].tolist(), raw_ids[bad], strict=True):
            if not value:
                problems.append(problem(f"row {row} has no respondent id in column {id_column!r}; fill it in",
                                        row, id_column, value))
            else:
                problems.append(problem(f"respondent id {value!r} (row {row}, column {id_column!r}) looks mangled by "
                                        "Excel into scientific notation; the real id is lost. Export the file again "
                                        "without opening it in Excel, or format the column as Text first",
                                        row, id_column, value))
        self.add_problems(problems, (1,))
        ids = prefix + raw_ids
        given = (raw_ids != "").to_numpy()
        hashes = pd.util.hash_array(ids.to_numpy(dtype=object))
        earlier = np.isin(hashes, self.seen) & given  # seen in an earlier chunk (by a 64-bit hash of the id)
        for value in dict.fromkeys(ids[(ids.duplicated(keep=False).to_numpy() | earlier) & given]):
            found = self.dupes.get(value)
            if found is None:
                found = self.dupes[value] = [0, []]
                before = self.seen_rows[self.seen == pd.util.hash_array(np.array([value], dtype=object))[0]]
                found[0], found[1] = len(before), [int(r) for r in before[:10]]
            here = [r for r, v in zip(rows, ids, strict=True) if v == value]
            found[0] += len(here)
            found[1] = (found[1] + here)[:10]
        self.seen = np.concatenate([self.seen, hashes[given]])
        self.seen_rows = np.concatenate([self.seen_rows, np.asarray(rows, dtype="int64")[given]])
        return ids

    def _per_row(self, frame: pd.DataFrame, role: str, default: str) -> pd.Series:
        column = self._column_of(role)
        if column:
            return frame[column].str.strip().where(frame[column].str.strip() != "", default)
        return pd.Series([default] * len(frame), dtype=str)

    def _respondents(self, export: Export) -> pd.DataFrame:
        frame, rows, settings = export.frame, export.rows, self.settings
        ids = self._ids(export)
        clash = ids[ids.isin(self.earlier_ids)]
        if len(clash):
            if not self.clash[0]:
                self.clash[1:] = [rows[int(clash.index[0])], clash.iloc[0]]
            self.clash[0] += len(clash)
        source = self._per_row(frame, "source", str(settings.get("source", "")))
        unit = self._per_row(frame, "unit", str(settings.get("unit", "participant")))
        wave = self._per_row(frame, "wave", str(settings.get("wave", "")))
        if self._column_of("wave"):  # a date or timestamp column: the wave is the year
            wave = wave.where(~wave.str.match(r"^\d{4}-\d{2}-\d{2}"), wave.str[:4])
            wave = wave.where(~wave.str.match(r"^\d{1,2}/\d{1,2}/\d{4}\b"),
                              wave.str.extract(r"^\d{1,2}/\d{1,2}/(\d{4})", expand=False))
        for kind, (role, values, allowed) in enumerate((("source", source, vocab.SOURCES),
                                                         ("unit", unit, mapping_mod.UNITS))):
            column = self._column_of(role)
            if column:
                self.add_problems([problem(f"{role} {value!r} (row {row}, column {column!r}) is not one of: "
                                           f"{', '.join(allowed)}", row, column, value)
                                   for row, value in zip(rows, values, strict=True) if value not in allowed], (4, kind))
        for kind, (role, values) in enumerate((("wave", wave), ("source", source), ("unit", unit))):
            column = self._column_of(role) or f"{role} (in [import])"
            for row, value in zip(rows, values, strict=True):
                if role not in self.reported and safe_text.has_control(value):
                    self.add_problems([problem(f"{role} {value!r} (row {row}, column {column!r}) holds a control "
                                               "character; retype the value in the file or the mapping", row, column,
                                               value)], (5, kind))
                    self.reported.add(role)
                    break
        weight_column = self._column_of("weight")
        weight = pd.Series([1.0] * len(frame))
        if weight_column:
            weight = pd.to_numeric(frame[weight_column].str.strip(), errors="coerce")
            self.add_problems([problem(f"weight {raw!r} (row {row}, column {weight_column!r}) is not a positive "
                                       "number", row, weight_column, raw)
                               for row, raw, value in zip(rows, frame[weight_column], weight, strict=True)
                               if pd.isna(value) or value <= 0], (6,))
        org_ids = self._organisations(export, source)
        return pd.DataFrame({
            "respondent_id": ids.to_numpy(), "source": source.to_numpy(), "unit": unit.to_numpy(),
            "org_id": org_ids, "wave": wave.to_numpy(), "weight": weight.to_numpy(dtype=float),
            "workshop_id": self._per_row(frame, "workshop_id", "").replace("", pd.NA).to_numpy(),
            "role": self._per_row(frame, "role", "").replace("", pd.NA).to_numpy()})

    def _organisations(self, export: Export, source: pd.Series) -> list[str]:
        frame, rows, settings, index = export.frame, export.rows, self.settings, self.index
        org_values = self._per_row(frame, "organisation", str(settings.get("organisation", "")).strip())
        org_name_values = self._per_row(frame, "org_name", str(settings.get("org_name", "")).strip())
        type_values = self._per_row(frame, "org_type", str(settings.get("org_type", "")).strip())
        region_values = self._per_row(frame, "region", str(settings.get("region", "")).strip())
        org_column = self._column_of("organisation") or "organisation (in [import])"
        type_column = self._column_of("org_type") or "org_type (in [import] or the lookup)"
        self.add_problems([problem(f"row {rows[i]} has no organisation; fill in column {org_column!r} or set "
                                   "organisation in [import]", int(rows[i]), org_column, "")
                           for i in np.flatnonzero((org_values == "").to_numpy())], (7,))
        # One pass per distinct organisation value (its first row), not per row.
        resolved = {value: (index.get(value.lower(), {}).get("org_id") or value).strip()
                    for value in org_values.unique() if value}
        org_ids = org_values.map(resolved).fillna("").tolist()
        first_rows = org_values.reset_index(drop=True).drop_duplicates()
        for i, value in first_rows.items():
            row = rows[i]
            if not value:
                continue
            found = index.get(value.lower(), {})
            org_id = resolved[value]
            if org_id in self.org_rows:
                continue
            raw_type = (found.get("org_type") or type_values.iloc[i]).strip()
            type_id = _org_type_id(raw_type) or ("" if raw_type else vocab.ods_org_type(value) or "")
            if not type_id:
                self.add_problems([problem(f"organisation type {raw_type!r} for organisation {value!r} (row {row}, "
                                           f"column {type_column!r}) is not known; use one of: "
                                           f"{', '.join(vocab.ORG_TYPES)}", row, type_column, raw_type)], (8,))
                self.org_rows[org_id] = None
                continue
            region = _region_id(found.get("region") or region_values.iloc[i])
            ft = str(found.get("foundation_trust", "")).strip().lower()
            self.org_rows[org_id] = {
                "org_id": org_id, "org_name": (found.get("org_name") or org_name_values.iloc[i] or value).strip(),
                "org_type": type_id, "sector": vocab.sector_of(type_id), "region": region or pd.NA,
                "foundation_trust": {"true": True, "yes": True, "1": True, "false": False, "no": False,
                                     "0": False}.get(ft, pd.NA),
                "interviewed": True if (source.iloc[i] == "interview") else pd.NA,
                "declared_core_standard_17": pd.NA,
            }
        return org_ids

    def _memberships(self, export: Export, ids: pd.Series) -> pd.DataFrame:
        frame, rows = export.frame, export.rows
        members = []
        for place, (column, entry) in enumerate(self.entries.items()):
            problems: list[dict] = []
            if entry.get("role") == "group":
                flags = frame[column].map(_truthy)
                members += [(rid, entry.get("group")) for rid, f in zip(ids, flags, strict=True) if f]
            elif entry.get("role") == "groups":
                for row, rid, cell in zip(rows, ids, frame[column], strict=True):
                    for item in filter(None, (p.strip() for p in re.split(r"[;,]", cell))):
                        group = item if item in vocab.SELDOM_HEARD_GROUPS else mapping_mod.group_for(item)
                        if not group:
                            problems.append(problem(f"{item!r} (row {row}, column {column!r}) is not a seldom-heard "
                                                    "group; use ids or labels: "
                                                    f"{', '.join(vocab.SELDOM_HEARD_GROUPS)}", row, column, item))
                        else:
                            members.append((rid, group))
            self.add_problems(problems, (9, place))
        return pd.DataFrame(members, columns=["respondent_id", "group_id"]).drop_duplicates()

    def _scale(self, entry: dict) -> tuple[str, dict | None]:
        scale_id = str(entry.get("scale", ""))
        return scale_id, mapping_mod.scale_definition(self.mapping, scale_id)

    def _answers(self, export: Export, respondents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
        frame, rows = export.frame, export.rows
        answers, stories = [], []
        ids = respondents["respondent_id"]
        for column, entry in self.entries.items():
            role = entry.get("role")
            if role == "free_text":
                self.free_text += int((frame[column].str.strip() != "").sum())
                stories.append(_stories(frame[column], column, entry, respondents, self.names_pattern))
            if role != "question":
                continue
            qid = str(entry.get("question_id") or mapping_mod.slug(column))
            _, scale = self._scale(entry)
            if scale is None:
                continue
            placed = {str(k).strip(): v for k, v in entry.get("answers", {}).items() if v}
            missing = export.non_substantive.get(column, set())
            cells = frame[column].str.strip().reset_index(drop=True)
            given = (cells != "").to_numpy()
            level = cells.map(placed)
            level = level.where(level.notna() | ~cells.isin(missing), "not_applicable").to_numpy(dtype=object)
            known = given & pd.notna(level)
            self.used_ns.setdefault(column, set()).update(set(level[known]) - set(scale["levels"]))
            answers.append(pd.DataFrame({"respondent_id": np.asarray(ids, dtype=object)[known], "question_id": qid,
                                         "level_id": level[known]}))
            unplaced = self.unplaced.setdefault(column, {})
            for i in np.flatnonzero(given & ~known):
                seen = unplaced.setdefault(cells.iloc[i], [0, []])
                seen[0] += 1
                if len(seen[1]) < 10:  # the rows a problem names (_rows_text shows ten)
                    seen[1].append(int(rows[i]))
        return ((pd.concat(answers, ignore_index=True) if answers
                 else pd.DataFrame(columns=list(schema.TABLES["answers"]))),
                (pd.concat(stories, ignore_index=True) if stories else schema.empty("stories")))

    def finish(self) -> dict[str, pd.DataFrame]:
        """The organisations, questions and scale levels of every chunk read (conformed); the answers that are
        not placed on a scale go to `problems`."""
        id_column = self._column_of("respondent_id")
        self.add_problems([problem(f"respondent id {value!r} appears on rows {_rows_text(rows, count)} of column "
                                   f"{id_column!r}; each respondent needs one row", rows[0], id_column, value)
                           for value, (count, rows) in sorted(self.dupes.items(), key=lambda d: d[1][1][0])], (2,))
        count, row, value = self.clash
        if count:
            self.add_problems([problem(f"{count} respondent id(s) are already in the dataset from an earlier import "
                                       f"(first: {value!r}); set a different id_prefix in [import] of the mapping",
                                       row, id_column, value)], (3,))
        questions, levels, problems = [], [], []
        for column, entry in self.entries.items():
            if entry.get("role") != "question":
                continue
            scale_id, scale = self._scale(entry)
            if scale is None:
                continue
            qid = str(entry.get("question_id") or mapping_mod.slug(column))
            questions.append({"question_id": qid, "question_text": entry.get("text") or self.text.get(column, column),
                              "measure": entry.get("measure"), "domain": entry.get("domain") or pd.NA,
                              "scale_id": scale_id})
            for label, (count, label_rows) in self.unplaced.get(column, {}).items():
                problems.append(problem(f"answer {label!r} in column {column!r} (rows {_rows_text(label_rows, count)}) "
                                        "is not placed on "
                                        f"scale {scale_id!r}; in the mapping's [columns.{column!r}.answers] give it a "
                                        "level id of the scale, or a non-substantive level such as dont_know or "
                                        "not_applicable", label_rows[0], column, label))
            placed = {str(k).strip(): v for k, v in entry.get("answers", {}).items() if v}
            levels.append((scale_id, scale, self.used_ns.get(column, set()), placed))
        self.add_problems(problems, (10,))
        return {
            "organisations": schema.conform("organisations", pd.DataFrame(
                [r for r in self.org_rows.values() if r], columns=list(schema.TABLES["organisations"]))),
            "questions": schema.conform("questions", pd.DataFrame(
                questions, columns=list(schema.TABLES["questions"])).drop_duplicates("question_id")),
            "scale_levels": schema.conform("scale_levels", _scale_levels(levels)),
        }


def _stories(cells: pd.Series, column: str, entry: dict, respondents: pd.DataFrame,
             names_pattern: re.Pattern | None) -> pd.DataFrame:
    """The stories of one free-text column: one per non-blank answer, redacted, tagged from the mapping."""
    text = cells.str.strip().reset_index(drop=True)
    given = (text != "").to_numpy()
    who = respondents.loc[given]
    return pd.DataFrame({
        "story_id": (who["respondent_id"] + "-" + mapping_mod.slug(column)).to_numpy(),
        "respondent_id": who["respondent_id"].to_numpy(), "source": who["source"].to_numpy(),
        "org_id": who["org_id"].to_numpy(), "wave": who["wave"].to_numpy(),
        "domain": entry.get("domain") or pd.NA, "theme": entry.get("theme") or pd.NA,
        "text": [redact.redact(t, names_pattern) for t in text[given]]})


def _scale_levels(used: list[tuple[str, dict, set, dict]]) -> pd.DataFrame:
    rows, done = {}, set()
    for scale_id, scale, used_ns, placed in used:
        first_label = {}
        for label, level in placed.items():
            first_label.setdefault(level, label)
        positive = scale.get("positive") or scale["levels"][-2:]
        for order, level in enumerate(scale["levels"]):
            if (scale_id, level) not in done:
                rows[(scale_id, level)] = {
                    "scale_id": scale_id, "level_id": level,
                    "level_label": scale["labels"].get(level) or vocab.LEVEL_LABELS.get(level)
                    or first_label.get(level, level),
                    "level_order": order, "positive": level in positive, "substantive": True}
        for level in [*scale["non_substantive"], *sorted(used_ns)]:
            rows.setdefault((scale_id, level), {
                "scale_id": scale_id, "level_id": level,
                "level_label": scale["labels"].get(level) or vocab.LEVEL_LABELS.get(level)
                or first_label.get(level, level),
                "level_order": -1, "positive": False, "substantive": False})
        done |= set(rows)
    return pd.DataFrame(list(rows.values()), columns=list(schema.TABLES["scale_levels"]))


def disagreements(previous: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> list[dict]:
    """Problems where the new questions, scale levels or organisations disagree with the dataset's."""
    problems = []
    old_q = previous["questions"].set_index("question_id")
    for q in new["questions"].itertuples():
        if q.question_id in old_q.index:
            before = old_q.loc[q.question_id]
            if (before["scale_id"], before["measure"]) != (q.scale_id, q.measure):
                problems.append(problem(f"question_id {q.question_id!r} is already in the dataset with scale "
                                        f"{before['scale_id']!r} and measure {before['measure']!r}; give this "
                                        "question another question_id or the same scale and measure",
                                        None, None, q.question_id))
    old_levels = previous["scale_levels"].set_index(["scale_id", "level_id"])
    for lv in new["scale_levels"].itertuples():
        key = (lv.scale_id, lv.level_id)
        if key in old_levels.index and int(old_levels.loc[key, "level_order"]) != lv.level_order:
            problems.append(problem(f"scale {lv.scale_id!r} is already in the dataset with level {lv.level_id!r} "
                                    f"in another place; use another scale id", None, None, lv.scale_id))
    old_orgs = previous["organisations"].set_index("org_id")
    for org in new["organisations"].itertuples():
        if org.org_id in old_orgs.index and old_orgs.loc[org.org_id, "org_type"] != org.org_type:
            problems.append(problem(f"organisation {org.org_id!r} is already in the dataset as "
                                    f"{old_orgs.loc[org.org_id, 'org_type']!r}, not {org.org_type!r}",
                                    None, None, org.org_id))
    return problems


MERGE_KEYS = {"organisations": ["org_id"], "questions": ["question_id"], "scale_levels": ["scale_id", "level_id"],
              "memberships": ["respondent_id", "group_id"]}


def merge(previous: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame]) -> tuple[dict[str, pd.DataFrame],
                                                                                    list[dict]]:
    """The previous core tables plus the new rows; problems where the two disagree."""
    problems = disagreements(previous, new)
    merged = {}
    keys = MERGE_KEYS
    for name in schema.CORE_TABLES:
        frames = [schema.conform(name, f) for f in (previous[name], new[name]) if len(f)]
        combined = pd.concat(frames, ignore_index=True) if frames else schema.empty(name)
        if name in keys:
            combined = combined.drop_duplicates(keys[name], keep="first")
        merged[name] = schema.conform(name, combined)
    for name in schema.OPTIONAL_TABLES:  # actions and assessments come by their own routes: keep them
        merged[name] = previous.get(name, schema.empty(name))
    if len(new.get("stories", ())):  # stories come with the import's free text: add them
        frames = [schema.conform("stories", f) for f in (merged["stories"], new["stories"]) if len(f)]
        merged["stories"] = pd.concat(frames, ignore_index=True).drop_duplicates("story_id", keep="first")
    return merged, problems


# ---- the import ----

@dataclass(frozen=True)
class Target:
    """Where an import goes: into the existing named dataset `dataset` (a name or title), or else into a new
    dataset titled `title` (the file's name when blank). Files with no question in common with the dataset
    they are added to are refused unless `merge_unrelated`."""

    dataset: str | None = None
    title: str = ""
    description: str = ""
    merge_unrelated: bool = False


CHUNK_ROWS = 50_000  # responses read, checked and written at a time (a CSV file on disk, `run_file`)


@dataclass(frozen=True, eq=False)
class Options:
    """How an import runs, beside the file, its mapping and the store: only checked (`dry_run`) or stored; the
    organisation lookup file's rows; the mapping's name in messages; more names to redact from free text; the
    dataset it goes into; and, for a CSV file on disk, how many responses are read at a time."""

    dry_run: bool = False
    lookup: pd.DataFrame | None = None
    mapping_name: str = "the mapping"
    names: list[str] | None = None
    target: Target = field(default_factory=Target)
    chunk_rows: int = CHUNK_ROWS


def previous_tables(directory: Path, target: Target) -> tuple[dict[str, pd.DataFrame], list[dict], dict | None]:
    """The named dataset an import adds to (its newest version's tables, provenance and registry entry); empty
    tables, no provenance and None for a new dataset. NoDataset when the named one is not stored."""
    if target.dataset:
        entry = store.resolve(directory, target.dataset)
        manifest = store.manifest(directory, entry["current"])
        return store.read_core(directory, entry["current"]), list(manifest.get("provenance", [])), entry
    return {name: schema.empty(name) for name in schema.CORE_TABLES}, [], None


def _earlier_import(directory: Path, sha256: str, entry: dict | None) -> tuple[dict, dict] | None:
    """Where this file (by sha256) was imported before: the target dataset, or for a new one any dataset."""
    entries = [entry] if entry is not None else (
        store.list_collections(directory, archived=True) if store.has_dataset(directory) else [])
    for found in entries:
        for item in found["manifest"].get("provenance", []):
            if item.get("sha256") == sha256:
                return found, item
    return None


def _unrelated(previous: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame], entry: dict) -> list[dict]:
    """A problem when the file shares no question with the dataset it would be added to."""
    old, added = set(previous["questions"]["question_id"]), set(new["questions"]["question_id"])
    if not old or old & added:
        return []
    return [problem(f"this file has no question in common with dataset {entry['title']!r}, so it looks like "
                    "another survey; import it into a new dataset, or say that it belongs with this one "
                    "(--merge-unrelated on the command line)")]


def run(file_bytes: bytes, file_name: str, mapping: dict, directory: Path,
        options: Options = Options()) -> ImportReport:
    """Check an export against its mapping and, unless refused or a dry run (`options`), store it in the target
    dataset (a new one named after the file unless another is given). It never changes what new visitors see, unless
    the store had no dataset at all.

    Free-text answers become stories, redacted of personal details (and of `names`) before anything is stored.
    A real import holds the store's write lock from reading the dataset it adds to until the new one is current,
    so two imports at once both end up stored (or the second is refused plainly when the first takes too long).
    """
    with _guard(directory, options):
        return _run(file_bytes, file_name, mapping, directory, options)


def _guard(directory: Path, options: Options):
    """The store's write lock for a real import into a local store; nothing for a dry run or object storage."""
    if options.dry_run or store.is_uri(directory):
        return contextlib.nullcontext()
    return store_guard.writing(directory)


def _unreadable(report: ImportReport, exc: FileProblem) -> ImportReport:
    report.problems = exc.problems
    report.message = f"{report.file} was not imported: {exc}"
    return report


def _start(report: ImportReport, directory: Path, target: Target):
    """The dataset the import adds to (previous tables, provenance, entry) and where the file was imported
    before; None, with the report saying why, when the named dataset is not stored."""
    try:
        previous, provenance, entry = previous_tables(directory, target)
    except store.NoDataset as exc:
        report.problems = [problem(f"{exc} Leave the dataset out to import into a new one.")]
        report.message = f"{report.file} was not imported: {exc}"
        return None
    return previous, provenance, entry, _earlier_import(directory, report.sha256, entry)


def _read(report: ImportReport, export: Export, mapping: dict) -> None:
    report.layout = export.layout
    report.unmapped_columns = [c for c in export.frame.columns if c not in mapping.get("columns", {})]
    report.renamed_columns = list(export.renamed)


def _already(report: ImportReport, found: tuple[dict, dict]) -> ImportReport:
    entry, earlier = found
    report.ok, report.already_imported = True, True
    report.dataset_id, report.dataset, report.dataset_title = entry["current"], entry["name"], entry["title"]
    report.respondents, report.answers = earlier.get("respondents", 0), earlier.get("answers", 0)
    report.message = (f"{report.file} was already imported on {earlier.get('imported_at', '?')} (same sha256); "
                      "nothing changed.")
    return report


def _left_out(report: ImportReport, excluded: dict[str, int]) -> dict:
    return problem(f"all {report.rows_read} responses in {report.file} were left out "
                   f"({'; '.join(f'{c} {r}' for r, c in excluded.items())}); nothing to import. "
                   "If they are real responses, set keep_test_responses = true in [import]")


def _mapping_refused(report: ImportReport, problems: list[dict]) -> ImportReport:
    report.problems = problems
    report.message = f"{report.file} was not imported: the mapping needs fixing first."
    return report


def _refused(report: ImportReport, problems: list[dict], count: int) -> ImportReport:
    report.problems = problems[:MAX_PROBLEMS]
    if count > MAX_PROBLEMS:
        report.problems.append(problem(f"... and {count - MAX_PROBLEMS} more problems"))
    report.message = f"{report.file} was not imported: {count} problem(s) found; nothing was written."
    return report


def _dry(report: ImportReport) -> ImportReport:
    report.message = (f"{report.file} can be imported: {report.respondents} respondents and {report.answers} "
                      "answers (dry run: nothing was written).")
    return report


def _record(report: ImportReport) -> dict:
    """The import's provenance record (its counts filled in from the report when it is stored)."""
    return {"kind": "import", "file": report.file, "sha256": report.sha256, "layout": report.layout,
            "imported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}


def _counts(report: ImportReport) -> dict:
    return {"rows_read": report.rows_read, "respondents": report.respondents, "answers": report.answers,
            "free_text_answers": report.free_text_answers, "excluded": report.excluded}


def _description(title: str, provenance: list[dict]) -> str:
    files = sum(p.get("kind") == "import" for p in provenance) + 1
    return f"{title}: imported data ({files} file(s))"


def _stored(report: ImportReport, manifest: dict, name: str, title: str) -> ImportReport:
    report.dataset_id, report.dataset, report.dataset_title = manifest["dataset_id"], name, title
    report.message = (f"Imported {report.file}: {report.respondents} respondents and {report.answers} answers into "
                      f"dataset {title!r} ({name}), version {report.dataset_id}.")
    return report


def _run(file_bytes: bytes, file_name: str, mapping: dict, directory: Path, options: Options) -> ImportReport:
    name, target = Path(file_name).name, options.target
    report = ImportReport(file=name, dry_run=options.dry_run, sha256=hashlib.sha256(file_bytes).hexdigest())
    started = _start(report, directory, target)
    if started is None:
        return report
    previous, provenance, entry, found = started
    try:
        export = read_export(file_bytes, name,
                             keep_test_responses=bool(mapping.get("import", {}).get("keep_test_responses")))
    except FileProblem as exc:
        return _unreadable(report, exc)
    _read(report, export, mapping)
    report.rows_read = export.rows_read
    report.excluded = [{"reason": r, "count": c} for r, c in export.excluded.items()]
    if found:
        return _already(report, found)
    problems = mapping_mod.check(mapping, list(export.frame.columns), options.mapping_name)
    if not export.rows:
        problems.append(_left_out(report, export.excluded))
    if problems:
        return _mapping_refused(report, problems)
    new, problems, report.free_text_answers = build_tables(export, mapping, previous, sha256=report.sha256,
                                                           lookup=options.lookup, names=options.names)
    report.respondents, report.answers = len(new["respondents"]), len(new["answers"])
    report.tables = {n: new[n] for n in schema.CORE_TABLES}
    merged, clash = merge(previous, new) if not problems else (None, [])
    problems += clash
    if entry is not None and not target.merge_unrelated and not problems:
        problems += _unrelated(previous, new, entry)
    if problems:
        return _refused(report, problems, len(problems))
    report.tables = {n: schema.conform(n, new[n]) for n in schema.CORE_TABLES}
    report.ok = True
    if options.dry_run:
        return _dry(report)
    record = _record(report) | _counts(report)
    if entry is None:
        entry = store.create_collection(directory, target.title or Path(name).stem, target.description)
    manifest = store.write_dataset(merged, directory, demo=False, provenance=[*provenance, record],
                                   description=_description(entry["title"], provenance), collection=entry["name"])
    return _stored(report, manifest, entry["name"], entry["title"])


# ---- a file on disk, read in chunks ----

class _Refused(Exception):
    """Problems were found while the chunks were read: nothing is stored."""


def run_file(path: Path, mapping: dict, directory: Path, options: Options = Options()) -> ImportReport:
    """`run` for the export stored at `path`: a CSV file is read, checked and written `options.chunk_rows`
    responses at a time (analysis/ingest/importers/stream.py), so memory does not grow with the file; a workbook or
    SPSS file is read whole. The tables stored, the redaction and the problems found are those of `run` on the
    same file."""
    path = Path(path)
    if not stream.streamable(path):
        budgets.check_size(path.stat().st_size, path.name)  # before reading it into memory
        return run(path.read_bytes(), path.name, mapping, directory, options)
    with _guard(directory, options):
        return _run_stream(path, mapping, directory, options)


def _run_stream(path: Path, mapping: dict, directory: Path, options: Options) -> ImportReport:
    target, dry_run = options.target, options.dry_run
    report = ImportReport(file=path.name, dry_run=dry_run)
    try:
        facts = stream.facts(path, path.name)
        report.sha256 = facts.sha256
        if facts.problem:
            raise facts.problem
        started = _start(report, directory, target)
        if started is None:
            return report
        previous, provenance, entry, found = started
        exports = stream.read_chunks(path, path.name, facts.encoding, options.chunk_rows,
                                     keep_test_responses=bool(mapping.get("import", {}).get("keep_test_responses")))
        first = next(exports)
    except FileProblem as exc:
        return _unreadable(report, exc)
    _read(report, first, mapping)
    if found:
        report.rows_read = found[1].get("rows_read", 0)
        return _already(report, found)
    problems = mapping_mod.check(mapping, list(first.frame.columns), options.mapping_name)
    if problems:
        return _mapping_refused(report, problems)
    builder = Builder(mapping, previous, sha256=report.sha256, export=first, lookup=options.lookup,
                      names=options.names, keep=MAX_PROBLEMS)
    title = (entry or {}).get("title") or " ".join((target.title or path.stem).split())
    record = _record(report)  # its counts are added when the last chunk is read, before the manifest is written
    parts = _parts(report, builder, itertools.chain([first], exports), previous, entry, target, record)
    base, _ = merge(previous, {n: schema.empty(n) for n in schema.CORE_TABLES})
    try:
        if dry_run:
            for _ in parts:
                pass
            report.ok = True
            return _dry(report)
        name = entry["name"] if entry else store.unused_name(directory, title)
        manifest = store.write_dataset({n: f for n, f in base.items() if len(f)}, directory, demo=False,
                                       provenance=[*provenance, record], description=_description(title, provenance),
                                       chunks=parts, collection=name)
    except FileProblem as exc:  # a record over a budget or ragged: the file is refused, as if read whole
        return _unreadable(ImportReport(file=report.file, dry_run=dry_run, sha256=report.sha256), exc)
    except _Refused:
        if builder.problem_count:
            return _refused(report, builder.problems, builder.problem_count)
        return _mapping_refused(report, [_left_out(report, {e["reason"]: e["count"] for e in report.excluded})])
    if entry is None:
        store.update_collection(directory, name, title=title, description=target.description)
    report.ok = True
    return _stored(report, manifest, name, title)


def _parts(report: ImportReport, builder: Builder, exports, previous: dict[str, pd.DataFrame],
           entry: dict | None, target: Target, record: dict):
    """Each chunk's new rows, then the new organisations, questions and scale levels; _Refused (after every chunk
    is read, so every problem is counted) when there are problems or no responses."""
    excluded: dict[str, int] = {}
    for export in exports:
        report.rows_read += export.rows_read
        for reason, count in export.excluded.items():
            excluded[reason] = excluded.get(reason, 0) + count
        part = builder.chunk(export)
        report.respondents += len(part["respondents"])
        report.answers += len(part["answers"])
        report.tables = report.tables or dict(part)  # the first rows, as they will be stored
        if not builder.problem_count:
            yield part
    report.free_text_answers = builder.free_text
    report.excluded = [{"reason": r, "count": c} for r, c in excluded.items()]
    small = builder.finish()
    report.tables = {**report.tables, **small}
    if not builder.problem_count:
        builder.add_problems(disagreements(previous, small))
    if entry is not None and not target.merge_unrelated and not builder.problem_count:
        builder.add_problems(_unrelated(previous, small, entry))
    if builder.problem_count or not report.respondents:
        raise _Refused
    record.update(_counts(report))
    known = {name: previous[name].set_index(keys).index for name, keys in MERGE_KEYS.items()}
    yield {name: frame[~frame.set_index(MERGE_KEYS[name]).index.isin(known[name])] if name in known else frame
           for name, frame in small.items()} | {n: schema.empty(n) for n in ("respondents", "memberships", "answers")}


def preview(file_bytes: bytes, file_name: str, mapping: dict, directory: Path,
            options: Options = Options()) -> ImportReport:
    """What importing would do, without writing: counts, the rows as they would be stored, the problems."""
    try:
        return run(file_bytes, file_name, mapping, directory, dataclasses.replace(options, dry_run=True))
    except Exception:  # the page shows every failure as a problem, never a traceback or a server path
        said = incident(f"checking {Path(file_name).name}")
        return ImportReport(file=Path(file_name).name, problems=[problem(said)], message=said + ".")
