"""Word .docx (python-docx): Heading styles become sections, list styles list items."""

from __future__ import annotations

import io
import zipfile

from bot.ingest.formats import Parsed, UnreadableFile
from bot.ingest.formats.outline import Outline
from bot.records import Block
from bot.text import squash


def read(raw: bytes) -> Parsed:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(raw)):
        raise UnreadableFile(
            "is not a readable Word document (it may be password-protected, corrupt or an old "
            ".doc file: save it as .docx)"
        )
    try:
        document = docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise UnreadableFile(f"is not a readable Word document ({exc})") from exc
    props = document.core_properties
    meta = {
        "title": (props.title or "").strip() or None,
        "date": props.modified or props.created,
        "kind": (props.category or "").strip().lower() or None,
    }
    blocks: list[Block] = []
    outline = Outline()
    title: str | None = None
    for paragraph in document.paragraphs:
        text = squash(paragraph.text)
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        level = _heading_level(style)
        if level == 0:
            title = title or text
            continue
        if level is not None:
            outline.heading(level, text)
            continue
        blocks.append(outline.block(text, in_list=style.lower().startswith("list")))
    return Parsed(blocks, {k: v for k, v in meta.items() if v}, title)


def _heading_level(style: str) -> int | None:
    """0 for the Title style, 1.. for Heading 1.., None for body text."""
    if style == "Title":
        return 0
    if style.startswith("Heading "):
        level = style.removeprefix("Heading ").strip()
        return int(level) if level.isdigit() else None
    return None
