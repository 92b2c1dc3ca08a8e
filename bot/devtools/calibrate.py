"""Fitting the answer decision: features of every question's retrieval on each corpus, a
logistic regression fitted on the tuning parts only, figures on the held-out parts.

    python -m bot.devtools.calibrate [--write]

`--write` stores the weights in bot/answering/decision.json with what they were fitted on."""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass

import numpy as np

from bot.devtools.corpora import CORPORA, REPO
from bot.devtools.corpus_eval import CACHE
from bot.devtools.evaluation import FAMILIAR, load_cases
from bot.devtools.evidence import Evidence, gather
from bot.embedding import Embedder
from bot.settings import Settings

WEIGHTS = REPO / "bot" / "answering" / "decision.json"


@dataclass(frozen=True)
class Row:
    corpus: str
    question: str
    answerable: bool
    holdout: bool
    tag: str | None
    evidence: Evidence


def collect(embedder: Embedder, names: list[str]) -> list[Row]:
    from bot.runtime import start

    rows = []
    for name in names:
        corpus = CORPORA[name]
        knowledge, index = corpus.assemble(CACHE)
        settings = Settings(_env_file=None, knowledge_dir=knowledge, index_dir=index)  # type: ignore[call-arg]
        retriever = start(settings, embedder=embedder, progress=False).current().retriever
        for path in corpus.sets:
            if not path.exists():
                continue
            for case, inside in load_cases(path).cases():
                evidence = gather(case.q, retriever.retrieve(case.q, limit=10))
                rows.append(Row(name, case.q, inside, case.holdout, case.tag, evidence))
    return rows


def fit(rows: list[Row], *, l2: float = 0.01, steps: int = 4000) -> tuple[np.ndarray, float]:
    """Logistic regression by gradient descent (plain numpy: nothing more is needed)."""
    x = np.array([r.evidence.vector() for r in rows], dtype=np.float64)
    y = np.array([r.answerable for r in rows], dtype=np.float64)
    # Each corpus counts equally, however many questions it has.
    counts = {c: sum(r.corpus == c for r in rows) for c in {r.corpus for r in rows}}
    sample = np.array([1.0 / counts[r.corpus] for r in rows])
    sample /= sample.sum()
    w = np.zeros(x.shape[1])
    b = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        grad = p - y
        w -= 2.0 * (x.T @ (sample * grad) + l2 * w)
        b -= 2.0 * float(sample @ grad)
    return w, b


def probability(evidence: Evidence, w: np.ndarray, b: float) -> float:
    return 1 / (1 + math.exp(-(float(np.dot(evidence.vector(), w)) + b)))


def figures(rows: list[Row], w: np.ndarray, b: float, cut: float) -> dict[str, float]:
    inside = [r for r in rows if r.answerable]
    familiar = [r for r in rows if not r.answerable and r.tag in FAMILIAR]
    off = [r for r in rows if not r.answerable and r.tag not in FAMILIAR]

    def rate(group: list[Row], answered: bool) -> float:
        if not group:
            return float("nan")
        hits = [(probability(r.evidence, w, b) >= cut) == answered for r in group]
        return sum(hits) / len(group)

    return {
        "answered": rate(inside, True),
        "familiar_refused": rate(familiar, False),
        "off_topic_refused": rate(off, False),
        "n": len(rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--corpora", default="starter,manual,replaced")
    args = parser.parse_args()
    from bot.runtime import make_embedder

    names = [n for n in args.corpora.split(",") if n]
    rows = collect(make_embedder(Settings(_env_file=None)), names)  # type: ignore[call-arg]
    tune = [r for r in rows if not r.holdout]
    w, b = fit(tune)
    print("weights", dict(zip(Evidence.NAMES, np.round(w, 3), strict=True)), "bias", round(b, 3))
    for cut in (0.3, 0.4, 0.5, 0.6, 0.7):
        for name in names:
            for held in (False, True):
                part = [r for r in rows if r.corpus == name and r.holdout == held]
                f = figures(part, w, b, cut)
                print(f"cut {cut} {name:9} {'holdout' if held else 'tune':8} {f}")
    if args.write:
        WEIGHTS.write_text(
            json.dumps(
                {
                    "features": list(Evidence.NAMES),
                    "weights": [round(float(v), 4) for v in w],
                    "bias": round(b, 4),
                    "fitted_on": [f"{n} (tuning parts)" for n in names],
                },
                indent=2,
            )
            + "\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
