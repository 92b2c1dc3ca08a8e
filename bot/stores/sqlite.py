"""Short-lived SQLite connections that are always closed (sqlite3's own `with` only commits),
and database files that only their owner can read."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

OWNER_ONLY = 0o600
# SQLite makes these beside the database with the database file's own mode (so 0600 too).
SIDE_FILES = ("-wal", "-shm", "-journal")


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


def owner_only(path: Path) -> None:
    """Create the database file 0600 before SQLite opens it (SQLite would make it 0644 under
    the usual umask), and tighten it and its side files if an earlier run left them wider.
    A file whose mode cannot be changed (another user's) is named in the log; the store is
    still used."""
    os.close(os.open(path, os.O_RDONLY | os.O_CREAT, OWNER_ONLY))  # an existing file is kept
    for each in (path, *(path.with_name(path.name + side) for side in SIDE_FILES)):
        try:
            if stat.S_IMODE(each.stat().st_mode) & ~OWNER_ONLY:
                os.chmod(each, OWNER_ONLY)
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("%s could not be made readable by its owner only (mode 600): %s", each, exc)
