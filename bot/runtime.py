"""The composition root: settings in, a ready Answerer out (model loaded, index loaded or built)."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.answering.answerer import Answerer, AnswerPolicy
from bot.answering.personal_data import PersonalDataGuard
from bot.answering.templates import Templates
from bot.errors import IndexMismatchError, IndexMissingError, PracticeBotError
from bot.index.build import BuildReport, Progress, build_index
from bot.index.loaded import LoadedIndex, load_index, load_version
from bot.index.versions import current_name, list_versions
from bot.retrieval.embedder import Embedder, SentenceTransformerEmbedder
from bot.retrieval.glossary import Glossary
from bot.retrieval.retriever import Retriever
from bot.settings import Settings

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
        from bot.stores.usage import UsageStore

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
