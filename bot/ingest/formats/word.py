"""Word .docx (python-docx): Heading styles become sections, list styles list items, tables
passages that keep their header cells; bounded in size, paragraphs and time."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from typing import Any

from bot.ingest.formats import Parsed, UnreadableFile
from bot.ingest.formats.tables import row_texts
from bot.ingest.structure import Line, recover
from bot.text import squash

# A procedure's XML is a few MB; anything far larger is a zip bomb or not a procedure.
MAX_PART_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_PARAGRAPHS = 40_000
MAX_SECONDS = 30.0
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read(raw: bytes) -> Parsed:
    document = _open(raw)
    props = document.core_properties
    meta = {
        "title": (props.title or "").strip() or None,
        "date": props.modified or props.created,
        "kind": (props.category or "").strip().lower() or None,
    }
    styles = {s.style_id: s.name or "" for s in document.styles}  # one lookup, not one a paragraph
    title: list[str] = []
    recovered = recover(_lines(document, styles, title))
    return Parsed.recovered(recovered, meta, title[0] if title else None)


def _lines(document: Any, styles: dict[str, str], title: list[str]) -> Iterator[Line]:
    """What the body holds, as the shared structure recovery reads it; the Title style's
    text goes to `title`."""
    for kind, element in _body(document):
        if kind == "tbl":
            yield from (Line(text, "row") for text in _table_rows(element))
            continue
        text = squash("".join(t.text or "" for t in element.iter(_W + "t")))
        if not text:
            continue
        style = styles.get(_style_id(element) or "", "")
        level = _heading_level(style)
        if level == 0:
            title.append(text)
        elif level is not None:
            yield Line(text, "heading", level=level)
        elif _is_list(element, style):
            yield Line(text, "item")
        else:
            yield Line(text, "para", bold=_all_bold(element))


def _all_bold(paragraph: Any) -> bool:
    """Every run with text is bold: a heading typed as a bold paragraph."""
    runs = [
        r
        for r in paragraph.iter(_W + "r")
        if "".join(t.text or "" for t in r.iter(_W + "t")).strip()
    ]
    return bool(runs) and all(_bold(r) for r in runs)


def _bold(run: Any) -> bool:
    flag = run.find(f"{_W}rPr/{_W}b")
    return flag is not None and flag.get(_W + "val", "true") not in ("0", "false")


def _open(raw: bytes) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml.etree import XMLSyntaxError

    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            sizes = [info.file_size for info in package.infolist()]
    except zipfile.BadZipFile:
        raise UnreadableFile(
            "is not a readable Word document (it may be password-protected, corrupt or an old "
            ".doc file: save it as .docx)"
        ) from None
    if max(sizes, default=0) > MAX_PART_BYTES or sum(sizes) > MAX_TOTAL_BYTES:
        raise UnreadableFile(
            f"is too large once unpacked ({sum(sizes) // 2**20} MB; the limit is "
            f"{MAX_TOTAL_BYTES // 2**20} MB): split it, or save it without embedded files"
        )
    try:
        return docx.Document(io.BytesIO(raw))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise UnreadableFile(f"is not a readable Word document ({exc})") from exc
    except XMLSyntaxError as exc:
        raise UnreadableFile(f"is a damaged Word document (its XML is malformed: {exc})") from exc


def _body(document: Any) -> Iterator[tuple[str, Any]]:
    """Paragraphs and tables in reading order, within the paragraph and time bounds."""
    deadline = time.monotonic() + MAX_SECONDS
    count = 0
    for element in document.element.body.iterchildren():
        tag = element.tag.removeprefix(_W)
        if tag not in ("p", "tbl"):
            continue
        count += 1
        if count > MAX_PARAGRAPHS:
            raise UnreadableFile(
                f"has more than {MAX_PARAGRAPHS:,} paragraphs: split it into smaller documents"
            )
        if count % 1000 == 0 and time.monotonic() > deadline:
            raise UnreadableFile(f"took over {MAX_SECONDS:.0f} s to read: split it")
        yield tag, element


def _style_id(paragraph: Any) -> str | None:
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    return None if style is None else style.get(_W + "val")


def _is_list(paragraph: Any, style: str) -> bool:
    numbered = paragraph.find(f"{_W}pPr/{_W}numPr") is not None
    return numbered or style.lower().startswith("list")


def _table_rows(table: Any) -> list[str]:
    """One passage text per body row, each carrying its header cells."""
    rows = []
    for tr in table.iter(_W + "tr"):
        cells = [
            squash(
                " ".join(
                    squash("".join(t.text or "" for t in p.iter(_W + "t")))
                    for p in tc.iter(_W + "p")
                )
            )
            for tc in tr.iter(_W + "tc")
        ]
        rows.append(cells)
    return row_texts(rows)


def _heading_level(style: str) -> int | None:
    """0 for the Title style, 1.. for Heading 1.., None for body text."""
    if style == "Title":
        return 0
    if style.startswith("Heading "):
        level = style.removeprefix("Heading ").strip()
        return int(level) if level.isdigit() else None
    return None
