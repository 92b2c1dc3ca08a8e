"""`practice-bot sync` against the local procedures site: what it fetches, what it never
fetches, what it saves, what it reports, and what it re-embeds."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from bot.devtools.procedures_site import CHAPTERS, ProceduresSite
from bot.errors import SyncError
from bot.index.loaded import load_index
from bot.index.versions import current_name
from bot.runtime import build
from bot.settings import Settings
from bot.sync.config import Site
from bot.sync.fetch import FetchLimits
from bot.sync.report import SyncReport
from bot.sync.run import sync_sites
from bot.sync.saved import STATE, load_state, site_folder
from tests.fakes.embedder import FakeEmbedder

# Small limits, so the awkward pages cost little: the slow page is cut at 0.5 s, the 50 MB
# page at 1 MB; 10 ms between requests stands for the default second.
LIMITS = FetchLimits(delay=0.01, max_bytes=2**20, page_seconds=0.5, total_seconds=60)
CHANGED = "strategy-discussions-and-section-47"
REMOVED = "private-fostering"


def _site(procedures_site: ProceduresSite) -> Site:
    return Site(
        start=f"{procedures_site.origin}/manual/contents.html",
        sitemap=f"{procedures_site.origin}/sitemap.xml",
    )


class Syncer:
    """Runs syncs of the local site into the test's knowledge folder, counting rebuilds."""

    def __init__(self, settings: Settings, site: ProceduresSite, embedder: FakeEmbedder) -> None:
        self.settings, self.site, self.embedder = settings, site, embedder
        self.rebuilds = 0

    def __call__(self, limits: FetchLimits = LIMITS) -> SyncReport:
        def rebuild():  # type: ignore[no-untyped-def]
            self.rebuilds += 1
            return build(self.settings, self.embedder)

        return sync_sites(
            [_site(self.site)],
            knowledge_dir=self.settings.knowledge_dir,
            limits=limits,
            rebuild=rebuild,
        )

    @property
    def folder(self) -> Path:
        return site_folder(self.settings.knowledge_dir, self.site.origin)


@pytest.fixture
def syncer(settings: Settings, procedures_site: ProceduresSite) -> Syncer:
    return Syncer(settings, procedures_site, FakeEmbedder())


@pytest.fixture
def synced(syncer: Syncer) -> tuple[Syncer, SyncReport]:
    return syncer, syncer()


def test_the_first_sync_saves_every_chapter_with_its_address_and_builds(
    synced: tuple[Syncer, SyncReport],
) -> None:
    syncer, report = synced
    [site] = report.sites
    assert site.error is None and site.complete
    assert len(site.added) == 42 and not site.changed and not site.removed
    assert syncer.rebuilds == 1 and report.rebuilt is not None
    saved = sorted(p.name for p in (syncer.folder / "manual" / "chapters").iterdir())
    assert len(saved) == 42 and f"{CHANGED}.html" in saved
    index = load_index(syncer.settings.index_dir, model=FakeEmbedder.name)
    doc = next(d for d in index.manifest.documents if d.source.endswith(f"/{CHANGED}.html"))
    assert doc.url == syncer.site.chapter_url(CHANGED)  # citations link to the live chapter
    assert doc.title == "Strategy Discussions and Section 47 Enquiries"
    assert str(doc.date) == "2025-03-01"  # "This chapter was updated in March 2025"
    state = load_state(syncer.folder, syncer.site.origin)
    assert state.pages[syncer.site.chapter_url(CHANGED)].fetched is not None
    assert not state.pending_rebuild


def test_other_hosts_off_site_redirects_and_disallowed_paths_are_never_fetched(
    synced: tuple[Syncer, SyncReport],
) -> None:
    syncer, report = synced
    site = syncer.site
    assert site.other.requests == []  # the redirect's target and the partner link alike
    paths = site.paths()
    assert site.disallowed not in paths
    assert not any(p.startswith(("/cookies", "/accessibility")) for p in paths)  # off the path
    reasons = {s.url.rsplit("/", 1)[-1]: s.reason for s in report.sites[0].skipped}
    assert reasons["staff-only.html"] == "robots.txt disallows it"
    assert reasons["moved.html"].startswith("redirected to another host")
    assert paths[0] == "/robots.txt"  # read before anything else


def test_the_huge_page_and_the_slow_page_are_cut_at_their_limits(
    syncer: Syncer,
) -> None:
    started = time.monotonic()
    report = syncer()
    reasons = {s.url.rsplit("/", 1)[-1]: s.reason for s in report.sites[0].skipped}
    assert reasons["huge.html"] == "larger than 1 MB"
    assert reasons["slow.html"] == "took longer than 0.5 s"
    assert not (syncer.folder / "manual" / "chapters" / "huge.html").exists()
    assert time.monotonic() - started < 30  # neither 50 MB nor the 5 s pause was waited for


def test_a_page_with_a_malformed_encoding_is_saved_and_indexed(
    synced: tuple[Syncer, SyncReport],
) -> None:
    syncer, _ = synced
    first = syncer.site.live()[0]
    raw = (syncer.folder / "manual" / "chapters" / f"{first.slug}.html").read_bytes()
    assert b"\xff\xfe caf\xe9" in raw  # kept as fetched
    index = load_index(syncer.settings.index_dir, model=FakeEmbedder.name)
    texts = [c.text for c in index.chunks if c.source.endswith(f"/{first.slug}.html")]
    assert texts and any("Garbled" in t and "\ufffd" in t for t in texts)


def test_a_second_sync_with_nothing_changed_asks_conditionally_and_does_not_rebuild(
    synced: tuple[Syncer, SyncReport],
) -> None:
    syncer, _ = synced
    version = current_name(syncer.settings.index_dir)
    before = len(syncer.site.requests)
    report = syncer()
    [site] = report.sites
    assert (len(site.added), len(site.changed), len(site.removed)) == (0, 0, 0)
    assert site.unchanged == 42 and site.not_modified == 45  # robots, contents, sitemap too
    assert syncer.rebuilds == 1 and report.rebuilt is None
    assert current_name(syncer.settings.index_dir) == version
    again = syncer.site.requests[before:]
    unconditional = sorted(r.path for r in again if not r.conditional)
    # Only the three pages the first sync could not save are asked afresh.
    assert unconditional == [f"{CHAPTERS}{n}.html" for n in ("huge", "moved", "slow")]


def test_a_changed_chapter_is_reported_and_only_it_is_embedded_again(
    synced: tuple[Syncer, SyncReport],
) -> None:
    syncer, _ = synced
    added = "Strategy discussions held by video call must be recorded on the same day."
    syncer.site.change(CHANGED, added)
    syncer.embedder.calls.clear()
    report = syncer()
    [site] = report.sites
    assert [c.url for c in site.changed] == [syncer.site.chapter_url(CHANGED)]
    assert not site.added and not site.removed
    assert report.rebuilt is not None and report.rebuilt.changed == [site.changed[0].source]
    # The build's own embedding, then the new version's check (five passages embedded afresh
    # to see that each finds its stored vector).
    *building, probes = syncer.embedder.calls
    assert len(probes) == 5
    assert [t for call in building for t in call] == [
        f"Strategy Discussions and Section 47 Enquiries. 9. Recording. {added}"
    ]
    assert report.rebuilt.embedded == 1  # one new passage: the rest of the chapter is reused
    index = load_index(syncer.settings.index_dir, model=FakeEmbedder.name)
    doc = next(d for d in index.manifest.documents if d.source == site.changed[0].source)
    assert str(doc.date) == "2026-12-01"  # the chapter's new "updated" date


def test_a_removed_chapter_is_reported_and_its_saved_page_deleted(
    synced: tuple[Syncer, SyncReport],
) -> None:
    syncer, _ = synced
    syncer.site.remove(REMOVED)
    report = syncer()
    [site] = report.sites
    assert [c.url for c in site.removed] == [syncer.site.chapter_url(REMOVED)]
    assert not site.changed and not site.added and site.unchanged == 41
    assert not (syncer.folder / "manual" / "chapters" / f"{REMOVED}.html").exists()
    assert report.rebuilt is not None and report.rebuilt.removed == [site.removed[0].source]
    assert report.rebuilt.added == [] and report.rebuilt.embedded == 0


def test_a_site_that_is_down_changes_nothing(synced: tuple[Syncer, SyncReport]) -> None:
    syncer, _ = synced
    files = sorted(p for p in syncer.folder.rglob("*") if p.is_file())
    state = (syncer.folder / STATE).read_bytes()
    version = current_name(syncer.settings.index_dir)
    syncer.site.stop()
    report = syncer()
    [site] = report.sites
    assert site.error and "could not be read" in site.error
    assert sorted(p for p in syncer.folder.rglob("*") if p.is_file()) == files
    assert (syncer.folder / STATE).read_bytes() == state
    assert current_name(syncer.settings.index_dir) == version and report.rebuilt is None


def test_a_sync_stopped_at_its_page_limit_removes_nothing(
    synced: tuple[Syncer, SyncReport],
) -> None:
    syncer, _ = synced
    report = syncer(FetchLimits(delay=0, max_bytes=2**20, page_seconds=0.5, max_pages=5))
    [site] = report.sites
    assert not site.complete and not site.removed
    assert len(list((syncer.folder / "manual" / "chapters").iterdir())) == 42


def test_two_syncs_at_once_are_refused(syncer: Syncer) -> None:
    from bot.sync.saved import sync_lock

    with sync_lock(syncer.settings.knowledge_dir), pytest.raises(SyncError, match="Another sync"):
        syncer()


def test_the_index_built_by_sync_holds_the_same_passages_as_the_pages_dropped_in(
    synced: tuple[Syncer, SyncReport], tmp_path: Path
) -> None:
    """The same saved pages copied into a plain knowledge folder as files index the same
    passages (texts, sections, paragraphs): syncing changes where a page came from, never
    what it says."""
    import shutil

    syncer, _ = synced
    dropped = tmp_path / "dropped"
    shutil.copytree(syncer.folder / "manual", dropped / "manual")
    plain = syncer.settings.model_copy(
        update={"knowledge_dir": dropped, "index_dir": tmp_path / "dropped-index"}
    )
    build(plain, FakeEmbedder())
    by_sync = load_index(syncer.settings.index_dir, model=FakeEmbedder.name)
    by_files = load_index(plain.index_dir, model=FakeEmbedder.name)
    prefix = syncer.folder.relative_to(syncer.settings.knowledge_dir).as_posix() + "/"

    def passages(index, strip: str) -> list[tuple[str, tuple[str, ...], str | None, str]]:  # type: ignore[no-untyped-def]
        return sorted(
            (c.source.removeprefix(strip), c.heading_path, c.paragraph, c.text)
            for c in index.chunks
            if c.source.startswith(strip + "manual/") or (not strip and "/" in c.source)
        )

    assert passages(by_sync, prefix) == passages(by_files, "")
    assert len(passages(by_files, "")) > 400


def test_sync_json_prints_what_was_added_changed_removed_and_skipped(
    run, procedures_site: ProceduresSite, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PRACTICE_BOT_SYNC_DELAY_SECONDS", "0")
    monkeypatch.setenv("PRACTICE_BOT_SYNC_PAGE_SECONDS", "0.5")
    monkeypatch.setenv("PRACTICE_BOT_SYNC_MAX_PAGE_MB", "1")
    result = run("sync", "--site", f"{procedures_site.origin}/manual/contents.html", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output.strip().splitlines()[-1])
    assert set(data) == {"sites", "rebuilt", "rebuild_error"}
    [site] = data["sites"]
    assert site["site"] == procedures_site.origin and site["error"] is None
    assert len(site["added"]) == 42 and site["changed"] == [] and site["removed"] == []
    assert set(site["added"][0]) == {"url", "title", "source"}
    assert {s["reason"] for s in site["skipped"]} >= {"robots.txt disallows it"}
    assert data["rebuilt"]["added"] and data["rebuilt"]["embedded"] > 0
    assert not (settings.knowledge_dir / "sites.yaml").exists()  # --site edits no file


def test_a_failed_rebuild_is_tried_again_by_the_next_sync(
    settings: Settings, procedures_site: ProceduresSite
) -> None:
    from bot.errors import IndexBusyError

    def busy():  # type: ignore[no-untyped-def]
        raise IndexBusyError("Another index build is running.")

    first = sync_sites(
        [_site(procedures_site)], knowledge_dir=settings.knowledge_dir, limits=LIMITS, rebuild=busy
    )
    assert first.rebuild_error == "Another index build is running." and first.rebuilt is None
    syncer = Syncer(settings, procedures_site, FakeEmbedder())
    second = syncer()
    assert not second.changed_anything and syncer.rebuilds == 1 and second.rebuilt is not None
    assert second.rebuilt.added  # the pages saved by the first sync reach the index now


def test_a_running_bot_syncs_due_sites_on_its_own_thread(
    runtime, procedures_site: ProceduresSite
) -> None:  # type: ignore[no-untyped-def]
    import threading

    settings = runtime.settings
    (settings.knowledge_dir / "sites.yaml").write_text(
        f"sites:\n  - start: {procedures_site.origin}/manual/contents.html\n", "utf-8"
    )
    runtime.settings = settings.model_copy(
        update={"sync_delay_seconds": 0.0, "sync_page_seconds": 0.5, "sync_max_page_mb": 1.0}
    )
    reports: list[SyncReport] = []
    told = threading.Event()

    def notify(report: SyncReport) -> None:
        reports.append(report)
        told.set()

    runtime.sync_on_schedule(notify, interval=0.2, first=0.0)
    try:
        assert told.wait(60)
        time.sleep(1.0)  # a few more passes: the site is not due again for a day
    finally:
        runtime.stop()
    assert len(reports) == 1 and len(reports[0].sites[0].added) == 42
    assert runtime.index.path.name == current_name(settings.index_dir)  # switched to it
    assert any(d.source.startswith("sites/") for d in runtime.index.manifest.documents)
