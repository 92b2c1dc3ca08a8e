"""What the reader costs a question, side by side in one run: the same questions answered with
the reader and with the rule, and the shipped int8 ONNX graph against the same model in torch
at full precision on the same pairs (when the training run's weights are on this machine)."""

from __future__ import annotations

import time
from typing import Any

from bot.answering.answerer import Answerer
from bot.answering.reading import READ_CANDIDATES, READ_FIRST, passage_text
from bot.retrieval.reader import OnnxReader


def reader_cost(answerer: Answerer, reader: OnnxReader, questions: list[str]) -> dict[str, Any]:
    run = str(reader.meta.get("run", "cross-1"))  # the training run the shipped graph came from
    with_reader = Answerer(
        answerer.retriever,
        answerer.templates,
        answerer.policy,
        guard=answerer.guard,
        reader=reader,
    )
    rule = Answerer(answerer.retriever, answerer.templates, answerer.policy, guard=answerer.guard)
    for q in questions[:5]:
        with_reader.answer(q)
    timed: dict[str, list[float]] = {"reader": [], "rule": []}
    for q in questions:
        for name, who in (("reader", with_reader), ("rule", rule)):
            t = time.perf_counter()
            who.answer(q)
            timed[name].append(time.perf_counter() - t)
    result: dict[str, Any] = {
        "candidates": READ_CANDIDATES,  # the most read; the pairs below are all of them
        "read_first": READ_FIRST,  # what the answers above read unless none of these answers
        "with_reader_ms": _p(timed["reader"]),
        "rule_ms": _p(timed["rule"]),
    }
    result["added_p50_ms"] = round(result["with_reader_ms"]["p50"] - result["rule_ms"]["p50"], 2)
    pairs = [
        (
            q,
            [
                passage_text(h.chunk)
                for h in answerer.retriever.retrieve(q, limit=READ_CANDIDATES).hits
            ],
        )
        for q in questions
    ]
    result["onnx_int8_ms"] = _p(_score_all(lambda q, t: reader.read(q, t), pairs))
    for name, scorer in (("torch_fp32", _torch_scorer(run)), ("cross_encoder", _st_scorer(run))):
        if scorer is not None:
            result[f"{name}_ms"] = _p(_score_all(scorer, pairs))
            result[f"{name}_over_onnx_p50"] = round(
                result[f"{name}_ms"]["p50"] / result["onnx_int8_ms"]["p50"], 2
            )
    return result


def _st_scorer(run: str):  # type: ignore[no-untyped-def]
    """The same network through sentence-transformers' `CrossEncoder` (full precision, torch):
    the run's encoder weights, with CrossEncoder's own classification head in place of the
    reader's mean-pooled one (a 384x3 product either way), so the time is the network's. Its
    scores are not the reader's and are not used."""
    from bot.devtools.reader.train import RUNS
    from bot.retrieval.reader import MAX_TOKENS

    if not (RUNS / run / "encoder").exists():
        return None
    import torch
    from sentence_transformers import CrossEncoder

    torch.set_num_threads(2)
    model = CrossEncoder(
        str(RUNS / run / "encoder"), num_labels=3, max_length=MAX_TOKENS, device="cpu"
    )

    def score(question: str, texts: list[str]) -> Any:
        return model.predict([(question, t) for t in texts], batch_size=len(texts))

    return score


def _score_all(score, pairs) -> list[float]:  # type: ignore[no-untyped-def]
    for q, texts in pairs[:3]:
        score(q, texts)
    times = []
    for q, texts in pairs:
        t = time.perf_counter()
        score(q, texts)
        times.append(time.perf_counter() - t)
    return times


def _torch_scorer(run: str):  # type: ignore[no-untyped-def]
    """The trained model in torch, full precision (training-time code), or None if the run's
    weights are not on this machine (they are not shipped: only the int8 export is)."""
    from bot.devtools.reader.train import RUNS

    if not (RUNS / run / "encoder").exists():
        return None
    import torch

    from bot.devtools.reader.train import load_cross
    from bot.retrieval.reader import MAX_TOKENS

    model, tokenizer = load_cross(RUNS / run)
    model.eval()
    torch.set_num_threads(2)

    @torch.no_grad()
    def score(question: str, texts: list[str]) -> Any:
        batch = tokenizer(  # type: ignore[operator]
            [question] * len(texts),
            texts,
            truncation="only_second",
            max_length=MAX_TOKENS,
            padding=True,
            return_tensors="pt",
        )
        return torch.softmax(model(**batch), -1)

    return score


def _p(values: list[float]) -> dict[str, float]:
    from bot.devtools.bench.measure import _pcts  # the bench's percentiles, the same way

    return _pcts(values, (50, 95))
