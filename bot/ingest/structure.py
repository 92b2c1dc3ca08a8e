"""Structure recovery shared by every reader: which lines are headings, list items, contents
entries or site clutter, however the document marks them.

Real procedures rarely use heading styles. They number their headings ("2.1 Purpose of the
meeting", "A. Appendix"), paste bullets as characters ("•", "●", "o"), open with a contents
list and carry navigation text from the website they were copied from. Readers turn what they
see into `Line`s (raw text lines, or paragraphs, items and headings they recognised) and
`recover()` turns those into Blocks under the right headings."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.ingest.dates import find_dates
from bot.ingest.formats.outline import Outline
from bot.ingest.formats.tables import row_texts
from bot.records import Block
from bot.text import split_sentences, squash

LineKind = Literal["raw", "para", "item", "heading", "row"]

MAX_HEADING_WORDS = 14  # numbered headings: "4.1 Newly qualified social workers (NQSW) ..."
MAX_PLAIN_HEADING_WORDS = 12  # unnumbered ones are shorter, or they are prose
MAX_HEADING_CHARS = 110
_NUMBER = re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})\.?\)?\s+(?P<rest>\S.*)$")
_LETTER = re.compile(r"^(?P<num>[A-H])[.)]\s+(?P<rest>[A-Z].*)$")
_APPENDIX = re.compile(r"^(?:appendix|annex|schedule)\s+[A-Z0-9]{1,3}\b\s*[-–—:.]?\s*", re.I)
_SALUTATION = re.compile(r"^dear\s+\S", re.I)
# Where a letter's body ends: the sign-off, or the sentence every Ofsted letter closes with.
_VALEDICTION = re.compile(
    r"^(?:yours (?:sincerely|faithfully)|ofsted will take (?:the|these) findings)\b", re.I
)
_BULLET = re.compile(r"^(?:[•●◦▪■‣∙·○◾◽□►✓✔]|[-–—*](?=\s)|o(?=\s+[A-Za-z(]))\s*")
# A contents line's leader and page number ("1. Introduction ...... 2"), matched on the line
# reversed: anchored at its end, one attempt, linear. Searched forwards, as
# r"(?:\s*\.{3,}|\s{2,}|\t)\s*\d{1,3}$", every start inside a run of dots with no number
# after it ran to the end of the run and backed off: 15 s on a 40,000-dot line.
_LEADER_REVERSED = re.compile(r"\d{1,3}\s*(?:\.{3,}\s*|\s{2,}|\t)")
_CONTENTS = re.compile(
    r"^(?:contents|table of contents|in this (?:chapter|section|procedure|guide|document)"
    r"|on this page|chapter contents)\s*:?$",
    re.I,
)
# Whole lines that are website or print furniture, never practice.
_CLUTTER = re.compile(
    r"^(?:skip to (?:main )?content|skip navigation|view this (?:web)?site with .*|"
    r"(?:company|site|council) logo|logo|print(?: this page)?|share(?: this page)?|"
    r"email this page|back to top|top of page|menu|search|home|accessibility(?: tools)?|"
    r"(?:we use|this site uses) cookies.*|accept (?:all )?cookies|reject (?:all )?cookies|"
    r"cookie (?:settings|preferences|policy)|manage cookies|"
    r"(?:text size|change text size|small text|large text|high contrast).*|"
    r"page \d+ of \d+|page \d+|\d{1,3}|-\s*\d{1,3}\s*-|printed copies are uncontrolled\.?|"
    r"(?:official|official[- ]sensitive|unclassified|not protectively marked)|"
    r"version \d+(?:\.\d+)*|(?:document )?owner:.*|author:.*|approved by:.*|"
    r"(?:classification|security marking|protective marking):.*|"
    r"[^|]{1,60}\s\|\s[^|]{1,60}\s\|\s[^|]{1,60}|"
    r"home\s*(?:>|›|»|/).*|.*\s(?:>|›|»)\s.*\s(?:>|›|»)\s.*)$",
    re.I,
)
# Headings whose sections are links to elsewhere, not guidance.
_CLUTTER_HEADING = re.compile(
    r"^(?:related (?:chapters?|documents?|guidance|pages?|procedures?|information|links|"
    r"content|resources)(?: and contacts)?|see also|useful links|further information and links|"
    r"links|(?:document|version|revision|amendment) (?:history|control|record)|change log)\s*:?$",
    re.I,
)

# Labels of a box or a table in a procedure ("AMENDMENT", "Table 1: Timescales"): never a
# heading, so never the name of the section below them. ("This chapter was updated in ..."
# boxes are dates, taken out before this; "Related chapters" boxes are _CLUTTER_HEADING.)
_LABEL = re.compile(
    r"^(?:amendments?|amended|recent (?:amendments|changes)|changes? to this (?:chapter|procedure)"
    r"|updates?|important|(?:please )?note|(?:table|figure|diagram) \d{1,3}\b.*)\s*:?$",
    re.I,
)


@dataclass(frozen=True)
class Line:
    """What a reader saw: a raw text line, or an element it already recognised."""

    text: str
    kind: LineKind = "raw"
    level: int | None = None  # for a heading: 1 for the top level below the title
    page: int | None = None
    number: int | None = None  # a numbered list item's own number
    bold: bool = False  # the whole line is bold (a heading typed as a bold paragraph)
    full_width: bool = False  # a PDF line that reaches the margin: the paragraph goes on
    under: int = 0  # pasted text below a heading mark of this level: its headings nest in it


def numbered_heading(text: str) -> int | None:
    """The level of a numbered or lettered heading ("2.1 Purpose of the meeting" is 2)."""
    if not _heading_shape(text):
        return None
    if match := _NUMBER.match(text):
        rest = match["rest"]
        if _DATE_ONLY.match(text):  # "14 March 2024" is a letter's date, not section 14
            return None
        if rest[:1].isupper() or rest[:1] in "('\"":
            return match["num"].count(".") + 1
        return None
    if _LETTER.match(text) or _APPENDIX.match(text):
        return 1
    return None


def plain_heading(text: str) -> bool:
    """A short capitalised line without closing punctuation ("Headline findings", "What needs
    to improve?"); not a phone number, a name line of digits, or a bullet."""
    letters = sum(c.isalpha() for c in text)
    return (
        _heading_shape(text, allow_question=True)
        and len(text.split()) <= MAX_PLAIN_HEADING_WORDS
        and text[:1].isupper()
        and letters > 2 * sum(c.isdigit() for c in text)
        and not _BULLET.match(text)
    )


def bullet(text: str) -> str | None:
    """The item's text if the line starts with a bullet character, else None."""
    match = _BULLET.match(text)
    return text[match.end() :].strip() if match and text[match.end() :].strip() else None


def is_clutter(text: str) -> bool:
    return bool(_CLUTTER.match(text.strip(" |")))


def is_clutter_heading(text: str) -> bool:
    return bool(_CLUTTER_HEADING.match(_strip_number(text)))


def is_label(text: str) -> bool:
    return bool(_LABEL.match(_strip_number(text)))


def lone_heading(text: str) -> bool:
    """Whether a paragraph is only a heading or a label: never a passage on its own. A short
    line with a colon inside says something ("Applies to: all social work teams")."""
    plain = plain_heading(text) and ":" not in text
    return is_label(text) or numbered_heading(text) is not None or plain


def is_contents_title(text: str) -> bool:
    return bool(_CONTENTS.match(text))


def heading_key(text: str) -> str:
    """A heading as a contents list writes it: no number, no leader dots or page number."""
    text = _strip_number(text)
    start, end = _leader(text) or (len(text), len(text))
    return squash(text[:start] + text[end:]).lower().rstrip(" .:")


def has_leader(text: str) -> bool:
    """Whether the line ends in leader dots (or a wide gap) and a page number."""
    return _leader(text) is not None


def _leader(text: str) -> tuple[int, int] | None:
    """Where the leader and page number start and end; the longest match reversed is the
    earliest start, as a forward search would find it. Like `$`, the end may be before a
    final newline."""
    end = len(text) - 1 if text.endswith("\n") else len(text)
    match = _LEADER_REVERSED.match(text[end - 1 :: -1] if end else "")
    return (end - match.end(), end) if match else None


def _strip_number(text: str) -> str:
    for pattern in (_NUMBER, _LETTER):
        if match := pattern.match(text):
            return match["rest"]
    if match := _APPENDIX.match(text):
        return text[match.end() :]
    return text


def _heading_shape(text: str, *, allow_question: bool = False) -> bool:
    words = text.split()
    end = r"[.!:;,]$" if allow_question else r"[.!?:;,]$"
    return (
        0 < len(words) <= MAX_HEADING_WORDS
        and len(text) <= MAX_HEADING_CHARS
        and not re.search(end, text)
        and not re.search(r"[a-z)][.!?]\s+[A-Z]", text)  # two sentences: prose, however short
    )


_DATE_ONLY = re.compile(r"^\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]+\.?\s+\d{4}$")


@dataclass(frozen=True)
class Recovered:
    blocks: list[Block]
    first_heading: str | None  # the title: the first heading it opens with, publisher aside
    letterhead: str = ""  # a letter's address block and date, kept out of the passages
    reviewed: dt.date | None = None  # "This chapter was updated in March 2025"
    review_due: dt.date | None = None  # "Review date: 1 May 2027"


class _Recovery:
    """The state of one pass over a document's lines."""

    def __init__(self) -> None:
        self.outline = Outline()
        self.blocks: list[Block] = []
        self.first_heading: str | None = None
        self.buffer: list[Line] = []  # raw lines of the paragraph being read
        self.in_contents = False
        self.contents: set[str] = set()
        self.skip_below: int | None = None  # inside a "Related chapters" box at this level
        self.numbered_levels = False  # has the document numbered its headings?
        self.last_number = 0  # the last numbered item's number ("3." follows "2.")
        self.paused = False  # a blank line followed the open paragraph
        self.reviewed: dt.date | None = None
        self.review_due: dt.date | None = None
        self.leading: list[str] = []  # headings before anything else: one is the title
        self.started = False
        self.next: Line | None = None  # the line after this one, to tell headings from wraps

    def feed(self, line: Line) -> None:
        text = squash(line.text)
        if not text:
            self.paused = bool(self.buffer)  # a blank line: the paragraph ends, unless the
            return  # next line carries on a sentence cut by a page break
        if self.paused:
            self.paused = False
            if not (line.kind == "raw" and text[:1].islower() and self._open_sentence()):
                self.flush()
        text = self._without_dates(text)
        if not text or is_clutter(text):
            self.flush()
            self.started = True
            return
        if is_contents_title(text) and line.kind in ("raw", "para"):
            self.flush()
            self.in_contents = self.started = True
            return
        if self.in_contents and self._contents_entry(text, line):
            return
        level = self._heading_level(text, line)
        if level is not None:
            self.flush()
            self.heading(level, text)
            return
        self.started = True
        if self.skip_below is not None:
            return
        if line.kind == "raw":
            self.raw(text, line)
        else:
            self.flush()
            self.add(text, line)

    def _contents_entry(self, text: str, line: Line) -> bool:
        """Inside a contents list: entries are remembered and dropped, until the first line
        that is not an entry, or an entry met a second time (the real heading)."""
        key = heading_key(text)
        entry = has_leader(text) or numbered_heading(text) is not None or plain_heading(text)
        if entry and key not in self.contents and line.kind in ("raw", "para", "item"):
            self.contents.add(key)
            return True
        self.in_contents = False
        return False

    def _heading_level(self, text: str, line: Line) -> int | None:
        if line.kind == "heading":
            numbered = numbered_heading(text)
            return numbered or line.level or 1
        found = self._found_level(text, line)
        return None if found is None else found + line.under

    def _found_level(self, text: str, line: Line) -> int | None:
        """The level of a heading the document did not mark, from its shape."""
        if line.kind in ("item", "row") or self._wraps_on(line):
            return None
        if (numbered := numbered_heading(text)) is not None:
            self.numbered_levels = True
            return numbered
        starts_paragraph = not self.buffer
        if starts_paragraph and (line.bold or line.kind == "raw") and plain_heading(text):
            # Unnumbered headings sit one level below the numbered ones around them.
            return 2 if self.numbered_levels and self.outline.path else 1
        if heading_key(text) in self.contents and plain_heading(text):
            return 1
        return None

    def _wraps_on(self, line: Line) -> bool:
        """A raw line followed by one starting in lower case is the first half of a sentence,
        whatever it looks like ("Inspectors looked at ... and children" / "subject to ...")."""
        after = squash(self.next.text) if self.next is not None else ""
        return line.kind == "raw" and self.next is not None and after[:1].islower()

    def heading(self, level: int, text: str) -> None:
        if is_label(text):
            return  # the box's text stays in the section it sits in
        if is_contents_title(text):
            self.in_contents = True
            return
        if is_clutter_heading(text):
            self.skip_below = level
            return
        self.skip_below = None
        if not self.started:
            self.leading.append(text)
        self.first_heading = self.first_heading or text
        self.outline.heading(level, text)

    def raw(self, text: str, line: Line) -> None:
        """A line of plain text: a bullet starts an item; other lines continue the paragraph
        until one ends a sentence (wrapped lines in PDFs and pasted pages)."""
        item = bullet(text)
        match = _NUMBER.match(text)
        if item is not None:
            self.flush()
            self.buffer = [Line(item, "item", page=line.page)]
        elif match and "." not in match["num"] and self._starts_item(int(match["num"])):
            self.flush()
            self.last_number = int(match["num"])
            self.buffer = [Line(match["rest"], "item", page=line.page, number=self.last_number)]
        else:
            self.buffer.append(line if not self.buffer else Line(text, page=line.page))
        if re.search(r"[.!?:;]$", text) and not line.full_width:
            self.flush()

    def _without_dates(self, text: str) -> str:
        """The text without its sentences that only say when the document was updated or is
        due for review ("This chapter was updated in June 2023."): those dates are the
        document's, and such a sentence is no passage (nor a heading, however short)."""
        whole = find_dates(text)
        if not (whole.reviewed or whole.review_due):
            return text
        kept = []
        for sentence in split_sentences(text) or [text]:
            found = find_dates(sentence)
            if found.only_dates:
                self.reviewed = self.reviewed or found.reviewed
                self.review_due = self.review_due or found.review_due
            else:
                kept.append(sentence)
        return " ".join(kept)

    def _open_sentence(self) -> bool:
        return bool(self.buffer) and not re.search(r"[.!?:;]$", squash(self.buffer[-1].text))

    def _starts_item(self, number: int) -> bool:
        """'3.' at the start of a line begins item 3 if no paragraph is open, or if item 2 was
        the last one (a wrapped line that happens to start with a number does not)."""
        return not self.buffer or number == self.last_number + 1

    def flush(self) -> None:
        if not self.buffer:
            return
        first = self.buffer[0]
        text = squash(" ".join(squash(b.text) for b in self.buffer))
        self.buffer = []
        self.add(text, first)

    def add(self, text: str, line: Line) -> None:
        if self.skip_below is not None:
            return
        number = line.number if line.kind == "item" else None
        self.blocks.append(
            self.outline.block(
                text,
                in_list=line.kind in ("item", "row"),
                number=number,
                page=line.page,
                standalone=line.kind == "row",
            )
        )


def recover(lines: Iterable[Line]) -> Recovered:
    """Blocks under their headings, from what a reader saw, in reading order."""
    state = _Recovery()
    queue, letterhead = _letter_body(_tab_tables(list(lines)))
    for i, line in enumerate(queue):
        state.next = queue[i + 1] if i + 1 < len(queue) else None
        state.feed(line)
    state.flush()
    titles = [h for h in state.leading if not _publisher(h)]
    title = titles[0] if titles else state.first_heading
    return Recovered(
        state.blocks, title, letterhead, reviewed=state.reviewed, review_due=state.review_due
    )


def _tab_tables(lines: list[Line]) -> list[Line]:
    """Tables pasted as text, one row a line with its cells between tabs: a run of two or more
    such lines becomes table rows, each with its header cells, as in Word and HTML. Read as
    lines, a row would be taken for a heading and name the text below the table."""
    out: list[Line] = []
    run: list[Line] = []
    for line in [*lines, Line("")]:
        if line.kind == "raw" and sum(bool(cell) for cell in _cells(line.text)) >= 2:
            run.append(line)
            continue
        if len(run) >= 2:
            rows = row_texts([_cells(row.text) for row in run])
            out += [Line(text, "row", page=run[0].page) for text in rows]
        else:
            out += run
        run = []
        out.append(line)
    return out[:-1]


def _cells(text: str) -> list[str]:
    """A row's cells by position, empty ones kept so each stays under its header."""
    return [cell.strip() for cell in text.strip(" \n").split("\t")] if "\t" in text else []


# A line naming who publishes the document, above its title ("Westmere Children's Services
# Procedures Manual", "Westmere Borough Council"): not the title.
_ORGANISATION = re.compile(
    r"\b(?:council|manual|services?|authority|partnership|board|trust|department|directorate)$",
    re.I,
)


def _publisher(line: str) -> bool:
    """A proper name ending in an organisation word, every word capitalised."""
    words = re.findall(r"[A-Za-z][\w'’-]*", line)
    return bool(_ORGANISATION.search(line)) and all(w[0].isupper() for w in words)


LETTERHEAD_LINES = 40  # a salutation further in than this is not opening a letter


def _letter_body(lines: list[Line]) -> tuple[list[Line], str]:
    """A letter's body: from the line after "Dear ..." to the line before "Yours sincerely".
    The address block, date and signature are about the letter, not findings; the address
    block is returned so its date can be read."""
    opening = next(
        (i for i, line in enumerate(lines[:LETTERHEAD_LINES]) if _SALUTATION.match(line.text)),
        None,
    )
    if opening is None:
        return lines, ""
    letterhead = " ".join(squash(line.text) for line in lines[:opening])
    body = lines[opening + 1 :]
    closing = next((i for i, line in enumerate(body) if _VALEDICTION.match(line.text)), None)
    return (body if closing is None else body[:closing]), letterhead
