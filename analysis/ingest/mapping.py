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

from analysis.ingest.importers import Export, read_export
from analysis.model import scales, vocab
from analysis.model.errors import Problem, problem

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
MAX_LABELS = 40
FALSE_VALUES = {"0", "false", "no", "n", "f", "n/a", "na", "not selected", "unchecked"}

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


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?.*)?$|^\d{1,2}/\d{1,2}/\d{2,4}( \d{1,2}:\d{2}.*)?$"
                   r"|^\d{2}:\d{2}(:\d{2})?$")
_DATE_WORDS = ("date", "time", "timestamp", "submitted", "started", "completed")
_ORG_WORDS = ("practice", "surgery", "site", "trust", "provider", "organisation", "organization", "hospital",
              "ods", "ccg", "icb", "pcn", "service name", "location name")
_NUMERIC_WORDS = ("score", "length", "count", "sentiment", "duration", "seconds", "minutes", "percent", "total",
                  "number of", "latitude", "longitude", "accuracy", "progress", "seed")
_SELECTED = {"1", "true", "selected", "checked", "yes", "x"}
_UNSELECTED = {"", "0", "false", "not selected", "unchecked", "no"}
_QUALTRICS_CODE = re.compile(r"^(Q\d+|.*[A-Za-z])_(\d+|[A-Za-z0-9_]+)$")


def is_dates(labels: list[str]) -> bool:
    """Most answers are dates or times."""
    return bool(labels) and sum(bool(_DATE.match(v)) for v in labels) >= 0.8 * len(labels)


def _is_numbers(labels: list[str]) -> bool:
    return bool(labels) and all(_is_number(v) for v in labels)


def _multi_select(name: str, values: pd.Series, labels: list[str], export: Export) -> bool:
    """One option of a multi-select question: a 1/blank, True/False or option-text/blank column."""
    low = {v.lower() for v in labels}
    if low and low <= _SELECTED | _UNSELECTED and low & _SELECTED and len(labels) <= 2 and "yes" not in low:
        return True
    text = export.text.get(name, name)
    # SurveyMonkey and LimeSurvey write the option's own text in the cell, blank when not chosen.
    return len(labels) == 1 and (values.str.strip() == "").any() and (
        (len(labels[0]) >= 3 and labels[0].lower() in text.lower()) or "[" in text)


def _free_text(name: str, values: pd.Series, labels: list[str]) -> bool:
    """Long or varied text: comments, descriptions (not a handful of short options)."""
    given = values[values.str.strip() != ""].str.strip()
    if not labels or _is_numbers(labels) or is_dates(labels) or {v.lower() for v in labels} <= _SELECTED | _UNSELECTED:
        return False
    named = any(w in _norm(name) for w in _FREE_TEXT_WORDS)
    if len(labels) < 3:  # a few answers: free text only when the question says so ("Comments", "describe")
        return named and (given.str.len() > 1).any()
    long = float(given.str.len().median()) >= 25 if len(given) else False
    varied = len(labels) >= max(5, 0.5 * len(given))
    return long or (varied and (named or len(labels) > MAX_LABELS))


def _ignore(why: str) -> dict:
    return {"role": "ignore", "_comment": why}


def _entry_from_name(name: str, text: str, labels: list[str], export: Export, taken: set[str],
                     context: dict) -> dict | None:
    """The entry a column's name (or the layout's hint, or a group's name) decides; None when they decide nothing."""
    key = _norm(name)
    entry: dict = {}
    role = export.hints.get(name, "") or next((r for r, names in _ROLE_NAMES.items() if key in names
                                                and r not in taken), "")
    group = group_for(name) or group_for(text) or (group_for(labels[0]) if len(labels) == 1 else "")
    if not role and group and len(labels) <= 3:
        role = "group"
        entry["group"] = group
    if role and role != "ignore":
        if role in taken and role not in {"group", "free_text", "question"}:
            return _ignore(f"another column already has role {role!r}")
        entry = {"role": role, **entry}
        if role == "question":  # the template's own question columns
            entry.update(_question(name, text, labels, export, context))
        return entry
    return {"role": "ignore"} if role == "ignore" else None


def _guess_column(name: str, text: str, values: pd.Series, export: Export, taken: set[str], context: dict) -> dict:
    key = _norm(name)
    labels = _labels(values)
    named = _entry_from_name(name, text, labels, export, taken, context)
    if named is not None:
        return named
    if not labels:
        return _ignore("no answers in the file")
    words = f"{key} {_norm(text)}"
    if is_dates(labels) or (any(w in key.split() for w in _DATE_WORDS) and not _free_text(name, values, labels)):
        if "wave" not in taken and is_dates(labels):
            return {"role": "wave", "_comment": "dates: the wave is each answer's year"}
        return _ignore("dates or times")
    ods = all(vocab.ods_org_type(v) is not None for v in labels) and not _is_numbers(labels)
    if "organisation" not in taken and not _free_text(name, values, labels) and (
            any(w in words for w in _ORG_WORDS) or (ods and re.search(r"\b(code|id|org)\b", key))):
        return {"role": "organisation"}
    if any(w in words for w in _ORG_WORDS) and "org_name" not in taken and "organisation" in taken \
            and not _free_text(name, values, labels):
        return {"role": "org_name"}
    first = name == next(iter(export.frame.columns)) and all(re.fullmatch(r"[A-Za-z_-]*\d[\w-]*", v) for v in labels)
    if "respondent_id" not in taken and len(labels) == len(values) > 1 and (
            re.search(r"\b(id|uuid|reference|ref)\b", key) or re.fullmatch(r"[0-9a-f-]{32,36}", labels[0]) or first):
        return {"role": "respondent_id"}
    if _multi_select(name, values, labels, export):
        return _ignore("one option of a multi-select question")
    question = _question(name, text, labels, export, context)
    if question is not None and question.pop("_placed"):
        return {"role": "question", **question}
    if _free_text(name, values, labels):
        return {"role": "free_text"}
    if _is_numbers(labels):
        return _ignore("numbers (a score, count or code), not labelled answers")
    if any(w in words for w in _NUMERIC_WORDS):
        return _ignore("a derived or technical field")
    if question is not None and values[values.str.strip() != ""].value_counts().max() > 1:
        return {"role": "ignore", **question, "_comment": "candidate question on a proposed scale: check the "
                                                          "scale's order under [scales], then set role = \"question\""}
    return _ignore(f"{len(labels)} different answers: not a question on a scale")


def _question(name: str, text: str, labels: list[str], export: Export, context: dict) -> dict | None:
    """A question entry (scale, answers, measure, domain) for labels that fit a scale, else None.

    Sets `_placed` when the scale is the library's, or a proposed one the file itself orders (numbered labels,
    SPSS value labels in code order, Qualtrics recode values).
    """
    missing = export.non_substantive.get(name, set())
    ordered = [lab for lab in export.label_order.get(name, []) if lab in labels] or labels
    ordered += [lab for lab in labels if lab not in ordered]
    found = scales.match([lab for lab in labels if lab not in missing], context["scales"])
    placed = found is not None
    if found is None:
        found = _coded_scale(name, labels, export, context)
        placed = found is not None
    if found is None:
        found = scales.propose(slug(name), [lab for lab in ordered if lab not in missing])
        if found is None:
            return None
        placed = name in export.label_order or all(scales.number_of(lab) is not None for lab in labels
                                                    if not scales.non_substantive_level(lab))
        found.answers |= {lab: "not_applicable" for lab in missing if lab in labels}
        context["scales"][found.scale_id] = found.proposed
    answers = {lab: found.answers.get(lab) or ("not_applicable" if lab in missing else "") for lab in labels}
    measure = vocab.SCALE_MEASURE.get(found.scale_id, "experience" if found.scale_id in vocab.SCALES else "")
    measure_text = _norm(text)
    if found.scale_id == "influence4":
        measure = "participation" if re.search(r"take part|particip|involv", measure_text) else "influence"
    if not measure:
        measure = "agreement" if re.search(r"\bagree", measure_text) else "experience"
    domain = next((d for d, words in _DOMAIN_WORDS.items() if any(w in measure_text for w in words)), "")
    if measure not in {"influence", "participation", "importance"}:
        domain = slug(text, 40)  # the question's own topic: each gets its own bar
    return {"question_id": slug(name), "text": text[:300], "measure": measure, "domain": domain,
            "scale": found.scale_id, "answers": answers, "_placed": placed and all(answers.values())}


def _coded_scale(name: str, labels: list[str], export: Export, context: dict) -> scales.Match | None:
    """Qualtrics numeric exports: small whole-number recode values are a scale (negative ones: no answer);
    the columns of one matrix (Q4_1, Q4_2...) share one scale, levels the union of their codes."""
    if not export.layout.startswith("qualtrics") or not _is_numbers(labels):
        return None
    codes = sorted({int(float(v)) for v in labels if float(v).is_integer()})
    if len(codes) != len(labels) or not codes or min(codes) < -9 or max(codes) > 20 or len(
            [c for c in codes if c >= 0]) > 11:
        return None
    found = _QUALTRICS_CODE.match(name)
    group = found.group(1) if found else name
    scale_id = slug(f"{group}_codes")
    frame = export.frame
    members = [c for c in frame.columns if c == name or (_QUALTRICS_CODE.match(c) and
                                                         _QUALTRICS_CODE.match(c).group(1) == group)]
    every = set(codes)
    for column in members:
        values = {v.strip() for v in frame[column] if v.strip()}
        if all(_is_number(v) and float(v).is_integer() for v in values):
            every |= {int(float(v)) for v in values}
    substantive = sorted(c for c in every if c >= 0)
    if len(substantive) < 2:
        return None
    levels = [f"code_{c}" for c in substantive]
    proposed = {"label": f"{group} (recode values)", "levels": levels, "positive": levels[-2:],
                "non_substantive": ["not_applicable"] if any(c < 0 for c in every) else [],
                "labels": {f"code_{c}": str(c) for c in substantive}}
    context["scales"][scale_id] = proposed
    answers = {lab: f"code_{int(float(lab))}" if float(lab) >= 0 else "not_applicable" for lab in labels}
    return scales.Match(scale_id, answers, proposed=proposed, levels_hit=len(substantive))


def guess(file_bytes: bytes, file_name: str) -> dict:
    """A starter mapping for a file: every column with a guessed role, every answer label listed."""
    export = read_export(file_bytes, file_name, keep_test_responses=True)
    flagged = sum(1 for f in export.flags if f)
    columns, taken = {}, set()
    context: dict = {"scales": {}}
    for name in export.frame.columns:
        entry = _guess_column(name, export.text.get(name, name), export.frame[name], export, taken, context)
        taken.add(entry["role"])
        columns[name] = entry
    used = {e.get("scale") for e in columns.values()}
    new_scales = {k: v for k, v in context["scales"].items() if k in used}
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
    if flagged and flagged == len(export.flags):
        settings["keep_test_responses"] = True
        settings["_comment"] = (f"all {flagged} responses are marked as preview or test responses; they are kept "
                                "(set keep_test_responses = false to leave them out, and nothing would be left)")
    elif flagged:
        settings["_comment"] = (f"{flagged} of {len(export.flags)} responses are marked as preview or test "
                                "responses and will be left out; set keep_test_responses = true to keep them")
    if export.renamed:
        settings["_renamed"] = [f"{r['column']}: {r['from']!r} -> {r['to']!r} ({r['why']})" for r in export.renamed]
    return {"import": settings, "scales": new_scales, "measures": {}, "columns": columns}


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
# Review it before importing: answers matched to a library scale are placed; other columns are ignored
# with a note saying why, and a candidate question's proposed scale is listed under [scales].
#
# [import]       constants the file lacks: source (users_group_survey, workshop, interview), unit
#                (users_group, participant, organisation), wave (e.g. "2024"), id_prefix (added to every
#                respondent id so ids from different files cannot clash), default organisation (a name, an
#                id or an NHS ODS code) / org_name / org_type ({org_types}) / region, org_lookup (a CSV:
#                org_id or org_name, org_type, region). _renamed lists columns the reader named.
# [scales.ID]    a new ordered scale: levels (lowest first), positive, non_substantive, labels.
#                The library's scales: {scales}.
# [measures.ID]  a measure of your own: label = "what it asks" (the library's: {measures}).
# [columns."X"]  role = one of: {roles}.
#                A question has question_id, text, measure, domain (a study domain: {domains}; your own
#                topic as a snake_case id; or "" for none), scale, and [answers]: every label in the file =
#                a level id of the scale (or a non-substantive level: dont_know, not_applicable,
#                prefer_not_to_say).
"""


def to_toml(mapping: dict) -> str:
    """The mapping as TOML text, with a header explaining each part."""
    settings = mapping.get("import", {})
    lines = [_HEADER.format(file=settings.get("file", "?"), layout=settings.get("layout", "?"),
                            org_types=", ".join(vocab.ORG_TYPES), roles=", ".join(ROLES),
                            domains=", ".join(vocab.DOMAINS), measures=", ".join(vocab.MEASURES),
                            scales="; ".join(f"{k} ({', '.join(v['levels'])})" for k, v in vocab.SCALES.items())
                            ).rstrip()]
    for part in ("import", "scales", "measures", "columns"):
        body = mapping.get(part, {})
        if part == "import":
            _table([part], body, lines)
        else:
            loose = {k: v for k, v in body.items() if not isinstance(v, dict)}  # a careless mapping's, kept
            if loose:
                _table([part], loose, lines)
            for key, value in body.items():
                if isinstance(value, dict):
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
    mapping.setdefault("measures", {})
    return mapping


# ---- checking ----

def scale_definition(mapping: dict, scale_id: str) -> dict | None:
    """A scale from the mapping, else the vocabulary; None when neither has it."""
    if scale_id in mapping.get("scales", {}):
        scale = mapping["scales"][scale_id]
        if not isinstance(scale, dict) or not isinstance(scale.get("levels", []), list):
            return None
        return {"levels": list(scale.get("levels", [])), "positive": list(scale.get("positive", scale.get(
            "levels", [])[-2:])), "non_substantive": list(scale.get("non_substantive", [])),
            "labels": dict(scale.get("labels", {})), "label": scale.get("label", scale_id)}
    if scale_id in vocab.SCALES:
        scale = vocab.SCALES[scale_id]
        return {**scale, "labels": {}}
    return None


def is_topic(domain: object) -> bool:
    """A question's domain: '', a study domain, or a person's own topic id (snake_case, up to 40)."""
    return isinstance(domain, str) and (domain in {"", *vocab.DOMAINS}
                                        or bool(re.fullmatch(r"[a-z0-9][a-z0-9_]{0,39}", domain)))


def _problem(message: str, column: str | None = None, value: object = None) -> Problem:
    return problem(message, column=column, value=value)


def check(mapping: dict, columns: list[str], mapping_name: str = "the mapping") -> list[dict]:
    """What is wrong with a mapping for a file with these columns (no rows are looked at)."""
    entries = mapping.get("columns", {})
    stray = [c for c in entries if c not in columns]
    if stray and len(stray) == len(entries):
        return [_problem(f"{mapping_name} names none of the file's columns; it was written for another "
                         "file. Make one for this file with: python -m analysis mapping-template FILE")]
    problems = [_problem(f"{mapping_name} maps column {c!r}, which the file does not have", c) for c in stray]
    roles = [e.get("role", "ignore") for e in entries.values()]
    problems += _role_problems(entries, roles)
    problems += _setting_problems(mapping.get("import", {}), roles, mapping_name)
    question_ids: dict[str, str] = {}
    for column, entry in entries.items():
        problems += _column_problems(column, entry, mapping, mapping_name, question_ids)
    return problems + _measure_definition_problems(mapping) + _scale_definition_problems(mapping)


def _role_problems(entries: dict, roles: list[str]) -> list[dict]:
    """Roles that are not roles, and roles only one column may have given to several."""
    problems = [_problem(f"unknown role {role!r}; use one of: {', '.join(ROLES)}", None, role)
                for role in {r for r in roles if r not in ROLES}]
    for role in ("respondent_id", "organisation", "org_name", "org_type", "region", "source", "unit", "wave",
                 "weight", "workshop_id", "role", "groups"):
        if roles.count(role) > 1:
            named = [c for c, e in entries.items() if e.get("role") == role]
            problems.append(_problem(f"role {role!r} is given to {len(named)} columns ({', '.join(named)}); "
                                     "give it to one", named[1], role))
    return problems


def _setting_problems(settings: dict, roles: list[str], mapping_name: str) -> list[dict]:
    """The [import] settings a file needs when no column gives them: source, unit, wave, organisation."""
    problems = []
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
    return problems


def _column_problems(column: str, entry: dict, mapping: dict, mapping_name: str,
                     question_ids: dict[str, str]) -> list[dict]:
    """What is wrong with one column's entry (question_ids: question id -> column, filled as columns are seen)."""
    role = entry.get("role", "ignore")
    problems = []
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
    if role == "question":
        problems += _question_problems(column, entry, mapping, mapping_name, question_ids)
    return problems


def _question_problems(column: str, entry: dict, mapping: dict, mapping_name: str,
                       question_ids: dict[str, str]) -> list[dict]:
    """What is wrong with a question column: its id, measure, domain, scale and the levels of its answers."""
    problems = []
    qid = str(entry.get("question_id") or slug(column))
    if qid in question_ids:
        problems.append(_problem(f"columns {question_ids[qid]!r} and {column!r} both map to question_id {qid!r}",
                                 column, qid))
    question_ids[qid] = column
    own = mapping.get("measures", {})
    if entry.get("measure") not in {*vocab.MEASURES, *own}:
        problems.append(_problem(f"column {column!r}: measure {entry.get('measure')!r} is not one of "
                                 f"{', '.join([*vocab.MEASURES, *own])}; name your own under [measures] of "
                                 f"{mapping_name}", column, entry.get("measure")))
    if not is_topic(entry.get("domain", "")):
        problems.append(_problem(f"column {column!r}: domain {entry.get('domain')!r} is neither a study domain "
                                 f"({', '.join(vocab.DOMAINS)}) nor a topic id of your own (lower case letters, "
                                 "digits and _, up to 40), nor \"\" for none", column, entry.get("domain")))
    scale = scale_definition(mapping, str(entry.get("scale", "")))
    if scale is None:
        return [*problems, _problem(f"column {column!r}: scale {entry.get('scale')!r} is neither in the vocabulary "
                                    "nor defined under [scales] of the mapping", column, entry.get("scale"))]
    allowed = set(scale["levels"]) | set(scale["non_substantive"]) | set(vocab.NON_SUBSTANTIVE_LEVELS)
    for label, level in entry.get("answers", {}).items():
        if level and level not in allowed:
            problems.append(_problem(f"column {column!r}: answer {label!r} is placed on level {level!r}, which "
                                     f"scale {entry.get('scale')!r} does not have ({', '.join(sorted(allowed))})",
                                     column, label))
    return problems


def _measure_definition_problems(mapping: dict) -> list[dict]:
    """What is wrong with the measures a mapping defines under [measures]."""
    problems = []
    for measure_id, measure in mapping.get("measures", {}).items():
        if not isinstance(measure, dict):
            problems.append(_problem(f"measure {measure_id!r} under [measures] must be a table with label = \"...\"",
                                     None, measure_id))
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", str(measure_id)):
            problems.append(_problem(f"measure id {measure_id!r} under [measures] must be lower case letters, digits "
                                     "and _ (up to 40)", None, measure_id))
    return problems


def _scale_definition_problems(mapping: dict) -> list[dict]:
    """What is wrong with the scales a mapping defines under [scales]."""
    problems = []
    for scale_id, scale in mapping.get("scales", {}).items():
        if not isinstance(scale, dict) or not isinstance(scale.get("levels", []), list):
            problems.append(_problem(f"scale {scale_id!r} must be a table with levels = [...] (lowest first)", None,
                                     scale_id))
            continue
        levels = list(scale.get("levels", []))
        if len(levels) < 2 or len(set(levels)) != len(levels):
            problems.append(_problem(f"scale {scale_id!r} needs at least two distinct levels, lowest first", None,
                                     scale_id))
        for level in scale.get("positive", []):
            if level not in levels:
                problems.append(_problem(f"scale {scale_id!r}: positive level {level!r} is not one of its levels",
                                         None, level))
    return problems
