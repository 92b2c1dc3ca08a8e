import json
from pathlib import Path

import pytest

from bot import runtime as runtime_module
from bot.settings import Settings
from bot.slack import wiring as wiring_module
from tests.fakes.embedder import FakeEmbedder


def test_index_build_reports_what_it_indexed(run) -> None:  # type: ignore[no-untyped-def]
    result = run("index", "build")
    assert result.exit_code == 0, result.output
    assert "3 documents" in result.output
    assert "added: findings/letter.md, guidance/letters.md, guidance/plans.md" in result.output


def test_ask_json_answers_each_line_of_standard_input(run) -> None:  # type: ignore[no-untyped-def]
    result = run("ask", "--json", stdin="second cp plan?\n\nhow do I claim mileage?\n")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(d["question"], d["answered"]) for d in lines] == [
        ("second cp plan?", True),
        ("how do I claim mileage?", False),
    ]
    assert lines[0]["citations"][0]["source"] == "guidance/plans.md"
    assert lines[1]["citations"] == []


def test_ask_builds_the_index_first_when_there_is_none(run, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    result = run("ask", "RCPC timescale")
    assert "No index yet" in result.stderr
    assert (settings.index_dir / "CURRENT").exists()
    assert "Review conferences, para 1" in result.stdout


def test_ask_k_limits_the_citations(run) -> None:  # type: ignore[no-untyped-def]
    result = run("ask", "-k", "1", "--json", "second cp plan")
    assert len(json.loads(result.stdout)["citations"]) == 1


@pytest.mark.parametrize("question", ["", "   "])
def test_an_empty_question_exits_2_with_a_clear_message(run, question: str) -> None:  # type: ignore[no-untyped-def]
    result = run("ask", question)
    assert result.exit_code == 2
    assert "The question is empty" in result.output


def test_an_index_from_another_model_is_a_one_line_error(
    run, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    run("index", "build")

    class OtherModel(FakeEmbedder):
        name = "other-model"

    monkeypatch.setattr(runtime_module, "make_embedder", lambda s: OtherModel())
    result = run("ask", "second cp plan")
    assert result.exit_code == 1
    assert "built with the model 'fake-hash-256'" in result.output
    assert "Traceback" not in result.output


def test_sources_lists_documents_with_kind_dates_and_overdue_reviews(run) -> None:  # type: ignore[no-untyped-def]
    run("index", "build")
    result = run("sources")
    assert result.exit_code == 0
    assert "findings" in result.output and "guidance/plans.md" in result.output
    assert "review due 2025-06-01 (OVERDUE)" in result.output
    assert "dated 2018-11-22" in result.output


def test_a_stale_index_is_pointed_out(run, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    run("index", "build")
    (settings.knowledge_dir / "guidance" / "new.md").write_text(
        "# New\n\nNew text.\n", encoding="utf-8"
    )
    result = run("ask", "second cp plan")
    assert "knowledge folder has changed since the index was built" in result.stderr


def test_eval_prints_the_figures(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "in_scope:\n"
        "  - q: second cp plan\n"
        "    expect: [{source: guidance/plans.md, section: Second or subsequent plans}]\n"
        "  - q: rcpc timescale\n"
        "    expect: [{source: findings/letter.md, section: Findings, para: 2}]\n"
        "out_of_scope:\n"
        "  - q: how do I claim mileage\n",
        encoding="utf-8",
    )
    result = run("eval", str(cases), "--json")
    figures = json.loads(result.stdout)
    assert figures["hit@1"] == 0.5
    assert figures["out_of_scope_abstained"] == 1.0
    assert figures["in_scope"] == 2


def test_run_is_the_terminal_chat_on_the_same_pipeline(run) -> None:  # type: ignore[no-untyped-def]
    result = run("run", stdin="second cp plan?\n   \nhow do I claim mileage?\n")
    assert result.exit_code == 0
    assert result.stdout.count("> ") == 2
    assert "[1] Child protection plans — Second or subsequent plans, para 1" in result.stdout
    assert "Not found in the findings or guidance" in result.stdout


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}, ("socket",)),
        (
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "PORT": "8123"},
            ("http", 8123),
        ),
    ],
)
def test_run_starts_the_slack_bot_when_tokens_are_set(  # type: ignore[no-untyped-def]
    run, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: tuple
) -> None:
    started: list[tuple] = []
    for name, value in env.items():
        monkeypatch.setenv(name, value)

    def serve(settings: Settings, *, http: bool, host: str, port: int, **_: object) -> None:
        started.append(("http", port) if http else ("socket",))

    monkeypatch.setattr(wiring_module, "serve", serve)
    result = run("run", stdin="")
    assert result.exit_code == 0, result.output
    assert started == [expected]


def test_serve_http_without_a_signing_secret_says_what_is_missing(  # type: ignore[no-untyped-def]
    run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    result = run("serve", "--http")
    assert result.exit_code == 1
    assert "SLACK_SIGNING_SECRET is not set" in result.output


def test_feedback_summarises_usage(run, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    from bot.records import Answer, Outcome
    from bot.stores.usage import UsageStore

    store = UsageStore(settings.usage_db)
    store.record_answer(
        Answer(question="q", outcome=Outcome.NOT_FOUND, text="Not found."),
        user_id="U1",
        surface="dm",
    )
    store.record_answer(
        Answer(question="q2", outcome=Outcome.RELATED, text="Related."), user_id="U1", surface="dm"
    )
    result = run("feedback")
    assert result.exit_code == 0
    assert "2 answers: 0 answered, 1 related only, 1 not found (100% not answered)" in (
        result.output
    )


def test_rollback_versions_and_audit_from_the_command_line(run, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    run("index", "build")
    failed = run("index", "rollback")
    assert failed.exit_code == 1 and "no earlier index version" in failed.output
    (settings.knowledge_dir / "guidance" / "new.md").write_text(
        "# New\n\nNew text here.\n", "utf-8"
    )
    second = run("index", "build")
    assert "added: guidance/new.md" in second.output and "(1 read, 3 unchanged)" in second.output
    versions = run("index", "versions").output.splitlines()
    assert len(versions) == 2 and versions[0].startswith("* ")
    rolled = run("index", "rollback")
    assert rolled.exit_code == 0 and "Rolled back" in rolled.output
    assert run("index", "versions").output.splitlines()[1].startswith("* ")
    log = run("audit").output
    assert log.count(" rebuild ") == 2 and "rollback" in log and "failed" in log


def test_feedback_lists_why_answers_were_not_helpful(run, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    from bot.records import Answer, Outcome
    from bot.stores.usage import UsageStore

    store = UsageStore(settings.usage_db)
    first = store.record_answer(
        Answer(question="q", outcome=Outcome.NOT_FOUND, text="Not found."),
        user_id="U1",
        surface="dm",
    )
    second = store.record_answer(
        Answer(question="q2", outcome=Outcome.NOT_FOUND, text="Nope."), user_id="U1", surface="dm"
    )
    store.record_reason(first, user_id="U1", reason="wrong_passage", comment="cites plans")
    store.record_reason(second, user_id="U1", reason="wrong_passage")
    result = run("feedback")
    assert "feedback: 0 helpful, 2 not helpful" in result.output
    assert "Why answers were not helpful:\n      2  Wrong passage" in result.output
    assert "Latest comments (personal details removed):\n  - cites plans" in result.output


def test_answer_shows_a_recorded_answer_and_refuses_a_short_id(run, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    from bot.records import Answer, Outcome
    from bot.stores.usage import UsageStore

    store = UsageStore(settings.usage_db)
    answer_id = store.record_answer(
        Answer(question="q", outcome=Outcome.NOT_FOUND, text="Not found in the sources."),
        user_id="U1",
        surface="command",
        index_version="20261127T080000",
    )
    result = run("answer", answer_id.upper())
    assert result.exit_code == 0, result.output
    assert f"Answer {answer_id}" in result.output and "outcome  not_found" in result.output
    assert "index    20261127T080000" in result.output
    assert "Not found in the sources." in result.output
    short = run("answer", answer_id[:4])
    assert short.exit_code == 2 and "at least 8 characters" in short.output


def test_feedback_and_answer_never_print_control_codes_from_old_rows(  # type: ignore[no-untyped-def]
    run, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows stored before control codes were stripped on the way in still hold them: ESC
    would drive the admin's terminal (clear it, retitle it, fake lines), BEL ring it."""
    import sqlite3

    from bot.records import Answer, Outcome
    from bot.stores.usage import UsageStore

    monkeypatch.setenv("PRACTICE_BOT_STORE_QUESTION_TEXT", "true")
    store = UsageStore(settings.usage_db, store_text=True)
    answer_id = store.record_answer(
        Answer(question="q", outcome=Outcome.NOT_FOUND, text="Not found."),
        user_id="U1",
        surface="dm",
    )
    store.record_reason(answer_id, user_id="U1", reason="other", comment="placeholder")
    with sqlite3.connect(settings.usage_db) as db:  # as an older version stored them
        db.execute(
            "UPDATE answers SET question_text = ?, lead_text = ?, citations = ?",
            ("q\x1b]0;owned\x07", "line one\x1b[2J\nline two\r", '["src.md \\u001b[31m\\u00b7 s"]'),
        )
        db.execute("UPDATE feedback SET comment = ?", ("\x1b[1A\x1b[2Kall fine\x07\nfaked line",))
        db.execute("UPDATE answers SET chunk_ids = '[\"c1\"]'")
    db.close()
    for shown in (run("feedback").output, run("answer", answer_id).output):
        assert not any(c in shown for c in "\x1b\x07\x9b\r"), repr(shown)
    summary = run("feedback").output
    assert "  - [1A[2Kall fine faked line" in summary  # one comment, one line
    looked_up = run("answer", answer_id).output
    assert "line one[2J\nline two" in looked_up  # the lead keeps its lines
    assert "question q]0;owned" in looked_up and "feedback: not helpful: Other: [1A" in looked_up
