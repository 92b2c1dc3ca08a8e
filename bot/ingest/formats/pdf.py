"""PDF (pypdf): text per page with running headers, footers and page numbers removed, then
the shared structure recovery; page numbers are kept for citations."""

from __future__ import annotations

import io
import re
from collections import Counter
from typing import Any

from bot.ingest.dates import find_dates
from bot.ingest.formats import Parsed, UnreadableFile
from bot.ingest.structure import Line, recover
from bot.text import squash

EDGE_LINES = 4  # running headers and footers sit in the first or last few lines of a page
MAX_PAGES = 2_000  # a procedure is tens of pages; PRACTICE_BOT_MAX_PDF_PAGES sets it


def read(raw: bytes, *, max_pages: int = MAX_PAGES) -> Parsed:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise UnreadableFile("is password-protected: save an unprotected copy and rebuild")
        _check_pages(_declared_pages(reader), max_pages)  # cheap: refuses most at once
        _check_pages(len(reader.pages), max_pages)  # counted: the declared count may lie
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except UnreadableFile:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise UnreadableFile(f"is not a readable PDF ({exc.__class__.__name__}: {exc})") from exc
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
    page_lines = [[squash(line) for line in text.splitlines()] for text in pages]
    running = _running_lines(page_lines)
    lines = [
        Line(line, page=number, full_width=len(line) >= 0.85 * width)
        for number, page in enumerate(page_lines, 1)
        for line, width in zip(page, [_width(page)] * len(page), strict=True)
        if _shape(line) not in running
    ]
    parsed = Parsed.recovered(recover(lines), meta)
    # A running footer may be the only place the dates are ("Amended March 2025").
    for found in (find_dates(text) for text in _edge_texts(page_lines, running)):
        if found.only_dates:
            parsed.reviewed = parsed.reviewed or found.reviewed
            parsed.review_due = parsed.review_due or found.review_due
    return parsed


def _declared_pages(reader: Any) -> int:
    """The page count the file states (0 if it states none): reading it costs nothing, where
    counting the pages walks the whole page tree (5 s for 50,000 pages)."""
    count = reader.trailer["/Root"]["/Pages"].get("/Count", 0)
    return count if isinstance(count, int) else 0


def _check_pages(count: int, max_pages: int) -> None:
    if count > max_pages:
        raise UnreadableFile(
            f"has {count:,} pages (the limit is {max_pages:,}): split it into smaller documents"
        )


def _edge_texts(pages: list[list[str]], running: set[str]) -> list[str]:
    """One copy of each running header and footer line."""
    seen: dict[str, str] = {}
    for page in pages:
        for line in page:
            if _shape(line) in running:
                seen.setdefault(_shape(line), line)
    return list(seen.values())


def _width(lines: list[str]) -> float:
    """The page's usual full line length (90th percentile), for telling wrapped lines."""
    widths = sorted(len(line) for line in lines if line)
    return widths[int(0.9 * (len(widths) - 1))] if widths else 0.0


def _shape(line: str) -> str:
    """A line with its numbers blanked: "Page 2 of 4" and "Page 3 of 4" are one footer."""
    return re.sub(r"\d+", "#", line.lower())


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Lines at the top or bottom of at least half the pages (and at least two): the running
    header and footer, which would otherwise become a section name on every page."""
    if len(pages) < 2:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        content = [line for line in lines if line]
        edges = content[:EDGE_LINES] + content[-EDGE_LINES:]
        counts.update({_shape(line) for line in edges})
    return {shape for shape, n in counts.items() if n >= max(2, len(pages) / 2)}


def _date(info: object, name: str) -> object:
    try:
        return getattr(info, name)
    except (ValueError, TypeError):  # a malformed date string in the PDF's properties
        return None
