"""Street addresses and school names: a shape found by a pattern, then judged word by word.

"14 Acacia Avenue" and "flat 3, 22 Mill Lane" are a house number, up to three words and a
street word. A street word that is also an everyday word ("Close", "Way", "Park") counts only
when written with a capital, so "16 and close to 17" stays. "Parkside Primary" and "St Mary's
C of E" are up to three words before a school word; the words kept are those that name a
school, not describe one ("the virtual school", "his new school" stay).
"""

from __future__ import annotations

import re

from bot.answering import name_words as w
from bot.answering.names import lexicon
from bot.text import stopwords


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PLAIN_STREETS = (
    "road|rd|street|avenue|ave|lane|drive|terrace|crescent|grove|gardens|gdns|mews|parade"
    "|boulevard|heights|meadows|wharf|quay|croft|vale"
)
_EVERYDAY_STREETS = "close|way|court|place|walk|row|rise|view|hill|park|green|bank|square|fold|st"
ADDRESS = re.compile(
    r"(?i)(?:\b(?:flat|apartment|apt|unit|room|studio)\s++\d{1,4}[a-z]?\b,?\s++)?"
    r"(?<![\w.,/£$-])\d{1,4}[a-z]?\b,?\s++((?:[^\W\d_][\w'’-]*+\s++){1,3}?)"
    rf"({_PLAIN_STREETS}|{_EVERYDAY_STREETS})\b\.?"
)
_NOT_STREET_NAMES = frozenset(
    {"days", "weeks", "months", "years", "hours", "minutes", "times", "children", "kids"}
    | {"siblings", "visits", "working"}
)
SCHOOL = re.compile(
    r"(?i)(?<![\w'’.-])((?:[^\W\d_][\w'’.-]*+\s++){1,3}?)"
    r"(primary|academy|school|high|juniors?|infants?|nursery|college|c\s?of\s?e|cofe)\b(?![-'’])"
    r"(?:\s++(?:primary|junior|infant|high|secondary|nursery)\b)?"
    r"(?:\s++(?:school|academy|college)\b)?"
)

# "the Broadwater Estate", "Ravenscroft Court", "Marlowe Towers": one to three capitalised
# words before a word for a block or an estate, judged in `estate_name`; "kingsmead estate"
# in lower case too, where its words are not everyday ones. Never "Court of Protection".
_ESTATE_KINDS = "estate|house|court|towers?|flats|block|close|mansions|lodge|buildings|heights"
ESTATE = re.compile(
    r"(?i)(?<![\w'’.-])((?:[^\W\d_][\w'’.-]*+\s++){1,3}?)"
    rf"({_ESTATE_KINDS})\b(?![-'’])(?!\s++of\b)"
)
# "flat 14", "Flat 6B", "apartment 3", "Block D", "block 4"; not "a flat 2 weeks ago".
FLAT = re.compile(
    r"(?i)\b(?:flat|apartment|apt|block)\.?\s*+(?:no\.?\s*+)?(?:\d{1,4}+[a-z]?|(?-i:[A-Z]))\b"
    r"(?!\s*+(?:weeks?|days?|months?|years?|yrs?|hours?|hrs?|mins?|minutes?|times|miles"
    r"|sessions|visits|nights|placements|%))"
)
# Kinds that name a place in lower case too, after capitalised words ("the Kingsway flats");
# not "house" or "court" ("a Leeds house", "the Sheffield court").
_LOWER_KINDS = frozenset({"estate", "flats", "tower", "towers", "mansions", "heights"})
_TITLE_JOIN = re.compile(r"[A-Z][\w'’]*+\s++(?:and|&|of|for)\s*+$")
_INSTITUTIONS = _words(
    """
    appeal bail care children's civil coroner's coroners council county criminal crown
    district family halfway high juvenile magistrates magistrates' open parliament refuge
    respite royal safe supreme white youth wendy
    """
)
# Before a lower-case "estate": words that describe an estate, not name one.
_ESTATE_DESCRIPTIONS = _words(
    """
    business council country deprived estate family's housing industrial large local new
    notorious old posh private real residential retail rough rural same small social
    trading whole
    """
)


def address_valid(match: re.Match[str]) -> bool:
    words = match.group(1).split()
    street = match.group(2)
    if any(word.lower() in stopwords() or word.lower() in _NOT_STREET_NAMES for word in words):
        return False
    if any(word.lower() in w.PRACTICE for word in words):
        return False
    if re.fullmatch(_PLAIN_STREETS, street, re.I):
        return True
    if street.isupper():
        return all(word.isupper() for word in words)  # "3 HILL VIEW" in a shouted question
    return street[0].isupper() and all(word[0].isupper() for word in words)  # "7 Rowan Close"


def school_name(match: re.Match[str]) -> str | None:
    """The text before the school's name (kept), or None where no word names a school."""
    words = match.group(1).split()
    kind = match.group(2)
    capitals = kind[0].isupper()
    taken = 0
    for word in reversed(words):
        if not _names_a_school(word, capitals):
            break
        taken += 1
    if not taken:
        return None
    kept = words[: len(words) - taken]
    return " ".join(kept) + " " if kept else ""


def _names_a_school(word: str, capitals: bool) -> bool:
    lower = word.lower()
    if lower in w.SCHOOL_KINDS or lower in stopwords() or lower in w.PRACTICE:
        return False
    if capitals and word[0].isupper():
        return True  # "Hillside Juniors", "St Mary's C of E", "ST JOHN'S ACADEMY"
    lex = lexicon()
    bare = re.sub(r"['’]s$", "", lower)
    if bare in lex.ordinary or lower.endswith(("ed", "ing", "ly")):
        return False
    return not (bare.endswith("s") and bare[:-1] in lex.everyday)


def estate_name(match: re.Match[str]) -> str | None:
    """The text before the estate's or block's name (kept), or None where no word names one
    (a court, "the House of Lords", "on the estate", "the council estate")."""
    words = match.group(1).split()
    kind = match.group(2)
    taken = 0
    for word in reversed(words):
        if not _names_an_estate(word, kind):
            break
        taken += 1
    if not taken or (kind.islower() and kind not in _LOWER_KINDS):
        return None
    kept = words[: len(words) - taken]
    # The last 40 characters only: a search over a long run of capitals would be quadratic.
    before = (match.string[max(0, match.start() - 40) : match.start()] + " ".join(kept))[-40:]
    if _TITLE_JOIN.search(before):
        return None  # "Family Drug and Alcohol Court": an organisation's title
    return " ".join(kept) + " " if kept else ""


def _names_an_estate(word: str, kind: str) -> bool:
    lower = word.lower()
    bare = re.sub(r"['’]s$", "", lower)
    if lower in stopwords() or bare in w.PRACTICE or bare in w.RELATIONS:
        return False
    if bare in _INSTITUTIONS or lower in _ESTATE_DESCRIPTIONS:
        return False
    if kind.isupper():
        return word.isupper()  # "BROADWATER ESTATE" in a shouted question
    if kind[0].isupper() or word[0].isupper():
        return word[0].isupper() and not word.isupper()  # "Park Hill flats"
    if kind != "estate" or lower.endswith(("ed", "ing", "ly")):
        return False
    return lower not in lexicon().ordinary  # "the kingsmead estate"
