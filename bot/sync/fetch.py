"""The sync's HTTP client: one site's host only, robots.txt obeyed, one request at a time with
a pause between, conditional requests, and every request bounded in bytes and time.

Redirects are never followed by the HTTP library: each hop is checked here, so a page that
redirects to another host is refused before that host is ever contacted."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from bot.errors import SyncError
from bot.settings import Settings
from bot.sync.config import Site, origin_of

MAX_REDIRECTS = 5
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309: parse at least the first 500 KiB
MAX_CRAWL_DELAY = 60.0  # a robots.txt asking for more is honoured only up to this


@dataclass(frozen=True)
class FetchLimits:
    """How much one site's sync may cost, and how politely it asks."""

    delay: float = 1.0
    max_pages: int = 500
    max_bytes: int = 5 * 2**20
    page_seconds: float = 20.0
    total_seconds: float = 1800.0
    user_agent: str = "practice-bot-sync/1.0"


def limits_from(settings: Settings) -> FetchLimits:
    return FetchLimits(
        delay=settings.sync_delay_seconds,
        max_pages=settings.sync_max_pages,
        max_bytes=int(settings.sync_max_page_mb * 2**20),
        page_seconds=settings.sync_page_seconds,
        total_seconds=settings.sync_max_minutes * 60,
        user_agent=settings.sync_user_agent,
    )


@dataclass(frozen=True)
class Fetched:
    """What one GET brought back: a body (200), "not modified" (304), or why it is unusable."""

    url: str
    status: int = 0  # 0: no answer at all (refused, timed out, not asked)
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    content_type: str = ""
    skipped: str | None = None  # why there is no usable body

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def gone(self) -> bool:
        return self.status in (404, 410)


class _TooLarge(Exception):
    pass


class Fetcher:
    """GETs on one site's origin. `clock` and `sleep` are injectable so the pause between
    requests can be checked without waiting for it."""

    def __init__(
        self,
        site: Site,
        limits: FetchLimits,
        *,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.site = site
        self.limits = limits
        self.delay = limits.delay
        self.requests = 0
        self.conditional = 0
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None
        self._deadline = clock() + limits.total_seconds
        self._robots: Protego | None = None
        self._client = httpx.Client(
            transport=transport,
            follow_redirects=False,
            timeout=httpx.Timeout(limits.page_seconds),
            headers={"User-Agent": limits.user_agent},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._client.close()

    @property
    def out_of_time(self) -> bool:
        return self._clock() >= self._deadline

    def allowed_host(self, url: str) -> bool:
        """The site's own origin, or the same host moved from http to https."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.username or parts.password:
            return False
        origin = origin_of(url)
        upgraded = self.site.origin.replace("http://", "https://", 1)
        return origin in (self.site.origin, upgraded)

    def robots_allow(self, url: str) -> bool:
        return self._robots is None or self._robots.can_fetch(url, self.limits.user_agent)

    def load_robots(self, *, etag: str | None, last_modified: str | None, saved: str) -> Fetched:
        """Fetch the site's robots.txt (conditionally; `saved` is the text last time) and obey
        it from now on. Missing (4xx) means no rules; a server error or no answer fails the
        sync, since the site's wishes are then unknown."""
        url = self.site.origin + "/robots.txt"
        got = self.get(url, etag=etag, last_modified=last_modified, max_bytes=MAX_ROBOTS_BYTES)
        if got.not_modified:
            text = saved
        elif got.status == 200:
            text = got.body.decode("utf-8", errors="replace")
        elif 400 <= got.status < 500:
            text = ""
        else:
            raise SyncError(
                f"{url} could not be read ({got.skipped or f'HTTP {got.status}'}), so the "
                "site's rules for robots are unknown; nothing was fetched."
            )
        self._robots = Protego.parse(text)
        asked = self._robots.crawl_delay(self.limits.user_agent)
        if asked:
            self.delay = max(self.delay, min(float(asked), MAX_CRAWL_DELAY))
        if got.not_modified:  # not every server repeats its validators on a 304
            return Fetched(
                url, 304, text.encode(), got.etag or etag, got.last_modified or last_modified
            )
        return Fetched(url, got.status, text.encode(), got.etag, got.last_modified)

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        max_bytes: int | None = None,
    ) -> Fetched:
        """One page, following at most MAX_REDIRECTS redirects that stay on the site."""
        conditions = {
            k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v
        }
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            if not self.allowed_host(current):
                return Fetched(url, skipped=f"redirected to another host ({_host(current)})")
            if not self.robots_allow(current):
                return Fetched(url, skipped="robots.txt disallows it")
            got = self._one(url, current, conditions, max_bytes or self.limits.max_bytes)
            if isinstance(got, Fetched):
                return got
            current = got
        return Fetched(url, skipped=f"more than {MAX_REDIRECTS} redirects")

    def _one(
        self, url: str, current: str, conditions: dict[str, str], max_bytes: int
    ) -> Fetched | str:
        """A request to `current`: what came back, or the next URL when it redirects."""
        self._pause()
        self.requests += 1
        self.conditional += bool(conditions)
        started = self._clock()
        try:
            with self._client.stream("GET", current, headers=conditions) as response:
                if response.has_redirect_location:
                    return urljoin(current, response.headers["location"])
                headers = response.headers
                common = {
                    "etag": headers.get("etag"),
                    "last_modified": headers.get("last-modified"),
                    "content_type": headers.get("content-type", "").lower(),
                }
                if response.status_code != 200:
                    return Fetched(url, response.status_code, **common)
                body = self._read(response, max_bytes, started)
                return Fetched(url, 200, body, **common)
        except _TooLarge:
            return Fetched(url, skipped=f"larger than {max_bytes / 2**20:g} MB")
        except httpx.TimeoutException:
            return Fetched(url, skipped=f"took longer than {self.limits.page_seconds:g} s")
        except httpx.HTTPError as exc:  # refused, reset, bad TLS, malformed response
            return Fetched(url, skipped=f"could not be fetched ({type(exc).__name__})")
        finally:
            self._last = self._clock()

    def _read(self, response: httpx.Response, max_bytes: int, started: float) -> bytes:
        """The body, reading no more than max_bytes + 1 and for no longer than a page may
        take (a server trickling bytes slips past the per-read timeout)."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_bytes:
            raise _TooLarge
        parts: list[bytes] = []
        size = 0
        for part in response.iter_bytes():
            size += len(part)
            if size > max_bytes:
                raise _TooLarge
            if self._clock() - started > self.limits.page_seconds:
                raise httpx.ReadTimeout("the page took too long", request=response.request)
            parts.append(part)
        return b"".join(parts)

    def _pause(self) -> None:
        """At least `delay` between the end of one request and the start of the next."""
        if self._last is not None:
            wait = self._last + self.delay - self._clock()
            if wait > 0:
                self._sleep(wait)


def _host(url: str) -> str:
    return (urlsplit(url).netloc or url)[:100]
