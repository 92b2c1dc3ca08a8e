"""The corpora the reader learns from, and the one kept out of training to measure transfer.

Training questions live in `training/questions/<corpus>.yaml`; they were written by sessions
that never saw the evaluation sets (`tests/eval/`), and `leakage.py` drops any that still
come too close to an evaluation question."""

from __future__ import annotations

from pathlib import Path

from bot.devtools.corpora import CORPORA, GLOSSARY, MANUAL, REPO, Corpus

TRAINING = REPO / "training"
QUESTIONS = TRAINING / "questions"


def _written(name: str) -> Path:
    return TRAINING / "corpora" / name


TRAINING_CORPORA = {
    "starter": Corpus("starter", ((REPO / "knowledge", "."),), (QUESTIONS / "starter.yaml",)),
    "westmere": Corpus(
        "westmere", ((MANUAL, "."), (GLOSSARY, "glossary.yaml")), (QUESTIONS / "westmere.yaml",)
    ),
    "harrowby": Corpus(
        "harrowby",
        ((_written("harrowby"), "."), (GLOSSARY, "glossary.yaml")),
        (QUESTIONS / "harrowby.yaml",),
    ),
    "oakhurst": Corpus(
        "oakhurst",
        ((_written("oakhurst"), "."), (GLOSSARY, "glossary.yaml")),
        (QUESTIONS / "oakhurst.yaml",),
    ),
}

# Never trained on, not even its passages: the evaluation's "transfer" corpus
# (bot/devtools/corpora.py) is the Tamsford handbook, which has no training questions here.
TRANSFER = CORPORA["transfer"]
