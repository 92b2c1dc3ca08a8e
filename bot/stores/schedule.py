"""When a periodic message (the weekly gaps digest) was last sent, kept on disk (one machine) or
in the shared State (several workers), so a restart, a second process or a cron job's
`practice-bot gaps --post` never sends it twice."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.stores.sqlite import OWNER_ONLY
from bot.stores.state import State

log = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Schedule:
    """Something to do every `every`, its last time in a small JSON file (mode 600)."""

    def __init__(self, path: Path, *, every: dt.timedelta, clock: Clock = utc_now) -> None:
        self.path = path
        self.every = every
        self.clock = clock

    def last_sent(self) -> dt.datetime | None:
        try:
            stamp = json.loads(self.path.read_text(encoding="utf-8"))["last_sent"]
            return dt.datetime.fromisoformat(stamp)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            # Never sent twice in a row because of a damaged file: treat it as just sent.
            log.error("%s cannot be read (%s): treating it as sent now", self.path, exc)
            return self.clock()

    def due(self) -> bool:
        last = self.last_sent()
        return last is None or self.clock() - last >= self.every

    def mark_sent(self, when: dt.datetime) -> None:
        """Written whole to a temporary file and renamed into place: never half a file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"last_sent": when.astimezone(dt.UTC).isoformat(timespec="seconds")}, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.path)

    @contextmanager
    def turn(self) -> Iterator[bool]:
        """Hold the schedule's lock while checking and sending: yields False when another
        process holds it (it is sending now), so two processes never both send."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, OWNER_ONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)  # closing releases the lock


class SharedSchedule:
    """The same schedule for several workers that share no disk, kept in the shared State
    (PostgreSQL). A send is remembered by a record that lives exactly one period, so the next
    is due once it has expired, as with the file. The turn is a lease (first writer wins) that
    lapses after TURN_SECONDS, so a worker killed mid-post does not block the schedule for
    good. A restart, another worker or `practice-bot gaps --post` never sends a period twice.
    """

    TURN_SECONDS = 600.0
    NAMESPACE = "schedules"

    def __init__(
        self, state: State, name: str, *, every: dt.timedelta, clock: Clock = utc_now
    ) -> None:
        self.state = state
        self.name = name
        self.every = every
        self.clock = clock

    def due(self) -> bool:
        return self.state.get(self.NAMESPACE, f"{self.name}:sent") is None

    def mark_sent(self, when: dt.datetime) -> None:
        # The record expires one period after `when`: a send that took a while counts from
        # the time it reported, as the file schedule's does.
        ttl = max((when + self.every - self.clock()).total_seconds(), 1.0)
        sent = when.astimezone(dt.UTC).isoformat(timespec="seconds")
        self.state.put_first(self.NAMESPACE, f"{self.name}:sent", sent, ttl=ttl)

    @contextmanager
    def turn(self) -> Iterator[bool]:
        yield self.state.put_first(self.NAMESPACE, f"{self.name}:turn", "1", ttl=self.TURN_SECONDS)
