"""Reading source documents (Markdown with front matter, plain text) into Documents."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt

from bot.errors import DocumentError
from bot.records import Block, Document, Kind
from bot.text import squash

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt")
_md = MarkdownIt("commonmark")


def find_documents(knowledge_dir: Path) -> list[Path]:
    """Every indexable file below the folder, in a stable order (hidden files skipped)."""
    found = [
        p
        for p in knowledge_dir.rglob("*")
        if p.is_file()
        and p.suffix.lower() in SUPPORTED_SUFFIXES
        and not any(part.startswith(".") for part in p.relative_to(knowledge_dir).parts)
    ]
    return sorted(found, key=lambda p: p.relative_to(knowledge_dir).as_posix())


def load_document(path: Path, *, knowledge_dir: Path) -> Document:
    """Parse one file; raise DocumentError naming the file and the reason if it cannot be read."""
    source = path.relative_to(knowledge_dir).as_posix()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"{source}: cannot be read ({exc.strerror or exc}).") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{source}: is not UTF-8 text (bad byte at position {exc.start}); "
            "save it as UTF-8 and rebuild."
        ) from exc
    if "\x00" in text:
        raise DocumentError(f"{source}: looks like a binary file, not text.")
    meta, body = _split_front_matter(text, source)
    is_markdown = path.suffix.lower() in (".md", ".markdown")
    blocks, heading_title = _markdown_blocks(body) if is_markdown else (_text_blocks(body), None)
    title = str(meta.get("title") or heading_title or _title_from_name(path))
    blocks = _with_title(blocks, title)
    if not any(b.text.strip() for b in blocks):
        raise DocumentError(f"{source}: has no text to index (the file is empty).")
    return Document(
        source=source,
        sha256=hashlib.sha256(raw).hexdigest(),
        title=title,
        kind=_kind(meta.get("kind"), source),
        date=_as_date(meta.get("date") or meta.get("last_reviewed"), "date", source),
        review_due=_as_date(meta.get("review_due"), "review_due", source),
        blocks=tuple(blocks),
        metadata=meta,
    )


def _split_front_matter(text: str, source: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        return {}, text
    try:
        post = frontmatter.loads(text)
    except yaml.YAMLError as exc:
        raise DocumentError(f"{source}: its front matter is not valid YAML ({exc}).") from exc
    return dict(post.metadata), post.content


def _kind(value: Any, source: str) -> Kind:
    if value is None:
        return Kind.GUIDANCE
    try:
        return Kind(str(value).strip().lower())
    except ValueError:
        allowed = ", ".join(k.value for k in Kind)
        raise DocumentError(f"{source}: kind '{value}' is not one of: {allowed}.") from None


def _as_date(value: Any, name: str, source: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise DocumentError(f"{source}: {name} '{value}' is not a date like 2026-01-31.") from None


def _title_from_name(path: Path) -> str:
    words = re.sub(r"[-_]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else path.name


def _with_title(blocks: list[Block], title: str) -> list[Block]:
    """Make every heading path start with the document title, as citations expect."""
    fixed = []
    for b in blocks:
        path = b.heading_path if b.heading_path[:1] == (title,) else (title, *b.heading_path)
        fixed.append(Block(b.text, path, b.paragraph, b.list_item, b.ends_with_colon))
    return fixed


def _markdown_blocks(body: str) -> tuple[list[Block], str | None]:
    """Paragraphs and list items with their heading path (below the H1, which is the title),
    and the H1's text; list items keep their number."""
    tokens = _md.parse(body)
    h1: str | None = None
    headings: list[tuple[int, str]] = []
    blocks: list[Block] = []
    counter: dict[tuple[str, ...], int] = {}
    item_numbers: list[int] = []
    depth_in_item = 0
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            if level == 1:
                h1 = h1 or tokens[i + 1].content
                headings = []
                continue
            headings = [h for h in headings if h[0] < level] + [(level, tokens[i + 1].content)]
        elif tok.type == "ordered_list_open":
            item_numbers.append(int(tok.attrs.get("start", 1) or 1) - 1)
        elif tok.type == "bullet_list_open":
            item_numbers.append(-(10**6))  # bullets are numbered by position in the section
        elif tok.type in ("ordered_list_close", "bullet_list_close"):
            item_numbers.pop()
        elif tok.type == "list_item_open":
            depth_in_item += 1
            if item_numbers and item_numbers[-1] >= 0:
                item_numbers[-1] += 1
        elif tok.type == "list_item_close":
            depth_in_item -= 1
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open":
            path = tuple(h[1] for h in headings)
            text = squash(_plain_inline(tok.content))
            if not text:
                continue
            in_item = depth_in_item > 0
            if in_item and item_numbers and item_numbers[-1] >= 0:
                number = item_numbers[-1]
                counter[path] = max(counter.get(path, 0), number)
            else:
                number = counter.get(path, 0) + 1
                counter[path] = number
            blocks.append(Block(text, path, number, in_item, text.endswith(":")))
        elif tok.type in ("code_block", "fence") and tok.content.strip():
            path = tuple(h[1] for h in headings)
            counter[path] = counter.get(path, 0) + 1
            blocks.append(Block(squash(tok.content), path, counter[path]))
    return blocks, h1


def _plain_inline(markdown: str) -> str:
    """Inline Markdown to plain text: keep link text, drop emphasis markers."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"(\*\*|__|\*|`)", "", text)
    return text


def _text_blocks(body: str) -> list[Block]:
    """Plain text: blank-line paragraphs; short unpunctuated lines are headings;
    a paragraph cut by a page break (no closing punctuation, next starts lower case) is joined."""
    paragraphs = [squash(p) for p in re.split(r"\n\s*\n", body.replace("\f", "\n\n"))]
    joined: list[str] = []
    for p in filter(None, paragraphs):
        if joined and not re.search(r"[.!?:;\"')]$", joined[-1]) and p[:1].islower():
            joined[-1] = f"{joined[-1]} {p}"
        else:
            joined.append(p)
    blocks: list[Block] = []
    heading: tuple[str, ...] = ()
    number = 0
    for p in joined:
        if len(p) <= 80 and not re.search(r"[.!?:;,]$", p) and not p.startswith(("-", "*")):
            heading, number = (p,), 0
            continue
        for item in re.split(r"\s(?=[-*•] )", p) if p.startswith(("- ", "* ", "• ")) else [p]:
            number += 1
            clean = item.lstrip("-*• ").strip()
            blocks.append(Block(clean, heading, number, item != p, clean.endswith(":")))
    return blocks


def iter_documents(
    knowledge_dir: Path,
) -> Iterator[tuple[Path, Document | DocumentError]]:
    """Each file with its parsed Document, or the error that made it unreadable."""
    for path in find_documents(knowledge_dir):
        try:
            yield path, load_document(path, knowledge_dir=knowledge_dir)
        except DocumentError as exc:
            yield path, exc
