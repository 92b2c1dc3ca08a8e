"""The realistic Westmere manual (tests/corpora/manual, written for these tests in the shapes
real procedures come in) as the bot reads it: no passage that is only a heading or a contents
entry, the dates and titles the documents state, findings recognised."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.ingest.chunking import chunk_document
from bot.ingest.documents import find_documents, load_document
from bot.ingest.structure import heading_key
from bot.records import Document, Kind

MANUAL = Path(__file__).resolve().parents[1] / "corpora" / "manual"

# What each document states about itself, read by a person from the files.
STATED = {
    "findings/ofsted-focused-visit-2024-03-14.pdf": (dt.date(2024, 3, 14), None),
    "procedures/allegations-against-people-who-work-with-children.txt": (dt.date(2025, 1, 1), None),
    "procedures/case-recording-and-case-closure.txt": (dt.date(2024, 8, 1), None),
    "procedures/children-in-need-plans-and-reviews.html": (dt.date(2023, 6, 1), None),
    "procedures/children-looked-after-reviews-and-the-iro.pdf": (
        dt.date(2025, 3, 1),
        dt.date(2027, 5, 1),
    ),
    "procedures/core-groups-and-child-protection-plans.html": (
        dt.date(2024, 1, 1),
        dt.date(2025, 1, 1),
    ),
    "procedures/edge-of-care-and-family-group-conferences.md": (dt.date(2025, 2, 12), None),
    "procedures/initial-child-protection-conferences.html": (dt.date(2025, 3, 1), None),
    "procedures/missing-children-and-return-home-interviews.html": (None, dt.date(2027, 5, 1)),
    "procedures/strategy-discussions-and-section-47.html": (dt.date(2024, 10, 1), None),
    "procedures/supervision-of-social-work-staff.txt": (dt.date(2025, 3, 1), None),
    "procedures/transitions-and-pathway-planning-for-care-leavers.pdf": (
        dt.date(2023, 11, 1),
        dt.date(2024, 11, 30),
    ),
    "procedures/visiting-children-subject-to-plans.docx": (
        dt.date(2024, 6, 1),
        dt.date(2026, 6, 1),
    ),
}


@pytest.fixture(scope="module")
def documents() -> list[Document]:
    return [load_document(p, knowledge_dir=MANUAL) for p in find_documents(MANUAL)]


def test_no_passage_is_only_a_heading_or_a_contents_entry(documents: list[Document]) -> None:
    bad = []
    for doc in documents:
        headings = {heading_key(h) for b in doc.blocks for h in b.heading_path}
        for chunk in chunk_document(doc):
            text = chunk.text
            if heading_key(text) in headings or (len(text.split()) < 4 and text[-1] not in ".;:"):
                bad.append(f"{chunk.source} · {chunk.section}: {text!r}")
    assert bad == []


def test_no_site_furniture_is_indexed(documents: list[Document]) -> None:
    furniture = ("skip to main content", "cookies", "back to top", "company logo", "print this")
    found = [
        (c.source, c.text[:60])
        for d in documents
        for c in chunk_document(d)
        if any(f in c.text.lower() for f in furniture)
    ]
    assert found == []


@pytest.mark.parametrize("source", sorted(STATED))
def test_the_dates_a_document_states_are_its_dates(source: str) -> None:
    doc = load_document(MANUAL / source, knowledge_dir=MANUAL)
    assert (doc.date, doc.review_due) == STATED[source]


def test_titles_carry_no_site_name_or_chapter_number(documents: list[Document]) -> None:
    assert [d.title for d in documents if "|" in d.title or d.title[:1].isdigit()] == []
    assert "Westmere Children's Services Procedures Manual" not in {d.title for d in documents}


def test_the_inspection_letter_is_findings_and_nothing_else_is(documents: list[Document]) -> None:
    assert {d.source for d in documents if d.kind is Kind.FINDINGS} == {
        "findings/ofsted-focused-visit-2024-03-14.pdf"
    }


def test_a_pdf_running_header_is_no_section_name(documents: list[Document]) -> None:
    sections = {c.section for d in documents for c in chunk_document(d)}
    assert not [s for s in sections if "OFFICIAL" in s or "Procedures Manual" in s]
