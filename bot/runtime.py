"""The composition root: settings in, a ready Answerer out (model loaded, index loaded or built)."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.answering import Answerer, AnswerPolicy
from bot.embedder import Embedder, SentenceTransformerEmbedder
from bot.errors import IndexMismatchError, IndexMissingError, PracticeBotError
from bot.glossary import Glossary
from bot.index_build import BuildReport, Progress, build_index
from bot.index_store import LoadedIndex, current_name, list_versions, load_index, load_version
from bot.personal_data import PersonalDataGuard
from bot.retriever import Retriever
from bot.settings import Settings
from bot.templates import Templates, load_examples

if TYPE_CHECKING:
    from slack_bolt import App
    from slack_sdk import WebClient

    from bot.slack.replies import SlackDeps

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """Everything a front end (terminal or Slack) needs, built once at start-up.

    The index in use can change under a running bot: `reload_if_changed()` loads the version
    `index/CURRENT` names and swaps the answerer's retriever in one assignment, so a question
    already being answered finishes on the version it started with."""

    settings: Settings
    embedder: Embedder
    answerer: Answerer
    templates: Templates
    built: BuildReport | None  # set when start-up had to build the index first
    _reload_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def index(self) -> LoadedIndex:
        return self.answerer.retriever.index

    def reload_if_changed(self) -> bool:
        """Serve the current version if it is not the one in use; True if it swapped."""
        with self._reload_lock:
            if current_name(self.settings.index_dir) in (None, self.index.path.name):
                return False
            index = load_index(self.settings.index_dir, model=self.embedder.name)
            glossary = Glossary.load(self.settings.glossary_path)
            self.answerer.retriever = Retriever(index, self.embedder, glossary)
            log.info("now serving index version %s", index.path.name)
            return True

    def rebuild(self, *, on_progress: Progress | None = None) -> BuildReport:
        """Build a new version from the knowledge folder and start serving it."""
        report = build(self.settings, self.embedder, on_progress=on_progress)
        self.reload_if_changed()
        return report

    def purge_daily(self) -> threading.Thread:
        """Delete usage older than the retention period now, and once a day after."""
        from bot.usage_store import UsageStore

        store = UsageStore(self.settings.usage_db)

        def loop() -> None:
            while True:
                try:
                    deleted = store.purge(older_than_days=self.settings.retention_days)
                    log.info(
                        "retention: deleted %d answers older than %d days",
                        deleted,
                        self.settings.retention_days,
                    )
                except sqlite3.Error as exc:  # try again tomorrow; answering goes on
                    log.error("retention purge failed: %s", exc)
                time.sleep(24 * 3600)

        thread = threading.Thread(target=loop, name="retention", daemon=True)
        thread.start()
        return thread

    def watch_index(self, *, interval: float = 5.0) -> threading.Thread:
        """Poll for a new current version (built by another process, or rolled back)."""

        def loop() -> None:
            while True:
                time.sleep(interval)
                try:
                    self.reload_if_changed()
                except PracticeBotError as exc:  # keep serving the version already loaded
                    log.error("could not load the new index version: %s", exc)

        thread = threading.Thread(target=loop, name="index-watch", daemon=True)
        thread.start()
        return thread


def _previous_good(settings: Settings, model: str, error: IndexMismatchError) -> LoadedIndex:
    """When the current version cannot be loaded, serve the newest older one that can (and say
    so in the log); if none can, the original error, which names the fix, stands."""
    current = current_name(settings.index_dir)
    for name in reversed(list_versions(settings.index_dir)):
        if name == current:
            continue
        try:
            index = load_version(settings.index_dir / "versions" / name, model=model)
        except (IndexMismatchError, IndexMissingError):
            continue
        log.error(
            "index version %s cannot be used (%s); serving %s until it is rebuilt",
            current,
            error,
            name,
        )
        return index
    raise error


def build(
    settings: Settings,
    embedder: Embedder,
    *,
    progress: bool = False,
    on_progress: Progress | None = None,
) -> BuildReport:
    """A new index version from the knowledge folder, as the settings say to build it."""
    return build_index(
        settings.knowledge_dir,
        settings.index_dir,
        embedder,
        keep=settings.versions_kept,
        progress=progress,
        on_progress=on_progress,
        windows=settings.sentence_windows,
        hnsw_above_rows=settings.hnsw_above_rows,
    )


def make_embedder(settings: Settings) -> SentenceTransformerEmbedder:
    embedder = SentenceTransformerEmbedder(settings.model)
    embedder.warm_up()
    return embedder


def policy_from(settings: Settings) -> AnswerPolicy:
    return AnswerPolicy(
        top_k=settings.top_k,
        max_question_chars=settings.max_question_chars,
        strong_similarity=settings.strong_similarity,
        min_similarity=settings.min_similarity,
        min_coverage=settings.min_coverage,
        contact=settings.contact,
    )


def start(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    progress: bool = True,
    on_build: Callable[[str], None] = lambda message: None,
) -> Runtime:
    """Load templates, glossary, model and index; build the index first if there is none."""
    templates = Templates.load(settings.prompts_dir)
    glossary = Glossary.load(settings.glossary_path)
    embedder = embedder or make_embedder(settings)
    built = None
    try:
        index = load_index(settings.index_dir, model=embedder.name)
    except IndexMismatchError as exc:
        index = _previous_good(settings, embedder.name, exc)
    except IndexMissingError:
        on_build(
            f"No index yet in {settings.index_dir}: building one from {settings.knowledge_dir}."
        )
        built = build(settings, embedder, progress=progress)
        index = load_index(settings.index_dir, model=embedder.name)
    retriever = Retriever(index, embedder, glossary)
    guard = PersonalDataGuard(settings.case_reference_patterns)
    answerer = Answerer(retriever, templates, policy_from(settings), guard=guard)
    return Runtime(settings, embedder, answerer, templates, built)


def slack_app(runtime: Runtime, *, client: WebClient | None = None) -> App:
    """The Bolt app over this runtime's pipeline."""
    from bot.slack.app import create_app

    return create_app(runtime.settings, slack_deps(runtime), client=client)


def slack_deps(runtime: Runtime) -> SlackDeps:
    """What the Slack listeners need; the usage store and audit log open here, not at import."""
    from bot.audit_log import AuditLog
    from bot.slack.admin import AdminActions, Admins
    from bot.slack.rate_limit import RateLimiter
    from bot.slack.replies import SlackDeps
    from bot.usage_store import UsageStore

    settings = runtime.settings
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    admin = AdminActions(
        admins=Admins(settings.slack_admin_user_ids, settings.slack_admin_usergroup),
        audit=AuditLog(settings.audit_db),
        rebuild=lambda progress: runtime.rebuild(on_progress=progress),
        templates=runtime.templates,
        bot_token=token,
    )
    return SlackDeps(
        answerer=runtime.answerer,
        templates=runtime.templates,
        store=UsageStore(settings.usage_db, store_text=settings.store_question_text),
        documents=lambda: runtime.index.manifest.documents,
        examples=load_examples(settings.prompts_dir),
        admin=admin,
        knowledge_dir=settings.knowledge_dir,
        limiter=RateLimiter(settings.rate_limit_per_minute),
        allowed_channels=settings.slack_allowed_channels,
    )
