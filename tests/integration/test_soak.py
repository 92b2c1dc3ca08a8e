"""Many questions through HTTP mode on loopback with the fake Web API: no errors, and memory
that stays flat. `make test` sends 200; PRACTICE_BOT_SOAK=2000 make test sends 2,000."""

from __future__ import annotations

import os
from pathlib import Path

from bot.devtools.loadtest import run_load
from bot.runtime import Runtime

# Read at import: the autouse fixture clears PRACTICE_BOT_* variables before each test runs.
SOAK = int(os.environ.get("PRACTICE_BOT_SOAK", "200"))
QUESTIONS = [
    "second cp plan?",
    "rcpc timescale",
    "what must a letter before proceedings contain?",
    "how do I claim mileage?",
    "can Jo Bloggs, DOB 01/02/2015, have a plan again?",
]


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def test_soak_answers_everything_with_flat_memory(runtime: Runtime) -> None:
    total = SOAK
    run_load(runtime, QUESTIONS, concurrency=8, rounds=5)  # warm up: threads, caches, sockets
    start = _rss_mb()
    result = run_load(runtime, QUESTIONS, concurrency=8, rounds=max(1, total // 8))
    end = _rss_mb()
    print(
        f"soak: {result.questions} questions, {result.errors} errors, "
        f"RSS {start:.0f} MB -> {end:.0f} MB, ack max {result.ack_max_ms:.0f} ms"
    )
    assert result.errors == 0
    assert result.answered == result.questions  # every one went through the pipeline
    assert result.ack_max_ms < 3000
    assert end - start < 40  # flat: no growth with the number of questions
