"""Syncing: each site crawled from its start page or sitemap within its limits, its pages
compared with the last sync's, then one rebuild if anything changed anywhere.

A site that cannot be synced at all (its start page or robots.txt unreadable) changes
nothing on disk. A crawl stopped at a limit keeps what it fetched and removes nothing: only a
page the site answers 404 or 410 for, or one no longer linked after a complete crawl, is
removed, and only files this sync saved itself are ever deleted."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.errors import PracticeBotError, SyncError
from bot.index.report import BuildReport
from bot.sync.config import Site
from bot.sync.crawl import Crawl, Now
from bot.sync.fetch import Fetcher, FetchLimits
from bot.sync.report import SiteReport, SyncReport
from bot.sync.saved import (
    load_state,
    save_state,
    site_folder,
    sync_lock,
)

Clock = Callable[[], float]


@dataclass
class SyncTools:
    """What a sync is handed rather than makes: tests pass a transport, a clock and a sleep."""

    transport: httpx.BaseTransport | None = None
    clock: Clock = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    now: Now = field(default=lambda: dt.datetime.now(dt.UTC))


def sync_sites(
    sites: list[Site],
    *,
    knowledge_dir: Path,
    limits: FetchLimits,
    rebuild: Callable[[], BuildReport],
    tools: SyncTools | None = None,
) -> SyncReport:
    """Sync every site, then rebuild once if any page changed (or an earlier sync's changes
    never reached an index). A site that fails is reported and the others go on."""
    if not sites:
        return SyncReport([])
    tools = tools or SyncTools()
    with sync_lock(knowledge_dir):
        reports = []
        for site in sites:
            try:
                reports.append(
                    sync_site(site, knowledge_dir=knowledge_dir, limits=limits, tools=tools)
                )
            except SyncError as exc:
                reports.append(SiteReport(site=site.origin, error=str(exc)))
            except OSError as exc:  # the knowledge folder cannot be written
                reason = f"the saved pages cannot be written ({exc.strerror or exc})"
                reports.append(SiteReport(site=site.origin, error=reason))
        return _rebuild_if_pending(sites, reports, knowledge_dir=knowledge_dir, rebuild=rebuild)


def _rebuild_if_pending(
    sites: list[Site],
    reports: list[SiteReport],
    *,
    knowledge_dir: Path,
    rebuild: Callable[[], BuildReport],
) -> SyncReport:
    """One rebuild for every site whose saved pages changed since the last index; their
    state says so until a rebuild succeeds, so a failed one is tried again next time."""
    folders = {site_folder(knowledge_dir, s.origin): s.origin for s in sites}
    pending = [f for f, origin in folders.items() if load_state(f, origin).pending_rebuild]
    if not pending:
        return SyncReport(reports)
    try:
        built = rebuild()
    except PracticeBotError as exc:
        return SyncReport(reports, rebuild_error=str(exc))
    for folder in pending:
        state = load_state(folder, folders[folder])
        save_state(folder, state.model_copy(update={"pending_rebuild": False}))
    return SyncReport(reports, rebuilt=built)


def due(sites: list[Site], *, knowledge_dir: Path, now: dt.datetime) -> list[Site]:
    """Sites whose schedule says they should be synced by `now` (never: `off`)."""
    found = []
    for site in sites:
        every = site.schedule.every
        last = load_state(site_folder(knowledge_dir, site.origin), site.origin).last_sync
        if every is not None and (last is None or now - last >= every):
            found.append(site)
    return found


def sync_site(
    site: Site, *, knowledge_dir: Path, limits: FetchLimits, tools: SyncTools
) -> SiteReport:
    """Crawl one site and bring its saved folder up to date."""
    started = tools.clock()
    folder = site_folder(knowledge_dir, site.origin)
    old = load_state(folder, site.origin)
    with Fetcher(
        site, limits, transport=tools.transport, clock=tools.clock, sleep=tools.sleep
    ) as fetcher:
        crawl = Crawl(site, fetcher, old, folder, knowledge_dir, tools.now)
        crawl.robots()
        try:
            crawl.run()
        except BaseException:  # record what was saved, so no file is left unaccounted for
            crawl.complete = False
            crawl.finish()
            raise
        report = crawl.finish()
    return dataclasses.replace(report, seconds=tools.clock() - started)
