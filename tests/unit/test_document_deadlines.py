"""One document must never freeze the bot (issue 18, finding 1): the patterns that read
contents lists run in linear time, and every document is read in a worker process that is
killed at its time limit, so the serving process keeps answering while a rebuild reads."""

from __future__ import annotations

import multiprocessing
import random
import re
import threading
import time
from pathlib import Path

import pytest

from bot.errors import UnreadableFile, UploadRefused
from bot.index.build import build_index
from bot.index.loaded import load_index
from bot.index.report import BuildReport
from bot.ingest import structure
from bot.ingest.documents import load_document
from bot.ingest.formats import ReadLimits, pdf
from bot.ingest.structure import heading_key
from bot.ingest.uploads import check_readable
from bot.runtime import Runtime, read_limits
from bot.settings import Settings
from bot.text import squash
from tests.fakes import readers
from tests.fakes.documents import make_pdf
from tests.fakes.embedder import FakeEmbedder

# The contents-line pattern as it was: quadratic on a long run of dots with no page number.
_OLD_LEADER = re.compile(r"(?:\s*\.{3,}|\s{2,}|\t)\s*\d{1,3}$")


def _write(knowledge: Path, name: str, text: str) -> Path:
    path = knowledge / "guidance" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_40000_dot_contents_line_is_read_in_well_under_a_second(knowledge: Path) -> None:
    """It took about 15 s, holding the interpreter lock the whole time."""
    text = "# Contents\n\nPurpose " + "." * 40_000 + "\n\n## Purpose\n\nVisits are monthly.\n"
    path = _write(knowledge, "dots.md", text)
    started = time.process_time()
    document = load_document(path, knowledge_dir=knowledge)
    assert time.process_time() - started < 1.0
    assert any("Visits are monthly." in b.text for b in document.blocks)


def test_leader_runs_of_every_kind_are_linear() -> None:
    for run in (".", " ", "\t", " .", ". "):
        started = time.process_time()
        heading_key("Purpose" + run * 40_000 + "x")
        assert time.process_time() - started < 0.5, repr(run)


def test_the_leader_is_found_exactly_as_before() -> None:
    """The linear form finds the same leader as the old pattern on every short line made of
    the characters that matter, so contents lists and headings read as they did."""
    rng = random.Random(18)
    alphabet = [" ", ".", "\t", "1", "2", "a", "P", "\n"]
    samples = ["Purpose ...... 4", "1. Introduction ......... 12", "Visits\t3", "A  1234"]
    samples += ["".join(rng.choices(alphabet, k=rng.randint(0, 14))) for _ in range(20_000)]
    for text in samples:
        found = _OLD_LEADER.search(text)
        assert bool(structure.has_leader(text)) == bool(found), repr(text)
        old = squash(_OLD_LEADER.sub("", structure._strip_number(text))).lower().rstrip(" .:")
        assert heading_key(text) == old, repr(text)


def test_a_build_reads_the_40000_dot_document_quickly(knowledge: Path, tmp_path: Path) -> None:
    _write(knowledge, "dots.md", "# Dots\n\nPurpose " + "." * 40_000 + "\n\nVisits are monthly.\n")
    started = time.monotonic()
    report = build_index(knowledge, tmp_path / "index", FakeEmbedder())
    assert time.monotonic() - started < 10.0  # the document alone took 15 s of CPU
    assert report.failed == []
    assert "guidance/dots.md" in report.added


def test_a_document_whose_reader_hangs_is_skipped_by_name_and_the_rest_published(
    knowledge: Path, tmp_path: Path
) -> None:
    _write(knowledge, "stuck.txt", "HANG\n\nVisits are monthly.\n")
    _write(knowledge, "visits.md", "# Visits\n\nVisits are recorded within one working day.\n")
    index_dir = tmp_path / "index"
    started = time.monotonic()
    report = build_index(
        knowledge,
        index_dir,
        FakeEmbedder(),
        limits=ReadLimits(seconds=2),
        prepare=readers.hanging_text,
    )
    assert time.monotonic() - started < 20.0  # killed at its limit, not left to hang
    assert [(f.source, "took over 2 s to read" in f.reason) for f in report.failed] == [
        ("guidance/stuck.txt", True)
    ]
    published = load_index(index_dir, model=FakeEmbedder.name).manifest
    # The document after the hung one was read by a fresh worker.
    assert {"guidance/plans.md", "guidance/visits.md"} <= {d.source for d in published.documents}
    assert [s.source for s in published.skipped] == ["guidance/stuck.txt"]
    again = build_index(
        knowledge,
        index_dir,
        FakeEmbedder(),
        limits=ReadLimits(seconds=2),
        prepare=readers.hanging_text,
    )
    assert again.parsed == 0 and [f.source for f in again.failed] == ["guidance/stuck.txt"]
    assert not [p for p in multiprocessing.active_children() if p.name == "document-reader"]


def test_a_reader_that_dies_is_a_named_skip_and_the_next_document_is_read(
    knowledge: Path, tmp_path: Path
) -> None:
    _write(knowledge, "crash.txt", "HANG\n")
    _write(knowledge, "visits.md", "# Visits\n\nVisits are recorded within one working day.\n")
    report = build_index(
        knowledge, tmp_path / "index", FakeEmbedder(), prepare=readers.crashing_text
    )
    assert [(f.source, "the reader stopped" in f.reason) for f in report.failed] == [
        ("guidance/crash.txt", True)
    ]
    assert "guidance/visits.md" in report.added


def test_an_upload_whose_reader_hangs_is_refused_within_the_limit() -> None:
    started = time.monotonic()
    with pytest.raises(UploadRefused, match="took over 1 s"):
        check_readable(
            "stuck.txt", b"HANG", limits=ReadLimits(seconds=1), prepare=readers.hanging_text
        )
    assert time.monotonic() - started < 20.0


def test_a_document_over_the_size_limit_is_skipped_unread(knowledge: Path, tmp_path: Path) -> None:
    _write(knowledge, "huge.md", "# Huge\n\n" + "Visits are monthly. " * 80_000)  # 1.5 MB
    report = build_index(
        knowledge, tmp_path / "index", FakeEmbedder(), limits=ReadLimits(max_bytes=2**20)
    )
    assert [(f.source, "is 1.5 MB (the limit is 1 MB)" in f.reason) for f in report.failed] == [
        ("guidance/huge.md", True)
    ]
    assert report.failed[0].sha256 is not None  # so an unchanged folder is not "changed"
    with pytest.raises(UploadRefused, match="over the 1 MB limit"):
        check_readable("huge.md", b"x" * (2**20 + 1), limits=ReadLimits(max_bytes=2**20))


def test_a_pdf_over_the_page_limit_is_skipped(knowledge: Path, tmp_path: Path) -> None:
    pages = [[f"Page {n} of the bundle guidance."] for n in range(3)]
    make_pdf(knowledge / "guidance" / "bundle.pdf", pages=pages)
    with pytest.raises(UnreadableFile, match="has 3 pages"):
        pdf.read((knowledge / "guidance" / "bundle.pdf").read_bytes(), max_pages=2)
    report = build_index(
        knowledge, tmp_path / "index", FakeEmbedder(), limits=ReadLimits(max_pdf_pages=2)
    )
    assert [(f.source, "has 3 pages (the limit is 2)" in f.reason) for f in report.failed] == [
        ("guidance/bundle.pdf", True)
    ]


def test_a_pdf_that_understates_its_pages_is_counted() -> None:
    import io

    from pypdf import PdfWriter
    from pypdf.generic import NameObject, NumberObject

    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=200, height=200)
    writer._root_object["/Pages"][NameObject("/Count")] = NumberObject(1)
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(UnreadableFile, match="has 3 pages"):
        pdf.read(out.getvalue(), max_pages=2)


def test_reading_limits_come_from_settings(settings: Settings) -> None:
    limits = read_limits(
        settings.model_copy(
            update={"document_seconds": 5.0, "max_document_mb": 2, "max_pdf_pages": 10}
        )
    )
    assert limits == ReadLimits(seconds=5.0, max_bytes=2 * 2**20, max_pdf_pages=10)
    assert read_limits(settings) == ReadLimits(seconds=30.0, max_bytes=50 * 2**20)


def test_questions_are_answered_promptly_while_a_rebuild_reads_a_hanging_document(
    runtime: Runtime, settings: Settings
) -> None:
    """The serving process keeps answering while the rebuild thread waits on a reader that
    holds its interpreter lock: it holds the worker's, not the bot's."""
    _write(settings.knowledge_dir, "stuck.txt", "HANG\n")
    reports: list[BuildReport] = []

    def rebuild() -> None:
        reports.append(
            build_index(
                settings.knowledge_dir,
                settings.index_dir,
                runtime.embedder,
                limits=ReadLimits(seconds=3),
                prepare=readers.hanging_text,
            )
        )

    building = threading.Thread(target=rebuild, name="rebuild")
    building.start()
    # Each wait runs from the moment one answer is out to the next (a pause for the next
    # question included): a thread starved of the interpreter lock cannot even wake up.
    waits: list[float] = []
    last = time.monotonic()
    while building.is_alive() and len(waits) < 500:
        time.sleep(0.02)
        assert runtime.current().answer("can a child have a second CP plan?").answered
        waits.append(time.monotonic() - last)
        last = time.monotonic()
    building.join(30)
    assert len(waits) >= 10  # questions were asked all the while the reader hung
    assert max(waits) < 2.0
    assert [f.source for f in reports[0].failed] == ["guidance/stuck.txt"]
