"""Reading source documents (Markdown, text, Word, PDF, HTML) into Documents."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from bot.errors import DocumentError
from bot.ingest.formats import SUPPORTED, Parsed, ReadLimits, UnreadableFile, parse, reader_for
from bot.ingest.metadata import (
    CATALOGUE,
    MAX_TITLE_CHARS,
    CatalogueEntry,
    clean_title,
    kind_of,
    letter_date,
    local_authority,
)
from bot.ingest.structure import heading_key, lone_heading
from bot.records import Block, Document, Kind

# Files in the knowledge folder that are settings, not documents.
NOT_DOCUMENTS = ("glossary.yaml", "sites.yaml", CATALOGUE)


def find_documents(knowledge_dir: Path) -> list[Path]:
    """Every file below the folder that should be indexed (or reported as unreadable), in a
    stable order; hidden files and folders (.previous/ keeps replaced uploads) are skipped."""
    found = [
        p
        for p in knowledge_dir.rglob("*")
        if p.is_file()
        and p.name not in NOT_DOCUMENTS
        and not any(part.startswith(".") for part in p.relative_to(knowledge_dir).parts)
    ]
    return sorted(found, key=lambda p: p.relative_to(knowledge_dir).as_posix())


def source_of(path: Path, knowledge_dir: Path) -> str:
    return path.relative_to(knowledge_dir).as_posix()


def load_document(
    path: Path,
    *,
    knowledge_dir: Path,
    raw: bytes | None = None,
    entry: CatalogueEntry | None = None,
    limits: ReadLimits | None = None,
) -> Document:
    """Parse one file; raise DocumentError naming the file and the reason if it cannot be read.
    `entry` is what the catalogue says of it, which wins over anything the file says. This
    reads in the calling process: builds and uploads call it in a worker (bot/ingest/worker.py)
    that keeps the time limit."""
    source = source_of(path, knowledge_dir)
    reader = reader_for(path.suffix, limits)
    if reader is None:
        kinds = ", ".join(SUPPORTED)
        raise DocumentError(
            f"{source}: unsupported file type '{path.suffix or path.name}' (supported: {kinds})."
        )
    if raw is None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise DocumentError(f"{source}: cannot be read ({exc.strerror or exc}).") from exc
    try:
        parsed = parse(reader, raw)
    except UnreadableFile as exc:
        raise DocumentError(f"{source}: {exc}.") from exc
    return _document(source, path, raw, parsed, entry or CatalogueEntry())


def _document(
    source: str, path: Path, raw: bytes, parsed: Parsed, entry: CatalogueEntry
) -> Document:
    meta = parsed.meta
    blocks = without_repeated_headings(parsed.blocks)
    text_reviewed, text_due = parsed.reviewed, parsed.review_due
    title = _title(entry, parsed, path)
    declared_kind = entry.kind or meta.get("kind")
    kind = _kind(kind_of(source, declared_kind, blocks, parsed.letterhead, title), source)
    declared_date = meta.get("last_reviewed") or meta.get("date") if parsed.declared else None
    letter = letter_date(parsed.letterhead, blocks) if kind is Kind.FINDINGS else None
    date = _as_date(
        entry.last_reviewed or declared_date or letter or text_reviewed or meta.get("date"),
        "date",
        source,
    )
    metadata = dict(meta)
    if kind is Kind.FINDINGS and not metadata.get("local_authority"):
        metadata["local_authority"] = local_authority(title, blocks)
    blocks = _with_title(blocks, title)
    if not any(b.text.strip() for b in blocks):
        raise DocumentError(f"{source}: has no text to index (the file is empty).")
    return Document(
        source=source,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=title,
        kind=kind,
        date=date,
        review_due=_as_date(
            entry.review_due or meta.get("review_due") or text_due, "review_due", source
        ),
        blocks=tuple(blocks),
        metadata=metadata,
        url=entry.url or _text(meta.get("url")),
        status=entry.status or _text(meta.get("status")),
        owner=entry.owner or _text(meta.get("owner")),
    )


def _title(entry: CatalogueEntry, parsed: Parsed, path: Path) -> str:
    """The catalogue's title, or the author's, or one cleaned of site names and numbering."""
    declared = parsed.meta.get("title") if parsed.declared else None
    if entry.title or declared:
        return str(entry.title or declared)[:MAX_TITLE_CHARS]
    found = parsed.meta.get("title") or parsed.heading_title
    return clean_title(str(found)) if found else _title_from_name(path)


def _text(value: Any) -> str | None:
    return str(value).strip()[:500] or None if isinstance(value, str | int | float) else None


def _kind(value: Kind | str, source: str) -> Kind:
    if isinstance(value, Kind):
        return value
    allowed = ", ".join(k.value for k in Kind)
    raise DocumentError(f"{source}: kind '{value}' is not one of: {allowed}.")


def _as_date(value: Any, name: str, source: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise DocumentError(f"{source}: {name} '{value}' is not a date like 2026-01-31.") from None


def _title_from_name(path: Path) -> str:
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else path.name


def without_repeated_headings(blocks: list[Block]) -> list[Block]:
    """Drop blocks that only repeat a heading of the document (contents entries that escaped
    as paragraphs, a heading echoed as the first line of its section) or are shaped as a
    heading or a box label with nothing under them: a heading is never a passage on its own,
    whatever the format. List items and table rows are kept: a short item is still a fact."""
    headings = {heading_key(h) for b in blocks for h in b.heading_path}
    return [
        b
        for b in blocks
        if heading_key(b.text) not in headings
        and not _contents_run(b.text)
        and (b.list_item or b.standalone or not lone_heading(b.text))
    ]


def _contents_run(text: str) -> bool:
    """ "1. Introduction 2. Timescales 3. Attendance": a contents list pasted as one line."""
    entries = re.findall(r"(?:^|\s)\d{1,2}(?:\.\d{1,2})*\.?\s+[A-Z]", text)
    return len(entries) >= 3 and not re.search(r"[a-z][.!?](?:\s|$)", text)


def _with_title(blocks: list[Block], title: str) -> list[Block]:
    """Make every heading path start with the document title, as citations expect."""
    return [dataclasses.replace(b, heading_path=(title, *b.heading_path)) for b in blocks]
