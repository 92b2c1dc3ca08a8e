"""PostgreSQL for several workers: one connection pool, the schema migrated at start-up under
a lock, and advisory locks (one rebuild at a time across workers).

Every wait is bounded: connecting (`connect_timeout`), waiting for a pooled connection
(`wait`), and each statement (`statement_timeout`). A database that is down, unreachable or
stuck is a StateUnavailableError within seconds, never a hang; once a call has waited for a
connection in vain, the others fail at once until the next try, RETRY_SECONDS later. The URL
holds the password: it stays a SecretStr, and nothing here logs or raises it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.conninfo import make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout
from pydantic import SecretStr

from bot.errors import ConfigError, IndexBusyError, StateUnavailableError, StoreError
from bot.stores.migrations import MIGRATIONS, Migration
from bot.stores.sql import Rows

log = logging.getLogger(__name__)

# Advisory lock keys (any 64-bit numbers, the same in every worker).
MIGRATION_LOCK = 0x7072_6163_7469_6365  # "practice"
REBUILD_LOCK = 0x7265_6275_696C_6400  # "rebuild"
MIGRATION_SECONDS = 120
# Listener threads (16) and the HTTP threads share the pool; more only queue at the server.
POOL_SIZE = 16
# While no connection can be had, one call every RETRY_SECONDS tries again and the others fail
# at once: each waiting `wait` made one Slack answer wait six times over (30 s), and Slack's
# acknowledgement, which checks a signature first, 5 s (past Slack's 3).
RETRY_SECONDS = 2.0
# psycopg_pool retries a lost connection with a doubling delay until this limit, then connects
# afresh on the next demand: without it, the pool would go on doubling through an outage and
# try again only 30 s or more after the database was back.
RECONNECT_SECONDS = 5.0
# How long a call waits for a pooled connection. Statements take milliseconds, so a wait
# this long means the database is gone; and the one call that tries it again during an outage
# sits in the path of Slack's acknowledgement, which must come within 3 s (at 5 s it did not).
WAIT_SECONDS = 1.5
DOWN = "The database could not be reached moments ago; it is tried again within seconds."


class PostgresDatabase:
    """A pool of connections to one database, its schema current (open() migrates)."""

    def __init__(self, conninfo: str, pool: ConnectionPool, *, wait: float) -> None:
        self._conninfo = conninfo  # holds the password: never logged
        self._pool = pool
        self._wait = wait
        self._retry_at: float | None = None  # set while the database cannot be reached
        self._down = threading.Lock()

    @classmethod
    def open(
        cls,
        url: SecretStr,
        *,
        connect_timeout: float = 3.0,
        wait: float = WAIT_SECONDS,
        statement_timeout: float = 5.0,
        pool_size: int = POOL_SIZE,
    ) -> PostgresDatabase:
        """Connect, and bring the schema up to date; StateUnavailableError if the database
        cannot be reached within `connect_timeout` seconds."""
        if not url.get_secret_value().startswith(("postgresql://", "postgres://")):
            raise ConfigError("PRACTICE_BOT_DATABASE_URL must start with postgresql://")
        conninfo = make_conninfo(
            url.get_secret_value(),
            connect_timeout=max(1, round(connect_timeout)),
            options=f"-c statement_timeout={round(statement_timeout * 1000)}",
            application_name="practice-bot",
        )
        pool = ConnectionPool(
            conninfo,
            min_size=1,
            max_size=pool_size,
            open=False,
            timeout=wait,
            check=ConnectionPool.check_connection,  # a restarted server's dead connections
            reconnect_timeout=RECONNECT_SECONDS,
            name="practice-bot",
        )
        try:
            pool.open(wait=True, timeout=connect_timeout)
        except PoolTimeout as exc:
            pool.close(timeout=0)
            raise StateUnavailableError(
                f"The database in PRACTICE_BOT_DATABASE_URL cannot be reached within "
                f"{connect_timeout:.0f} s: check that it is running and the URL is right."
            ) from exc
        database = cls(conninfo, pool, wait=wait)
        try:
            database.migrate()
        except BaseException:
            database.close()
            raise
        return database

    @contextmanager
    def connection(self) -> Iterator[QmarkConnection]:
        """One transaction on a pooled connection: committed when the block ends, rolled back
        if it raises. Driver failures come out as StoreError or StateUnavailableError."""
        self._unless_down()
        try:
            with self._pool.connection(timeout=self._wait) as conn:
                self._retry_at = None
                yield QmarkConnection(conn)
        except PoolTimeout as exc:
            self._retry_at = time.monotonic() + RETRY_SECONDS
            raise StateUnavailableError(
                f"No database connection within {self._wait:.0f} s: the database is down, "
                "unreachable or overloaded."
            ) from exc
        except psycopg.OperationalError as exc:
            raise StateUnavailableError(f"The database failed: {_first_line(exc)}") from exc
        except psycopg.Error as exc:
            raise StoreError(f"The database refused it: {_first_line(exc)}") from exc

    def _unless_down(self) -> None:
        """StateUnavailableError at once while the database is known to be unreachable, except
        for one call every RETRY_SECONDS, which tries it (the others still fail at once while
        it waits for a connection)."""
        with self._down:
            if self._retry_at is None:
                return
            now = time.monotonic()
            if now < self._retry_at:
                raise StateUnavailableError(DOWN)
            self._retry_at = now + self._wait + RETRY_SECONDS

    def migrate(self, migrations: Sequence[Migration] = MIGRATIONS) -> list[int]:
        """Apply the steps newer than the database's version, in one transaction under an
        advisory lock, so workers starting together apply each step exactly once (the later
        ones wait, then find nothing to do). Returns the versions this call applied."""
        with self.connection() as db:
            # A step may take longer than a request's statement, and so may waiting for another
            # worker's steps; still bounded, so a stuck migration stops start-up, not hangs it.
            db.execute(f"SET LOCAL statement_timeout = '{MIGRATION_SECONDS}s'")
            db.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATION_LOCK,))
            db.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                "name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
            )
            (current,) = db.execute(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version"
            ).fetchone()
            applied = []
            for step in sorted(migrations, key=lambda m: m.version):
                if step.version <= current:
                    continue
                db.raw.execute(step.sql.encode())  # DDL with no parameters
                db.execute(
                    "INSERT INTO schema_version (version, name) VALUES (?, ?)",
                    (step.version, step.name),
                )
                applied.append(step.version)
        if applied:
            log.info("database schema migrated to version %d", applied[-1])
        return applied

    @contextmanager
    def try_lock(self, key: int, *, busy: str) -> Iterator[None]:
        """Hold advisory lock `key` for the block, or raise IndexBusyError(busy) at once if
        another session holds it. A connection of its own, outside any transaction: the lock
        lasts as long as the block, and ends with the connection if the process dies."""
        try:
            conn = psycopg.connect(self._conninfo, autocommit=True)
        except psycopg.Error as exc:
            raise StateUnavailableError(f"The database failed: {_first_line(exc)}") from exc
        with conn:
            row = conn.execute("SELECT pg_try_advisory_lock(%s)", (key,)).fetchone()
            if not row or not row[0]:
                raise IndexBusyError(busy)
            try:
                yield
            finally:
                try:
                    conn.execute("SELECT pg_advisory_unlock(%s)", (key,))
                except psycopg.Error:  # the connection is gone, and the lock with it
                    log.warning("advisory lock %x: the connection closed before unlocking", key)

    def close(self) -> None:
        self._pool.close(timeout=self._wait)


class QmarkConnection:
    """A psycopg connection that takes the stores' `?` placeholders (their SQL holds no other
    `?` and no `%`)."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.raw = conn

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Rows:
        if "%" in sql:
            raise ValueError("SQL for the stores must not hold '%' (psycopg's placeholder mark)")
        return self.raw.execute(sql.replace("?", "%s"), parameters)  # type: ignore[arg-type]


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
