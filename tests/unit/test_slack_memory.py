"""What the Slack edge remembers (bot/slack/memory.py): typed records through the State, on
both backends, and what it does when the State cannot be reached."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answering.brief import Brief
from bot.errors import StateUnavailableError
from bot.records import Answer, Chunk, Hit, Kind, Outcome, Passage
from bot.slack.given import Given
from bot.slack.memory import ANSWER_SECONDS, SlackMemory
from tests.fakes.stores import Backend


def _given() -> Given:
    chunk = Chunk(
        id="c1",
        text="A child may be made subject to a second plan.",
        source="guidance/cp.md",
        title="Child protection plans",
        kind=Kind.GUIDANCE,
        heading_path=("Child protection plans", "Second plans"),
        paragraph="3",
        date=dt.date(2025, 3, 1),
        review_due=None,
        url="https://example.org/cp",
    )
    hit = Hit(chunk=chunk, score=0.8, similarity=0.7, lexical=3.2)
    answer = Answer(
        question="can a child have a second cp plan",
        outcome=Outcome.ANSWERED,
        text="Yes. [1]",
        passages=(Passage(1, hit, chunk.text, chunk.text, reader=0.91),),
        today=dt.date(2026, 12, 2),
        privacy_note="A name was removed.",
    )
    return Given(answer, "v-20261202", asker="U1", public=False, shareable=True)


def test_an_answer_comes_back_whole_on_any_worker_until_it_expires(backend: Backend) -> None:
    state = backend.state()
    given = _given()
    SlackMemory(state).keep_answer("a1", given)
    other_worker = SlackMemory(state)
    assert other_worker.answer("a1") == given
    backend.clock.now += ANSWER_SECONDS + 1
    assert other_worker.answer("a1") is None


def test_a_brief_keeps_who_asked_for_it(backend: Backend) -> None:
    memory = SlackMemory(backend.state())
    brief = Brief("supervision", (), (), ())
    brief_id = memory.keep_brief(brief, asker="U9")
    held = memory.brief(brief_id)
    assert held is not None and (held.brief, held.asker) == (brief, "U9")


def test_a_message_is_answered_once_by_whichever_worker_sees_it_first(backend: Backend) -> None:
    state = backend.state()
    assert SlackMemory(state).first_delivery("C1:1.1")
    assert not SlackMemory(state).first_delivery("C1:1.1", retry=True)
    assert not SlackMemory(state).first_delivery("C1:1.1")  # redelivered under a new event id
    assert SlackMemory(state).first_delivery("C1:1.2")


def test_the_rate_limit_counts_across_workers(backend: Backend) -> None:
    state = backend.state()
    first, second = SlackMemory(state), SlackMemory(state)
    assert all(m.allow("U1", limit=3) for m in (first, second, first))
    assert not second.allow("U1", limit=3)
    assert first.allow("U2", limit=3)


class _Down:
    """A State whose database has gone away."""

    def put_first(self, *args: object, **kwargs: object) -> bool:
        raise StateUnavailableError("the database did not answer in 5 s")

    get = incr = purge_expired = put_first


@pytest.mark.parametrize(("retry", "answered"), [(False, True), (True, False)])
def test_without_the_state_a_first_delivery_is_answered_and_a_retry_is_not(
    retry: bool, answered: bool, caplog: pytest.LogCaptureFixture
) -> None:
    memory = SlackMemory(_Down())  # type: ignore[arg-type]
    assert memory.first_delivery("C1:1.1", retry=retry) is answered
    assert "shared state unavailable" in caplog.text


def test_without_the_state_questions_are_let_through_and_buttons_find_nothing() -> None:
    memory = SlackMemory(_Down())  # type: ignore[arg-type]
    assert memory.allow("U1", limit=1) and memory.allow("U1", limit=1)
    memory.keep_answer("a1", _given())  # logged, not raised
    assert memory.answer("a1") is None and memory.thread("C1", "1.1") is None
    assert memory.first_signature("v0=a", expires_at=2_000.0, now=1_000.0)
