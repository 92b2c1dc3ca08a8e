"""Candidate pairs for labelling: each training question against the retriever's top passages.

    python -m bot.devtools.reader.mine [--top 5] [--corpus NAME ...]

Hard negatives come from where the reader will work: the current hybrid retriever's best
hits. The passage the question's author meant is added when retrieval missed it, so every
answerable question has its positive in the pool. Pairs go to `training/pairs/<corpus>.jsonl`
with everything the trainer needs; the annotators get only the question and the passage
(`batches.py`), never the author's intent, the rank or the corpus's evaluation sets."""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml

from bot.devtools.corpora import REPO, Corpus
from bot.devtools.reader.corpora import TRAINING, TRAINING_CORPORA
from bot.devtools.reader.leakage import too_close
from bot.records import Chunk
from bot.text import split_sentences, squash

PAIRS = TRAINING / "pairs"
CACHE = REPO / ".cache" / "reader"


@dataclass(frozen=True)
class TrainingQuestion:
    q: str
    answerable: bool
    source: str | None = None
    contains: str | None = None
    off_topic: bool = False


@dataclass(frozen=True)
class Pair:
    id: str
    corpus: str
    question: str
    chunk_id: str
    title: str
    section: str
    sentences: tuple[str, ...]
    rank: int  # 0-based in the retriever's order; -1 when added as the author's passage
    score: float
    similarity: float
    intended: bool  # the passage the question's author pointed at (a hint, never the label)


def load_questions(path: Path) -> list[TrainingQuestion]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = set(TrainingQuestion.__dataclass_fields__)
    return [
        TrainingQuestion(**{k: v for k, v in q.items() if k in fields}) for q in data["questions"]
    ]


def pair_id(corpus: str, question: str, chunk_id: str) -> str:
    return hashlib.sha256(f"{corpus}\0{squash(question)}\0{chunk_id}".encode()).hexdigest()[:16]


def passage_sentences(chunk: Chunk) -> tuple[str, ...]:
    return tuple(split_sentences(chunk.text)) or (squash(chunk.text),)


def _intended(chunks: Iterable[Chunk], q: TrainingQuestion) -> Chunk | None:
    if not (q.source and q.contains):
        return None
    needle = squash(q.contains).lower()
    for chunk in chunks:
        if chunk.source.endswith(q.source) and needle in squash(chunk.text).lower():
            return chunk
    return None


def mine(corpus: Corpus, *, top: int, cache: Path = CACHE) -> list[Pair]:
    from bot.runtime import start
    from bot.settings import Settings

    knowledge, index = corpus.assemble(cache)
    settings = Settings(_env_file=None, knowledge_dir=knowledge, index_dir=index)  # type: ignore[call-arg]
    answerer = start(settings, progress=False).current()
    chunks = answerer.retriever.index.chunks
    questions = load_questions(corpus.sets[0])
    dropped = too_close([q.q for q in questions], answerer.retriever.embedder)
    if dropped:
        print(
            f"{corpus.name}: {len(dropped)} questions dropped: too close to an evaluation question"
        )
    pairs: list[Pair] = []
    for q in (q for q in questions if q.q not in dropped):
        hits = answerer.retriever.retrieve(q.q, limit=top).hits
        intended = _intended(chunks, q)
        chosen = [(rank, h.chunk, h.score, h.similarity) for rank, h in enumerate(hits)]
        if intended is not None and all(c.id != intended.id for _, c, _, _ in chosen):
            chosen.append((-1, intended, 0.0, 0.0))
        for rank, chunk, score, similarity in chosen:
            pairs.append(
                Pair(
                    id=pair_id(corpus.name, q.q, chunk.id),
                    corpus=corpus.name,
                    question=q.q,
                    chunk_id=chunk.id,
                    title=chunk.title,
                    section=chunk.section,
                    sentences=passage_sentences(chunk),
                    rank=rank,
                    score=round(score, 4),
                    similarity=round(similarity, 4),
                    intended=intended is not None and chunk.id == intended.id,
                )
            )
    return pairs


def write_pairs(pairs: list[Pair], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for pair in pairs:
            out.write(json.dumps(asdict(pair), ensure_ascii=False) + "\n")


def read_pairs(path: Path) -> list[Pair]:
    with path.open(encoding="utf-8") as lines:
        return [
            Pair(**{**json.loads(line), "sentences": tuple(json.loads(line)["sentences"])})
            for line in lines
        ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument("--corpus", action="append", choices=sorted(TRAINING_CORPORA))
    args = parser.parse_args(argv)
    for name in args.corpus or sorted(TRAINING_CORPORA):
        corpus = TRAINING_CORPORA[name]
        if not corpus.sets[0].exists():
            print(f"{name}: no questions yet ({corpus.sets[0]})")
            continue
        pairs = mine(corpus, top=args.top)
        write_pairs(pairs, PAIRS / f"{name}.jsonl")
        print(f"{name}: {len(pairs)} pairs from {len({p.question for p in pairs})} questions")


if __name__ == "__main__":
    main()
