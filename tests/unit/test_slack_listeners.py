"""Each listener called directly with mocked ack / respond / client, as Bolt would call it."""

from __future__ import annotations

from unittest.mock import MagicMock, call

import pytest

from bot.runtime import Runtime
from bot.slack.listeners.actions import verdict_action
from bot.slack.listeners.commands import ask_command
from bot.slack.listeners.events import mention_event, message_event
from bot.slack.replies import SlackDeps
from bot.slack.wiring import slack_deps


@pytest.fixture
def deps(runtime: Runtime) -> SlackDeps:
    return slack_deps(runtime)


def test_ask_acks_before_it_answers(deps: SlackDeps) -> None:
    order = MagicMock()
    ask_command(deps)(
        ack=order.ack, command={"text": "rcpc timescale", "user_id": "U1"}, respond=order.respond
    )
    assert [c[0] for c in order.mock_calls] == ["ack", "respond"]
    kwargs = order.respond.call_args.kwargs
    assert kwargs["response_type"] == "ephemeral"
    assert "Review conferences" in str(kwargs["blocks"])


def test_ask_without_a_question_gets_the_help_text(deps: SlackDeps) -> None:
    respond = MagicMock()
    ask_command(deps)(ack=MagicMock(), command={"text": "  ", "user_id": "U1"}, respond=respond)
    assert respond.call_args.kwargs["text"].startswith("Ask a practice question")
    assert deps.store.summary().answers == 0


def test_a_mention_is_answered_in_its_thread(deps: SlackDeps) -> None:
    client = MagicMock()
    event = {
        "type": "app_mention",
        "channel": "C1",
        "ts": "5.5",
        "user": "U1",
        "text": "<@UBOT> second cp plan",
    }
    mention_event(deps)(event=event, body={"event_id": "Ev1"}, client=client)
    kwargs = client.chat_postMessage.call_args.kwargs
    assert (kwargs["channel"], kwargs["thread_ts"]) == ("C1", "5.5")
    assert client.reactions_add.call_args == call(channel="C1", timestamp="5.5", name="mag")


def test_a_reply_inside_a_thread_stays_in_that_thread(deps: SlackDeps) -> None:
    client = MagicMock()
    event = {"channel": "C1", "ts": "6.6", "thread_ts": "5.5", "user": "U1", "text": "<@UBOT> rcpc"}
    mention_event(deps)(event=event, body={"event_id": "Ev2"}, client=client)
    assert client.chat_postMessage.call_args.kwargs["thread_ts"] == "5.5"


def test_a_reaction_failure_does_not_stop_the_answer(deps: SlackDeps) -> None:
    from slack_sdk.errors import SlackApiError

    client = MagicMock()
    client.reactions_add.side_effect = SlackApiError("no", {"ok": False, "error": "missing_scope"})
    event = {"channel": "D1", "channel_type": "im", "ts": "7.7", "user": "U1", "text": "rcpc"}
    message_event(deps)(event=event, body={"event_id": "Ev3"}, client=client)
    assert client.chat_postMessage.called


def test_feedback_on_an_unknown_answer_says_it_was_not_recorded(deps: SlackDeps) -> None:
    respond = MagicMock()
    verdict_action(deps, helpful=False)(
        ack=MagicMock(),
        action={"value": "no-such-answer"},
        body={"user": {"id": "U1"}},
        respond=respond,
    )
    assert "could not be recorded" in respond.call_args.kwargs["text"]
