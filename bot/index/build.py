"""Building an index version: read what changed, embed what is new, validate, then publish.

Unchanged files (same content hash, same parser) are not parsed again and unchanged passages
(same chunk id) are not embedded again. The new version is written beside the current one,
loaded and probed, and only then made current with an atomic switch.
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from tqdm import tqdm

from bot.embedding import Embedder
from bot.errors import (
    IndexMismatchError,
    IndexMissingError,
    IndexValidationError,
    IndexWriteError,
    NoDocumentsError,
)
from bot.index.collect import PARSER_VERSION, Corpus, collect, file_sha256
from bot.index.dense import Dense, build_dense
from bot.index.fingerprint import EncoderFingerprint, fingerprint_of
from bot.index.loaded import LoadedIndex, load_index, load_version, stored_rows
from bot.index.manifest import FORMAT_VERSION, Manifest, corpus_hash
from bot.index.report import BuildReport, uncovered_sections
from bot.index.versions import (
    build_lock,
    current_name,
    list_versions,
    make_current,
    prune,
    publish,
    write_staging,
)
from bot.ingest.chunking import EMBEDDING_TEXT_VERSION, embedding_text, sentence_windows
from bot.ingest.documents import find_documents, source_of
from bot.ingest.formats import ReadLimits
from bot.ingest.worker import Prepare
from bot.records import Chunk
from bot.text import terms

GROUP = 512
PROBES = 5

Progress = Callable[[int, int], None]


def build_index(
    knowledge_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    keep: int = 3,
    progress: bool = False,
    on_progress: Progress | None = None,
    windows: bool = True,
    ivf_above_rows: int = 50_000,
    limits: ReadLimits | None = None,
    prepare: Prepare | None = None,
) -> BuildReport:
    """Index every readable document in a new version and make it current. Documents are
    read in a worker process within `limits` (`prepare` runs in it first: a test hook)."""
    try:
        return _build(
            knowledge_dir,
            index_dir,
            embedder,
            keep=keep,
            progress=progress,
            on_progress=on_progress,
            windows=windows,
            ivf_above_rows=ivf_above_rows,
            limits=limits or ReadLimits(),
            prepare=prepare,
        )
    except OSError as exc:  # a read-only or full index folder: one clear line, not a trace
        raise IndexWriteError(
            f"Cannot write the index in {index_dir} ({exc.strerror or exc}). The current "
            "index is still in use; check the folder's permissions and free space."
        ) from exc


def _build(
    knowledge_dir: Path,
    index_dir: Path,
    embedder: Embedder,
    *,
    keep: int,
    progress: bool,
    on_progress: Progress | None,
    windows: bool,
    ivf_above_rows: int,
    limits: ReadLimits,
    prepare: Prepare | None,
) -> BuildReport:
    started = time.perf_counter()
    with build_lock(index_dir):
        encoder = fingerprint_of(embedder)
        previous = _load_previous(index_dir, embedder)
        corpus = collect(knowledge_dir, previous, limits=limits, prepare=prepare)
        if not corpus.entries:
            reasons = "; ".join(f.reason for f in corpus.failed) or "it has no documents"
            raise NoDocumentsError(f"Nothing could be indexed from {knowledge_dir}: {reasons}")
        vectors, owners, embedded = _vectors(
            corpus.chunks,
            embedder,
            previous,
            progress=progress,
            on_progress=on_progress,
            windows=windows,
        )
        dense = build_dense(vectors, ivf_above_rows=ivf_above_rows)
        manifest = _manifest(corpus, embedder.name, encoder, vectors.shape, dense)
        staging = write_staging(index_dir, manifest, corpus.chunks, dense.index, owners)
        try:
            validate(staging, embedder)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        version = publish(index_dir, staging)
        prune(index_dir, keep=keep)
    old = {d.source: d.sha256 for d in previous.manifest.documents} if previous else {}
    new = {d.source: d.sha256 for d in manifest.documents}
    return BuildReport(
        version=version,
        added=sorted(set(new) - set(old)),
        changed=sorted(s for s in new if s in old and old[s] != new[s]),
        removed=sorted(set(old) - set(new)),
        failed=corpus.failed,
        documents=len(corpus.entries),
        parsed=corpus.parsed,
        chunks=len(corpus.chunks),
        embedded=embedded,
        seconds=time.perf_counter() - started,
        uncovered=uncovered_sections(
            previous.manifest.documents if previous else [], manifest.documents
        ),
    )


def validate(folder: Path, embedder: Embedder) -> None:
    """Load a written version and probe it: a few passages, embedded afresh, must find their
    own stored vectors, and their words must find them in BM25. Raises IndexValidationError."""
    loaded = load_version(folder, model=embedder.name, encoder=embedder)
    n = len(loaded.chunks)
    picks = sorted({round(i * (n - 1) / max(PROBES - 1, 1)) for i in range(min(PROBES, n))})
    fresh = embedder.embed([embedding_text(loaded.chunks[i]) for i in picks])
    for i, vector in zip(picks, fresh, strict=True):
        stored = np.asarray(loaded.dense.reconstruct(i))
        sims, _ = loaded.dense.search(vector[None, :], 1)
        if float(stored @ vector) < 0.98 or float(sims[0][0]) < 0.98:
            raise IndexValidationError(
                f"The new index failed its check: passage {loaded.chunks[i].id} does not find "
                "its own vector. The current index is still in use; rebuild, and report it if "
                "it happens again."
            )
        if loaded.lexical.scores(terms(embedding_text(loaded.chunks[i])))[i] <= 0:
            raise IndexValidationError(
                f"The new index failed its check: passage {loaded.chunks[i].id} is missing from "
                "the keyword index. The current index is still in use."
            )


def knowledge_changed(knowledge_dir: Path, manifest: Manifest) -> bool:
    """Whether the knowledge folder's files differ from what the manifest indexed or skipped."""
    indexed: set[tuple[str, str | None]] = {(d.source, d.sha256) for d in manifest.documents}
    indexed |= {(s.source, s.sha256) for s in manifest.skipped}
    try:
        now = {(source_of(p, knowledge_dir), file_sha256(p)) for p in find_documents(knowledge_dir)}
    except OSError:
        return True
    return now != indexed


def _load_previous(index_dir: Path, embedder: Embedder) -> LoadedIndex | None:
    """The current version, if this embedder could have built it (else nothing is reused)."""
    try:
        return load_index(index_dir, model=embedder.name, encoder=embedder)
    except (IndexMissingError, IndexMismatchError):
        return None


def _vectors(
    chunks: list[Chunk],
    embedder: Embedder,
    previous: LoadedIndex | None,
    *,
    progress: bool,
    on_progress: Progress | None,
    windows: bool,
) -> tuple[np.ndarray, np.ndarray, int]:
    """Rows for every chunk, then for every sentence window; returns (vectors, owners, embedded).

    A chunk whose id the previous version holds keeps its stored rows: its text, place and
    therefore its windows are unchanged, so nothing is embedded again. Rows of a version with
    no encoder fingerprint are not kept: nothing shows this encoder made them."""
    same_texts = previous and previous.manifest.embedding_text_version == EMBEDDING_TEXT_VERSION
    checked = previous and previous.manifest.encoder is not None
    stored = stored_rows(previous) if previous and same_texts and checked else {}
    rows: dict[int, list[np.ndarray]] = {}
    todo: list[tuple[int, str]] = []
    for i, chunk in enumerate(chunks):
        texts = [embedding_text(chunk), *(sentence_windows(chunk) if windows else [])]
        old = stored.get(chunk.id)
        if old is not None and len(old) == len(texts):
            rows[i] = old
        else:
            rows[i] = []
            todo.extend((i, t) for t in texts)
    # Texts of similar length are embedded together, so batches carry little padding; the
    # model sees groups of GROUP texts (it batches inside), and progress is told per group.
    order = sorted(range(len(todo)), key=lambda n: len(todo[n][1]))
    vectors: dict[int, np.ndarray] = {}
    bar = tqdm(total=len(todo), desc="Embedding", unit="text", disable=not progress or not todo)
    for start in range(0, len(order), GROUP):
        part = order[start : start + GROUP]
        for n, vec in zip(part, embedder.embed([todo[n][1] for n in part]), strict=True):
            vectors[n] = vec
        bar.update(len(part))
        if on_progress is not None:
            on_progress(start + len(part), len(todo))
    bar.close()
    for n, (i, _) in enumerate(todo):  # back in order: a chunk's own row, then its windows
        rows[i].append(vectors[n])
    heads = [rows[i][0] for i in range(len(chunks))]
    tails = [(i, v) for i in range(len(chunks)) for v in rows[i][1:]]
    matrix = np.vstack(heads + [v for _, v in tails]).astype(np.float32)
    owners = np.array([i for i, _ in tails], dtype=np.int32)
    return matrix, owners, len({i for i, _ in todo})


def _manifest(
    corpus: Corpus,
    model: str,
    encoder: EncoderFingerprint,
    shape: tuple[int, ...],
    dense: Dense,
) -> Manifest:
    return Manifest(
        format_version=FORMAT_VERSION,
        dense_index=dense.kind,
        dense_nprobe=dense.nprobe,
        dense_recall_at_10=dense.recall_at_10,
        parser_version=PARSER_VERSION,
        embedding_text_version=EMBEDDING_TEXT_VERSION,
        model=model,
        encoder=encoder,
        dimension=shape[1],
        normalized=True,
        metric="inner_product",
        chunk_count=len(corpus.chunks),
        row_count=shape[0],
        corpus_hash=corpus_hash([(d.source, d.sha256) for d in corpus.entries]),
        built_at=dt.datetime.now(dt.UTC),
        documents=corpus.entries,
        skipped=corpus.failed,
    )


def rollback(index_dir: Path, *, model: str) -> tuple[str, str]:
    """Make the version before the current one current again; returns (from, to)."""
    try:
        return _rollback(index_dir, model=model)
    except OSError as exc:
        raise IndexWriteError(
            f"Cannot switch the index in {index_dir} ({exc.strerror or exc}); nothing changed."
        ) from exc


def _rollback(index_dir: Path, *, model: str) -> tuple[str, str]:
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
