"""The PostgreSQL schema, as numbered steps: each is applied once, in order, and recorded in
`schema_version` (bot/stores/postgres.py: migrate). Never edit a step that has shipped; add one.

Text that is compared or range-scanned (ids, ISO timestamps, keys) is `COLLATE "C"`, so it
sorts byte by byte as SQLite sorts it, whatever locale the cluster was made with.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "shared state: records and counts",
        """
        CREATE TABLE state_records (
            namespace TEXT COLLATE "C" NOT NULL,
            key TEXT COLLATE "C" NOT NULL,
            value TEXT NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL,  -- seconds since the epoch
            PRIMARY KEY (namespace, key)
        );
        CREATE INDEX state_records_expiry ON state_records (expires_at);
        CREATE TABLE state_counts (
            namespace TEXT COLLATE "C" NOT NULL,
            key TEXT COLLATE "C" NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL  -- when this event leaves its window
        );
        CREATE INDEX state_counts_key ON state_counts (namespace, key, expires_at);
        CREATE INDEX state_counts_expiry ON state_counts (expires_at);
        """,
    ),
    Migration(
        2,
        "usage and feedback, as bot/stores/usage.py keeps them in SQLite",
        """
        CREATE TABLE answers (
            id TEXT COLLATE "C" PRIMARY KEY,
            created_at TEXT COLLATE "C" NOT NULL,
            question_hash TEXT COLLATE "C" NOT NULL,
            question_text TEXT,
            user_hash TEXT COLLATE "C" NOT NULL,
            surface TEXT NOT NULL,
            answered INTEGER NOT NULL,
            chunk_ids TEXT NOT NULL,
            citations TEXT NOT NULL,
            outcome TEXT,
            index_version TEXT,
            lead_text TEXT,
            audience TEXT
        );
        CREATE INDEX answers_created ON answers (created_at);
        CREATE TABLE feedback (
            answer_id TEXT COLLATE "C" NOT NULL REFERENCES answers(id),
            user_hash TEXT COLLATE "C" NOT NULL,
            verdict TEXT NOT NULL CHECK (verdict IN ('helpful', 'unhelpful')),
            created_at TEXT COLLATE "C" NOT NULL,
            reason TEXT,
            comment TEXT,
            PRIMARY KEY (answer_id, user_hash)
        );
        CREATE INDEX feedback_created ON feedback (created_at);
        -- The HMAC key for hashed questions and users: one for all workers, or the same
        -- person would hash differently on each and feedback checks would fail.
        CREATE TABLE usage_key (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            key_hex TEXT NOT NULL
        );
        """,
    ),
    Migration(
        3,
        "the audit log",
        """
        CREATE TABLE audit (
            id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at TEXT COLLATE "C" NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            result TEXT NOT NULL,
            detail TEXT NOT NULL
        );
        """,
    ),
    Migration(
        4,
        "usage: the passage nearest each question (gaps)",
        "ALTER TABLE answers ADD COLUMN nearest TEXT;",
    ),
)
