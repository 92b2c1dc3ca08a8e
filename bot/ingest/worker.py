"""Reading documents in a worker process that is killed at its time limit.

A regular expression or a C parser holds the interpreter lock while it runs, so a document
read in the serving process stops every Slack listener thread until it is done (a contents
line of 40,000 dots once took 15 s). Here each document is parsed and chunked in a worker
process: the bot's threads run on while it reads, and a worker still reading at the time
limit is killed, the document skipped by name, and the next one read by a fresh worker.

Workers fork from multiprocessing's fork server, a single-threaded process that has imported
the readers once, never from the threaded bot itself; where there is no fork server (Windows)
they are spawned. Each worker also sets an alarm that ends it soon after the limit, so it
cannot outlive a build process that was killed while it read.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar

from bot.errors import DocumentError, PracticeBotError, UnreadableFile
from bot.ingest.chunking import chunk_document
from bot.ingest.documents import load_document
from bot.ingest.formats import ReadLimits
from bot.ingest.metadata import CatalogueEntry
from bot.records import Chunk, Document

log = logging.getLogger(__name__)

T = TypeVar("T")
Prepare = Callable[[], None]  # run in each worker before it reads (tests install slow readers)
GRACE_SECONDS = 5  # the worker's own alarm: this long after the limit the caller enforces
NICENESS = 10  # as the rebuild thread's (bot/slack/admin.py)
JOIN_SECONDS = 5.0
# What the fork server imports once, so a worker starts in milliseconds ("__main__" as
# multiprocessing does by default: the program's own module, imported once, not per worker).
PRELOAD = [
    "__main__",
    "bot.ingest.worker",
    "bot.ingest.formats.html",
    "bot.ingest.formats.markdown",
    "bot.ingest.formats.pdf",
    "bot.ingest.formats.plaintext",
    "bot.ingest.formats.word",
    "bs4",
    "docx",
    "pypdf",
]


class DocumentWorker:
    """Calls reading functions in a worker process, each within `limits.seconds`. The worker
    starts at the first call and is reused until one runs over; use it in a `with` block."""

    def __init__(self, limits: ReadLimits | None = None, *, prepare: Prepare | None = None):
        self.limits = limits or ReadLimits()
        self.prepare = prepare
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None

    def __enter__(self) -> DocumentWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read(
        self, path: Path, *, knowledge_dir: Path, raw: bytes, entry: CatalogueEntry | None
    ) -> tuple[Document, list[Chunk]]:
        """A document and its chunks; DocumentError naming the file if it cannot be read,
        including when reading runs over the time limit."""
        try:
            return self.call(read_and_chunk, path, knowledge_dir, raw, entry, self.limits)
        except UnreadableFile as exc:
            source = path.relative_to(knowledge_dir).as_posix()
            raise DocumentError(f"{source}: {exc}.") from exc

    def call(self, function: Callable[..., T], *args: Any) -> T:
        """`function(*args)` in the worker. What it raises (a PracticeBotError) is raised
        here; UnreadableFile if it runs over the time limit or the worker dies."""
        try:
            conn = self._connection()
        except OSError as exc:  # no process to be had (memory, process limits): say so
            raise UnreadableFile(
                f"could not be read (no reader process could be started: {exc.strerror or exc})"
            ) from exc
        seconds = self.limits.seconds
        try:
            conn.send((function, args, seconds))
            if not conn.poll(seconds):
                self._stop(kill=True)
                raise UnreadableFile(
                    f"took over {seconds:g} s to read (the limit for one document): split it, "
                    "or save it in a simpler format"
                )
            status, value = conn.recv()
        except (EOFError, OSError) as exc:  # the worker died: out of memory, a parser crash
            code = self._stop(kill=True)
            log.warning("document worker stopped (exit code %s): %s", code, exc)
            raise UnreadableFile(
                f"could not be read (the reader stopped, exit code {code})"
            ) from None
        if status == "error":
            raise value
        return value  # type: ignore[no-any-return]

    def close(self) -> None:
        """Let the worker finish and go (or end it if it does not)."""
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.send(None)
        self._stop(kill=False)

    def _connection(self) -> Connection:
        if self._conn is None:
            context = _context()
            here, there = context.Pipe()
            process = context.Process(
                target=_serve, args=(there, self.prepare), name="document-reader", daemon=True
            )
            process.start()
            there.close()  # the worker's end: when the worker dies, recv() here sees EOF
            self._process, self._conn = process, here
        return self._conn

    def _stop(self, *, kill: bool) -> int | None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
        if process is None:
            return None
        if kill:
            process.kill()
        process.join(JOIN_SECONDS)
        if process.is_alive():
            process.kill()
            process.join(JOIN_SECONDS)
        if conn is not None:
            conn.close()
        return process.exitcode


def read_and_chunk(
    path: Path,
    knowledge_dir: Path,
    raw: bytes,
    entry: CatalogueEntry | None,
    limits: ReadLimits,
) -> tuple[Document, list[Chunk]]:
    """In the worker: parse one document and cut it into chunks (all of its text work)."""
    document = load_document(path, knowledge_dir=knowledge_dir, raw=raw, entry=entry, limits=limits)
    return document, chunk_document(document)


def _context() -> ForkServerContext | SpawnContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)  # used when the fork server first starts
        return context
    return multiprocessing.get_context("spawn")


def _serve(conn: Connection, prepare: Prepare | None) -> None:
    """The worker: run each call it is sent and send back its result or its error, until
    told to stop or the caller has gone."""
    can_alarm = hasattr(signal, "SIGALRM")
    if can_alarm:  # the default action ends the process, whatever holds the interpreter lock
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
    with contextlib.suppress(AttributeError, OSError):  # questions win the CPU from reading
        os.nice(NICENESS)
    if prepare is not None:
        prepare()
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        if request is None:
            return
        function, args, seconds = request
        if can_alarm:
            signal.alarm(math.ceil(seconds) + GRACE_SECONDS)
        reply = _run(function, args)
        if can_alarm:
            signal.alarm(0)
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
        except Exception as exc:  # a result that cannot be pickled: say so, not a trace
            conn.send(("error", UnreadableFile(f"could not be read ({exc.__class__.__name__})")))


def _run(function: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
    try:
        return "ok", function(*args)
    except PracticeBotError as exc:
        return "error", exc
    except Exception as exc:  # parsers raise many kinds on hostile input; none may escape
        log.warning("reading failed", exc_info=True)
        return "error", UnreadableFile(f"could not be read ({exc.__class__.__name__})")
