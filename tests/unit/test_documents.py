import datetime as dt
from pathlib import Path

import pytest

from bot.errors import DocumentError
from bot.ingest.documents import find_documents, load_document
from bot.records import Kind


def test_markdown_front_matter_headings_and_numbered_points(knowledge: Path) -> None:
    doc = load_document(knowledge / "findings" / "letter.md", knowledge_dir=knowledge)
    assert (doc.title, doc.kind, doc.date) == (
        "Focused visit letter",
        Kind.FINDINGS,
        dt.date(2018, 11, 22),
    )
    assert [(b.heading_path, b.paragraph) for b in doc.blocks] == [
        (("Focused visit letter",), 1),
        (("Focused visit letter", "Findings"), 1),
        (("Focused visit letter", "Findings"), 2),
    ]
    assert doc.source == "findings/letter.md"


def test_guidance_dates_come_from_last_reviewed_and_review_due(knowledge: Path) -> None:
    doc = load_document(knowledge / "guidance" / "plans.md", knowledge_dir=knowledge)
    assert doc.kind is Kind.GUIDANCE
    assert doc.date == dt.date(2026, 1, 10)
    assert doc.review_due == dt.date(2027, 1, 10)


def test_document_without_front_matter_gets_defaults_from_its_name(tmp_path: Path) -> None:
    path = tmp_path / "home-visits_policy.md"
    path.write_text("Visits are recorded on the day.\n", encoding="utf-8")
    doc = load_document(path, knowledge_dir=tmp_path)
    assert doc.title == "Home visits policy"
    assert doc.kind is Kind.GUIDANCE
    assert doc.date is None


def test_plain_text_rejoins_a_sentence_cut_by_a_page_break(tmp_path: Path) -> None:
    path = tmp_path / "letter.txt"
    path.write_text(
        "Findings\n\n- Placements were identified promptly, and\n\n\n\n"
        "these met the children's needs.\n",
        encoding="utf-8",
    )
    doc = load_document(path, knowledge_dir=tmp_path)
    assert [b.text for b in doc.blocks] == [
        "Placements were identified promptly, and these met the children's needs."
    ]
    assert doc.blocks[0].heading_path[-1] == "Findings"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"caf\xe9 au lait", "is not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "looks like a binary file"),
        (b"", "has no text"),
        (b"   \n\n  ", "has no text"),
        (b"---\ntitle: [unclosed\n---\nText.\n", "front matter is not valid YAML"),
        (b"---\nkind: rumour\n---\nText.\n", "kind 'rumour' is not one of"),
        (b"---\nreview_due: next year\n---\nText.\n", "review_due 'next year' is not a date"),
    ],
)
def test_unreadable_documents_are_named_with_the_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = tmp_path / "broken.md"
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=reason) as info:
        load_document(path, knowledge_dir=tmp_path)
    assert str(info.value).startswith("broken.md:")


def test_find_documents_skips_hidden_files_and_other_formats(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("A.", encoding="utf-8")
    (tmp_path / "b.txt").write_text("B.", encoding="utf-8")
    (tmp_path / "glossary.yaml").write_text("terms: []", encoding="utf-8")
    (tmp_path / ".draft.md").write_text("D.", encoding="utf-8")
    assert [p.name for p in find_documents(tmp_path)] == ["a.md", "b.txt"]
