"""HTML (Beautiful Soup): the main text with its headings; navigation and scripts dropped."""

from __future__ import annotations

import re

from bot.ingest.formats import Parsed, UnreadableFile
from bot.ingest.formats.outline import Outline
from bot.records import Block
from bot.text import squash

DROP = ("script", "style", "nav", "header", "footer", "aside", "form", "noscript", "template")
DATE_META = ("dcterms.modified", "last-modified", "article:modified_time", "date", "dcterms.date")


def read(raw: bytes) -> Parsed:
    from bs4 import BeautifulSoup

    if b"\x00" in raw[:4096]:
        raise UnreadableFile("looks like a binary file, not HTML")
    soup = BeautifulSoup(raw, "html.parser")
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
    for tag in soup.find_all(DROP):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    blocks: list[Block] = []
    outline = Outline()
    h1: str | None = None
    for element in root.find_all(re.compile(r"^(h[1-6]|p|li|blockquote|td)$")):
        if element.find_parent(["p", "li", "blockquote", "td"]):
            continue  # nested: its text is part of its parent's
        text = squash(element.get_text(" "))
        if not text:
            continue
        if element.name[0] == "h":
            level = int(element.name[1])
            if level == 1:
                h1 = h1 or text
                outline.clear()
            else:
                outline.heading(level, text)
            continue
        blocks.append(outline.block(text, in_list=element.name == "li"))
    return Parsed(blocks, meta, h1)
