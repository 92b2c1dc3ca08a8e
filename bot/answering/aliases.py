"""Initials and nicknames beside an age: "KB (age 9)", "J.T. aged 7", '"Bubba" (6)'.

Staff told to anonymise often write a child's initials, or the name the family uses, and
still give the age. Two or three capitals are initials only beside an age or a date of birth,
and only when they are not a practice acronym: the glossary's terms, the practice shorthand
the name finder knows ("CP", "CIN", "LAC", "IRO", "PLO", "SGO") and a few more kept here, so
"a YP aged 17" and "SGO (age 4)" stay.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bot.answering import name_words as w
from bot.text import stopwords


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


Swap = Callable[[re.Match[str], str], str | None]

_AGE = r"(?:1?\d|2[0-5])(?!\d)"
_YEARS_OLD = r"(?:y\s?/\s?o|y\.o\.?|yo|yrs?\s++old|years?\s++old)\b"
# What follows a person and says it is one: "(9)", "(age 9)", "(9 y/o)", "aged 9", ", 14,",
# "10yo", "9yrs", "5 years old", "is 9" (not "is 2 weeks"), "dob", "[date of birth]" (left by
# the date rules).
AGE_AFTER = (
    rf"(?:\s*+\(\s*+(?:aged?\s*+)?{_AGE}\s*+(?:{_YEARS_OLD}|yrs?\b|years?\b)?\s*+\)"
    rf"|,?\s*+\(?aged?\s*+{_AGE}"
    rf"|\s*+[,-]\s*+{_AGE}\s*+[,)-]"
    rf"|\s*+{_AGE}\s*+(?:{_YEARS_OLD}|yrs?\b)"
    rf"|\s++is\s++{_AGE}\b(?!\s*+(?:weeks?|days?|months?|hours?|hrs?|mins?|minutes?|%))"
    r"|\s*+\(?\s*+(?:d\.?o\.?b\b|\[date(?: of birth)?\]))"
)
INITIALS = re.compile(rf"(?<![\w.'’&/-])([A-Z](?:\.?[A-Z]){{1,2}}\.?)(?![\w'’&/-])(?={AGE_AFTER})")
# Bounded: a nickname is short, and an unbounded word would let every quote mark in a long
# run of "'a-'a-'a-" scan to the end of the text.
_QUOTED_WORD = r"[^\W\d_][\w-]{0,24}+(?:['’][\w-]{1,24}+)?+"
NICKNAME = re.compile(
    rf"(?<![\w'’])([\"“'‘]){_QUOTED_WORD}(?:\s{_QUOTED_WORD}){{0,2}}[\"”'’](?={AGE_AFTER})"
)
# Capitals staff write beside an age that are not the name finder's practice words: needs,
# services and roles ("a child with ASD aged 7", "FC (64)"), and words typed in capitals.
_ACRONYMS = _words(
    """
    adhd add aka am ap asc asd atm bbc csc cyp dm dna eu fasd fc gp hq hr ict id ifa it la las
    lol mld mp nb ocd odd ok omg pc pcso pd pda pe pm pmld ps rip semh sld slcn ss ssd tv uk
    usa vs wnb yjs yo yos yr
    """
)


def initials_swaps(acronyms: Iterable[str]) -> tuple[Swap, Swap]:
    """The swaps for INITIALS in a question that uses capitals as sentences do, and in one
    typed in capitals, where "HE WAS BORN ON [date]" holds words, not initials. `acronyms`
    are the glossary's words, kept beside an age."""
    known = frozenset(a.lower() for a in acronyms) | _ACRONYMS | w.PRACTICE | w.RELATIONS
    return _initials_swap(known), _initials_swap(known | stopwords() | w.lexicon().ordinary)


def _initials_swap(known: frozenset[str]) -> Swap:
    def swap(match: re.Match[str], placeholder: str) -> str | None:
        return None if match.group(1).replace(".", "").lower() in known else placeholder

    return swap


def nickname_swap(vocabulary: Iterable[str]) -> Swap:
    """The swap for NICKNAME: a quoted practice term ("'cuckooing' (aged 16)", the glossary's
    `vocabulary`) is not a child's nickname."""
    known = frozenset(v.lower() for v in vocabulary) | w.PRACTICE | stopwords()

    def swap(match: re.Match[str], placeholder: str) -> str | None:
        words = re.findall(r"[^\W\d_][\w'’-]*", match.group(0).lower())
        if all(word in known for word in words) or any(
            len(word) > 5 and word.endswith(("ing", "ed")) for word in words
        ):
            return None
        return placeholder

    return swap


def mixed_case(text: str) -> bool:
    """Written in mixed case, so capitals say something (the name finder's test)."""
    upper = sum(map(str.isupper, text))
    return 0 < 2 * upper < sum(map(str.islower, text))
