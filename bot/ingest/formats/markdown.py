"""Markdown with optional YAML front matter: headings, paragraphs and numbered list items."""

from __future__ import annotations

import re
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt

from bot.ingest.formats import Parsed, UnreadableFile
from bot.ingest.formats.outline import Outline
from bot.ingest.formats.plaintext import decode
from bot.ingest.safe_yaml import load_yaml
from bot.records import Block
from bot.text import squash

_md = MarkdownIt("commonmark")


def read(raw: bytes) -> Parsed:
    meta, body = _split_front_matter(decode(raw))
    blocks, h1 = _blocks(body)
    return Parsed(blocks, meta, h1)


class _SafeYAMLHandler(frontmatter.YAMLHandler):  # type: ignore[misc]
    """python-frontmatter's YAML handler, parsing with the alias-free, size-capped loader."""

    def load(self, fm: str, **kwargs: object) -> Any:
        return load_yaml(fm)


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    if not text.startswith("---"):
        return {}, text
    try:
        post = frontmatter.loads(text, handler=_SafeYAMLHandler())
    except yaml.YAMLError as exc:
        raise UnreadableFile(f"its front matter is not valid YAML ({exc})") from exc
    if not isinstance(post.metadata, dict):
        raise UnreadableFile("its front matter is not a list of 'name: value' lines")
    return dict(post.metadata), post.content


def _blocks(body: str) -> tuple[list[Block], str | None]:
    """Paragraphs and list items with their heading path (below the H1, which is the title),
    and the H1's text; ordered list items keep their number."""
    tokens = _md.parse(body)
    h1: str | None = None
    outline = Outline()
    blocks: list[Block] = []
    item_numbers: list[int | None] = []  # None for a bullet list: numbered by position
    depth_in_item = 0
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            if level == 1:
                h1 = h1 or tokens[i + 1].content
                outline.clear()
                continue
            outline.heading(level, tokens[i + 1].content)
        elif tok.type == "ordered_list_open":
            item_numbers.append(int(tok.attrs.get("start", 1) or 1) - 1)
        elif tok.type == "bullet_list_open":
            item_numbers.append(None)
        elif tok.type in ("ordered_list_close", "bullet_list_close"):
            item_numbers.pop()
        elif tok.type == "list_item_open":
            depth_in_item += 1
            if item_numbers and item_numbers[-1] is not None:
                item_numbers[-1] += 1
        elif tok.type == "list_item_close":
            depth_in_item -= 1
        elif tok.type == "inline" and tokens[i - 1].type == "paragraph_open":
            text = squash(_plain_inline(tok.content))
            if not text:
                continue
            in_item = depth_in_item > 0
            numbered = item_numbers[-1] if in_item and item_numbers else None
            blocks.append(outline.block(text, in_list=in_item, number=numbered))
        elif tok.type in ("code_block", "fence") and tok.content.strip():
            blocks.append(outline.block(squash(tok.content)))
    return blocks, h1


def _plain_inline(markdown: str) -> str:
    """Inline Markdown to plain text: keep link text, drop emphasis markers."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"(\*\*|__|\*|`)", "", text)
