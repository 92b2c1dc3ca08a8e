"""The usage store: tests that take `backend` run on SQLite and on PostgreSQL (the same rules
for personal data, retention and feedback on both); the rest are about SQLite files."""

import datetime as dt
import sqlite3
from pathlib import Path

from bot.records import Answer, Chunk, Hit, Kind, Outcome, Passage
from bot.stores.usage import UsageStore
from tests.fakes.stores import Backend


def _answer(question: str, *, answered: bool = True) -> Answer:
    chunk = Chunk(
        "c1",
        "text",
        "guidance/plans.md",
        "Plans",
        Kind.GUIDANCE,
        ("Plans", "Second"),
        "1",
        dt.date(2026, 1, 1),
        None,
    )
    passages = (Passage(1, Hit(chunk, 1.0, 0.8, 1.0), "text", "text"),) if answered else ()
    return Answer(
        question=question,
        outcome=Outcome.ANSWERED if answered else Outcome.NOT_FOUND,
        text="lead",
        passages=passages,
    )


def test_questions_and_users_are_stored_as_keyed_hashes_only(backend: Backend) -> None:
    store = backend.usage()
    store.record_answer(
        _answer("Can Jayden Smith go on a second plan?"), user_id="U123", surface="dm"
    )
    dump = backend.dump()
    assert "Jayden" not in dump and "U123" not in dump
    assert store.digest("U123") in dump  # the user, as a keyed hash
    assert store.digest("second  PLAN") == store.digest("second plan")
    # The key persists, and every worker opening the store hashes alike.
    assert backend.usage().digest("x") == store.digest("x")


def test_the_key_file_is_the_owners_alone(tmp_path: Path) -> None:
    UsageStore(tmp_path / "usage.sqlite3")
    assert oct((tmp_path / "usage.key").stat().st_mode)[-3:] == "600"


def test_text_is_kept_only_when_turned_on(backend: Backend) -> None:
    backend.usage().record_answer(_answer("first plan?"), user_id="U1", surface="dm")
    assert "first plan?" not in backend.dump()
    store = backend.usage(store_text=True)
    answer_id = store.record_answer(_answer("second plan?"), user_id="U1", surface="dm")
    store.record_verdict(answer_id, user_id="U1", helpful=False)
    assert store.summary().most_unhelpful[0].question == "second plan?"
    assert "second plan?" in backend.dump()


def test_summary_counts_verdicts_abstentions_and_citations(backend: Backend) -> None:
    store = backend.usage()
    first = store.record_answer(_answer("a"), user_id="U1", surface="dm")
    store.record_answer(_answer("b", answered=False), user_id="U1", surface="dm")
    assert store.record_verdict(first, user_id="U1", helpful=True)
    assert store.record_verdict(first, user_id="U1", helpful=False)  # a change of mind replaces
    assert store.record_verdict(first, user_id="U2", helpful=False)
    assert not store.record_verdict("unknown", user_id="U1", helpful=True)
    summary = store.summary()
    assert (summary.answers, summary.abstained, summary.helpful, summary.unhelpful) == (2, 1, 0, 2)
    assert summary.abstention_rate == 0.5
    assert summary.most_unhelpful[0].unhelpful == 2
    assert summary.most_unhelpful[0].question.startswith("(question #")
    assert summary.most_cited == [("guidance/plans.md", 1)]


def test_a_locked_store_never_costs_the_answer(tmp_path: Path) -> None:
    store = UsageStore(tmp_path / "usage.sqlite3")
    blocker = sqlite3.connect(tmp_path / "usage.sqlite3", isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        answer_id = store.record_answer(_answer("a"), user_id="U1", surface="dm")
        assert answer_id  # still returned, so the buttons still work
        assert not store.record_verdict(answer_id, user_id="U1", helpful=True)
    finally:
        blocker.execute("ROLLBACK")


def test_purge_deletes_what_is_older_than_the_retention_period(backend: Backend) -> None:
    store = backend.usage()
    old = store.record_answer(_answer("old"), user_id="U1", surface="dm")
    store.record_verdict(old, user_id="U1", helpful=True)
    new = store.record_answer(_answer("new"), user_id="U1", surface="dm")
    edge = store.record_answer(_answer("edge"), user_id="U1", surface="dm")
    backend.sql("UPDATE answers SET created_at = '2020-01-01T00:00:00+00:00' WHERE id = ?", (old,))
    just_inside = dt.datetime.now(dt.UTC) - dt.timedelta(days=89, hours=23)
    backend.sql(
        "UPDATE answers SET created_at = ? WHERE id = ?",
        (just_inside.isoformat(timespec="seconds"), edge),
    )
    assert store.purge(older_than_days=90) == 1
    summary = store.summary()
    assert (summary.answers, summary.helpful) == (2, 0)
    assert store.find_answers(old) == []
    assert store.record_verdict(new, user_id="U1", helpful=False)


def test_a_corrupt_store_never_stops_answers(tmp_path: Path) -> None:
    import pytest

    from bot.errors import ConfigError

    (tmp_path / "usage.sqlite3").write_bytes(b"this is not a database" * 100)
    store = UsageStore(tmp_path / "usage.sqlite3")
    assert store.broken
    assert store.record_answer(_answer("q"), user_id="U1", surface="dm")
    assert not store.record_verdict("x", user_id="U1", helpful=True)
    with pytest.raises(ConfigError, match="cannot be read"):
        store.summary()


def test_a_store_made_before_outcomes_gains_the_column_and_keeps_its_rows(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "usage.sqlite3"
    with sqlite3.connect(path) as db:  # the schema before answers had three outcomes
        db.execute(
            "CREATE TABLE answers (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, question_hash "
            "TEXT NOT NULL, question_text TEXT, user_hash TEXT NOT NULL, surface TEXT NOT NULL, "
            "answered INTEGER NOT NULL, chunk_ids TEXT NOT NULL, citations TEXT NOT NULL)"
        )
        db.execute(
            "INSERT INTO answers VALUES ('a1', '2026-01-01', 'h', NULL, 'u', 'dm', 1, '[]', '[]')"
        )
    db.close()
    store = UsageStore(path)
    store.record_answer(_answer("q", answered=False), user_id="U1", surface="dm")
    assert store.summary().outcomes == {"answered": 1, "not_found": 1}


def test_an_answer_is_kept_as_shown_and_found_by_its_id(backend: Backend) -> None:
    store = backend.usage()
    answer_id = store.record_answer(
        _answer("Can Jayden Smith go on a second plan?"),
        user_id="U1",
        surface="mention",
        index_version="20261127T083000",
    )
    (record,) = store.find_answers(answer_id)
    assert (record.surface, record.outcome, record.index_version) == (
        "mention",
        "answered",
        "20261127T083000",
    )
    assert record.lead_text == "lead"
    assert record.citations == ("guidance/plans.md · Second, para 1",)
    assert record.chunk_ids == ("c1",)
    assert record.question is None  # question text is not kept unless turned on
    assert store.find_answers(answer_id[:8]) == [record]
    assert store.find_answers("ffffffff" if not answer_id.startswith("f") else "00000000") == []
    assert store.find_answers("%") == [] and store.find_answers("") == []
    assert "Jayden" not in backend.dump()


def test_a_reason_is_stored_with_the_verdict_and_summarised(backend: Backend) -> None:
    store = backend.usage()
    first = store.record_answer(_answer("a"), user_id="U1", surface="dm")
    second = store.record_answer(_answer("b"), user_id="U1", surface="dm")
    assert store.record_verdict(first, user_id="U1", helpful=False)
    assert store.record_reason(first, user_id="U1", reason="out_of_date", comment="old rule")
    assert store.record_reason(second, user_id="U2", reason="wrong_passage")
    assert not store.record_reason(second, user_id="U2", reason="made-up")
    assert not store.record_reason("unknown", user_id="U2", reason="other")
    summary = store.summary()
    assert summary.unhelpful == 2
    assert summary.reasons == {"out_of_date": 1, "wrong_passage": 1}
    assert summary.comments == ["old rule"]
    assert store.find_answers(first)[0].feedback == ("not helpful: Out of date: old rule",)
    assert store.record_verdict(first, user_id="U1", helpful=True)  # a change of mind
    assert store.find_answers(first)[0].feedback == ("helpful",)
    assert store.summary().reasons == {"wrong_passage": 1}


def test_a_store_made_before_answer_records_gains_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    with sqlite3.connect(path) as db:  # the schema before answers were kept as shown
        db.execute(
            "CREATE TABLE answers (id TEXT PRIMARY KEY, created_at TEXT NOT NULL, question_hash "
            "TEXT NOT NULL, question_text TEXT, user_hash TEXT NOT NULL, surface TEXT NOT NULL, "
            "answered INTEGER NOT NULL, chunk_ids TEXT NOT NULL, citations TEXT NOT NULL, "
            "outcome TEXT)"
        )
        db.execute(
            "CREATE TABLE feedback (answer_id TEXT NOT NULL REFERENCES answers(id), user_hash "
            "TEXT NOT NULL, verdict TEXT NOT NULL CHECK (verdict IN ('helpful', 'unhelpful')), "
            "created_at TEXT NOT NULL, PRIMARY KEY (answer_id, user_hash))"
        )
        old = "0" * 32
        db.execute(
            "INSERT INTO answers VALUES (?, '2026-01-01', 'h', NULL, 'u', 'dm', 1, '[]', '[]', "
            "'answered')",
            (old,),
        )
        db.execute("INSERT INTO feedback VALUES (?, 'u', 'unhelpful', '2026-01-01')", (old,))
    db.close()
    store = UsageStore(path)
    (record,) = store.find_answers(old)
    assert (record.index_version, record.lead_text, record.feedback) == (
        None,
        None,
        ("not helpful",),
    )
    assert store.record_reason(old, user_id="U1", reason="other", comment="x")
    new = store.record_answer(_answer("q"), user_id="U1", surface="dm", index_version="v2")
    assert store.find_answers(new)[0].index_version == "v2"
    assert store.summary().reasons == {"other": 1}


def test_control_codes_in_a_comment_are_not_stored(backend: Backend) -> None:
    store = backend.usage(store_text=True)
    answer_id = store.record_answer(_answer("plan\x1b]0;title\x07?"), user_id="U1", surface="dm")
    assert store.record_reason(
        answer_id, user_id="U1", reason="other", comment="\x1b[2Jcleared\x07 the\nscreen\x9b"
    )
    query = "SELECT a.question_text, f.comment FROM answers a JOIN feedback f ON true"
    assert backend.sql(query) == [("plan]0;title?", "[2Jcleared the\nscreen")]


def test_only_the_asker_may_judge_an_answer_shown_to_them_alone(backend: Backend) -> None:
    store = backend.usage()
    private = store.record_answer(_answer("a"), user_id="U1", surface="command")
    public = store.record_answer(_answer("b"), user_id="U1", surface="mention", public=True)
    assert store.may_give_feedback(private, user_id="U1")
    assert store.may_give_feedback(private, user_id="U2") is False
    assert store.may_give_feedback(public, user_id="U2")
    assert store.may_give_feedback("unknown", user_id="U2")  # storing it fails instead
    backend.sql("UPDATE answers SET audience = NULL")  # rows from before the audience was kept
    assert store.may_give_feedback(private, user_id="U2") is False  # a command: the asker's
    assert store.may_give_feedback(public, user_id="U2")  # a mention: the channel's


def test_a_verdict_from_another_worker_lands_on_the_same_answer(backend: Backend) -> None:
    """Two stores on one backend stand for two workers: feedback works on either."""
    first, second = backend.usage(), backend.usage()
    answer_id = first.record_answer(_answer("a"), user_id="U1", surface="command")
    assert second.may_give_feedback(answer_id, user_id="U1")
    assert second.may_give_feedback(answer_id, user_id="U2") is False
    assert second.record_verdict(answer_id, user_id="U1", helpful=True)
    assert first.summary().helpful == 1


def test_the_audit_log_keeps_who_did_what_newest_first(backend: Backend) -> None:
    audit = backend.audit()
    audit.record(actor="cli:alice", action="rebuild", target="knowledge", result="ok")
    audit.record(
        actor="slack:U2", action="upload", target="a.md", result="refused", detail="not admin"
    )
    entries = audit.entries(limit=10)
    assert [(e.actor, e.action, e.result, e.detail) for e in entries] == [
        ("slack:U2", "upload", "refused", "not admin"),
        ("cli:alice", "rebuild", "ok", ""),
    ]
    assert len(audit.entries(limit=1)) == 1


def test_unanswered_lists_abstentions_and_answers_marked_not_helpful(backend: Backend) -> None:
    import dataclasses

    store = backend.usage(store_text=True)
    not_found = store.record_answer(_answer("q1", answered=False), user_id="U1", surface="dm")
    disliked = store.record_answer(
        dataclasses.replace(_answer("q2"), nearest="c9"), user_id="U1", surface="dm"
    )
    store.record_answer(_answer("q3"), user_id="U1", surface="dm")  # answered, nobody minded
    assert store.record_reason(disliked, user_id="U1", reason="wrong_passage")
    assert store.record_reason(disliked, user_id="U2", reason="out_of_date")
    now = dt.datetime.now(dt.UTC)
    rows = store.unanswered(since=now - dt.timedelta(days=1), until=now + dt.timedelta(days=1))
    found = {r.id: (r.outcome, r.question, r.reasons, r.unhelpful, r.nearest) for r in rows}
    assert found == {  # the same second: their order is by id, which is random
        not_found: ("not_found", "q1", (), 0, None),  # no passage near it
        disliked: ("answered", "q2", ("out_of_date", "wrong_passage"), 2, "c9"),
    }
    later = now + dt.timedelta(days=1)
    assert store.unanswered(since=later, until=later + dt.timedelta(days=1)) == []
