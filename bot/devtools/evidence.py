"""Features of a question's retrieval, measured for fitting an answer decision (design A in
docs/RETRIEVAL.md; measured, not adopted): is the best passage on the topic, does it hold the
question's own ideas in its words, and does it supply what was asked?"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answering.asks import Ask, asks, supplies
from bot.records import Concept, Hit, Retrieval
from bot.text import split_sentences, terms

DEPTH = 3  # passages an answer could quote


@dataclass(frozen=True)
class Evidence:
    """Features of one question's retrieval, each between 0 and 1."""

    ask: Ask
    similarity: float  # the best passage's cosine similarity (its best sentence or itself)
    coverage: float  # share of the question's ideas (IDF-weighted) in the best passages
    focus: float  # the same, in the best passage's own words (not its title or headings)
    missing: float  # how rare the rarest idea the best passage lacks is (0: lacks none)
    supplied: float  # 1: a passage states the kind of thing asked; 0: none does; 0.5: no ask
    unmentioned: bool  # the question names a glossary term no document mentions

    NAMES = ("similarity", "coverage", "focus", "missing", "supplied")

    def vector(self) -> list[float]:
        return [self.similarity, self.coverage, self.focus, self.missing, self.supplied]


def gather(question: str, retrieval: Retrieval) -> Evidence:
    hits = retrieval.hits[:DEPTH]
    concepts = retrieval.concepts
    kind = asks(question)
    if not hits:
        return Evidence(kind, 0.0, 0.0, 0.0, 1.0, 0.0, False)
    best = hits[0]
    words = set(terms(best.chunk.text))
    return Evidence(
        ask=kind,
        similarity=max(0.0, best.similarity),
        coverage=retrieval.coverage,
        focus=share(concepts, words),
        missing=rarest_missing(concepts, words),
        supplied=_supplied(kind, hits),
        unmentioned=any(c.glossary_term and not c.in_corpus for c in concepts),
    )


def share(concepts: tuple[Concept, ...], stems: set[str]) -> float:
    total = sum(c.weight for c in concepts)
    return sum(c.weight for c in concepts if c.found_in(stems)) / total if total else 0.0


def rarest_missing(concepts: tuple[Concept, ...], stems: set[str]) -> float:
    heaviest = max((c.weight for c in concepts), default=0.0)
    lacking = [c.weight for c in concepts if not c.found_in(stems)]
    return max(lacking) / heaviest if lacking and heaviest else 0.0


def _supplied(kind: Ask, hits: tuple[Hit, ...]) -> float:
    if kind is Ask.OTHER:
        return 0.5
    return float(any(supplies(kind, s) for h in hits for s in split_sentences(h.chunk.text)))
