import datetime as dt
import zipfile
from pathlib import Path

import pytest

from bot.errors import DocumentError
from bot.index.build import build_index
from bot.ingest.documents import load_document
from bot.runtime import Runtime, start
from bot.settings import Settings
from tests.fakes.documents import make_blank_pdf, make_docx, make_html, make_pdf
from tests.fakes.embedder import FakeEmbedder


def test_word_headings_become_sections_and_properties_give_title_and_date(tmp_path: Path) -> None:
    doc = load_document(make_docx(tmp_path / "visits.docx"), knowledge_dir=tmp_path)
    assert doc.title == "Home visits procedure"
    assert doc.date == dt.date(2026, 3, 4)
    paths = [b.heading_path for b in doc.blocks]
    assert paths[0] == ("Home visits procedure", "Unannounced visits")
    assert paths[1] == ("Home visits procedure", "Unannounced visits", "Seeing the child alone")
    assert [b.list_item for b in doc.blocks] == [False, False, True, True]


def test_pdf_keeps_page_numbers_and_headings(tmp_path: Path) -> None:
    doc = load_document(make_pdf(tmp_path / "bundles.pdf"), knowledge_dir=tmp_path)
    assert doc.title == "Court bundles"
    assert [(b.page, b.heading_path[-1]) for b in doc.blocks] == [
        (1, "Preparing the court bundle"),
        (2, "Statements"),
    ]
    assert doc.blocks[0].text.startswith("The court bundle is prepared")
    assert doc.blocks[0].text.endswith("two working days before the hearing.")


def test_html_main_text_with_headings_and_no_navigation(tmp_path: Path) -> None:
    doc = load_document(make_html(tmp_path / "missing.html"), knowledge_dir=tmp_path)
    assert (doc.title, doc.date, doc.review_due) == (
        "Missing from care protocol",
        dt.date(2026, 2, 1),
        dt.date(2027, 2, 1),
    )
    texts = " ".join(b.text for b in doc.blocks)
    assert "All procedures" not in texts and "Copyright" not in texts
    assert doc.blocks[0].heading_path[-1] == "Reporting a missing child"
    assert [b.list_item for b in doc.blocks] == [False, True, True]


def _encrypted_docx(path: Path) -> Path:
    # A password-protected Word file is an OLE container, not a zip.
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    return path


def _zip_that_is_not_docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "not a word document")
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (
            lambda p: (
                (p / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
                and p / "broken.pdf"
            ),
            "is not a readable PDF",
        ),
        (lambda p: make_pdf(p / "locked.pdf", password="secret"), "is password-protected"),
        (lambda p: make_blank_pdf(p / "scan.pdf"), "has no text layer"),
        (lambda p: _encrypted_docx(p / "locked.docx"), "is not a readable Word document"),
        (lambda p: _zip_that_is_not_docx(p / "odd.docx"), "is not a readable Word document"),
        (
            lambda p: (
                (p / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00") and p / "image.txt"
            ),
            "binary file",
        ),
        (
            lambda p: (p / "sheet.xlsx").write_bytes(b"PK\x03\x04") and p / "sheet.xlsx",
            "unsupported file type '.xlsx'",
        ),
    ],
    ids=[
        "corrupt-pdf",
        "encrypted-pdf",
        "scanned-pdf",
        "encrypted-docx",
        "zip-not-docx",
        "binary-txt",
        "xlsx",
    ],
)
def test_unreadable_files_are_named_with_the_reason(tmp_path: Path, make, reason: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(DocumentError, match=reason) as info:
        load_document(path, knowledge_dir=tmp_path)
    assert str(info.value).startswith(f"{path.name}:")


def test_a_build_skips_bad_files_and_indexes_the_rest(settings: Settings) -> None:
    k = settings.knowledge_dir
    make_docx(k / "visits.docx")
    make_pdf(k / "locked.pdf", password="secret")
    (k / "sheet.xlsx").write_bytes(b"PK\x03\x04")
    report = build_index(k, settings.index_dir, FakeEmbedder())
    assert "visits.docx" in report.added
    assert {f.source for f in report.failed} == {"locked.pdf", "sheet.xlsx"}
    assert "password-protected" in report.describe()


@pytest.fixture
def with_office_docs(settings: Settings, fake_embedder: FakeEmbedder) -> Runtime:
    (settings.knowledge_dir / "procedures").mkdir()
    make_docx(settings.knowledge_dir / "procedures" / "visits.docx")
    make_pdf(settings.knowledge_dir / "procedures" / "bundles.pdf")
    return start(settings, embedder=fake_embedder, progress=False)


def test_answers_cite_word_sections_and_pdf_pages(with_office_docs: Runtime) -> None:
    answer = with_office_docs.current().answer("when is the court bundle filed before the hearing")
    first = answer.passages[0].hit.chunk
    assert (first.source, first.section) == (
        "procedures/bundles.pdf",
        "Preparing the court bundle, p. 1",
    )
    answer = with_office_docs.current().answer("unannounced home visits neglect")
    first = answer.passages[0].hit.chunk
    assert (first.source, first.section) == ("procedures/visits.docx", "Unannounced visits, para 1")


def test_editing_one_document_re_reads_and_re_embeds_only_that_one(
    with_office_docs: Runtime, settings: Settings
) -> None:
    make_docx(
        settings.knowledge_dir / "procedures" / "visits.docx", extra=" Managers review it weekly."
    )
    embedder = FakeEmbedder()
    report = build_index(settings.knowledge_dir, settings.index_dir, embedder)
    assert report.changed == ["procedures/visits.docx"]
    assert report.parsed == 1
    assert report.embedded == 1  # the edited paragraph; the docx's other passages are unchanged
    assert all("Managers review it weekly" in t for t in embedder.calls[0])
