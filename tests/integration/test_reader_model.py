"""The shipped reader (models/reader) on a handful of pairs: it loads without torch, its hash
is checked, and it tells an answer from a passage that only shares the question's words."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.retrieval.reader import OnnxReader, reader_text
from bot.runtime import Runtime
from bot.settings import READER_DIR
from tests.fakes.cli import run_cli

QUESTION = "how often does the core group have to meet"
ANSWERS = reader_text(
    "Core groups",
    "Frequency",
    [
        "The core group meets within 10 working days of the initial conference.",
        "After that it meets at least every four weeks while the child protection plan lasts.",
    ],
)
TOPIC = reader_text(
    "Core groups",
    "Membership",
    [
        "The core group is made up of the family and the professionals named at the conference.",
        "It develops the outline plan into a detailed working plan.",
    ],
)
UNRELATED = reader_text(
    "Fostering",
    "Allowances",
    ["Foster carers receive a weekly allowance for each child in their care."],
)


@pytest.fixture(scope="module")
def reader() -> OnnxReader:
    shipped = OnnxReader(READER_DIR)
    shipped.warm_up()
    return shipped


def test_the_shipped_reader_tells_an_answer_from_the_same_words(reader: OnnxReader) -> None:
    answers, topic, unrelated = reader.read(QUESTION, [ANSWERS, TOPIC, UNRELATED])
    assert answers.answers > 0.5 > max(topic.answers, unrelated.answers)


def test_a_negation_does_not_answer(reader: OnnxReader) -> None:
    scope = reader_text(
        "Missing children",
        "Scope",
        ["This chapter does not apply to children who are subject to a child protection plan."],
    )
    rule = reader_text(
        "Child protection plans",
        "Review conferences",
        ["The first review conference is held within three months of the initial conference."],
    )
    scope_reading, rule_reading = reader.read(
        "when is the first review for a child on a cp plan", [scope, rule]
    )
    assert rule_reading.answers > 0.5 > scope_reading.answers


def test_the_reader_s_scores_are_in_ask_json_and_decide(real: Runtime) -> None:
    result = run_cli(
        "ask",
        "--json",
        stdin="what must a pre-proceedings letter contain?\nwho won the world cup in 2022\n",
        index_dir=str(real.settings.index_dir),
        reader="on",
    )
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["decided_by"] == "reader" and first["answered"]
    assert all(0.0 <= c["reader"] <= 1.0 for c in first["citations"])
    assert not second["answered"] and second["decided_by"] == "reader"


def test_batching_by_length_keeps_each_pair_s_score_and_order(reader: OnnxReader) -> None:
    # Serving groups pairs of similar length into small batches (padding costs as much as
    # text); every pair must come back in its own place with the score it has alone.
    texts = [ANSWERS, UNRELATED, TOPIC] * 4 + [UNRELATED + " " + TOPIC * 3]
    together = reader.read(QUESTION, texts)
    alone = [reader.read(QUESTION, [t])[0] for t in texts]
    for a, b in zip(together, alone, strict=True):
        assert a.answers == pytest.approx(b.answers, abs=2e-3)
        assert a.topic == pytest.approx(b.topic, abs=2e-3)


def test_each_batch_is_padded_only_to_its_own_longest_pair(reader: OnnxReader) -> None:
    # One long passage among short ones must not pad every batch out to its length.
    session, tokenizer = reader._loaded  # type: ignore[misc]
    widths: list[int] = []

    class Recording:
        def run(self, names: object, feeds: dict[str, Any]) -> Any:
            widths.append(feeds["input_ids"].shape[1])
            return session.run(names, feeds)

    reader._loaded = (Recording(), tokenizer)
    try:
        reader.read(QUESTION, [TOPIC] * 8 + [UNRELATED + " " + TOPIC * 6])
    finally:
        reader._loaded = (session, tokenizer)
    short = len(tokenizer.encode(QUESTION, TOPIC).ids)
    assert widths[0] == short
    assert widths[-1] > short
