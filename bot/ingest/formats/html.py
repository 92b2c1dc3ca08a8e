"""HTML (Beautiful Soup): the page's main text with its headings and tables; navigation,
breadcrumbs, cookie and accessibility banners and "related" boxes dropped."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from bot.ingest.formats import Parsed, UnreadableFile
from bot.ingest.formats.tables import row_texts
from bot.ingest.structure import Line, LineKind, recover
from bot.text import squash

DROP = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template")
DATE_META = ("dcterms.modified", "last-modified", "article:modified_time", "date", "dcterms.date")
# Containers a site puts around its pages, recognised by id, class or role words.
_FURNITURE = re.compile(
    r"(?:^|[-_\s])(?:breadcrumbs?|cookies?|skip|related|toc|contents|accessibility|banner|menu|nav|"
    r"navigation|share|sharing|print|logo|sidebar|social|search|footer|header|masthead|"
    r"feedback|alert)(?:$|[-_\s])",
    re.I,
)
_BLOCKS = re.compile(r"^(h[1-6]|p|li|blockquote|dt|dd|table)$")
_DECLARES_UTF8 = re.compile(rb"<meta[^>]{0,200}charset\s*=\s*[\"']?\s*utf-?8", re.I)


def read(raw: bytes) -> Parsed:
    from bs4 import BeautifulSoup

    if b"\x00" in raw[:4096]:
        raise UnreadableFile("looks like a binary file, not HTML")
    # A page that says it is UTF-8 is read as UTF-8 even when a few bytes are not (a bad
    # paste on a published site): left to guess, the parser would read the whole page as
    # Windows-1252 and garble every quote mark and dash in it.
    markup = raw.decode("utf-8", errors="replace") if _DECLARES_UTF8.search(raw[:4096]) else raw
    soup = BeautifulSoup(markup, "html.parser")
    meta = _meta(soup)
    for tag in soup.find_all(DROP):
        tag.decompose()
    for tag in [t for t in soup.find_all(True) if _is_furniture(t)]:
        if not tag.decomposed:
            tag.decompose()
    root = (
        soup.find("main")
        or soup.find(role="main")
        or soup.find("article")
        or soup.find(id=re.compile(r"^(?:main-?)?content$", re.I))
        or soup.body
        or soup
    )
    h1 = root.find("h1") or soup.find("h1")
    recovered = recover(_lines(root))
    heading_title = squash(h1.get_text(" ")) if h1 else recovered.first_heading
    return Parsed.recovered(recovered, meta, heading_title)


def _meta(soup: Any) -> dict[str, object]:
    meta: dict[str, object] = {}
    if soup.title and soup.title.string and squash(soup.title.string):
        meta["title"] = squash(soup.title.string)
    for tag in soup.find_all("meta"):
        name = str(tag.get("name") or tag.get("property") or "").lower()
        content = squash(str(tag.get("content") or ""))
        if name in DATE_META and content and "date" not in meta:
            meta["date"] = content[:10]
        elif name in ("review_due", "review-due", "kind") and content:
            meta[name.replace("-", "_")] = content
        elif name == "og:url" and content.startswith(("https://", "http://")):
            meta.setdefault("url", content)
    canonical = soup.find("link", rel="canonical")
    if canonical and str(canonical.get("href", "")).startswith(("https://", "http://")):
        meta["url"] = str(canonical["href"])
    return meta


def _is_furniture(tag: Any) -> bool:
    if tag.name in ("html", "body", "main", "article"):
        return False
    attrs = getattr(tag, "attrs", None) or {}
    words = " ".join(
        [str(attrs.get("id", "")), str(attrs.get("role", "")), str(attrs.get("aria-label", ""))]
        + [str(c) for c in attrs.get("class", []) or []]
    )
    return bool(_FURNITURE.search(words))


def _lines(root: Any) -> Iterator[Line]:
    """Headings, paragraphs, list items and table rows in reading order."""
    for element in root.find_all(_BLOCKS):
        if element.find_parent(["p", "li", "blockquote", "table", "dd"]):
            continue  # nested: part of its parent's text (or its table's rows)
        if element.name == "table":
            yield from (Line(text, "row") for text in _table_rows(element))
            continue
        text = squash(element.get_text(" "))
        if not text:
            continue
        if element.name[0] == "h":
            level = int(element.name[1])
            if level > 1:
                yield Line(text, "heading", level=level - 1)
            continue
        kind: LineKind = "item" if element.name == "li" else "para"
        yield Line(text, kind, bold=_all_bold(element, text))


def _all_bold(element: Any, text: str) -> bool:
    bold = " ".join(squash(b.get_text(" ")) for b in element.find_all(["strong", "b"]))
    return bool(bold) and squash(bold) == text


def _table_rows(table: Any) -> list[str]:
    rows = [
        [squash(cell.get_text(" ")) for cell in tr.find_all(["th", "td"])]
        for tr in table.find_all("tr")
    ]
    return row_texts(rows)
