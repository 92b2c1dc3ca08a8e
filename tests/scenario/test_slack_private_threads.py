"""Issue 18, finding 4: a thread whose question was answered privately stays private.

A's channel question held case details, so A was answered privately and the thread got one
public line. A follow-up in that thread, from anyone, gets that line again and nothing else in
the channel: A's question is never the context of an answer someone else can see.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.devtools.fake_slack import BOT_USER_ID, channel_message, mention
from bot.stores.usage import UsageStore
from tests.fakes.slack import Bot

ROOT = "1700000002.000100"
QUESTION = "can Jayden Smith, DOB 03/04/2015, NHS 943 476 5919, go on a second CP plan?"
LEAD = "Second or subsequent plans"  # the passage A was given privately
LINE = "I have sent you my answer privately"


def _answered_privately(bot: Bot) -> None:
    bot.event(mention(QUESTION, ts=ROOT, user="UA"), event_id="EvA")
    private = bot.slack.wait_for("chat.postEphemeral")[0].params
    assert private["user"] == "UA" and LEAD in str(private["blocks"])
    bot.slack.wait_for("chat.postMessage")
    bot.slack.wait_quiet()


def _public(bot: Bot) -> list[dict[str, Any]]:
    return [c.params for c in bot.slack.of("chat.postMessage")]


@pytest.mark.parametrize(
    "follow_up",
    [
        channel_message("what did it say?", ts="1700000002.000200", thread_ts=ROOT, user="UB"),
        mention("what did it say?", ts="1700000002.000200", thread_ts=ROOT, user="UB"),
        channel_message(
            f"<@{BOT_USER_ID}> and what about the core group?",
            ts="1700000002.000200",
            thread_ts=ROOT,
            user="UB",
        ),
    ],
    ids=["reply", "mention", "reply-naming-the-bot"],
)
def test_someone_elses_follow_up_gets_only_the_public_line(
    bot: Bot, asked: list[str], follow_up: dict[str, Any]
) -> None:
    _answered_privately(bot)
    assert bot.event(follow_up, event_id="EvB").status == 200
    bot.slack.wait_for("chat.postMessage", count=2)
    bot.slack.wait_quiet()
    public = _public(bot)
    assert len(public) == 2 and all(LINE in p["text"] and "blocks" not in p for p in public)
    assert public[1]["thread_ts"] == ROOT
    assert sum(LEAD in json.dumps(c.params) for c in bot.slack.calls) == 1  # A's, privately
    assert not [c for c in bot.slack.of("chat.postEphemeral") if c.params["user"] == "UB"]
    assert len(asked) == 1  # A's question only, once: never the context of B's
    assert UsageStore(bot.runtime.settings.usage_db).summary().answers == 1


def test_every_follow_up_gets_the_line_and_the_asker_is_still_answered_privately(
    bot: Bot, asked: list[str]
) -> None:
    _answered_privately(bot)
    for n, (user, text) in enumerate(
        [("UB", "what did it say?"), ("UC", "and how often?"), ("UA", "and the core group?")]
    ):
        message = channel_message(text, ts=f"1700000002.00030{n}", thread_ts=ROOT, user=user)
        bot.event(message, event_id=f"Ev{n}")
        bot.slack.wait_for("chat.postMessage", count=n + 2)
    bot.slack.wait_quiet()
    public = _public(bot)
    assert len(public) == 4 and all(p["text"].startswith("<@UA>, " + LINE) for p in public)
    assert all("blocks" not in p for p in public)
    ephemeral = [c.params for c in bot.slack.of("chat.postEphemeral")]
    assert [e["user"] for e in ephemeral] == ["UA", "UA"]  # A's own follow-up, privately
    assert ephemeral[1]["thread_ts"] == ROOT
    assert asked[1].endswith("and the core group?") and "[NHS number]" in asked[1]
    assert len(asked) == 2


def test_a_public_thread_is_still_followed_up_in_public(bot: Bot) -> None:
    bot.event(mention("rcpc timescale", ts=ROOT, user="UA"), event_id="EvA")
    bot.slack.wait_for("chat.postMessage")
    follow_up = channel_message("and how often after that?", ts="1700000002.000200", user="UB")
    bot.event({**follow_up, "thread_ts": ROOT}, event_id="EvB")
    answer = bot.slack.wait_for("chat.postMessage", count=2)[1].params
    assert "Review conferences" in str(answer["blocks"])
