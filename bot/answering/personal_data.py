"""Spotting personal data in a question, so it can be removed before anything else sees it.

Social workers sometimes type case details ("can Jayden Smith, DOB 03/04/2015, go on a
second plan?"). The practice question is still answered, with the identifying parts replaced
by placeholders, and the asker is asked privately not to put such details in Slack.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# A date of birth: "DOB 03/04/2015", "born 3.4.15", "d.o.b: 2015-04-03", "born 3 April 2015".
_MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_DATE = (
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\s+\d{{2,4}}"
)
_DOB_TEXT = rf"(?i:\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\s*:?\s*(?:{_DATE}))"
_DOB = re.compile(_DOB_TEXT)
# A capitalised full name (two or three words) typed just before a date of birth.
_NAME = r"(?:[A-Z][a-z'’-]+\s+){1,2}[A-Z][a-z'’-]+"
_NAME_NEAR_DOB = re.compile(rf"\b{_NAME}\b(?=[\s,()]*{_DOB_TEXT})")
_NHS = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
_NINO = re.compile(
    r"\b(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b",
    re.I,
)
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I)
_PHONE = re.compile(r"(?<![\w+])(?:\+44\s?\(?0?\)?\s?|0)\d(?:[\s-]?\d){8,9}(?!\d)")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
PLACEHOLDER = re.compile(
    r"\[(?:email|name|date of birth|NHS number|NI number|phone|postcode|case reference)\]"
)


@dataclass(frozen=True)
class Redaction:
    """A question with its identifying parts replaced, and what kinds were found."""

    text: str
    found: tuple[str, ...]  # e.g. ("NHS number", "name with date of birth")

    @property
    def changed(self) -> bool:
        return bool(self.found)


class PersonalDataGuard:
    """Finds and replaces personal data; `case_patterns` are the authority's own reference
    formats (for example r"\\bCR-?\\d{6}\\b" for a case record number)."""

    def __init__(self, case_patterns: Iterable[str] = ()) -> None:
        self.case_patterns = [re.compile(p, re.I) for p in case_patterns]

    def redact(self, text: str) -> Redaction:
        found: list[str] = []

        def replace(
            pattern: re.Pattern[str], label: str, placeholder: str, text: str, valid: object = None
        ) -> str:
            def swap(match: re.Match[str]) -> str:
                if callable(valid) and not valid(match):
                    return match.group(0)
                if label not in found:
                    found.append(label)
                return placeholder

            return pattern.sub(swap, text)

        text = replace(_EMAIL, "email address", "[email]", text)
        text = replace(_NAME_NEAR_DOB, "name with date of birth", "[name]", text)
        text = replace(_DOB, "date of birth", "[date of birth]", text)
        text = replace(_NHS, "NHS number", "[NHS number]", text, _nhs_valid)
        text = replace(_NINO, "National Insurance number", "[NI number]", text)
        text = replace(_PHONE, "phone number", "[phone]", text)
        text = replace(_POSTCODE, "postcode", "[postcode]", text)
        for pattern in self.case_patterns:
            text = replace(pattern, "case reference", "[case reference]", text)
        return Redaction(text, tuple(found))


def _nhs_valid(match: re.Match[str]) -> bool:
    """An NHS number's tenth digit is its modulus-11 check digit."""
    digits = [int(d) for d in "".join(match.groups())]
    remainder = sum(d * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 11 - remainder
    if check == 11:
        check = 0
    return check != 10 and check == digits[9]
