"""The usage store and the audit log hold hashed usage and who did what: like the hash key,
their files (and SQLite's -wal, -shm and -journal beside them) are readable by the owner only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.records import Answer, Outcome
from bot.stores.audit import AuditLog
from bot.stores.sqlite import connect
from bot.stores.usage import UsageStore


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    """The common umask, under which files are made 0644 unless asked otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}


def test_a_new_usage_store_and_its_wal_and_shm_are_0600(tmp_path: Path) -> None:
    store = UsageStore(tmp_path / "usage.sqlite3")
    # While a connection is open, SQLite keeps the -wal and -shm files beside the database.
    with connect(store.path, timeout=2.0, wal=True):
        store.record_answer(
            Answer(question="q", outcome=Outcome.NOT_FOUND, text="Not found."),
            user_id="U1",
            surface="dm",
        )
        modes = _modes(tmp_path)
    assert modes == {
        "usage.sqlite3": 0o600,
        "usage.sqlite3-wal": 0o600,
        "usage.sqlite3-shm": 0o600,
        "usage.key": 0o600,
    }


def test_a_new_audit_log_is_0600(tmp_path: Path) -> None:
    log = AuditLog(tmp_path / "audit.sqlite3")
    log.record(actor="cli:sam", action="rebuild", target="index", result="ok")
    assert _modes(tmp_path) == {"audit.sqlite3": 0o600}


def test_files_made_before_are_tightened_when_opened(tmp_path: Path) -> None:
    for name in ("usage.sqlite3", "usage.sqlite3-wal", "usage.sqlite3-shm", "audit.sqlite3"):
        (tmp_path / name).touch(mode=0o644)
        os.chmod(tmp_path / name, 0o644)
    UsageStore(tmp_path / "usage.sqlite3")
    AuditLog(tmp_path / "audit.sqlite3")
    assert {name: mode for name, mode in _modes(tmp_path).items() if mode != 0o600} == {}


def test_a_file_whose_mode_cannot_be_changed_is_named_in_the_log_and_the_store_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Tightening is best effort (a file owned by another user): said in the log, never fatal."""
    (tmp_path / "usage.sqlite3").touch(mode=0o644)
    os.chmod(tmp_path / "usage.sqlite3", 0o644)

    def refuse(path: object, mode: int) -> None:
        raise PermissionError(1, "Operation not permitted", str(path))

    monkeypatch.setattr(os, "chmod", refuse)
    store = UsageStore(tmp_path / "usage.sqlite3")
    assert store.broken is None
    assert store.record_verdict("nope", user_id="U1", helpful=True) is False  # usable, no row
    assert "usage.sqlite3" in caplog.text and "600" in caplog.text
