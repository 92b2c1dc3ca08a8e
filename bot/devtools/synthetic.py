"""Synthetic corpora for benchmarks, made from the real knowledge base's own sentences.

Each synthetic passage is two to four sentences drawn from one real document and recombined,
under a heading of that document, so the vocabulary, sentence lengths and topic mix are the
real ones and retrieval does realistic work; no passage repeats exactly.
"""

from __future__ import annotations

import random
from collections import defaultdict
from pathlib import Path

from bot.records import Chunk
from bot.text import split_sentences

PASSAGES_PER_DOCUMENT = 50


def write_synthetic_corpus(
    chunks: list[Chunk], folder: Path, *, passages: int, seed: int = 7
) -> int:
    """Write about `passages` passages as Markdown documents in `folder`; returns the count."""
    rng = random.Random(seed)
    pools: dict[str, list[str]] = defaultdict(list)
    headings: dict[str, list[str]] = defaultdict(list)
    for chunk in chunks:
        pools[chunk.title] += [s for s in split_sentences(chunk.text) if len(s.split()) >= 6]
        headings[chunk.title].append(chunk.heading_path[-1])
    titles = sorted(t for t in pools if len(pools[t]) >= 4)
    folder.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    written = 0
    for d in range(-(-passages // PASSAGES_PER_DOCUMENT)):
        title = titles[d % len(titles)]
        parts = [f"---\ntitle: {title} (synthetic {d})\nkind: guidance\n---\n"]
        for n in range(min(PASSAGES_PER_DOCUMENT, passages - written)):
            while True:
                text = " ".join(rng.sample(pools[title], rng.randint(2, 4)))
                if text not in seen:
                    seen.add(text)
                    break
            parts.append(f"## {rng.choice(headings[title])} ({n + 1})\n\n{text}\n")
            written += 1
        (folder / f"synthetic-{d:05d}.md").write_text("\n".join(parts), encoding="utf-8")
    return written
