"""A deterministic fake reader: what unit tests use instead of the shipped model."""

from __future__ import annotations

from collections.abc import Sequence

from bot.retrieval.reader import Reading


class FakeReader:
    """Says a text answers when it holds a chosen marker phrase, is on the topic when it holds
    any of the question's words, and is unrelated otherwise; records what it was asked."""

    def __init__(self, answers: str = "", topic: float = 0.6) -> None:
        self.answers = answers.lower()
        self.topic = topic
        self.calls: list[tuple[str, list[str]]] = []

    def read(self, question: str, texts: Sequence[str]) -> list[Reading]:
        self.calls.append((question, list(texts)))
        words = {w for w in question.lower().split() if len(w) > 3}
        out = []
        for text in texts:
            lower = text.lower()
            if self.answers and self.answers in lower:
                out.append(Reading(answers=0.9, topic=0.08))
            elif any(w in lower for w in words):
                out.append(Reading(answers=0.05, topic=self.topic))
            else:
                out.append(Reading(answers=0.01, topic=0.02))
        return out
