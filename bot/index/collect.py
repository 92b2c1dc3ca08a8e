"""What a build reads: each document in the knowledge folder, unchanged ones taken from the
previous version, new or changed ones read in a worker process within the reading limits.

Reading never happens in the building process itself: a build runs inside the bot (a rebuild
from Slack), and a parser that holds the interpreter lock there would stop every question
until it was done. A document over a limit (size, PDF pages, time) is skipped and named, and
the build goes on with the rest."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import DocumentError, NoDocumentsError
from bot.index.loaded import LoadedIndex
from bot.index.manifest import DocumentEntry, SkippedEntry
from bot.ingest.documents import find_documents, source_of
from bot.ingest.formats import ReadLimits
from bot.ingest.metadata import load_catalogue
from bot.ingest.worker import DocumentWorker, Prepare
from bot.records import Chunk, Document

PARSER_VERSION = 4  # bump when parsing or chunking changes, so every file is read again


@dataclass
class Corpus:
    entries: list[DocumentEntry] = field(default_factory=list)
    chunks: list[Chunk] = field(default_factory=list)
    failed: list[SkippedEntry] = field(default_factory=list)
    parsed: int = 0

    def add(self, entry: DocumentEntry, chunks: list[Chunk]) -> None:
        self.entries.append(entry)
        self.chunks += chunks


def collect(
    knowledge_dir: Path,
    previous: LoadedIndex | None,
    *,
    limits: ReadLimits,
    prepare: Prepare | None = None,
) -> Corpus:
    """Documents and their chunks: unchanged files are taken from the previous version."""
    if not knowledge_dir.is_dir():
        raise NoDocumentsError(f"The knowledge folder {knowledge_dir} does not exist.")
    catalogue = load_catalogue(knowledge_dir)
    reusable = _reusable(previous)
    corpus = Corpus()
    with DocumentWorker(limits, prepare=prepare) as worker:
        for path in find_documents(knowledge_dir):
            source = source_of(path, knowledge_dir)
            raw = _bytes(path, source, limits)
            if isinstance(raw, SkippedEntry):
                corpus.failed.append(raw)
                continue
            sha = hashlib.sha256(raw).hexdigest()
            entry = catalogue.get(source)
            digest = entry.digest() if entry else None
            kept, chunks = reusable.get(source, (None, []))
            if kept is not None and (kept.sha256, kept.catalogue) == (sha, digest):
                corpus.add(kept, chunks)
                continue
            try:
                document, chunks = worker.read(
                    path, knowledge_dir=knowledge_dir, raw=raw, entry=entry
                )
            except DocumentError as exc:
                corpus.failed.append(SkippedEntry(source=source, reason=str(exc), sha256=sha))
                continue
            corpus.parsed += 1
            corpus.add(_entry(document, chunks, digest), chunks)
    return corpus


def _reusable(previous: LoadedIndex | None) -> dict[str, tuple[DocumentEntry, list[Chunk]]]:
    """The previous version's documents with their chunks, if it was parsed as now."""
    if previous is None or previous.manifest.parser_version != PARSER_VERSION:
        return {}
    by_source: dict[str, list[Chunk]] = {}
    for chunk in previous.chunks:
        by_source.setdefault(chunk.source, []).append(chunk)
    return {d.source: (d, by_source.get(d.source, [])) for d in previous.manifest.documents}


def _bytes(path: Path, source: str, limits: ReadLimits) -> bytes | SkippedEntry:
    """The file's bytes, or why it is skipped: unreadable, or too large to read at all (its
    size is checked before it is loaded into memory)."""
    try:
        size = path.stat().st_size
        if size <= limits.max_bytes:
            return path.read_bytes()
        reason = (
            f"{source}: is {size / 2**20:.1f} MB (the limit is {limits.max_bytes / 2**20:g} MB): "
            "split it, or save it without embedded images."
        )
        return SkippedEntry(source=source, reason=reason, sha256=file_sha256(path))
    except OSError as exc:
        reason = f"{source}: cannot be read ({exc.strerror or exc})."
        return SkippedEntry(source=source, reason=reason)


def file_sha256(path: Path) -> str:
    """A file's hash read in pieces: a huge file is never held in memory whole."""
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _entry(doc: Document, chunks: list[Chunk], catalogue: str | None) -> DocumentEntry:
    authority = doc.metadata.get("local_authority")
    sections = dict.fromkeys(" > ".join(c.heading_path[1:]) for c in chunks if c.heading_path[1:])
    return DocumentEntry(
        source=doc.source,
        sha256=doc.sha256,
        title=doc.title,
        kind=doc.kind.value,
        date=doc.date,
        review_due=doc.review_due,
        chunks=len(chunks),
        local_authority=str(authority).strip() or None if authority is not None else None,
        url=doc.url,
        status=doc.status,
        owner=doc.owner,
        sections=list(sections),
        catalogue=catalogue,
    )
