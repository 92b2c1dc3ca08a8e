"""One handle on either backend, so a store test is written once and runs on both: the
stores and state it opens, a clock the test moves, and raw SQL for what a test must reach
behind the store's back (ageing a row, reading everything stored)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from bot.stores.audit import AuditLog
from bot.stores.postgres import PostgresDatabase
from bot.stores.postgres_state import PostgresState
from bot.stores.postgres_stores import PostgresAuditLog, PostgresUsageStore
from bot.stores.state import MemoryState, State
from bot.stores.usage import UsageStore


class FakeClock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Backend:
    def __init__(self, folder: Path, url: str | None) -> None:
        self.folder = folder
        self.url = url
        self.name = "postgres" if url else "embedded"
        self.clock = FakeClock()
        self._databases: list[PostgresDatabase] = []

    def database(self, **options: Any) -> PostgresDatabase:
        assert self.url is not None
        database = PostgresDatabase.open(SecretStr(self.url), **options)
        self._databases.append(database)
        return database

    def state(self, **limits: int) -> State:
        if self.url is None:
            return MemoryState(clock=self.clock, **limits)
        return PostgresState(self.database(), clock=self.clock)

    def usage(self, *, store_text: bool = False) -> UsageStore:
        if self.url is None:
            return UsageStore(self.folder / "usage.sqlite3", store_text=store_text)
        return PostgresUsageStore(self.database(), store_text=store_text)

    def audit(self) -> AuditLog:
        if self.url is None:
            return AuditLog(self.folder / "audit.sqlite3")
        return PostgresAuditLog(self.database())

    def sql(self, statement: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run SQL (with `?` placeholders) on the usage database, behind the store's back."""
        if self.url is None:
            db = sqlite3.connect(self.folder / "usage.sqlite3", isolation_level=None)
            try:
                return db.execute(statement, parameters).fetchall()
            finally:
                db.close()
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            cursor = conn.execute(statement.replace("?", "%s"), parameters)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []

    def dump(self) -> str:
        """Everything the usage tables hold, as text: what a copy of the database would show."""
        rows = []
        for table in ("answers", "feedback"):
            rows += [" | ".join(map(str, row)) for row in self.sql(f"SELECT * FROM {table}")]
        return "\n".join(rows)

    def close(self) -> None:
        for database in self._databases:
            database.close()
