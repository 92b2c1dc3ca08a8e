"""Index versions on disk: the self-describing manifest, loading with checks, atomic switching.

Each build is written as a new folder under `versions/` and made current by atomically
replacing the small `CURRENT` file, so a failed build never touches the index in use.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from pydantic import BaseModel, ValidationError

from bot.chunking import embedding_text
from bot.errors import IndexBusyError, IndexMismatchError, IndexMissingError
from bot.lexical import LexicalIndex
from bot.records import Chunk

FORMAT_VERSION = 3
# HNSW parameters: recall@10 against exact search is measured by `practice-bot bench`.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 512  # recall@10 0.99 against exact at 36,000 vectors (BENCHMARKS.md)
CURRENT = "CURRENT"
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


class SkippedEntry(BaseModel):
    source: str
    reason: str
    sha256: str | None = None


class Manifest(BaseModel):
    """What the index is and how it was made; checked before an index is used."""

    format_version: int
    dense_index: str = "flat"  # "flat" (exact) or "hnsw" (approximate, for large corpora)
    parser_version: int  # files unchanged since a build with the same parser are not re-read
    model: str
    dimension: int
    normalized: bool
    metric: str
    chunk_count: int
    row_count: int  # chunks plus sentence windows
    corpus_hash: str
    built_at: dt.datetime
    documents: list[DocumentEntry]
    skipped: list[SkippedEntry]


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


def read_manifest(folder: Path) -> Manifest:
    try:
        manifest = Manifest.model_validate_json((folder / "manifest.json").read_text("utf-8"))
    except (OSError, ValidationError, ValueError) as exc:
        raise IndexMismatchError(
            f"The index at {folder} has no readable manifest ({exc.__class__.__name__}). "
            + REBUILD_HINT
        ) from exc
    return manifest


def load_index(index_dir: Path, *, model: str) -> LoadedIndex:
    """Load the current version, refusing one built by another model or format."""
    return load_version(current_version_path(index_dir), model=model)


def load_version(folder: Path, *, model: str) -> LoadedIndex:
    """Load one version folder, refusing one built by another model or format."""
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
        with (folder / "chunks.jsonl").open(encoding="utf-8") as fh:
            chunks = [Chunk.from_json(json.loads(line)) for line in fh if line.strip()]
        dense = faiss.read_index(str(folder / "dense.faiss"))
        if manifest.dense_index == "hnsw":
            hnsw: Any = faiss.downcast_index(dense)
            hnsw.hnsw.efSearch = HNSW_EF_SEARCH
        owners = np.load(folder / "owners.npy")
        lexical = LexicalIndex.load(folder / "lexical")
    except (OSError, ValueError, KeyError, RuntimeError) as exc:
        raise IndexMismatchError(
            f"The index at {folder} is damaged or incomplete ({exc}). {REBUILD_HINT}"
        ) from exc
    if (
        len(chunks) != manifest.chunk_count
        or dense.ntotal != manifest.row_count
        or len(chunks) + len(owners) != manifest.row_count
    ):
        raise IndexMismatchError(
            f"The index at {folder} is inconsistent ({dense.ntotal} vectors, {len(chunks)} "
            f"chunks, manifest says {manifest.chunk_count}). {REBUILD_HINT}"
        )
    return LoadedIndex(folder, manifest, chunks, dense, owners, lexical)


def current_version_path(index_dir: Path) -> Path:
    pointer = index_dir / CURRENT
    if not pointer.exists():
        raise IndexMissingError(f"No index has been built in {index_dir}. {REBUILD_HINT}")
    folder = index_dir / "versions" / pointer.read_text(encoding="utf-8").strip()
    if not folder.is_dir():
        raise IndexMissingError(f"{pointer} names {folder}, which is missing. {REBUILD_HINT}")
    return folder


def corpus_hash(entries: Sequence[tuple[str, str]]) -> str:
    digest = hashlib.sha256()
    for source, sha in sorted(entries):
        digest.update(f"{source}\0{sha}\n".encode())
    return digest.hexdigest()


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


def write_staging(
    index_dir: Path,
    manifest: Manifest,
    chunks: list[Chunk],
    vectors: np.ndarray,
    owners: np.ndarray,
) -> Path:
    """Write a complete version into a hidden staging folder (never loaded as current)."""
    versions = index_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    staging = versions / f".staging-{version_name(manifest)}"
    staging.mkdir()
    try:
        faiss.write_index(dense_index(vectors, manifest.dense_index), str(staging / "dense.faiss"))
        np.save(staging / "owners.npy", owners)
        LexicalIndex.build([embedding_text(c) for c in chunks]).save(staging / "lexical")
        with (staging / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(c.to_json(), ensure_ascii=False) + "\n")
        # The manifest is written last: a folder without one is never a usable version.
        (staging / "manifest.json").write_text(manifest.model_dump_json(indent=2), "utf-8")
        _fsync_tree(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def dense_index(vectors: np.ndarray, kind: str) -> faiss.Index:
    """Exact inner-product search, or HNSW over the same normalised vectors."""
    index: Any
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    elif kind == "flat":
        index = faiss.IndexFlatIP(vectors.shape[1])
    else:
        raise ValueError(f"unknown dense index kind {kind!r}")
    index.add(vectors)
    return index


def version_name(manifest: Manifest) -> str:
    return manifest.built_at.strftime("%Y%m%dT%H%M%S%fZ")


def publish(index_dir: Path, staging: Path) -> str:
    """Move a validated staging folder into place and make it current, atomically."""
    name = staging.name.removeprefix(".staging-")
    staging.rename(index_dir / "versions" / name)
    make_current(index_dir, name)
    return name


def make_current(index_dir: Path, name: str) -> None:
    _atomic_write(index_dir / CURRENT, name + "\n")


def list_versions(index_dir: Path) -> list[str]:
    """Complete versions, oldest first (names sort by build time)."""
    versions = index_dir / "versions"
    if not versions.is_dir():
        return []
    return sorted(
        p.name
        for p in versions.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / "manifest.json").exists()
    )


def current_name(index_dir: Path) -> str | None:
    pointer = index_dir / CURRENT
    return pointer.read_text(encoding="utf-8").strip() if pointer.exists() else None


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _fsync_tree(folder: Path) -> None:
    for p in folder.rglob("*"):
        if p.is_file():
            with p.open("rb") as fh:
                os.fsync(fh.fileno())


def prune(index_dir: Path, *, keep: int) -> None:
    """Keep the newest `keep` versions (always the current one); drop staging folders left by
    an interrupted build (call it only while holding the build lock)."""
    versions = index_dir / "versions"
    current = current_name(index_dir)
    for old in list_versions(index_dir)[:-keep]:
        if old != current:
            shutil.rmtree(versions / old, ignore_errors=True)
    for stale in versions.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".build.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError(
                f"Another index build is running on {index_dir}; wait for it to finish."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def rollback(index_dir: Path, *, model: str) -> tuple[str, str]:
    """Make the version before the current one current again; returns (from, to)."""
    with build_lock(index_dir):
        current = current_name(index_dir)
        versions = list_versions(index_dir)
        older = [v for v in versions if current is None or v < current]
        if not older:
            raise IndexMissingError(
                f"There is no earlier index version in {index_dir} to roll back to."
            )
        target = older[-1]
        load_version(index_dir / "versions" / target, model=model)  # refuse a broken one
        make_current(index_dir, target)
        return current or "(none)", target
