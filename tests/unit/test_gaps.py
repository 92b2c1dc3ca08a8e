"""What the sources could not answer, by topic: the store's rows, the grouping, the command,
the digest's blocks and its weekly schedule."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from pathlib import Path

import click
import numpy as np
import pytest

from bot.answering.gaps import GapReport, Topic, group_vectors, rechecked
from bot.answering.templates import Templates
from bot.cli.gaps import parse_since
from bot.records import Outcome
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.gaps_blocks import (
    SEND_TO_OWNER,
    digest_message,
    owner_message,
    read_button_value,
)
from bot.slack.gaps_digest import digest_schedule, post_if_due
from bot.stores.usage import UsageStore

PLANS = [
    "how many months between review conferences",
    "review conference interval in months",
    "are review conferences held every six months",
    "review conferences every six months or sooner",
]
LETTERS = [
    "does the letter before proceedings need an interpreter",
    "letter before proceedings interpreter for parents",
]
SUPERVISION = [
    "supervision meetings recording risks",
    "how should supervision meetings be recorded",
]
# Each kind of personal data the guard removes, in questions the sources cannot answer.
PERSONAL = [
    "Can Jayden Smith, DOB 03/04/2015, go to respite care?",
    "respite care for Chloe Brown born 12 March 2016 at 14 Acacia Avenue",
]
PERSONAL_BITS = ["Jayden", "Smith", "03/04/2015", "Chloe", "Brown", "12 March 2016", "Acacia"]
OWNERS = {"principal social worker": "UPSW"}


def _since() -> tuple[dt.datetime, dt.datetime]:
    until = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    return until - dt.timedelta(days=30), until


def seed(runtime: Runtime, *, store_text: bool = True) -> UsageStore:
    """Questions asked through the real pipeline (redacted, nearest passage recorded), stored
    as not found or related; two plans answers marked not helpful."""
    store = UsageStore(runtime.settings.usage_db, store_text=store_text)
    asked = [(q, Outcome.NOT_FOUND) for q in PLANS[:2] + SUPERVISION + PERSONAL] + [
        (q, Outcome.RELATED) for q in LETTERS
    ]
    for question, outcome in asked:
        answer = runtime.current().answer(question)
        store.record_answer(
            dataclasses.replace(answer, outcome=outcome), user_id="U1", surface="dm"
        )
    for question in PLANS[2:]:  # answered, then marked not helpful
        answer = dataclasses.replace(runtime.current().answer(question), outcome=Outcome.ANSWERED)
        answer_id = store.record_answer(answer, user_id="U1", surface="dm")
        store.record_reason(answer_id, user_id="U1", reason="out_of_date")
        store.record_verdict(answer_id, user_id="U2", helpful=False)
    store.record_answer(runtime.current().answer(PLANS[0]), user_id="U1", surface="dm")
    return store


def _report(runtime: Runtime, **changes: object) -> GapReport:
    settings = runtime.settings.model_copy(
        update={
            "owner_slack_users": OWNERS,
            "gaps_similarity": 0.35,
            "store_question_text": True,
            **changes,
        }
    )
    runtime.settings = settings
    since, until = _since()
    return runtime.gaps(since=since, until=until)


def test_the_store_lists_unanswered_and_unhelpful_questions_only(runtime: Runtime) -> None:
    store = seed(runtime)
    since, until = _since()
    rows = store.unanswered(since=since, until=until)
    assert len(rows) == 10  # the last plans question was answered and nobody minded
    marked = [r for r in rows if r.unhelpful]
    assert [(r.outcome, r.reasons, r.unhelpful) for r in marked] == [
        ("answered", ("out_of_date",), 2)
    ] * 2
    assert all(r.nearest for r in rows)
    assert store.unanswered(since=until, until=until + dt.timedelta(days=1)) == []


def test_questions_are_grouped_into_topics_with_counts_examples_and_owners(
    runtime: Runtime,
) -> None:
    seed(runtime)
    report = _report(runtime)
    assert report.questions == 10 and report.text_kept
    by_source = {t.source: t for t in report.topics}
    plans = by_source["guidance/plans.md"]
    assert plans.count == 4 and plans.section == "Review conferences"
    assert (plans.owner, plans.owner_user) == ("Principal Social Worker", "UPSW")
    assert dict(plans.outcomes) == {"answered": 2, "not_found": 2}
    assert dict(plans.reasons) == {"Out of date": 2, "No reason given": 2}
    assert 1 <= len(plans.examples) <= 3 and set(plans.examples) <= set(PLANS)
    letters = by_source["guidance/letters.md"]
    assert (letters.count, letters.owner, letters.owner_user) == (2, None, None)
    assert dict(letters.outcomes) == {"related": 2}
    counts = [t.count for t in report.topics]
    assert counts == sorted(counts, reverse=True) and sum(counts) == 10
    assert report.topics == _report(runtime).topics  # the same store gives the same topics


def test_no_example_carries_personal_data(runtime: Runtime) -> None:
    seed(runtime)
    with sqlite3.connect(runtime.settings.usage_db) as db:  # as a weaker guard once stored it
        db.execute(
            "UPDATE answers SET question_text = ? WHERE question_text LIKE '%[name]%'",
            (PERSONAL[1],),
        )
    db.close()
    shown = json.dumps(_report(runtime).to_json())
    assert "[name]" in shown and not [bit for bit in PERSONAL_BITS if bit in shown]


def test_a_topic_no_passage_comes_near_is_marked_distant(runtime: Runtime) -> None:
    store = UsageStore(runtime.settings.usage_db, store_text=True)
    for question in ["what is the mileage rate", "mileage rate for a pool car", *PLANS[:2]]:
        answer = dataclasses.replace(runtime.current().answer(question), outcome=Outcome.NOT_FOUND)
        store.record_answer(answer, user_id="U1", surface="dm")
    topics = {t.examples[0]: t for t in _report(runtime).topics}
    far = next(t for e, t in topics.items() if "mileage" in e)
    assert far.count == 2 and far.distant and "perhaps no document covers it" in far.far
    near = next(t for e, t in topics.items() if "review" in e)
    assert near.similarity is not None and near.similarity > 0.4 and not near.distant
    assert near.far == ""


def test_without_question_text_topics_are_the_nearest_passages(runtime: Runtime) -> None:
    seed(runtime, store_text=False)
    report = _report(runtime, store_question_text=False)
    assert not report.text_kept and report.questions == 10
    assert all(t.examples == () for t in report.topics)
    assert "guidance/plans.md" in {t.source for t in report.topics}


def test_grouping_is_greedy_by_similarity_to_a_topics_mean_and_deterministic() -> None:
    vectors = np.array([[1, 0, 0], [0.9, 0.1, 0], [0, 1, 0], [0, 0, 1], [0.1, 0.95, 0]], float)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    assert group_vectors(vectors, threshold=0.8) == [[0, 1], [2, 4], [3]]
    assert group_vectors(vectors, threshold=0.9999) == [[0], [1], [2], [3], [4]]
    assert group_vectors(vectors, threshold=0.0) == [[0, 1, 2, 3, 4]]
    assert group_vectors(np.zeros((0, 3)), threshold=0.5) == []


@pytest.mark.parametrize(("text", "days"), [("30d", 30), ("12w", 84), (" 1D ", 1), ("7 d", 7)])
def test_since_takes_days_or_weeks(text: str, days: int) -> None:
    assert parse_since(text) == dt.timedelta(days=days)


@pytest.mark.parametrize("text", ["", "30", "d", "3m", "-3d", "0d", "9999w", "1.5w", "30days"])
def test_since_refuses_anything_else(text: str) -> None:
    with pytest.raises(click.BadParameter):
        parse_since(text)


def test_gaps_command_prints_topics_and_json(run, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    from bot.runtime import start
    from tests.fakes.embedder import FakeEmbedder

    run("index", "build")
    seed(start(settings.model_copy(update={"store_question_text": True}), embedder=FakeEmbedder()))
    text = run("gaps", "--since", "4w").output
    assert "What the sources could not answer in the 28 days to" in text
    assert "10 questions in" in text and "owner: Principal Social Worker" in text
    assert "PRACTICE_BOT_STORE_QUESTION_TEXT is off" in text  # the command's settings say off
    data = json.loads(run("gaps", "--json").output)
    assert set(data) == {"since", "until", "questions", "text_kept", "topics"}
    assert set(data["topics"][0]) == {
        "key",
        "name",
        "title",
        "section",
        "source",
        "owner",
        "owner_slack_user",
        "count",
        "outcomes",
        "reasons",
        "examples",
        "similarity",
        "distant",
    }
    bad = run("gaps", "--since", "soon")
    assert bad.exit_code == 2 and "write days or weeks" in bad.output
    unset = run("gaps", "--post")
    assert unset.exit_code == 1 and "PRACTICE_BOT_ADMIN_CHANNEL is not set" in unset.output


def _topic(**changes: object) -> Topic:
    topic = Topic(
        key="abc123",
        title="Child protection plans",
        section="Review conferences",
        source="guidance/plans.md",
        owner="Principal Social Worker",
        owner_user="UPSW",
        count=3,
        outcomes={"not_found": 2, "related": 1},
        reasons={"Out of date": 1},
        examples=("review conference interval <in months>?", "rcpc every 6 months?"),
    )
    return dataclasses.replace(topic, **changes)


def _templates(settings: Settings) -> Templates:
    return Templates.load(settings.prompts_dir)


def test_the_digest_shows_each_topic_with_its_owner_and_a_button(settings: Settings) -> None:
    since, until = _since()
    no_user = _topic(key="def456", owner=None, owner_user=None, count=1)
    report = GapReport(since, until, 4, True, (_topic(), no_user))
    text, blocks = digest_message(report, _templates(settings))
    assert "4 questions in 2 topics" in text
    shown = json.dumps(blocks, ensure_ascii=False)
    assert "*Child protection plans — Review conferences*: 3 questions" in shown
    assert "&lt;in months&gt;" in shown and "<in months>" not in shown  # escaped
    assert "owner: Principal Social Worker (<@UPSW>)" in shown
    assert "no owner in front matter or the catalogue" in shown
    buttons = [b["accessory"] for b in blocks if "accessory" in b]
    assert [b["action_id"] for b in buttons] == [SEND_TO_OWNER]  # only where there is a user
    assert read_button_value(buttons[0]["value"]) == (
        "abc123",
        since.replace(microsecond=0),
        until.replace(microsecond=0),
    )
    assert "interval" not in buttons[0]["value"]  # the button carries no question


def test_the_digest_says_when_no_question_text_is_kept(settings: Settings) -> None:
    since, until = _since()
    report = GapReport(since, until, 2, False, (_topic(examples=(), count=2),))
    _, blocks = digest_message(report, _templates(settings))
    assert "Question text is not kept" in json.dumps(blocks)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "abc",
        "{}",
        '{"topic": "a b", "since": "2026-01-01T00:00:00+00:00", '
        '"until": "2026-01-02T00:00:00+00:00"}',
        '{"topic": "a", "since": "2026-01-01", "until": "2026-01-02"}',
    ],
)
def test_a_button_value_that_is_not_ours_is_refused(value: str) -> None:
    assert read_button_value(value) is None


def test_the_owner_message_holds_the_topic_and_examples_rechecked(runtime: Runtime) -> None:
    since, until = _since()
    leaked = _topic(examples=(PERSONAL[0], "review conference interval?"))
    topic = rechecked(leaked, runtime.current().guard)
    report = GapReport(since, until, 3, True, (topic,))
    text, blocks = owner_message(topic, report, runtime.templates)
    shown = text + json.dumps(blocks)
    assert "owner of *Child protection plans*" in text and "*Review conferences*" in text
    assert "review conference interval?" in shown and "Out of date (1)" in shown
    assert not [bit for bit in PERSONAL_BITS if bit in shown]
    assert "UPSW" not in shown  # the owner is not told their own Slack id


def test_the_weekly_digest_is_not_posted_twice_across_a_restart(settings: Settings) -> None:
    now = [dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)]
    posted: list[tuple[dt.datetime, dt.datetime]] = []

    def build(since: dt.datetime, until: dt.datetime) -> GapReport:
        return GapReport(since, until, 0, False)

    def post(report: GapReport) -> None:
        posted.append((report.since, report.until))

    def check() -> bool:  # a fresh schedule each time: as a restarted process would make it
        return post_if_due(digest_schedule(settings, clock=lambda: now[0]), build=build, post=post)

    assert check()
    assert posted == [(now[0] - dt.timedelta(days=7), now[0])]
    assert not check()  # restarted the same hour
    now[0] += dt.timedelta(days=6, hours=23)
    assert not check()
    now[0] += dt.timedelta(hours=1)
    assert check() and len(posted) == 2
    assert oct((settings.data_dir / "gaps_digest.json").stat().st_mode)[-3:] == "600"


def test_a_failed_post_is_tried_again_and_a_damaged_record_never_double_posts(
    settings: Settings,
) -> None:
    schedule = digest_schedule(settings)

    def fail(report: GapReport) -> None:
        raise RuntimeError("Slack is down")

    build = lambda s, u: GapReport(s, u, 0, False)  # noqa: E731
    with pytest.raises(RuntimeError):
        post_if_due(schedule, build=build, post=fail)
    assert schedule.due()  # nothing recorded: the next check tries again
    Path(schedule.path).write_text("not json", encoding="utf-8")
    assert not schedule.due()


def test_a_second_process_holding_the_schedule_skips_its_turn(settings: Settings) -> None:
    schedule = digest_schedule(settings)
    with schedule.turn() as first:
        assert first
        with digest_schedule(settings).turn() as second:
            assert not second


def test_the_serving_loop_posts_the_digest_once_in_the_background(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    from unittest.mock import MagicMock

    from bot.slack import gaps_digest

    seed(runtime)
    monkeypatch.setattr(gaps_digest, "FIRST_CHECK_SECONDS", 0.01)
    monkeypatch.setattr(gaps_digest, "CHECK_SECONDS", 0.05)
    posted = threading.Event()
    client = MagicMock()
    client.chat_postMessage.side_effect = lambda **kwargs: posted.set()
    gaps_digest.schedule_digest(runtime, client, channel="CADMIN")
    assert posted.wait(10)
    runtime.stop()
    (call,) = client.chat_postMessage.call_args_list
    assert call.kwargs["channel"] == "CADMIN" and "10 questions in" in call.kwargs["text"]
    restarted = Runtime(runtime.settings, runtime.embedder, runtime.current(), runtime.templates)
    gaps_digest.schedule_digest(restarted, client, channel="CADMIN")
    threading.Event().wait(0.3)  # several checks: none is due
    restarted.stop()
    assert client.chat_postMessage.call_count == 1


def test_gaps_post_sends_the_digest_now_and_counts_as_this_periods(  # type: ignore[no-untyped-def]
    run, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.devtools.fake_slack import FakeSlack

    slack = FakeSlack().start()
    try:
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_API_URL", f"{slack.url}/api/")
        monkeypatch.setenv("PRACTICE_BOT_ADMIN_CHANNEL", "CADMIN")
        result = run("gaps", "--post")
        assert result.exit_code == 0, result.output
        (posted,) = slack.wait_for("chat.postMessage")
        assert posted.params["channel"] == "CADMIN"
        assert "in the 7 days to" in posted.params["text"]
        assert not digest_schedule(settings).due()  # the serving loop will not post it again
        slack.refuse_next["chat.postMessage"] = ["not_in_channel"]
        refused = run("gaps", "--post")
        assert refused.exit_code == 1
        assert refused.output.strip().endswith("Slack refused the digest: not_in_channel")
    finally:
        slack.stop()


def test_a_long_digest_stays_inside_slacks_limits(settings: Settings) -> None:
    since, until = _since()
    topics = tuple(_topic(key=f"k{i}", count=30 - i) for i in range(25))
    _, blocks = digest_message(GapReport(since, until, 400, True, topics), _templates(settings))
    assert len(blocks) <= 50
    assert "5 more topics: run `practice-bot gaps`" in json.dumps(blocks)
