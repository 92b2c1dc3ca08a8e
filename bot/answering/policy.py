"""The answer decision, all of it in one place: whether the sources answer a question, only
discuss its topic, or say nothing about it, and which passages are cited in what order.

With the reader (the default), its probability that a passage answers decides, and orders
the citations; without it (PRACTICE_BOT_READER=off, kept for comparison) the similarity and
coverage rule of earlier releases decides. Both share the checks that do not depend on
passages: figures asked for "now", a question about today led by a dated inspection finding,
and the glossary's uncovered-topics safety net."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answering.reading import Read
from bot.records import DecidedBy, Hit, Kind, Outcome, Retrieval
from bot.retrieval.retriever import coverage

MAX_PER_DOCUMENT = 3  # with -k above 3, leave room for other documents


@dataclass(frozen=True)
class Decision:
    """The outcome, the message template when not answered, and the hits in citation order."""

    outcome: Outcome
    template: str  # "answer", "related", "abstain", "abstain_figures" or "abstain_dated"
    decided_by: DecidedBy
    hits: tuple[Hit, ...]
    readers: tuple[float | None, ...]  # the reader's P(answers) for each of `hits`


@dataclass(frozen=True)
class AnswerPolicy:
    """When to answer and how much to cite. Every threshold is tuned on the evaluation sets'
    tuning parts only (docs/RETRIEVAL.md says which)."""

    top_k: int = 3
    max_question_chars: int = 2000
    contact: str = "your practice supervisor"
    refuse_unmentioned: bool = True  # the glossary's uncovered-topics safety net
    # The rule (PRACTICE_BOT_READER=off).
    strong_similarity: float = 0.65
    min_similarity: float = 0.42
    min_coverage: float = 0.15
    citation_margin: float = 0.20  # cite passages within this similarity of the best one
    companion_coverage: float = 0.80
    companion_similarity: float = 0.35
    related_similarity: float = 0.40
    # The reader.
    reader_answer: float = 0.5  # P(answers) of the best passage to answer
    reader_related: float = 0.5  # P(answers) + P(topic) of the best passage to show related
    reader_cite: float = 0.3  # P(answers) for a further passage to be cited
    reader_weight: float = 1.0  # weight of retrieval's fused score in the citation order
    # Ablations for `practice-bot eval --reader`: the reader may order the citations, decide
    # the outcome, or both (serving always uses both).
    reader_ranks: bool = True
    reader_decides: bool = True

    def decide(
        self, question: str, retrieval: Retrieval, read: Sequence[Read] | None = None
    ) -> Decision:
        decides = read is not None and self.reader_decides
        by = DecidedBy.READER if decides else DecidedBy.RULE
        now = asks_about_now(question)
        if now and asks_for_figures(question):
            # "How many children are on plans right now?": documents hold no live figures.
            return Decision(Outcome.NOT_FOUND, "abstain_figures", by, (), ())
        if not retrieval.hits or (
            self.refuse_unmentioned
            and any(c.glossary_term and not c.in_corpus for c in retrieval.concepts)
        ):
            # A term the glossary knows but no document mentions (LADO, CAMHS): not covered.
            return Decision(Outcome.NOT_FOUND, "abstain", by, (), ())
        outcome = (
            self._reader(read, retrieval) if decides and read is not None else self._rule(retrieval)
        )
        if outcome is Outcome.NOT_FOUND:
            return Decision(outcome, "abstain", by, (), ())
        hits, readers = self._order(retrieval, read)
        if outcome is Outcome.RELATED:
            return Decision(outcome, "related", by, hits, readers)
        if now and hits[0].chunk.kind is Kind.FINDINGS:
            # "Who is the DCS now?": an inspection letter says what was true when written.
            return Decision(Outcome.NOT_FOUND, "abstain_dated", by, hits[:1], readers[:1])
        chosen = self._cited(retrieval, hits, readers)
        return Decision(outcome, "answer", by, *zip(*chosen, strict=True))  # type: ignore[arg-type]

    def _rule(self, retrieval: Retrieval) -> Outcome:
        """A strong semantic match, or a fair one whose passages hold the question's rare
        words; short of that, close enough to be on the topic: related."""
        best = retrieval.top_similarity
        if best >= self.strong_similarity or (
            best >= self.min_similarity and retrieval.coverage >= self.min_coverage
        ):
            return Outcome.ANSWERED
        return Outcome.RELATED if best >= self.related_similarity else Outcome.NOT_FOUND

    def _reader(self, read: Sequence[Read], retrieval: Retrieval) -> Outcome:
        """The best passage answers; short of that, the best is on the topic: related. Related
        also needs retrieval's similarity floor for "on the topic" (the rule's): the reader
        was trained on practice questions and can call a practice passage on the topic of
        "who won the world cup", which must be not found, with nothing shown."""
        if max(r.reading.answers for r in read) >= self.reader_answer:
            return Outcome.ANSWERED
        if (
            max(r.reading.answers + r.reading.topic for r in read) >= self.reader_related
            and retrieval.top_similarity >= self.related_similarity
        ):
            return Outcome.RELATED
        return Outcome.NOT_FOUND

    def _order(
        self, retrieval: Retrieval, read: Sequence[Read] | None
    ) -> tuple[tuple[Hit, ...], tuple[float | None, ...]]:
        if read is None:
            return retrieval.hits, (None,) * len(retrieval.hits)
        if not self.reader_ranks:  # retrieval's order, with what the reader said of each
            said = {r.hit.chunk.id: r.reading.answers for r in read}
            hits = tuple(h for h in retrieval.hits if h.chunk.id in said)
            return hits, tuple(said[h.chunk.id] for h in hits)
        return tuple(r.hit for r in read), tuple(r.reading.answers for r in read)

    def _cited(
        self, retrieval: Retrieval, hits: tuple[Hit, ...], readers: tuple[float | None, ...]
    ) -> list[tuple[Hit, float | None]]:
        """The best passage, then those close to it, at most MAX_PER_DOCUMENT from one
        document; and a passage of the other kind (a finding beside guidance, or the
        reverse) when it speaks to the whole question, even if it ranks lower."""
        floor = max(self.min_similarity, retrieval.top_similarity - self.citation_margin)
        chosen: list[tuple[Hit, float | None]] = []
        per_doc: dict[str, int] = {}
        for hit, reader in zip(hits, readers, strict=True):
            if len(chosen) == self.top_k:
                break
            close = hit.similarity >= floor if reader is None else reader >= self.reader_cite
            if chosen and not close:
                continue
            if per_doc.get(hit.chunk.source, 0) >= MAX_PER_DOCUMENT:
                continue
            per_doc[hit.chunk.source] = per_doc.get(hit.chunk.source, 0) + 1
            chosen.append((hit, reader))
        companion = self._companion(retrieval, chosen, hits, readers)
        if companion is not None and companion not in chosen:
            chosen = [*chosen[: self.top_k - 1], companion]
        return chosen

    def _companion(
        self,
        retrieval: Retrieval,
        chosen: list[tuple[Hit, float | None]],
        hits: tuple[Hit, ...],
        readers: tuple[float | None, ...],
    ) -> tuple[Hit, float | None] | None:
        kinds = {h.chunk.kind for h, _ in chosen}
        for hit, reader in zip(hits, readers, strict=True):
            if hit.chunk.kind in kinds:
                continue
            if reader is not None:
                if reader >= self.reader_answer:
                    return hit, reader
            elif hit.similarity >= self.companion_similarity and (
                coverage(retrieval.concepts, (hit,)) >= self.companion_coverage
            ):
                return hit, reader
        return None


# Words that ask what is true today, which a dated inspection letter cannot tell.
_NOW = re.compile(
    r"\b(?:now|nowadays|currently|current|at the moment|at present|these days|this year"
    r"|this month|this week|today|latest|right now|as of)\b",
    re.I,
)
_FIGURES = re.compile(
    r"\b(?:how many(?! (?:working |calendar )?(?:days|weeks|months|years|hours|times)\b)"
    r"|how much|number of|numbers of|average|percentage|proportion|figures|stats|statistics)\b",
    re.I,
)


def asks_about_now(question: str) -> bool:
    return bool(_NOW.search(question))


def asks_for_figures(question: str) -> bool:
    return bool(_FIGURES.search(question))
