"""Plain-text helpers shared by chunking, lexical search and answer composition."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import Stemmer  # PyStemmer

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Abbreviations whose full stop does not end a sentence.
_ABBREV = (
    "e.g",
    "i.e",
    "etc",
    "s",
    "ss",
    "reg",
    "para",
    "paras",
    "no",
    "vs",
    "cf",
    "mr",
    "mrs",
    "ms",
    "dr",
    "p",
    "pp",
)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Words that carry no topic (bot/stopwords.txt), read once on first use."""
    text = resources.files("bot").joinpath("stopwords.txt").read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if (word := line.split("#", 1)[0].strip()))


def squash(text: str) -> str:
    """Collapse runs of white space to single spaces."""
    return " ".join(text.split())


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences without breaking at common abbreviations."""
    text = squash(text)
    if not text:
        return []
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        before = text[start : match.start()].rstrip("\"')]")
        last_word = before.rsplit(" ", 1)[-1].rstrip(".").lower()
        if last_word in _ABBREV or re.fullmatch(r"[a-z]", last_word):
            continue
        pieces.append(text[start : match.start()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return [p for p in pieces if p]


def word_count(text: str) -> int:
    return len(text.split())


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased words, possessives and apostrophes removed."""
    return [
        (w[:-2] if w.endswith("'s") else w).replace("'", "") for w in _WORD.findall(text.lower())
    ]


@lru_cache(maxsize=8192)
def term_set(text: str) -> frozenset[str]:
    """terms() as a set, remembered: passages and their sentences are scored against every
    question that finds them, and the corpus's texts do not change under a running bot."""
    return frozenset(terms(text))


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words, stop words removed: the lexical vocabulary."""
    stop = stopwords()
    content = [w for w in words(text) if (w not in stop and len(w) > 1) or w.isdigit()]
    return list(_stemmer().stemWords(content))
