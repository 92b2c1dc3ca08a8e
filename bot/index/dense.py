"""The dense (vector) index: exact inner-product search, or HNSW for large corpora."""

from __future__ import annotations

from typing import Any

import faiss
import numpy as np

# HNSW parameters: recall@10 against exact search is measured by `practice-bot bench`.
HNSW_M = 32


HNSW_EF_CONSTRUCTION = 80


HNSW_EF_SEARCH = 512  # recall@10 0.99 against exact at 36,000 vectors (BENCHMARKS.md)


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
