"""Keep evaluation questions out of training: a training question too close to any question in
`tests/eval/` (same words, or near-identical meaning) is dropped before mining.

The authors of the training questions never saw the evaluation sets, but a worker's natural
questions about the same corpus overlap by chance; this is the check that they did not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import yaml

from bot.devtools.corpora import EVAL
from bot.embedding import Embedder
from bot.text import term_set

NEAR = 0.90  # cosine of question embeddings above which two questions ask the same thing


def evaluation_questions(folder: Path = EVAL) -> list[str]:
    """Every question of every evaluation set (any part, any key), personal-data sets aside."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("q"), str):
                found.append(node["q"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(folder.rglob("*.yaml")):
        if not path.name.startswith("personal_data"):
            walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def too_close(questions: list[str], embedder: Embedder, folder: Path = EVAL) -> set[str]:
    """The training questions that repeat an evaluation question, in words or in meaning."""
    held = evaluation_questions(folder)
    if not held or not questions:
        return set()
    words = {frozenset(term_set(q)) for q in held}
    ours = embedder.embed(questions)
    theirs = embedder.embed(held)
    nearest = (np.asarray(ours) @ np.asarray(theirs).T).max(axis=1)
    return {
        q
        for q, sim in zip(questions, nearest.tolist(), strict=True)
        if sim >= NEAR or frozenset(term_set(q)) in words
    }
