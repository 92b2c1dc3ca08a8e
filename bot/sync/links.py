"""What a fetched page points to: its links, a sitemap's addresses, and its title.

Pages are read with Beautiful Soup (the HTML reader's parser), which decodes whatever bytes a
site sends (invalid UTF-8 included) with replacement characters rather than failing."""

from __future__ import annotations

import warnings
from urllib.parse import urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

from bot.ingest.metadata import clean_title
from bot.text import squash

MAX_LINKS = 5_000  # per page: a contents page of a large manual has a few hundred


def is_sitemap(url: str, content_type: str, body: bytes) -> bool:
    return (
        urlsplit(url).path.endswith(".xml")
        or "xml" in content_type.split(";")[0]
        or b"<urlset" in body[:2048]
        or b"<sitemapindex" in body[:2048]
    )


def is_html(content_type: str, body: bytes) -> bool:
    kind = content_type.split(";")[0].strip()
    if kind:
        return kind in ("text/html", "application/xhtml+xml")
    return b"<html" in body[:4096].lower()


def sitemap_urls(body: bytes) -> list[str]:
    """The <loc> addresses of a sitemap or sitemap index. Read by the HTML parser, which
    expands no entities a document declares (no XML bomb can grow here)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(body, "html.parser")
    found = [squash(loc.get_text()) for loc in soup.find_all("loc", limit=MAX_LINKS)]
    return [urldefrag(u).url for u in found if u.startswith(("https://", "http://"))]


def page_links(url: str, body: bytes) -> tuple[str | None, list[str]]:
    """(title, absolute links) of an HTML page, fragments dropped, in page order."""
    soup = BeautifulSoup(body, "html.parser")
    base_tag = soup.find("base", href=True)
    base = urljoin(url, str(base_tag["href"])) if base_tag else url
    links: dict[str, None] = {}
    for anchor in soup.find_all("a", href=True, limit=MAX_LINKS):
        href = str(anchor["href"]).strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:")):
            continue
        absolute = urldefrag(urljoin(base, href)).url
        if absolute.startswith(("https://", "http://")):
            links[absolute] = None
    return _title(soup), list(links)


def _title(soup: BeautifulSoup) -> str | None:
    h1 = soup.find("h1")
    if soup.title and soup.title.string and squash(soup.title.string):
        return clean_title(squash(soup.title.string)) or None
    return squash(h1.get_text(" ")) or None if h1 else None
