"""The composition root: one answerer swap per new version, background loops that survive
failures and stop when asked."""

from __future__ import annotations

import threading
import time

import pytest

from bot.runtime import Runtime
from bot.stores.usage import UsageStore


def test_current_swaps_in_a_new_answerer_when_a_new_version_is_current(runtime: Runtime) -> None:
    before = runtime.current()
    (runtime.settings.knowledge_dir / "guidance" / "extra.md").write_text(
        "# Extra\n\n## Visits\n\nHome visits are recorded the same day.\n", encoding="utf-8"
    )
    runtime.rebuild()
    after = runtime.current()
    assert after is not before
    assert before.retriever.index.path != after.retriever.index.path
    assert after.policy is before.policy


def test_a_background_loop_survives_any_exception_and_stops_cleanly(runtime: Runtime) -> None:
    calls: list[int] = []
    twice = threading.Event()

    def flaky() -> bool:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("a malformed line in a version")  # not a PracticeBotError
        twice.set()
        return False

    runtime.reload_if_changed = flaky  # type: ignore[method-assign]
    thread = runtime.watch_index(interval=0.01)
    assert twice.wait(5), "the loop died after its first failure"
    runtime.stop()
    assert not thread.is_alive()
    seen = len(calls)
    time.sleep(0.05)
    assert len(calls) == seen  # stopped means stopped


def test_the_retention_loop_purges_at_once_then_waits(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    purged = threading.Event()
    ages: list[int] = []

    def purge(self: UsageStore, *, older_than_days: int) -> int:
        ages.append(older_than_days)
        purged.set()
        return 0

    monkeypatch.setattr(UsageStore, "purge", purge)
    thread = runtime.purge_daily()
    assert purged.wait(5)  # at start-up, not a day later
    runtime.stop()
    assert not thread.is_alive()
    assert ages == [runtime.settings.retention_days]
