"""The guard against the hand-written set: identifying details gone, practice words kept."""

from __future__ import annotations

import pytest

from bot.answering.personal_data import PersonalDataGuard
from bot.devtools.privacy_eval import PrivacyFigures, figures, held_out, load_set


@pytest.fixture(scope="module")
def whole_set() -> PrivacyFigures:
    return figures(PersonalDataGuard())


def test_identifying_details_are_removed(whole_set: PrivacyFigures) -> None:
    assert whole_set.removed_rate >= 0.95, "\n".join(whole_set.missed)


def test_practice_words_are_kept(whole_set: PrivacyFigures) -> None:
    assert whole_set.practice_removed_rate <= 0.02, "\n".join(whole_set.lost)
    assert whole_set.keep_rate >= 0.98, "\n".join(whole_set.lost)


def test_every_third_question_is_held_out() -> None:
    questions = load_set().questions
    assert len(held_out(questions)) == len(questions) // 3
    assert held_out(questions)[0] == questions[2]
