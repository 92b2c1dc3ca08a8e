"""The manager's brief: on one topic, what is expected, what inspectors found and what the
service was told to improve, each a verbatim sentence with its citation.

Everything comes from one retrieval of the topic. The brief is empty (callers show the
not-found message) when the answerer's own rule says the sources do not discuss the topic,
or when no sentence of the passages found holds the topic's words."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from bot.answering.answerer import Answerer
from bot.answering.personal_data import PLACEHOLDER
from bot.answering.present import format_date
from bot.records import Chunk, Concept, Hit, Kind, Outcome
from bot.text import split_sentences, terms

# Topics managers ask for most, for front ends to offer (the App Home, /brief's help).
BRIEF_TOPICS: tuple[str, ...] = (
    "supervision",
    "pre-proceedings",
    "assessments",
    "child protection plans",
    "case recording",
    "audits",
    "children looked after",
    "strategy discussions",
)


SPARE = 4  # candidates embedded per place in the brief, for the similarity test and duplicates


@dataclass(frozen=True)
class BriefPolicy:
    """How much a brief holds and what counts as on the topic. The two thresholds were chosen
    on the starter knowledge base with the bundled model (the report of issue 15 has the
    figures); a sentence must pass both."""

    candidates: int = 30  # passages retrieved for the topic
    expectations: int = 6
    findings: int = 4
    improvement_areas: int = 3
    # A sentence (read under its section headings, for guidance) must hold at least this
    # share of the topic's words, weighted by rarity ("strategy" alone is enough for
    # "strategy discussions", "discussions" alone is not)...
    topic_share: float = 0.5
    # ...and be at least this similar to the topic: a letter's paragraph runs over several
    # topics and a word has other senses. On the eight BRIEF_TOPICS, sentences on the topic
    # scored 0.36 and up; those holding the word in another sense at most 0.33 ("The
    # assessment reported ...", of a self-assessment; "sound risk assessment").
    min_similarity: float = 0.34
    duplicate_overlap: float = 0.8  # sentences sharing this share of their words are one


@dataclass(frozen=True)
class BriefItem:
    """One verbatim sentence of a source, with where it comes from."""

    text: str
    title: str
    section: str
    source: str
    date: dt.date | None
    url: str | None

    @classmethod
    def of(cls, sentence: str, chunk: Chunk) -> BriefItem:
        return cls(sentence, chunk.title, chunk.section, chunk.source, chunk.date, chunk.url)

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "title": self.title,
            "section": self.section,
            "source": self.source,
            "date": self.date.isoformat() if self.date else None,
            "url": self.url,
        }


IMPROVE_HEADING = "What the service was told to improve"
_NONE = (  # shown in place of an empty list
    "The guidance sets no standard on this topic.",
    "The inspection letters say nothing on this topic.",
    "No area for improvement names this topic.",
)


@dataclass(frozen=True)
class BriefGroup:
    """One list of the brief as a reader sees it: its heading, items and how dates read."""

    heading: str
    items: tuple[BriefItem, ...]
    when: str  # "reviewed" for guidance, "letter of" for findings
    none: str  # shown in place of an empty list

    def dated(self, item: BriefItem) -> str | None:
        return f"{self.when} {format_date(item.date)}" if item.date else None


@dataclass(frozen=True)
class Brief:
    """What is expected, what inspectors found, and what they said must improve, on a topic."""

    topic: str  # redacted; shown to the asker alone, never where others see the brief
    expectations: tuple[BriefItem, ...]
    findings: tuple[BriefItem, ...]
    improvement_areas: tuple[BriefItem, ...]
    # Set when personal data was removed from the topic: shown to the asker only.
    privacy_note: str | None = None

    @property
    def empty(self) -> bool:
        return not (self.expectations or self.findings or self.improvement_areas)

    def groups(self) -> tuple[BriefGroup, BriefGroup, BriefGroup]:
        """The three lists in reading order, the letters' dates in the findings' heading."""
        letters = _letter_dates(self.findings or self.improvement_areas)
        return (
            BriefGroup("What is expected", self.expectations, "reviewed", _NONE[0]),
            BriefGroup(f"What inspectors found{letters}", self.findings, "letter of", _NONE[1]),
            BriefGroup(IMPROVE_HEADING, self.improvement_areas, "letter of", _NONE[2]),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "expectations": [i.to_json() for i in self.expectations],
            "findings": [i.to_json() for i in self.findings],
            "improvement_areas": [i.to_json() for i in self.improvement_areas],
            "privacy_note": self.privacy_note,
        }


def build_brief(answerer: Answerer, topic: str, *, policy: BriefPolicy | None = None) -> Brief:
    """The brief on a topic; empty when the sources do not cover it. Raises QuestionError for
    an empty topic, as a question would."""
    policy = policy or BriefPolicy()
    text, _notices, note = answerer.clean(topic)  # personal data never reaches the search
    searched = PLACEHOLDER.sub(" ", text) if note else text
    retrieval = answerer.retriever.retrieve(searched, limit=policy.candidates)
    # A topic is not a question, so there is nothing for the reader to find answered: the
    # rule's "nothing in the sources is about it" is the test of whether there is a brief.
    if answerer.policy.decide(text, retrieval).outcome is Outcome.NOT_FOUND:
        return Brief(text, (), (), (), note)
    limits = {
        Place.EXPECTED: policy.expectations,
        Place.FOUND: policy.findings,
        Place.IMPROVE: policy.improvement_areas,
    }
    words = TopicWords(retrieval.concepts, share=policy.topic_share)
    candidates = _candidates(retrieval.hits, words, limits)
    if not candidates:
        return Brief(text, (), (), (), note)
    vectors = answerer.retriever.embedder.embed(
        [retrieval.expanded, *(c.context + c.sentence for c in candidates)]
    )
    similar = [
        c
        for c, vector in zip(candidates, vectors[1:], strict=True)
        if float(vector @ vectors[0]) >= policy.min_similarity
    ]
    chosen = {p: _first(similar, p, n, policy.duplicate_overlap) for p, n in limits.items()}
    return Brief(text, chosen[Place.EXPECTED], chosen[Place.FOUND], chosen[Place.IMPROVE], note)


class Place(Enum):
    """Where a sentence goes in the brief."""

    EXPECTED = "expectations"
    FOUND = "findings"
    IMPROVE = "improvement_areas"


@dataclass(frozen=True)
class _Candidate:
    place: Place
    chunk: Chunk
    sentence: str
    context: str  # the headings a guidance sentence is read under ("" for a letter's)


def _candidates(
    hits: tuple[Hit, ...], words: TopicWords, limits: dict[Place, int]
) -> list[_Candidate]:
    """Sentences that hold the topic's words, in rank order and reading order within a
    passage, at most SPARE times as many as each place takes."""
    found: list[_Candidate] = []
    counts = dict.fromkeys(limits, 0)
    for hit in hits:
        chunk = hit.chunk
        # Guidance sections are named for what they hold: a sentence under "How often social
        # workers should be supervised" is about supervision without repeating the word. A
        # letter's headings ("Findings") name nothing, and its paragraphs cover many topics.
        context = (
            ". ".join((chunk.title, *chunk.heading_path[1:])) + ". "
            if chunk.kind is Kind.GUIDANCE
            else ""
        )
        for sentence in split_sentences(chunk.text):
            place = _place(chunk, sentence)
            if place is None or counts[place] >= SPARE * limits[place]:
                continue
            if words.held_by(context + sentence):
                counts[place] += 1
                found.append(_Candidate(place, chunk, sentence, context))
    return found


def _first(
    candidates: list[_Candidate], place: Place, limit: int, overlap: float
) -> tuple[BriefItem, ...]:
    chosen: list[BriefItem] = []
    seen: list[set[str]] = []
    for c in candidates:
        if c.place is not place or len(chosen) == limit:
            continue
        stems = set(terms(c.sentence))
        if any(_overlap(stems, other) >= overlap for other in seen):
            continue  # the same point made twice (a summary repeating a list)
        seen.append(stems)
        chosen.append(BriefItem.of(c.sentence, c.chunk))
    return tuple(chosen)


class TopicWords:
    """Whether a text holds the topic's words: at least `share` of their rarity weight, a
    phrase's words side by side, and never only as the stem of a prefixed word (a
    self-assessment is not an assessment; pre-proceedings are not proceedings)."""

    def __init__(self, concepts: tuple[Concept, ...], *, share: float) -> None:
        self.concepts = concepts
        self.share = share
        self.total = sum(c.weight for c in concepts)

    def held_by(self, text: str) -> bool:
        if not self.total:
            return False
        stems, starts = _stems(text)
        found = sum(
            c.weight
            for c in self.concepts
            if any(_holds(stems, starts, spelling) for spelling in c.spellings)
        )
        return found / self.total >= self.share


def _place(chunk: Chunk, sentence: str) -> Place | None:
    if chunk.kind is Kind.GUIDANCE:
        return Place.EXPECTED if _sets_standard(chunk, sentence) else None
    if _improvement_section(chunk):
        return None if sentence.rstrip().endswith(":") else Place.IMPROVE  # ":" ends a lead-in
    # Text before a letter's first heading is its preamble (what inspectors looked at).
    return Place.FOUND if len(chunk.heading_path) > 1 else None


# Words that set a standard: a duty, a timescale, a frequency or a limit.
_STANDARD = re.compile(
    r"\b(?:must|should|shall|(?:is|are) (?:required|expected)|requires?|expects?"
    r"|ha(?:s|ve) to|at least|at most|no (?:more|later) than|not more than|maximum|upper limit"
    r"|within \d+(?:\s+(?:working|calendar))?\s+(?:hours?|days?|weeks?|months?|years?)"
    r"|every \d+)\b",
    re.I,
)
# ...unless it says there is no such standard ("National guidance gives no fixed list of what
# a record must contain", "that is a local choice") or tells what other areas do.
_NO_STANDARD = re.compile(
    r"\b(?:no|not)\b(?:\s+\w+){0,3}?\s+(?:national|fixed|deadline|timescale|rule|requirement)\b"
    r"|\b(?:says|gives|sets) (?:little|nothing)\b|\blocal choice\b|\bnot set nationally\b"
    r"|\b(?:many|some|other) areas\b",
    re.I,
)
# Guidance retelling an inspection.
_RETOLD = re.compile(r"\b(?:found|findings?)\b", re.I)
_INSPECTORS = re.compile(r"\b(?:ofsted|inspectors?)\b", re.I)


def _sets_standard(chunk: Chunk, sentence: str) -> bool:
    if _RETOLD.search(chunk.heading_path[-1]):
        return False  # "What Ofsted found in 2018": the letter's own words are quoted instead
    if _INSPECTORS.search(sentence) and _RETOLD.search(sentence):
        return False
    return bool(_STANDARD.search(sentence)) and not _NO_STANDARD.search(sentence)


def _improvement_section(chunk: Chunk) -> bool:
    """Under the letter's heading saying what needs to improve ("What needs to improve in
    this area of social work practice", "Areas for improvement")."""
    return any("improve" in h.lower() for h in chunk.heading_path[1:])


# A bound prefix makes a new word: the stem after it does not stand for itself.
_PREFIXED = re.compile(r"^(?:self|pre|post|non|re|co|anti|ex|sub|inter|mis)-\w", re.I)


def _stems(text: str) -> tuple[list[str], list[bool]]:
    """The text's stems in order, and whether a phrase may start at each (not after a prefix)."""
    stems: list[str] = []
    starts: list[bool] = []
    for token in text.split():
        word = token.lstrip("(\"'[")
        prefix, rest = word.split("-", 1) if _PREFIXED.match(word) else ("", token)
        head, tail = terms(prefix), terms(rest)
        stems += head + tail
        starts += [True] * len(head) + [not prefix or i > 0 for i in range(len(tail))]
    return stems, starts


def _holds(stems: list[str], starts: list[bool], spelling: tuple[str, ...]) -> bool:
    n = len(spelling)
    return any(starts[i] and tuple(stems[i : i + n]) == spelling for i in range(len(stems) - n + 1))


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _letter_dates(items: tuple[BriefItem, ...]) -> str:
    dates = sorted({i.date for i in items if i.date})
    if not dates:
        return ""
    named = [format_date(d) for d in dates]
    if len(named) == 1:
        return f" (letter of {named[0]})"
    return f" (letters of {', '.join(named[:-1])} and {named[-1]})"
