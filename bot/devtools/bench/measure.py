"""`practice-bot bench`: where the time goes and how far one machine goes, with figures.

Every latency is set beside its floor measured in the same run: the model embedding the
question alone. Corpora of 1,000 / 10,000 / 100,000 passages are synthetic, recombined from
the real knowledge base's sentences (bot/devtools/synthetic.py)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from bot.answering.answerer import Answerer
from bot.devtools.evaluation import DEFAULT_SET, load_cases
from bot.devtools.synthetic import write_synthetic_corpus
from bot.embedding import Embedder
from bot.index.dense import dense_index, recall_at_10
from bot.index.loaded import load_index
from bot.ingest.chunking import embedding_text, sentence_windows
from bot.retrieval.glossary import Glossary
from bot.retrieval.retriever import Retriever
from bot.runtime import Runtime, make_embedder, policy_from, start
from bot.settings import Settings

STAGES = ("expand", "embed", "dense", "lexical", "fusion", "reader", "compose")
RAW_SAMPLE = 3000
EMPTY_SIZES = "''"  # how `--sizes ''` (no synthetic corpora) is written back


def run_bench(
    settings: Settings,
    *,
    sizes: list[int],
    repeat: int = 3,
    load: bool = True,
    progress: bool = True,
) -> dict[str, Any]:
    say = (lambda m: print(m, file=sys.stderr, flush=True)) if progress else (lambda m: None)
    t0 = time.perf_counter()
    embedder = make_embedder(settings)
    result: dict[str, Any] = {"model_load_s": round(time.perf_counter() - t0, 2)}
    runtime = start(settings, embedder=embedder, progress=False)
    questions = _questions()
    say(f"warm latency on the knowledge base ({len(runtime.index.chunks)} passages)")
    result["knowledge_base"] = _latency(runtime.current(), embedder, questions, repeat=repeat)
    result["knowledge_base"] |= {
        "chunks": len(runtime.index.chunks),
        "rows": int(runtime.index.dense.ntotal),
        "dense_index": runtime.index.manifest.dense_index,
    }
    say("the sentence-transformers embedding of the same questions (the old floor)")
    result["knowledge_base"] |= _torch_floor(settings, questions, result["knowledge_base"])
    if settings.reader:
        say("the reader's cost: with and without it, int8 ONNX against torch")
        from bot.devtools.bench.reader_cost import reader_cost
        from bot.retrieval.reader import OnnxReader

        shipped = OnnxReader(settings.reader_dir)
        shipped.warm_up()
        result["reader"] = reader_cost(runtime.current(), shipped, questions)
    say("cold start")
    result["cold_start_s"] = _cold_start(settings)
    result["cold_ask_s"] = _cold_ask(settings)
    result["import_sentence_transformers_s"] = _import_time("sentence_transformers")
    result["cold_ask_over_import"] = round(
        result["cold_ask_s"] / result["import_sentence_transformers_s"], 3
    )
    result["corpora"] = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            say(f"synthetic corpus of {size} passages: build")
            result["corpora"].append(
                _corpus(settings, embedder, runtime, questions, Path(tmp) / str(size), size)
            )
        if sizes:
            say("exact against IVF at the largest size")
            largest = load_index(Path(tmp) / str(sizes[-1]) / "index", model=embedder.name)
            result["exact_vs_ivf"] = _exact_vs_ivf(largest, embedder, questions)
    if load:
        from bot.devtools.loadtest import describe, run_load

        say("concurrent load over HTTP")
        result["load"] = describe(
            [
                run_load(runtime, questions, concurrency=n, rounds=r)
                for n, r in ((1, 10), (8, 4), (32, 2))
            ]
        )
        say("32 concurrent questions while a rebuild runs")
        result["load_during_rebuild"] = _load_during_rebuild(runtime, embedder, questions)
    return result


def _torch_floor(
    settings: Settings, questions: list[str], measured: dict[str, Any]
) -> dict[str, Any]:
    """The sentence-transformers embedding of each question alone: the floor before the ONNX
    encoder, against which a warm question is now measured too."""
    from bot.retrieval.embedder import SentenceTransformerEmbedder

    torch_embedder = SentenceTransformerEmbedder(settings.model)
    torch_embedder.warm_up()
    for q in questions[:10]:
        torch_embedder.embed([q])
    times = []
    for q in questions:
        t = time.perf_counter()
        torch_embedder.embed([q])
        times.append(time.perf_counter() - t)
    floor = _pct(times, 50) * 1000
    return {
        "torch_floor_ms": _pcts(times, (50, 95)),
        "ask_over_torch_floor": {
            "p50": round(measured["ask_ms"]["p50"] / floor, 3),
            "p95": round(measured["ask_ms"]["p95"] / (_pct(times, 95) * 1000), 3),
        },
    }


def _cold_ask(settings: Settings, runs: int = 3) -> float:
    """A one-shot `practice-bot ask`: process start to answer printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["PRACTICE_BOT_INDEX_DIR"] = str(settings.index_dir.resolve())
    env["PRACTICE_BOT_KNOWLEDGE_DIR"] = str(settings.knowledge_dir.resolve())
    command = [sys.executable, "-m", "bot", "ask", "can a child have a second CP plan?"]
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(command, capture_output=True, env=env, check=True)
        times.append(time.perf_counter() - t)
    return round(statistics.median(times), 2)


def _import_time(module: str, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True, check=True)
        times.append(time.perf_counter() - t)
    return round(statistics.median(times), 2)


def _load_during_rebuild(
    runtime: Runtime, embedder: Embedder, questions: list[str]
) -> dict[str, Any]:
    """Acks and answers for 32 simultaneous questions while a 1,000-passage index is built in
    the same process (its embedding competes for the two cores, as a Slack rebuild does)."""
    import threading

    from bot.devtools.loadtest import describe, run_load
    from bot.index.build import build_index

    with tempfile.TemporaryDirectory() as tmp:
        knowledge = Path(tmp) / "knowledge"
        write_synthetic_corpus(runtime.index.chunks, knowledge, passages=1000)
        building = threading.Thread(
            target=build_index, args=(knowledge, Path(tmp) / "index", embedder), name="rebuild"
        )
        building.start()
        result = run_load(runtime, questions, concurrency=32, rounds=2)
        still_building = building.is_alive()
        building.join()
    summary = describe([result])[0]
    summary["rebuild_still_running_at_end"] = still_building
    return summary


def _questions() -> list[str]:
    cases = load_cases(DEFAULT_SET)
    return [c.q for c in cases.in_scope + cases.out_of_scope]


def _latency(
    answerer: Answerer, embedder: Embedder, questions: list[str], *, repeat: int
) -> dict[str, Any]:
    for q in questions[:10]:
        answerer.answer(q)
    floor: list[float] = []
    ask: list[float] = []
    stages: dict[str, list[float]] = {s: [] for s in STAGES}
    for _ in range(repeat):
        for q in questions:
            t = time.perf_counter()
            embedder.embed([q])
            floor.append(time.perf_counter() - t)
            timings: dict[str, float] = {}
            t = time.perf_counter()
            answerer.answer(q, timings=timings)
            ask.append(time.perf_counter() - t)
            for s in STAGES:
                stages[s].append(timings.get(s, 0.0))
    return {
        "questions": len(ask),
        "floor_ms": _pcts(floor, (50, 95)),
        "ask_ms": _pcts(ask, (50, 95, 99)),
        "ask_over_floor": {
            "p50": round(_pct(ask, 50) / _pct(floor, 50), 3),
            "p95": round(_pct(ask, 95) / _pct(floor, 95), 3),
        },
        "stages_p50_ms": {s: round(_pct(v, 50) * 1000, 3) for s, v in stages.items()},
        "stages_p95_ms": {s: round(_pct(v, 95) * 1000, 3) for s, v in stages.items()},
    }


def _cold_start(settings: Settings, runs: int = 3) -> float:
    """Process start to ready to answer (and exit), with the index present: `run` with no input."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    env["PRACTICE_BOT_INDEX_DIR"] = str(settings.index_dir.resolve())
    env["PRACTICE_BOT_KNOWLEDGE_DIR"] = str(settings.knowledge_dir.resolve())
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "bot", "run"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            env=env,
            check=True,
        )
        times.append(time.perf_counter() - t)
    return round(statistics.median(times), 2)


def _corpus(
    settings: Settings,
    embedder: Embedder,
    runtime: Runtime,
    questions: list[str],
    folder: Path,
    size: int,
) -> dict[str, Any]:
    written = write_synthetic_corpus(runtime.index.chunks, folder / "knowledge", passages=size)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "index",
            "build",
            "--json",
            "--knowledge",
            str(folder / "knowledge"),
            "--index",
            str(folder / "index"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    report = json.loads(built.stdout.strip().splitlines()[-1])
    index = load_index(folder / "index", model=embedder.name)
    rows = index.dense.ntotal
    # The model's own rate on the same texts, in one call: what the build cannot beat.
    texts = [t for c in index.chunks for t in (embedding_text(c), *sentence_windows(c))][
        :RAW_SAMPLE
    ]
    t = time.perf_counter()
    embedder.embed(texts)
    raw_rate = len(texts) / (time.perf_counter() - t)
    build_rate = rows / report["seconds"]
    answerer = Answerer(
        Retriever(index, embedder, Glossary.load(settings.glossary_path)),
        runtime.templates,
        policy_from(settings),
    )
    return {
        "passages": written,
        "chunks": len(index.chunks),
        "rows": rows,
        "dense_index": index.manifest.dense_index,
        "build_s": round(report["seconds"], 1),
        "build_rows_per_s": round(build_rate, 1),
        "build_chunks_per_s": round(len(index.chunks) / report["seconds"], 1),
        "raw_encode_rows_per_s": round(raw_rate, 1),
        "build_over_raw": round(build_rate / raw_rate, 3),
        "build_peak_rss_mb": round(report["peak_rss_mb"]),
        "latency": _latency(answerer, embedder, questions, repeat=1),
    }


def _exact_vs_ivf(index: Any, embedder: Embedder, questions: list[str]) -> dict[str, Any]:
    """Latency and recall@10 of IVF against exact search, for several nprobe values, on the
    real questions (recall is tie-aware: see bot.index.dense.recall_at_10)."""
    vectors = index.dense.reconstruct_n(0, index.dense.ntotal)
    queries = embedder.embed(questions)
    exact = dense_index(vectors, "flat")
    out: dict[str, Any] = {"rows": int(vectors.shape[0]), "exact_ms": _search_ms(exact, queries)}
    ivf: Any = dense_index(vectors, "ivf")
    out["nlist"] = int(ivf.nlist)
    out["ivf"] = []
    for nprobe in (8, 16, 32, 64, 128):
        ivf.nprobe = nprobe
        out["ivf"].append(
            {
                "nprobe": nprobe,
                "recall_at_10": round(recall_at_10(ivf, exact, queries), 4),
                **{f"{k}_ms": v for k, v in _search_ms(ivf, queries).items()},
            }
        )
    out["faiss_version"] = faiss.__version__
    return out


def _search_ms(index: Any, queries: np.ndarray) -> dict[str, float]:
    times = []
    for q in queries:
        t = time.perf_counter()
        index.search(q[None, :], 10)
        times.append(time.perf_counter() - t)
    return _pcts(times, (50, 95))


def _pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def _pcts(values: list[float], qs: tuple[int, ...]) -> dict[str, float]:
    return {f"p{q}": round(_pct(values, q) * 1000, 2) for q in qs}
