"""The reader in the answer (issue 19): it orders the citations, decides the outcome and picks
the lead; the rule stays only for comparison; a missing or altered model stops start-up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.answering.reading import READ_CANDIDATES, READ_FIRST, read_hits
from bot.errors import ConfigError
from bot.records import Chunk, DecidedBy, Hit, Kind, Outcome
from bot.retrieval.reader import OnnxReader, check_reader, file_sha256
from bot.runtime import Runtime, make_reader, start
from bot.settings import Settings
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.reader import FakeReader


def _with(settings: Settings, fake_embedder: FakeEmbedder, reader: FakeReader) -> Runtime:
    return start(
        settings.model_copy(update={"reader": True}),
        embedder=fake_embedder,
        reader=reader,
        progress=False,
    )


def test_the_reader_decides_and_orders_the_citations(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    # The review-conference passage answers, however the retriever ranked it.
    reader = FakeReader(answers="within three months")
    answer = _with(settings, fake_embedder, reader).current().answer("second plan review timing")
    assert answer.outcome is Outcome.ANSWERED and answer.decided_by is DecidedBy.READER
    assert "within three months" in answer.passages[0].hit.chunk.text
    data = answer.to_json()
    assert data["decided_by"] == "reader"
    assert data["citations"][0]["reader"] == pytest.approx(0.9)
    assert reader.calls, "the reader was never asked"


def test_a_passage_that_only_shares_the_words_is_not_an_answer(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    # The rule answers this one (its words are all in a passage); the reader finds nothing
    # that answers, so it is at most related, never answered.
    question = "can a child have a second CP plan?"
    rule = start(settings, embedder=fake_embedder, progress=False).current().answer(question)
    assert rule.answered and rule.decided_by is DecidedBy.RULE
    read = _with(settings, fake_embedder, FakeReader()).current().answer(question)
    assert read.outcome is Outcome.RELATED and read.decided_by is DecidedBy.READER
    assert json.loads(json.dumps(read.to_json()))["outcome"] == "related"


def test_nothing_on_the_topic_is_not_found(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    reader = FakeReader(topic=0.1)
    answer = _with(settings, fake_embedder, reader).current().answer("second plan")
    assert answer.outcome is Outcome.NOT_FOUND and answer.passages == ()


def test_the_lead_is_the_sentence_the_reader_says_answers(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    # The first sentence of the passage is not the answer; the second is.
    reader = FakeReader(answers="signal to look hard")
    answer = _with(settings, fake_embedder, reader).current().answer("second plan meaning")
    assert answer.answered
    first_line = answer.text.splitlines()[0]
    assert "signal to look hard" in first_line
    assert "Nothing in national guidance" not in first_line


def test_a_finding_answering_follows_guidance_and_is_framed_as_found(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    reader = FakeReader(answers="plan")
    answer = _with(settings, fake_embedder, reader).current().answer("second plan confusion")
    kinds = [p.hit.chunk.kind for p in answer.passages]
    assert Kind.GUIDANCE in kinds and Kind.FINDINGS in kinds
    lines = answer.text.splitlines()
    assert lines[-1].startswith("Inspectors found")
    assert not lines[0].startswith("Inspectors found")


def test_figures_now_and_dated_findings_are_the_policy_s_with_the_reader_too(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    runtime = _with(settings, fake_embedder, FakeReader(answers="inspectors"))
    figures = runtime.current().answer("how many children are on second plans right now")
    assert figures.outcome is Outcome.NOT_FOUND and "figures" in figures.text.lower()
    dated = runtime.current().answer("what are inspectors finding about confusion now")
    assert dated.outcome is Outcome.NOT_FOUND and "22 November 2018" in dated.text


def _shipped_like(folder: Path) -> Path:
    folder.mkdir()
    (folder / "model.onnx").write_bytes(b"graph")
    (folder / "tokenizer.json").write_text("{}")
    files = {n: file_sha256(folder / n) for n in ("model.onnx", "tokenizer.json")}
    (folder / "reader.json").write_text(json.dumps({"format": 1, "files": files}))
    return folder


def test_a_missing_reader_stops_start_up_naming_the_fix(tmp_path: Path, settings: Settings) -> None:
    missing = settings.model_copy(update={"reader": True, "reader_dir": tmp_path / "nowhere"})
    with pytest.raises(ConfigError, match="make reader"):
        make_reader(missing)


def test_an_altered_reader_is_refused_not_used(tmp_path: Path) -> None:
    folder = _shipped_like(tmp_path / "reader")
    assert check_reader(folder)["format"] == 1
    (folder / "tokenizer.json").write_text('{"vocab": "shuffled"}')
    with pytest.raises(ConfigError, match="does not match its recorded hash"):
        OnnxReader(folder).warm_up()


def test_the_reader_cannot_be_used_before_warm_up(tmp_path: Path) -> None:
    from bot.errors import EmbedderNotReadyError

    with pytest.raises(EmbedderNotReadyError):
        OnnxReader(tmp_path).read("q", ["text"])


def test_a_reported_belief_never_leads_even_when_the_reader_prefers_it() -> None:
    # Inspectors' "some staff believed ..." is guidance reporting a mistake, not the answer:
    # the reader's best sentence is skipped when the answerer's rule says it may not lead.
    from bot.answering.reading import best_sentences
    from bot.records import Chunk

    chunk = Chunk(
        id="c1",
        text=(
            "Some staff believed a second plan was not allowed. "
            "A second plan is allowed when the risk returns."
        ),
        source="plans.md",
        title="Plans",
        kind=Kind.GUIDANCE,
        heading_path=("Plans", "Second plans"),
        paragraph=None,
        date=None,
        review_due=None,
    )
    reader = FakeReader(answers="second plan")  # both sentences hold it: the first wins a tie
    assert best_sentences(reader, "second plan allowed?", [chunk]) == [0]
    believed = best_sentences(
        reader, "second plan allowed?", [chunk], may_lead=lambda s, c: "believed" not in s
    )
    assert believed == [1]


def test_pairs_are_batched_with_pairs_of_similar_length() -> None:
    from bot.retrieval.reader import by_length

    groups = by_length([50, 10, 40, 20, 30], batch=2)
    assert groups == [[1, 3], [4, 2], [0]]
    assert sorted(i for g in groups for i in g) == [0, 1, 2, 3, 4]


def test_nothing_near_in_retrieval_is_not_found_whatever_the_reader_says_of_the_topic(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    # A reader trained on practice questions can call a practice passage "on the topic" of
    # anything; with retrieval below its floor for "on the topic", nothing is shown.
    reader = FakeReader(topic=0.9)
    runtime = _with(settings.model_copy(update={"related_similarity": 0.99}), fake_embedder, reader)
    answer = runtime.current().answer("second plan")
    assert answer.outcome is Outcome.NOT_FOUND and answer.passages == ()


def _hits(texts: list[str]) -> list[Hit]:
    return [
        Hit(
            chunk=Chunk(
                f"c{i}", t, "guidance/x.md", "X", Kind.GUIDANCE, ("X", "S"), "1", None, None
            ),
            score=1.0 - i / 100,
            similarity=0.5,
            lexical=0.0,
        )
        for i, t in enumerate(texts)
    ]


def test_the_rest_of_the_candidates_are_read_only_when_the_first_do_not_answer() -> None:
    reader = FakeReader(answers="every 6 weeks")
    answered_early = _hits(["The core group meets every 6 weeks."] + ["Other text."] * 19)
    read = read_hits(reader, "how often", answered_early, weight=0.1, answers_at=0.5)
    assert [len(texts) for _, texts in reader.calls] == [READ_FIRST]
    assert read[0].hit.chunk.text == "The core group meets every 6 weeks."

    reader.calls.clear()
    answered_late = _hits(["Other text."] * 15 + ["The core group meets every 6 weeks."] * 5)
    read = read_hits(reader, "how often", answered_late, weight=0.1, answers_at=0.5)
    assert [len(texts) for _, texts in reader.calls] == [READ_FIRST, READ_CANDIDATES - READ_FIRST]
    assert read[0].hit.chunk.text == "The core group meets every 6 weeks."
    assert len(read) == READ_CANDIDATES


def test_every_cited_passage_s_sentences_are_read_in_one_call() -> None:
    from bot.answering.reading import best_sentences

    reader = FakeReader(answers="every 6 weeks")
    chunks = [
        h.chunk
        for h in _hits(
            [
                "The core group plans. It meets every 6 weeks.",
                "One sentence only.",
                "The core group meets every 6 weeks. Minutes go out.",
            ]
        )
    ]
    assert best_sentences(reader, "how often", chunks) == [1, 0, 0]
    assert [len(texts) for _, texts in reader.calls] == [4]  # a lone sentence is not read
