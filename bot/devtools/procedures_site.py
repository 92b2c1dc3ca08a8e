"""A local procedures manual of the tri.x / proceduresonline kind, served on 127.0.0.1 for the
sync's tests and its evaluation: 42 chapters written from the project's own manuals (the
Westmere manual and the Harrowby and Oakhurst training manuals, read through the project's
readers), a contents page, sitemap.xml, robots.txt, ETag and Last-Modified with 304s, and the
awkward pages real sites have: a redirect to another host, a link to a disallowed path, a
50 MB page (streamed, never held in memory), a slow page and one with invalid UTF-8.

Every request is logged (path and conditional headers) so a test can say exactly what was
fetched; the "other host" is a second server on another port that logs what reaches it."""

from __future__ import annotations

import functools
import hashlib
import html
import re
import threading
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bot.records import Block

REPO = Path(__file__).resolve().parents[2]
SOURCES = (
    ("", REPO / "tests" / "corpora" / "manual" / "procedures"),
    ("harrowby-", REPO / "training" / "corpora" / "harrowby" / "procedures"),
    ("oakhurst-", REPO / "training" / "corpora" / "oakhurst" / "procedures"),
)
MANUAL = "/manual/"
CHAPTERS = "/manual/chapters/"
HUGE_BYTES = 50 * 2**20
SLOW_SECONDS = 5.0  # the slow page's pause; the sync's page timeout must cut it
LAST_MODIFIED = formatdate(1_767_225_600, usegmt=True)  # 1 January 2026
WORKING_TOGETHER = (
    "https://www.gov.uk/government/publications/working-together-to-safeguard-children--2"
)
GARBLED = b"\xff\xfe caf\xe9 \xc3\x28 \xed\xa0\x80"  # not UTF-8 at all


@dataclass(frozen=True)
class Chapter:
    slug: str
    title: str
    blocks: tuple[Block, ...]
    updated: str = "March 2025"


@functools.cache
def chapters() -> tuple[Chapter, ...]:
    """The 42 chapters' text, read once per process through the project's readers."""
    from bot.ingest.documents import load_document

    found = []
    for prefix, folder in SOURCES:
        for path in sorted(folder.iterdir()):
            doc = load_document(path, knowledge_dir=folder)
            blocks = tuple(b for b in doc.blocks if b.text.strip())
            found.append(Chapter(prefix + path.stem, doc.title, blocks))
    return tuple(found)


def render_chapter(chapter: Chapter, number: str, related: list[Chapter]) -> str:
    """One chapter page as such sites serve it: banners, header, breadcrumbs, the AMENDMENT
    box, the text, a caption table of timescales, Related Chapters and Working Together."""
    body = "\n".join(_blocks(chapter))
    table = _timescales(chapter)
    links = "\n".join(
        f'<li><a href="{CHAPTERS}{c.slug}.html">{html.escape(c.title)}</a></li>' for c in related
    )
    return f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>{number} {html.escape(chapter.title)} | Local Test Children's Services Procedures Manual</title>
<script src="/js/site.js"></script></head>
<body class="chapter-page">
<div id="cookie-banner" class="cookie-banner" role="region" aria-label="Cookie banner">
<p>We use some essential cookies to make this website work. <a href="/cookies.html">Read our cookie policy</a></p>
<button type="button" id="accept-cookies">Accept all cookies</button></div>
<div class="access-bar"><p>View this website with <a href="/accessibility.html">accessibility options</a></p></div>
<header class="site-header"><div class="site-name">Local Test Children's Services Procedures Manual</div>
<ul class="top-links"><li><a href="{MANUAL}contents.html">Contents</a></li></ul></header>
<nav class="breadcrumbs"><a href="{MANUAL}contents.html">Contents</a> &gt; <span>{html.escape(chapter.title)}</span></nav>
<main id="content">
<h1>{number} {html.escape(chapter.title)}</h1>
<div class="amendment-box"><p><strong>AMENDMENT</strong></p>
<p>This chapter was updated in {chapter.updated}.</p></div>
{body}
{table}
<aside class="related-chapters"><h2>Related Chapters</h2><ul>
{links}
</ul><p><a href="{WORKING_TOGETHER}">View Working Together</a></p></aside>
</main>
<footer class="site-footer"><p>&copy; tri.x style test manual</p></footer>
</body></html>
"""


def _blocks(chapter: Chapter) -> list[str]:
    out: list[str] = []
    path: tuple[str, ...] = (chapter.title,)
    in_list = False
    for block in chapter.blocks:
        if block.heading_path != path:
            if in_list:
                out.append("</ul>")
                in_list = False
            common = 0
            while common < min(len(path), len(block.heading_path)) and (
                path[common] == block.heading_path[common]
            ):
                common += 1
            for level, heading in enumerate(block.heading_path[common:], start=common):
                if level >= 1:
                    out.append(
                        f"<h{min(level + 1, 6)}>{html.escape(heading)}</h{min(level + 1, 6)}>"
                    )
            path = block.heading_path
        if block.list_item and not in_list:
            out.append("<ul>")
            in_list = True
        elif not block.list_item and in_list:
            out.append("</ul>")
            in_list = False
        tag = "li" if block.list_item else "p"
        out.append(f"<{tag}>{html.escape(block.text)}</{tag}>")
    if in_list:
        out.append("</ul>")
    return out


def _timescales(chapter: Chapter) -> str:
    """A caption table of the chapter's own timescales ("within 15 working days"), if any."""
    rows: list[str] = []
    for block in chapter.blocks:
        found = re.search(r"\bwithin (?:\w+ ){0,3}(?:hours?|days?|weeks?|months?)\b", block.text)
        if found and len(rows) < 4:
            section = block.heading_path[-1] if len(block.heading_path) > 1 else "General"
            rows.append(f"<tr><td>{html.escape(section)}</td><td>{found[0].capitalize()}</td></tr>")
    if not rows:
        return ""
    return (
        '<table class="timescales"><caption>Timescales</caption>'
        "<tr><th>Stage</th><th>Timescale</th></tr>" + "".join(rows) + "</table>"
    )


@dataclass
class Request:
    path: str
    if_none_match: str | None
    if_modified_since: str | None

    @property
    def conditional(self) -> bool:
        return bool(self.if_none_match or self.if_modified_since)


@dataclass
class RecordingServer:
    """A ThreadingHTTPServer on 127.0.0.1 port 0 that logs every request's path."""

    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> Any:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def paths(self) -> list[str]:
        with self.lock:
            return [r.path for r in self.requests]

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(404)
        handler.end_headers()


class ProceduresSite(RecordingServer):
    """The manual. `change(slug)` rewrites a chapter, `remove(slug)` takes one down."""

    def __init__(self) -> None:
        super().__init__()
        self.chapters = list(chapters())
        self.other = RecordingServer()  # "another host": must never be asked anything
        self.extra: dict[str, str] = {}  # slug -> added paragraph (a changed chapter)
        self.removed: set[str] = set()
        self.disallowed = f"{MANUAL}private/staff-only.html"
        self.slow_seconds = SLOW_SECONDS

    def start(self) -> ProceduresSite:
        self.other.start()
        super().start()
        return self

    def stop(self) -> None:
        self.other.stop()
        super().stop()

    def change(self, slug: str, paragraph: str, *, updated: str = "December 2026") -> None:
        self.extra[slug] = paragraph
        self.chapters = [
            Chapter(c.slug, c.title, c.blocks, updated) if c.slug == slug else c
            for c in self.chapters
        ]

    def remove(self, slug: str) -> None:
        self.removed.add(slug)

    def live(self) -> list[Chapter]:
        return [c for c in self.chapters if c.slug not in self.removed]

    def chapter_url(self, slug: str) -> str:
        return f"{self.origin}{CHAPTERS}{slug}.html"

    def pages(self) -> dict[str, bytes]:
        """Every path the site answers, with its bytes (the odd pages are answered apart)."""
        live = self.live()
        out: dict[str, bytes] = {
            "/robots.txt": f"User-agent: *\nDisallow: {MANUAL}private/\n".encode(),
            "/sitemap.xml": _sitemap(self.origin, live),
            f"{MANUAL}contents.html": self._contents(live).encode(),
            self.disallowed: b"<html><body><p>Staff only.</p></body></html>",
        }
        every = self.chapters  # numbers and related links stay put when one is taken down
        for i, chapter in enumerate(every):
            if chapter.slug in self.removed:
                continue
            related = [every[(i + 1) % len(every)], every[(i + 2) % len(every)]]
            page = render_chapter(chapter, f"{i // 10 + 1}.{i % 10 + 1}", related)
            if chapter.slug in self.extra:
                page = page.replace(
                    "</main>", f"<p>{html.escape(self.extra[chapter.slug])}</p></main>"
                )
            data = page.encode()
            if i == 0:  # the chapter with a malformed encoding
                data = data.replace(b"</h1>", b"</h1><p>Garbled: " + GARBLED + b"</p>", 1)
            out[f"{CHAPTERS}{chapter.slug}.html"] = data
        return out

    def _contents(self, live: list[Chapter]) -> str:
        items = "\n".join(
            f'<li><a href="{CHAPTERS}{c.slug}.html">{html.escape(c.title)}</a></li>' for c in live
        )
        odd = (
            f'<li><a href="{CHAPTERS}moved.html">Moved chapter</a></li>'
            f'<li><a href="{CHAPTERS}huge.html">Archive</a></li>'
            f'<li><a href="{CHAPTERS}slow.html">Slow chapter</a></li>'
            f'<li><a href="{self.disallowed}">Staff only</a></li>'
            f'<li><a href="{self.other.origin}{CHAPTERS}elsewhere.html">Partner manual</a></li>'
        )
        return (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Contents | Local Test "
            "Manual</title></head><body><div class='cookie-banner'><p>Cookies</p></div>"
            f"<main><h1>Contents</h1><ul>{items}{odd}</ul>"
            "<p><a href='/cookies.html'>Cookies</a> <a href='/accessibility.html'>Accessibility</a>"
            "</p></main></body></html>"
        )

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path.split("?", 1)[0]
        if path == f"{CHAPTERS}moved.html":
            handler.send_response(302)
            handler.send_header("Location", f"{self.other.origin}{CHAPTERS}moved.html")
            handler.end_headers()
        elif path == f"{CHAPTERS}huge.html":
            _stream_huge(handler)
        elif path == f"{CHAPTERS}slow.html":
            self.stopping.wait(self.slow_seconds)  # bounded; ends at once when the site stops
            _send(handler, 200, b"<html><body><p>Slow.</p></body></html>", "text/html")
        else:
            data = self.pages().get(path)
            if data is None:
                handler.send_response(404)
                handler.end_headers()
                return
            kind = "application/xml" if path.endswith(".xml") else "text/plain"
            kind = "text/html; charset=utf-8" if path.endswith(".html") else kind
            _send_conditional(handler, data, kind)


def _sitemap(origin: str, live: list[Chapter]) -> bytes:
    urls = [f"{origin}{MANUAL}contents.html"] + [f"{origin}{CHAPTERS}{c.slug}.html" for c in live]
    locs = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{locs}</urlset>'
    ).encode()


def _send(handler: BaseHTTPRequestHandler, status: int, data: bytes, kind: str) -> None:
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    except OSError:  # the client gave up waiting (the slow page): nothing to answer
        return


def _send_conditional(handler: BaseHTTPRequestHandler, data: bytes, kind: str) -> None:
    etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
    if handler.headers.get("If-None-Match") == etag:
        handler.send_response(304)
        handler.send_header("ETag", etag)
        handler.end_headers()
        return
    handler.send_response(200)
    handler.send_header("ETag", etag)
    handler.send_header("Last-Modified", LAST_MODIFIED)
    handler.send_header("Content-Type", kind)
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def _stream_huge(handler: BaseHTTPRequestHandler) -> None:
    """50 MB of HTML, written a piece at a time with no length given: the client must stop
    reading at its own limit (the connection then breaks, which ends this)."""
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    piece = b"<p>" + b"archive text " * 5000 + b"</p>\n"
    sent = 0
    try:
        handler.wfile.write(b"<html><body>")
        while sent < HUGE_BYTES:
            handler.wfile.write(piece)
            sent += len(piece)
    except OSError:
        return


def _handler(server: RecordingServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            with server.lock:
                server.requests.append(
                    Request(
                        self.path,
                        self.headers.get("If-None-Match"),
                        self.headers.get("If-Modified-Since"),
                    )
                )
            server.respond(self)

    return Handler
