"""The reader: the project's own cross-encoder, reading a question and a passage together and
saying whether the passage answers it, is only on its topic, or is unrelated.

It ships in `models/reader/` (int8 ONNX graph, tokenizer, `reader.json` with the files' sha256
and how it was made; `models/reader/MODEL_CARD.md`). Serving runs it with onnxruntime and
tokenizers; torch is only for training it (`make reader`). `warm_up()` checks both files'
hashes and refuses to start with a one-line message naming the fix: a missing or altered
model never falls back silently to the rule."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.errors import ConfigError, EmbedderNotReadyError
from bot.retrieval.onnx_embedder import file_sha256

if TYPE_CHECKING:
    from tokenizers import Tokenizer

READER_FORMAT = 1
# Question and passage together, passages cut: 90% of the labelled pairs fit in 128 tokens
# (median 87), and a transformer's cost grows with the longest pair in a batch.
MAX_TOKENS = 128
BATCH = 8  # pairs per graph run at serving: small enough that similar lengths share one
FIX = "restore it with `git checkout models/reader` or train it again with `make reader`"


def pair_inputs(tokenizer: Tokenizer, question: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
    """The graph's inputs for (question, text) pairs, padded to the longest."""
    return _padded(tokenizer.encode_batch([(question, t) for t in texts]))


def _padded(encodings: Sequence[Any]) -> dict[str, np.ndarray]:
    width = max(len(e.ids) for e in encodings)
    inputs = {n: np.zeros((len(encodings), width), dtype=np.int64) for n in _INPUTS}
    for row, e in enumerate(encodings):
        n = len(e.ids)
        inputs["input_ids"][row, :n] = e.ids
        inputs["attention_mask"][row, :n] = e.attention_mask
        inputs["token_type_ids"][row, :n] = e.type_ids
    return inputs


_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def by_length(lengths: Sequence[int], *, batch: int = BATCH) -> list[list[int]]:
    """Positions grouped into batches of similar length, shortest first: a batch costs as much
    as its longest pair, and one long passage padded 20 short ones out to its length."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    return [order[i : i + batch] for i in range(0, len(order), batch)]


def reader_text(title: str, section: str, sentences: Sequence[str]) -> str:
    """What the reader sees of a passage or a sentence: where it stands, then what it says.
    Training (bot/devtools/reader/examples.py) and serving build it here, the same way."""
    return f"{title} > {section}: {' '.join(sentences)}"


@dataclass(frozen=True)
class Reading:
    """The reader's view of one (question, text) pair."""

    answers: float  # probability that the text answers the question
    topic: float  # probability that it is on the question's topic without answering it


class OnnxReader:
    """Loads the shipped reader in warm_up() (idempotent) and scores pairs on the CPU."""

    def __init__(self, folder: Path, *, threads: int | None = None) -> None:
        self.folder = folder
        self.threads = threads or min(os.cpu_count() or 1, 4)
        self._loaded: tuple[Any, Tokenizer] | None = None
        self.meta: dict[str, Any] = {}

    def warm_up(self) -> None:
        if self._loaded is not None:
            return
        self.meta = check_reader(self.folder)
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        # No busy-waiting between runs: the cores are shared with search and Slack.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = onnxruntime.InferenceSession(
            str(self.folder / "model.onnx"), options, providers=["CPUExecutionProvider"]
        )
        tokenizer = Tokenizer.from_file(str(self.folder / "tokenizer.json"))
        # The length it was trained and exported at (older records: the default).
        tokenizer.enable_truncation(
            max_length=int(self.meta.get("max_tokens", MAX_TOKENS)), strategy="only_second"
        )
        # The shipped tokenizer pads a batch to its longest pair, which would pad all twenty
        # candidates to the longest passage before by_length could group them: _padded pads
        # each group to its own longest instead (half the reader's time at 20 candidates).
        tokenizer.no_padding()
        self._loaded = (session, tokenizer)

    def read(self, question: str, texts: Sequence[str]) -> list[Reading]:
        if self._loaded is None:
            raise EmbedderNotReadyError(
                "The reader was used before warm_up(): call warm_up() first."
            )
        if not texts:
            return []
        session, tokenizer = self._loaded
        encodings = tokenizer.encode_batch([(question, t) for t in texts])
        readings: list[Reading] = [Reading(0.0, 0.0)] * len(texts)
        for group in by_length([len(e.ids) for e in encodings]):
            probabilities = session.run(None, _padded([encodings[i] for i in group]))[0]
            for i, p in zip(group, probabilities, strict=True):
                readings[i] = Reading(float(p[0]), float(p[1]))
        return readings


def check_reader(folder: Path) -> dict[str, Any]:
    """The reader's record if its files are there and are the files it records."""
    names = ("reader.json", "model.onnx", "tokenizer.json")
    if missing := [n for n in names if not (folder / n).is_file()]:
        raise ConfigError(f"The reader model is missing from {folder} ({missing[0]}): {FIX}.")
    try:
        meta = json.loads((folder / "reader.json").read_text(encoding="utf-8"))
        recorded = meta["files"]
        if meta.get("format") != READER_FORMAT or not isinstance(recorded, dict):
            raise ValueError(meta.get("format"))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"The reader's record {folder / 'reader.json'} is unusable ({exc}): {FIX}."
        ) from exc
    for name in ("model.onnx", "tokenizer.json"):
        if file_sha256(folder / name) != recorded.get(name):
            raise ConfigError(
                f"The reader model in {folder} does not match its recorded hash ({name}): {FIX}."
            )
    return meta
