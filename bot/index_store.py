"""Building, saving and loading the self-describing index: FAISS + BM25 + chunks + manifest.

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
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np
from pydantic import BaseModel, ValidationError
from tqdm import tqdm

from bot.chunking import chunk_document, embedding_text, sentence_windows
from bot.documents import iter_documents
from bot.embedder import Embedder
from bot.errors import (
    DocumentError,
    IndexBusyError,
    IndexMismatchError,
    IndexMissingError,
    NoDocumentsError,
)
from bot.lexical import LexicalIndex
from bot.records import Chunk, Document

FORMAT_VERSION = 2
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


class Manifest(BaseModel):
    """What the index is and how it was made; checked before an index is used."""

    format_version: int
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


@dataclass(frozen=True)
class BuildReport:
    """What a rebuild did, for the admin who ran it."""

    version: str
    added: list[str]
    changed: list[str]
    removed: list[str]
    failed: list[SkippedEntry]
    documents: int
    chunks: int
    embedded: int
    seconds: float


def build_index(
    knowledge_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    keep: int = 3,
    progress: bool = False,
) -> BuildReport:
    """Index every readable document; unchanged chunks reuse their stored vectors."""
    started = time.perf_counter()
    with _lock(index_dir):
        docs, failed = _read_documents(knowledge_dir)
        if not docs:
            reasons = (
                "; ".join(f.reason for f in failed) or f"no .md or .txt files in {knowledge_dir}"
            )
            raise NoDocumentsError(f"Nothing could be indexed from {knowledge_dir}: {reasons}")
        chunks = [c for d in docs for c in chunk_document(d)]
        previous = _load_previous(index_dir, embedder.name)
        vectors, owners, embedded = _vectors(chunks, embedder, previous, progress=progress)
        manifest = _manifest(docs, chunks, failed, embedder.name, vectors.shape)
        version = _write_version(index_dir, manifest, chunks, vectors, owners)
        _prune(index_dir, keep=keep)
    old = {d.source: d.sha256 for d in previous.manifest.documents} if previous else {}
    new = {d.source: d.sha256 for d in manifest.documents}
    return BuildReport(
        version=version,
        added=sorted(set(new) - set(old)),
        changed=sorted(s for s in new if s in old and old[s] != new[s]),
        removed=sorted(set(old) - set(new)),
        failed=failed,
        documents=len(docs),
        chunks=len(chunks),
        embedded=embedded,
        seconds=time.perf_counter() - started,
    )


def load_manifest(index_dir: Path) -> tuple[Path, Manifest]:
    """The current version's folder and manifest, without loading vectors or a model."""
    folder = current_version_path(index_dir)
    try:
        manifest = Manifest.model_validate_json((folder / "manifest.json").read_text("utf-8"))
    except (OSError, ValidationError, ValueError) as exc:
        raise IndexMismatchError(
            f"The index at {folder} has no readable manifest ({exc.__class__.__name__}). "
            + REBUILD_HINT
        ) from exc
    return folder, manifest


def load_index(index_dir: Path, *, model: str) -> LoadedIndex:
    """Load the current version, refusing one built by another model or format."""
    folder, manifest = load_manifest(index_dir)
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


def knowledge_hash(knowledge_dir: Path) -> str:
    """The corpus hash the knowledge folder would have if indexed now (readable files only)."""
    docs, _ = _read_documents(knowledge_dir)
    return corpus_hash([(d.source, d.sha256) for d in docs])


def _read_documents(knowledge_dir: Path) -> tuple[list[Document], list[SkippedEntry]]:
    docs: list[Document] = []
    failed: list[SkippedEntry] = []
    if not knowledge_dir.is_dir():
        raise NoDocumentsError(f"The knowledge folder {knowledge_dir} does not exist.")
    for path, result in iter_documents(knowledge_dir):
        if isinstance(result, DocumentError):
            failed.append(
                SkippedEntry(source=path.relative_to(knowledge_dir).as_posix(), reason=str(result))
            )
        else:
            docs.append(result)
    return docs, failed


def _load_previous(index_dir: Path, model: str) -> LoadedIndex | None:
    try:
        return load_index(index_dir, model=model)
    except (IndexMissingError, IndexMismatchError):
        return None


def _vectors(
    chunks: list[Chunk], embedder: Embedder, previous: LoadedIndex | None, *, progress: bool
) -> tuple[np.ndarray, np.ndarray, int]:
    """Rows for every chunk, then for every sentence window; returns (vectors, owners, embedded).

    A chunk whose id the previous version holds keeps its stored rows: its text, place and
    therefore its windows are unchanged, so nothing is embedded again."""
    stored = _stored_rows(previous) if previous else {}
    texts = [[embedding_text(c), *sentence_windows(c)] for c in chunks]
    rows: dict[int, list[np.ndarray]] = {}
    todo: list[tuple[int, str]] = []
    for i, (chunk, chunk_texts) in enumerate(zip(chunks, texts, strict=True)):
        old = stored.get(chunk.id)
        if old is not None and len(old) == len(chunk_texts):
            rows[i] = old
        else:
            rows[i] = []
            todo.extend((i, t) for t in chunk_texts)
    bar = tqdm(total=len(todo), desc="Embedding", unit="text", disable=not progress or not todo)
    batch = 64
    for start in range(0, len(todo), batch):
        part = todo[start : start + batch]
        for (i, _), vec in zip(part, embedder.embed([t for _, t in part]), strict=True):
            rows[i].append(vec)
        bar.update(len(part))
    bar.close()
    heads = [rows[i][0] for i in range(len(chunks))]
    tails = [(i, v) for i in range(len(chunks)) for v in rows[i][1:]]
    matrix = np.vstack(heads + [v for _, v in tails]).astype(np.float32)
    owners = np.array([i for i, _ in tails], dtype=np.int32)
    return matrix, owners, len({i for i, _ in todo})


def _stored_rows(previous: LoadedIndex) -> dict[str, list[np.ndarray]]:
    rows: dict[str, list[np.ndarray]] = {
        c.id: [np.asarray(previous.dense.reconstruct(i))] for i, c in enumerate(previous.chunks)
    }
    n = len(previous.chunks)
    for offset, owner in enumerate(previous.owners):
        rows[previous.chunks[int(owner)].id].append(
            np.asarray(previous.dense.reconstruct(n + offset))
        )
    return rows


def _manifest(
    docs: list[Document],
    chunks: list[Chunk],
    failed: list[SkippedEntry],
    model: str,
    shape: tuple[int, ...],
) -> Manifest:
    per_doc: dict[str, int] = {}
    for c in chunks:
        per_doc[c.source] = per_doc.get(c.source, 0) + 1
    return Manifest(
        format_version=FORMAT_VERSION,
        model=model,
        dimension=shape[1],
        normalized=True,
        metric="inner_product",
        chunk_count=len(chunks),
        row_count=shape[0],
        corpus_hash=corpus_hash([(d.source, d.sha256) for d in docs]),
        built_at=dt.datetime.now(dt.UTC),
        documents=[
            DocumentEntry(
                source=d.source,
                sha256=d.sha256,
                title=d.title,
                kind=d.kind.value,
                date=d.date,
                review_due=d.review_due,
                chunks=per_doc.get(d.source, 0),
                local_authority=_text_or_none(d.metadata.get("local_authority")),
            )
            for d in docs
        ],
        skipped=failed,
    )


def _text_or_none(value: object) -> str | None:
    return str(value).strip() or None if value is not None else None


def _write_version(
    index_dir: Path,
    manifest: Manifest,
    chunks: list[Chunk],
    vectors: np.ndarray,
    owners: np.ndarray,
) -> str:
    versions = index_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    name = manifest.built_at.strftime("%Y%m%dT%H%M%S%fZ")
    staging = versions / f".staging-{name}"
    staging.mkdir()
    try:
        dense = faiss.IndexFlatIP(vectors.shape[1])
        dense.add(vectors)
        faiss.write_index(dense, str(staging / "dense.faiss"))
        np.save(staging / "owners.npy", owners)
        LexicalIndex.build([embedding_text(c) for c in chunks]).save(staging / "lexical")
        with (staging / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(c.to_json(), ensure_ascii=False) + "\n")
        # The manifest is written last: a folder without one is never a usable version.
        (staging / "manifest.json").write_text(manifest.model_dump_json(indent=2), "utf-8")
        _fsync_tree(staging)
        staging.rename(versions / name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _atomic_write(index_dir / CURRENT, name + "\n")
    return name


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


def _prune(index_dir: Path, *, keep: int) -> None:
    """Keep the newest `keep` versions (always the current one); drop stale staging folders."""
    versions = index_dir / "versions"
    current = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    done = sorted(p for p in versions.iterdir() if p.is_dir() and not p.name.startswith("."))
    for old in done[:-keep]:
        if old.name != current:
            shutil.rmtree(old, ignore_errors=True)
    for stale in versions.glob(".staging-*"):
        shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def _lock(index_dir: Path) -> Iterator[None]:
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
