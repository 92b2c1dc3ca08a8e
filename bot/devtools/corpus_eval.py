"""`practice-bot eval --corpus`: every evaluation corpus, its tuning and held-out parts
reported apart, with or without the glossary's uncovered-topics safety net."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from bot.answering.answerer import Answerer
from bot.answering.reading import Reader
from bot.devtools.corpora import CORPORA, REPO
from bot.devtools.evaluation import EvalReport, format_outcomes, load_cases, run_cases
from bot.embedding import Embedder
from bot.settings import Settings

CACHE = REPO / ".cache" / "eval"


# The reader's part in an answer, for the ablations: (orders the citations, decides).
READER_MODES = {
    "both": (True, True),
    "rank": (True, False),
    "decide": (False, True),
    "off": (False, False),
}


def evaluate_corpus(
    name: str,
    embedder: Embedder,
    *,
    safety_net: bool = True,
    reader: Reader | None = None,
    mode: str = "both",
    cache: Path = CACHE,
) -> EvalReport:
    """One corpus's sets answered with the reader in `mode` (READER_MODES; "off", or no
    reader, is the rule alone)."""
    answerer = corpus_answerer(name, embedder, safety_net=safety_net, cache=cache)
    ranks, decides = READER_MODES[mode]
    if reader is not None and (ranks or decides):
        answerer = Answerer(
            answerer.retriever,
            answerer.templates,
            dataclasses.replace(answerer.policy, reader_ranks=ranks, reader_decides=decides),
            guard=answerer.guard,
            reader=reader,
        )
    corpus = CORPORA[name]
    cases = [c for path in corpus.sets if path.exists() for c in load_cases(path).cases()]
    return run_cases(answerer, cases)


def corpus_answerer(
    name: str, embedder: Embedder, *, safety_net: bool = True, cache: Path = CACHE
) -> Answerer:
    """The rule's answerer over a corpus assembled into `cache` (its index kept between runs)."""
    from bot.runtime import start

    knowledge, index = CORPORA[name].assemble(cache)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=knowledge,
        index_dir=index,
        refuse_unmentioned_terms=safety_net,
        reader=False,  # a reader, if any, is handed in by the caller
    )
    return start(settings, embedder=embedder, progress=False).current()


def format_corpus(name: str, report: EvalReport, *, safety_net: bool, mode: str = "off") -> str:
    net = "with" if safety_net else "without"
    lines = [f"== {name} (reader: {mode}; {net} the uncovered-topics list)"]
    for label, part in (
        ("tuning", report.split(holdout=False)),
        ("held out", report.split(holdout=True)),
    ):
        if not (part.in_scope or part.out_of_scope):
            continue
        s = part.summary()
        lines += [
            f"-- {label}: {s['in_scope']} in scope, {s['out_of_scope']} out of scope",
            f"hit@1 {s['hit@1']:.3f}   hit@3 {s['hit@3']:.3f}   MRR@10 {s['mrr']:.3f}",
            format_outcomes(s),
        ]
    return "\n".join(lines)
