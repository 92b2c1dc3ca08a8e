"""The manifest: what an index version is and how it was made, checked before it is used."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ValidationError

from bot.errors import IndexMismatchError
from bot.index.fingerprint import EncoderFingerprint

FORMAT_VERSION = 3


REBUILD_HINT = "Rebuild it with: practice-bot index build"


class DocumentEntry(BaseModel):
    source: str
    sha256: str
    title: str
    kind: str
    date: dt.date | None
    review_due: dt.date | None
    chunks: int
    local_authority: str | None = None
    url: str | None = None
    status: str | None = None  # "starter": the project's note, to be replaced
    owner: str | None = None
    sections: list[str] = []  # the headings its passages sit under, below the title
    catalogue: str | None = None  # digest of its catalogue entry: a change re-reads the file


class SkippedEntry(BaseModel):
    source: str
    reason: str
    sha256: str | None = None


class Manifest(BaseModel):
    """What the index is and how it was made; checked before an index is used."""

    format_version: int
    dense_index: str = "flat"  # "flat" (exact), or "ivf" for large corpora ("hnsw": older builds)
    dense_nprobe: int | None = None  # IVF lists searched, chosen by the build
    dense_recall_at_10: float | None = None  # IVF recall against exact search, measured
    parser_version: int  # files unchanged since a build with the same parser are not re-read
    embedding_text_version: int = 1  # stored vectors are reused only from the same version
    model: str
    # The encoder and its vector for a fixed sentence: the model's name alone does not show a
    # changed export. None in versions built before it was recorded (loaded with a warning).
    encoder: EncoderFingerprint | None = None
    dimension: int
    normalized: bool
    metric: str
    chunk_count: int
    row_count: int  # chunks plus sentence windows
    corpus_hash: str
    built_at: dt.datetime
    documents: list[DocumentEntry]
    skipped: list[SkippedEntry]


def read_manifest(folder: Path) -> Manifest:
    try:
        manifest = Manifest.model_validate_json((folder / "manifest.json").read_text("utf-8"))
    except (OSError, ValidationError, ValueError) as exc:
        raise IndexMismatchError(
            f"The index at {folder} has no readable manifest ({exc.__class__.__name__}). "
            + REBUILD_HINT
        ) from exc
    return manifest


def corpus_hash(entries: Sequence[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for source, sha in sorted(entries):
        digest.update(f"{source}\0{sha}\n".encode())
    return digest.hexdigest()
