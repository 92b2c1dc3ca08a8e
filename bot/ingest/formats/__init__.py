"""One reader per file format: bytes in, metadata and blocks (paragraphs with headings) out."""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bot.errors import UnreadableFile
from bot.records import Block

if TYPE_CHECKING:
    from bot.ingest.structure import Recovered

__all__ = ["SUPPORTED", "Parsed", "ReadLimits", "Reader", "UnreadableFile", "parse", "reader_for"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadLimits:
    """How much one document may cost to read (PRACTICE_BOT_DOCUMENT_SECONDS, _MAX_DOCUMENT_MB
    and _MAX_PDF_PAGES). The time limit is kept by the worker process that reads it
    (bot/ingest/worker.py); past any limit the document is skipped and named."""

    seconds: float = 30.0
    max_bytes: int = 50 * 2**20
    max_pdf_pages: int = 2_000


@dataclass
class Parsed:
    """What a reader found: metadata (title, date, review_due, kind ...) and blocks."""

    blocks: list[Block]
    meta: dict[str, Any] = field(default_factory=dict)
    heading_title: str | None = None  # the document's own top heading, if it has one
    letterhead: str = ""  # a letter's address block and date, kept out of the blocks
    declared: bool = False  # the metadata was written on purpose (front matter), not guessed
    reviewed: dt.date | None = None  # dates the text states about the document
    review_due: dt.date | None = None

    @classmethod
    def recovered(cls, found: Recovered, meta: dict[str, Any], title: str | None = None) -> Parsed:
        """What the shared structure recovery found, with the reader's own metadata."""
        return cls(
            found.blocks,
            {k: v for k, v in meta.items() if v},
            title or found.first_heading,
            found.letterhead,
            reviewed=found.reviewed,
            review_due=found.review_due,
        )


Reader = Callable[[bytes], Parsed]


def parse(reader: Reader, raw: bytes) -> Parsed:
    """Run a reader; whatever goes wrong inside it becomes UnreadableFile, so one bad file is
    a named skip in the build report and never stops a build or crashes the bot."""
    try:
        return reader(raw)
    except UnreadableFile:
        raise
    except Exception as exc:  # parsers raise many kinds on hostile input; none may escape
        log.warning("reader failed", exc_info=True)
        raise UnreadableFile(f"could not be read ({exc.__class__.__name__})") from exc


def reader_for(suffix: str, limits: ReadLimits | None = None) -> Reader | None:
    from bot.ingest.formats import html, markdown, pdf, plaintext, word

    pages = (limits or ReadLimits()).max_pdf_pages
    readers: dict[str, Reader] = {
        ".md": markdown.read,
        ".markdown": markdown.read,
        ".txt": plaintext.read,
        ".docx": word.read,
        ".pdf": functools.partial(pdf.read, max_pages=pages),
        ".html": html.read,
        ".htm": html.read,
    }
    return readers.get(suffix.lower())


SUPPORTED = (".md", ".markdown", ".txt", ".docx", ".pdf", ".html", ".htm")
