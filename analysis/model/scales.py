"""Answer labels matched to the library of scales: case, punctuation, numbering ("1 - Strongly disagree"),
order and extra "Don't know" / "N/A" / "Prefer not to say" answers set aside. An unknown set of labels gets a
proposed scale of its own, in an order a person confirms."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analysis.model import vocab

MAX_PROPOSED_LEVELS = 11
MAX_LABEL_LENGTH = 60
_NUMBERING = re.compile(r"^\s*[(\[]?\s*(-?\d{1,2})\s*[)\].:=-]?\s*[-–—:=.)]?\s*(?=\D)"  # "1 - Agree", "(1) Agree"
                        r"|\s*[(\[]\s*(-?\d{1,2})\s*[)\]]\s*$")  # "Agree (4)"


def normalise(label: str) -> str:
    """A label as words only: lower case, no numbering, apostrophes dropped, other punctuation a space."""
    text = str(label).replace("’", "'").replace("‘", "'").strip()
    text = _NUMBERING.sub(" ", text) if not re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", text) else text
    text = text.lower().replace("'", "")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def number_of(label: str) -> int | None:
    """The number a label starts or ends with ("1 - Strongly disagree", "Agree (4)"), or None."""
    match = _NUMBERING.search(str(label))
    if not match:
        return None
    return int(match.group(1) or match.group(2))


def _level_words(scale: dict) -> dict[str, str]:
    words: dict[str, str] = {}
    for level in scale["levels"]:
        own = scale.get("words", {}).get(level, [])
        for text in (level.replace("_", " "), vocab.LEVEL_LABELS.get(level, ""), *own):
            if text:
                words.setdefault(normalise(text), level)
    return words


_NS_WORDS = {normalise(w): level for level, ws in vocab.NON_SUBSTANTIVE_WORDS.items() for w in ws} | {
    normalise(vocab.LEVEL_LABELS[level]): level for level in vocab.NON_SUBSTANTIVE_LEVELS}
_WORDS = {scale_id: _level_words(scale) for scale_id, scale in vocab.SCALES.items()}


def non_substantive_level(label: str) -> str:
    """The non-substantive level a label names (Don't know, N/A, Prefer not to say...), or ''."""
    return _NS_WORDS.get(normalise(label), "")


@dataclass
class Match:
    """A scale for a column's answer labels: the scale id, each label's level, and whether it is new."""

    scale_id: str
    answers: dict[str, str]
    proposed: dict | None = None  # a new scale's definition (levels, positive, non_substantive, labels)
    levels_hit: int = 0
    unplaced: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every label has a level."""
        return not self.unplaced


def place(labels: list[str], scale_id: str, scale: dict) -> dict[str, str]:
    """Each label's level on one scale, label by label: a level, a non-substantive level, or '' when neither."""
    words = dict(_WORDS.get(scale_id, {})) | _level_words({**scale, "words": scale.get("words", {})})
    words |= {normalise(t): lv for lv, t in scale.get("labels", {}).items()}
    return {label: words.get(normalise(label)) or _NS_WORDS.get(normalise(label), "") for label in labels}


def match(labels: list[str], scales: dict[str, dict] | None = None) -> Match | None:
    """The library scale (or one of `scales`) every label fits, most levels matched; None when none fits."""
    library = {**vocab.SCALES, **(scales or {})}
    best: Match | None = None
    fits = 0
    for scale_id, scale in library.items():
        if scale_id in vocab.SCALES and scale_id not in (scales or {}):
            words = _WORDS[scale_id]
        else:
            words = _level_words({**scale, "words": {}})
            words |= {normalise(t): lv for lv, t in scale.get("labels", {}).items()}
        answers, hit = {}, set()
        for label in labels:
            key = normalise(label)
            level = words.get(key) or _NS_WORDS.get(key, "")
            if not level:
                break
            answers[label] = level
            if level in scale["levels"]:
                hit.add(level)
        else:
            fits += bool(hit)
            if hit and (best is None or len(hit) > best.levels_hit):
                best = Match(scale_id, answers, levels_hit=len(hit))
    # One level only ("Some" alone) is enough when no other scale has that word too.
    if best is not None and best.levels_hit == 1 and len(labels) == 1 and fits > 1:
        return None
    return best


def propose(column_id: str, labels: list[str]) -> Match | None:
    """A new scale for labels no library scale fits: levels in the labels' numbering (else the order given),
    top two positive, known non-substantive answers set apart. None when they do not look like a scale."""
    substantive = [lab for lab in labels if not non_substantive_level(lab)]
    if not 2 <= len(substantive) <= MAX_PROPOSED_LEVELS or any(len(lab) > MAX_LABEL_LENGTH for lab in labels):
        return None
    if all(re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", lab) for lab in substantive):
        return None  # bare numbers: a count or a score, not labelled answers
    numbers = [number_of(lab) for lab in substantive]
    if all(n is not None for n in numbers) and len(set(numbers)) == len(numbers):
        substantive = [lab for _, lab in sorted(zip(numbers, substantive, strict=True))]
    ids: list[str] = []
    for lab in substantive:
        base = re.sub(r"[^a-z0-9]+", "_", normalise(lab)).strip("_") or "level"
        level_id = base if base not in ids else f"{base}_{len(ids) + 1}"
        ids.append(level_id[:40])
    answers = dict(zip(substantive, ids, strict=True))
    answers |= {lab: non_substantive_level(lab) for lab in labels if non_substantive_level(lab)}
    used_ns = sorted({answers[lab] for lab in labels if non_substantive_level(lab)})
    proposed = {"label": column_id.replace("_", " ").capitalize(), "levels": ids,
                "positive": ids[-2:] if len(ids) > 2 else ids[-1:], "non_substantive": used_ns,
                "labels": {level: re.sub(r"\s+", " ", _NUMBERING.sub(" ", lab)).strip() or lab
                           for lab, level in zip(substantive, ids, strict=True)}}
    return Match(column_id, {lab: answers[lab] for lab in labels}, proposed=proposed, levels_hit=len(ids))


def scale_labels(scale: dict) -> dict[str, str]:
    """Each level id of a scale (library or proposed) with the label people read."""
    own = scale.get("labels", {})
    return {level: own.get(level) or vocab.LEVEL_LABELS.get(level) or level.replace("_", " ").capitalize()
            for level in [*scale["levels"], *scale.get("non_substantive", [])]}
