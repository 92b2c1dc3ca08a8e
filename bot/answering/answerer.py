"""The plain answering function: question in, cited Answer (or an honest abstention) out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
import time
from collections.abc import Callable, Set

from bot.answering.asks import Ask, asks, reports_belief, supplies
from bot.answering.personal_data import PLACEHOLDER, PersonalDataGuard
from bot.answering.policy import AnswerPolicy, Decision
from bot.answering.present import format_date
from bot.answering.reading import Reader, best_sentences, read_hits, sentences
from bot.answering.templates import Templates
from bot.errors import QuestionError
from bot.ingest.structure import heading_key
from bot.records import Answer, Chunk, Concept, Hit, Kind, Outcome, Passage
from bot.retrieval.retriever import Retriever
from bot.text import squash, term_set, word_count

QUOTE_WORDS = 70  # a quote grows around its best sentence up to about this many words
LEAD_WORDS = 60  # a lead that leans on the sentence before takes it along up to this many words
CANDIDATES = 30  # fused hits considered for citation
RELATED_SHOWN = 2  # related passages shown when the sources do not answer


class Answerer:
    """Retrieves, lets the policy decide whether the sources answer, and composes the reply."""

    def __init__(
        self,
        retriever: Retriever,
        templates: Templates,
        policy: AnswerPolicy,
        *,
        guard: PersonalDataGuard | None = None,
        reader: Reader | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.retriever = retriever
        self.templates = templates
        self.policy = policy
        self.guard = guard or PersonalDataGuard()
        self.reader = reader  # None: the similarity rule decides (PRACTICE_BOT_READER=off)
        self._today = today

    def over(self, retriever: Retriever) -> Answerer:
        """The same answerer over another index version (the runtime swaps it in whole)."""
        return Answerer(
            retriever,
            self.templates,
            self.policy,
            guard=self.guard,
            reader=self.reader,
            today=self._today,
        )

    def answer(
        self, question: str, *, top_k: int | None = None, timings: dict[str, float] | None = None
    ) -> Answer:
        """The reply to one question; `top_k` overrides how many passages may be cited, and
        `timings` (if given) receives the seconds each stage took."""
        text, notices, note = self.clean(question)
        searched = PLACEHOLDER.sub(" ", text) if note else text  # placeholders are not topics
        retrieval = self.retriever.retrieve(searched, limit=CANDIDATES, timings=timings)
        started = time.perf_counter()
        read = None
        if self.reader is not None and retrieval.hits:
            read = read_hits(
                self.reader,
                searched,
                retrieval.hits,
                weight=self.policy.reader_weight,
                answers_at=self.policy.reader_answer,
            )
            if timings is not None:
                timings["reader"] = time.perf_counter() - started
        policy = self.policy if top_k is None else dataclasses.replace(self.policy, top_k=top_k)
        decision = policy.decide(text, retrieval, read)
        reply = self._compose(searched, decision, retrieval.concepts)
        if timings is not None:
            timings["compose"] = time.perf_counter() - started - timings.get("reader", 0.0)
        return dataclasses.replace(
            reply,
            question=text,
            notices=tuple(notices),
            today=self._today(),
            privacy_note=note,
            nearest=retrieval.hits[0].chunk.id if retrieval.hits else None,
        )

    def _compose(self, question: str, decision: Decision, concepts: tuple[Concept, ...]) -> Answer:
        contact = self.policy.contact
        made = functools.partial(
            Answer, question=question, outcome=decision.outcome, decided_by=decision.decided_by
        )
        if decision.template == "abstain_dated":
            first = decision.hits[0].chunk
            when = format_date(first.date) if first.date else "an earlier date"
            text = self.templates.render("abstain_dated", date=when, contact=contact)
            return made(text=text)
        if decision.outcome is Outcome.NOT_FOUND:
            return made(text=self.templates.render(decision.template, contact=contact))
        if decision.outcome is Outcome.RELATED:
            first = decision.hits[0].chunk
            text = self.templates.render(
                "related",
                sources="findings" if first.kind is Kind.FINDINGS else "guidance",
                topic=_topic(first),
                contact=contact,
            )
            shown = list(zip(decision.hits[:RELATED_SHOWN], decision.readers, strict=False))
            related = self._passages(shown, question, concepts, Ask.OTHER)
            return made(text=text, passages=tuple(related))
        ask = asks(question)
        cited = list(zip(decision.hits, decision.readers, strict=True))
        passages = self._passages(cited, question, concepts, ask)
        leading = (
            _lead_passages(passages, concepts, ask)
            if self.reader is None
            else _first_of_each_kind(passages)
        )
        lead = "\n".join(self._lead_line(p) for p in leading)
        return made(text=lead, passages=tuple(passages))

    def _passages(
        self,
        cited: list[tuple[Hit, float | None]],
        question: str,
        concepts: tuple[Concept, ...],
        ask: Ask,
    ) -> list[Passage]:
        """The cited passages, numbered, each with its lead sentence: the reader's choice when
        it is on, else the rule's (_passage)."""
        if self.reader is None:
            return [_passage(n, hit, concepts, ask) for n, (hit, _) in enumerate(cited, 1)]
        # Only the reported-belief test: the rule's "leans on the sentence before" test also
        # rejects manuals' plain "This must happen within..." answers (with it, the transfer
        # corpus's lead fell from 0.829 to 0.780); _lead gives such a sentence its context.
        bests = best_sentences(
            self.reader,
            question,
            [hit.chunk for hit, _ in cited],
            may_lead=lambda sentence, chunk: not _reported_belief(sentence, chunk.kind),
        )
        passages = []
        for n, ((hit, reader), best) in enumerate(zip(cited, bests, strict=True), 1):
            parts = sentences(hit.chunk)
            lead = _lead(parts, best, hit.chunk.kind)
            passages.append(Passage(n, hit, _quote(parts, best), lead, reader))
        return passages

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


def _first_of_each_kind(passages: list[Passage]) -> list[Passage]:
    """The reader ordered the citations: the first of each kind leads, guidance first (a rule
    leads, and a finding follows as what inspectors found)."""
    return [
        next(p for p in passages if p.hit.chunk.kind is kind)
        for kind in (Kind.GUIDANCE, Kind.FINDINGS)
        if any(p.hit.chunk.kind is kind for p in passages)
    ]


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
    parts = sentences(hit.chunk)
    # The lead is the sentence that holds most of the question's ideas and states the kind of
    # thing asked for (a frequency for "how often"); never one that reports what someone
    # believed, or asks a question. Ties go to the sentence that echoes the section heading
    # (headings say what a section answers), then to the earlier sentence.
    heading = term_set(hit.chunk.heading_path[-1])

    def rank(i: int) -> tuple[bool, bool, float, int, int]:
        standalone, plain, score = _lead_quality(parts[i], concepts, ask, hit.chunk.kind)
        return (standalone, plain, score, len(term_set(parts[i]) & heading), -i)

    best = max(range(len(parts)), key=rank)
    return Passage(marker, hit, _quote(parts, best), _lead(parts, best, hit.chunk.kind))


# A sentence opening like this leans on the one before it ("That belief is wrong: ..."), so
# read alone it does not stand as an answer.
_ANAPHORA = re.compile(r"^(?:that|this|these|those|it|they|such|however|but|also)\b", re.I)
# "That belief is wrong: " - a few words judging the sentence before, then what stands alone.
_JUDGEMENT = re.compile(rf"{_ANAPHORA.pattern}[^:;.]{{0,40}}:\s+(?=\w)", re.I)


def _lead(sentences: list[str], best: int, kind: Kind) -> str:
    """The lead sentence, made to stand alone when it leans on the one before ("This must
    happen within 15 working days"): the sentence before is taken along if the two are short
    enough to lead together. A guidance lead never opens with a reported belief, though: then
    what follows a judgement of it ("That belief is wrong: a child can ...") leads alone."""
    sentence = sentences[best]
    if best == 0 or not _ANAPHORA.match(sentence):
        return sentence
    before = sentences[best - 1]
    if _reported_belief(before, kind):
        judged = _JUDGEMENT.match(sentence)
        rest = sentence[judged.end() :] if judged else ""
        return rest[:1].upper() + rest[1:] if rest else sentence
    together = f"{before} {sentence}"
    return together if word_count(together) <= LEAD_WORDS else sentence


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
    return (not _reported_belief(sentence, kind), not _ANAPHORA.match(sentence), score)


def _reported_belief(sentence: str, kind: Kind) -> bool:
    """Guidance reporting what someone believed never leads; a finding is framed as what
    inspectors found, so "some social workers thought ..." is the finding itself."""
    return kind is Kind.GUIDANCE and reports_belief(sentence)


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
