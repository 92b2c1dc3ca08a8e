"""Markdown with optional YAML front matter: headings, paragraphs and numbered list items.

Manual text pasted into a .md file without heading marks is not Markdown's structure: its
"1. Introduction" is a heading, not a one-item list. Such stretches are read line by line,
exactly as a .txt file is (`_pasted` decides which)."""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections.abc import Iterator
from typing import Any

import frontmatter
import yaml
from markdown_it import MarkdownIt

from bot.ingest.formats import Parsed, UnreadableFile
from bot.ingest.formats.plaintext import decode, text_lines
from bot.ingest.safe_yaml import load_yaml
from bot.ingest.structure import Line, bullet, numbered_heading, recover
from bot.text import squash

_md = MarkdownIt("commonmark")


def read(raw: bytes) -> Parsed:
    meta, body = _split_front_matter(decode(raw))
    h1: list[str] = []
    recovered = recover(_stretches(body, h1))
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


def _stretches(body: str, h1: list[str]) -> Iterator[Line]:
    """The document stretch by stretch, a stretch being a top-level heading mark and the text
    up to the next one (the text before the first is a stretch without one). Each is read as
    Markdown, or as pasted text when `_pasted` says so; a heading mark is always kept."""
    tokens = _md.parse(body)
    # Source lines as markdown-it counts them in its token maps (only \n and \r end a line).
    source = re.sub(r"\r\n?", "\n", body).split("\n")
    starts = [i for i, t in enumerate(tokens) if t.type == "heading_open" and t.level == 0]
    for start, end in itertools.pairwise([*sorted({0, *starts}), len(tokens)]):
        mark = tokens[start : start + 3] if start in starts else []  # heading open, text, close
        first = _lines_of(mark[0])[1] if mark else 0
        last = _lines_of(tokens[end])[0] if end < len(tokens) else len(source)
        if _pasted(source[first:last], marked=bool(starts)):
            marks = list(_lines(mark, h1))  # none for an H1: it is the title, not a level
            yield from marks
            under = (marks[0].level or 0) if marks else 0
            yield from _pasted_lines(source[first:last], under=under)
        else:
            yield from _lines(tokens[start:end], h1)


def _lines_of(heading_open: Any) -> tuple[int, int]:
    """The source lines a heading mark takes: its first, and the one after it."""
    first, after = heading_open.map or (0, 0)
    return int(first), int(after)


def _pasted(lines: list[str], *, marked: bool) -> bool:
    """Whether a stretch is manual text pasted without Markdown's marks, to be read as a .txt
    file is. It is when the document has no heading marks at all. In one with marks, it is
    when the stretch holds a numbered heading with its text on the very next line
    ("1. Introduction" / "A core group is ..."), which Markdown reads as a one-item list with
    the text folded into it; Markdown's own lists never look like that: their items follow
    one another or a blank line."""
    if not marked:
        return True
    texts = [_plain_line(line).strip() for line in lines]
    return any(
        numbered_heading(text) is not None and _starts_prose(after)
        for text, after in itertools.pairwise(texts)
    )


def _starts_prose(text: str) -> bool:
    return (
        text[:1].isupper()
        and bullet(text) is None
        and numbered_heading(text) is None
        and not re.match(r"\d{1,3}[.)]\s", text)
    )


def _pasted_lines(lines: list[str], *, under: int) -> Iterator[Line]:
    """Lines as the plain-text reader gives them, with inline marks (emphasis, links) read;
    the headings found in them sit below the mark (`under`) the stretch follows."""
    for line in text_lines("\n".join(_plain_line(line) for line in lines)):
        yield dataclasses.replace(line, under=under)


def _plain_line(line: str) -> str:
    """A source line's inline Markdown read, keeping a leading "*" or "-" list marker."""
    marker = re.match(r"\s*(?:[-*+](?=\s))?", line)
    cut = marker.end() if marker else 0
    return line[:cut] + _plain_inline(line[cut:])


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
