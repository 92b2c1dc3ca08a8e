"""The composition root: settings in, a ready Answerer out (model loaded, index loaded or built)."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.answering.answerer import Answerer
from bot.answering.gaps import GapReport, find_gaps
from bot.answering.personal_data import PersonalDataGuard
from bot.answering.policy import AnswerPolicy
from bot.answering.reading import Reader
from bot.answering.templates import Templates
from bot.embedding import Embedder
from bot.errors import IndexMismatchError, IndexMissingError, PracticeBotError
from bot.index.build import Progress, build_index
from bot.index.dense import serve_single_threaded
from bot.index.loaded import LoadedIndex, load_index, load_version
from bot.index.report import BuildReport
from bot.index.versions import current_name, list_versions
from bot.ingest.formats import ReadLimits
from bot.retrieval.embedder import SentenceTransformerEmbedder
from bot.retrieval.glossary import Glossary
from bot.retrieval.retriever import Retriever
from bot.settings import Settings

if TYPE_CHECKING:  # the sync's HTTP client is imported only when a sync runs
    from bot.stores.audit import AuditLog
    from bot.stores.usage import UsageStore
    from bot.sync.config import Site
    from bot.sync.report import SyncReport
    from bot.sync.run import SyncTools

log = logging.getLogger(__name__)


class Runtime:
    """Everything a front end (terminal or Slack) needs, built once at start-up.

    The index in use can change under a running bot: `reload_if_changed()` loads the version
    `index/CURRENT` names and swaps in a new answerer with one assignment, so a question
    already being answered finishes on the version it started with. Front ends ask for
    `current()` each time they answer."""

    def __init__(
        self,
        settings: Settings,
        embedder: Embedder,
        answerer: Answerer,
        templates: Templates,
        built: BuildReport | None = None,
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.templates = templates
        self.built = built  # set when start-up had to build the index first
        self._answerer = answerer
        self._reload_lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def current(self) -> Answerer:
        """The answerer over the index version being served now."""
        return self._answerer

    @property
    def index(self) -> LoadedIndex:
        return self._answerer.retriever.index

    def reload_if_changed(self) -> bool:
        """Serve the current version if it is not the one in use; True if it swapped."""
        with self._reload_lock:
            if current_name(self.settings.index_dir) in (None, self.index.path.name):
                return False
            index = load_index(
                self.settings.index_dir, model=self.embedder.name, encoder=self.embedder
            )
            glossary = Glossary.load(self.settings.glossary_path)
            self._answerer = self._answerer.over(Retriever(index, self.embedder, glossary))
            log.info("now serving index version %s", index.path.name)
            return True

    def rebuild(self, *, on_progress: Progress | None = None) -> BuildReport:
        """Build a new version from the knowledge folder and start serving it."""
        report = build(self.settings, self.embedder, on_progress=on_progress)
        self.reload_if_changed()
        return report

    def sync(
        self, *, site: Site | None = None, due_only: bool = False, tools: SyncTools | None = None
    ) -> SyncReport:
        """Sync the configured sites (or one), rebuilding and switching if anything changed."""
        return sync(
            self.settings,
            rebuild=lambda: self.rebuild(),
            site=site,
            due_only=due_only,
            tools=tools,
        )

    def sync_on_schedule(
        self,
        notify: Callable[[SyncReport], object],
        *,
        interval: float = 900.0,
        first: float = 60.0,
    ) -> threading.Thread:
        """Every `interval`, sync the sites whose schedule is due, on a thread of its own so
        answering never waits for it; `notify` is told what each sync that did anything did."""

        def work() -> None:
            report = self.sync(due_only=True)
            if report.sites:
                notify(report)

        return self.every(interval, work, name="sync-schedule", first=first)

    def purge_daily(self, store: UsageStore | None = None) -> threading.Thread:
        """Delete usage older than the retention period now, and once a day after (from
        `store`, or the one the settings name)."""
        if store is None:
            from bot.stores.backends import usage_store

            store = usage_store(self.settings)
        kept = store

        def purge() -> None:
            deleted = kept.purge(older_than_days=self.settings.retention_days)
            log.info(
                "retention: deleted %d answers older than %d days",
                deleted,
                self.settings.retention_days,
            )

        return self.every(24 * 3600, purge, name="retention", first=0.0)

    def gaps(
        self, *, since: dt.datetime, until: dt.datetime, store: UsageStore | None = None
    ) -> GapReport:
        """What staff asked from `since` to `until` that the sources could not answer, or
        marked not helpful, by topic, over the index version being served (from `store`, or
        the usage store the settings name)."""
        # Whole seconds, as the store keeps times: a report's period, carried in its buttons,
        # then finds the same questions again (rounded up, so this second's are in).
        since, until = (_whole_second(t) for t in (since, until))
        settings = self.settings
        if store is None:
            from bot.stores.backends import usage_store

            store = usage_store(settings)
        answerer = self.current()
        return find_gaps(
            store.unanswered(since=since, until=until),
            index=answerer.retriever.index,
            embedder=self.embedder,
            guard=answerer.guard,
            threshold=settings.gaps_similarity,
            distant_below=settings.related_similarity,
            owners=settings.owner_slack_users,
            since=since,
            until=until,
        )

    def watch_index(
        self, *, interval: float = 5.0, audit: AuditLog | None = None
    ) -> threading.Thread:
        """Poll for a new current version (built by another process or worker, or rolled
        back). One that cannot be loaded is not served: this worker keeps the version it has,
        and says so once per version in the log and in `audit`."""
        refused: set[str] = set()

        def check() -> None:
            try:
                self.reload_if_changed()
            except PracticeBotError as exc:
                name = current_name(self.settings.index_dir) or "?"
                if name in refused:
                    return
                refused.add(name)
                kept = self.index.path.name
                log.error("index version %s not loaded, still serving %s: %s", name, kept, exc)
                if audit is not None:
                    audit.record(
                        actor="worker",
                        action="load_index",
                        target=name,
                        result="failed",
                        detail=f"still serving {kept}: {exc}",
                    )

        return self.every(interval, check, name="index-watch")

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the background loops and wait for them to finish what they are doing."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)

    def every(
        self, seconds: float, work: Callable[[], object], *, name: str, first: float | None = None
    ) -> threading.Thread:
        """Run `work` every `seconds` (the first time after `first`) until stop(). A failure is
        logged and the loop goes on: a bad index version or a locked database must not end the
        watching for good."""

        def loop() -> None:
            wait = seconds if first is None else first
            while not self._stop.wait(wait):
                wait = seconds
                try:
                    work()
                except Exception:
                    log.exception("%s: failed; trying again in %.0f s", name, seconds)

        thread = threading.Thread(target=loop, name=name, daemon=True)
        self._threads.append(thread)
        thread.start()
        return thread


def _whole_second(when: dt.datetime) -> dt.datetime:
    return when.replace(microsecond=0) + dt.timedelta(seconds=1 if when.microsecond else 0)


def _previous_good(
    settings: Settings, embedder: Embedder, error: IndexMismatchError
) -> LoadedIndex:
    """When the current version cannot be loaded, serve the newest older one that can (and say
    so in the log); if none can, the original error, which names the fix, stands."""
    current = current_name(settings.index_dir)
    for name in reversed(list_versions(settings.index_dir)):
        if name == current:
            continue
        try:
            folder = settings.index_dir / "versions" / name
            index = load_version(folder, model=embedder.name, encoder=embedder)
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
    """A new index version from the knowledge folder, as the settings say to build it; with
    a shared database, one build at a time across every worker (IndexBusyError otherwise)."""
    from bot.stores.backends import rebuild_lock

    with rebuild_lock(settings):
        return _build_index(settings, embedder, progress=progress, on_progress=on_progress)


def _build_index(
    settings: Settings, embedder: Embedder, *, progress: bool, on_progress: Progress | None
) -> BuildReport:
    return build_index(
        settings.knowledge_dir,
        settings.index_dir,
        embedder,
        keep=settings.versions_kept,
        progress=progress,
        on_progress=on_progress,
        windows=settings.sentence_windows,
        ivf_above_rows=settings.ivf_above_rows,
        limits=read_limits(settings),
    )


def sync(
    settings: Settings,
    *,
    rebuild: Callable[[], BuildReport],
    site: Site | None = None,
    due_only: bool = False,
    tools: SyncTools | None = None,
) -> SyncReport:
    """`practice-bot sync`: one site (--site), the due ones (--due), or every configured one."""
    import datetime as dt

    from bot.sync.config import load_sites
    from bot.sync.fetch import limits_from
    from bot.sync.run import due, sync_sites

    sites = [site] if site else load_sites(settings.sites_path)
    if due_only:
        sites = due(sites, knowledge_dir=settings.knowledge_dir, now=dt.datetime.now(dt.UTC))
    return sync_sites(
        sites,
        knowledge_dir=settings.knowledge_dir,
        limits=limits_from(settings),
        rebuild=rebuild,
        tools=tools,
    )


def read_limits(settings: Settings) -> ReadLimits:
    """What reading one document may cost, for builds and for documents sent in Slack."""
    return ReadLimits(
        seconds=settings.document_seconds,
        max_bytes=int(settings.max_document_mb * 2**20),
        max_pdf_pages=settings.max_pdf_pages,
    )


def make_reader(settings: Settings) -> Reader:
    """The shipped reader, its hash checked and warmed: a missing or altered model stops
    start-up with one line naming the fix, never a quiet fall-back to the rule."""
    from bot.retrieval.reader import OnnxReader

    reader = OnnxReader(settings.reader_dir)
    reader.warm_up()
    return reader


def make_embedder(settings: Settings) -> Embedder:
    """The model, warmed: its ONNX export (made at set-up; a ConfigError naming the fix if it
    is missing or out of date, never a quiet fall-back to torch), or with PRACTICE_BOT_ENCODER
    =torch sentence-transformers. Index builds use it too: the export is faster there as well."""
    from bot.retrieval.onnx_embedder import OnnxEmbedder

    embedder: OnnxEmbedder | SentenceTransformerEmbedder
    if settings.encoder == "onnx":
        embedder = OnnxEmbedder(settings.model, onnx_dir=settings.onnx_dir)
    else:
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
        related_similarity=settings.related_similarity,
        reader_answer=settings.reader_answer,
        reader_related=settings.reader_related,
        reader_cite=settings.reader_cite,
        reader_weight=settings.reader_weight,
        refuse_unmentioned=settings.refuse_unmentioned_terms,
        contact=settings.contact,
    )


def start(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    reader: Reader | None = None,
    progress: bool = True,
    on_build: Callable[[str], None] = lambda message: None,
) -> Runtime:
    """Load templates, glossary, model and index; build the index first if there is none."""
    serve_single_threaded()
    templates = Templates.load(settings.prompts_dir)
    glossary = Glossary.load(settings.glossary_path)
    embedder = embedder or make_embedder(settings)
    built = None
    try:
        index = load_index(settings.index_dir, model=embedder.name, encoder=embedder)
    except IndexMismatchError as exc:
        index = _previous_good(settings, embedder, exc)
    except IndexMissingError:
        on_build(
            f"No index yet in {settings.index_dir}: building one from {settings.knowledge_dir}."
        )
        built = build(settings, embedder, progress=progress)
        index = load_index(settings.index_dir, model=embedder.name, encoder=embedder)
    retriever = Retriever(index, embedder, glossary)
    guard = PersonalDataGuard(settings.case_reference_patterns, glossary_words=glossary.words)
    if reader is None and settings.reader:
        reader = make_reader(settings)
    answerer = Answerer(retriever, templates, policy_from(settings), guard=guard, reader=reader)
    return Runtime(settings, embedder, answerer, templates, built)
