"""The real Bolt app served over HTTP on loopback, against the fake Slack Web API, with
requests signed as Slack signs them."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from bot.devtools.fake_slack import BOT_ID, BOT_USER_ID, dm, mention, post, sign
from bot.settings import Settings
from bot.stores.usage import UsageStore
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.slack import SECRET, Bot, blocks_of, button, texts
from tests.scenario.interactions import feedback_press


def test_a_mention_is_answered_in_its_thread_with_citations(bot: Bot) -> None:
    acked = bot.event(mention("second cp plan"))
    assert acked.status == 200 and acked.seconds < 3
    status = bot.slack.wait_for("assistant.threads.setStatus")[0].params
    assert (status["channel_id"], status["thread_ts"]) == ("C1", "1700000000.000100")
    assert status["status"] == "Searching the findings and guidance…"
    assert "Reading the passages that match…" in status["loading_messages"]
    posted = bot.slack.wait_for("chat.postMessage")[0].params
    assert posted["channel"] == "C1" and posted["thread_ts"] == "1700000000.000100"
    blocks = blocks_of(posted)
    assert "Second or subsequent plans" in texts(blocks) and "Guidance" in texts(blocks)
    assert "Inspection finding" not in texts(blocks)  # the second source waits behind a button
    assert button(blocks, "more_sources")["text"]["text"] == "1 more source"
    assert "Nothing in national guidance prevents" in posted["text"]
    assert not bot.slack.of("reactions.add")  # the thread status shows the work instead


def test_where_slack_refuses_the_thread_status_a_reaction_shows_the_work(bot: Bot) -> None:
    bot.slack.refuse_next["assistant.threads.setStatus"] = ["not_allowed"]
    bot.event(mention("second cp plan"))
    bot.slack.wait_for("chat.postMessage")
    assert [c.params["name"] for c in bot.slack.of("reactions.add")] == ["mag"]
    assert len(bot.slack.wait_for("reactions.remove")) == 1


def test_a_direct_message_is_answered_in_its_own_thread_with_a_title(bot: Bot) -> None:
    bot.event(dm("rcpc timescale", ts="1700000000.000200"))
    posted = bot.slack.wait_for("chat.postMessage")[0].params
    # Agent view: every message in the Messages tab starts a thread, answered in that thread.
    assert posted["channel"] == "D1" and posted["thread_ts"] == "1700000000.000200"
    assert "Review conferences, para 1" in texts(posted["blocks"])
    status = bot.slack.of("assistant.threads.setStatus")[0].params
    assert (status["channel_id"], status["thread_ts"]) == ("D1", "1700000000.000200")
    title = bot.slack.wait_for("assistant.threads.setTitle")[0].params
    assert (title["thread_ts"], title["title"]) == ("1700000000.000200", "rcpc timescale")


def test_ask_is_acked_at_once_and_answered_privately_via_response_url(bot: Bot) -> None:
    acked = bot.command("what must a letter before proceedings contain?")
    assert acked.status == 200 and acked.body == "" and acked.seconds < 3
    response = bot.slack.wait_for("response_url")[0]
    assert response.path == "/response/ask"
    assert response.params["response_type"] == "ephemeral"
    assert "Share in channel" in texts(response.params["blocks"])
    assert "What a letter before proceedings must contain" in texts(response.params["blocks"])


def test_a_retried_delivery_is_not_answered_twice(bot: Bot) -> None:
    event = mention("second cp plan")
    bot.event(event, event_id="EvRetry")
    bot.slack.wait_for("chat.postMessage")
    assert bot.event(event, event_id="EvRetry", retry=1).status == 200
    bot.event(event, event_id="EvRetry", retry=2)
    time.sleep(0.5)
    assert len(bot.slack.of("chat.postMessage")) == 1


def test_a_mention_delivered_as_both_app_mention_and_message_is_answered_once(bot: Bot) -> None:
    bot.event(mention("second cp plan", ts="1700000000.000300"), event_id="EvA")
    bot.event(
        dm(f"<@{BOT_USER_ID}> second cp plan", ts="1700000000.000300", channel="C1"),
        event_id="EvB",
    )
    bot.slack.wait_for("chat.postMessage")
    time.sleep(0.5)
    assert len(bot.slack.of("chat.postMessage")) == 1


def test_a_forged_signature_is_refused(bot: Bot) -> None:
    body = json.dumps(
        {"type": "event_callback", "event_id": "EvF", "event": mention("second cp plan")}
    )
    headers = {"Content-Type": "application/json", **sign("wrong-secret", body)}
    assert post(f"{bot.url}/slack/events", body, headers).status == 401
    stale = {
        "Content-Type": "application/json",
        **sign(SECRET, body, timestamp=int(time.time()) - 3600),
    }
    assert post(f"{bot.url}/slack/events", body, stale).status == 401
    time.sleep(0.3)
    assert not bot.slack.of("chat.postMessage")


@pytest.mark.parametrize(
    "event",
    [
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D1",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "text": "an answer",
            "ts": "1.1",
        },
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D1",
            "bot_id": "BOTHER",
            "subtype": "bot_message",
            "text": "another bot",
            "ts": "1.2",
        },
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D1",
            "subtype": "message_changed",
            "message": {"text": "edited"},
            "ts": "1.3",
        },
        {
            "type": "message",
            "channel_type": "im",
            "channel": "D1",
            "subtype": "message_deleted",
            "ts": "1.4",
        },
        {
            "type": "message",
            "channel_type": "channel",
            "channel": "C1",
            "user": "U1",
            "text": "second cp plan, no mention",
            "ts": "1.5",
        },
        {
            "type": "message",
            "channel_type": "channel",
            "channel": "C1",
            "user": "U1",
            "text": "second cp plan, in someone else's thread",
            "ts": "1.7",
            "thread_ts": "1.6",
        },
    ],
    ids=["own", "other-bot", "edit", "delete", "channel-without-mention", "thread-not-answered"],
)
def test_messages_it_must_not_answer_are_ignored(bot: Bot, event: dict[str, Any]) -> None:
    assert bot.event(event, event_id=f"Ev-{event['ts']}").status == 200
    time.sleep(0.5)
    assert not bot.slack.of("chat.postMessage")


def test_a_feedback_click_is_recorded(bot: Bot) -> None:
    bot.event(mention("second cp plan"))
    blocks = blocks_of(bot.slack.wait_for("chat.postMessage")[0].params)
    bot.click(feedback_press(blocks, helpful=True))
    thanks = bot.slack.wait_for("response_url")[0].params
    assert thanks["text"].startswith("Thanks")
    summary = UsageStore(bot.runtime.settings.usage_db).summary()
    assert (summary.answers, summary.helpful) == (1, 1)


def test_share_posts_the_answer_in_the_channel_and_removes_the_private_copy(bot: Bot) -> None:
    bot.command("second cp plan")
    blocks = bot.slack.wait_for("response_url")[0].params["blocks"]
    share = button(blocks, "share_answer")
    bot.press(share)
    shared, deleted = (c.params for c in bot.slack.wait_for("response_url", count=3)[1:])
    assert shared["response_type"] == "in_channel"
    assert "Shared by <@U1>" in texts(shared["blocks"])
    assert "Share in channel" not in texts(shared["blocks"])
    assert deleted["delete_original"] is True


def test_more_sources_shows_further_passages(bot: Bot) -> None:
    bot.event(mention("second cp plan"))
    blocks = blocks_of(bot.slack.wait_for("chat.postMessage")[0].params)
    more = button(blocks, "more_sources")
    bot.press(more)
    response = bot.slack.wait_for("response_url")[0].params
    assert response["response_type"] == "ephemeral"
    assert response["replace_original"] is False
    assert response["text"] == "1 more source" and "Inspection finding" in texts(response["blocks"])


def test_app_home_lists_how_to_ask_and_the_documents(bot: Bot) -> None:
    bot.event(
        {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home", "event_ts": "1.1"}
    )
    view = bot.slack.wait_for("views.publish")[0].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    text = texts(view["blocks"])
    assert view["type"] == "home"
    assert "/ask" in text and "can a child have a second CP plan?" in text
    assert "Focused visit letter" in text and "Due for review since 1 June 2025" in text


def test_a_failure_gives_one_friendly_line_and_no_trace(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(question: str, **kwargs: Any) -> None:
        raise RuntimeError("index exploded at /secret/path")

    monkeypatch.setattr(bot.runtime.current(), "answer", broken)
    bot.event(mention("second cp plan"))
    posted = bot.slack.wait_for("chat.postMessage")[0].params
    assert posted["text"].startswith("Sorry, something went wrong")
    assert posted["thread_ts"] == "1700000000.000100"
    assert "exploded" not in json.dumps([c.params for c in bot.slack.calls])


def test_rate_limited_web_api_calls_are_retried(bot: Bot) -> None:
    bot.slack.fail_next["chat.postMessage"] = [429]
    bot.event(mention("second cp plan"))
    calls = bot.slack.wait_for("chat.postMessage", count=2, timeout=20)
    assert len(calls) == 2  # one refused with 429, then the retry after Retry-After
    time.sleep(0.5)
    assert len(bot.slack.of("chat.postMessage")) == 2


def test_opening_the_messages_tab_offers_suggested_prompts(bot: Bot) -> None:
    bot.event(
        {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "messages"},
        event_id="EvOpen",
    )
    prompts = bot.slack.wait_for("assistant.threads.setSuggestedPrompts")[0].params
    assert prompts["channel_id"] == "D1" and prompts["title"] == "Try one of these"
    assert prompts["prompts"][0] == {
        "title": "can a child have a second CP plan?",
        "message": "can a child have a second CP plan?",
    }
    assert len(prompts["prompts"]) == 4
    time.sleep(0.3)
    assert not bot.slack.of("views.publish") and not bot.slack.of("chat.postMessage")


def test_a_slack_server_error_is_retried_and_posts_once(bot: Bot) -> None:
    bot.slack.fail_next["chat.postMessage"] = [500]
    bot.event(mention("second cp plan"))
    calls = bot.slack.wait_for("chat.postMessage", count=2, timeout=20)
    time.sleep(0.5)
    assert len(bot.slack.of("chat.postMessage")) == 2  # one failed with 500, one posted
    assert calls[0].params == calls[1].params  # the same answer, sent again once


def test_a_mention_outside_the_allowed_channels_gets_a_private_pointer(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    from tests.fakes.slack import serve_bot

    limited = settings.model_copy(update={"slack_allowed_channels": frozenset({"CALLOWED"})})
    for bot in serve_bot(limited, fake_embedder):
        bot.event(mention("second cp plan"), event_id="EvNotAllowed")
        note = bot.slack.wait_for("chat.postEphemeral")[0].params
        assert note["user"] == "U1" and "/ask" in note["text"]
        bot.event(mention("second cp plan", channel="CALLOWED", ts="2.2"), event_id="EvAllowed")
        assert bot.slack.wait_for("chat.postMessage")[0].params["channel"] == "CALLOWED"


def test_a_timed_out_post_is_not_retried_so_nothing_is_posted_twice(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    from tests.fakes.slack import serve_bot

    impatient = settings.model_copy(update={"slack_timeout_seconds": 1})
    for bot in serve_bot(impatient, fake_embedder):
        bot.slack.delay_next["chat.postMessage"] = [2.5]  # Slack got it, but answers too late
        bot.event(mention("second cp plan"), event_id="EvSlow")
        calls = bot.slack.wait_for("chat.postMessage", count=2, timeout=20)
        time.sleep(1.5)
        posts = [c.params for c in bot.slack.of("chat.postMessage")]
        answers = [p for p in posts if "Second or subsequent plans" in str(p.get("blocks"))]
        assert len(answers) == 1  # the answer was sent once and never again
        assert posts[1]["text"].startswith("Sorry, something went wrong")
        assert len(calls) == len(posts) == 2
        bot.event(mention("rcpc timescale", ts="3.3"), event_id="EvAfter")  # still answering
        assert "Review conferences" in str(
            bot.slack.wait_for("chat.postMessage", count=3)[2].params
        )
