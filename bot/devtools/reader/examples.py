"""Labelled pairs as training examples: passages with three labels, and their sentences with
two (carries the answer or not), split by question so no question is in two splits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.devtools.reader.batches import Label
from bot.devtools.reader.mine import Pair
from bot.retrieval.reader import reader_text

ANSWERS, TOPIC, UNRELATED = 0, 1, 2
LABEL_INDEX = {"answers": ANSWERS, "topic": TOPIC, "unrelated": UNRELATED}
DEV_SHARE = 0.15  # questions kept apart inside training, to choose epochs and designs


@dataclass(frozen=True)
class Example:
    question: str
    text: str
    label: int  # ANSWERS, TOPIC or UNRELATED; a sentence is ANSWERS or TOPIC
    corpus: str
    sentence: bool  # a sentence of a passage rather than the whole passage


def in_dev(question: str) -> bool:
    digest = hashlib.sha256(question.strip().lower().encode()).digest()
    return digest[0] < 256 * DEV_SHARE


def examples(
    pairs: list[Pair], labels: dict[str, Label], *, sentences: bool = True
) -> list[Example]:
    out: list[Example] = []
    for pair in pairs:
        label = labels.get(pair.id)
        if label is None:
            continue
        value = LABEL_INDEX[label.label]
        out.append(
            Example(
                pair.question,
                reader_text(pair.title, pair.section, pair.sentences),
                value,
                pair.corpus,
                False,
            )
        )
        # Sentences of answering passages only: the lead is chosen among them, and a sentence
        # of a passage that does not answer is "topic" at most (already taught by its passage).
        if not sentences or value != ANSWERS or len(pair.sentences) < 2:
            continue
        for number, sentence in enumerate(pair.sentences, 1):
            out.append(
                Example(
                    pair.question,
                    reader_text(pair.title, pair.section, [sentence]),
                    ANSWERS if number in label.sentences else TOPIC,
                    pair.corpus,
                    True,
                )
            )
    return out


def split(items: list[Example]) -> tuple[list[Example], list[Example]]:
    train = [e for e in items if not in_dev(e.question)]
    dev = [e for e in items if in_dev(e.question)]
    return train, dev
