"""A mapping as three editable tables (import settings, columns, answer placements) and back again."""

from __future__ import annotations

import copy
import math
from pathlib import PurePath

import pandas as pd

from analysis.ingest import mapping
from analysis.model import safe_text, vocab
from analysis.model.errors import UserError, incident

SETTINGS_HELP = {
    "source": f"{', '.join(vocab.SOURCES)} (unless a column has role source)",
    "unit": f"{', '.join(mapping.UNITS)} (unless a column has role unit)",
    "wave": "year of collection, e.g. 2024 (unless a column has role wave)",
    "id_prefix": "added to every respondent id, so ids from different files cannot clash",
    "organisation": "the organisation id when no column has role organisation",
    "org_name": "the organisation's name",
    "org_type": f"an id or label: {', '.join(vocab.ORG_TYPES)}",
    "region": "a region id or label, or your own",
    "keep_test_responses": "true keeps preview and test responses",
}
QUESTION_FIELDS = ("question_id", "text", "measure", "domain", "scale")
COLUMN_FIELDS = ("column", "role", *QUESTION_FIELDS, "group", "answers")
LOCKED = ["setting", "what it takes", "column", "answers", "answer"]  # shown for reading, not for editing


def starting_mapping(file_bytes: bytes, file_name: str, toml_bytes: bytes | None = None,
                     toml_name: str = "the mapping") -> tuple[dict | None, str]:
    """The mapping to start from (the saved one, else a suggestion) and '' or a plain message saying why not."""
    try:
        if toml_bytes is not None:
            return mapping.from_toml(toml_bytes.decode("utf-8-sig")), ""
        return mapping.guess(file_bytes, file_name), ""
    except UnicodeDecodeError:
        return None, f"{PurePath(toml_name).name} is not a text (UTF-8) TOML file."
    except ValueError as exc:
        return None, f"{PurePath(toml_name).name}: {exc}"
    except UserError as exc:  # a plain message about the file (FileProblem)
        return None, f"{PurePath(file_name).name} could not be read: {exc}"
    except Exception:  # the page shows every failure as a plain message, never a traceback or a server path
        return None, incident(f"reading {PurePath(file_name).name}") + "."


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def settings_frame(spec: dict) -> pd.DataFrame:
    """One row per [import] setting a person may edit: setting, value, what it takes."""
    settings = spec.get("import", {})
    return pd.DataFrame([[key, _text(settings.get(key, "")).lower() if key == "keep_test_responses"
                          else _text(settings.get(key, "")), hint] for key, hint in SETTINGS_HELP.items()],
                        columns=["setting", "value", "what it takes"])


def columns_frame(spec: dict) -> pd.DataFrame:
    """One row per column of the file: its role and, for questions, id, text, measure, domain and scale."""
    rows = []
    for column, entry in spec.get("columns", {}).items():
        answers = entry.get("answers", {})
        unplaced = sum(1 for level in answers.values() if not level)
        summary = f"{len(answers)} labels" + (f", {unplaced} unplaced" if unplaced else "") if answers else ""
        rows.append([column, entry.get("role", "ignore"), *(_text(entry.get(f, "")) for f in QUESTION_FIELDS),
                     _text(entry.get("group", "")), summary])
    return pd.DataFrame(rows, columns=list(COLUMN_FIELDS))


def answers_frame(spec: dict) -> pd.DataFrame:
    """One row per answer label of each column that lists answers: the level of the scale it is placed on."""
    rows = [[column, label, _text(level)] for column, entry in spec.get("columns", {}).items()
            for label, level in entry.get("answers", {}).items()]
    return pd.DataFrame(rows, columns=["column", "answer", "level"])


def options(spec: dict) -> dict[str, list[str]]:
    """The choices each editable column of the tables allows (with every value the mapping already uses)."""
    entries = spec.get("columns", {}).values()
    scales = {**vocab.SCALES, **spec.get("scales", {})}
    levels = [level for s in scales.values() if isinstance(s, dict)
              for part in (s.get("levels", []), s.get("non_substantive", [])) if isinstance(part, list)
              for level in part]
    used = {f: [_text(e.get(f, "")) for e in entries] for f in ("role", "measure", "domain", "scale", "group")}
    used["level"] = [_text(level) for e in entries for level in e.get("answers", {}).values()]
    choices = {"role": list(mapping.ROLES), "measure": ["", *vocab.MEASURES], "domain": ["", *vocab.DOMAINS],
               "scale": ["", *scales], "group": ["", *vocab.SELDOM_HEARD_GROUPS],
               "level": ["", *levels, *vocab.NON_SUBSTANTIVE_LEVELS]}
    return {key: list(dict.fromkeys([*values, *used[key]])) for key, values in choices.items()}


def _unshown(value: object, original: object) -> str:
    # The tables are shown through safe_text.safe_table: text left as shown is the original, not the apostrophe.
    value, original = _text(value), _text(original)
    return original if value == safe_text.for_sheet(original) else value


def apply(spec: dict, settings: pd.DataFrame, columns: pd.DataFrame, answers: pd.DataFrame) -> dict:
    """A new mapping: the starting one with the edited tables' values in place (tables as shown, or raw)."""
    result = copy.deepcopy(spec)
    target = result.setdefault("import", {})
    names = {safe_text.for_sheet(c): c for c in spec.get("columns", {})}
    labels = {(c, safe_text.for_sheet(label)): label for c, e in spec.get("columns", {}).items()
              for label in e.get("answers", {})}
    columns = columns.assign(column=columns["column"].map(lambda c: names.get(c, c)))
    answers = answers.assign(column=answers["column"].map(lambda c: names.get(c, c)))
    answers = answers.assign(answer=[labels.get((c, a), a) for c, a in zip(answers["column"], answers["answer"],
                                                                          strict=True)])
    for key, value in zip(settings["setting"], settings["value"], strict=True):
        value = _unshown(value, spec.get("import", {}).get(key, ""))
        target[key] = value.lower() in {"true", "yes", "1"} if key == "keep_test_responses" else value
    entries = result.setdefault("columns", {})
    for row in columns.to_dict("records"):
        entry = entries.setdefault(row["column"], {})
        role = _text(row["role"]) or "ignore"
        if role != entry.get("role"):
            entry.pop("_comment", None)  # the starter's advice was about the old role
        entry["role"] = role
        for field in (*QUESTION_FIELDS, "group"):
            value = _unshown(row[field], entry.get(field, ""))
            if value or field in entry:
                entry[field] = value
    for row in answers.to_dict("records"):
        entries.setdefault(row["column"], {}).setdefault("answers", {})[row["answer"]] = _text(row["level"])
    return result


def file_name(spec: dict, upload_name: str) -> str:
    """The name to save a mapping under: the file's name with .toml."""
    return f"{PurePath(spec.get('import', {}).get('file') or upload_name).stem or 'mapping'}.toml"
