"""Concurrent questions through HTTP mode: N signed app_mentions at once against the real Bolt
app on loopback, answered through a fake Slack Web API, timed from send to posted answer."""

from __future__ import annotations

import logging
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr

from bot.devtools.fake_slack import FakeSlack, envelope, mention, post, sign
from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.wiring import assemble

SECRET = "load-test-secret"


@dataclass(frozen=True)
class LoadResult:
    concurrency: int
    questions: int
    seconds: float
    ack_p95_ms: float
    ack_max_ms: float
    answer_p50_ms: float
    answer_p95_ms: float
    errors: int
    answered: int  # answers that came from the pipeline (not a rate-limit or error message)

    @property
    def throughput(self) -> float:
        return self.questions / self.seconds if self.seconds else 0.0


def run_load(
    runtime: Runtime, questions: list[str], *, concurrency: int, rounds: int = 1
) -> LoadResult:
    """Send `concurrency` questions at once, `rounds` times, and wait for every answer."""
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # queueing is what we measure
    slack = FakeSlack().start()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        **runtime.settings.model_dump(
            exclude={"slack_bot_token", "slack_signing_secret", "slack_api_url"}
        ),
        slack_bot_token=SecretStr("xoxb-load"),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=f"{slack.url}/api/",
    )
    configured = Runtime(settings, runtime.embedder, runtime.current(), runtime.templates, None)
    worker = assemble(settings, runtime=configured)
    server = worker.http_server(host="127.0.0.1", port=0).start()
    url = f"http://127.0.0.1:{server.port}/slack/events"
    sent: dict[str, float] = {}
    acks: list[float] = []
    errors = 0
    lock = threading.Lock()

    def send(n: int) -> None:
        nonlocal errors
        ts = f"1700000000.{n:06d}"
        # A different person each time: a load of real questions, not one person tripping
        # the per-person rate limit.
        question = questions[n % len(questions)]
        body = envelope(mention(question, ts=ts, user=f"U{n}"), event_id=f"Ev{n}")
        with lock:
            sent[ts] = time.monotonic()
        result = post(url, body, {"Content-Type": "application/json", **sign(SECRET, body)})
        with lock:
            acks.append(result.seconds)
            errors += result.status != 200

    total = concurrency * rounds
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            for r in range(rounds):
                list(pool.map(send, range(r * concurrency, (r + 1) * concurrency)))
        answers = slack.wait_for("chat.postMessage", count=total, timeout=60 + total)
        finished = time.monotonic()
        slack.wait_quiet()  # private notes and reactions that follow an answer
    finally:
        server.stop()
        worker.stores.close()
        slack.stop()
    answered = {c.params["thread_ts"]: c for c in answers}
    errors += total - len(answered)
    # The fake records the time it received each answer in call order; use arrival order.
    times = _answer_times(slack, sent)
    return LoadResult(
        concurrency=concurrency,
        questions=total,
        seconds=finished - started,
        ack_p95_ms=_pct(acks, 95) * 1000,
        ack_max_ms=max(acks, default=0.0) * 1000,
        answer_p50_ms=_pct(times, 50) * 1000,
        answer_p95_ms=_pct(times, 95) * 1000,
        errors=errors,
        # From the pipeline (not a rate-limit or error message): public answers, and answers
        # sent only to the asker because the question held case details.
        answered=sum(
            1
            for c in [*answered.values(), *slack.of("chat.postEphemeral")]
            if c.params.get("blocks") and "Answer id:" in str(c.params["blocks"])
        ),
    )


def _answer_times(slack: FakeSlack, sent: dict[str, float]) -> list[float]:
    return [
        c.at - sent[c.params["thread_ts"]]
        for c in slack.of("chat.postMessage")
        if c.params.get("thread_ts") in sent
    ]


def _pct(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def describe(results: list[LoadResult]) -> list[dict[str, Any]]:
    return [
        {
            "concurrency": r.concurrency,
            "questions": r.questions,
            "throughput_per_s": round(r.throughput, 1),
            "ack_p95_ms": round(r.ack_p95_ms, 1),
            "ack_max_ms": round(r.ack_max_ms, 1),
            "answer_p50_ms": round(r.answer_p50_ms, 1),
            "answer_p95_ms": round(r.answer_p95_ms, 1),
            "errors": r.errors,
        }
        for r in results
    ]


def main() -> None:
    """`python -m bot.devtools.loadtest [--reader on|off]`: one worker's load figures on the
    configured knowledge base (1 x 10, 8 x 4 and 32 x 2 questions), for docs/SCALING.md."""
    import argparse
    import json

    from bot.devtools.bench.measure import _questions
    from bot.runtime import start

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--reader", choices=("on", "off"), default=None)
    args = parser.parse_args()
    settings = Settings()
    if args.reader is not None:
        settings = settings.model_copy(update={"reader": args.reader == "on"})
    runtime = start(settings, progress=False)
    questions = _questions()
    results = [
        run_load(runtime, questions, concurrency=n, rounds=r) for n, r in ((1, 10), (8, 4), (32, 2))
    ]
    print(json.dumps({"reader": settings.reader, "load": describe(results)}, indent=1))


if __name__ == "__main__":
    main()
