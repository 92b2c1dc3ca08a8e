"""What the reader adds to an answer: the candidates ordered by whether they answer the
question, and, inside a cited passage, the sentence that carries the answer."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from bot.records import Chunk, Hit
from bot.retrieval.reader import Reading, reader_text
from bot.text import split_sentences

READ_CANDIDATES = 20  # the retriever's best hits the reader reads, passages and sentences
READ_FIRST = 10  # read first; the rest only when none of these answers


class Reader(Protocol):
    """Reads a question with texts; the shipped one is bot/retrieval/reader.py's OnnxReader."""

    def read(self, question: str, texts: Sequence[str]) -> list[Reading]: ...


@dataclass(frozen=True)
class Read:
    """A hit with the reader's view of it, and the score citations are ordered by."""

    hit: Hit
    reading: Reading
    score: float


def read_hits(
    reader: Reader, question: str, hits: Sequence[Hit], *, weight: float, answers_at: float
) -> list[Read]:
    """Up to READ_CANDIDATES hits read, best first. The first READ_FIRST are read, and the rest
    only if none of them answers (P(answers) below `answers_at`, the policy's threshold):
    whether the question is answered comes out the same as reading all of them, at half the
    cost for most questions. Retrieval's fused score keeps a small weight: the reader alone
    ranked worse than retrieval in the first trial (shared/facts/reader-first-trial.md), and
    together they break the reader's near-ties."""
    hits = hits[:READ_CANDIDATES]
    texts = [passage_text(h.chunk) for h in hits]
    readings = reader.read(question, texts[:READ_FIRST])
    if len(hits) > READ_FIRST and max(r.answers for r in readings) < answers_at:
        readings += reader.read(question, texts[READ_FIRST:])
    return ordered(hits[: len(readings)], readings, weight)


def ordered(hits: Sequence[Hit], readings: Sequence[Reading], weight: float) -> list[Read]:
    """Hits with their readings, best first by P(answers) + weight x the fused score."""
    read = [
        Read(hit, reading, reading.answers + weight * hit.score)
        for hit, reading in zip(hits, readings, strict=True)
    ]
    return sorted(read, key=lambda r: -r.score)


def passage_text(chunk: Chunk) -> str:
    return reader_text(chunk.title, chunk.section, sentences(chunk))


def sentences(chunk: Chunk) -> list[str]:
    return split_sentences(chunk.text) or [chunk.text]


def best_sentences(
    reader: Reader,
    question: str,
    chunks: Sequence[Chunk],
    *,
    may_lead: Callable[[str, Chunk], bool] = lambda sentence, chunk: True,
) -> list[int]:
    """For each passage, the index of its sentence most likely to carry the answer, among
    those that may lead at all (the answerer's rule: not a reported belief); earlier on ties.
    Every passage's sentences go to the reader in one call rather than one call per citation:
    each run of the graph costs about 7 ms before it reads a word (measured at stop 25)."""
    parts = [sentences(chunk) for chunk in chunks]
    texts = [
        reader_text(chunk.title, chunk.section, [sentence])
        for chunk, said in zip(chunks, parts, strict=True)
        if len(said) > 1
        for sentence in said
    ]
    readings = iter(reader.read(question, texts) if texts else [])
    best = []
    for chunk, said in zip(chunks, parts, strict=True):
        if len(said) == 1:
            best.append(0)
            continue
        read = [next(readings) for _ in said]
        best.append(
            max(range(len(said)), key=lambda i: (may_lead(said[i], chunk), read[i].answers, -i))
        )
    return best
