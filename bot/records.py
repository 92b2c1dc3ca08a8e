"""Typed records passed between layers: documents, chunks, passages and answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What a source is: what inspectors found, or what practice should be."""

    FINDINGS = "findings"
    GUIDANCE = "guidance"


@dataclass(frozen=True)
class Block:
    """One paragraph or list item of a document, with where it stands."""

    text: str
    heading_path: tuple[str, ...]
    paragraph: int | None
    list_item: bool = False
    ends_with_colon: bool = False
    page: int | None = None  # PDF page the block is on
    numbered: bool = False  # a list item with its own number: cited by that number
    standalone: bool = False  # never joined to its neighbours (a table row with its headers)


@dataclass(frozen=True)
class Document:
    """A parsed source document: its metadata and its blocks in reading order."""

    source: str  # path relative to the knowledge folder, with forward slashes
    sha256: str
    title: str
    kind: Kind
    date: dt.date | None
    review_due: dt.date | None
    blocks: tuple[Block, ...]
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    url: str | None = None  # where readers can open the document (shown instead of a path)
    status: str | None = None  # "starter": written by the project, to be replaced
    owner: str | None = None


@dataclass(frozen=True)
class Chunk:
    """The unit that is embedded, searched and quoted."""

    id: str
    text: str
    source: str
    title: str
    kind: Kind
    heading_path: tuple[str, ...]
    paragraph: str | None  # "7", "2-3", or None for unnumbered text
    date: dt.date | None
    review_due: dt.date | None
    page: int | None = None
    url: str | None = None
    status: str | None = None

    @property
    def section(self) -> str:
        """The citation label: headings below the title, the paragraph, and the PDF page."""
        label = " > ".join(self.heading_path[1:]) or "Introduction"
        if self.page is not None:
            return f"{label}, p. {self.page}"
        if self.paragraph:
            noun = "paras" if "-" in self.paragraph else "para"
            label = f"{label}, {noun} {self.paragraph}"
        return label

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "source": self.source,
            "title": self.title,
            "kind": self.kind.value,
            "heading_path": list(self.heading_path),
            "paragraph": self.paragraph,
            "date": self.date.isoformat() if self.date else None,
            "review_due": self.review_due.isoformat() if self.review_due else None,
            "page": self.page,
            "url": self.url,
            "status": self.status,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chunk:
        return cls(
            id=data["id"],
            text=data["text"],
            source=data["source"],
            title=data["title"],
            kind=Kind(data["kind"]),
            heading_path=tuple(data["heading_path"]),
            paragraph=data["paragraph"],
            date=_date(data["date"]),
            review_due=_date(data["review_due"]),
            page=data.get("page"),
            url=data.get("url"),
            status=data.get("status"),
        )


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


@dataclass(frozen=True)
class Hit:
    """A chunk found by retrieval, with the evidence for it."""

    chunk: Chunk
    score: float  # fused: cosine similarity + weighted, scaled BM25; higher is better
    similarity: float  # cosine similarity of the question and the chunk
    lexical: float  # BM25 score (0 when no query term matched)


@dataclass(frozen=True)
class Concept:
    """One idea in a question: a word, or a glossary term with all its spellings (as stems)."""

    spellings: tuple[tuple[str, ...], ...]
    weight: float  # inverse document frequency: rare words matter more
    glossary_term: str | None = None  # set when the idea is a term the glossary knows
    in_corpus: bool = True  # False when no spelling of it occurs in any indexed passage

    def found_in(self, stems: AbstractSet[str]) -> bool:
        return any(all(t in stems for t in spelling) for spelling in self.spellings)


@dataclass(frozen=True)
class Retrieval:
    """Everything retrieval learnt about one question, best hit first."""

    question: str
    expanded: str
    hits: tuple[Hit, ...]
    concepts: tuple[Concept, ...]
    coverage: float  # IDF-weighted share of the question's concepts found in the best hits
    top_similarity: float


@dataclass(frozen=True)
class Passage:
    """A cited passage as shown to the reader: the hit, its marker and its trimmed quote."""

    marker: int
    hit: Hit
    quote: str
    lead_sentence: str
    reader: float | None = None  # the reader's probability that the passage answers (None: rule)


class Outcome(StrEnum):
    """What the sources did with a question."""

    ANSWERED = "answered"  # a passage says what was asked
    RELATED = "related"  # the sources discuss the topic but do not answer this question
    NOT_FOUND = "not_found"  # nothing in the sources is about it


class DecidedBy(StrEnum):
    """What made the answer decision: the trained reader, or the similarity rule it replaced
    (kept for comparison, PRACTICE_BOT_READER=off)."""

    READER = "reader"
    RULE = "rule"


@dataclass(frozen=True, kw_only=True)
class Answer:
    """The reply to one question: a lead and its passages, passages that are only related, or
    an honest "not found"."""

    question: str
    outcome: Outcome
    text: str
    passages: tuple[Passage, ...] = ()  # for a related outcome: the related passages
    notices: tuple[str, ...] = ()
    today: dt.date | None = None
    # Set when personal data was removed from the question: shown to the asker only.
    privacy_note: str | None = None
    decided_by: DecidedBy = DecidedBy.RULE
    # The id of the passage retrieval found nearest, whatever the outcome: for a question the
    # sources could not answer it is all that says what the question was about, when its text
    # is not kept (the usage store records it for `practice-bot gaps`).
    nearest: str | None = None

    @property
    def answered(self) -> bool:
        return self.outcome is Outcome.ANSWERED

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answered": self.answered,
            "outcome": self.outcome.value,
            "answer": self.text,
            "decided_by": self.decided_by.value,
            "notices": list(self.notices),
            "privacy_note": self.privacy_note,
            "citations": [_citation_json(p, self.today) for p in self.passages],
        }


def _citation_json(passage: Passage, today: dt.date | None) -> dict[str, Any]:
    chunk = passage.hit.chunk
    overdue = bool(chunk.review_due and today and chunk.review_due < today)
    return {
        "marker": passage.marker,
        "title": chunk.title,
        "section": chunk.section,
        "text": chunk.text,
        "quote": passage.quote,
        "score": round(passage.hit.score, 4),
        "similarity": round(passage.hit.similarity, 4),
        "reader": None if passage.reader is None else round(passage.reader, 4),
        "kind": chunk.kind.value,
        "source": chunk.source,
        "url": chunk.url,
        "status": chunk.status,
        "chunk_id": chunk.id,
        "date": chunk.date.isoformat() if chunk.date else None,
        "review_due": chunk.review_due.isoformat() if chunk.review_due else None,
        "review_overdue": overdue,
    }
