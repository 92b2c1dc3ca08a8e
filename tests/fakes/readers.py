"""Readers made to misbehave, for the document worker's `prepare` hook: documents are read in
a worker process, where a monkeypatch made in the test process would never reach. Each
function here runs in the worker before it reads anything and replaces one format's reader."""

from __future__ import annotations

import os
import re
import signal

from bot.ingest.formats import Parsed

MARK = b"HANG"  # a .txt file holding this hangs its reader


def hanging_text() -> None:
    """.txt files holding MARK never finish, holding the interpreter lock all the while, as a
    catastrophic regular expression does (this one would take centuries)."""
    from bot.ingest.formats import plaintext

    real = plaintext.read

    def hang(raw: bytes) -> Parsed:
        if MARK in raw:
            re.match(r"(a+)+$", "a" * 64 + "b")
        return real(raw)

    plaintext.read = hang  # type: ignore[assignment]


def exploding_html() -> None:
    """HTML readers fail in a way no reader expects."""
    from bot.ingest.formats import html

    def explode(raw: bytes) -> Parsed:
        raise RecursionError("deeply nested tags")

    html.read = explode  # type: ignore[assignment]


def crashing_text() -> None:
    """.txt files holding MARK kill their reader outright, as a crash in a C parser or the
    out-of-memory killer would."""
    from bot.ingest.formats import plaintext

    real = plaintext.read

    def crash(raw: bytes) -> Parsed:
        if MARK in raw:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(raw)

    plaintext.read = crash  # type: ignore[assignment]


def hanging_text_telling(pid_file: str) -> None:
    """As hanging_text, and the worker writes its process id to `pid_file` as it starts to
    hang (use with functools.partial: the hook takes no arguments)."""
    from bot.ingest.formats import plaintext

    hanging_text()
    hang = plaintext.read

    def telling(raw: bytes) -> Parsed:
        if MARK in raw:
            with open(pid_file, "w", encoding="ascii") as fh:
                fh.write(str(os.getpid()))
        return hang(raw)

    plaintext.read = telling  # type: ignore[assignment]


def main() -> None:
    """python -m tests.fakes.readers KNOWLEDGE INDEX PID_FILE: a build whose reader hangs on
    .txt files holding MARK, for a test to kill -9 while it waits."""
    import functools
    import sys
    from pathlib import Path

    from bot.index.build import build_index
    from bot.ingest.formats import ReadLimits
    from tests.fakes.embedder import FakeEmbedder

    knowledge, index, pid_file = sys.argv[1:4]
    build_index(
        Path(knowledge),
        Path(index),
        FakeEmbedder(),
        limits=ReadLimits(seconds=3),
        prepare=functools.partial(hanging_text_telling, pid_file),
    )


if __name__ == "__main__":
    main()
