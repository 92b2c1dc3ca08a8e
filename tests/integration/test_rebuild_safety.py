"""Rebuilding while the bot answers: no failed question, no lost index, one build at a time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.index.build import build_index
from bot.index.loaded import load_index
from bot.index.versions import current_name, list_versions
from bot.runtime import Runtime
from bot.settings import Settings
from tests.fakes.embedder import FakeEmbedder

REPO = Path(__file__).resolve().parents[2]


def _add_paragraphs(knowledge: Path, name: str, count: int, word: str = "placement") -> None:
    body = "\n\n".join(
        f"Paragraph {n} about {word} stability number {n} and the review of it."
        for n in range(count)
    )
    (knowledge / "guidance" / name).write_text(f"# {name}\n\n{body}\n", encoding="utf-8")


def test_questions_keep_being_answered_while_the_index_is_rebuilt_and_swapped(
    runtime: Runtime, settings: Settings
) -> None:
    stop = threading.Event()
    errors: list[BaseException] = []
    answered: list[bool] = []

    def ask() -> None:
        while not stop.is_set():
            try:
                answer = runtime.current().answer("can a child have a second CP plan?")
                answered.append(
                    answer.answered and answer.passages[0].hit.chunk.source == "guidance/plans.md"
                )
            except BaseException as exc:  # any failure at all counts
                errors.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    versions = set()
    try:
        for n in range(5):
            _add_paragraphs(settings.knowledge_dir, f"extra-{n}.md", 80, word=f"topic{n}")
            runtime.rebuild()
            versions.add(runtime.index.path.name)
            assert (
                runtime.current().answer(f"topic{n} stability").passages[0].hit.chunk.source
                == f"guidance/extra-{n}.md"
            )
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert errors == []
    assert len(versions) == 5
    assert len(answered) > 20 and all(answered)


def test_a_version_built_by_another_process_is_picked_up_without_restart(
    runtime: Runtime, settings: Settings
) -> None:
    before = runtime.index.path.name
    _add_paragraphs(settings.knowledge_dir, "fostering.md", 3, word="fostering")
    build_index(settings.knowledge_dir, settings.index_dir, FakeEmbedder())
    cited = {p.hit.chunk.source for p in runtime.current().answer("fostering stability").passages}
    assert "guidance/fostering.md" not in cited  # still the old version
    watcher = runtime.watch_index(interval=0.05)
    deadline = time.monotonic() + 5
    while runtime.index.path.name == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert watcher.is_alive()
    assert (
        runtime.current().answer("fostering stability").passages[0].hit.chunk.source
        == "guidance/fostering.md"
    )


@pytest.mark.parametrize("where", ["embedding", "writing"])
def test_kill_9_mid_rebuild_leaves_the_old_index_serving_and_the_next_build_works(
    runtime: Runtime, settings: Settings, tmp_path: Path, where: str
) -> None:
    before = current_name(settings.index_dir)
    _add_paragraphs(settings.knowledge_dir, "big.md", 200)
    marker = tmp_path / "stalled"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fakes.slow_build",
            str(settings.knowledge_dir),
            str(settings.index_dir),
            str(marker),
            where,
        ],
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert process.poll() is None, "the build process ended before it could be killed"
            assert time.monotonic() < deadline, "the build never reached the point to kill it"
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL
    # The old version is still current, loads, and answers.
    assert current_name(settings.index_dir) == before
    assert load_index(settings.index_dir, model=FakeEmbedder.name).path.name == before
    assert runtime.current().answer("second cp plan").answered
    if where == "writing":
        assert list((settings.index_dir / "versions").glob(".staging-*"))  # left by the kill
    # The lock died with the process: the next build runs, succeeds and tidies up.
    report = build_index(settings.knowledge_dir, settings.index_dir, FakeEmbedder())
    assert "guidance/big.md" in report.added
    assert current_name(settings.index_dir) == report.version != before
    assert not list((settings.index_dir / "versions").glob(".staging-*"))
    assert runtime.reload_if_changed()


def test_rollback_returns_to_the_previous_version(runtime: Runtime, settings: Settings) -> None:
    from bot.index.build import rollback

    first = current_name(settings.index_dir)
    _add_paragraphs(settings.knowledge_dir, "fostering.md", 3, word="fostering")
    second = runtime.rebuild().version
    assert rollback(settings.index_dir, model=FakeEmbedder.name) == (second, first)
    assert runtime.reload_if_changed()
    sources = {d.source for d in runtime.index.manifest.documents}
    assert "guidance/fostering.md" not in sources
    assert list_versions(settings.index_dir) == sorted([first, second])


def test_a_broken_current_version_at_start_up_serves_the_previous_good_one(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    from bot.index.versions import current_version_path
    from bot.runtime import start

    first = build_index(settings.knowledge_dir, settings.index_dir, FakeEmbedder()).version
    _add_paragraphs(settings.knowledge_dir, "fostering.md", 3, word="fostering")
    build_index(settings.knowledge_dir, settings.index_dir, FakeEmbedder())
    (current_version_path(settings.index_dir) / "chunks.jsonl").write_text("{not json", "utf-8")
    runtime = start(settings, embedder=fake_embedder, progress=False)
    assert runtime.index.path.name == first
    assert runtime.current().answer("second cp plan").answered


def test_a_broken_index_with_nothing_to_fall_back_on_is_one_clear_error(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    from bot.errors import IndexMismatchError
    from bot.index.versions import current_version_path
    from bot.runtime import start

    build_index(settings.knowledge_dir, settings.index_dir, FakeEmbedder())
    (current_version_path(settings.index_dir) / "dense.faiss").write_bytes(b"garbage")
    with pytest.raises(IndexMismatchError, match="practice-bot index build"):
        start(settings, embedder=fake_embedder, progress=False)


def test_a_version_that_cannot_be_loaded_is_not_served_and_is_audited_once(
    runtime: Runtime, settings: Settings, tmp_path: Path
) -> None:
    """A worker whose index watcher meets a version it cannot load (here, one whose folder
    another machine has not finished copying) keeps serving the one it has, and says so once
    in the audit log, not every five seconds."""
    from bot.stores.audit import AuditLog

    before = runtime.index.path.name
    (settings.index_dir / "CURRENT").write_text("v-not-there\n", encoding="utf-8")
    audit = AuditLog(tmp_path / "audit.sqlite3")
    watcher = runtime.watch_index(interval=0.05, audit=audit)
    deadline = time.monotonic() + 5
    while not audit.entries(limit=5) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # several more checks of the same version
    assert watcher.is_alive()
    [entry] = audit.entries(limit=5)
    assert (entry.action, entry.target, entry.result) == ("load_index", "v-not-there", "failed")
    assert f"still serving {before}" in entry.detail
    assert runtime.index.path.name == before
    assert runtime.current().answer("rcpc timescale").passages
