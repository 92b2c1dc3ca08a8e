"""Calibrating the reader's thresholds on the evaluation sets' tuning parts only.

    python -m bot.devtools.reader.calibrate [--corpus starter --corpus manual ...]

Each tuning question is retrieved and read once; the policy is then replayed over a grid of
`reader_answer` (P(answers) to answer) and `reader_weight` (retrieval's share of the citation
order). The objective is the balanced share of right outcomes: in-scope questions answered
with an expected passage among the first three cited, and out-of-scope questions not
answered, each counted as half; ties go to the higher hit@1. The held-out parts and the
transfer corpus are never read here."""

from __future__ import annotations

import argparse
import dataclasses
import itertools
from dataclasses import dataclass

from bot.answering.policy import AnswerPolicy
from bot.answering.reading import READ_CANDIDATES, Read, ordered, passage_text
from bot.devtools.corpora import CORPORA
from bot.devtools.corpus_eval import corpus_answerer
from bot.devtools.evaluation import Case, load_cases
from bot.records import Outcome, Retrieval
from bot.retrieval.reader import Reading

TUNED_ON = ("starter", "manual", "replaced")
ANSWER_GRID = tuple(round(0.2 + 0.05 * i, 2) for i in range(15))
WEIGHT_GRID = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)


@dataclass(frozen=True)
class Seen:
    case: Case
    inside: bool
    question: str
    retrieval: Retrieval
    readings: tuple[Reading, ...]


def gather(names: tuple[str, ...]) -> list[Seen]:
    from bot.runtime import make_embedder, make_reader
    from bot.settings import Settings

    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    embedder, reader = make_embedder(settings), make_reader(settings)
    seen: list[Seen] = []
    for name in names:
        answerer = corpus_answerer(name, embedder)
        for path in CORPORA[name].sets:
            for case, inside in load_cases(path).cases():
                if case.holdout:
                    continue
                text, _, _ = answerer.clean(case.q)
                retrieval = answerer.retriever.retrieve(text, limit=30)
                hits = retrieval.hits[:READ_CANDIDATES]
                readings = reader.read(text, [passage_text(h.chunk) for h in hits])
                seen.append(Seen(case, inside, text, retrieval, tuple(readings)))
    return seen


def replay(policy: AnswerPolicy, seen: list[Seen]) -> dict[str, float]:
    inside = [s for s in seen if s.inside]
    outside = [s for s in seen if not s.inside]
    right_in = hit1 = 0
    for s in inside:
        decision = policy.decide(s.question, s.retrieval, _read(policy, s))
        if decision.outcome is not Outcome.ANSWERED:
            continue
        ranks = [
            i for i, h in enumerate(decision.hits) if any(e.matches(h.chunk) for e in s.case.expect)
        ]
        right_in += bool(ranks and ranks[0] < 3)
        hit1 += bool(ranks and ranks[0] == 0)
    refused = sum(
        policy.decide(s.question, s.retrieval, _read(policy, s)).outcome is not Outcome.ANSWERED
        for s in outside
    )
    answered_right = right_in / (len(inside) or 1)
    not_answered = refused / (len(outside) or 1)
    return {
        "objective": (answered_right + not_answered) / 2,
        "in_scope_answered_hit3": answered_right,
        "hit@1": hit1 / (len(inside) or 1),
        "out_of_scope_not_answered": not_answered,
    }


def _read(policy: AnswerPolicy, s: Seen) -> list[Read]:
    return ordered(s.retrieval.hits[:READ_CANDIDATES], s.readings, policy.reader_weight)


def calibrate(names: tuple[str, ...] = TUNED_ON) -> tuple[AnswerPolicy, dict[str, float]]:
    seen = gather(names)
    base = AnswerPolicy()
    best: tuple[tuple[float, float], AnswerPolicy, dict[str, float]] | None = None
    for answer, weight in itertools.product(ANSWER_GRID, WEIGHT_GRID):
        policy = dataclasses.replace(
            base,
            reader_answer=answer,
            reader_weight=weight,
            reader_cite=min(answer, base.reader_cite),
        )
        figures = replay(policy, seen)
        key = (figures["objective"], figures["hit@1"])
        if best is None or key > best[0]:
            best = (key, policy, figures)
    assert best is not None
    print(f"{len(seen)} tuning questions from {', '.join(names)}")
    print(f"reader_answer {best[1].reader_answer}  reader_weight {best[1].reader_weight}")
    for name, value in best[2].items():
        print(f"  {name}: {value:.3f}")
    return best[1], best[2]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="append", choices=TUNED_ON)
    args = parser.parse_args(argv)
    calibrate(tuple(args.corpus or TUNED_ON))


if __name__ == "__main__":
    main()
