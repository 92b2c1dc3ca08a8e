"""Shared state: keyed, time-limited records where the first writer wins, and windowed counters.

One small interface for what the Slack edge remembers between requests: events and messages
already answered, signatures already let through (replays), threads the bot answered in, the
answers and briefs that buttons name by id, and each person's recent questions (the rate
limit). Two backends: `MemoryState` here (one process, bounded, the embedded default) and
`PostgresState` (bot/stores/postgres_state.py, shared by every worker). Both take the clock as
an argument, so tests move time instead of sleeping; it is wall-clock time (`time.time`),
because workers on several machines must agree on when a record expires.

Values are text: the caller serialises its typed record (JSON) and reads it back, so neither
backend knows what a record holds.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping
from typing import Protocol

Clock = Callable[[], float]

# Today's caches and their bounds, by the namespace each becomes (bot/slack/dedupe.py,
# verify.py, threads.py, replies.py, listeners/brief.py, rate_limit.py). Only the memory
# backend needs bounds: PostgreSQL holds what it is given until it expires.
LIMITS: Mapping[str, int] = {
    "events": 50_000,  # messages answered, by channel:ts (one hour)
    "signatures": 50_000,  # request signatures let through (five minutes)
    "threads": 10_000,  # threads answered in, with their first question (a day)
    "answers": 2_000,  # answers that Share, More sources and feedback name (an hour)
    "briefs": 500,  # briefs that Share names (an hour)
    "asked": 10_000,  # people with questions in the rate-limit window
}
DEFAULT_LIMIT = 10_000


class State(Protocol):
    """Keyed, time-limited records and windowed counters, safe to use from any thread."""

    def put_first(self, namespace: str, key: str, value: str, *, ttl: float) -> bool:
        """Store `value` under `key` unless a live record is there already (the first writer
        wins, across threads and workers); True if this call stored it. Either way the record
        then lives at least `ttl` seconds from now, as today's caches renew what they see
        again (a thread answered in again stays remembered, with its first question)."""
        ...

    def get(self, namespace: str, key: str) -> str | None:
        """The live record's value; None if there is none, or it has expired."""
        ...

    def incr(self, namespace: str, key: str, *, window: float, limit: int | None = None) -> int:
        """Count one event for `key` and return how many it has had in the last `window`
        seconds, this one included (a sliding window). With `limit`, an event that would go
        past it is not counted: the result is then limit + 1, and a refused request does not
        use up the next window (as the rate limiter has always behaved)."""
        ...

    def purge_expired(self) -> int:
        """Delete expired records and counts; how many were deleted."""
        ...


class MemoryState:
    """State in this process's memory: each namespace bounded (LIMITS), the least recently
    written record forgotten first, as the OrderedDict caches it replaces did."""

    def __init__(
        self,
        *,
        clock: Clock = time.time,
        limits: Mapping[str, int] = LIMITS,
        default_limit: int = DEFAULT_LIMIT,
    ) -> None:
        self._clock = clock
        self._limits = limits
        self._default_limit = default_limit
        self._records: dict[str, OrderedDict[str, tuple[float, str]]] = {}
        self._counts: dict[str, OrderedDict[str, deque[tuple[float, float]]]] = {}
        self._lock = threading.Lock()

    def put_first(self, namespace: str, key: str, value: str, *, ttl: float) -> bool:
        now = self._clock()
        with self._lock:
            records = self._records.setdefault(namespace, OrderedDict())
            held = records.get(key)
            stored = held is None or held[0] <= now
            if stored:
                records[key] = (now + ttl, value)
            else:
                assert held is not None
                records[key] = (max(held[0], now + ttl), held[1])
            records.move_to_end(key)
            while len(records) > self._limit(namespace):
                records.popitem(last=False)
            return stored

    def get(self, namespace: str, key: str) -> str | None:
        now = self._clock()
        with self._lock:
            records = self._records.get(namespace)
            held = records.get(key) if records is not None else None
            if records is None or held is None:
                return None
            if held[0] <= now:
                del records[key]
                return None
            return held[1]

    def incr(self, namespace: str, key: str, *, window: float, limit: int | None = None) -> int:
        now = self._clock()
        with self._lock:
            counts = self._counts.setdefault(namespace, OrderedDict())
            events = counts.setdefault(key, deque())
            while events and events[0][1] <= now:  # (when, expires): drop those out of window
                events.popleft()
            if limit is not None and len(events) >= limit:
                return limit + 1
            events.append((now, now + window))
            counts.move_to_end(key)
            while len(counts) > self._limit(namespace):
                counts.popitem(last=False)  # the person quiet longest
            return len(events)

    def purge_expired(self) -> int:
        now = self._clock()
        deleted = 0
        with self._lock:
            for records in self._records.values():
                for key in [k for k, (expires, _) in records.items() if expires <= now]:
                    del records[key]
                    deleted += 1
            for counts in self._counts.values():
                for key, events in list(counts.items()):
                    while events and events[0][1] <= now:
                        events.popleft()
                        deleted += 1
                    if not events:
                        del counts[key]
        return deleted

    def _limit(self, namespace: str) -> int:
        return self._limits.get(namespace, self._default_limit)
