"""A question carrying personal data: answered, the asker warned privately, and nothing
identifying left on disk or in the logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.devtools.fake_slack import dm, mention
from bot.stores.usage import UsageStore
from tests.fakes.slack import Bot, blocks_of

QUESTION = "can Jayden Smith, DOB 03/04/2015, NHS 943 476 5919, go on a second CP plan?"
IDENTIFYING = ("Jayden", "Smith", "03/04/2015", "943 476 5919", "9434765919")


def _files_mention(folder: Path, needle: str) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


def test_a_channel_question_with_an_nhs_number_is_answered_only_to_the_asker(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot.event(mention(QUESTION))
    private = bot.slack.wait_for("chat.postEphemeral")[0].params
    assert (private["user"], private["channel"]) == ("U1", "C1")
    assert private["thread_ts"] == "1700000000.000100"
    assert "Second or subsequent plans" in str(private["blocks"])  # the answer, privately
    assert "personal details" in str(private["blocks"]) and "NHS number" in str(private["blocks"])
    bot.slack.wait_quiet()
    (public,) = [c.params for c in bot.slack.of("chat.postMessage")]  # one line, nothing more
    assert public["thread_ts"] == "1700000000.000100" and "blocks" not in public
    assert public["text"].startswith("<@U1>, I have sent you my answer privately")
    assert "edit your message" in public["text"]
    assert len(bot.slack.of("chat.postEphemeral")) == 1
    for part in IDENTIFYING:
        assert part not in public["text"]
        assert part not in str(private)
        assert not _files_mention(bot.runtime.settings.data_dir, part)
        assert part not in caplog.text
    assert UsageStore(bot.runtime.settings.usage_db).summary().answers == 1


def test_a_direct_message_with_an_nhs_number_is_answered_in_the_dm_with_a_note(bot: Bot) -> None:
    bot.event(dm(QUESTION, ts="1700000000.000500"))
    posted = bot.slack.wait_for("chat.postMessage")[0].params
    assert posted["channel"] == "D1" and "Second or subsequent plans" in str(posted["blocks"])
    # The DM is the asker's alone: the note heads the answer, as on every copy for the asker.
    note = blocks_of(posted)[0]
    assert note["type"] == "context" and "NHS number" in str(note)
    for part in IDENTIFYING:
        assert part not in str(posted)
    bot.slack.wait_quiet()  # the thread's title is set after the answer
    assert bot.slack.of("chat.postEphemeral") == []  # one way to send the note, not two


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
