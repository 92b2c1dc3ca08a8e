"""The dense (vector) index: exact inner-product search, or IVF above a size.

Exact search costs a scan of every vector per question (about 2 ms at 20,000 vectors and 11 ms
at 100,000 on one core here); IVF scans only the lists nearest the question. How many lists to
scan (nprobe) is chosen when the index is built: the smallest that finds, for a sample of
stored vectors, at least 98% of the ten neighbours exact search finds. The build records the
nprobe and the recall it measured in the manifest, and loading sets that nprobe again."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import faiss
import numpy as np

TARGET_RECALL = 0.98
RECALL_SAMPLE = 200
NPROBES = (8, 16, 32, 64, 128, 256, 512)
# HNSW: indexes built before IVF replaced it still load; new builds never make one.
HNSW_M = 32
HNSW_EF_SEARCH = 512


@dataclass(frozen=True)
class Dense:
    """A built dense index and what the build measured of it."""

    index: faiss.Index
    kind: str  # "flat" or "ivf"
    nprobe: int | None = None
    recall_at_10: float | None = None  # against exact search, on a sample


def build_dense(vectors: np.ndarray, *, ivf_above_rows: int) -> Dense:
    """Exact search for up to `ivf_above_rows` vectors, IVF with a checked nprobe above."""
    if vectors.shape[0] <= ivf_above_rows:
        return Dense(dense_index(vectors, "flat"), "flat")
    index: Any = dense_index(vectors, "ivf")
    nprobe, recall = _choose_nprobe(index, vectors)
    index.nprobe = nprobe
    return Dense(index, "ivf", nprobe, recall)


def dense_index(vectors: np.ndarray, kind: str) -> faiss.Index:
    """An index of `kind` over normalised vectors (inner product is cosine similarity)."""
    d = vectors.shape[1]
    index: Any
    if kind == "flat":
        index = faiss.IndexFlatIP(d)
    elif kind == "ivf":
        nlist = lists_for(vectors.shape[0])
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(vectors)
        index.add(vectors)
        index.make_direct_map()  # rebuilds reuse stored vectors by row: reconstruct() needs it
        return index
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(d, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        raise ValueError(f"unknown dense index kind {kind!r}")
    index.add(vectors)
    return index


def lists_for(rows: int) -> int:
    """About 4 x sqrt(rows) lists, with at least 39 training vectors each (faiss's floor)."""
    return max(1, min(int(4 * math.sqrt(rows)), rows // 39))


def configure(index: faiss.Index, kind: str, nprobe: int | None) -> None:
    """Search settings a stored index does not keep."""
    if kind == "ivf":
        ivf: Any = faiss.extract_index_ivf(index)
        ivf.nprobe = nprobe or NPROBES[2]
        if ivf.direct_map.type == 0:  # faiss.DirectMap.NoMap: saved without one
            ivf.make_direct_map()
    elif kind == "hnsw":
        hnsw: Any = faiss.downcast_index(index)
        hnsw.hnsw.efSearch = HNSW_EF_SEARCH


def serve_single_threaded() -> None:
    """One question is one search: parallelism comes from answering several questions at
    once, and OpenMP threads fighting over two cores cost ten times the search itself."""
    faiss.omp_set_num_threads(1)


def recall_at_10(index: Any, exact: faiss.Index, queries: np.ndarray) -> float:
    """Share of exact search's ten best that `index` finds. A result counts when it is as
    similar as exact search's tenth: equal vectors (a sentence repeated in two documents) tie,
    and any of them will do."""
    truth, _ = exact.search(queries, 10)
    found, _ = index.search(queries, 10)
    hits = expected = 0
    for want, got in zip(truth, found, strict=True):
        real = want[want > -1e30]  # fewer than ten vectors: faiss pads the rest
        if not len(real):
            continue
        expected += len(real)
        hits += int(np.sum(got[: len(real)] >= real[-1] - 1e-5))
    return hits / expected if expected else 1.0


def _choose_nprobe(index: Any, vectors: np.ndarray) -> tuple[int, float]:
    rng = np.random.default_rng(0)
    sample = vectors[rng.choice(len(vectors), min(RECALL_SAMPLE, len(vectors)), replace=False)]
    exact = dense_index(vectors, "flat")
    recall = 0.0
    for nprobe in NPROBES:
        index.nprobe = min(nprobe, index.nlist)
        recall = recall_at_10(index, exact, sample)
        if recall >= TARGET_RECALL or nprobe >= index.nlist:
            return index.nprobe, round(recall, 4)
    return index.nprobe, round(recall, 4)
