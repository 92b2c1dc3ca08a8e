"""Which backend holds the shared state and the stores, as the settings choose.

Unset PRACTICE_BOT_DATABASE_URL (the default): state in this process's memory, usage and audit
in SQLite files under data_dir, exactly as one process has always kept them. Set to a
postgresql:// URL: all of it in that database, shared by every worker, its schema migrated at
start-up.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.settings import Settings
from bot.stores.audit import AuditLog
from bot.stores.state import Clock, MemoryState, State
from bot.stores.usage import UsageStore

if TYPE_CHECKING:  # psycopg is imported only when a database is configured
    from bot.stores.postgres import PostgresDatabase

REBUILD_BUSY = "Another worker is rebuilding the index; wait for it to finish."


@dataclass(frozen=True)
class Stores:
    """The shared state, the usage store and the audit log, on one backend."""

    state: State
    usage: UsageStore
    audit: AuditLog
    database: PostgresDatabase | None = None  # None: the embedded default

    def close(self) -> None:
        if self.database is not None:
            self.database.close()


def open_stores(settings: Settings, *, clock: Clock = time.time) -> Stores:
    """Open the backend the settings name. With a database URL this connects and migrates,
    or raises StateUnavailableError within seconds: start-up stops rather than serve workers
    that disagree about what was answered."""
    if settings.database_url is None:
        return Stores(
            state=MemoryState(clock=clock),
            usage=UsageStore(settings.usage_db, store_text=settings.store_question_text),
            audit=AuditLog(settings.audit_db),
        )
    from bot.stores.postgres import PostgresDatabase
    from bot.stores.postgres_state import PostgresState
    from bot.stores.postgres_stores import PostgresAuditLog, PostgresUsageStore

    database = PostgresDatabase.open(settings.database_url)
    try:
        return Stores(
            state=PostgresState(database, clock=clock),
            usage=PostgresUsageStore(database, store_text=settings.store_question_text),
            audit=PostgresAuditLog(database),
            database=database,
        )
    except BaseException:
        database.close()
        raise


def usage_store(settings: Settings) -> UsageStore:
    """The usage store alone (the retention purge), on the backend the settings name."""
    if settings.database_url is None:
        return UsageStore(settings.usage_db, store_text=settings.store_question_text)
    from bot.stores.postgres import PostgresDatabase
    from bot.stores.postgres_stores import PostgresUsageStore

    database = PostgresDatabase.open(settings.database_url, pool_size=2)
    return PostgresUsageStore(database, store_text=settings.store_question_text)


def audit_log(settings: Settings) -> AuditLog:
    """The audit log alone (the CLI's admin commands), on the backend the settings name."""
    if settings.database_url is None:
        return AuditLog(settings.audit_db)
    from bot.stores.postgres import PostgresDatabase
    from bot.stores.postgres_stores import PostgresAuditLog

    return PostgresAuditLog(PostgresDatabase.open(settings.database_url, pool_size=1))


@contextmanager
def rebuild_lock(settings: Settings) -> Iterator[None]:
    """One rebuild at a time. With PostgreSQL, across every worker on every machine (an
    advisory lock; IndexBusyError at once if another holds it). Embedded, the index folder's
    own file lock, which every build takes (bot/index/versions.py: build_lock), already does
    this for the processes that share the folder."""
    if settings.database_url is None:
        yield
        return
    from bot.stores.postgres import REBUILD_LOCK, PostgresDatabase

    database = PostgresDatabase.open(settings.database_url, pool_size=1)
    try:
        with database.try_lock(REBUILD_LOCK, busy=REBUILD_BUSY):
            yield
    finally:
        database.close()
