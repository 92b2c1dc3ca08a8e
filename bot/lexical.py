"""The BM25 side of retrieval (bm25s), with the document frequencies the abstention rule uses."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import bm25s
import numpy as np

from bot.text import terms


class LexicalIndex:
    """BM25 over stemmed content words; also answers 'how rare is this word here?'."""

    def __init__(self, bm25: bm25s.BM25, doc_freq: dict[str, int], n_docs: int) -> None:
        self._bm25 = bm25
        self._vocab: dict[str, int] = bm25.vocab_dict
        self.doc_freq = doc_freq
        self.n_docs = n_docs
        # A word never seen in the corpus weighs as much as the rarest one that was.
        self.unknown_idf = math.log(1 + (n_docs + 0.5) / 0.5)

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        token_lists = [terms(t) or ["__empty__"] for t in texts]
        bm25 = bm25s.BM25()
        bm25.index(token_lists, show_progress=False)
        doc_freq = Counter(t for tokens in token_lists for t in set(tokens))
        return cls(bm25, dict(doc_freq), len(texts))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(folder), show_progress=False)
        payload = {"n_docs": self.n_docs, "doc_freq": self.doc_freq}
        (folder / "doc_freq.json").write_text(json.dumps(payload), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        bm25 = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        payload = json.loads((folder / "doc_freq.json").read_text(encoding="utf-8"))
        return cls(bm25, payload["doc_freq"], payload["n_docs"])

    def idf(self, term: str) -> float:
        df = self.doc_freq.get(term, 0)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """BM25 score of every chunk (zeros when no query word is in the corpus)."""
        known = [t for t in dict.fromkeys(query_terms) if t in self._vocab]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
