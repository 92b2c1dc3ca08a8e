"""Usage and feedback, kept in SQLite: what was asked (as a keyed hash), what was cited, verdicts.

Questions may carry case details, so by default the store keeps an HMAC of the question and
of the user id, never their text; the key lives beside the database and never leaves it.
A store that is locked, full or broken never costs anyone their answer: failures are logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
import sqlite3
import uuid
from collections import Counter
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ConfigError
from bot.records import Answer
from bot.stores.sqlite import connect

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    question_hash TEXT NOT NULL,
    question_text TEXT,
    user_hash TEXT NOT NULL,
    surface TEXT NOT NULL,
    answered INTEGER NOT NULL,
    chunk_ids TEXT NOT NULL,
    citations TEXT NOT NULL,
    outcome TEXT
);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id TEXT NOT NULL REFERENCES answers(id),
    user_hash TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('helpful', 'unhelpful')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, user_hash)
);
"""


@dataclass(frozen=True)
class UnhelpfulAnswer:
    question: str  # the text when it is stored, otherwise the start of its hash
    unhelpful: int
    citations: tuple[str, ...]


@dataclass(frozen=True)
class UsageSummary:
    answers: int
    abstained: int  # related and not found together: not answered
    helpful: int
    unhelpful: int
    most_unhelpful: list[UnhelpfulAnswer]
    most_cited: list[tuple[str, int]]
    outcomes: dict[str, int] = field(default_factory=dict)  # answered / related / not_found

    @property
    def abstention_rate(self) -> float:
        return self.abstained / self.answers if self.answers else 0.0


class UsageStore:
    """One SQLite file; a short-lived connection per call, so any thread may use it."""

    def __init__(self, path: Path, *, store_text: bool = False) -> None:
        self.path = path
        self.store_text = store_text
        self.broken: str | None = None  # why the store cannot be used, if it cannot
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._key = _load_or_create_key(path.with_suffix(".key"))
            with self._connect() as db:
                db.executescript(SCHEMA)
                _add_outcome_column(db)
        except (OSError, ValueError, sqlite3.Error) as exc:
            # Answering goes on without usage records; the admin sees this in the log.
            self.broken = f"{path}: {exc}"
            self._key = secrets.token_bytes(32)
            log.error("usage store unusable, answers will not be recorded: %s", self.broken)

    def _connect(self) -> AbstractContextManager[sqlite3.Connection]:
        return connect(self.path, timeout=2.0, wal=True)

    def digest(self, text: str) -> str:
        normalised = " ".join(text.lower().split())
        return hmac.new(self._key, normalised.encode(), hashlib.sha256).hexdigest()[:32]

    def record_answer(self, answer: Answer, *, user_id: str, surface: str) -> str:
        """Store one answer; returns its id (also when storing failed, so buttons still work)."""
        answer_id = uuid.uuid4().hex
        if self.broken:
            return answer_id
        chunks = [p.hit.chunk for p in answer.passages]
        row = (
            answer_id,
            _now(),
            self.digest(answer.question),
            answer.question if self.store_text else None,
            self.digest(user_id),
            surface,
            int(answer.answered),
            json.dumps([c.id for c in chunks]),
            json.dumps([f"{c.source} · {c.section}" for c in chunks]),
            answer.outcome.value,
        )
        try:
            with self._connect() as db:
                db.execute(
                    "INSERT INTO answers (id, created_at, question_hash, question_text, "
                    "user_hash, surface, answered, chunk_ids, citations, outcome) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
        except sqlite3.Error as exc:
            log.warning("usage store: answer %s not recorded (%s)", answer_id, exc)
        return answer_id

    def record_verdict(self, answer_id: str, *, user_id: str, helpful: bool) -> bool:
        """Store or change one user's verdict on an answer; False if it could not be stored."""
        verdict = "helpful" if helpful else "unhelpful"
        if self.broken:
            return False
        try:
            with self._connect() as db:
                known = db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone()
                if not known:
                    return False
                db.execute(
                    "INSERT INTO feedback VALUES (?, ?, ?, ?) ON CONFLICT(answer_id, user_hash) "
                    "DO UPDATE SET verdict = excluded.verdict, created_at = excluded.created_at",
                    (answer_id, self.digest(user_id), verdict, _now()),
                )
            return True
        except sqlite3.Error as exc:
            log.warning("usage store: verdict on %s not recorded (%s)", answer_id, exc)
            return False

    def purge(self, *, older_than_days: int) -> int:
        """Delete answers and feedback older than the retention period; returns answers deleted."""
        if self.broken:
            raise ConfigError(f"The usage store cannot be purged: {self.broken}")
        cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(days=older_than_days)).isoformat(
            timespec="seconds"
        )
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute(
                "DELETE FROM feedback WHERE created_at < ? OR answer_id IN "
                "(SELECT id FROM answers WHERE created_at < ?)",
                (cutoff, cutoff),
            )
            deleted = db.execute("DELETE FROM answers WHERE created_at < ?", (cutoff,)).rowcount
            db.execute("COMMIT")
        return int(deleted)

    def summary(self, *, limit: int = 10) -> UsageSummary:
        if self.broken:
            raise ConfigError(f"The usage store cannot be read: {self.broken}")
        with self._connect() as db:
            answers, abstained = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(1 - answered), 0) FROM answers"
            ).fetchone()
            verdicts = dict(db.execute("SELECT verdict, COUNT(*) FROM feedback GROUP BY verdict"))
            outcomes = dict(
                db.execute(
                    "SELECT COALESCE(outcome, CASE answered WHEN 1 THEN 'answered' "
                    "ELSE 'not_found' END), COUNT(*) FROM answers GROUP BY 1"
                )
            )
            unhelpful = db.execute(
                "SELECT a.question_hash, MAX(a.question_text), COUNT(*), MAX(a.citations) "
                "FROM feedback f JOIN answers a ON a.id = f.answer_id "
                "WHERE f.verdict = 'unhelpful' GROUP BY a.question_hash "
                "ORDER BY COUNT(*) DESC, a.question_hash LIMIT ?",
                (limit,),
            ).fetchall()
            cited: Counter[str] = Counter()
            for (citations,) in db.execute("SELECT citations FROM answers WHERE answered = 1"):
                cited.update({c.split(" · ")[0] for c in json.loads(citations)})
        return UsageSummary(
            answers=answers,
            abstained=abstained,
            helpful=verdicts.get("helpful", 0),
            unhelpful=verdicts.get("unhelpful", 0),
            most_unhelpful=[
                UnhelpfulAnswer(
                    text or f"(question #{qhash[:8]}, text not stored)", n, tuple(json.loads(c))
                )
                for qhash, text, n, c in unhelpful
            ],
            most_cited=cited.most_common(limit),
            outcomes=outcomes,
        )


def _add_outcome_column(db: sqlite3.Connection) -> None:
    """Stores made before answers had three outcomes gain the column (empty for old rows,
    which count by their answered flag)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(answers)")}
    if "outcome" not in columns:
        db.execute("ALTER TABLE answers ADD COLUMN outcome TEXT")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


KEY_BYTES = 32


def _load_or_create_key(path: Path) -> bytes:
    """The store's HMAC key, made once. It is written in full to a temporary file and then
    linked into place, so a crash or a full disk never leaves an empty or partial key."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    key = secrets.token_bytes(KEY_BYTES)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, key.hex().encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(tmp, path)  # fails if another process made the key first: use theirs
    except FileExistsError:
        return _read_key(path)
    finally:
        tmp.unlink(missing_ok=True)
    return key


def _read_key(path: Path) -> bytes:
    key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    if len(key) < KEY_BYTES:
        # A short key makes hashed users and questions guessable: never use one.
        raise ValueError(
            f"the key in {path} is {len(key)} bytes, not {KEY_BYTES}; delete the file and "
            "restart to make a new one (earlier hashes will no longer match)"
        )
    return key
