"""Thread follow-ups, the feedback form and building the app, without a server."""

from __future__ import annotations

import logging

import pytest

from bot.runtime import Runtime
from bot.slack.feedback import FEEDBACK_VIEW, read_reason, reason_view
from bot.slack.memory import SlackMemory
from bot.slack.threads import Thread, is_follow_up, with_context
from bot.stores.state import LIMITS, MemoryState

ANSWER_ID = "0123456789abcdef0123456789abcdef"


def _memory(clock: list[float] | None = None, **limits: int) -> SlackMemory:
    now = clock or [1000.0]
    return SlackMemory(MemoryState(clock=lambda: now[0], limits=limits or LIMITS))


def test_a_thread_keeps_its_first_question_and_is_renewed_by_later_answers() -> None:
    memory = _memory()
    memory.remember_thread("C1", "1.1", "review conference timescale", asker="U1", private=False)
    memory.remember_thread(
        "C1", "1.1", "review conference timescale and how often?", asker="U2", private=False
    )
    assert memory.thread("C1", "1.1") == Thread("review conference timescale", "U1", False)
    assert memory.thread("C1", "2.2") is None and memory.thread("C2", "1.1") is None
    assert memory.thread("C1", None) is None


def test_a_thread_answered_privately_stays_private() -> None:
    memory = _memory()
    memory.remember_thread(
        "C1", "1.1", "can [name] have a second cp plan?", asker="U1", private=True
    )
    memory.remember_thread("C1", "1.1", "and the core group?", asker="U1", private=False)
    assert memory.thread("C1", "1.1") == Thread("can [name] have a second cp plan?", "U1", True)


def test_threads_are_forgotten_after_a_day_and_beyond_the_limit() -> None:
    clock = [1000.0]
    memory = _memory(clock, threads=3)
    for n in range(5):
        memory.remember_thread("C1", f"{n}.0", f"question {n}", asker="U1", private=False)
    assert memory.thread("C1", "0.0") is None
    assert memory.thread("C1", "4.0") == Thread("question 4", "U1", False)
    clock[0] += 24 * 3600 + 1
    assert memory.thread("C1", "4.0") is None


def test_a_follow_up_is_searched_with_the_earlier_question() -> None:
    assert with_context("rcpc timescale", "and how often after that?") == (
        "rcpc timescale and how often after that?"
    )
    assert with_context(None, "second cp plan") == "second cp plan"
    assert with_context("rcpc timescale", "  ") == "  "  # nothing asked: the help text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("and how often after that?", True),
        ("<@UBOT> who chairs it?", True),
        ("Thanks!", False),
        ("ok.", False),
        ("<@U2> can you pick this up?", False),  # a word to a colleague
        ("<@U2> <@UBOT> what about the core group?", True),
        ("", False),
    ],
)
def test_only_questions_meant_for_the_bot_are_follow_ups(text: str, expected: bool) -> None:
    assert is_follow_up(text, bot_user_id="UBOT") is expected


def test_the_feedback_form_carries_only_the_answer_id_and_reads_back_a_reason() -> None:
    view = reason_view(ANSWER_ID)
    assert view["callback_id"] == FEEDBACK_VIEW and view["private_metadata"] == ANSWER_ID
    options = view["blocks"][0]["element"]["options"]
    assert [o["value"] for o in options] == [
        "does_not_answer",
        "wrong_passage",
        "out_of_date",
        "other",
    ]
    state = {
        "reason": {"reason": {"selected_option": {"value": "out_of_date"}}},
        "comment": {"comment": {"value": "the timescale changed"}},
    }
    reason = read_reason({**view, "state": {"values": state}})
    assert reason is not None
    assert (reason.answer_id, reason.reason, reason.comment) == (
        ANSWER_ID,
        "out_of_date",
        "the timescale changed",
    )
    assert (
        read_reason({**view, "private_metadata": "not-an-id", "state": {"values": state}}) is None
    )
    assert read_reason({**view, "state": {"values": {}}}) is None


def test_the_app_starts_without_a_client_and_token_warning(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.devtools.fake_slack import FakeSlack
    from bot.slack.wiring import assemble
    from tests.fakes.slack import settings_with_slack

    slack = FakeSlack().start()
    try:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-from-the-environment")  # as in production
        runtime.settings = settings_with_slack(runtime.settings, slack.url)
        caplog.set_level(logging.DEBUG)
        worker = assemble(runtime.settings, runtime=runtime)
        worker.stores.close()
        app = worker.app
        assert app.client.base_url == f"{slack.url}/api/"  # still pointed at the fake
        assert app.client.token == "xoxb-test"
        assert [c.method for c in slack.calls] == ["auth.test"]  # the token checked at start
        assert "will be unused" not in caplog.text and "will be ignored" not in caplog.text
    finally:
        slack.stop()
