"""Issue 11: what the buttons under an answer may carry and how often they may be pressed."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.devtools.fake_slack import mention
from bot.settings import Settings
from bot.slack.blocks import more_sources_message
from bot.stores.usage import UsageStore
from tests.fakes.slack import Bot, blocks_of, button, texts
from tests.scenario.interactions import feedback_press, feedback_values

# Details the personal-data guard does not recognise, which must still never reach a button.
QUESTION = "can a child have a second CP plan? asking about the Willowbrook lad"
PRIVATE_WORDS = ["willowbrook", "lad", "asking", "child", "second", "plan"]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"rate_limit_per_minute": 2})


def _button_values(blocks: list[dict[str, Any]]) -> list[str]:
    buttons = [
        str(e.get("value", "")) for b in blocks if b["type"] == "actions" for e in b["elements"]
    ]
    return buttons + feedback_values(blocks)


def _without_buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The message without what carries its (new) answer id: buttons, feedback, footer."""
    return [
        b
        for b in blocks
        if b["type"] not in ("actions", "context_actions") and "Answer id:" not in str(b)
    ]


def test_buttons_carry_no_question_text_and_share_posts_the_same_answer(bot: Bot) -> None:
    bot.command(QUESTION)
    private = bot.slack.wait_for("response_url")[0].params["blocks"]
    bot.press(button(private, "share_answer"))
    shared = bot.slack.wait_for("response_url", count=3)[1].params
    assert shared["response_type"] == "in_channel"

    values = _button_values(private) + _button_values(shared["blocks"])
    for value in values:
        assert not any(word in value.lower() for word in PRIVATE_WORDS), value
    id_only = r"((un)?helpful:)?[0-9a-f]{32}"  # a verdict and the id, or the id alone
    assert len(values) == 5 and all(re.fullmatch(id_only, v) for v in values), values

    # The same answer, under a 'Shared by' note: only the buttons (a new answer id) differ.
    assert "Second or subsequent plans" in texts(shared["blocks"])
    assert _without_buttons(shared["blocks"])[1:] == _without_buttons(private)


def test_more_sources_on_a_shared_copy_shows_the_answers_further_sources(bot: Bot) -> None:
    bot.command("second cp plan", user="U3")
    private = bot.slack.wait_for("response_url")[0].params["blocks"]
    assert button(private, "more_sources")["text"]["text"] == "1 more source"
    bot.press(button(private, "share_answer"), user="U3")
    shared = bot.slack.wait_for("response_url", count=3)[1].params
    bot.press(button(shared["blocks"], "more_sources"), user="U2")
    more = bot.slack.wait_for("response_url", count=4)[3].params
    answerer = bot.runtime.current()
    expected = more_sources_message(answerer.answer("second cp plan"), answerer.templates)
    assert more["response_type"] == "ephemeral"
    assert (more["text"], more["blocks"]) == expected
    assert "Findings, para 1" in texts(more["blocks"])


def test_more_sources_counts_against_the_rate_limit(bot: Bot) -> None:
    bot.event(mention("second cp plan", ts="1.1"), event_id="Ev1")
    bot.event(mention("rcpc timescale", ts="1.2"), event_id="Ev2")
    posts = bot.slack.wait_for("chat.postMessage", count=2)  # answered at once, in any order
    first = blocks_of(next(c.params for c in posts if c.params["thread_ts"] == "1.1"))
    bot.press(button(first, "more_sources"))
    refused = bot.slack.wait_for("response_url")[0].params
    assert refused["response_type"] == "ephemeral" and refused["replace_original"] is False
    assert refused["text"].startswith("You have asked 2 questions in the last minute")
    assert "blocks" not in refused  # no further sources were looked up


def test_feedback_counts_against_the_rate_limit(bot: Bot) -> None:
    bot.event(mention("child protection plan", ts="2.1"), event_id="Ev1")
    blocks = blocks_of(bot.slack.wait_for("chat.postMessage")[0].params)
    bot.click(feedback_press(blocks, helpful=True))
    assert bot.slack.wait_for("response_url")[0].params["text"].startswith("Thanks")
    bot.click(feedback_press(blocks, helpful=False))
    refused = bot.slack.wait_for("response_url", count=2)[1].params
    assert refused["response_type"] == "ephemeral"
    assert refused["text"].startswith("You have asked 2 questions in the last minute")
    summary = UsageStore(bot.runtime.settings.usage_db).summary()
    assert (summary.helpful, summary.unhelpful) == (1, 0)  # the second verdict was not stored


def test_a_share_over_the_rate_limit_is_refused_politely(bot: Bot) -> None:
    bot.command("second cp plan")
    private = bot.slack.wait_for("response_url")[0].params["blocks"]
    bot.click(feedback_press(private, helpful=True))
    bot.slack.wait_for("response_url", count=2)  # thanks: the second of two this minute
    bot.press(button(private, "share_answer"))
    calls = [c.params for c in bot.slack.wait_for("response_url", count=3)]
    assert calls[2]["text"].startswith("You have asked 2 questions in the last minute")
    assert not [c for c in calls if c.get("response_type") == "in_channel"]
    assert json.dumps(calls).count("delete_original") == 0  # the private copy is kept
