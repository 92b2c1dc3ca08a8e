"""The sync's parts on their own: sites.yaml, where pages are saved, the fetcher's manners
(pauses, robots.txt, redirects hop by hop) with httpx's mock transport, and the schedule."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import httpx
import pytest

from bot.answering.templates import Templates
from bot.errors import ConfigError, SyncError
from bot.settings import Settings
from bot.slack.sync_notice import sync_message
from bot.sync.config import Schedule, Site, load_sites, site_for
from bot.sync.fetch import Fetcher, FetchLimits
from bot.sync.report import Chapter, SiteReport, SyncReport
from bot.sync.run import due
from bot.sync.saved import SiteState, save_state, saved_name, site_folder


def _yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_sites_yaml_is_read_with_its_defaults(tmp_path: Path) -> None:
    path = _yaml(
        tmp_path,
        "sites:\n  - start: https://westmere.proceduresonline.com/p/contents.html\n"
        "    sitemap: https://westmere.proceduresonline.com/sitemap.xml\n"
        "    include: [/p/, /chapters/]\n    schedule: weekly\n"
        "  - start: https://oakhurst.trixonline.co.uk/chapter/contents\n",
    )
    first, second = load_sites(path)
    assert first.origin == "https://westmere.proceduresonline.com"
    assert first.prefixes == ("/p/", "/chapters/") and first.schedule is Schedule.WEEKLY
    assert second.prefixes == ("/chapter/",) and second.schedule is Schedule.DAILY
    assert second.follows("https://oakhurst.trixonline.co.uk/chapter/core-groups")
    assert not second.follows("https://oakhurst.trixonline.co.uk/cookies")
    assert not second.follows("https://evil.example/chapter/core-groups")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sites:\n  - start: ftp://x.org/a\n", "sites.0.start: 'ftp://x.org/a' is not a web"),
        ("sites:\n  - include: [/a/]\n", "sites.0: give a start page (start:) or a sitemap"),
        ("sites:\n  - start: https://x.org/a\n    include: [a/]\n", "sites.0.include: 'a/' should"),
        ("sites:\n  - start: https://x.org/a\n    schedule: monthly\n", "sites.0.schedule: Input"),
        ("sites:\n  - start: https://x.org/a\n    follow: all\n", "sites.0.follow: Extra inputs"),
        (
            "sites:\n  - start: https://x.org/a\n    sitemap: https://y.org/s.xml\n",
            "sites.0: start and sitemap must be on the same host",
        ),
        ("sites:\n  - start: https://u:p@x.org/a\n", "must not hold a user name or password"),
        ("sites: [\n", "cannot be used"),
    ],
)
def test_a_bad_sites_yaml_names_the_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=r"sites\.yaml cannot be used") as caught:
        load_sites(_yaml(tmp_path, text))
    assert message in str(caught.value)


def test_no_sites_yaml_means_no_sites(tmp_path: Path) -> None:
    assert load_sites(tmp_path / "sites.yaml") == []


def test_one_site_written_two_ways_is_one_origin() -> None:
    site = Site(start="https://X.org:443/manual/contents.html")
    assert site.origin == "https://x.org"
    assert site.follows("https://x.org/manual/a.html")
    assert not site.follows("https://x.org:8443/manual/a.html")


def test_site_option_follows_its_host_and_folder_only() -> None:
    site = site_for("https://x.org/manual/contents.html")
    assert site.prefixes == ("/manual/",) and site.schedule is Schedule.OFF
    with pytest.raises(ConfigError, match=r"--site: 'contents\.html' is not a web address"):
        site_for("contents.html")


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://x.org/manual/chapters/core-groups.html", "manual/chapters/core-groups.html"),
        ("https://x.org/chapter/core-groups", "chapter/core-groups.html"),
        ("https://x.org/manual/", "manual/index.html"),
        ("https://x.org/a/../../etc/passwd", "a/etc/passwd.html"),
        ("https://x.org/.hidden/%2e%2e/x.htm", "_.hidden/_../x.htm"),
    ],
)
def test_saved_names_stay_inside_the_site_folder(url: str, name: str) -> None:
    assert saved_name(url) == name


def test_a_query_gives_its_own_saved_name() -> None:
    one, two = saved_name("https://x.org/page?id=7"), saved_name("https://x.org/page?id=8")
    assert one != two and one.startswith("page-") and one.endswith(".html")


def test_the_site_folder_is_named_after_host_and_port(tmp_path: Path) -> None:
    assert site_folder(tmp_path, "https://X.org").name == "x.org"
    assert site_folder(tmp_path, "http://127.0.0.1:8080").name == "127.0.0.1_8080"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def _fetcher(handler, clock: Clock, **limits: float) -> Fetcher:  # type: ignore[no-untyped-def]
    site = Site(start="https://x.org/manual/contents.html")
    return Fetcher(
        site,
        FetchLimits(**limits),  # type: ignore[arg-type]
        transport=httpx.MockTransport(handler),
        clock=clock,
        sleep=clock.sleep,
    )


def test_requests_are_a_second_apart_and_robots_can_ask_for_longer() -> None:
    clock = Clock()
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nCrawl-delay: 2\nDisallow: /manual/x/")
        return httpx.Response(200, html="<html><p>page</p></html>")

    with _fetcher(handler, clock) as fetcher:
        fetcher.get("https://x.org/manual/a.html")
        fetcher.load_robots(etag=None, last_modified=None, saved="")
        fetcher.get("https://x.org/manual/b.html")
        refused = fetcher.get("https://x.org/manual/x/secret.html")
    assert clock.slept == [1.0, 2.0]  # the default second, then the crawl delay asked for
    assert refused.skipped == "robots.txt disallows it"
    assert asked == ["/manual/a.html", "/robots.txt", "/manual/b.html"]


def test_redirects_are_checked_hop_by_hop() -> None:
    clock = Clock()
    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        moves = {
            "/manual/old.html": "/manual/new.html",
            "/manual/new.html": "https://evil.example/manual/new.html",
            "/manual/loop.html": "/manual/loop.html",
        }
        if request.url.path in moves:
            return httpx.Response(302, headers={"Location": moves[request.url.path]})
        return httpx.Response(200, html="<p>x</p>")

    with _fetcher(handler, clock, delay=0) as fetcher:
        off = fetcher.get("https://x.org/manual/old.html")
        loop = fetcher.get("https://x.org/manual/loop.html")
    assert off.skipped == "redirected to another host (evil.example)"
    assert not any("evil.example" in url for url in asked)
    assert loop.skipped == "more than 5 redirects"


def test_conditional_headers_are_sent_and_a_304_is_not_modified() -> None:
    clock = Clock()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, html="<p>x</p>", headers={"ETag": '"v1"'})

    with _fetcher(handler, clock, delay=0) as fetcher:
        first = fetcher.get("https://x.org/manual/a.html")
        second = fetcher.get("https://x.org/manual/a.html", etag=first.etag)
    assert (first.status, first.etag, second.not_modified) == (200, '"v1"', True)
    assert fetcher.conditional == 1


def test_a_declared_length_over_the_cap_is_not_read() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 2000, headers={"Content-Type": "text/html"})

    with _fetcher(handler, Clock(), delay=0, max_bytes=1000) as fetcher:
        assert fetcher.get("https://x.org/manual/a.html").skipped == "larger than 0.000953674 MB"


def test_a_robots_txt_that_cannot_be_read_stops_the_sync() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503)

    with _fetcher(handler, Clock(), delay=0) as fetcher, pytest.raises(SyncError, match="503"):
        fetcher.load_robots(etag=None, last_modified=None, saved="")


def test_a_missing_robots_txt_allows_everything() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404)

    with _fetcher(handler, Clock(), delay=0) as fetcher:
        fetcher.load_robots(etag=None, last_modified=None, saved="")
        assert fetcher.robots_allow("https://x.org/manual/anything.html")


def test_due_sites_follow_their_schedule(tmp_path: Path) -> None:
    now = dt.datetime(2026, 12, 2, 12, tzinfo=dt.UTC)
    daily = Site(start="https://a.org/m/contents.html")
    hourly = Site(start="https://b.org/m/contents.html", schedule=Schedule.HOURLY)
    off = Site(start="https://c.org/m/contents.html", schedule=Schedule.OFF)
    for site in (daily, hourly):
        state = SiteState(origin=site.origin, last_sync=now - dt.timedelta(hours=3))
        save_state(site_folder(tmp_path, site.origin), state)
    assert due([daily, hourly, off], knowledge_dir=tmp_path, now=now) == [hourly]
    later = now + dt.timedelta(days=1)
    assert due([daily, hourly, off], knowledge_dir=tmp_path, now=later) == [daily, hourly]


def test_the_cli_names_a_bad_sites_yaml_in_one_line(run, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    (settings.knowledge_dir / "sites.yaml").write_text("sites:\n  - start: nowhere\n", "utf-8")
    result = run("sync")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "sites.0.start: 'nowhere' is not a web" in (
        result.output
    )
    assert "Traceback" not in result.output
    assert run("sync", "--site", "https://x.org/m/c.html", "--due").exit_code == 2


def test_no_sites_configured_is_said_and_builds_nothing(run, settings: Settings) -> None:  # type: ignore[no-untyped-def]
    result = run("sync")
    assert result.exit_code == 0 and result.output.strip() == "No sites are configured."
    assert not settings.index_dir.exists() and not (settings.knowledge_dir / "sites").exists()


def _report(changed: int, added: int, removed: int) -> SyncReport:
    def chapters(n: int, word: str) -> list[Chapter]:
        return [Chapter(f"https://x.org/m/{word}{i}.html", f"{word} <{i}>", "s") for i in range(n)]

    site = SiteReport(
        "https://x.org",
        added=chapters(added, "new"),
        changed=chapters(changed, "upd"),
        removed=chapters(removed, "gone"),
    )
    return SyncReport([site])


def test_the_admin_channel_message_counts_and_links_each_chapter(settings: Settings) -> None:
    templates = Templates.load(settings.prompts_dir)
    text = sync_message(_report(3, 1, 0), templates)
    assert text is not None and text.startswith("Procedures sync: 3 chapters updated, 1 new.")
    assert "• Updated: <https://x.org/m/upd0.html|upd &lt;0&gt;>" in text
    assert "• New: <https://x.org/m/new0.html|new &lt;0&gt;>" in text
    assert sync_message(_report(0, 1, 2), templates).startswith(  # type: ignore[union-attr]
        "Procedures sync: 1 new chapter, 2 removed."
    )
    assert sync_message(_report(0, 0, 0), templates) is None
    failed = SyncReport([SiteReport("https://x.org", error="HTTP 503")])
    assert "Procedures sync of https://x.org failed: HTTP 503" in str(
        sync_message(failed, templates)
    )


def test_a_robots_txt_not_modified_is_obeyed_from_the_saved_copy() -> None:
    clock = Clock()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(304)  # and no validators repeated

    saved = "User-agent: *\nCrawl-delay: 3\nDisallow: /manual/x/"
    with _fetcher(handler, clock) as fetcher:
        got = fetcher.load_robots(etag='"r1"', last_modified=None, saved=saved)
        assert (got.status, got.etag) == (304, '"r1"')
        assert not fetcher.robots_allow("https://x.org/manual/x/a.html")
        assert fetcher.delay == 3.0
