"""The BM25 side of retrieval (bm25s), with the document frequencies the abstention rule uses."""

from __future__ import annotations

import difflib
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np

from bot.text import stopwords, terms, words

TYPO_CUTOFF = 0.85  # difflib ratio: 'confrence' ~ 'conference' is 0.95, 'claim' ~ 'clear' 0.6
TYPO_MIN_LENGTH = 5


class LexicalIndex:
    """BM25 over stemmed content words; also answers 'how rare is this word here?'."""

    def __init__(
        self, bm25: bm25s.BM25, doc_freq: dict[str, int], n_docs: int, spellings: list[str]
    ) -> None:
        self._bm25 = bm25
        self._vocab: dict[str, int] = bm25.vocab_dict
        self.doc_freq = doc_freq
        self.n_docs = n_docs
        self.spellings = spellings  # the corpus's own words, unstemmed, for typo correction
        by_letter: dict[str, list[str]] = defaultdict(list)
        for word in spellings:
            by_letter[word[0]].append(word)
        self._by_letter = dict(by_letter)
        self.correct = lru_cache(maxsize=4096)(self._correct)
        # A word never seen in the corpus weighs as much as the rarest one that was.
        self.unknown_idf = math.log(1 + (n_docs + 0.5) / 0.5)

    @classmethod
    def build(cls, texts: list[str]) -> LexicalIndex:
        token_lists = [terms(t) or ["__empty__"] for t in texts]
        bm25 = bm25s.BM25()
        bm25.index(token_lists, show_progress=False)
        doc_freq = Counter(t for tokens in token_lists for t in set(tokens))
        spellings = sorted({w for t in texts for w in words(t) if len(w) >= TYPO_MIN_LENGTH})
        return cls(bm25, dict(doc_freq), len(texts), spellings)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._bm25.save(str(folder), show_progress=False)
        payload = {"n_docs": self.n_docs, "doc_freq": self.doc_freq, "spellings": self.spellings}
        (folder / "doc_freq.json").write_text(json.dumps(payload), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        bm25 = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        payload = json.loads((folder / "doc_freq.json").read_text(encoding="utf-8"))
        doc_freq, n_docs, spellings = payload["doc_freq"], payload["n_docs"], payload["spellings"]
        if not (
            isinstance(doc_freq, dict)
            and isinstance(n_docs, int)
            and isinstance(spellings, list)
            and all(isinstance(w, str) and w for w in spellings)
        ):
            raise ValueError(f"{folder / 'doc_freq.json'} is not a keyword-index record")
        return cls(bm25, doc_freq, n_docs, spellings)

    def _correct(self, word: str) -> str | None:
        """The corpus word a misspelt question word most likely meant, if one is close enough."""
        if len(word) < TYPO_MIN_LENGTH or word in stopwords() or not word.isalpha():
            return None
        if all(t in self.doc_freq for t in terms(word)):
            return None
        close = difflib.get_close_matches(word, self._by_letter.get(word[0], []), 1, TYPO_CUTOFF)
        return close[0] if close else None

    def fix_spelling(self, text: str, keep: Collection[str] = frozenset()) -> str:
        """Replace words the corpus has never seen by a close corpus word ('asessment').

        Words in `keep` (lower case) are left alone: the glossary's words are real words even
        when no document uses them ('leaver' is not a misspelt 'leave')."""

        def fix(match: re.Match[str]) -> str:
            word = match.group(0).lower()
            if word in keep:
                return match.group(0)
            return self.correct(word) or match.group(0)

        return re.sub(r"\b[A-Za-z]+\b", fix, text)  # whole words: not the 'topic' of 'topic0'

    def idf(self, term: str) -> float:
        df = self.doc_freq.get(term, 0)
        return math.log(1 + (self.n_docs - df + 0.5) / (df + 0.5))

    def scores(self, query_terms: list[str]) -> np.ndarray:
        """BM25 score of every chunk (zeros when no query word is in the corpus)."""
        known = [t for t in dict.fromkeys(query_terms) if t in self._vocab]
        if not known:
            return np.zeros(self.n_docs, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)
