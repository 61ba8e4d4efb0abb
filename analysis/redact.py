"""Redaction of personal details from free text, offline, before anything is stored.

Removes NHS numbers (with a valid modulus 11 check digit), UK postcodes, UK phone numbers, email
addresses and names from a list; keeps dates, ward numbers, sums of money, times and other numbers.
Every replaced span is marked, e.g. [NHS number], so a reader sees that something was there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

MARKS = {"nhs": "[NHS number]", "postcode": "[postcode]", "phone": "[phone number]", "email": "[email]",
         "name": "[name]"}

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+", re.ASCII)
# Ten digits as 3-3-4 (single spaces or dashes between the groups, or none), not inside a longer number.
_NHS = re.compile(r"(?<![\d£$€.,/:])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d/:]|[.,]\d)")
# A UK number: +44 or 0044 (optionally with (0)), or a leading 0, then digits with spaces, dashes, brackets.
_PHONE = re.compile(r"(?<![\w+£$€.,/:])(?:(?:\+|00)44[\s-]?(?:\(0\)[\s-]?)?\(?|\(?0)\d(?:[\s\-)]{0,2}\d){8,10}"
                    r"(?![\d/:]|[.,]\d)")
_POSTCODE = re.compile(r"(?<![\w£$€])(?:GIR ?0AA|[A-Z]{1,2}\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})(?!\w)", re.IGNORECASE)


def nhs_number_valid(digits: str) -> bool:
    """True when ten digits carry a valid modulus 11 check digit (weights 10 to 2; 11 reads as 0; 10 is invalid)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    if check == 10:
        return False
    return (0 if check == 11 else check) == int(digits[9])


def _phone(match: re.Match) -> str:
    text = match.group(0)
    digits = re.sub(r"\D", "", text.replace("(0)", ""))
    national = "0" + digits[2:] if text.startswith("+") else "0" + digits[4:] if text.startswith("00") else digits
    if len(national) in (10, 11) and national[1] in "1235789":
        # "(07700 900123, ..." : an opening bracket with no closing one belongs to the sentence
        return "(" + MARKS["phone"] if text.startswith("(") and ")" not in text else MARKS["phone"]
    return text


def _postcode(match: re.Match) -> str:
    text = match.group(0)
    # "B2 4th floor" reads as a place in a building, not a postcode: lower-case ordinals stay.
    if re.search(r"\d(?:st|nd|rd|th)$", text):
        return text
    return MARKS["postcode"]


def _nhs(match: re.Match) -> str:
    return MARKS["nhs"] if nhs_number_valid("".join(match.groups())) else match.group(0)


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


def redact(text: str, names: Iterable[str] | re.Pattern | None = None) -> str:
    """The text with NHS numbers, postcodes, phone numbers, emails and listed names replaced by marks."""
    if not text:
        return text
    out = _EMAIL.sub(MARKS["email"], str(text))
    out = _NHS.sub(_nhs, out)
    out = _PHONE.sub(_phone, out)
    out = _POSTCODE.sub(_postcode, out)
    pattern = names if isinstance(names, re.Pattern) else names_pattern(names or ())
    if pattern is not None:
        out = pattern.sub(MARKS["name"], out)
    return out
