"""Usage and feedback, kept in SQLite: what was asked (as a keyed hash), what was shown, verdicts.

Questions may carry case details, so by default the store keeps an HMAC of the question and
of the user id, never their text; the key lives beside the database and never leaves it. What
an answer showed is kept whole (the lead, which is document or template text, the citations and
the index version), so a supervisor can look an answer up by the id in its footer.
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
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import ConfigError
from bot.records import Answer
from bot.stores.sql import STORE_ERRORS, Connection
from bot.stores.sqlite import connect, owner_only
from bot.text import without_controls

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
    outcome TEXT,
    index_version TEXT,
    lead_text TEXT,
    audience TEXT,
    nearest TEXT
);
CREATE TABLE IF NOT EXISTS feedback (
    answer_id TEXT NOT NULL REFERENCES answers(id),
    user_hash TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('helpful', 'unhelpful')),
    created_at TEXT NOT NULL,
    reason TEXT,
    comment TEXT,
    PRIMARY KEY (answer_id, user_hash)
);
"""
# Columns added since the first schema: a store made before them gains them when opened (empty
# for old rows). Each is (table, column); all are TEXT.
ADDED_COLUMNS = (
    ("answers", "outcome"),
    ("answers", "index_version"),
    ("answers", "lead_text"),
    ("answers", "audience"),
    ("answers", "nearest"),
    ("feedback", "reason"),
    ("feedback", "comment"),
)
# Why an answer was not helpful, as the feedback form offers it: stored code -> label.
FEEDBACK_REASONS = {
    "does_not_answer": "Does not answer the question",
    "wrong_passage": "Wrong passage",
    "out_of_date": "Out of date",
    "other": "Other",
}
MAX_COMMENT_CHARS = 500
# Who saw an answer, and so may give feedback on it: its asker alone (an ephemeral reply, a DM,
# a channel question answered privately), or everyone in the channel it was posted in.
ASKER, CHANNEL = "asker", "channel"
# Rows from before the audience was kept: by where they were given.
AUDIENCE = (
    f"COALESCE(audience, CASE WHEN surface IN ('mention', 'thread', 'shared') THEN '{CHANNEL}' "
    f"ELSE '{ASKER}' END)"
)


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
    reasons: dict[str, int] = field(default_factory=dict)  # FEEDBACK_REASONS code -> count
    comments: list[str] = field(default_factory=list)  # the latest, redacted before storing

    @property
    def abstention_rate(self) -> float:
        return self.abstained / self.answers if self.answers else 0.0


@dataclass(frozen=True)
class Unanswered:
    """One question the sources could not answer (related or not found), or whose answer
    someone marked not helpful: what `practice-bot gaps` groups into topics."""

    id: str
    created_at: str
    outcome: str
    question: str | None  # the redacted text, only when question text is kept (off by default)
    nearest: str | None  # the passage nearest the question when it was asked (a chunk id)
    reasons: tuple[str, ...] = ()  # FEEDBACK_REASONS codes, one per 'not helpful' verdict
    unhelpful: int = 0  # people who marked its answer not helpful


@dataclass(frozen=True)
class AnswerRecord:
    """One answer as it was shown, for `practice-bot answer ID`."""

    id: str
    created_at: str
    surface: str
    outcome: str
    index_version: str | None  # None for answers recorded before versions were kept
    lead_text: str | None
    citations: tuple[str, ...]  # "source · section", in the order of their markers
    chunk_ids: tuple[str, ...]
    question: str | None  # only when question text is kept (off by default)
    feedback: tuple[str, ...] = ()  # "helpful", or "not helpful: reason: comment"


class UsageStore:
    """One SQLite file; a short-lived connection per call, so any thread may use it. The
    same store on PostgreSQL, for several workers, is PostgresUsageStore
    (bot/stores/postgres_stores.py): only where it connects differs."""

    def __init__(self, path: Path, *, store_text: bool = False) -> None:
        self.path = path
        self.store_text = store_text
        self.broken: str | None = None  # why the store cannot be used, if it cannot
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            owner_only(path)
            self._key = _load_or_create_key(path.with_suffix(".key"))
            with connect(path, timeout=2.0, wal=True) as db:
                db.executescript(SCHEMA)
                _add_missing_columns(db)
        except (OSError, ValueError, sqlite3.Error) as exc:
            # Answering goes on without usage records; the admin sees this in the log.
            self.broken = f"{path}: {exc}"
            self._key = secrets.token_bytes(32)
            log.error("usage store unusable, answers will not be recorded: %s", self.broken)

    # Text values of a group joined with commas: the one aggregate the two databases name
    # differently (PostgresUsageStore's is STRING_AGG).
    _joined = "GROUP_CONCAT({})"

    def _connect(self) -> AbstractContextManager[Connection]:
        return connect(self.path, timeout=2.0, wal=True)

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        """One unit of work that commits whole or not at all."""
        with connect(self.path, timeout=2.0, wal=True) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def digest(self, text: str) -> str:
        normalised = " ".join(text.lower().split())
        return hmac.new(self._key, normalised.encode(), hashlib.sha256).hexdigest()[:32]

    def record_answer(
        self,
        answer: Answer,
        *,
        user_id: str,
        surface: str,
        index_version: str | None = None,
        public: bool = False,
    ) -> str:
        """Store one answer as shown, `public` if posted where the channel sees it; returns
        its id (also when storing failed, so buttons still work). The question is kept as a
        keyed hash unless text is to be kept."""
        answer_id = uuid.uuid4().hex
        if self.broken:
            return answer_id
        chunks = [p.hit.chunk for p in answer.passages]
        row = (
            answer_id,
            _now(),
            self.digest(answer.question),
            without_controls(answer.question) if self.store_text else None,
            self.digest(user_id),
            surface,
            int(answer.answered),
            json.dumps([c.id for c in chunks]),
            json.dumps([f"{c.source} · {c.section}" for c in chunks]),
            answer.outcome.value,
            index_version,
            without_controls(answer.text),
            CHANNEL if public else ASKER,
            answer.nearest,
        )
        try:
            with self._connect() as db:
                db.execute(
                    "INSERT INTO answers (id, created_at, question_hash, question_text, "
                    "user_hash, surface, answered, chunk_ids, citations, outcome, index_version, "
                    "lead_text, audience, nearest) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    row,
                )
        except STORE_ERRORS as exc:
            log.warning("usage store: answer %s not recorded (%s)", answer_id, exc)
        return answer_id

    def may_give_feedback(self, answer_id: str, *, user_id: str) -> bool | None:
        """False when the answer was shown to its asker alone and this is someone else; None
        when the store cannot tell (storing feedback would fail too). An unknown answer is not
        refused here: storing feedback on it fails."""
        if self.broken:
            return None
        try:
            with self._connect() as db:
                row = db.execute(
                    f"SELECT user_hash, {AUDIENCE} FROM answers WHERE id = ?", (answer_id,)
                ).fetchone()
        except STORE_ERRORS as exc:
            log.warning("usage store: could not read answer %s (%s)", answer_id, exc)
            return None
        return row is None or row[1] == CHANNEL or row[0] == self.digest(user_id)

    def record_verdict(self, answer_id: str, *, user_id: str, helpful: bool) -> bool:
        """Store or change one user's verdict on an answer; False if it could not be stored."""
        return self._feedback(answer_id, user_id, "helpful" if helpful else "unhelpful")

    def record_reason(
        self, answer_id: str, *, user_id: str, reason: str, comment: str = ""
    ) -> bool:
        """Why this user found the answer not helpful: a FEEDBACK_REASONS code and a comment
        the caller has redacted. False if it could not be stored."""
        if reason not in FEEDBACK_REASONS:
            return False
        # Control codes never reach the store: `practice-bot feedback` prints comments.
        comment = without_controls(comment).strip()[:MAX_COMMENT_CHARS]
        return self._feedback(answer_id, user_id, "unhelpful", reason, comment or None)

    def _feedback(
        self,
        answer_id: str,
        user_id: str,
        verdict: str,
        reason: str | None = None,
        comment: str | None = None,
    ) -> bool:
        if self.broken:
            return False
        try:
            with self._connect() as db:
                known = db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone()
                if not known:
                    return False
                # A change of mind replaces the verdict; 'helpful' drops any earlier reason.
                db.execute(
                    "INSERT INTO feedback (answer_id, user_hash, verdict, created_at, reason, "
                    "comment) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(answer_id, user_hash) "
                    "DO UPDATE SET verdict = excluded.verdict, created_at = excluded.created_at, "
                    "reason = CASE excluded.verdict WHEN 'helpful' THEN NULL "
                    "ELSE COALESCE(excluded.reason, feedback.reason) END, "
                    "comment = CASE excluded.verdict WHEN 'helpful' THEN NULL "
                    "ELSE COALESCE(excluded.comment, feedback.comment) END",
                    (answer_id, self.digest(user_id), verdict, _now(), reason, comment),
                )
            return True
        except STORE_ERRORS as exc:
            log.warning("usage store: feedback on %s not recorded (%s)", answer_id, exc)
            return False

    def purge(self, *, older_than_days: int) -> int:
        """Delete answers and feedback older than the retention period; returns answers deleted."""
        if self.broken:
            raise ConfigError(f"The usage store cannot be purged: {self.broken}")
        cutoff = (dt.datetime.now(dt.UTC) - dt.timedelta(days=older_than_days)).isoformat(
            timespec="seconds"
        )
        with self._transaction() as db:
            db.execute(
                "DELETE FROM feedback WHERE created_at < ? OR answer_id IN "
                "(SELECT id FROM answers WHERE created_at < ?)",
                (cutoff, cutoff),
            )
            deleted = db.execute("DELETE FROM answers WHERE created_at < ?", (cutoff,)).rowcount
        return int(deleted)

    def summary(self, *, limit: int = 10) -> UsageSummary:
        self._readable()
        with self._connect() as db:
            answers, abstained = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(1 - answered), 0) FROM answers"
            ).fetchone()
            verdicts = dict(db.execute("SELECT verdict, COUNT(*) FROM feedback GROUP BY verdict"))
            outcomes = dict(db.execute(f"SELECT {OUTCOME}, COUNT(*) FROM answers GROUP BY 1"))
            unhelpful = db.execute(
                "SELECT a.question_hash, MAX(a.question_text), COUNT(*), MAX(a.citations) "
                "FROM feedback f JOIN answers a ON a.id = f.answer_id "
                "WHERE f.verdict = 'unhelpful' GROUP BY a.question_hash "
                "ORDER BY COUNT(*) DESC, a.question_hash LIMIT ?",
                (limit,),
            ).fetchall()
            reasons: Counter[str] = Counter()
            comments: list[str] = []
            for reason, comment in db.execute(
                "SELECT reason, comment FROM feedback WHERE reason IS NOT NULL "
                "ORDER BY created_at DESC"
            ):
                reasons[reason] += 1
                comments += [comment] if comment and len(comments) < limit else []
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
            reasons=dict(reasons.most_common()),
            comments=comments,
        )

    def unanswered(self, *, since: dt.datetime, until: dt.datetime) -> list[Unanswered]:
        """Questions asked from `since` to before `until` that were answered related or not
        found, or whose answer was marked not helpful, oldest first. Rows from before `nearest`
        was kept fall back on their first citation."""
        self._readable()
        reasons = self._joined.format("CASE f.verdict WHEN 'unhelpful' THEN f.reason END")
        with self._connect() as db:
            rows = db.execute(
                f"SELECT a.id, a.created_at, {OUTCOME}, a.question_text, a.nearest, a.chunk_ids, "
                f"COALESCE({UNHELPFUL}, 0), {reasons} "
                "FROM answers a LEFT JOIN feedback f ON f.answer_id = a.id "
                "WHERE a.created_at >= ? AND a.created_at < ? GROUP BY a.id "
                f"HAVING {OUTCOME} != 'answered' OR {UNHELPFUL} > 0 "
                "ORDER BY a.created_at, a.id",
                (_stamp(since), _stamp(until)),
            ).fetchall()
        return [
            Unanswered(
                id=answer_id,
                created_at=created,
                outcome=outcome,
                question=text if self.store_text else None,
                nearest=nearest or next(iter(json.loads(chunk_ids)), None),
                reasons=tuple(sorted(reasons.split(","))) if reasons else (),
                unhelpful=int(unhelpful),
            )
            for answer_id, created, outcome, text, nearest, chunk_ids, unhelpful, reasons in rows
        ]

    def find_answers(self, prefix: str, *, limit: int = 2) -> list[AnswerRecord]:
        """The answers whose id starts with `prefix` (lower-case hex), at most `limit`."""
        self._readable()
        if not prefix or any(c not in "0123456789abcdef" for c in prefix):
            return []
        with self._connect() as db:
            rows = db.execute(
                f"SELECT id, created_at, surface, {OUTCOME}, index_version, lead_text, "
                "citations, chunk_ids, question_text FROM answers "
                "WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                (prefix, prefix + "g", limit),  # 'g' sorts after every hex digit
            ).fetchall()
            return [self._record(db, row) for row in rows]

    def _record(self, db: Connection, row: tuple[str, ...]) -> AnswerRecord:
        answer_id, created, surface, outcome, version, lead, citations, chunk_ids, text = row
        feedback = db.execute(
            "SELECT verdict, reason, comment FROM feedback WHERE answer_id = ? ORDER BY created_at",
            (answer_id,),
        )
        return AnswerRecord(
            *(answer_id, created, surface, outcome, version, lead),
            tuple(json.loads(citations)),
            tuple(json.loads(chunk_ids)),
            text if self.store_text else None,
            tuple(_verdict(*row) for row in feedback),
        )

    def _readable(self) -> None:
        if self.broken:
            raise ConfigError(f"The usage store cannot be read: {self.broken}")


# Not helpful verdicts on an answer (written so that SQLite and PostgreSQL both read it).
UNHELPFUL = "SUM(CASE f.verdict WHEN 'unhelpful' THEN 1 ELSE 0 END)"
# An answer's outcome; rows from before outcomes were kept count by their answered flag.
OUTCOME = "COALESCE(outcome, CASE answered WHEN 1 THEN 'answered' ELSE 'not_found' END)"


def _verdict(verdict: str, reason: str | None, comment: str | None) -> str:
    if verdict == "helpful":
        return verdict
    parts = ["not helpful", FEEDBACK_REASONS.get(reason or "", reason), comment]
    return ": ".join(p for p in parts if p)


def _add_missing_columns(db: sqlite3.Connection) -> None:
    """Stores made before a column was added gain it, in place, keeping their rows."""
    for table in {table for table, _ in ADDED_COLUMNS}:
        present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        for column in (c for t, c in ADDED_COLUMNS if t == table and c not in present):
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} TEXT")


def _now() -> str:
    return _stamp(dt.datetime.now(dt.UTC))


def _stamp(when: dt.datetime) -> str:
    """As created_at is stored: UTC to the second, so stamps compare as text."""
    return when.astimezone(dt.UTC).isoformat(timespec="seconds")


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
