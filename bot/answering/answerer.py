"""The plain answering function: question in, cited Answer (or an honest abstention) out."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Set
from dataclasses import dataclass

from bot.answering.asks import Ask, asks, reports_belief, supplies
from bot.answering.personal_data import PLACEHOLDER, PersonalDataGuard
from bot.answering.present import format_date
from bot.answering.templates import Templates
from bot.errors import QuestionError
from bot.ingest.structure import heading_key
from bot.records import Answer, Chunk, Concept, Hit, Kind, Outcome, Passage, Retrieval
from bot.retrieval.retriever import Retriever, coverage
from bot.text import split_sentences, squash, term_set, word_count

QUOTE_WORDS = 70  # a quote grows around its best sentence up to about this many words
MAX_PER_DOCUMENT = 3  # with -k above 3, leave room for other documents
CANDIDATES = 30  # fused hits considered for citation
RELATED_SHOWN = 2  # related passages shown when the sources do not answer


@dataclass(frozen=True)
class AnswerPolicy:
    """When to answer and how much to cite; the thresholds are tuned on the evaluation set."""

    top_k: int = 3
    max_question_chars: int = 2000
    strong_similarity: float = 0.65
    min_similarity: float = 0.42
    min_coverage: float = 0.15
    citation_margin: float = 0.20  # cite passages within this similarity of the best one
    # A passage of the other kind (a finding beside guidance, or the reverse) is cited too when
    # it holds nearly all of the question's ideas, even if it ranks lower.
    companion_coverage: float = 0.80
    companion_similarity: float = 0.35
    contact: str = "your practice supervisor"
    # Below the answer rule but this close, the passages are on the question's topic: shown
    # as related, never as the answer. Tuned on the starter tuning set (docs/RETRIEVAL.md).
    related_similarity: float = 0.40
    refuse_unmentioned: bool = True  # the glossary's uncovered-topics safety net

    def decide(self, retrieval: Retrieval) -> Outcome:
        """Answer on a strong semantic match, or a fair one whose passages hold the question's
        rare words. Similarity alone cannot tell an off-topic question from a true match, and
        word overlap alone cannot see paraphrase. Short of that, passages close enough to be
        on the topic are offered as related, never as the answer. A question that names a term
        the glossary knows but no document mentions (LADO, CAMHS) is about something the
        sources do not cover, however close its other words come: not found."""
        if not retrieval.hits:
            return Outcome.NOT_FOUND
        if self.refuse_unmentioned and any(
            c.glossary_term and not c.in_corpus for c in retrieval.concepts
        ):
            return Outcome.NOT_FOUND
        best = retrieval.top_similarity
        if best >= self.strong_similarity or (
            best >= self.min_similarity and retrieval.coverage >= self.min_coverage
        ):
            return Outcome.ANSWERED
        return Outcome.RELATED if best >= self.related_similarity else Outcome.NOT_FOUND


class Answerer:
    """Retrieves, decides whether the sources answer the question, and composes the reply."""

    def __init__(
        self,
        retriever: Retriever,
        templates: Templates,
        policy: AnswerPolicy,
        *,
        guard: PersonalDataGuard | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.retriever = retriever
        self.templates = templates
        self.policy = policy
        self.guard = guard or PersonalDataGuard()
        self._today = today

    def over(self, retriever: Retriever) -> Answerer:
        """The same answerer over another index version (the runtime swaps it in whole)."""
        return Answerer(retriever, self.templates, self.policy, guard=self.guard, today=self._today)

    def answer(
        self, question: str, *, top_k: int | None = None, timings: dict[str, float] | None = None
    ) -> Answer:
        """The reply to one question; `top_k` overrides how many passages may be cited, and
        `timings` (if given) receives the seconds each stage took."""
        text, notices, note = self.clean(question)
        today = self._today()
        now = asks_about_now(text)
        if now and asks_for_figures(text):
            # "How many children are on plans right now?": documents hold no live figures,
            # so there is nothing to search for.
            message = self.templates.render("abstain_figures", contact=self.policy.contact)
            return Answer(text, False, message, (), tuple(notices), today, note)
        searched = PLACEHOLDER.sub(" ", text) if note else text  # placeholders are not topics
        retrieval = self.retriever.retrieve(searched, limit=CANDIDATES, timings=timings)
        started = time.perf_counter()
        decision = self.policy.decide(retrieval)
        if decision is Outcome.RELATED:
            return self._related(text, retrieval, notices, today, note)
        if decision is Outcome.NOT_FOUND:
            message = self.templates.render("abstain", contact=self.policy.contact)
            return Answer(text, False, message, (), tuple(notices), today, note)
        passages = self._passages(retrieval, top_k or self.policy.top_k, asks(text))
        first = passages[0].hit.chunk
        if now and first.kind is Kind.FINDINGS:
            # "Who is the DCS now?": an inspection letter says what was true when it was
            # written; leading with it as the answer to a question about today would mislead.
            message = self.templates.render(
                "abstain_dated",
                date=format_date(first.date) if first.date else "an earlier date",
                contact=self.policy.contact,
            )
            return Answer(text, False, message, (), tuple(notices), today, note)
        lead = "\n".join(
            self._lead_line(p) for p in _lead_passages(passages, retrieval.concepts, asks(text))
        )
        if timings is not None:
            timings["compose"] = timings.get("compose", 0.0) + time.perf_counter() - started
        return Answer(text, True, lead, tuple(passages), tuple(notices), today, note)

    def clean(self, question: str) -> tuple[str, list[str], str | None]:
        """Collapse white space; refuse an empty question; cut an over-long question, saying
        so; remove personal data (with a note for the asker alone). The cut comes first so the
        guard's work is bounded by the limit, however long the message."""
        text = squash(question)
        if not text:
            raise QuestionError(self.templates.render("empty_question"))
        notices = []
        limit = self.policy.max_question_chars
        if len(text) > limit:
            cut = text[:limit]
            text = cut.rsplit(" ", 1)[0] if " " in cut[limit // 2 :] else cut
            notices.append(self.templates.render("question_truncated", limit=limit))
        redaction = self.guard.redact(text)
        text = redaction.text
        note = (
            self.templates.render("personal_data_notice", kinds=", ".join(redaction.found))
            if redaction.changed
            else None
        )
        return text, notices, note

    def _related(
        self,
        text: str,
        retrieval: Retrieval,
        notices: list[str],
        today: dt.date,
        note: str | None,
    ) -> Answer:
        """The sources discuss the topic but do not answer: say so, and show at most two of
        the passages, labelled as related."""
        hits = retrieval.hits[:RELATED_SHOWN]
        first = hits[0].chunk
        message = self.templates.render(
            "related",
            sources="findings" if first.kind is Kind.FINDINGS else "guidance",
            topic=_topic(first),
            contact=self.policy.contact,
        )
        passages = tuple(
            _passage(n, hit, retrieval.concepts, Ask.OTHER) for n, hit in enumerate(hits, 1)
        )
        return Answer(text, False, message, passages, tuple(notices), today, note, related=True)

    def _passages(self, retrieval: Retrieval, top_k: int, ask: Ask) -> list[Passage]:
        floor = max(
            self.policy.min_similarity, retrieval.top_similarity - self.policy.citation_margin
        )
        chosen: list[Hit] = []
        per_doc: dict[str, int] = {}
        for hit in retrieval.hits:
            if len(chosen) == top_k:
                break
            if chosen and hit.similarity < floor:
                continue
            if per_doc.get(hit.chunk.source, 0) >= MAX_PER_DOCUMENT:
                continue
            per_doc[hit.chunk.source] = per_doc.get(hit.chunk.source, 0) + 1
            chosen.append(hit)
        companion = self._companion(retrieval, chosen)
        if companion is not None:
            chosen = [*chosen[: top_k - 1], companion]
        return [_passage(n, hit, retrieval.concepts, ask) for n, hit in enumerate(chosen, 1)]

    def _companion(self, retrieval: Retrieval, chosen: list[Hit]) -> Hit | None:
        """The best passage of the kind not yet cited, if it speaks to the whole question."""
        kinds = {h.chunk.kind for h in chosen}
        for hit in retrieval.hits:
            if hit.chunk.kind in kinds or hit.similarity < self.policy.companion_similarity:
                continue
            if coverage(retrieval.concepts, (hit,)) >= self.policy.companion_coverage:
                return hit
        return None

    def _lead_line(self, passage: Passage) -> str:
        chunk = passage.hit.chunk
        if chunk.kind is Kind.FINDINGS:
            return self.templates.render(
                "lead_findings",
                sentence=passage.lead_sentence,
                marker=passage.marker,
                title=chunk.title,
                date=format_date(chunk.date) if chunk.date else "undated",
            )
        return self.templates.render(
            "lead_guidance", sentence=passage.lead_sentence, marker=passage.marker
        )


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


def _lead_passages(
    passages: list[Passage], concepts: tuple[Concept, ...], ask: Ask
) -> list[Passage]:
    """For each kind cited, the best-ranked passage whose lead sentence stands alone as an
    answer (the best-ranked one if none does); guidance first: a rule leads, and a finding
    follows as what inspectors found. Retrieval ranks whole passages better than a sentence's
    word overlap can, so rank decides among sentences that stand alone."""
    lead = []
    for kind in (Kind.GUIDANCE, Kind.FINDINGS):
        cited = [p for p in passages if p.hit.chunk.kind is kind]
        standing = [
            p for p in cited if all(_lead_quality(p.lead_sentence, concepts, ask, kind)[:2])
        ]
        if cited:
            lead.append((standing or cited)[0])
    return lead


def _passage(marker: int, hit: Hit, concepts: tuple[Concept, ...], ask: Ask) -> Passage:
    sentences = split_sentences(hit.chunk.text) or [hit.chunk.text]
    # The lead is the sentence that holds most of the question's ideas and states the kind of
    # thing asked for (a frequency for "how often"); never one that reports what someone
    # believed, or asks a question. Ties go to the sentence that echoes the section heading
    # (headings say what a section answers), then to the earlier sentence.
    heading = term_set(hit.chunk.heading_path[-1])

    def rank(i: int) -> tuple[bool, bool, float, int, int]:
        standalone, plain, score = _lead_quality(sentences[i], concepts, ask, hit.chunk.kind)
        return (standalone, plain, score, len(term_set(sentences[i]) & heading), -i)

    best = max(range(len(sentences)), key=rank)
    return Passage(marker, hit, _quote(sentences, best), sentences[best])


# A sentence opening like this leans on the one before it ("That belief is wrong: ..."), so
# read alone it does not stand as an answer.
_ANAPHORA = re.compile(r"^(?:that|this|these|those|it|they|such|however|but|also)\b", re.I)


def _lead_quality(
    sentence: str, concepts: tuple[Concept, ...], ask: Ask, kind: Kind = Kind.GUIDANCE
) -> tuple[bool, bool, float]:
    """How well a sentence leads an answer: it holds the question's ideas and states the kind
    of thing asked for (a frequency for "how often"); it does not lean on the sentence before;
    and, for guidance, it is not a reported belief or a question. (A finding is framed as what
    inspectors found, so "some social workers thought ..." is the finding itself.)"""
    score = _sentence_score(term_set(sentence), concepts)
    if ask is not Ask.OTHER and supplies(ask, sentence):
        score += max((c.weight for c in concepts), default=1.0) / 2
    belief = kind is Kind.GUIDANCE and reports_belief(sentence)
    return (not belief, not _ANAPHORA.match(sentence), score)


def _topic(chunk: Chunk) -> str:
    """What a passage is about, as a reader would name it: its section heading, unnumbered."""
    heading = chunk.heading_path[-1] if len(chunk.heading_path) > 1 else chunk.title
    words = heading_key(heading)
    return words or chunk.title.lower()


def _sentence_score(stems: Set[str], concepts: tuple[Concept, ...]) -> float:
    return sum(c.weight for c in concepts if c.found_in(stems))


def _quote(sentences: list[str], best: int) -> str:
    """The best sentence with its neighbours, up to about QUOTE_WORDS words; '…' marks a cut."""
    first = last = best
    size = word_count(sentences[best])
    while True:
        grew = False
        for candidate in (last + 1, first - 1):
            if 0 <= candidate < len(sentences) and not first <= candidate <= last:
                extra = word_count(sentences[candidate])
                if size + extra <= QUOTE_WORDS:
                    first, last = min(first, candidate), max(last, candidate)
                    size += extra
                    grew = True
        if not grew:
            break
    quote = " ".join(sentences[first : last + 1])
    return ("… " if first > 0 else "") + quote + (" …" if last < len(sentences) - 1 else "")
