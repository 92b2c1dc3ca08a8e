"""One reader per file format: bytes in, metadata and blocks (paragraphs with headings) out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.errors import UnreadableFile
from bot.records import Block

__all__ = ["SUPPORTED", "Parsed", "Reader", "UnreadableFile", "reader_for"]


@dataclass
class Parsed:
    """What a reader found: metadata (title, date, review_due, kind ...) and blocks."""

    blocks: list[Block]
    meta: dict[str, Any] = field(default_factory=dict)
    heading_title: str | None = None  # the document's own top heading, if it has one


Reader = Callable[[bytes], Parsed]


def reader_for(suffix: str) -> Reader | None:
    from bot.ingest.formats import html, markdown, pdf, plaintext, word

    readers: dict[str, Reader] = {
        ".md": markdown.read,
        ".markdown": markdown.read,
        ".txt": plaintext.read,
        ".docx": word.read,
        ".pdf": pdf.read,
        ".html": html.read,
        ".htm": html.read,
    }
    return readers.get(suffix.lower())


SUPPORTED = (".md", ".markdown", ".txt", ".docx", ".pdf", ".html", ".htm")
