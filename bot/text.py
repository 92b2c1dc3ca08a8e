"""Plain-text helpers shared by chunking, lexical search and answer composition."""

from __future__ import annotations

import re
from functools import lru_cache

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

STOPWORDS = frozenset(
    {
        # Contractions typed without apostrophes, and chat filler: not topics.
        "theyve",
        "theyre",
        "theyd",
        "shes",
        "hes",
        "youre",
        "youve",
        "weve",
        "isnt",
        "arent",
        "wasnt",
        "werent",
        "didnt",
        "havent",
        "hasnt",
        "hadnt",
        "wouldnt",
        "couldnt",
        "shouldnt",
        "ill",
        "itll",
        "thats",
        "theres",
        "someone",
        "somebody",
        "anyone",
        "anybody",
        "everyone",
        "stuff",
        "loads",
        "actually",
        "basically",
        "like",
        "okay",
        "ok",
        "yeah",
        "guys",
        "bit",
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "what's",
        "whats",
        "how's",
        "hows",
        "it's",
        "i'm",
        "im",
        "ive",
        "i've",
        "dont",
        "don't",
        "doesnt",
        "doesn't",
        "cant",
        "can't",
        "wont",
        "won't",
        "hi",
        "hello",
        "please",
        "thanks",
        "thank",
        "tell",
        "know",
        "need",
        "needs",
        "want",
        "wants",
        "get",
        "got",
        "us",
        "also",
        "may",
        "might",
        "must",
        "shall",
        "one",
        "lot",
        "really",
        "much",
        "many",
        "anything",
        "something",
    }
)


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
    return [re.sub(r"'s$", "", w).replace("'", "") for w in _WORD.findall(text.lower())]


def terms(text: str) -> list[str]:
    """Lower-cased, stemmed content words, stop words removed: the lexical vocabulary."""
    content = [w for w in words(text) if (w not in STOPWORDS and len(w) > 1) or w.isdigit()]
    return list(_stemmer().stemWords(content))
