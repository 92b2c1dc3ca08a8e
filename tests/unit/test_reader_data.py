"""The reader's training data keeps its promises: the transfer corpus is never trained on,
no evaluation question is a training question, labels are whole and well formed."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from bot.devtools.corpora import CORPORA, EVAL
from bot.devtools.reader.batches import ANNOTATE, LABELS, all_pairs, read_labels, training_pairs
from bot.devtools.reader.corpora import QUESTIONS, TRAINING_CORPORA, TRANSFER
from bot.devtools.reader.leakage import evaluation_questions, too_close
from bot.devtools.reader.mine import PAIRS
from tests.fakes.embedder import FakeEmbedder


def test_the_transfer_corpus_is_not_among_the_training_corpora() -> None:
    def folders(parts: tuple[tuple[Path, str], ...]) -> set[Path]:
        return {source for source, _ in parts if source.is_dir()}  # the glossary is shared

    transfer = folders(TRANSFER.parts)
    assert transfer
    for corpus in TRAINING_CORPORA.values():
        assert not transfer & folders(corpus.parts), corpus.name
    assert TRANSFER is CORPORA["transfer"]
    assert not (QUESTIONS / "tamsford.yaml").exists()
    assert {p.stem for p in PAIRS.glob("*.jsonl")} <= set(TRAINING_CORPORA)


def test_no_training_question_is_an_evaluation_question() -> None:
    held = {q.strip().lower() for q in evaluation_questions()}
    mined = {p.question.strip().lower() for p in all_pairs()}
    kept = {p.question.strip().lower() for p in training_pairs(FakeEmbedder())}
    assert held & mined, "the transfer set was written after mining: some overlap is expected"
    assert kept and not held & kept


def test_the_leakage_check_drops_a_repeated_evaluation_question() -> None:
    some = evaluation_questions()[0]
    dropped = too_close([some, "how do i book a meeting room on the fourth floor"], FakeEmbedder())
    assert dropped == {some}


def test_every_pair_handed_out_has_one_well_formed_label() -> None:
    handed = {
        json.loads(line)["id"]
        for path in ANNOTATE.glob("batch_*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    }
    labels = read_labels(LABELS / "first")
    assert handed == set(labels)
    shown = {
        json.loads(line)["id"]: len(json.loads(line)["sentences"])
        for path in ANNOTATE.glob("batch_*.jsonl")
        for line in path.read_text(encoding="utf-8").splitlines()
    }
    for label in labels.values():
        if label.label == "answers":
            assert label.sentences and all(1 <= n <= shown[label.id] for n in label.sentences)


def test_the_transfer_set_is_held_out_whole() -> None:
    data = yaml.safe_load((EVAL / "transfer.yaml").read_text(encoding="utf-8"))
    assert data["holdout"] is True
