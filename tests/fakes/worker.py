"""One serving worker as its own process, for the tests that run several of them
(tests/integration/test_two_workers.py): the real composition root with the fake embedder.

python -m tests.fakes.worker [--port PORT]   (cwd: the repository's root)

Settings come from the environment (PRACTICE_BOT_*, SLACK_*; no .env file is read). The worker
starts its background loops, serves HTTP on 127.0.0.1 (port 0: a free one), prints
`listening on PORT` on stdout once the socket is bound, and serves until SIGTERM or SIGINT.
Its log goes to stderr.

FAKE_WORKER_BUILD_SECONDS=N makes every index build hold its locks N seconds longer: each
embedding of several texts at once (a build's batches and its check; a question is embedded
alone) waits that long first, so a test can send two rebuilds that overlap.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
import time
from collections.abc import Sequence
from types import FrameType

import numpy as np

from bot.settings import Settings
from bot.slack.wiring import assemble
from tests.fakes.embedder import FakeEmbedder

BUILD_SECONDS = "FAKE_WORKER_BUILD_SECONDS"


class WorkerEmbedder(FakeEmbedder):
    """The fake embedder as a long-running worker needs it: nothing kept per call (the test
    fake records every call, which over thousands of questions would look like a leak), and
    builds made slower on request."""

    def __init__(self, build_seconds: float = 0.0) -> None:
        super().__init__()
        self.build_seconds = build_seconds

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if self.build_seconds and len(texts) > 1:
            time.sleep(self.build_seconds)
        try:
            return super().embed(texts, progress=progress)
        finally:
            self.calls.clear()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakes.worker")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(process)d %(threadName)s %(levelname)s %(name)s: %(message)s",
    )
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    embedder = WorkerEmbedder(float(os.environ.get(BUILD_SECONDS, "0")))
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    worker = assemble(settings, embedder=embedder)
    try:
        worker.start_background()
        server = worker.http_server(host="127.0.0.1", port=args.port).start()
        try:
            print(f"listening on {server.port}", flush=True)
            while not stopping.wait(1.0):
                pass
        finally:
            server.stop()
    finally:
        worker.close()


if __name__ == "__main__":
    main()
