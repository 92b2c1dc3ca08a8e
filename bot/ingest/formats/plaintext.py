"""Plain text: blank-line paragraphs, short unpunctuated lines as headings."""

from __future__ import annotations

import re

from bot.ingest.formats import Parsed, UnreadableFile
from bot.records import Block
from bot.text import squash


def decode(raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise UnreadableFile("looks like a binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"is not UTF-8 text (bad byte at position {exc.start}); save it as UTF-8 and rebuild"
        ) from exc
    return text


def read(raw: bytes) -> Parsed:
    return Parsed(text_blocks(decode(raw)))


def text_blocks(
    body: str, *, page: int | None = None, heading: tuple[str, ...] = ()
) -> list[Block]:
    """Blank-line paragraphs; a paragraph cut by a page break (no closing punctuation, next
    starts lower case) is joined; short unpunctuated lines are headings; '- ' items are lists."""
    paragraphs = [squash(p) for p in re.split(r"\n\s*\n", body.replace("\f", "\n\n"))]
    joined: list[str] = []
    for p in filter(None, paragraphs):
        if joined and not re.search(r"[.!?:;\"')]$", joined[-1]) and p[:1].islower():
            joined[-1] = f"{joined[-1]} {p}"
        else:
            joined.append(p)
    blocks: list[Block] = []
    number = 0
    for p in joined:
        if is_heading(p):
            heading, number = (p,), 0
            continue
        items = re.split(r"\s(?=[-*•] )", p) if p.startswith(("- ", "* ", "• ")) else [p]
        for item in items:
            number += 1
            clean = item.lstrip("-*• ").strip()
            blocks.append(Block(clean, heading, number, item != p, clean.endswith(":"), page))
    return blocks


def is_heading(line: str) -> bool:
    return (
        len(line) <= 80
        and not re.search(r"[.!?:;,]$", line)
        and not line.startswith(("-", "*", "•"))
        and line[:1].isupper()
    )
