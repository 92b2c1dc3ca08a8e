"""Reading source documents (Markdown, text, Word, PDF, HTML) into Documents."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

from bot.errors import DocumentError
from bot.ingest.formats import SUPPORTED, UnreadableFile, parse, reader_for
from bot.records import Block, Document, Kind

NOT_DOCUMENTS = ("glossary.yaml",)  # files in the knowledge folder that are not indexed


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


def load_document(path: Path, *, knowledge_dir: Path, raw: bytes | None = None) -> Document:
    """Parse one file; raise DocumentError naming the file and the reason if it cannot be read."""
    source = source_of(path, knowledge_dir)
    reader = reader_for(path.suffix)
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
    meta = parsed.meta
    title = str(meta.get("title") or parsed.heading_title or _title_from_name(path))
    blocks = _with_title(parsed.blocks, title)
    if not any(b.text.strip() for b in blocks):
        raise DocumentError(f"{source}: has no text to index (the file is empty).")
    return Document(
        source=source,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=title,
        kind=_kind(meta.get("kind"), source),
        date=_as_date(meta.get("date") or meta.get("last_reviewed"), "date", source),
        review_due=_as_date(meta.get("review_due"), "review_due", source),
        blocks=tuple(blocks),
        metadata=meta,
    )


def _kind(value: Any, source: str) -> Kind:
    if value is None:
        return Kind.GUIDANCE
    try:
        return Kind(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(k.value for k in Kind)
        raise DocumentError(f"{source}: kind '{value}' is not one of: {allowed}.") from None


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


def _with_title(blocks: list[Block], title: str) -> list[Block]:
    """Make every heading path start with the document title, as citations expect."""
    return [
        Block(b.text, (title, *b.heading_path), b.paragraph, b.list_item, b.ends_with_colon, b.page)
        for b in blocks
    ]
