"""Bench figures as tables: docs/BENCHMARKS.md and the terminal, merging earlier runs."""

from __future__ import annotations

import json
import os
import platform
import re
from pathlib import Path
from typing import Any

from bot.devtools.bench.measure import EMPTY_SIZES, STAGES


def machine() -> str:
    return f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}"


def merge_results(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """New figures over old ones: corpora of sizes the new run did not measure, and parts it
    skipped, are kept (a 100,000-passage run need not repeat the smaller ones); so are both
    runs' stamps."""
    merged = old | new  # a part the new run skipped (--no-load, no sizes) keeps its old figures
    by_size = {c["passages"]: c for c in old.get("corpora", [])}
    by_size |= {c["passages"]: c for c in new.get("corpora", [])}
    merged["corpora"] = [by_size[k] for k in sorted(by_size)]
    merged["runs"] = [*old.get("runs", []), *new.get("runs", [])]
    return merged


_JSON_BLOCK = re.compile(r"```json\n(.*?)\n```", re.S)


_OLD_STAMP = re.compile(r"Written by `practice-bot bench --sizes ([\d,]*)` on (\S+) \(([^)]*)\)")


def read_results(path: Path) -> dict[str, Any] | None:
    """The figures a benchmark document holds (its JSON block), or None if it has none."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    found = _JSON_BLOCK.search(text)
    if not found:
        return None
    result: dict[str, Any] = json.loads(found.group(1))
    if "runs" not in result and (stamp := _OLD_STAMP.search(text)):
        sizes, date, where = stamp.groups()
        result["runs"] = [{"sizes": sizes, "date": date, "machine": where}]
    return result


def document(result: dict[str, Any]) -> str:
    """docs/BENCHMARKS.md: which runs wrote it, the tables, and every figure as JSON."""
    runs = "; ".join(
        f"`practice-bot bench --sizes {r['sizes'] or EMPTY_SIZES}"
        f"{'' if r.get('load', True) else ' --no-load'}` on {r['date']} ({r['machine']})"
        for r in result.get("runs", [])
    )
    merged = (
        " Figures a later run did not measure are kept from the earlier ones (`--merge`)."
        if len(result.get("runs", [])) > 1
        else ""
    )
    return (
        f"# Benchmarks\n\nWritten by {runs}.{merged} docs/SCALING.md says what the figures "
        f"mean.\n\n{format_bench(result)}\n\n```json\n{json.dumps(result, indent=2)}\n```\n"
    )


def format_bench(r: dict[str, Any]) -> str:
    """The benchmark as Markdown tables (docs/BENCHMARKS.md)."""
    kb = r["knowledge_base"]
    lines = [
        "| corpus | passages | vectors | index | floor p50 / p95 ms | ask p50 / p95 / p99 ms "
        "| ask ÷ floor p50 / p95 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
        _latency_row("knowledge base", kb["chunks"], kb["rows"], kb["dense_index"], kb),
    ]
    for c in r["corpora"]:
        lines.append(
            _latency_row(
                f"synthetic {c['passages']:,}",
                c["chunks"],
                c["rows"],
                c["dense_index"],
                c["latency"],
            )
        )
    lines += [
        "",
        "Where the time goes (p50 ms; *embed* is the model, the rest is ours):",
        "",
        "| corpus | " + " | ".join(STAGES) + " |",
        "|" + " --- |" * (len(STAGES) + 1),
    ]
    rows = [("knowledge base", kb)] + [
        (f"synthetic {c['passages']:,}", c["latency"]) for c in r["corpora"]
    ]
    for name, lat in rows:
        lines.append(
            f"| {name} | "
            + " | ".join(f"{lat['stages_p50_ms'].get(s, 0.0):.2f}" for s in STAGES)
            + " |"
        )
    if r["corpora"]:
        lines += [
            "",
            "| corpus | build s | vectors/s end to end | model alone vectors/s | ratio "
            "| passages/s | peak RSS MB |",
            "| --- | --- | --- | --- | --- | --- | --- |",
        ]
        for c in r["corpora"]:
            lines.append(
                f"| synthetic {c['passages']:,} | {c['build_s']} | {c['build_rows_per_s']} | "
                f"{c['raw_encode_rows_per_s']} | {c['build_over_raw']} | "
                f"{c['build_chunks_per_s']} | {c['build_peak_rss_mb']} |"
            )
    if "exact_vs_hnsw" in r:  # runs before IVF replaced HNSW
        e = r["exact_vs_hnsw"]
        lines += [
            "",
            f"Exact search over {e['rows']:,} vectors: p50 {e['exact_ms']['p50']} ms. "
            "HNSW (M 32), measured before IVF replaced it:",
            "",
            "| efSearch | recall@10 against exact | p50 ms | p95 ms |",
            "| --- | --- | --- | --- |",
            *(
                f"| {h['ef_search']} | {h['recall_at_10']} | {h['p50_ms']} | {h['p95_ms']} |"
                for h in e["hnsw"]
            ),
        ]
    if "exact_vs_ivf" in r:
        e = r["exact_vs_ivf"]
        lines += [
            "",
            f"Exact search over {e['rows']:,} vectors: p50 {e['exact_ms']['p50']} ms, "
            f"p95 {e['exact_ms']['p95']} ms. IVF ({e['nlist']} lists) on the same vectors:",
            "",
            "| nprobe | recall@10 against exact | p50 ms | p95 ms |",
            "| --- | --- | --- | --- |",
            *(
                f"| {h['nprobe']} | {h['recall_at_10']} | {h['p50_ms']} | {h['p95_ms']} |"
                for h in e["ivf"]
            ),
        ]
    lines += [
        "",
        f"Cold start (process start to ready, index present): {r['cold_start_s']} s; "
        f"model load alone {r['model_load_s']} s.",
    ]
    if "cold_ask_s" in r:
        kb = r["knowledge_base"]
        lines += [
            "",
            f"One-shot `practice-bot ask`: {r['cold_ask_s']} s, against "
            f"{r['import_sentence_transformers_s']} s to import sentence-transformers alone: "
            f"{r['cold_ask_over_import']}x.",
            f"A warm question: p50 {kb['ask_ms']['p50']} ms, "
            f"{kb['ask_over_floor']['p50']}x the serving embedding of it alone "
            f"({kb['floor_ms']['p50']} ms) and {kb['ask_over_torch_floor']['p50']}x the "
            f"sentence-transformers embedding of it ({kb['torch_floor_ms']['p50']} ms).",
        ]
    if "reader" in r:
        x = r["reader"]
        torch_part = (
            f"; the same model in torch at full precision {x['torch_fp32_ms']['p50']} ms "
            f"({x['torch_fp32_over_onnx_p50']}x the int8 ONNX graph), through "
            f"sentence-transformers' CrossEncoder {x['cross_encoder_ms']['p50']} ms "
            f"({x['cross_encoder_over_onnx_p50']}x)"
            if "cross_encoder_ms" in x
            else "; torch not measured (the training run's weights are not on this machine)"
        )
        lines += [
            "",
            f"The reader ({x.get('read_first', x['candidates'])} candidates first, "
            f"{x['candidates']} when none of those answers): a question p50 "
            f"{x['with_reader_ms']['p50']} ms with it, {x['rule_ms']['p50']} ms with the rule "
            f"(+{x['added_p50_ms']} ms); scoring all {x['candidates']} passages alone p50 "
            f"{x['onnx_int8_ms']['p50']} ms in int8 ONNX{torch_part}.",
        ]
    if "load_during_rebuild" in r:
        x = r["load_during_rebuild"]
        lines += [
            "",
            "While a 1,000-passage rebuild runs: " + ", ".join(f"{k} {v}" for k, v in x.items()),
        ]
    if "load" in r:
        lines += [
            "",
            "| concurrent questions | total | answers/s | ack p95 / max ms "
            "| answer p50 / p95 ms | errors |",
            "| --- | --- | --- | --- | --- | --- |",
        ]
        for x in r["load"]:
            lines.append(
                f"| {x['concurrency']} | {x['questions']} | {x['throughput_per_s']} | "
                f"{x['ack_p95_ms']} / {x['ack_max_ms']} | {x['answer_p50_ms']} / "
                f"{x['answer_p95_ms']} | {x['errors']} |"
            )
    return "\n".join(lines)


def _latency_row(name: str, chunks: int, rows: int, kind: str, lat: dict[str, Any]) -> str:
    f, a, ratio = lat["floor_ms"], lat["ask_ms"], lat["ask_over_floor"]
    return (
        f"| {name} | {chunks:,} | {rows:,} | {kind} | {f['p50']} / {f['p95']} | "
        f"{a['p50']} / {a['p95']} / {a['p99']} | {ratio['p50']} / {ratio['p95']} |"
    )
