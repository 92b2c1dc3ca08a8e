"""Fixtures the Slack scenario tests share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.fakes.slack import Bot


@pytest.fixture
def asked(bot: Bot, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every question the answerer is asked (what was searched for)."""
    answerer = bot.runtime.current()
    questions: list[str] = []
    real: Callable[..., Any] = answerer.answer

    def spy(question: str, **kwargs: Any) -> Any:
        questions.append(question)
        return real(question, **kwargs)

    monkeypatch.setattr(answerer, "answer", spy)
    return questions
