"""What the usage store and audit log run their SQL on, whichever database holds them.

Their SQL is written once, with `?` placeholders, and runs on a `sqlite3.Connection` or on a
PostgreSQL connection that reads `?` as its own placeholder (bot/stores/postgres.py). A
failure of either is one of STORE_ERRORS, which the stores log rather than raise at the
person asking: a broken store never costs anyone their answer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any, Protocol

from bot.errors import StoreError

STORE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, StoreError)


class Rows(Protocol):
    """A cursor after execute: rows to fetch or iterate, and how many a change touched."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Rows: ...
