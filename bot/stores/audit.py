"""The audit log (SQLite): who rebuilt, uploaded or rolled back what, when, and the result."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from bot.stores.sql import STORE_ERRORS, Connection
from bot.stores.sqlite import connect, owner_only

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    result TEXT NOT NULL,
    detail TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class AuditEntry:
    at: str
    actor: str  # "slack:U123" or "cli:alice"
    action: str  # rebuild, upload, rollback, and *_refused for attempts by non-admins
    target: str
    result: str  # ok, failed, refused
    detail: str


class AuditLog:
    """One SQLite file; PostgresAuditLog (bot/stores/postgres_stores.py) keeps the same log
    in PostgreSQL."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            owner_only(path)
            with connect(path, timeout=5.0) as db:
                db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:  # recording will fail loudly in the log
            log.error("audit log %s is unusable: %s", path, exc)

    def _connect(self) -> AbstractContextManager[Connection]:
        return connect(self.path, timeout=5.0)

    def record(
        self, *, actor: str, action: str, target: str, result: str, detail: str = ""
    ) -> None:
        """Write one entry; a failure to write is logged, never raised at the person acting."""
        row = (
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            actor,
            action,
            target,
            result,
            detail,
        )
        try:
            with self._connect() as db:
                db.execute(
                    "INSERT INTO audit (at, actor, action, target, result, detail) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    row,
                )
        except STORE_ERRORS as exc:
            log.error("audit log: could not record %s by %s (%s)", action, actor, exc)

    def entries(self, *, limit: int = 50) -> list[AuditEntry]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT at, actor, action, target, result, detail FROM audit "
                "ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [AuditEntry(*row) for row in rows]
