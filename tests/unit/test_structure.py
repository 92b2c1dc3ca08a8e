"""Structure recovery on documents in the shapes real procedures come in (issue 12): numbered
headings, pasted bullets, contents lists, site furniture, running headers, tables, dates in
the text, letters; and what each format makes of them."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from bot.ingest.chunking import chunk_document
from bot.ingest.documents import load_document
from bot.ingest.metadata import CatalogueEntry
from bot.ingest.structure import Line, recover
from bot.records import Document, Kind

PASTED = """7.1 Supervision of Staff
Skip to main content
Print this page
Home > Chapter 7 > Supervision
This chapter was updated in March 2025

Contents
1. Introduction
2. Frequency
3. Recording

1. Introduction
Good supervision is central to safe practice. It gives time to think.

2. Frequency
2.1 Newly qualified social workers
Supervision must take place:
• weekly for the first 6 weeks;
● fortnightly until the end of month 6;
o monthly after that.

3. Recording
The supervisor writes the record within 5 working days.
Review date: 1 May 2027

Related chapters
1.4 Case Recording
2.4 Core Groups
Back to top
"""


def _doc(tmp_path: Path, name: str, data: bytes | str, **kwargs: object) -> Document:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return load_document(path, knowledge_dir=tmp_path, **kwargs)  # type: ignore[arg-type]


def _sections(doc: Document) -> list[tuple[str, str]]:
    return [(c.section, c.text) for c in chunk_document(doc)]


def test_pasted_text_gets_numbered_headings_bullets_and_no_clutter(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "supervision.txt", PASTED)
    assert doc.title == "Supervision of Staff"
    assert doc.date == dt.date(2025, 3, 1) and doc.review_due == dt.date(2027, 5, 1)
    assert _sections(doc) == [
        (
            "1. Introduction, para 1",
            "Good supervision is central to safe practice. It gives time to think.",
        ),
        (
            "2. Frequency > 2.1 Newly qualified social workers, para 1",
            "Supervision must take place: weekly for the first 6 weeks; fortnightly until the "
            "end of month 6; monthly after that.",
        ),
        ("3. Recording, para 1", "The supervisor writes the record within 5 working days."),
    ]


def test_a_heading_is_never_a_passage_and_contents_entries_are_dropped(tmp_path: Path) -> None:
    text = "Contents\n1. Purpose\n2. Timescales\n\n1. Purpose\n\n2. Timescales\nWithin 15 days.\n"
    doc = _doc(tmp_path, "plan.txt", text)
    assert [c.text for c in chunk_document(doc)] == ["Within 15 days."]


WEB_PAGE = b"""<html><head><title>2.4 Core Groups | Westmere Procedures Manual</title>
<link rel="canonical" href="https://westmere.example/procedures/core-groups.html"></head>
<body><div class="skip-link"><a href="#c">Skip to main content</a></div>
<div id="cookie-banner"><p>We use cookies to improve this site.</p></div>
<nav><ul><li>Home</li><li>Chapter 2</li></ul></nav>
<div class="breadcrumbs">Home &gt; Chapter 2 &gt; Core Groups</div>
<div id="content"><h1>2.4 Core Groups</h1>
<p class="updated">This chapter was updated in October 2024.</p>
<p><strong>1. Frequency</strong></p>
<p>Core groups meet at least every 6 weeks.</p>
<h3>2. Timescales</h3>
<table><tr><th>Stage</th><th>When</th></tr>
<tr><td>First core group</td><td>Within 10 working days of the conference</td></tr>
<tr><td>Record sent</td><td>Within 5 working days</td></tr></table>
<div class="related-box"><h3>Related chapters</h3><ul><li>2.2 Conferences</li></ul></div>
</div><footer>Company Logo</footer></body></html>"""


def test_a_web_page_keeps_its_article_headings_table_rows_and_link(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "core-groups.html", WEB_PAGE)
    assert doc.title == "Core Groups"
    assert doc.url == "https://westmere.example/procedures/core-groups.html"
    assert doc.date == dt.date(2024, 10, 1)
    assert _sections(doc) == [
        ("1. Frequency, para 1", "Core groups meet at least every 6 weeks."),
        (
            "2. Timescales, para 1",
            "First core group — When: Within 10 working days of the conference",
        ),
        ("2. Timescales, para 2", "Record sent — When: Within 5 working days"),
    ]
    assert all(c.url == doc.url for c in chunk_document(doc))


def _docx(paragraphs: list[tuple[str, str, bool]], table: list[list[str]] | None = None) -> bytes:
    import docx

    document = docx.Document()
    for style, text, bold in paragraphs:
        paragraph = document.add_paragraph(style=style)
        paragraph.add_run(text).bold = bold
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, cell in enumerate(row):
                grid.cell(r, c).text = cell
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_word_procedure_drops_its_header_block_and_keeps_its_table(tmp_path: Path) -> None:
    data = _docx(
        [
            ("Normal", "Children and Families Service | Version 2.1 | OFFICIAL", False),
            ("Normal", "Document owner: Head of Service", False),
            ("Normal", "Visiting children", True),
            ("Heading 1", "1. Visiting frequency", False),
            ("Normal", "The table sets the minimum frequency.", False),
        ],
        table=[["Plan", "Frequency"], ["Child in need", "At least every 20 working days"]],
    )
    doc = _doc(tmp_path, "visits.docx", data)
    assert doc.title == "Visiting children"
    assert [c.text for c in chunk_document(doc)] == [
        "The table sets the minimum frequency.",
        "Child in need — Frequency: At least every 20 working days",
    ]


def test_pdf_running_headers_and_page_numbers_never_become_sections(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pages = [
        ("1. Purpose", "This guide explains how children looked after are reviewed."),
        ("2. Reviews", "Reviews are held every six months, chaired by the IRO."),
    ]
    header = "Westmere Council - Procedures Manual - OFFICIAL"
    for page, (heading, body) in enumerate(pages, 1):
        pdf.add_page()
        for line in (header, heading):
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
        pdf.multi_cell(0, 6, body)
        pdf.cell(0, 8, f"Page {page} of 2", new_x="LMARGIN", new_y="NEXT")
    doc = _doc(tmp_path, "guide.pdf", bytes(pdf.output()))
    sections = [c.section for c in chunk_document(doc)]
    assert sections == ["1. Purpose, p. 1", "2. Reviews, p. 2"]


LETTER = """Piccadilly Gate
Manchester
14 March 2024
Mrs J Smith
Director of Children's Services
Dear Mrs Smith
Focused visit to Westmere children's services
Headline findings
1. Strategy discussions are held promptly.
2. Core groups are well attended.
Ofsted will take the findings from this focused visit into account.
Yours sincerely
A Inspector
"""


def test_a_letter_in_findings_is_findings_with_its_date_and_no_letterhead(
    tmp_path: Path,
) -> None:
    doc = _doc(tmp_path, "findings/visit.txt", LETTER)
    assert doc.kind is Kind.FINDINGS
    assert doc.date == dt.date(2024, 3, 14)
    assert doc.metadata["local_authority"] == "Westmere"
    assert [(c.paragraph, c.text) for c in chunk_document(doc)] == [
        ("1", "Strategy discussions are held promptly."),
        ("2", "Core groups are well attended."),
    ]


def test_an_ofsted_letter_outside_findings_is_recognised(tmp_path: Path) -> None:
    body = "Dear Director\nOfsted focused visit to Westmere children's services\n1. Findings.\n"
    assert _doc(tmp_path, "uploads/letter.txt", body).kind is Kind.FINDINGS
    assert _doc(tmp_path, "uploads/visits.txt", "Visits\nVisit monthly.\n").kind is Kind.GUIDANCE


def test_the_catalogue_sets_what_the_file_cannot_say(tmp_path: Path) -> None:
    entry = CatalogueEntry(
        title="Home visits",
        kind=Kind.GUIDANCE,
        review_due=dt.date(2027, 1, 31),
        url="https://westmere.example/visits",
        owner="Head of Service",
    )
    doc = _doc(tmp_path, "scan-0042.txt", "Visits\nVisit monthly.\n", entry=entry)
    assert (doc.title, doc.review_due, doc.url, doc.owner) == (
        "Home visits",
        dt.date(2027, 1, 31),
        "https://westmere.example/visits",
        "Head of Service",
    )


def test_a_catalogue_url_must_be_a_web_address() -> None:
    with pytest.raises(ValueError, match="web address"):
        CatalogueEntry(url="file:///etc/passwd")


def test_identical_passages_in_one_document_are_indexed_once(tmp_path: Path) -> None:
    text = "Visits\nVisit monthly and record it.\n\nNotes\nVisit monthly and record it.\n"
    assert len(chunk_document(_doc(tmp_path, "v.txt", text))) == 1


def test_a_wrapped_line_is_not_taken_for_a_heading() -> None:
    found = recover(
        [
            Line("Inspectors looked at the arrangements for children in need and children"),
            Line("subject to a plan, and at how the front door works."),
        ]
    )
    assert [b.text for b in found.blocks] == [
        "Inspectors looked at the arrangements for children in need and children subject to "
        "a plan, and at how the front door works."
    ]
