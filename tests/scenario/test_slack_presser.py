"""Issue 18, finding 8: an answer's buttons act only for whom they were offered. A press with
someone else's answer id (or an id whose answer never had that button) is refused with one
private line, nothing reaches the channel, and the refusal is audited without question text.
Over loopback: the real Bolt app against the fake Slack Web API."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from bot.devtools.fake_slack import channel_message, form, mention, view_submission
from bot.slack.blocks import MORE, SHARE
from bot.slack.feedback import reason_view
from bot.stores.audit import AuditLog
from bot.stores.usage import UsageStore
from tests.fakes.slack import Bot, blocks_of, button
from tests.scenario.interactions import answer_id, feedback_press

NHS = "943 476 5919"
QUESTION = "can a child have a second CP plan? asking about the Willowbrook lad"


def _forged(action_id: str, answer: str) -> dict[str, Any]:
    """A button press carrying an answer id the presser was never shown that button for."""
    return {"action_id": action_id, "value": answer}


def _in_channel(bot: Bot) -> list[dict[str, Any]]:
    return [
        c.params
        for c in bot.slack.of("response_url")
        if c.params.get("response_type") == "in_channel"
    ]


def _refusal(bot: Bot, count: int) -> dict[str, Any]:
    """The `count`th response_url call, checked to be one private line with no blocks."""
    refused = bot.slack.wait_for("response_url", count=count)[count - 1].params
    assert refused["response_type"] == "ephemeral" and refused["replace_original"] is False
    assert "blocks" not in refused
    return refused


def _audited(bot: Bot, action: str) -> list[str]:
    rows = AuditLog(bot.runtime.settings.audit_db).entries()
    return [
        f"{e.actor} {e.action} {e.target} {e.result} {e.detail}" for e in rows if e.action == action
    ]


def _private_ask(bot: Bot, question: str = QUESTION, *, user: str = "U1") -> list[dict[str, Any]]:
    bot.command(question, user=user)
    return bot.slack.wait_for("response_url")[0].params["blocks"]


def test_b_cannot_share_as_private_ask_answer(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    private = _private_ask(bot)
    bot.press(button(private, SHARE), user="U2")
    refused = _refusal(bot, 2)
    assert refused["text"] == "Only the person who asked can share this answer."
    bot.slack.wait_quiet()
    assert not _in_channel(bot)
    assert "delete_original" not in json.dumps([c.params for c in bot.slack.of("response_url")])
    [row] = _audited(bot, "share_refused")
    assert row.startswith(f"slack:U2 share_refused {answer_id(private)} refused")
    assert not any(w in row.lower() for w in ("willowbrook", "lad", "plan"))
    assert f"share of {answer_id(private)} refused: not the asker" in caplog.text
    assert "willowbrook" not in caplog.text.lower()


def test_b_cannot_share_as_deliberately_private_channel_answer_nor_can_a(bot: Bot) -> None:
    bot.event(mention(f"second cp plan for NHS {NHS}"))
    private = blocks_of(bot.slack.wait_for("chat.postEphemeral")[0].params)
    assert not [b for b in private if b["type"] == "actions" and "share" in json.dumps(b)]
    shown = answer_id(private)
    bot.press(_forged(SHARE, shown), user="U2")
    assert _refusal(bot, 1)["text"] == "Only the person who asked can share this answer."
    bot.press(_forged(SHARE, shown), user="U1")  # the asker: it was never offered for sharing
    assert _refusal(bot, 2)["text"] == "This answer was not offered for sharing."
    bot.slack.wait_quiet()
    assert not _in_channel(bot)
    assert len(bot.slack.of("chat.postMessage")) == 1  # the "answered privately" line alone
    assert len(_audited(bot, "share_refused")) == 2


def test_no_one_can_share_a_not_found_answer(bot: Bot) -> None:
    private = _private_ask(bot, "weather in Leeds")
    assert not [b for b in private if b["type"] == "actions"]  # no Share button was offered
    shown = answer_id(private)
    bot.press(_forged(SHARE, shown), user="U2")
    assert _refusal(bot, 2)["text"] == "Only the person who asked can share this answer."
    bot.press(_forged(SHARE, shown), user="U1")
    assert _refusal(bot, 3)["text"] == "This answer was not offered for sharing."
    bot.slack.wait_quiet()
    assert not _in_channel(bot)


def test_b_cannot_comment_on_or_judge_as_private_answer(bot: Bot) -> None:
    private = _private_ask(bot, "second cp plan")
    shown = answer_id(private)
    values = {
        "reason": {"reason": {"selected_option": {"value": "wrong_passage"}}},
        "comment": {"comment": {"type": "plain_text_input", "value": "B was here"}},
    }
    payload = view_submission(reason_view(shown), values, user="U2")
    assert bot.send(form(payload), "application/x-www-form-urlencoded").status == 200
    # The form has closed (acknowledged first): the line reaches B in their messages with the bot.
    told = bot.slack.wait_for("chat.postMessage")[0].params
    assert (told["channel"], told["text"]) == (
        "U2",
        "That answer was given privately to someone else.",
    )
    bot.click(feedback_press(private, helpful=True), user="U2")
    refused = _refusal(bot, 2)
    assert refused["text"] == "That answer was given privately to someone else."
    bot.slack.wait_quiet()
    (record,) = UsageStore(bot.runtime.settings.usage_db).find_answers(shown)
    assert record.feedback == ()  # neither the comment nor the verdict was stored
    assert len(_audited(bot, "feedback_refused")) == 2


def test_b_cannot_see_the_further_sources_of_as_private_answer(bot: Bot) -> None:
    private = _private_ask(bot, "second cp plan")
    bot.press(button(private, MORE), user="U2")
    assert _refusal(bot, 2)["text"] == "That answer was given privately to someone else."


def test_the_askers_own_share_and_buttons_still_work(bot: Bot) -> None:
    private = _private_ask(bot, "second cp plan")
    bot.press(button(private, SHARE), user="U1")
    shared, deleted = (c.params for c in bot.slack.wait_for("response_url", count=3)[1:])
    assert shared["response_type"] == "in_channel" and deleted["delete_original"] is True
    # The shared copy is in the channel: anyone there may use its buttons.
    bot.press(button(shared["blocks"], MORE), user="U2")
    assert bot.slack.wait_for("response_url", count=4)[3].params["text"] == "1 more source"
    bot.click(feedback_press(shared["blocks"], helpful=True), user="U2")
    assert bot.slack.wait_for("response_url", count=5)[4].params["text"].startswith("Thanks")
    assert not _audited(bot, "share_refused") and not _audited(bot, "feedback_refused")


def test_anyone_in_the_channel_may_judge_a_public_answer(bot: Bot) -> None:
    bot.event(mention("second cp plan"))
    blocks = blocks_of(bot.slack.wait_for("chat.postMessage")[0].params)
    bot.click(feedback_press(blocks, helpful=False), user="U2")
    assert bot.slack.wait_for("response_url")[0].params["text"].startswith("Thanks")


def test_b_cannot_judge_as_follow_up_in_a_thread_answered_privately(bot: Bot) -> None:
    root = "1700000003.000100"
    bot.event(mention(f"second cp plan for NHS {NHS}", ts=root), event_id="EvA")
    bot.slack.wait_for("chat.postEphemeral")
    bot.slack.wait_quiet()  # the thread is remembered as private
    follow_up = channel_message(
        "and the review conference?", ts="1700000003.000200", thread_ts=root
    )
    bot.event(follow_up, event_id="EvA2")  # from A, with nothing personal in it
    private = blocks_of(bot.slack.wait_for("chat.postEphemeral", count=2)[1].params)
    bot.click(feedback_press(private, helpful=True), user="U2")
    assert _refusal(bot, 1)["text"] == "That answer was given privately to someone else."
    bot.click(feedback_press(private, helpful=True), user="U1")
    assert bot.slack.wait_for("response_url", count=2)[1].params["text"].startswith("Thanks")
