"""A version loaded into memory, with the checks that refuse another model, encoder, format or
damage."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from bot.embedding import Embedder
from bot.errors import IndexMismatchError
from bot.index import fingerprint
from bot.index.dense import configure
from bot.index.lexical import LexicalIndex
from bot.index.manifest import FORMAT_VERSION, REBUILD_HINT, Manifest, read_manifest
from bot.index.versions import current_version_path
from bot.records import Chunk

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadedIndex:
    """An index version in memory, ready to search.

    Row i of `dense` is chunk i for i < len(chunks); the rows after those are sentence
    windows of long chunks, and `owners[r - len(chunks)]` is the chunk that row r belongs to.
    """

    path: Path
    manifest: Manifest
    chunks: list[Chunk]
    dense: faiss.Index
    owners: np.ndarray
    lexical: LexicalIndex

    def chunk_of_row(self, row: int) -> int:
        n = len(self.chunks)
        return row if row < n else int(self.owners[row - n])


def load_manifest(index_dir: Path) -> tuple[Path, Manifest]:
    """The current version's folder and manifest, without loading vectors or a model."""
    folder = current_version_path(index_dir)
    return folder, read_manifest(folder)


def load_index(index_dir: Path, *, model: str, encoder: Embedder | None = None) -> LoadedIndex:
    """Load the current version, refusing one built by another model, encoder or format."""
    return load_version(current_version_path(index_dir), model=model, encoder=encoder)


def load_version(folder: Path, *, model: str, encoder: Embedder | None = None) -> LoadedIndex:
    """Load one version folder, refusing one built by another model or format and, given the
    `encoder` that will search it (serving and builds always give it), one whose vectors that
    encoder would not reproduce. Without it (rollback, tools) the vectors are not compared."""
    manifest = read_manifest(folder)
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"The index at {folder} is format {manifest.format_version}; this version of "
            f"practice-bot reads format {FORMAT_VERSION}. {REBUILD_HINT}"
        )
    if manifest.model != model:
        raise IndexMismatchError(
            f"The index at {folder} was built with the model '{manifest.model}', but the bot "
            f"is set to use '{model}'. {REBUILD_HINT}"
        )
    try:
        chunks = _read_chunks(folder / "chunks.jsonl")
        dense = faiss.read_index(str(folder / "dense.faiss"))
        configure(dense, manifest.dense_index, manifest.dense_nprobe)
        owners = np.load(folder / "owners.npy", allow_pickle=False)
        lexical = LexicalIndex.load(folder / "lexical")
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RuntimeError) as exc:
        raise IndexMismatchError(
            f"The index at {folder} is damaged or incomplete ({exc}). {REBUILD_HINT}"
        ) from exc
    if problem := _inconsistency(manifest, chunks, dense, owners, lexical):
        raise IndexMismatchError(
            f"The index at {folder} is inconsistent ({problem}). {REBUILD_HINT}"
        )
    if encoder is not None:
        _check_encoder(folder, manifest, encoder)
    return LoadedIndex(folder, manifest, chunks, dense, owners, lexical)


def _check_encoder(folder: Path, manifest: Manifest, encoder: Embedder) -> None:
    """Refuse a version whose vectors the running encoder would not reproduce. One built before
    fingerprints were recorded is served, with a warning: refusing it would stop every bot
    upgraded over an existing index until it was rebuilt."""
    if manifest.encoder is None:
        log.warning(
            "The index at %s records no encoder fingerprint (it was built by an older "
            "practice-bot), so its vectors cannot be checked against the encoder in use. %s",
            folder,
            REBUILD_HINT,
        )
        return
    if problem := fingerprint.mismatch(manifest.encoder, encoder):
        raise IndexMismatchError(
            f"The index at {folder} was not built by the encoder in use: {problem}. "
            f"{fingerprint.FIX}"
        )


def _read_chunks(path: Path) -> list[Chunk]:
    """Every passage record, each checked for shape: a line that parses but is not a passage
    (a list, a number for its text) would otherwise fail every question later."""
    chunks = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError(f"line {number} of {path.name} is not a passage record")
            chunk = Chunk.from_json(data)
            fields = (chunk.id, chunk.text, chunk.source, chunk.title, *chunk.heading_path)
            if not all(isinstance(f, str) for f in fields):
                raise ValueError(f"line {number} of {path.name} has a field of the wrong type")
            chunks.append(chunk)
    return chunks


def _inconsistency(
    manifest: Manifest,
    chunks: list[Chunk],
    dense: faiss.Index,
    owners: np.ndarray,
    lexical: LexicalIndex,
) -> str | None:
    """Why the parts of a version do not fit together, or None when they do."""
    if len(chunks) != manifest.chunk_count:
        return f"{len(chunks)} passages, the manifest says {manifest.chunk_count}"
    if dense.ntotal != manifest.row_count or len(chunks) + len(owners) != manifest.row_count:
        return f"{dense.ntotal} vectors for {len(chunks)} passages and {len(owners)} windows"
    if dense.d != manifest.dimension:
        return f"vectors of dimension {dense.d}, the manifest says {manifest.dimension}"
    if owners.ndim != 1 or (len(owners) and not np.issubdtype(owners.dtype, np.integer)):
        return "the sentence-window owners are not a list of passage numbers"
    if len(owners) and (owners.min() < 0 or owners.max() >= len(chunks)):
        return "a sentence window points at a passage that does not exist"
    if lexical.n_docs != len(chunks):
        return f"the keyword index holds {lexical.n_docs} passages, not {len(chunks)}"
    if manifest.encoder is not None:
        return fingerprint.malformed(manifest.encoder, manifest.dimension)
    return None


def stored_rows(previous: LoadedIndex) -> dict[str, list[np.ndarray]]:
    rows: dict[str, list[np.ndarray]] = {
        c.id: [np.asarray(previous.dense.reconstruct(i))] for i, c in enumerate(previous.chunks)
    }
    n = len(previous.chunks)
    for offset, owner in enumerate(previous.owners):
        rows[previous.chunks[int(owner)].id].append(
            np.asarray(previous.dense.reconstruct(n + offset))
        )
    return rows
