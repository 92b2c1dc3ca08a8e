"""`practice-bot bench`: warm ask latency against its floor (the model embedding the question
alone, measured in the same run), and the time to build the index from scratch."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bot.evaluation import DEFAULT_SET, load_cases
from bot.index_build import build_index
from bot.runtime import make_embedder, start
from bot.settings import Settings

FALLBACK_QUESTIONS = [
    "can a child have a second CP plan?",
    "what must a pre-proceedings letter contain?",
    "how often should an nqsw be supervised",
    "how do I claim mileage?",
]


def run_bench(settings: Settings, *, repeat: int = 5, progress: bool = True) -> dict[str, Any]:
    started = time.perf_counter()
    embedder = make_embedder(settings)
    model_loaded = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        report = build_index(settings.knowledge_dir, Path(tmp), embedder, progress=progress)
        build_seconds = time.perf_counter() - t0
    runtime = start(settings, embedder=embedder, progress=progress)
    questions = _questions()
    for q in questions[:5]:  # warm caches before timing
        runtime.answerer.answer(q)
    floor: list[float] = []
    ask: list[float] = []
    for _ in range(repeat):
        for q in questions:
            t0 = time.perf_counter()
            embedder.embed([q])
            floor.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            runtime.answerer.answer(q)
            ask.append(time.perf_counter() - t0)
    floor_p50, ask_p50 = _pct(floor, 50), _pct(ask, 50)
    return {
        "questions_timed": len(ask),
        "chunks": len(runtime.index.chunks),
        "dense_rows": int(runtime.index.dense.ntotal),
        "model_load_s": round(model_loaded, 3),
        "floor_embed_ms": {"p50": floor_p50, "p95": _pct(floor, 95)},
        "ask_ms": {"p50": ask_p50, "p95": _pct(ask, 95), "p99": _pct(ask, 99)},
        "ask_over_floor_p50": round(ask_p50 / floor_p50, 3),
        "ask_over_floor_p95": round(_pct(ask, 95) / _pct(floor, 95), 3),
        "index_build_s": round(build_seconds, 2),
        "index_build_chunks_per_s": round(report.chunks / build_seconds, 1),
    }


def _questions() -> list[str]:
    if DEFAULT_SET.exists():
        cases = load_cases(DEFAULT_SET)
        return [c.q for c in cases.in_scope + cases.out_of_scope]
    return FALLBACK_QUESTIONS


def _pct(values: list[float], q: int) -> float:
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return round(cuts[q - 1] * 1000, 2)


def format_bench(r: dict[str, Any]) -> str:
    return "\n".join(
        [
            f"Corpus: {r['chunks']} passages ({r['dense_rows']} dense rows); "
            f"{r['questions_timed']} timed questions",
            f"Floor (model embeds the question): p50 {r['floor_embed_ms']['p50']} ms, "
            f"p95 {r['floor_embed_ms']['p95']} ms",
            f"Warm ask: p50 {r['ask_ms']['p50']} ms, p95 {r['ask_ms']['p95']} ms, "
            f"p99 {r['ask_ms']['p99']} ms",
            f"Ask / floor: p50 {r['ask_over_floor_p50']}x, p95 {r['ask_over_floor_p95']}x "
            "(target <= 1.5x)",
            f"Index build from scratch: {r['index_build_s']} s "
            f"({r['index_build_chunks_per_s']} passages/s); model load {r['model_load_s']} s",
        ]
    )
