"""The usage store and the audit log in PostgreSQL, for several workers.

They are the SQLite classes with another connection: every query, every rule about personal
data (a keyed hash of the question and the user unless text is to be kept, and then only the
redacted text, control codes removed), retention and purge are the same code. What differs is
set-up: the schema comes from the versioned migrations (bot/stores/migrations.py), and the
HMAC key is kept in the database, made once by whichever worker starts first, because every
worker must hash a person the same way.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from bot.stores.audit import AuditLog
from bot.stores.postgres import PostgresDatabase
from bot.stores.sql import Connection
from bot.stores.usage import KEY_BYTES, UsageStore


class PostgresUsageStore(UsageStore):
    """Usage and feedback in tables `answers` and `feedback`; any worker may use it."""

    _joined = "STRING_AGG({}, ',')"

    def __init__(self, database: PostgresDatabase, *, store_text: bool = False) -> None:
        # Not UsageStore.__init__: no file, no key file. A database that fails here stops
        # start-up (StateUnavailableError); later failures are logged, as for SQLite.
        self.store_text = store_text
        self.broken = None
        self._database = database
        self._key = _shared_key(database)

    def _connect(self) -> AbstractContextManager[Connection]:
        return self._database.connection()

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with self._database.connection() as db:  # each connection() is one transaction
            yield db


class PostgresAuditLog(AuditLog):
    """The audit log in table `audit`."""

    def __init__(self, database: PostgresDatabase) -> None:
        self._database = database

    def _connect(self) -> AbstractContextManager[Connection]:
        return self._database.connection()


def _shared_key(database: PostgresDatabase) -> bytes:
    """The one HMAC key: the first worker's random key wins, and every worker reads it."""
    with database.connection() as db:
        db.execute(
            "INSERT INTO usage_key (id, key_hex) VALUES (1, ?) ON CONFLICT (id) DO NOTHING",
            (secrets.token_bytes(KEY_BYTES).hex(),),
        )
        (key_hex,) = db.execute("SELECT key_hex FROM usage_key WHERE id = 1").fetchone()
    key = bytes.fromhex(key_hex)
    if len(key) < KEY_BYTES:  # as for the key file: a short key makes hashes guessable
        raise ValueError(f"the usage key in the database is {len(key)} bytes, not {KEY_BYTES}")
    return key
