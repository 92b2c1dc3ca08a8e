"""Case and record references: a code that points at one child's file on the council's system.

Two shapes, with no pattern configured. A cue word ("ref", "id", "case", "Mosaic", "LCS",
"EHM", "file no.") then a code with four or more digits: "LCS id 45877", "case no.
2023-0042187", "EHM ref EH-55120". Or a code that is a reference by its look alone: letters
and digits joined by slashes or dashes ("CR/2024/0457", "SC-23-004512", "2024/11872"), or a
few letters run into four or more digits ("QF88214"). What such a shape can also be is kept:
a year, a range of years or numbers ("2023-24", "16-19", "100-200"), "post-2014", and the
numbers of legislation and sections ("SI 2010/959", "s.31(2)(a)"). The whole code goes and
the cue stays, so "case [reference]" still reads as a question.
"""

from __future__ import annotations

import re

# A cue alone says a code follows; a weak cue ("file", "crime") only with "no." or "number".
_STRONG_CUES = (
    r"ref(?:erence)?s?|case|ids?|mosaic|lcs|ehm|eclipse|liquidlogic|carefirst|pid|urn|upn|crn"
)
_WEAK_CUES = r"record|file|crime|incident|log"
_JOIN = (
    r"(?:\s*+(?:(?:nos?|num(?:ber)?s?|ref(?:erence)?s?|ids?|case|record|file|is|was)\b\.?"
    r"|[:#=]))"
)
_CODE = r"[^\W_]++(?:[/-][^\W_]++)*+"
CUED_REFERENCE = re.compile(
    rf"(?i)\b((?:(?:{_STRONG_CUES})\b\.?{_JOIN}{{0,3}}|(?:{_WEAK_CUES})\b{_JOIN}{{1,3}})\s*+)"
    rf"({_CODE})"
)
# Words, then the first part with a digit, then any parts: a hyphenated word with no digit
# ("well-being") fails at once, without a call to judge it.
REFERENCE = re.compile(
    r"(?<![\w/.,:£$€#-])(?:(?:[^\W\d_]++[/-])++[^\W\d_]*+\d[^\W_]*+(?:[/-][^\W_]++)*+"
    r"|[^\W\d_]*+\d[^\W_]*+(?:[/-][^\W_]++)++|[^\W\d_]{1,4}+\d{4,}+[^\W\d_]?+)(?!_)"
)
# "SI 2010/959", "para 4-12", "s.17/2": numbers of legislation, not of a child's file.
_LEGISLATION_BEFORE = re.compile(
    r"(?i)\b(?:s\.?\s?i\.?|no\.?|reg(?:ulation)?s?\.?|sections?|ss?\.?|para(?:graph)?s?\.?"
    r"|art(?:icle)?s?\.?|chapter|c\.|pages?|pp?\.?|rule|isbn|issn|version|v)\s*+$"
)
_YEAR = re.compile(r"(?:19|20)\d\d")


def cued_reference(match: re.Match[str], placeholder: str) -> str | None:
    code = match.group(2)
    if _digits(code) < 4 or not _code(code, cued=True):
        return None
    return match.group(1) + placeholder


def reference(match: re.Match[str], placeholder: str) -> str | None:
    if _digits(match.group(0)) < 4:
        return None
    before = match.string[max(0, match.start() - 12) : match.start()]
    if _LEGISLATION_BEFORE.search(before):
        return None
    return placeholder if _code(match.group(0), cued=False) else None


def _digits(code: str) -> int:
    return sum(c.isdigit() for c in code)


def _code(code: str, *, cued: bool) -> bool:
    """Whether a run of letters, digits, slashes and dashes is a reference, not a year, a
    range, a date's neighbour or a word with a year ("post-2014")."""
    parts = re.split(r"[/-]", code)
    numeric = [p for p in parts if p.isdecimal()]
    years = [p for p in numeric if _YEAR.fullmatch(p)]
    if len(numeric) == len(parts) and years and all(p in years or len(p) == 2 for p in parts):
        return False  # "2023-24", "2019/2020": a span of years
    if _digits(code) - 4 * min(len(years), 1) < (1 if cued else 3):
        return False  # "LCS 2024", "post-2014", "Q3-2024"; a cue makes "ref 2024/7" enough
    if cued or len(numeric) < len(parts) or len(parts) > 2:
        return True
    # Two numbers: a range or a fraction ("100-200", "1000/1500") unless one is long, has a
    # leading zero, or follows a year ("2024/0457", "2024/11872").
    first, second = parts
    return (
        max(len(first), len(second)) >= 5
        or any(p.startswith("0") and len(p) >= 3 for p in parts)
        or (bool(_YEAR.fullmatch(first)) and len(second) >= 3)
    )
