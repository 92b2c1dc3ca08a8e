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


# C0 controls but newline and tab, DEL, C1 controls (U+009B is a one-character ESC [ to some
# terminals), and the bidirectional overrides and isolates, which make text read other than
# it is stored ("Trojan Source").
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def without_controls(text: str, *, lines: bool = True) -> str:
    """Text that came from a person, safe to store and to print on a terminal: ESC (which
    starts the codes that clear, retitle or redraw a terminal), BEL and the other control
    characters removed. Newlines and tabs are kept where the text may run over `lines`;
    without, each becomes a space, so one value cannot fake the lines printed after it."""
    kept = _CONTROLS.sub("", text)
    return kept if lines else kept.replace("\n", " ").replace("\t", " ")


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
