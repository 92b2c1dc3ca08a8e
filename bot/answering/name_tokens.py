"""A question as the name finder reads it: tokens, words, and the cues after a name.

A token is a placeholder an earlier rule left, a word, a number or one punctuation mark, so
"6 y/o" is "6", "y", "/", "o", and the cues are lookups, not patterns. A cue's strength says
how much the words before it must look like a name: "birth" and "strong" (a date of birth,
"(9)", "Yusra 4 y/o") take a word no list knows, "weak" ("aged 8", "is 17", "urgent - 15yo",
"Tommy Richardson's nan") a listed or capitalised one, and "family" ("the Kowalski family") a
surname that is not also an everyday word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A placeholder left by an earlier rule, a word (with inner apostrophes and hyphens), a
# number, or one punctuation mark. Every repeat is possessive: no backtracking.
TOKEN = re.compile(r"\[[A-Za-z ]{1,20}\]|[^\W\d_]++(?:['’-][^\W\d_]++)*+|\d++|[^\w\s]")
_POSSESSIVE = re.compile(r"['’]s?$")
_SURNAME_SHAPE = re.compile(r"(?:[OoDd]['’][^\W\d_]|Ma?c[A-Z]|[AaEe]l-)")
DATE_PLACEHOLDERS = frozenset({"[date of birth]", "[date]"})
_BEFORE_AGE = frozenset({"(", "aged", "age", "is", "-", ","})
_FAMILY = frozenset({"family", "household"})
_CUES = DATE_PLACEHOLDERS | _FAMILY | _BEFORE_AGE | {"dob", "born"}


@dataclass(frozen=True)
class Word:
    start: int
    end: int  # of the name itself: a possessive "'s" stays outside the placeholder
    base: str  # lower case, possessive removed
    title: bool  # "Jayden", "McKenzie"
    upper: bool  # "JAYDEN"
    possessive: bool
    shaped: bool  # written like a surname: "O'Brien", "McKenzie", "Al-Hassan"


def read_word(token: str, start: int) -> Word:
    suffix = _POSSESSIVE.search(token) if len(token) > 2 else None
    base = token[: suffix.start()] if suffix else token
    return Word(
        start,
        start + len(base),
        base.lower(),
        token[0].isupper() and any(c.islower() for c in token[1:]),
        token.isupper() and len(token) > 1,
        suffix is not None,
        _SURNAME_SHAPE.match(token) is not None,
    )


def initial(token: str) -> bool:
    """One capital, not the words "I" and "A"."""
    return len(token) == 1 and token.isupper() and token not in ("I", "A")


def age(token: str) -> bool:
    return token.isdecimal() and len(token) <= 2 and int(token) < 26


def years_old(tokens: list[str], i: int) -> bool:
    """Whether tokens[i:] begin "yo", "y/o", "y.o" or "years old" ("yrs old", "yr old")."""
    first = tokens[i].lower() if i < len(tokens) else ""
    if first == "yo":
        return True
    if first == "y":
        return tokens[i + 1 : i + 2] in (["/"], ["."]) and tokens[i + 2 : i + 3] in (["o"], ["O"])
    return first in ("years", "year", "yrs", "yr") and tokens[i + 1 : i + 2] in (["old"], ["OLD"])


def maybe_cue(token: str) -> bool:
    """A quick test, before the full one, for the many tokens that cannot be a cue."""
    lower = token.lower()
    return token.isdecimal() or lower in _CUES or lower.startswith(("family", "household"))


def cue_after_name(tokens: list[str], i: int, *, relation: bool, after_possessive: bool) -> str:
    """ "birth", "strong", "weak", "family", or "" where token i is no cue. `relation` says
    token i is a relationship word ("nan"), `after_possessive` that the word before it ends in
    "'s"."""
    token = tokens[i]
    lower = token.lower()
    if token in DATE_PLACEHOLDERS or lower in ("dob", "born"):
        return "birth"
    if age(token) and years_old(tokens, i + 1):
        # "Yusra 4 y/o"; but "urgent - 15yo" is a word, a dash, then an age
        return "strong" if i and tokens[i - 1][0].isalpha() else "weak"
    if _POSSESSIVE.sub("", lower) in _FAMILY:
        return "family"
    if lower not in _BEFORE_AGE and not relation:
        return ""
    nxt = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
    if token == "(":
        after = tokens[i + 2] if i + 2 < len(tokens) else ""
        if age(nxt) and (after == ")" or years_old(tokens, i + 2)):
            return "strong"  # "(9)", "(6 y/o)"
        return "strong" if nxt in ("dob", "year", "aged") else ""
    if lower in _BEFORE_AGE and age(nxt):
        return "weak"
    return "weak" if relation and after_possessive else ""
