"""Dates written in a document's text: "This chapter was updated in March 2025", "Amended
October 2024", "Review date: 1 May 2027", "Next review: June 2026", "Last updated: 12 Feb 2025".

Procedure manuals say when they were last changed and when they are due for review in their
text far more often than in any metadata; a page without these is "undated"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
# "1 May 2027", "1st May 2027", "May 2027", "2027-05-01", "01/05/2027" (UK order).
DATE = (
    rf"(?:(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+)?(?P<month>{_MONTH})\.?,?\s+(?P<year>(?:19|20)\d\d)"
    r"|(?P<iy>(?:19|20)\d\d)-(?P<im>\d\d)-(?P<id>\d\d)"
    r"|(?P<sd>\d{1,2})/(?P<sm>\d{1,2})/(?P<sy>(?:19|20)\d\d)"
)
_DATE = re.compile(DATE, re.I)
_REVIEWED = re.compile(
    r"\b(?:last\s+)?(?:updated|amended|reviewed|revised|published|issued|approved)"
    rf"\b[^.\n]{{0,60}}?(?:{DATE})",
    re.I,
)
_DUE = re.compile(
    r"\b(?:review\s+date|next\s+review(?:\s+date)?|review\s+due|due\s+for\s+review|"
    rf"to\s+be\s+reviewed(?:\s+by)?)\b[^.\n]{{0,20}}?(?:{DATE})",
    re.I,
)
DATE_LINE_WORDS = 24  # a line this short that holds such a date is about the document


@dataclass(frozen=True)
class TextDates:
    reviewed: dt.date | None = None  # when the document was last changed or reviewed
    review_due: dt.date | None = None
    only_dates: bool = False  # the text says nothing else: drop it from the passages


def find_dates(text: str) -> TextDates:
    """The dates a line or paragraph states about its document, if it states any."""
    due = _DUE.search(text)
    reviewed = _REVIEWED.search(text)
    if not (due or reviewed):
        return TextDates()
    rest = text
    for match in (m for m in (due, reviewed) if m):
        rest = rest.replace(match.group(0), " ")
    leftover = re.sub(r"[\W_]+", " ", rest).split()
    only = len(text.split()) <= DATE_LINE_WORDS and len(leftover) <= 8
    return TextDates(
        reviewed=_date(reviewed) if reviewed else None,
        review_due=_date(due) if due else None,
        only_dates=only,
    )


def first_full_date(text: str) -> dt.date | None:
    """The first date with a day in it (a letter's date line: "14 March 2024")."""
    for match in _DATE.finditer(text):
        if match.group("day") or match.group("iy") or match.group("sd"):
            return _date(match)
    return None


def _date(match: re.Match[str]) -> dt.date | None:
    g = match.groupdict()
    try:
        if g.get("month"):
            return dt.date(int(g["year"]), _MONTHS[g["month"].lower()], int(g["day"] or 1))
        if g.get("iy"):
            return dt.date(int(g["iy"]), int(g["im"]), int(g["id"]))
        if g.get("sy"):
            return dt.date(int(g["sy"]), int(g["sm"]), int(g["sd"]))
    except ValueError:  # "31 February": not a date
        return None
    return None
