"""Plain text, as pasted from a web page or typed: lines to paragraphs, numbered and short
lines as headings, bullet characters as list items (bot/ingest/structure.py)."""

from __future__ import annotations

from collections.abc import Iterator

from bot.ingest.formats import Parsed, UnreadableFile
from bot.ingest.structure import Line, recover


def decode(raw: bytes) -> str:
    if b"\x00" in raw[:8192]:
        raise UnreadableFile("looks like a binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(
            f"is not UTF-8 text (bad byte at position {exc.start}); save it as UTF-8 and rebuild"
        ) from exc
    return text


def read(raw: bytes) -> Parsed:
    return Parsed.recovered(recover(text_lines(decode(raw))), {})


def text_lines(text: str) -> Iterator[Line]:
    """Plain text as raw Lines; a page break (form feed) ends the paragraph."""
    return (Line(line) for line in text.replace("\f", "\n\n").splitlines())
