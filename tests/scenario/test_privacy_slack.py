"""A question carrying personal data: answered, the asker warned privately, and nothing
identifying left on disk or in the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.devtools.fake_slack import dm, mention
from bot.stores.usage import UsageStore
from tests.fakes.slack import Bot

QUESTION = "can Jayden Smith, DOB 03/04/2015, NHS 943 476 5919, go on a second CP plan?"
IDENTIFYING = ("Jayden", "Smith", "03/04/2015", "943 476 5919", "9434765919")


def _files_mention(folder: Path, needle: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


def test_a_question_with_an_nhs_number_is_answered_warned_and_never_stored(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot.event(mention(QUESTION))
    posted = bot.slack.wait_for("chat.postMessage")[0].params
    assert "Second or subsequent plans" in str(posted["blocks"])
    warning = bot.slack.wait_for("chat.postEphemeral")[0].params
    assert warning["user"] == "U1" and warning["channel"] == "C1"
    assert "personal details" in warning["text"] and "NHS number" in warning["text"]
    for part in IDENTIFYING:
        assert part not in posted["text"] and part not in str(posted["blocks"])
        assert part not in warning["text"]
        assert not _files_mention(bot.runtime.settings.data_dir, part)
        assert part not in caplog.text
    assert UsageStore(bot.runtime.settings.usage_db).summary().answers == 1


def test_kept_question_text_is_the_redacted_text(bot: Bot) -> None:
    store = UsageStore(bot.runtime.settings.data_dir / "kept.sqlite3", store_text=True)
    answer = bot.runtime.current().answer(QUESTION)
    store.record_answer(answer, user_id="U1", surface="dm")
    for part in IDENTIFYING:
        assert not _files_mention(bot.runtime.settings.data_dir, part)
    assert "[NHS number]" in answer.question


def test_one_person_cannot_flood_the_bot(bot: Bot) -> None:
    assert bot.runtime.settings.rate_limit_per_minute == 20
    for n in range(21):
        bot.event(
            dm("rcpc timescale", ts=f"1800000000.{n:06d}", user="U7"),
            event_id=f"EvR{n}",
        )
    posts = bot.slack.wait_for("chat.postMessage", count=21)
    limited = [p for p in posts if "most I take from one person" in p.params["text"]]
    assert len(limited) == 1
    bot.event(
        dm("rcpc timescale", ts="1800000001.000001", channel="D2", user="U8"),
        event_id="EvOther",
    )
    other = bot.slack.wait_for("chat.postMessage", count=22)[-1].params
    assert "Review conferences" in str(other["blocks"])  # someone else is still answered
