"""Benchmark documents: a run that measures one size keeps the sizes measured before."""

import json
from pathlib import Path

from click.testing import CliRunner

from bot.cli.main import cli
from bot.devtools.bench.report import document, merge_results, read_results


def _corpus(passages: int, build_s: float) -> dict:
    latency = {
        "floor_ms": {"p50": 14.0, "p95": 18.0},
        "ask_ms": {"p50": 17.0, "p95": 24.0, "p99": 30.0},
        "ask_over_floor": {"p50": 1.2, "p95": 1.33},
        "stages_p50_ms": dict.fromkeys(
            ("expand", "embed", "dense", "lexical", "fusion", "compose"), 1.0
        ),
    }
    return {
        "passages": passages,
        "chunks": passages,
        "rows": passages * 3,
        "dense_index": "hnsw" if passages > 5000 else "flat",
        "build_s": build_s,
        "build_rows_per_s": 72.0,
        "build_chunks_per_s": 20.0,
        "raw_encode_rows_per_s": 71.0,
        "build_over_raw": 1.01,
        "build_peak_rss_mb": 900,
        "latency": latency,
    }


def _result(*corpora: dict, cold: float, runs: list | None = None) -> dict:
    result = {
        "model_load_s": 5.9,
        "cold_start_s": cold,
        "knowledge_base": {
            **corpora[0]["latency"],
            "chunks": 165,
            "rows": 342,
            "dense_index": "flat",
        },
        "corpora": list(corpora),
    }
    if runs is not None:
        result["runs"] = runs
    return result


def test_merging_keeps_sizes_the_new_run_did_not_measure_and_takes_new_figures() -> None:
    old = _result(_corpus(1000, 46.0), _corpus(10000, 500.0), cold=6.5, runs=[{"sizes": "a"}])
    new = _result(_corpus(10000, 480.0), _corpus(100000, 5000.0), cold=6.1, runs=[{"sizes": "b"}])
    old["load"] = [{"concurrency": 1}]  # the new run was made with --no-load
    merged = merge_results(old, new)
    assert merged["load"] == [{"concurrency": 1}]
    assert [c["passages"] for c in merged["corpora"]] == [1000, 10000, 100000]
    assert merged["corpora"][1]["build_s"] == 480.0  # the newer measurement wins
    assert merged["cold_start_s"] == 6.1
    assert [r["sizes"] for r in merged["runs"]] == ["a", "b"]


def test_a_document_written_before_runs_were_recorded_still_reads(tmp_path: Path) -> None:
    figures = _result(_corpus(1000, 46.0), cold=6.5)
    doc = tmp_path / "BENCHMARKS.md"
    doc.write_text(
        "# Benchmarks\n\nWritten by `practice-bot bench --sizes 1000` on 2026-11-26 "
        "(2 cores, x86_64, Python 3.11.7). More.\n\n```json\n" + json.dumps(figures) + "\n```\n",
        encoding="utf-8",
    )
    read = read_results(doc)
    assert read is not None and read["corpora"][0]["passages"] == 1000
    assert read["runs"] == [
        {"sizes": "1000", "date": "2026-11-26", "machine": "2 cores, x86_64, Python 3.11.7"}
    ]
    assert read_results(tmp_path / "missing.md") is None


def test_bench_from_json_merges_into_the_document_without_measuring(tmp_path: Path) -> None:
    doc = tmp_path / "BENCHMARKS.md"
    old = _result(
        _corpus(1000, 46.0), cold=6.5, runs=[{"sizes": "1000", "date": "d1", "machine": "m"}]
    )
    doc.write_text(document(old), encoding="utf-8")
    printed = tmp_path / "run.json"
    printed.write_text(json.dumps(_result(_corpus(100000, 5000.0), cold=6.0)), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["bench", "--from-json", str(printed), "--merge", "--write", str(doc)]
    )
    assert result.exit_code == 0, result.output
    text = doc.read_text(encoding="utf-8")
    assert "| synthetic 1,000 |" in text and "| synthetic 100,000 |" in text
    assert "`practice-bot bench --sizes 1000` on d1 (m)" in text
    # The printed figures have no load test, so the stamp says the run was --no-load.
    assert "`practice-bot bench --sizes 100000 --no-load` on " in text
    assert "Cold start (process start to ready, index present): 6.0 s" in text


def test_bench_refuses_a_file_that_is_not_bench_figures(tmp_path: Path) -> None:
    printed = tmp_path / "run.json"
    printed.write_text('{"something": "else"}', encoding="utf-8")
    result = CliRunner().invoke(cli, ["bench", "--from-json", str(printed), "--write", "-"])
    assert result.exit_code == 2
    assert "does not hold `bench --json` figures" in result.output
