"""Turning a Document's blocks into Chunks: whole paragraphs and list items, never cut
mid-sentence."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from bot.records import Block, Chunk, Document, Kind
from bot.text import split_sentences, word_count

SHORT_WORDS = 25  # a paragraph shorter than this is joined to the next one under its heading
MAX_WORDS = 160  # joined groups stay under this; a longer single paragraph is split
SPLIT_WORDS = 200  # a paragraph longer than this is split at sentence boundaries
WINDOW_MIN_PASSAGE_WORDS = 50  # passages this long also get one embedding per sentence
WINDOW_MIN_SENTENCE_WORDS = 6
FINDINGS_LABEL = "Inspection findings (Ofsted)"
# Bump when embedding_text() changes: stored vectors of another version are not reused.
EMBEDDING_TEXT_VERSION = 2


def chunk_document(doc: Document) -> list[Chunk]:
    """Chunks in reading order; the same text in the same place always gets the same id.
    Text that appears twice in one document (a repeated box, a heading echoed in the body)
    is indexed once."""
    chunks: list[Chunk] = []
    seen: set[str] = set()
    for group in _groups(doc.blocks):
        key = " ".join(b.text for b in group).lower()
        if key in seen:
            continue
        seen.add(key)
        text = " ".join(b.text for b in group)
        label = _paragraph_label(group)
        parts = _split_long(text) if word_count(text) > SPLIT_WORDS else [text]
        for n, part in enumerate(parts, 1):
            chunks.append(
                Chunk(
                    id=_chunk_id(doc.source, group[0].heading_path, label, n, part, group[0].page),
                    text=part,
                    source=doc.source,
                    title=doc.title,
                    kind=doc.kind,
                    heading_path=group[0].heading_path,
                    paragraph=label,
                    date=doc.date,
                    review_due=doc.review_due,
                    page=group[0].page,
                    url=doc.url,
                    status=doc.status,
                )
            )
    return chunks


def embedding_text(chunk: Chunk) -> str:
    """What is embedded and searched: the passage with its title and headings for context,
    and for a finding whose title does not say what it is, that it is one ("what did Ofsted
    find about ..." asks for findings; a letter titled "Focused visit to Westmere children's
    services" never names Ofsted)."""
    unnamed = chunk.kind is Kind.FINDINGS and "ofsted" not in chunk.title.lower()
    context = [FINDINGS_LABEL] if unnamed else []
    context += chunk.heading_path
    headings = ". ".join(context)
    return f"{headings}. {chunk.text}" if headings else chunk.text


def sentence_windows(chunk: Chunk) -> list[str]:
    """Extra texts embedded for a long passage, one per sentence, so that a question about one
    sentence of a long paragraph still finds it. Each row points back to its passage."""
    sentences = split_sentences(chunk.text)
    if len(sentences) < 2 or word_count(chunk.text) < WINDOW_MIN_PASSAGE_WORDS:
        return []
    context = ". ".join(chunk.heading_path)
    return [f"{context}. {s}" for s in sentences if word_count(s) >= WINDOW_MIN_SENTENCE_WORDS]


def _groups(blocks: Iterable[Block]) -> list[list[Block]]:
    """Join a lead-in ending with ':' to its list items, and short paragraphs to the next one."""
    groups: list[list[Block]] = []
    for block in blocks:
        last = groups[-1] if groups else None
        if last and _joins(last, block):
            last.append(block)
        else:
            groups.append([block])
    return groups


def _joins(group: list[Block], block: Block) -> bool:
    last = group[-1]
    if last.heading_path != block.heading_path or last.standalone or block.standalone:
        return False
    if last.page != block.page and not (last.list_item and block.list_item):
        return False
    size = sum(word_count(b.text) for b in group) + word_count(block.text)
    if size > MAX_WORDS:
        return False
    lead_in = group[0].ends_with_colon and not group[0].list_item
    if lead_in:
        return block.list_item
    if block.ends_with_colon and not block.list_item:
        return False  # a lead-in starts its own passage, with the list it introduces
    # Bullets of one list stay together; numbered points keep their own number, so they are
    # cited one by one.
    if last.list_item or block.list_item:
        return _bullet(last) and _bullet(block)
    return word_count(" ".join(b.text for b in group)) < SHORT_WORDS


def _bullet(block: Block) -> bool:
    return block.list_item and not block.numbered


def _paragraph_label(group: list[Block]) -> str | None:
    numbers = [b.paragraph for b in group if b.paragraph is not None and not b.list_item]
    if not numbers:
        numbers = [b.paragraph for b in group if b.paragraph is not None][:1]
    if not numbers:
        return None
    first, last = min(numbers), max(numbers)
    return str(first) if first == last else f"{first}-{last}"


def _split_long(text: str) -> list[str]:
    """Split at sentence ends into parts of roughly equal size, each under SPLIT_WORDS."""
    sentences = split_sentences(text)
    total = word_count(text)
    n_parts = -(-total // MAX_WORDS)
    target = total / n_parts
    parts: list[list[str]] = [[]]
    size = 0
    for sentence in sentences:
        if parts[-1] and size + word_count(sentence) / 2 > target and len(parts) < n_parts:
            parts.append([])
            size = 0
        parts[-1].append(sentence)
        size += word_count(sentence)
    return [" ".join(p) for p in parts if p]


def _chunk_id(
    source: str, path: tuple[str, ...], label: str | None, part: int, text: str, page: int | None
) -> str:
    where = [label or "", str(part)] + ([f"p{page}"] if page is not None else [])
    key = "\x1f".join([source, *path, *where, text])
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
