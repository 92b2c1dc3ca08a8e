"""The gaps digest in Slack: posted to the admin channel, and 'Send to owner' sending the
topic's owner a direct message with no personal data in it. Over loopback: the real Bolt app
against the fake Slack Web API, which records every call."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk import WebClient

from bot.records import Outcome
from bot.settings import Settings
from bot.slack.gaps_blocks import SEND_TO_OWNER
from bot.slack.gaps_digest import digest_schedule, post_digest, post_if_due
from bot.stores.audit import AuditLog
from bot.stores.usage import UsageStore
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.slack import Bot, blocks_of, button, serve_bot

QUESTIONS = [
    "how many months between review conferences",
    "Can Jayden Smith, DOB 03/04/2015, have review conferences every six months?",
    "review conference interval for Chloe Brown born 12 March 2016 at 14 Acacia Avenue",
    "does the letter before proceedings need an interpreter",
]
# As a weaker guard, or an older version, might have stored it: the DM must still not carry it.
RAW = "review conferences for Tyler Jones, 22 Mill Lane, date of birth 1 May 2014"
PERSONAL = ["Jayden", "Smith", "03/04/2015", "Chloe", "Brown", "12 March 2016", "Acacia"]
PERSONAL += ["Tyler", "Jones", "Mill Lane", "1 May 2014"]


@pytest.fixture
def gaps_bot(settings: Settings, fake_embedder: FakeEmbedder) -> Iterator[Bot]:
    configured = settings.model_copy(
        update={
            "store_question_text": True,
            "owner_slack_users": {"Principal Social Worker": "UPSW"},
            "admin_channel": "CADMIN",
            "gaps_similarity": 0.35,
        }
    )
    yield from serve_bot(configured, fake_embedder)


def _seed(bot: Bot) -> None:
    """Questions through the real pipeline (so stored redacted), counted as not found."""
    store = UsageStore(bot.runtime.settings.usage_db, store_text=True)
    for question in QUESTIONS:
        answer = bot.runtime.current().answer(question)
        answer = dataclasses.replace(answer, outcome=Outcome.NOT_FOUND)
        store.record_answer(answer, user_id="U1", surface="dm")
    with sqlite3.connect(bot.runtime.settings.usage_db) as db:
        db.execute(
            "UPDATE answers SET question_text = ? WHERE question_text LIKE '%[address]%'", (RAW,)
        )
    db.close()


def _digest(bot: Bot) -> list[dict[str, Any]]:
    """Post the weekly digest as the serving loop does; the blocks the admin channel got."""
    client = WebClient(token="xoxb-test", base_url=f"{bot.slack.url}/api/")
    settings = bot.runtime.settings

    def post(report: Any) -> None:
        post_digest(client, channel="CADMIN", report=report, templates=bot.runtime.templates)

    def build(since: dt.datetime, until: dt.datetime) -> Any:
        return bot.runtime.gaps(since=since, until=until)

    assert post_if_due(digest_schedule(settings), build=build, post=post)
    (posted,) = [c.params for c in bot.slack.wait_for("chat.postMessage")]
    assert posted["channel"] == "CADMIN"
    return blocks_of(posted)


def _dms(bot: Bot) -> list[dict[str, Any]]:
    return [c.params for c in bot.slack.of("chat.postMessage") if c.params["channel"] == "UPSW"]


def test_send_to_owner_messages_the_owner_without_personal_data(gaps_bot: Bot) -> None:
    bot = gaps_bot
    _seed(bot)
    blocks = _digest(bot)
    digest = json.dumps(blocks, ensure_ascii=False)
    assert "Child protection plans — Review conferences*: 3 questions" in digest
    assert "owner: Principal Social Worker (<@UPSW>)" in digest
    assert not [bit for bit in PERSONAL if bit in digest]
    pressed = next(b["accessory"] for b in blocks if b.get("accessory"))
    assert pressed["action_id"] == SEND_TO_OWNER

    acked = bot.press(pressed, user="UADMIN")
    assert (acked.status, acked.body) == (200, "")
    bot.slack.wait_for("response_url")
    (dm,) = _dms(bot)
    sent = dm["text"] + json.dumps(blocks_of(dm), ensure_ascii=False)
    assert "owner of *Child protection plans*" in sent and "*Review conferences*" in sent
    assert "how many months between review conferences" in sent and "[name]" in sent
    assert not [bit for bit in PERSONAL if bit in sent], sent
    (told,) = [c.params for c in bot.slack.of("response_url")]
    assert (
        told["response_type"] == "ephemeral" and "Sent to Principal Social Worker" in told["text"]
    )
    (audited,) = [
        e for e in AuditLog(bot.runtime.settings.audit_db).entries() if e.action == "send_to_owner"
    ]
    assert (audited.actor, audited.target, audited.result) == (
        "slack:UADMIN",
        "guidance/plans.md",
        "ok",
    )
    assert "review" not in audited.detail  # no question in the audit


def test_only_an_admin_can_send_to_an_owner(gaps_bot: Bot) -> None:
    bot = gaps_bot
    _seed(bot)
    pressed = button(
        [
            {
                "type": "actions",
                "elements": [next(b["accessory"] for b in _digest(bot) if b.get("accessory"))],
            }
        ],
        SEND_TO_OWNER,
    )
    bot.press(pressed, user="U1")
    refused = bot.slack.wait_for("response_url")[0].params
    assert refused["response_type"] == "ephemeral" and "only the bot's admins" in refused["text"]
    bot.slack.wait_quiet()
    assert _dms(bot) == []
    forged = {**pressed, "value": '{"topic": "nothing"}'}
    bot.press(forged, user="UADMIN")
    assert "does not name a topic" in bot.slack.wait_for("response_url", count=2)[1].params["text"]
    assert _dms(bot) == []
