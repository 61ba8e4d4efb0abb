"""Redaction of personal details from free text, offline, before anything is stored.

Each kind of identifier is found by one recogniser (a row of RECOGNISERS: a pattern, an optional check
and the part of the match to replace), and people's names without any list by `analysis.ingest.person_names`.
The spans found are merged (the longer wins where two overlap) and each is replaced by a mark saying what
was there, e.g. [NHS number]. Ward numbers, visit dates and times, money, doses and place names stay.
`review_reasons` says why a redacted text may still hold a name the detector could not place.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from analysis.ingest import person_names

MARKS = {"nhs": "[NHS number]", "postcode": "[postcode]", "phone": "[phone number]", "email": "[email]",
         "name": "[name]", "ni": "[NI number]", "dob": "[date of birth]", "age": "[age 90 or over]",
         "address": "[address]", "hospital": "[hospital number]", "url": "[link]", "handle": "[social handle]"}


@dataclass(frozen=True)
class Finding:
    """One identifier found: where it is (start, end) and its kind (a key of MARKS)."""

    start: int
    end: int
    kind: str


@dataclass(frozen=True)
class Recogniser:
    """A pattern for one kind; `check` turns a match into the span to replace, or None to keep it."""

    kind: str
    pattern: re.Pattern
    check: Callable[[re.Match], tuple[int, int] | None] | None = None
    needs_digit: bool = True


def _span(match: re.Match) -> tuple[int, int]:
    """The named group `id` (or `id2`) when the pattern has one (context words stay), else the whole match."""
    for group in ("id", "id2"):
        if group in match.re.groupindex and match.group(group) is not None:
            return match.span(group)
    return match.span()


def nhs_number_valid(digits: str) -> bool:
    """True when ten digits carry a valid modulus 11 check digit (weights 10 to 2; 11 reads as 0; 10 is invalid)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    if check == 10:
        return False
    return (0 if check == 11 else check) == int(digits[9])


def _nhs(match: re.Match) -> tuple[int, int] | None:
    return match.span() if nhs_number_valid("".join(match.groups())) else None


def _phone(match: re.Match) -> tuple[int, int] | None:
    text = match.group(0)
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    national = "0" + digits[2:] if text.startswith("+") else "0" + digits[4:] if text.startswith("00") else digits
    if len(national) not in (10, 11) or national[1] not in "1235789":
        return None
    # "(07700 900123, ..." : an opening bracket with no closing one belongs to the sentence
    start, end = match.span()
    return (start + 1, end) if text.startswith("(") and ")" not in text else (start, end)


def _postcode(match: re.Match) -> tuple[int, int] | None:
    # "B2 4th floor" reads as a place in a building, not a postcode: lower-case ordinals stay.
    return None if re.search(r"\d(?:st|nd|rd|th)$", match.group(0)) else match.span()


def _age(match: re.Match) -> tuple[int, int] | None:
    groups = match.groupdict()
    years = int(groups.get("years") or groups.get("years2") or groups.get("id2"))
    return _span(match) if 90 <= years <= 125 else None


_DATE = (r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2}"
         r"|\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+"
         r"\d{4}|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4})")
_STREET = (r"(?:street|st|road|rd|avenue|ave|lane|ln|close|drive|way|crescent|court|ct|place|grove|gardens|terrace|"
           r"square|row|mews|walk|rise|parade|vale|hill|green|park|view|boulevard|gate|grange|meadows?|fold|croft|"
           r"wynd|brow|end|chase|circus)")
_STREET_CAP = "(?:" + "|".join(w.capitalize() for w in _STREET[3:-1].split("|") if "?" not in w) + "|Meadows?)"
_NAMEWORD = r"(?:[A-Z][a-z'’]+|[A-Z]{2,})(?:-[A-Z][a-z]+)?"

RECOGNISERS: tuple[Recogniser, ...] = (
    Recogniser("email", re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.ASCII),
               needs_digit=False),
    Recogniser("url", re.compile(r"(?i)\b(?:https?://|www\.)[^\s<>\"']+[^\s<>\"'.,;:!?)]|"
                                 r"\b[a-z0-9-]+\.(?:com|co\.uk|org|net|io|me|org\.uk)/[^\s<>\"']*[^\s<>\"'.,;:!?)]"),
               needs_digit=False),
    Recogniser("handle", re.compile(r"(?<![\w@./])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])\b"),
               needs_digit=False),
    # National Insurance: two prefix letters, six digits (pairs may be spaced), a suffix A-D. HMRC's own
    # example prefix QQ is taken too: it is what people type when they show the form of theirs.
    Recogniser("ni", re.compile(r"(?i)\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}"
                                r"\s?\d{2}\s?[A-D]\b")),
    Recogniser("ni", re.compile(r"(?i)\b(?:NI|N\.I\.|national\s+insurance|NINO)\s*(?:number|no\.?)?\s*(?:is\s+|:\s*)?"
                                r"(?P<id>[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D])\b")),
    Recogniser("dob", re.compile(rf"(?i)\b(?:d\.?o\.?b\.?|date\s+of\s+birth|born(?:\s+on)?|birthday(?:\s+is|\s+was)?|"
                                 rf"b\.)\s*(?:is\s+|was\s+|of\s+|:\s*|-\s*|,\s*)?(?P<id>{_DATE})")),
    Recogniser("dob", re.compile(r"(?i)\bborn\s+in\s+(?P<id>(?:19|20)\d{2})\b")),
    Recogniser("age", re.compile(r"(?i)(?P<id>\b(?:aged?\s+)?(?P<years>\d{2,3})(?:\s*(?:-|\s)\s*years?(?:\s*(?:-|\s)\s*"
                                 r"old|\s+of\s+age)?|\s*(?:yrs?|y/?o)\b)|\baged?\s+(?P<years2>\d{2,3})\b)"),
               check=_age),
    Recogniser("age", re.compile(r"(?i)\b(?:(?:who|she|he|mum|mom|dad|mother|father|nan|nana|nanna|gran|granny|grandma|"
                                 r"grandad|granddad|grandmother|grandfather|aunt|auntie|uncle|husband|wife|son|daughter|"
                                 r"neighbour|friend|patient|relative)\s+(?:is|was|turned|turns|is now|was now)\s+"
                                 r"(?P<id>(?P<years>\d{2,3}))|(?:is|was|turned|turns)\s+(?P<id2>1[01]\d|12[0-5]))\b"
                                 r"(?![.,:]\d|\s*(?:%|per|minutes|mins|hours|days|weeks|months|pounds|mg|ml|kg|miles|"
                                 r"times|am|pm|out|over|points|bpm|mmhg)\b|\s*/)"), check=_age),
    # NHS number: ten digits as 3-3-4 (single spaces or dashes between the groups, or none), valid check digit;
    # any ten digits right after "NHS number" go too, since a mistyped one is still someone's.
    Recogniser("nhs", re.compile(r"(?<![\d£$€.,/:])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d/:]|[.,]\d)"), check=_nhs),
    Recogniser("nhs", re.compile(r"(?i)\bnhs\s*(?:number|no\.?|num|#)\s*(?:is\s+|:\s*)?"
                                 r"(?P<id>\d{3}[ -]?\d{3}[ -]?\d{4})(?!\d)")),
    Recogniser("hospital", re.compile(r"(?i)\b(?:hospital|hosp|patient|unit|case|medical\s+record|mrn|rxx|k)\s*"
                                      r"(?:number|no\.?|num|ref(?:erence)?|id|#)?\s*(?:is\s+|was\s+|:\s*)?"
                                      r"(?P<id>[A-Z]{0,4}\d{0,3}[ /-]?\d{4,12}[A-Z]?)\b")),
    Recogniser("hospital", re.compile(r"\b(?P<id>(?-i:[A-Z]{1,3})\d{6,9})\b")),
    Recogniser("phone", re.compile(r"(?<![\w+£$€.,/:])(?:(?:\+|00)44[\s-]?(?:\(0\)[\s-]?)?\(?|\(?0)\d(?:[\s\-)]{0,2}\d)"
                                   r"{8,10}(?![\d/:]|[.,]\d)"), check=_phone),
    Recogniser("postcode", re.compile(r"(?<![\w£$€])(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})(?!\w)",
                                      re.IGNORECASE), check=_postcode),
    # A house number (and flat) then one to four capitalised words ending in a street word: "14 Acacia Avenue";
    # in lower case only after "live at" or "address".
    Recogniser("address", re.compile(rf"(?<![\d£$€.,:/])(?P<id>\b(?:(?i:flat|apartment|apt)\s+\d+[a-zA-Z]?,?\s+)?"
                                     rf"\d{{1,4}}[a-zA-Z]?,?\s+(?:{_NAMEWORD}\s+){{0,3}}{_STREET_CAP})\b(?!\s*\d)")),
    Recogniser("address", re.compile(rf"(?i)\b(?:live|lives|lived|living|address|address is)\s*(?:at|:)?\s+"
                                     rf"(?P<id>(?:flat\s+\d+[a-z]?,?\s+)?\d{{1,4}}[a-z]?,?\s+(?:[a-z][a-z'’-]+\s+){{0,3}}"
                                     rf"{_STREET})\b")),
    Recogniser("address", re.compile(rf"\b(?:live|lives|lived|living|moved)\s+(?:at|on|in)\s+(?P<id>(?:{_NAMEWORD}\s+)"
                                     rf"{{1,3}}{_STREET_CAP})\b"), needs_digit=False),
)
_DIGIT = re.compile(r"\d")


def names_pattern(names: Iterable[str]) -> re.Pattern | None:
    """One whole-word, case-insensitive pattern for the names (longest first); None when there are none."""
    cleaned = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not cleaned:
        return None
    words = "|".join(r"\s+".join(map(re.escape, name.split())) for name in cleaned)
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)


def read_names(path: str | Path) -> list[str]:
    """Names from a text file, one a line (blank lines and lines starting with # are skipped)."""
    lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _merged(found: list[Finding]) -> list[Finding]:
    """Non-overlapping findings, left to right; where two overlap the longer one is kept."""
    kept: list[Finding] = []
    for f in sorted(found, key=lambda f: (f.start, -(f.end - f.start))):
        if kept and f.start < kept[-1].end:
            if f.end - f.start > kept[-1].end - kept[-1].start:
                kept[-1] = f
            continue
        kept.append(f)
    return kept


def pattern_findings(text: str) -> list[Finding]:
    """The identifiers the pattern recognisers find (everything but names), possibly overlapping."""
    found: list[Finding] = []
    has_digit = _DIGIT.search(text) is not None
    for rec in RECOGNISERS:
        if rec.needs_digit and not has_digit:
            continue
        for match in rec.pattern.finditer(text):
            span = rec.check(match) if rec.check else _span(match)
            if span is not None and span[1] > span[0]:
                found.append(Finding(span[0], span[1], rec.kind))
    return found


def findings(text: str, names: Iterable[str] | re.Pattern | None = None) -> list[Finding]:
    """Every identifier in the text, as non-overlapping spans with their kind, left to right."""
    if not text:
        return []
    found = pattern_findings(text)
    pattern = names if isinstance(names, re.Pattern) else names_pattern(names or ())
    if pattern is not None:
        found += [Finding(*m.span(), "name") for m in pattern.finditer(text)]
    taken = _merged(found)
    found += [Finding(s, e, "name") for s, e in person_names.name_spans(text, [(f.start, f.end) for f in taken])]
    return _merged(found)


def replace(text: str, spans: list[Finding]) -> str:
    """The text with each finding replaced by its mark."""
    out, last = [], 0
    for f in spans:
        out += [text[last:f.start], MARKS[f.kind]]
        last = f.end
    return "".join([*out, text[last:]])


def redact(text: str, names: Iterable[str] | re.Pattern | None = None) -> str:
    """The text with personal details (and any listed names) replaced by marks such as [name]."""
    if not text:
        return text
    text = str(text)
    return replace(text, findings(text, names))


def review_reasons(text: str) -> list[str]:
    """Why a redacted text should be read by a person before it is shown (empty when nothing is in doubt)."""
    return person_names.doubts(str(text or ""))
