"""Adding documents to the knowledge folder: checked, written atomically, old copy kept."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.errors import UnreadableFile, UploadRefused
from bot.ingest.documents import find_documents
from bot.ingest.formats import ReadLimits, parse, reader_for
from bot.ingest.worker import DocumentWorker, Prepare

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
UPLOAD_TYPES = (".md", ".txt", ".docx", ".pdf", ".html")
UPLOADS = "uploads"  # where a new document goes; a same-named one is replaced where it is
PREVIOUS = ".previous"  # replaced copies (hidden, so never indexed)


@dataclass(frozen=True)
class StoredFile:
    path: Path  # where the document now is
    replaced: Path | None  # where the old copy was kept, if one was replaced


def safe_name(name: str) -> str:
    """A plain file name: no folders, no leading dots, only ordinary characters."""
    base = Path(name.replace("\\", "/")).name
    cleaned = re.sub(r"[^A-Za-z0-9._ ()-]+", "_", base).strip(" .")
    if not cleaned or cleaned.startswith("."):
        raise UploadRefused(f"'{name}' is not a usable file name")
    return cleaned


def check_upload(name: str, size: int | None) -> str:
    """The safe name, or UploadRefused for a wrong type or size (before downloading)."""
    clean = safe_name(name)
    suffix = Path(clean).suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise UploadRefused(
            f"'{suffix or clean}' files are not accepted (send {', '.join(UPLOAD_TYPES)})"
        )
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise UploadRefused(
            f"it is {size / 1e6:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 10**6} MB"
        )
    return clean


def check_readable(
    name: str, data: bytes, *, limits: ReadLimits | None = None, prepare: Prepare | None = None
) -> None:
    """Parse the file in memory, in a worker process within the reading limits (as a build
    would read it); UploadRefused with the reason if it cannot be indexed."""
    limits = limits or ReadLimits()
    if len(data) > limits.max_bytes:
        raise UploadRefused(f"it is over the {limits.max_bytes / 2**20:g} MB limit")
    with DocumentWorker(limits, prepare=prepare) as worker:
        try:
            worker.call(readable, name, data, limits)
        except UnreadableFile as exc:
            raise UploadRefused(f"it {exc}") from exc


def readable(name: str, data: bytes, limits: ReadLimits) -> None:
    """In the worker: UnreadableFile or UploadRefused unless the file parses to some text."""
    reader = reader_for(Path(name).suffix, limits)
    if reader is None:
        raise UploadRefused(f"'{Path(name).suffix}' files are not accepted")
    if not any(b.text.strip() for b in parse(reader, data).blocks):
        raise UploadRefused("it has no text to index")


def store_upload(knowledge_dir: Path, name: str, data: bytes) -> StoredFile:
    """Write the document; a document of the same name is replaced in place, and its old copy
    is kept under .previous/ with the time it was replaced."""
    existing = [p for p in find_documents(knowledge_dir) if p.name == name]
    target = existing[0] if existing else knowledge_dir / UPLOADS / name
    target.parent.mkdir(parents=True, exist_ok=True)
    kept = None
    if target.exists():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = knowledge_dir / PREVIOUS / f"{target.relative_to(knowledge_dir)}.{stamp}"
        kept.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(target, kept)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)  # never a half-written document in the knowledge folder
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return StoredFile(target, kept)
