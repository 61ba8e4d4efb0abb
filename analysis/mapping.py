"""The mapping from a survey export's columns and answer labels onto the evidence model, kept as TOML.

A mapping is a dict: `import` (constants the file lacks), `columns` (one entry per column of the file, with
its role) and `scales` (new ordered scales, beside the vocabulary's). `guess` writes a conservative starter
for a person to review; `to_toml`/`from_toml` turn it into text and back; `check` lists what is wrong with it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import PurePath

import pandas as pd

from analysis import vocab
from analysis.importers import Export, read_export

ROLES = {
    "respondent_id": "identifies the respondent (kept as text)",
    "organisation": "the organisation's id or name (joins the lookup, or becomes the org id)",
    "org_name": "the organisation's name",
    "org_type": "organisation type (an id or label of the vocabulary)",
    "region": "region (an id or label of the vocabulary, or the import's own)",
    "source": "source id per row",
    "unit": "unit per row (users_group, participant, organisation)",
    "wave": "wave (year of collection) per row",
    "weight": "survey weight",
    "workshop_id": "workshop attended",
    "role": "kind of group or participant",
    "group": "membership of the seldom-heard group named by `group` (any answer but blank/0/no/false)",
    "groups": "seldom-heard groups as a list in one cell, separated by ; or ,",
    "question": "a closed question: `question_id`, `measure`, `domain`, `scale`, and `answers`",
    "free_text": "free text: each answer becomes a story, redacted; optional `domain` and `theme`",
    "ignore": "left out",
}
UNITS = ("users_group", "participant", "organisation")
NON_SUBSTANTIVE_LEVELS = ("dont_know", "not_applicable", "prefer_not_to_say")
MAX_LABELS = 40
FALSE_VALUES = {"0", "false", "no", "n", "f", "n/a", "na", "not selected", "unchecked"}

_LEVEL_WORDS = {
    "no influence": "none", "none": "none", "not at all": "none", "no influence at all": "none",
    "a little": "a_little", "a little influence": "a_little", "little": "a_little",
    "some": "some", "some influence": "some",
    "a lot": "a_lot", "a lot of influence": "a_lot", "a great deal": "a_lot",
    "don't know": "dont_know", "dont know": "dont_know", "do not know": "dont_know", "not sure": "dont_know",
    "unsure": "dont_know", "not applicable": "not_applicable", "n/a": "not_applicable", "na": "not_applicable",
    "prefer not to say": "prefer_not_to_say", "rather not say": "prefer_not_to_say",
}
_ROLE_NAMES = {
    "respondent_id": {"respondent_id", "respondent id", "respondentid", "response id", "responseid", "id",
                      "_uuid", "userid", "participant id", "record id"},
    "organisation": {"org_id", "org id", "org code", "organisation", "organization", "organisation code",
                     "trust", "trust code", "provider", "provider code", "ods code"},
    "org_name": {"org_name", "organisation name", "organization name", "trust name", "provider name"},
    "org_type": {"org_type", "organisation type", "organization type", "trust type", "type of organisation"},
    "region": {"region", "sha", "strategic health authority", "nhs region"},
    "wave": {"wave", "year"},
    "weight": {"weight", "wt", "survey weight"},
    "workshop_id": {"workshop_id", "workshop", "workshop id"},
    "groups": {"groups", "seldom heard groups", "seldom-heard groups"},
}
_FREE_TEXT_WORDS = ("comment", "describe", "tell us", "please specify", "explain", "why", "other", "_text",
                    "finding", "notes")
_DOMAIN_WORDS = {
    "care_environment": ("environment", "cleanliness", "food", "ward"),
    "information": ("information", "leaflet"),
    "appointments": ("appointment", "opening hours", "waiting"),
    "service_plans": ("plans", "design", "service change", "redesign"),
    "funding": ("funding", "priorities", "budget"),
    "quality_safety": ("quality", "safety"),
}


def slug(text: str, limit: int = 40) -> str:
    """A snake_case id made from text."""
    out = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:limit].strip("_")
    return out or "x"


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("_", " ")).strip().lower()


def level_for(label: str) -> str:
    """The vocabulary level a label names ('' when it names none)."""
    return _LEVEL_WORDS.get(_norm(label), "")


def group_for(text: str) -> str:
    """The seldom-heard group a column or cell names ('' when none)."""
    for part in (text, *re.findall(r"\[([^\]]+)\]", text), text.rsplit("/", 1)[-1], text.rsplit("-", 1)[-1]):
        key = _norm(part)
        for group_id, group_label in vocab.SELDOM_HEARD_GROUPS.items():
            if key in {_norm(group_id), _norm(group_label)}:
                return group_id
    return ""


def _labels(values: pd.Series) -> list[str]:
    counts = values[values.str.strip() != ""].str.strip().value_counts()
    return sorted(counts.index, key=lambda v: (not _is_number(v), float(v) if _is_number(v) else 0, v))


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(\.\d+)?", text))


def _guess_column(name: str, text: str, values: pd.Series, export: Export, taken: set[str]) -> dict:
    hint = export.hints.get(name, "")
    key = _norm(name)
    labels = _labels(values)
    entry: dict = {}
    role = hint
    if not role:
        role = next((r for r, names in _ROLE_NAMES.items() if key in names and r not in taken), "")
    group = group_for(name) or group_for(text)
    if not role and group and len(labels) <= 3:
        role = "group"
        entry["group"] = group
    if role and role != "ignore":
        if role in taken and role not in {"group", "free_text", "question"}:
            role = "ignore"
        entry = {"role": role, **entry}
        if role == "question":  # the template's own question columns
            entry.update(_question(name, text, labels, export))
        return entry
    if role == "ignore":
        return {"role": "ignore"}
    long_values = values[values.str.len() > 40]
    if labels and (len(labels) > MAX_LABELS or len(long_values) > len(labels) / 3
                   or any(w in key for w in _FREE_TEXT_WORDS)) and len(labels) > 3:
        return {"role": "free_text"}
    if not labels:
        return {"role": "ignore", "_comment": "no answers in the file"}
    question = _question(name, text, labels, export)
    placed = all(question["answers"][label] for label in labels)
    if placed and question["scale"] in vocab.SCALES:
        return {"role": "question", **question}
    return {"role": "ignore", **question,
            "_comment": "candidate question: to import it, set role = \"question\", choose measure, domain and "
                        "scale, and place every answer below on the scale (a level id) or mark it non-substantive"}


def _question(name: str, text: str, labels: list[str], export: Export) -> dict:
    missing = export.non_substantive.get(name, set())
    answers = {}
    for label in labels:
        level = level_for(label)
        if label in missing and not level:
            level = "not_applicable"
        answers[label] = level
    used = {level for level in answers.values() if level}
    scale = "influence4" if used and used <= set(vocab.SCALES["influence4"]["levels"]) | set(
        vocab.SCALES["influence4"]["non_substantive"]) else slug(name)
    measure_text = _norm(text)
    measure = "participation" if re.search(r"take part|particip|involv", measure_text) else "influence"
    domain = next((d for d, words in _DOMAIN_WORDS.items() if any(w in measure_text for w in words)), "")
    return {"question_id": slug(name), "text": text[:300], "measure": measure, "domain": domain, "scale": scale,
            "answers": answers}


def guess(file_bytes: bytes, file_name: str) -> dict:
    """A starter mapping for a file: every column with a guessed role, every answer label listed."""
    export = read_export(file_bytes, file_name, keep_test_responses=True)
    flagged = sum(1 for f in export.flags if f)
    columns, taken = {}, set()
    for name in export.frame.columns:
        entry = _guess_column(name, export.text.get(name, name), export.frame[name], export, taken)
        taken.add(entry["role"])
        columns[name] = entry
    template = export.layout == "template"
    settings = {
        "file": PurePath(file_name).name,
        "layout": export.layout,
        "source": "",
        "unit": "participant",
        "wave": "",
        "id_prefix": "" if template else slug(PurePath(file_name).stem) + "-",
        "organisation": "",
        "org_name": "",
        "org_type": "",
        "region": "",
        "org_lookup": "",
        "keep_test_responses": False,
    }
    if flagged:
        settings["_comment"] = (f"{flagged} of {len(export.flags)} responses are marked as preview or test "
                                "responses and will be left out; set keep_test_responses = true to keep them")
    return {"import": settings, "scales": {}, "columns": columns}


# ---- TOML, written by hand (tomllib only reads) ----

def _quote(text: str) -> str:
    out = []
    for ch in str(text):
        if ch in {'"', "\\"}:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _key(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9_-]+", text) else _quote(text)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return _quote("" if value is None else str(value))


def _table(path: list[str], table: dict, lines: list[str]) -> None:
    scalars = {k: v for k, v in table.items() if not isinstance(v, dict) and k != "_comment"}
    subtables = {k: v for k, v in table.items() if isinstance(v, dict)}
    if path and (scalars or "_comment" in table or not subtables):
        lines.append("")
        if "_comment" in table:
            lines.extend(f"# {line}" for line in str(table["_comment"]).splitlines())
        lines.append("[" + ".".join(_key(p) for p in path) + "]")
    for key, value in scalars.items():
        lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in subtables.items():
        _table([*path, key], value, lines)


_HEADER = """# Import mapping for {file} (layout: {layout}), written by `python -m analysis mapping-template`.
# Review every line before importing: the guesses are conservative, unknown columns are ignored and
# unknown answers are left unplaced ("").
#
# [import]       constants the file lacks: source (users_group_survey, workshop, interview), unit
#                (users_group, participant, organisation), wave (e.g. "2024"), id_prefix (added to every
#                respondent id so ids from different files cannot clash), default organisation / org_name /
#                org_type ({org_types}) / region, org_lookup (a CSV: org_id or org_name, org_type, region).
# [scales.ID]    a new ordered scale: levels (lowest first), positive, non_substantive, labels.
#                The vocabulary's scale influence4 has levels none, a_little, some, a_lot and the
#                non-substantive dont_know, not_applicable.
# [columns."X"]  role = one of: {roles}.
#                A question has question_id, text, measure (influence, participation), domain
#                ({domains} or ""), scale, and [answers]: every label in the file = a level id of the scale
#                (or a non-substantive level such as dont_know, not_applicable, prefer_not_to_say).
"""


def to_toml(mapping: dict) -> str:
    """The mapping as TOML text, with a header explaining each part."""
    settings = mapping.get("import", {})
    lines = [_HEADER.format(file=settings.get("file", "?"), layout=settings.get("layout", "?"),
                            org_types=", ".join(vocab.ORG_TYPES), roles=", ".join(ROLES),
                            domains=", ".join(vocab.DOMAINS)).rstrip()]
    for part in ("import", "scales", "columns"):
        body = mapping.get(part, {})
        if part == "import":
            _table([part], body, lines)
        else:
            for key, value in body.items():
                _table([part, key], value, lines)
    return "\n".join(lines) + "\n"


MAX_MAPPING_DEPTH = 6
MAX_MAPPING_CHARS = 5_000_000


def _depth(value: object) -> int:
    """How deeply tables and arrays nest in parsed TOML (counted without recursion)."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_MAPPING_DEPTH:
            break
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def from_toml(text: str) -> dict:
    """A mapping from TOML text (ValueError with the line when it is not valid TOML)."""
    if len(text) > MAX_MAPPING_CHARS:
        raise ValueError(f"the mapping is {len(text):,} characters long; a mapping is at most "
                         f"{MAX_MAPPING_CHARS:,} (it lists each column and answer label once)")
    try:
        mapping = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"the mapping is not valid TOML: {exc}") from exc
    except RecursionError as exc:  # arrays or inline tables nested thousands deep
        raise ValueError(f"the mapping nests values more than {MAX_MAPPING_DEPTH} levels deep, which no "
                         "mapping needs; make a new one with: python -m analysis mapping-template FILE") from exc
    if _depth(mapping) > MAX_MAPPING_DEPTH:
        raise ValueError(f"the mapping nests keys more than {MAX_MAPPING_DEPTH} levels deep (a mapping needs "
                         "four: columns, the column, answers, the label); make a new one with: "
                         "python -m analysis mapping-template FILE")
    mapping.setdefault("import", {})
    mapping.setdefault("columns", {})
    mapping.setdefault("scales", {})
    return mapping


# ---- checking ----

def scale_definition(mapping: dict, scale_id: str) -> dict | None:
    """A scale from the mapping, else the vocabulary; None when neither has it."""
    if scale_id in mapping.get("scales", {}):
        scale = mapping["scales"][scale_id]
        return {"levels": list(scale.get("levels", [])), "positive": list(scale.get("positive", scale.get(
            "levels", [])[-2:])), "non_substantive": list(scale.get("non_substantive", [])),
            "labels": dict(scale.get("labels", {})), "label": scale.get("label", scale_id)}
    if scale_id in vocab.SCALES:
        scale = vocab.SCALES[scale_id]
        return {**scale, "labels": {}}
    return None


def _problem(message: str, column: str | None = None, value: str | None = None) -> dict:
    return {"row": None, "column": column, "value": value, "message": message}


def check(mapping: dict, columns: list[str], mapping_name: str = "the mapping") -> list[dict]:
    """What is wrong with a mapping for a file with these columns (no rows are looked at)."""
    problems = []
    settings = mapping.get("import", {})
    entries = mapping.get("columns", {})
    stray = [c for c in entries if c not in columns]
    if stray and len(stray) == len(entries):
        problems.append(_problem(f"{mapping_name} names none of the file's columns; it was written for another "
                                 "file. Make one for this file with: python -m analysis mapping-template FILE"))
        return problems
    problems += [_problem(f"{mapping_name} maps column {c!r}, which the file does not have", c) for c in stray]
    roles = [e.get("role", "ignore") for e in entries.values()]
    for role in {r for r in roles if r not in ROLES}:
        problems.append(_problem(f"unknown role {role!r}; use one of: {', '.join(ROLES)}", None, role))
    for role in ("respondent_id", "organisation", "org_name", "org_type", "region", "source", "unit", "wave",
                 "weight", "workshop_id", "role", "groups"):
        if roles.count(role) > 1:
            named = [c for c, e in entries.items() if e.get("role") == role]
            problems.append(_problem(f"role {role!r} is given to {len(named)} columns ({', '.join(named)}); "
                                     "give it to one", named[1], role))
    if "source" not in roles and settings.get("source", "") not in vocab.SOURCES:
        problems.append(_problem(f"set source in [import] of {mapping_name} to one of: {', '.join(vocab.SOURCES)}"
                                 f" (it is {settings.get('source', '')!r})", None, settings.get("source", "")))
    if "unit" not in roles and settings.get("unit", "participant") not in UNITS:
        problems.append(_problem(f"set unit in [import] to one of: {', '.join(UNITS)}", None, settings.get("unit")))
    if "wave" not in roles and not str(settings.get("wave", "")).strip():
        problems.append(_problem(f"set wave in [import] of {mapping_name} (the year of collection, e.g. \"2024\")"))
    if ("organisation" not in roles and not str(settings.get("organisation", "")).strip()):
        problems.append(_problem(f"no organisation: map a column to role \"organisation\" or set organisation in "
                                 f"[import] of {mapping_name}"))
    question_ids: dict[str, str] = {}
    for column, entry in entries.items():
        role = entry.get("role", "ignore")
        if role == "group" and entry.get("group") not in vocab.SELDOM_HEARD_GROUPS:
            problems.append(_problem(f"column {column!r} has role group but group {entry.get('group')!r} is not a "
                                     f"seldom-heard group id ({', '.join(vocab.SELDOM_HEARD_GROUPS)})", column,
                                     entry.get("group")))
        if role == "free_text":
            if entry.get("domain", "") not in {"", *vocab.DOMAINS}:
                problems.append(_problem(f"column {column!r}: domain {entry.get('domain')!r} is not one of "
                                         f"{', '.join(vocab.DOMAINS)} (or \"\" for none)", column, entry.get("domain")))
            if entry.get("theme", "") not in {"", *vocab.THEMES}:
                problems.append(_problem(f"column {column!r}: theme {entry.get('theme')!r} is not one of "
                                         f"{', '.join(vocab.THEMES)} (or \"\" for none)", column, entry.get("theme")))
        if role != "question":
            continue
        qid = str(entry.get("question_id") or slug(column))
        if qid in question_ids:
            problems.append(_problem(f"columns {question_ids[qid]!r} and {column!r} both map to question_id {qid!r}",
                                     column, qid))
        question_ids[qid] = column
        if entry.get("measure") not in vocab.MEASURES:
            problems.append(_problem(f"column {column!r}: measure must be one of {', '.join(vocab.MEASURES)}",
                                     column, entry.get("measure")))
        if entry.get("domain", "") not in {"", *vocab.DOMAINS}:
            problems.append(_problem(f"column {column!r}: domain {entry.get('domain')!r} is not one of "
                                     f"{', '.join(vocab.DOMAINS)} (or \"\" for none)", column, entry.get("domain")))
        scale = scale_definition(mapping, str(entry.get("scale", "")))
        if scale is None:
            problems.append(_problem(f"column {column!r}: scale {entry.get('scale')!r} is neither in the vocabulary "
                                     "nor defined under [scales] of the mapping", column, entry.get("scale")))
            continue
        allowed = set(scale["levels"]) | set(scale["non_substantive"]) | set(NON_SUBSTANTIVE_LEVELS)
        for label, level in entry.get("answers", {}).items():
            if level and level not in allowed:
                problems.append(_problem(f"column {column!r}: answer {label!r} is placed on level {level!r}, which "
                                         f"scale {entry.get('scale')!r} does not have ({', '.join(sorted(allowed))})",
                                         column, label))
    for scale_id, scale in mapping.get("scales", {}).items():
        levels = list(scale.get("levels", []))
        if len(levels) < 2 or len(set(levels)) != len(levels):
            problems.append(_problem(f"scale {scale_id!r} needs at least two distinct levels, lowest first", None,
                                     scale_id))
        for level in scale.get("positive", []):
            if level not in levels:
                problems.append(_problem(f"scale {scale_id!r}: positive level {level!r} is not one of its levels",
                                         None, level))
    return problems
