"""People's names in free text, found without a list of the people: titles, roles, context and a name lexicon.

The lexicon is the first names and surnames that Faker (MIT licence, installed from PyPI) ships for the
locales whose names are common in England; nothing is downloaded. A word that is also ordinary English
("will", "may", "hope", "grace", "Green", "Long") counts as a name only with a title, a role word, a
"thanks to" or another name beside it. Words before a place word ("St James's Hospital", "Victoria Ward")
are places, not people.
"""

from __future__ import annotations

import functools
import importlib
import re
import unicodedata
from dataclasses import dataclass

from analysis.ingest import person_words as words

# Faker's person providers for the names most often met in English health services.
LOCALES = ("en", "en_GB", "en_IE", "en_US", "en_IN", "en_PK", "en_NG", "yo_NG", "ig_NG", "ha_NG", "tw_GH", "en_KE",
           "pl_PL", "ro_RO", "lt_LT", "pt_PT", "it_IT", "es_ES", "fr_FR", "de_DE", "tr_TR", "ga_IE", "sw")

_TOKEN = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*(?:-[^\W\d_]+)*")
_NUMBER_NEXT = re.compile(r"\s*\d")  # "Ward 19", "May 2024": a number after a word makes it a place or date
_PREFIXED = re.compile(r"(?:al|el|de|da|di|du|van|von|bin|ibn|mc|mac|o)['’-]?[A-Z]")  # al-Hakim, de'Ath
_GAP_COMMA = re.compile(r",?\s+")
_GAP = re.compile(r"\s+|\.\s*|\s*&\s*")  # what may stand between the words of one name ("J. Smith")


@functools.cache
def lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """Lower-case first names and surnames from Faker's person providers (letters only, two or more)."""
    firsts: set[str] = set()
    lasts: set[str] = set()
    for locale in LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr, into in (("first_names", firsts), ("first_names_male", firsts), ("first_names_female", firsts),
                           ("last_names", lasts)):
            value = vars(provider).get(attr)
            if isinstance(value, dict | tuple | list | set | frozenset):
                into.update(str(v).lower() for v in value)
    keep = re.compile(r"[^\W\d_]{2,}(?:['’-][^\W\d_]+)*")

    def cleaned(names: set[str]) -> frozenset[str]:
        kept = {n for n in names if keep.fullmatch(n)}
        return frozenset(kept | {fold(n) for n in kept}) - words.NOT_NAMES  # Siobhán and Siobhan

    return cleaned(firsts), cleaned(lasts)


def fold(word: str) -> str:
    """The word without accents (é to e), as people often type names."""
    return unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode() or word


@dataclass(frozen=True)
class Token:
    """A word of the text: where it is, its lower-case form without a possessive 's, and how it looks."""

    start: int
    end: int
    lower: str
    cap: bool
    initial: bool  # the first word of a sentence or line


def tokens(text: str) -> list[Token]:
    """The words of a text, each with its possessive ('s) left outside its span."""
    found = []
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        word = match.group(0)
        if len(word) > 3 and word[-2] in "'’" and word[-1] in "sS":
            end -= 2
            word = word[:-2]
        before = text[max(start - 12, 0):start].rstrip(" \t\"“‘'(*•")
        initial = not before or before[-1] in ".!?:;\n-–—"
        cap = word[:1].isupper() or _PREFIXED.match(word) is not None
        found.append(Token(start, end, word.lower().replace("’", "'"), cap, initial))
    return found


def _adjacent(text: str, a: Token, b: Token) -> bool:
    """Whether two words stand together as parts of one name (a space, or the full stop of an initial or title)."""
    gap = text[a.end:b.start]
    short = a.end - a.start == 1 or a.lower in words.SHORT_TITLES
    return gap.isspace() or (short and _GAP.fullmatch(gap) is not None)


def _namey(tok: Token, firsts: frozenset[str], lasts: frozenset[str], after_title: bool) -> bool:
    """A word that can be (part of) a name where the context says a name stands here."""
    known = tok.lower in firsts or tok.lower in lasts
    if after_title and tok.cap and known and tok.lower not in words.TITLES:  # Dr Hall, Sister Ward
        return True
    if _never(tok):
        return False
    if tok.cap:
        return known or tok.lower not in words.ordinary() or (after_title and len(tok.lower) == 1)
    return after_title and known and tok.lower not in words.ordinary()


def _marked(text: str, toks: list[Token], taken: list[tuple[int, int]]) -> list[bool]:
    firsts, lasts = lexicon()
    n = len(toks)
    name = [False] * n
    free = _outside(toks, sorted(taken))
    for i, tok in enumerate(toks):
        if not free[i]:
            continue
        prev = toks[i - 1].lower if i else ""
        prev2 = toks[i - 2].lower if i > 1 else ""
        strong_title = tok.lower in words.TITLES and (tok.cap or tok.lower in words.SHORT_TITLES)
        if strong_title:  # Dr Patel, Mrs Joan Hughes, Nurse Kelly, Sister O'Brien
            j = i + 1
            while j < n and j <= i + 4 and free[j] and _adjacent(text, toks[j - 1], toks[j]) \
                    and not _NUMBER_NEXT.match(text, toks[j].end):
                particle = toks[j].lower in words.PARTICLES and j + 1 < n and toks[j + 1].cap
                if not (particle or _namey(toks[j], firsts, lasts, after_title=True)):
                    break
                name[j] = True
                j += 1
            if j > i + 1 and toks[j - 1].lower in words.PARTICLES:  # a name never ends with "van"
                name[j - 1] = False
            continue
        role = prev in words.ROLES or (prev in ("is", "was") and prev2 == "name") or prev == "name's"
        if role and i and _adjacent(text, toks[i - 1], tok) and _namey(tok, firsts, lasts, after_title=False) \
                and (tok.cap or ((tok.lower in firsts or tok.lower in lasts) and tok.lower not in words.ordinary())):
            name[i] = True
            continue
        if tok.cap and tok.lower not in words.ordinary() and (tok.lower in firsts or tok.lower in lasts):
            name[i] = True
    _extend(text, toks, name, free, firsts, lasts)
    _drop_places(text, toks, name)
    return name


def _outside(toks: list[Token], taken: list[tuple[int, int]]) -> list[bool]:
    """For each word, whether it lies outside every span already taken (both lists in text order)."""
    free, k = [], 0
    for tok in toks:
        while k < len(taken) and taken[k][1] <= tok.start:
            k += 1
        free.append(not (k < len(taken) and taken[k][0] < tok.end))
    return free


def _extend(text: str, toks: list[Token], name: list[bool], free: list[bool],
            firsts: frozenset[str], lasts: frozenset[str]) -> None:
    """Grow names to the words beside them (Joan Hughes, Sarah O'Brien) and take up ambiguous first names in context."""
    n = len(toks)
    for i, tok in enumerate(toks):  # "thanks to Will", "ask for Grace", "Hope and Sarah"
        lower_name = not tok.cap and tok.lower in firsts and tok.lower not in words.ordinary()  # "thanks to siobhan"
        if name[i] or not free[i] or not (tok.cap or lower_name) or tok.lower in words.KNOWN \
                or (tok.lower not in firsts and tok.lower in words.ordinary()) \
                or (tok.initial and (tok.lower in words.ordinary() or not _at_work(text, toks, i))):
            continue
        prev = toks[i - 1].lower if i else ""
        asked_for = prev == "for" and i > 1 and toks[i - 2].lower in ("ask", "asked", "asking")
        word = text[tok.start:tok.end]
        known = tok.lower in firsts or tok.lower in lasts
        thanked = (prev in words.THANKS and (prev != "to" or (i > 1 and toks[i - 2].lower in words.THANKERS))) \
            or (prev in words.THANKS_IF_KNOWN and known)
        context = thanked or asked_for or ((tok.cap or lower_name) and _at_work(text, toks, i))
        if context and tok.lower not in words.MONTHS and not _never(tok) \
                and not _NUMBER_NEXT.match(text, tok.end) and not (word.isupper() and len(word) <= 5):
            name[i] = True
    # Two sweeps, rightwards then leftwards, so a run grows from any of its words in linear time.
    for order, step in ((range(n), 1), (range(n - 1, -1, -1), -1)):
        for i in order:
            if name[i]:
                _grow(text, toks, name, free, firsts, lasts, i, step)


def _grow(text: str, toks: list[Token], name: list[bool], free: list[bool],
          firsts: frozenset[str], lasts: frozenset[str], i: int, step: int) -> None:
    """Mark the word beside a name (one step right or left) when it reads as part of it, or a name after 'and'."""
    j, n = i + step, len(toks)
    if not 0 <= j < n or name[j] or not free[j]:
        return
    a, b = (toks[j], toks[i]) if j < i else (toks[i], toks[j])
    other = toks[j]
    if _adjacent(text, a, b) and other.cap and not _never(other) \
            and (other.lower not in words.ordinary() or (j < i and other.lower in firsts)
                 or (j > i and other.lower in lasts)):
        name[j] = True
    elif other.lower == "and" and 0 <= j + step < n:  # Sarah and Grace
        k = j + step
        if not name[k] and free[k] and toks[k].cap and not toks[k].initial and not _never(toks[k]) \
                and (toks[k].lower in firsts or toks[k].lower not in words.ordinary()):
            name[k] = True


def _at_work(text: str, toks: list[Token], i: int) -> bool:
    """A word followed by where someone works or what they do: "Gurpreet in the pharmacy", "Marek the porter"."""
    after = [t.lower for t in toks[i + 1:i + 4]]
    if len(after) >= 2 and after[0] in ("on", "in", "at", "from") and after[1] == "the":
        after = [after[0], *after[2:]]
    if len(after) >= 2 and after[0] in ("on", "in", "at", "from"):
        return after[1] in words.WORKPLACES
    return len(after) >= 2 and after[0] in ("the", "our", "my") and after[1] in words.ROLES \
        and _GAP_COMMA.fullmatch(text[toks[i].end:toks[i + 1].start]) is not None


def _never(tok: Token) -> bool:
    """Words never taken as part of a name: titles, role and service words, words of place names."""
    return tok.lower in words.TITLES or tok.lower in words.NEVER_NAMES or tok.lower in words.PLACE_AFTER \
        or tok.lower in words.PLACE_BEFORE


def _drop_places(text: str, toks: list[Token], name: list[bool]) -> None:
    """Unmark runs of words that name a place: before Hospital, Ward, Street...; after St, Royal, Queen..."""
    i, n = 0, len(toks)
    while i < n:
        if not name[i]:
            i += 1
            continue
        j = i
        while j + 1 < n and name[j + 1]:
            j += 1
        after = toks[j + 1] if j + 1 < n and _adjacent(text, toks[j], toks[j + 1]) else None
        before = toks[i - 1] if i and _adjacent(text, toks[i - 1], toks[i]) else None
        if (after is not None and after.cap and after.lower in words.PLACE_AFTER) or \
                (before is not None and before.cap and before.lower in words.PLACE_BEFORE):
            name[i:j + 1] = [False] * (j + 1 - i)
        i = j + 1


def name_spans(text: str, taken: list[tuple[int, int]] = ()) -> list[tuple[int, int]]:
    """Where people's names are in the text (outside the spans already taken), one span per name."""
    toks = tokens(text)
    name = _marked(text, toks, list(taken))
    spans: list[tuple[int, int]] = []
    for i, tok in enumerate(toks):
        if not name[i]:
            continue
        if spans and i and name[i - 1] and _adjacent(text, toks[i - 1], tok):
            spans[-1] = (spans[-1][0], tok.end)
        else:
            spans.append((tok.start, tok.end))
    return spans


def doubts(text: str) -> list[str]:
    """Words in a redacted text that could still be a name: capitalised words it could not place, and
    ordinary words used as names ("Grace") or words after a title that are not in the lexicon."""
    firsts, lasts = lexicon()
    toks = tokens(text)
    found: list[str] = []
    for i, tok in enumerate(toks):
        word = text[tok.start:tok.end]
        if text[max(tok.start - 1, 0):tok.start] == "[":  # a mark such as [name]
            continue
        prev = toks[i - 1] if i else None
        after_title = prev is not None and prev.lower in words.TITLES and _adjacent(text, prev, tok)
        if not tok.cap:
            if after_title and prev.lower in words.SHORT_TITLES and tok.lower not in words.ordinary():
                found.append(f"'{word}' after '{text[prev.start:prev.end]}' could be a name")
            elif tok.lower in firsts and tok.lower not in words.ordinary() and len(tok.lower) > 2:
                found.append(f"'{word}' could be a name written in lower case")
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) and _adjacent(text, tok, toks[i + 1]) else None
        if tok.initial and not after_title and (nxt is None or nxt.lower not in words.PERSON_VERBS):
            continue
        if word.isupper() and len(word) <= 5:  # A&E, GP, NHS, ICU
            continue
        in_place = (nxt is not None and nxt.cap and nxt.lower in words.PLACE_AFTER) or \
                   (prev is not None and prev.cap and prev.lower in words.PLACE_BEFORE and _adjacent(text, prev, tok))
        if in_place or tok.lower in words.KNOWN or tok.lower in words.PLACE_AFTER:
            continue
        if tok.lower in firsts and tok.lower in words.ordinary() and tok.lower not in words.MONTHS:
            found.append(f"'{word}' could be a name")
        elif tok.lower not in words.ordinary() and tok.lower not in firsts and tok.lower not in lasts:
            found.append(f"'{word}' is a capitalised word the detector could not place")
    return list(dict.fromkeys(found))
