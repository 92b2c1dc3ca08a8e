"""Manual text pasted into a .md file without heading marks (issue 20, part 6): it is read as
the same text in a .txt file is, a heading is never a passage on its own and a box label
("AMENDMENT") never names the sections below it; real Markdown reads as it always did."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import bot.ingest.formats.markdown as markdown
from bot.ingest.chunking import chunk_document
from bot.ingest.documents import find_documents, load_document
from bot.ingest.structure import heading_key, lone_heading
from bot.records import Document

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"
MANUAL = Path(__file__).resolve().parents[1] / "corpora" / "manual" / "procedures"

# A chapter in the shape of an online procedures manual (tri.x and the like), copied from the
# web page and pasted as it came: no heading marks, numbered headings, pasted bullets, an
# amendment box, the "updated" line, a contents list, a table copied with tabs between its
# cells under a caption, and the related chapters box.
PASTED_MANUAL = """3.4 Core Groups and Review Meetings
Skip to main content
Print this page
Home > Chapter 3 Child Protection > 3.4 Core Groups and Review Meetings

AMENDMENT
In March 2025 the timescale for the first core group was shortened from 15 to 10 working days, \
and Section 4 on agency attendance was added.

This chapter was updated in March 2025

Contents
1. Introduction
2. The First Core Group
3. Timescales
4. Agency Attendance
Appendix A: Core Group Agenda

1. Introduction
A core group is the small team of family members and professionals who carry out the child \
protection plan between conferences. The allocated social worker leads the group.
Every core group is recorded on the child's file so that the next conference can see what has \
changed for the child.

2. The First Core Group
2.1 Purpose of the meeting
The first core group turns the outline plan agreed at conference into a detailed plan, with \
named people, actions and dates for each of them.
2.2 Who should attend
The following people are invited:
• the child, where old enough to take part, and their parents or carers;
• the allocated social worker, who chairs the meeting;
• every professional named in the outline plan.

3. Timescales
Table 1: Core group timescales
Meeting\tWhen it must happen
First core group\tWithin 10 working days of the initial conference
Later core groups\tAt least every 4 weeks until the plan ends

If a meeting cannot go ahead on time, the team manager must agree a new date and record the \
reason on the child's file.

4. Agency Attendance
Agencies named in the plan are expected to send someone who knows the child. When an agency \
misses two core groups in a row, the social worker should raise it with its safeguarding lead.

Appendix A: Core Group Agenda
Welcome and introductions, what has happened since the last meeting, progress on each action \
and the date of the next meeting.

Related Chapters
3.3 Initial Child Protection Conferences
3.5 Child Protection Review Conferences
Back to top
"""


def _doc(tmp_path: Path, name: str, text: str) -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_document(path, knowledge_dir=tmp_path)


def _passages(doc: Document) -> list[tuple[tuple[str, ...], str | None, str]]:
    return [(c.heading_path, c.paragraph, c.text) for c in chunk_document(doc)]


def test_unmarked_manual_text_reads_the_same_as_md_and_as_txt(tmp_path: Path) -> None:
    md, txt = _doc(tmp_path, "core.md", PASTED_MANUAL), _doc(tmp_path, "core.txt", PASTED_MANUAL)
    stated = ("Core Groups and Review Meetings", dt.date(2025, 3, 1))
    assert (md.title, md.date) == (txt.title, txt.date) == stated
    assert _passages(md) == _passages(txt)
    sections = [c.section for c in chunk_document(md)]
    assert sections == [
        "3.4 Core Groups and Review Meetings, para 1",  # the amendment box: no section of its own
        "1. Introduction, para 1",
        "1. Introduction, para 2",
        "2. The First Core Group > 2.1 Purpose of the meeting, para 1",
        "2. The First Core Group > 2.2 Who should attend, para 1",
        "3. Timescales, para 1",
        "3. Timescales, para 2",
        "3. Timescales, para 3",
        "4. Agency Attendance, para 1",
        "Appendix A: Core Group Agenda, para 1",
    ]


@pytest.mark.parametrize("name", sorted(p.name for p in MANUAL.glob("*.txt")))
def test_the_manual_corpus_text_files_read_the_same_saved_as_md(tmp_path: Path, name: str) -> None:
    text = (MANUAL / name).read_text(encoding="utf-8")
    md, txt = _doc(tmp_path, "chapter.md", text), _doc(tmp_path, "chapter.txt", text)
    assert (md.title, md.date, md.review_due) == (txt.title, txt.date, txt.review_due)
    assert _passages(md) == _passages(txt)


@pytest.mark.parametrize("name", ["core.md", "core.txt"])
def test_no_heading_or_box_label_is_a_passage_or_names_one(tmp_path: Path, name: str) -> None:
    doc = _doc(tmp_path, name, PASTED_MANUAL)
    chunks = chunk_document(doc)
    headings = {heading_key(h) for c in chunks for h in c.heading_path}
    assert [c.text for c in chunks if heading_key(c.text) in headings or lone_heading(c.text)] == []
    named = {h.lower() for c in chunks for h in c.heading_path}
    assert not named & {"amendment", "table 1: core group timescales", "related chapters"}
    assert not any(h.startswith(("first core group", "later core groups")) for h in named)
    texts = " ".join(c.text for c in chunks)
    assert "Review Conferences" not in texts and "Back to top" not in texts
    # The table's rows carry their header cells; the paragraph after it is under "3. Timescales".
    assert "First core group — When it must happen: Within 10 working days" in texts


MIXED = """---
title: Core groups
---
# Core groups

Westmere's arrangements are set out below; read [the conference chapter](conf.md) first.

## Part 1: The meetings

1. Introduction
A core group is the small team of family members and professionals who carry out the plan.

2. The First Core Group
2.1 Purpose of the meeting
The first core group turns the outline plan into a detailed plan.

## Part 2: Recording

The minutes of each core group must be sent out within **5 working days**. They record:

1. Progress on each action
2. New concerns

### Key points

- Minutes go to every member.
- Parents receive a copy in plain language.
"""


def test_mixed_markdown_recovers_pasted_stretches_under_its_marks(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "mixed.md", MIXED)
    assert doc.title == "Core groups"
    assert [(c.section, c.text) for c in chunk_document(doc)] == [
        (
            "Introduction, para 1",
            "Westmere's arrangements are set out below; read the conference chapter first.",
        ),
        (
            "Part 1: The meetings > 1. Introduction, para 1",
            "A core group is the small team of family members and professionals who carry out "
            "the plan.",
        ),
        (
            "Part 1: The meetings > 2. The First Core Group > 2.1 Purpose of the meeting, para 1",
            "The first core group turns the outline plan into a detailed plan.",
        ),
        # A marked stretch is Markdown's: its short numbered items stay list items.
        (
            "Part 2: Recording, para 1",
            "The minutes of each core group must be sent out within 5 working days. They "
            "record: Progress on each action New concerns",
        ),
        (
            "Part 2: Recording > Key points, para 1",
            "Minutes go to every member. Parents receive a copy in plain language.",
        ),
    ]


MARKED = """---
title: Strategy discussions
last_reviewed: 2026-01-05
---
# Strategy discussions

_Starter note._ A strategy discussion is held **whenever** there is reasonable cause to \
suspect significant harm.

## Who takes part

1. Children's social care
2. Police
3. Health

## Timescales

- Within **one working day** of the referral.
- Sooner if the child is at [immediate risk](https://example.org/risk).
"""


def test_marked_markdown_reads_as_before(tmp_path: Path) -> None:
    doc = _doc(tmp_path, "strategy.md", MARKED)
    assert (doc.title, doc.date) == ("Strategy discussions", dt.date(2026, 1, 5))
    assert [(c.section, c.text) for c in chunk_document(doc)] == [
        (
            "Introduction, para 1",
            "Starter note. A strategy discussion is held whenever there is reasonable cause to "
            "suspect significant harm.",
        ),
        ("Who takes part, para 1", "Children's social care"),
        ("Who takes part, para 2", "Police"),
        ("Who takes part, para 3", "Health"),
        (
            "Timescales, para 1",
            "Within one working day of the referral. Sooner if the child is at immediate risk.",
        ),
    ]


def test_the_starter_knowledge_is_read_as_markdown(monkeypatch: pytest.MonkeyPatch) -> None:
    """No stretch of the starter notes is taken for pasted text, so they chunk as before."""
    pasted: list[list[str]] = []
    original = markdown._pasted

    def spy(lines: list[str], *, marked: bool) -> bool:
        if found := original(lines, marked=marked):
            pasted.append(lines)
        return found

    monkeypatch.setattr(markdown, "_pasted", spy)
    for path in find_documents(KNOWLEDGE):
        if path.suffix == ".md":
            load_document(path, knowledge_dir=KNOWLEDGE)
    assert pasted == []


WEB_BOX = b"""<html><body><div id="content"><h1>Private fostering</h1>
<p><strong>AMENDMENT</strong></p>
<p>In May 2025 the visiting frequency in Section 2 was changed to every 6 weeks.</p>
<h2>1. Notification</h2>
<p>A private fostering arrangement must be notified to the local authority.</p>
<p>Table 2: Visits</p>
<p>2. Visits</p>
<p>The social worker visits every 6 weeks in the first year.</p>
</div></body></html>"""


def test_a_box_label_in_a_web_page_names_no_section(tmp_path: Path) -> None:
    path = tmp_path / "fostering.html"
    path.write_bytes(WEB_BOX)
    doc = load_document(path, knowledge_dir=tmp_path)
    assert [(c.section, c.text) for c in chunk_document(doc)] == [
        (
            "Introduction, para 1",
            "In May 2025 the visiting frequency in Section 2 was changed to every 6 weeks.",
        ),
        (
            "1. Notification, para 1",
            "A private fostering arrangement must be notified to the local authority.",
        ),
        ("2. Visits, para 1", "The social worker visits every 6 weeks in the first year."),
    ]
