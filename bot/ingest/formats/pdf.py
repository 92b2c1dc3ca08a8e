"""PDF (pypdf): text per page, paragraphs rebuilt from lines, page numbers kept for citations."""

from __future__ import annotations

import io
import re
import statistics

from bot.ingest.formats import Parsed, UnreadableFile
from bot.ingest.formats.plaintext import is_heading
from bot.records import Block
from bot.text import squash


def read(raw: bytes) -> Parsed:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile("is password-protected: save an unprotected copy and rebuild")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except UnreadableFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableFile(f"is not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
    except Exception as exc:  # pypdf raises many kinds on damaged files; none may stop a build
        raise UnreadableFile(f"is not a readable PDF ({exc.__class__.__name__})") from exc
    if not any(p.strip() for p in pages):
        raise UnreadableFile(
            "has no text layer (a scanned image?): run it through OCR or use the original document"
        )
    meta = {}
    if info is not None:
        meta = {
            "title": (info.title or "").strip() or None,
            "date": _date(info, "modification_date") or _date(info, "creation_date"),
        }
    blocks: list[Block] = []
    heading: tuple[str, ...] = ()
    for number, text in enumerate(pages, 1):
        page_blocks, heading = _page_blocks(text, number, heading)
        blocks += page_blocks
    first_heading = next((b.heading_path[0] for b in blocks if b.heading_path), None)
    return Parsed(blocks, {k: v for k, v in meta.items() if v}, first_heading)


def _date(info: object, name: str) -> object:
    try:
        return getattr(info, name)
    except (ValueError, TypeError):  # a malformed date string in the PDF's properties
        return None


def _page_blocks(
    text: str, page: int, heading: tuple[str, ...]
) -> tuple[list[Block], tuple[str, ...]]:
    """Lines to paragraphs: a paragraph ends at a blank line, or at a line that ends a sentence
    and stops short of the page's usual line width. Short unpunctuated lines are headings."""
    lines = [squash(line) for line in text.splitlines()]
    widths = [len(line) for line in lines if line]
    full = statistics.quantiles(widths, n=10)[-1] if len(widths) >= 2 else max(widths, default=0)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if not line:
            if current:
                paragraphs.append(" ".join(current))
                current = []
            continue
        if not current and is_heading(line):
            paragraphs.append(line)
            continue
        current.append(line)
        if re.search(r"[.!?:]$", line) and len(line) < 0.85 * full:
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    blocks: list[Block] = []
    number = 0
    for paragraph in paragraphs:
        if is_heading(paragraph):
            heading, number = (paragraph,), 0
            continue
        number += 1
        blocks.append(Block(paragraph, heading, number, False, paragraph.endswith(":"), page))
    return blocks, heading
