"""Markdown with optional YAML front matter: headings, paragraphs and numbered list items."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt

from bot.ingest.formats import Parsed, UnreadableFile
from bot.ingest.formats.plaintext import decode
from bot.ingest.safe_yaml import load_yaml
from bot.ingest.structure import Line, recover
from bot.text import squash

_md = MarkdownIt("commonmark")


def read(raw: bytes) -> Parsed:
    meta, body = _split_front_matter(decode(raw))
    h1: list[str] = []
    recovered = recover(_lines(_md.parse(body), h1))
    parsed = Parsed.recovered(recovered, meta, h1[0] if h1 else None)
    parsed.declared = bool(meta)
    return parsed


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


def _lines(tokens: list[Any], h1: list[str]) -> Iterator[Line]:
    """Markdown's own structure as Lines; a paragraph's text lines go through the shared
    recovery as they are, so "**4.1 Eligibility**" and pasted "•" bullets are recognised."""
    item_numbers: list[int | None] = []  # None for a bullet list
    depth_in_item = 0
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            level, text = int(tok.tag[1]), squash(_plain_inline(tokens[i + 1].content))
            if level == 1:
                h1.append(text)
            else:
                yield Line(text, "heading", level=level - 1)
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
            if depth_in_item:
                number = item_numbers[-1] if item_numbers else None
                yield Line(_plain_inline(tok.content), "item", number=number)
            else:
                yield from (Line(_plain_inline(part)) for part in tok.content.splitlines())
                yield Line("")  # the paragraph ends here
        elif tok.type in ("code_block", "fence") and tok.content.strip():
            yield Line(tok.content, "para")


def _plain_inline(markdown: str) -> str:
    """Inline Markdown to plain text: keep link text, drop emphasis markers."""
    text = _link_texts(markdown)
    text = "\n".join(_without_underscores(line) for line in text.split("\n"))
    return re.sub(r"(\*\*|__|\*|`)", "", text)


# Both are linear rewrites of a regular expression that was quadratic on hostile lines: tried
# at every "[" (or "_") of a long line with nothing to close it, each attempt read to the end
# of the line (5 s on 32,000 "[", 4 s on 8,000 " _a"). They find exactly what it found.
_EMPHASIS = re.compile(r"(?<![\w_])_{1,2}(\S(?:.*?\S)?)_{1,2}(?![\w_])")  # _emphasis_
_CLOSING = re.compile(r"\S_(?![\w_])")  # where an _emphasis_ can end


def _link_texts(text: str) -> str:
    r"""`[text](target)` and `![text](target)` -> text, as `!?\[([^\]]*)\]\([^)]*\)` would.
    Every "[" before the same "]" shares that "]", so only the first of them is tried."""
    out, done, start = [], 0, 0
    while (left := text.find("[", start)) >= 0 and (right := text.find("]", left)) >= 0:
        if not text.startswith("(", right + 1):
            start = right + 1
            continue
        if (end := text.find(")", right + 2)) < 0:
            break  # and no later link can close either
        opening = left - 1 if left > done and text[left - 1] == "!" else left
        out += [text[done:opening], text[left + 1 : right]]
        done = start = end + 1
    return "".join(out) + text[done:]


def _without_underscores(line: str) -> str:
    """_emphasis_ -> emphasis on one line. Nothing after the last place an emphasis can close
    can be one, so the pattern runs only up to there, where every attempt ends."""
    end = max((m.end() for m in _CLOSING.finditer(line)), default=0)
    return _EMPHASIS.sub(r"\1", line[:end]) + line[end:]
