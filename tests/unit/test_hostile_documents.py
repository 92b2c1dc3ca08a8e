"""Hostile documents (issue 11, findings 5 and 6): each is skipped and named, never fatal,
and none costs unbounded memory or time."""

from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import pytest

from bot.errors import DocumentError, UploadRefused
from bot.index.build import build_index
from bot.ingest.documents import load_document
from bot.ingest.uploads import check_readable
from tests.fakes import readers
from tests.fakes.documents import make_docx
from tests.fakes.embedder import FakeEmbedder

BILLION_LAUGHS = """---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
title: *g
---
# Laughs

Some text.
"""


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / "guidance" / name
    path.write_bytes(data)
    return path


def test_yaml_aliases_in_front_matter_are_refused_and_named(knowledge: Path) -> None:
    path = _write(knowledge, "laughs.md", BILLION_LAUGHS.encode())
    with pytest.raises(DocumentError, match=r"laughs\.md.*alias"):
        load_document(path, knowledge_dir=knowledge)


def test_oversized_front_matter_is_refused(knowledge: Path) -> None:
    big = "---\n" + "".join(f"k{i}: {'x' * 60}\n" for i in range(2000)) + "---\n# T\n\nText.\n"
    path = _write(knowledge, "big.md", big.encode())
    with pytest.raises(DocumentError, match="front matter"):
        load_document(path, knowledge_dir=knowledge)


def test_a_billion_laughs_upload_is_refused_before_it_is_stored() -> None:
    with pytest.raises(UploadRefused):
        check_readable("laughs.md", BILLION_LAUGHS.encode())


def test_a_hostile_file_is_skipped_and_every_later_build_still_works(
    knowledge: Path, tmp_path: Path
) -> None:
    _write(knowledge, "laughs.md", BILLION_LAUGHS.encode())
    for _ in range(2):
        report = build_index(knowledge, tmp_path / "index", FakeEmbedder())
        assert [f.source for f in report.failed] == ["guidance/laughs.md"]


def _docx_with(tmp_path: Path, replace: dict[str, bytes]) -> bytes:
    """A real Word file with some of its parts replaced."""
    source = io.BytesIO(make_docx(tmp_path / "base.docx").read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, replace.get(item.filename, zin.read(item.filename)))
    return out.getvalue()


def test_malformed_word_xml_is_a_named_skip(knowledge: Path, tmp_path: Path) -> None:
    data = _docx_with(tmp_path, {"word/document.xml": b"<w:document><unclosed"})
    path = _write(knowledge, "broken.docx", data)
    with pytest.raises(DocumentError, match=r"broken\.docx"):
        load_document(path, knowledge_dir=knowledge)
    report = build_index(knowledge, tmp_path / "index", FakeEmbedder())
    assert [f.source for f in report.failed] == ["guidance/broken.docx"]


def test_a_word_zip_bomb_is_refused_without_inflating_it(knowledge: Path, tmp_path: Path) -> None:
    body = b"<w:p>" + b" " * (300 * 1024 * 1024) + b"</w:p>"  # 300 MB that compresses to ~300 KB
    data = _docx_with(tmp_path, {"word/document.xml": body})
    assert len(data) < 2 * 1024 * 1024
    path = _write(knowledge, "bomb.docx", data)
    started = time.process_time()
    with pytest.raises(DocumentError, match="too large"):
        load_document(path, knowledge_dir=knowledge)
    assert time.process_time() - started < 2.0


def test_a_word_file_with_too_many_paragraphs_is_refused_quickly(
    knowledge: Path, tmp_path: Path
) -> None:
    paragraphs = b"".join(b"<w:p><w:r><w:t>p</w:t></w:r></w:p>" for _ in range(60_000))
    xml = (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body>" + paragraphs + b"</w:body></w:document>"
    )
    path = _write(knowledge, "long.docx", _docx_with(tmp_path, {"word/document.xml": xml}))
    started = time.process_time()
    with pytest.raises(DocumentError, match="paragraphs"):
        load_document(path, knowledge_dir=knowledge)
    assert time.process_time() - started < 10.0


def test_a_reader_failing_in_an_unexpected_way_is_a_named_skip(
    knowledge: Path, tmp_path: Path
) -> None:
    # Documents are read in a worker process: the failing reader is installed there.
    _write(knowledge, "deep.html", b"<html><body><p>x</p></body></html>")
    report = build_index(
        knowledge, tmp_path / "index", FakeEmbedder(), prepare=readers.exploding_html
    )
    assert [(f.source, "RecursionError" in f.reason) for f in report.failed] == [
        ("guidance/deep.html", True)
    ]
    with pytest.raises(UploadRefused, match="could not be read"):
        check_readable("deep.html", b"<html></html>", prepare=readers.exploding_html)


def test_many_styled_paragraphs_read_in_bounded_time(knowledge: Path, tmp_path: Path) -> None:
    """Style names are looked up once, not once a paragraph (that cost 3.5 ms each)."""
    paragraph = (
        b'<w:p><w:pPr><w:pStyle w:val="ListBullet"/></w:pPr><w:r><w:t>An item.</w:t></w:r></w:p>'
    )
    xml = (
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body>" + paragraph * 30_000 + b"</w:body></w:document>"
    )
    path = _write(knowledge, "many.docx", _docx_with(tmp_path, {"word/document.xml": xml}))
    started = time.process_time()
    document = load_document(path, knowledge_dir=knowledge)
    assert time.process_time() - started < 10.0
    assert len(document.blocks) == 30_000
