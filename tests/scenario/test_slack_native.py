"""Issue 15: follow-ups in a thread, the message shortcut, feedback with a reason, and an
answer a supervisor can look up by its id, over loopback against the fake Web API."""

from __future__ import annotations

import json
import time

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from bot.devtools.fake_slack import (
    channel_message,
    form,
    mention,
    message_shortcut,
    view_submission,
)
from bot.slack.listeners.shortcuts import ASK_ABOUT_MESSAGE
from bot.stores.usage import UsageStore
from tests.fakes.slack import Bot, blocks_of, texts
from tests.scenario.interactions import answer_id, feedback_press

ROOT = "1700000001.000100"
NHS = "943 476 5919"


def _practice_bot(bot: Bot, monkeypatch: pytest.MonkeyPatch, *args: str) -> Result:
    """The command line, on the same data folder as the bot."""
    monkeypatch.setenv("PRACTICE_BOT_DATA_DIR", str(bot.runtime.settings.data_dir))
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_a_follow_up_in_the_thread_is_answered_with_the_earlier_question(
    bot: Bot, asked: list[str]
) -> None:
    bot.event(mention("rcpc timescale", ts=ROOT), event_id="EvFirst")
    bot.slack.wait_for("chat.postMessage")
    follow_up = channel_message("and how often after that?", ts="1700000001.000200", thread_ts=ROOT)
    assert bot.event(follow_up, event_id="EvFollow").status == 200
    answer = bot.slack.wait_for("chat.postMessage", count=2)[1].params
    assert answer["thread_ts"] == ROOT
    assert "Review conferences" in texts(blocks_of(answer))
    assert asked == ["rcpc timescale", "rcpc timescale and how often after that?"]
    statuses = [c.params["thread_ts"] for c in bot.slack.of("assistant.threads.setStatus")]
    assert statuses == [ROOT, ROOT]
    # Asked alone, the follow-up finds nothing: the earlier question is what found the answer.
    assert bot.runtime.current().answer("and how often after that?").outcome.value == "not_found"


def test_thanks_and_words_to_a_colleague_in_the_thread_are_not_answered(bot: Bot) -> None:
    bot.event(mention("rcpc timescale", ts=ROOT), event_id="EvFirst")
    bot.slack.wait_for("chat.postMessage")
    for n, text in enumerate(["Thanks!", "<@U2> can you book the conference?"]):
        bot.event(
            channel_message(text, ts=f"1700000001.00030{n}", thread_ts=ROOT), event_id=f"Ev{n}"
        )
    time.sleep(0.5)
    assert len(bot.slack.of("chat.postMessage")) == 1


def test_the_message_shortcut_answers_only_the_person_who_used_it(bot: Bot) -> None:
    shortcut = message_shortcut(
        f"second cp plan? NHS {NHS}",
        callback_id=ASK_ABOUT_MESSAGE,
        response_url=f"{bot.slack.url}/response/shortcut",
    )
    acked = bot.send(form(shortcut), "application/x-www-form-urlencoded")
    assert acked.status == 200 and acked.seconds < 3
    reply = bot.slack.wait_for("response_url")[0]
    assert reply.path == "/response/shortcut"
    assert reply.params["response_type"] == "ephemeral"
    assert "Second or subsequent plans" in texts(reply.params["blocks"])
    assert "NHS number" in texts(reply.params["blocks"])  # what was removed, told privately
    bot.slack.wait_quiet()
    assert not bot.slack.of("chat.postMessage")  # nothing in the channel
    assert all(NHS not in json.dumps(c.params) for c in bot.slack.calls)
    record = UsageStore(bot.runtime.settings.usage_db).find_answers(answer_id(reply.params))
    assert record[0].surface == "shortcut"


def _not_helpful_with_a_reason(bot: Bot, comment: str) -> str:
    """Ask, press thumbs down, and send the form that opens; the answer's id."""
    bot.event(mention("second cp plan", ts=ROOT), event_id="EvAsk")
    blocks = blocks_of(bot.slack.wait_for("chat.postMessage")[0].params)
    bot.click(feedback_press(blocks, helpful=False))
    opened = bot.slack.wait_for("views.open")[0].params
    assert opened["trigger_id"] == "1.2.3"
    view = opened["view"] if isinstance(opened["view"], dict) else json.loads(opened["view"])
    assert view["private_metadata"] == answer_id(blocks)  # the id, and nothing of the question
    values = {
        "reason": {"reason": {"selected_option": {"value": "out_of_date"}}},
        "comment": {"comment": {"type": "plain_text_input", "value": comment}},
    }
    submitted = bot.send(form(view_submission(view, values)), "application/x-www-form-urlencoded")
    assert submitted.status == 200
    return answer_id(blocks)


def _wait_for_reason(bot: Bot) -> None:
    store = UsageStore(bot.runtime.settings.usage_db)
    deadline = time.monotonic() + 10
    while not store.summary().reasons and time.monotonic() < deadline:
        time.sleep(0.05)


def test_not_helpful_asks_why_stores_the_reason_redacted_and_feedback_shows_it(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    _not_helpful_with_a_reason(bot, f"the rule changed, ask about NHS {NHS}")
    assert bot.slack.wait_for("response_url")[0].params["text"].startswith("Thanks")
    _wait_for_reason(bot)
    summary = UsageStore(bot.runtime.settings.usage_db).summary()
    assert (summary.unhelpful, summary.reasons) == (1, {"out_of_date": 1})
    shown = _practice_bot(bot, monkeypatch, "feedback")
    assert shown.exit_code == 0, shown.output
    assert "Why answers were not helpful:" in shown.output
    assert "1  Out of date" in shown.output
    assert "the rule changed, ask about NHS [NHS number]" in shown.output
    assert NHS not in shown.output and "9434765919" not in shown.output
    data = bot.runtime.settings.data_dir
    assert not [p for p in data.rglob("*") if p.is_file() and NHS.encode() in p.read_bytes()]


def test_an_answer_can_be_looked_up_by_the_id_in_its_footer(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot.event(mention("second cp plan", ts=ROOT), event_id="EvAsk")
    posted = bot.slack.wait_for("chat.postMessage")[0].params
    shown_id = answer_id(blocks_of(posted))
    looked_up = _practice_bot(bot, monkeypatch, "answer", shown_id[:8])
    assert looked_up.exit_code == 0, looked_up.output
    lines = looked_up.output.splitlines()
    assert lines[0] == f"Answer {shown_id}"
    assert "  where    mention" in lines and "  outcome  answered" in lines
    assert f"  index    {bot.runtime.index.path.name}" in lines
    assert posted["text"] in looked_up.output  # the lead, as shown
    assert "[1] guidance/plans.md · Second or subsequent plans, para 1" in looked_up.output
    assert "[2] findings/letter.md · Findings, para 1" in looked_up.output
    assert "second cp plan" not in looked_up.output  # no question text unless configured
    missing = _practice_bot(bot, monkeypatch, "answer", "0" * 32)
    assert missing.exit_code == 1 and "No answer has the id" in missing.output
