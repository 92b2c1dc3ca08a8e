"""The shared State (bot/stores/state.py) in PostgreSQL, for several workers: a retry Slack
sends to another worker is still answered once, a button works on any worker, and the rate
limit counts a person's questions wherever they land.

Expiry times come from the injected clock, not the server's, so the two backends behave alike
under test; in production every worker's clock must be kept in step (NTP), as usual.
"""

from __future__ import annotations

import time

from bot.stores.postgres import PostgresDatabase
from bot.stores.state import Clock


class PostgresState:
    """State in tables `state_records` and `state_counts` (bot/stores/migrations.py). Any
    failure of the database is a StateUnavailableError (or StoreError), raised promptly."""

    def __init__(self, database: PostgresDatabase, *, clock: Clock = time.time) -> None:
        self._database = database
        self._clock = clock

    def put_first(self, namespace: str, key: str, value: str, *, ttl: float) -> bool:
        now = self._clock()
        with self._database.connection() as db:
            # An expired record that no purge has removed yet counts as absent. Deleting it
            # locks its row, so two writers racing over it still leave one winner.
            db.execute(
                "DELETE FROM state_records WHERE namespace = ? AND key = ? AND expires_at <= ?",
                (namespace, key, now),
            )
            stored = db.execute(
                "INSERT INTO state_records (namespace, key, value, expires_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (namespace, key) DO NOTHING RETURNING 1",
                (namespace, key, value, now + ttl),
            ).fetchone()
            if stored is None:  # a live record won: it only lives longer
                db.execute(
                    "UPDATE state_records SET expires_at = GREATEST(expires_at, ?) "
                    "WHERE namespace = ? AND key = ?",
                    (now + ttl, namespace, key),
                )
        return stored is not None

    def get(self, namespace: str, key: str) -> str | None:
        with self._database.connection() as db:
            row = db.execute(
                "SELECT value FROM state_records WHERE namespace = ? AND key = ? "
                "AND expires_at > ?",
                (namespace, key, self._clock()),
            ).fetchone()
        return None if row is None else str(row[0])

    def incr(self, namespace: str, key: str, *, window: float, limit: int | None = None) -> int:
        now = self._clock()
        with self._database.connection() as db:
            # One key's events are counted one transaction at a time, so two workers cannot
            # both see room for one more and both take it.
            db.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended(?::text || ':' || ?::text, 0))",
                (namespace, key),
            )
            db.execute(
                "DELETE FROM state_counts WHERE namespace = ? AND key = ? AND expires_at <= ?",
                (namespace, key, now),
            )
            (count,) = db.execute(
                "SELECT COUNT(*) FROM state_counts WHERE namespace = ? AND key = ?",
                (namespace, key),
            ).fetchone()
            if limit is not None and count >= limit:
                return limit + 1
            db.execute(
                "INSERT INTO state_counts (namespace, key, expires_at) VALUES (?, ?, ?)",
                (namespace, key, now + window),
            )
        return int(count) + 1

    def purge_expired(self) -> int:
        now = self._clock()
        with self._database.connection() as db:
            records = db.execute("DELETE FROM state_records WHERE expires_at <= ?", (now,))
            counts = db.execute("DELETE FROM state_counts WHERE expires_at <= ?", (now,))
            return records.rowcount + counts.rowcount
