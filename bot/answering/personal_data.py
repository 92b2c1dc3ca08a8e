"""Spotting personal data in a question, so it can be removed before anything else sees it.

Social workers sometimes type case details ("can Jayden Smith, DOB 03/04/2015, go on a
second plan?"). The practice question is still answered, with the identifying parts replaced
by placeholders, and the asker is asked privately not to put such details in Slack.

Shapes come first (emails, handles, dates, phone, NHS and NI numbers, postcodes, addresses,
estates and flats, schools, record and case references, nicknames and initials beside an age),
names last, so a name finder can use "[date of birth]" as a cue.
Every pattern runs in linear time: each starts only where its first character class begins
(a negative look-behind on that class), and its repeats are possessive or bounded, so no
input makes the engine retry a run from every position.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.answering.aliases import INITIALS, NICKNAME, initials_swaps, mixed_case, nickname_swap
from bot.answering.names import NameFinder
from bot.answering.places import (
    ADDRESS,
    ESTATE,
    FLAT,
    SCHOOL,
    address_valid,
    estate_name,
    school_name,
)
from bot.answering.references import CUED_REFERENCE, REFERENCE, cued_reference, reference

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
)
_UNITS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth"
_ORDINAL_WORD = (
    rf"(?:(?:twenty|thirty)[- ]?(?:{_UNITS})|tenth|eleventh|twelfth|thirteenth|fourteenth"
    rf"|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth|{_UNITS})"
)
_DAY = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?|{_ORDINAL_WORD})"
# A year in words: "twenty fifteen", "twenty-twenty one", "nineteen ninety nine", "twenty oh
# nine", "two thousand and nine". Every part is a fixed word, so nothing backtracks far.
_ONES = "one|two|three|four|five|six|seven|eight|nine"
_UNDER_HUNDRED = (
    r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    rf"|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ]?(?:{_ONES}))?)"
)
_YEAR_WORDS = (
    rf"(?:nineteen|twenty)[- ]?(?:{_UNDER_HUNDRED}|oh?[- ]?(?:{_ONES}))"
    rf"|two[- ]thousand[- ](?:and[- ])?(?:{_UNDER_HUNDRED}|{_ONES})"
)
_YEAR = rf"(?:(?:19|20)\d{{2}}|{_YEAR_WORDS})\b"
_NUMERIC_DATE = (
    r"\d{1,2}(?P<sep>[/.-])\d{1,2}(?P=sep)(?:\d{4}|\d{2})(?![\w/-]|\.\d)|\d{4}-\d{1,2}-\d{1,2}\b"
)
_WORD_DATE = (
    rf"(?:the\s++)?{_DAY}(?:\s++of)?\s++{_MONTH},?\s++{_YEAR}"
    rf"|{_MONTH}\s++(?:the\s++)?{_DAY},?\s++{_YEAR}"
)
# "dob 1.4.15", "born in March 2016", "date of birth: 2015": a birth cue lets a bare month
# and year, or a year alone, count; the cue stays, the date goes.
_BIRTH = re.compile(
    r"(?i)(\b(?:d\.?o\.?b\b\.?|date of birth|born|birthday)"
    r"(?:\s*+(?:[:(-]|\b(?:is|was|on|in|the)\b)){0,3}\s*+)"
    rf"({_WORD_DATE}|(?<![\w/.-])(?:{_NUMERIC_DATE})|{_MONTH},?\s++{_YEAR}|{_YEAR})"
)
_DATE = re.compile(rf"(?i)(?<![\w/.-])(?:{_NUMERIC_DATE})|(?<![\w'’])(?:{_WORD_DATE})")
_NOT_A_DATE_AFTER = re.compile(r"(?i)\b(?:para(?:graph)?|section|s|chapter|page|p|v)\W{0,3}$")

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++")
_AT_HANDLE = re.compile(r"(?<![\w.@])@\w[\w.]*+")
_PLATFORM_HANDLE = re.compile(
    r"(?i)\b(?:snap(?:chat)?|insta(?:gram)?|tik ?tok|facebook|fb|twitter|whatsapp|discord"
    r"|telegram|kik|youtube|threads|handle|user ?name)(?:'s)?"
    r"(?:\s++(?:account|handle|name|username|is|id|page|profile|called|was)\b|\s*+:){0,3}\s++"
    r"(@?[^\W_][\w.]*+)"
)
_UNDERSCORED = re.compile(r"(?<![\w.@])[^\W_]++(?:_[^\W_]*+)++")
_PHONE = re.compile(
    r"(?<![\w+(])(?:(?:\+|00)\s?44\s?(?:\(0\)\s?)?\(?|\(?0)\d(?:[ )-]{0,2}\d){8,9}(?!\d)"
)
_NHS = re.compile(r"(?<!\d)(\d{3})[ .-]?(\d{3})[ .-]?(\d{4})(?!\d)")
_NINO = re.compile(r"(?i)(?<!\w)[a-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[a-d](?!\w)")
_POSTCODE = re.compile(
    r"(?i)(?<!\w)[a-z]{1,2}\d[a-z\d]? ?(?!\d(?:st|nd|rd|th)\b)\d[abd-hjlnp-uw-z]{2}(?!\w)"
)
_RECORD_NUMBER = re.compile(r"(?<![\w.,£$€/-])\d{6,}+(?![\w]|[.,/-]\d)")

PLACEHOLDER = re.compile(
    r"\[(?:email|name|date of birth|date|NHS number|NI number|phone|postcode|address|school"
    r"|handle|reference|case reference)\]"
)


@dataclass(frozen=True)
class Redaction:
    """A question with its identifying parts replaced, and what kinds were found."""

    text: str
    found: tuple[str, ...]  # e.g. ("NHS number", "name with date of birth")

    @property
    def changed(self) -> bool:
        return bool(self.found)


@dataclass(frozen=True)
class _Rule:
    pattern: re.Pattern[str]
    label: str
    placeholder: str
    # Given the match, the text to put in its place, or None to leave the match alone.
    swap: Callable[[re.Match[str], str], str | None] = lambda match, placeholder: placeholder


def _handle(match: re.Match[str], placeholder: str) -> str | None:
    handle = match.group(match.lastindex or 0).rstrip(".")
    if not handle.startswith("@") and not re.search(r"[._\d]", handle):
        return None  # "his snap is private"
    start = match.start(match.lastindex or 0) - match.start()
    return match.group(0)[:start] + placeholder + match.group(0)[start + len(handle) :]


def _date(match: re.Match[str], placeholder: str) -> str | None:
    start = match.start()
    if _NOT_A_DATE_AFTER.search(match.string[max(0, start - 16) : start]):
        return None  # "para 4.3.12"
    parts = re.findall(r"\d+", match.group(0))
    if len(parts) == 3 and len(parts[0]) <= 2:
        first, second = int(parts[0]), int(parts[1])
        if not (1 <= first <= 31 and 1 <= second <= 31 and min(first, second) <= 12):
            return None
    return placeholder


def _birth(match: re.Match[str], placeholder: str) -> str | None:
    date = match.group(2)
    if re.fullmatch(r"\d+\W\d+\W\d+", date) and _date(match, placeholder) is None:
        return None
    return match.group(1) + placeholder


def _address(match: re.Match[str], placeholder: str) -> str | None:
    return placeholder if address_valid(match) else None


def _school(match: re.Match[str], placeholder: str) -> str | None:
    kept = school_name(match)
    return None if kept is None else kept + placeholder


def _estate(match: re.Match[str], placeholder: str) -> str | None:
    kept = estate_name(match)
    return None if kept is None else kept + placeholder


RULES = (
    _Rule(_EMAIL, "email address", "[email]"),
    _Rule(_AT_HANDLE, "social media handle", "[handle]", _handle),
    _Rule(_PLATFORM_HANDLE, "social media handle", "[handle]", _handle),
    _Rule(_UNDERSCORED, "social media handle", "[handle]"),
    _Rule(_BIRTH, "date of birth", "[date of birth]", _birth),
    _Rule(_DATE, "date", "[date]", _date),
    _Rule(_PHONE, "phone number", "[phone]"),
    _Rule(_NHS, "NHS number", "[NHS number]"),
    _Rule(_NINO, "National Insurance number", "[NI number]"),
    _Rule(_POSTCODE, "postcode", "[postcode]"),
    _Rule(ADDRESS, "address", "[address]", _address),
    _Rule(ESTATE, "address", "[address]", _estate),
    _Rule(FLAT, "address", "[address]"),
    _Rule(SCHOOL, "school", "[school]", _school),
    _Rule(CUED_REFERENCE, "case reference", "[reference]", cued_reference),
    _Rule(_RECORD_NUMBER, "record number", "[reference]"),
    _Rule(REFERENCE, "case reference", "[reference]", reference),
)


class PersonalDataGuard:
    """Finds and replaces personal data; `case_patterns` are the authority's own reference
    formats (for example r"\\bCR-?\\d{6}\\b" for a case record number); `glossary_words` are
    the glossary's words, never taken for a child's initials or nickname ("SGO (age 4)").

    The first guard made in a process loads faker's name lists (once, about 0.15 s): the
    composition root makes the guard at start-up, so no question waits for them, and no
    answering thread imports modules while others run."""

    def __init__(
        self, case_patterns: Iterable[str] = (), *, glossary_words: Iterable[str] = ()
    ) -> None:
        self.case_patterns = [re.compile(p, re.I) for p in case_patterns]
        glossary_words = frozenset(glossary_words)
        self._nickname = _Rule(NICKNAME, "name", "[name]", nickname_swap(glossary_words))
        self._initials = tuple(
            _Rule(INITIALS, "initials", "[name]", swap) for swap in initials_swaps(glossary_words)
        )
        self._names = NameFinder()
        self._names.warm_up()

    def redact(self, text: str) -> Redaction:
        found: list[str] = []
        text = unicodedata.normalize("NFC", text)
        rules = [
            *RULES,
            *(_Rule(p, "case reference", "[case reference]") for p in self.case_patterns),
            self._nickname,
            self._initials[0] if mixed_case(text) else self._initials[1],
        ]
        for rule in rules:
            text = _apply(rule, text, found)
        pieces: list[str] = []
        last = 0
        for start, end, label in self._names.find(text):
            pieces += [text[last:start], "[name]"]
            last = end
            if label not in found:
                found.append(label)
        return Redaction("".join([*pieces, text[last:]]), tuple(found))


def _apply(rule: _Rule, text: str, found: list[str]) -> str:
    def swap(match: re.Match[str]) -> str:
        replacement = rule.swap(match, rule.placeholder)
        if replacement is None:
            return match.group(0)
        if rule.label not in found:
            found.append(rule.label)
        return replacement

    return rule.pattern.sub(swap, text)


def _nhs_valid(match: re.Match[str]) -> bool:
    """An NHS number's tenth digit is its modulus-11 check digit. The guard removes every
    NHS-shaped number (a mistyped one still points at one child); this says which are real."""
    digits = [int(d) for d in "".join(match.groups())]
    remainder = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == digits[9]
