"""Short-lived SQLite connections that are always closed (sqlite3's own `with` only commits)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def connect(path: Path, *, timeout: float, wal: bool = False) -> Iterator[sqlite3.Connection]:
    """An autocommit connection for one unit of work, closed when it ends."""
    db = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    try:
        if wal:
            db.execute("PRAGMA journal_mode=WAL")
        yield db
    finally:
        db.close()
