"""Errors practice-bot raises, translated for people only at the edges (CLI, Slack).

PracticeBotError
├── ConfigError          settings or templates are unusable
├── DocumentError        one source document cannot be read (skipped, reported)
├── UnreadableFile       a format reader's reason for refusing a file (becomes a DocumentError)
├── UploadRefused        a document sent to the bot in Slack was not added
├── NoDocumentsError     nothing in the knowledge folder could be indexed
├── IndexMissingError    there is no built index where one was expected
├── IndexMismatchError   the index was built by another model or format
├── IndexBusyError       another rebuild holds the index lock
├── IndexValidationError a new version failed its checks and was not made current
├── IndexWriteError      the index folder cannot be written (permissions, full disk)
├── SyncError            a procedures site could not be synced (nothing saved was lost)
├── EmbedderNotReadyError  the model was used before warm_up()
├── QuestionError        the question is empty or unusable
└── StoreError           the database refused one piece of work
    └── StateUnavailableError  the shared database cannot be reached in time
"""

from __future__ import annotations


class PracticeBotError(Exception):
    """Base class: its message is written for the person who will read it."""


class ConfigError(PracticeBotError):
    """Settings, glossary or templates are invalid; seen by whoever starts the bot."""


class DocumentError(PracticeBotError):
    """A source document cannot be read; seen by the admin in the build report."""


class UnreadableFile(PracticeBotError):
    """A reader's reason for refusing a file, worded as the end of a sentence about it; the
    caller names the file (a DocumentError in the build report, or an UploadRefused)."""


class UploadRefused(PracticeBotError):
    """Why an uploaded file was not added; seen by the admin who sent it."""


class NoDocumentsError(PracticeBotError):
    """The knowledge folder holds nothing indexable; seen by the admin."""


class IndexMissingError(PracticeBotError):
    """No index has been built yet; seen by the admin, who is told how to build one."""


class IndexMismatchError(PracticeBotError):
    """The index on disk was built by another model or format; seen by the admin."""


class IndexBusyError(PracticeBotError):
    """Another rebuild is running; seen by the admin who started a second one."""


class IndexValidationError(PracticeBotError):
    """A freshly built version failed its probes; seen by the admin, the old one still serves."""


class IndexWriteError(PracticeBotError):
    """The index folder cannot be written; seen by the admin, the old version still serves."""


class SyncError(PracticeBotError):
    """A site could not be synced (unreachable, robots.txt unreadable, another sync running);
    seen by the admin, in the terminal or the admin channel. What was saved before stays."""


class EmbedderNotReadyError(PracticeBotError):
    """The embedding model was called before warm_up(); seen by developers."""


class QuestionError(PracticeBotError):
    """The question cannot be answered as typed (empty); seen by the asker."""


class StoreError(PracticeBotError):
    """The database (PostgreSQL) refused one piece of work; seen by the admin in the log."""


class StateUnavailableError(StoreError):
    """The shared database cannot be reached, or did not answer in time; seen by the admin at
    start-up, and in the log while serving."""
