"""A deterministic fake embedder: what unit tests use instead of the real model."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from bot.index.fingerprint import PROBE
from bot.text import terms


class FakeEmbedder:
    """Bag of stemmed words hashed into 256 dimensions: the same text always gives the same
    vector, and texts sharing words are similar, which is all the unit tests need."""

    name = "fake-hash-256"
    encoder = "fake"
    dimension = 256

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if list(texts) != [PROBE]:  # the encoder's fingerprint, not a text being indexed
            self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for term in terms(text) or ["<empty>"]:
                digest = hashlib.blake2b(term.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dimension] += 1.0
            out[row] /= np.linalg.norm(out[row])
        return out

    @property
    def texts_embedded(self) -> int:
        return sum(len(c) for c in self.calls)
