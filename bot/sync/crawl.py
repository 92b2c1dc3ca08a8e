"""One site's crawl, breadth first from its start page and sitemap: what each answer means
for the saved copy (304: kept; same hash: unchanged; new hash: written and reported; 404 or
410: removed; any other failure: the saved copy kept), and what is removed at the end."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import deque
from collections.abc import Callable
from pathlib import Path

from bot.errors import SyncError
from bot.sync.config import Site
from bot.sync.fetch import Fetched, Fetcher
from bot.sync.links import is_html, is_sitemap, page_links, sitemap_urls
from bot.sync.report import Chapter, SiteReport, Skipped
from bot.sync.saved import (
    NavState,
    PageState,
    SiteState,
    remove_saved,
    save_state,
    saved_name,
    write_atomic,
)

Now = Callable[[], dt.datetime]


class Crawl:
    """One site's crawl: robots.txt, then its contents page and sitemaps for links, then every
    chapter they lead to, compared with the last sync's state."""

    def __init__(
        self,
        site: Site,
        fetcher: Fetcher,
        old: SiteState,
        folder: Path,
        knowledge_dir: Path,
        now: Now,
    ) -> None:
        self.site, self.fetcher, self.old, self.folder, self.now = site, fetcher, old, folder, now
        self.prefix = folder.relative_to(knowledge_dir).as_posix() + "/"
        self.entries = [u for u in (site.start, site.sitemap) if u]
        self.nav_urls = set(self.entries)
        self.state = SiteState(origin=site.origin, robots=old.robots)
        self.added: list[Chapter] = []
        self.changed: list[Chapter] = []
        self.gone: set[str] = set()
        self.skipped: list[Skipped] = []
        self.unchanged = 0
        self.not_modified = 0
        self.complete = True
        self.pages = 0

    def robots(self) -> None:
        got = self.fetcher.load_robots(
            etag=self.old.robots.etag,
            last_modified=self.old.robots.last_modified,
            saved=self.old.robots.text,
        )
        self.not_modified += got.not_modified
        text = got.body.decode("utf-8", errors="replace")
        self.state.robots = NavState(etag=got.etag, last_modified=got.last_modified, text=text)

    def run(self) -> None:
        queue = deque(self.entries)
        seen = set(queue)
        while queue:
            if self.fetcher.out_of_time or self.pages >= self.fetcher.limits.max_pages:
                self.complete = False
                return
            url = queue.popleft()
            links = self._nav(url) if url in self.nav_urls else self._page(url)
            for link in links:
                if link not in seen and self.site.follows(link):
                    seen.add(link)
                    queue.append(link)

    def _conditional_get(self, url: str, etag: str | None, modified: str | None) -> Fetched:
        got = self.fetcher.get(url, etag=etag, last_modified=modified)
        self.not_modified += got.not_modified
        return got

    def _nav(self, url: str) -> list[str]:
        """The contents page or a sitemap: read for its links, never saved as a chapter."""
        old = self.old.nav.get(url, NavState())
        got = self._conditional_get(url, old.etag, old.last_modified)
        if got.not_modified:
            links = old.links
        elif got.status == 200:
            sitemap = is_sitemap(url, got.content_type, got.body)
            links = sitemap_urls(got.body) if sitemap else page_links(url, got.body)[1]
            # A sitemap index lists further sitemaps: read them as sitemaps too.
            self.nav_urls |= {u for u in links if sitemap and u.endswith(".xml")}
        elif url in self.entries:  # without its contents, every chapter would look removed
            reason = got.skipped or f"HTTP {got.status}"
            raise SyncError(f"{url} could not be read ({reason}); nothing was changed.")
        else:
            self.skipped.append(Skipped(url, got.skipped or f"HTTP {got.status}"))
            return []
        self.state.nav[url] = NavState(
            etag=got.etag or (old.etag if got.not_modified else None),
            last_modified=got.last_modified or (old.last_modified if got.not_modified else None),
            links=links,
        )
        return links

    def _page(self, url: str) -> list[str]:
        if not self.fetcher.robots_allow(url):  # never requested, so never counted
            self.skipped.append(Skipped(url, "robots.txt disallows it"))
            return []
        self.pages += 1
        old = self.old.pages.get(url)
        got = self._conditional_get(url, *((old.etag, old.last_modified) if old else (None, None)))
        if old and got.not_modified:
            body = self._saved_bytes(old)
            if body is not None:
                self.unchanged += 1
                self.state.pages[url] = old
                return page_links(url, body)[1]
            got = self._conditional_get(url, None, None)  # the saved copy went missing
        if got.status == 200 and is_html(got.content_type, got.body):
            return self._store(url, got, old)
        if got.gone:
            self.gone.add(url)
        else:
            reason = got.skipped or (
                f"HTTP {got.status}" if got.status != 200 else "not an HTML page"
            )
            self.skipped.append(Skipped(url, reason))
            if old:  # kept as it was: a page that failed to load is not a removed page
                self.state.pages[url] = old
        return []

    def _store(self, url: str, got: Fetched, old: PageState | None) -> list[str]:
        title, links = page_links(url, got.body)
        sha = hashlib.sha256(got.body).hexdigest()
        name = old.path if old else _unique(self.folder, url, self.state, self.old)
        page = PageState(
            path=name,
            sha256=sha,
            etag=got.etag,
            last_modified=got.last_modified,
            fetched=self.now(),
            title=title,
        )
        if old and old.sha256 == sha and self._saved_bytes(old) is not None:
            self.unchanged += 1  # the server could not say so, but nothing changed
            self.state.pages[url] = page.model_copy(update={"fetched": old.fetched})
            return links
        write_atomic(self.folder / name, got.body)
        self.state.pages[url] = page
        chapter = Chapter(url, title or name, self.prefix + name)
        (self.changed if old else self.added).append(chapter)
        return links

    def _saved_bytes(self, page: PageState) -> bytes | None:
        try:
            return (self.folder / page.path).read_bytes()
        except OSError:
            return None

    def finish(self) -> SiteReport:
        """Remove what the site no longer has, then record this sync's state."""
        removed = []
        for url, page in self.old.pages.items():
            if url in self.state.pages:
                continue
            if url in self.gone or self.complete:
                remove_saved(self.folder, page.path)
                removed.append(Chapter(url, page.title or page.path, self.prefix + page.path))
            else:
                self.state.pages[url] = page  # not reached this time: kept
        changed = bool(self.added or self.changed or removed)
        self.state.pending_rebuild = self.old.pending_rebuild or changed
        self.state.last_sync = self.now()
        save_state(self.folder, self.state)
        return SiteReport(
            site=self.site.origin,
            added=self.added,
            changed=self.changed,
            removed=removed,
            unchanged=self.unchanged,
            skipped=self.skipped,
            requests=self.fetcher.requests,
            conditional=self.fetcher.conditional,
            not_modified=self.not_modified,
            complete=self.complete,
        )


def _unique(folder: Path, url: str, new: SiteState, old: SiteState) -> str:
    """A file name for a new page that no other page of the site already uses."""
    name = saved_name(url)
    taken = {p.path for p in new.pages.values()} | {p.path for p in old.pages.values()}
    if name not in taken:
        return name
    stem, _, ext = name.rpartition(".")
    return f"{stem}-{hashlib.sha256(url.encode()).hexdigest()[:8]}.{ext}"
