"""The shared State (bot/stores/state.py): each test runs on memory and on PostgreSQL, with the
clock moved by hand, and the two must behave alike."""

from __future__ import annotations

import threading
from collections.abc import Callable

from bot.stores.state import MemoryState
from tests.fakes.stores import Backend, FakeClock


def _race(threads: int, work: Callable[[int], object]) -> list[object]:
    """Run work(0..threads-1) at once on as many threads; their results, in order."""
    start = threading.Barrier(threads)
    results: list[object] = [None] * threads

    def run(i: int) -> None:
        start.wait(timeout=10)
        results[i] = work(i)

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert not any(w.is_alive() for w in workers)
    return results


def test_the_first_writer_wins_and_keeps_its_value(backend: Backend) -> None:
    state = backend.state()
    assert state.put_first("answers", "a1", '{"asker": "U1"}', ttl=60)
    assert not state.put_first("answers", "a1", '{"asker": "U2"}', ttl=60)
    assert state.get("answers", "a1") == '{"asker": "U1"}'
    assert state.get("answers", "a2") is None
    assert state.get("threads", "a1") is None  # namespaces are apart


def test_the_first_writer_wins_when_threads_race(backend: Backend) -> None:
    """Eight threads (on PostgreSQL, eight pooled connections: as good as eight workers)
    write one key at once: exactly one is told it stored it, and its value is the one kept."""
    state = backend.state()
    stored = _race(8, lambda i: state.put_first("events", "Ev1", f"worker-{i}", ttl=3600))
    assert stored.count(True) == 1
    assert state.get("events", "Ev1") == f"worker-{stored.index(True)}"


def test_a_record_expires_after_its_ttl_by_the_injected_clock(backend: Backend) -> None:
    state, clock = backend.state(), backend.clock
    state.put_first("signatures", "v0=abc", "1", ttl=300)
    clock.now += 299.9
    assert state.get("signatures", "v0=abc") == "1"
    clock.now += 0.1
    assert state.get("signatures", "v0=abc") is None
    # Once expired, the key is free: the next writer wins again, with its own value.
    assert state.put_first("signatures", "v0=abc", "2", ttl=300)
    assert state.get("signatures", "v0=abc") == "2"


def test_writing_again_renews_a_record_but_keeps_its_first_value(backend: Backend) -> None:
    """As the thread memory does: a thread answered in again is remembered for another day,
    still with its first question (a private thread stays private)."""
    state, clock = backend.state(), backend.clock
    state.put_first("threads", "C1:1.0", '{"private": true}', ttl=100)
    clock.now += 90
    assert not state.put_first("threads", "C1:1.0", '{"private": false}', ttl=100)
    clock.now += 90  # 180 s after the first write, 90 after the second
    assert state.get("threads", "C1:1.0") == '{"private": true}'
    clock.now += 10
    assert state.get("threads", "C1:1.0") is None


def test_a_counter_counts_within_a_sliding_window(backend: Backend) -> None:
    state, clock = backend.state(), backend.clock
    assert [state.incr("asked", "U1", window=60) for _ in range(3)] == [1, 2, 3]
    assert state.incr("asked", "U2", window=60) == 1  # each person apart
    clock.now += 30
    assert state.incr("asked", "U1", window=60) == 4
    clock.now += 30  # the first three leave the window; the one at 30 s stays
    assert state.incr("asked", "U1", window=60) == 2
    clock.now += 61
    assert state.incr("asked", "U1", window=60) == 1


def test_a_limited_counter_refuses_without_counting_the_refusal(backend: Backend) -> None:
    state, clock = backend.state(), backend.clock
    assert [state.incr("asked", "U1", window=60, limit=2) for _ in range(4)] == [1, 2, 3, 3]
    clock.now += 60  # refusals did not count, so the window is clear once the two leave it
    assert state.incr("asked", "U1", window=60, limit=2) == 1


def test_a_limited_counter_holds_its_limit_when_threads_race(backend: Backend) -> None:
    state = backend.state()
    counts = _race(10, lambda i: state.incr("asked", "U1", window=60, limit=4))
    assert sorted(counts) == [1, 2, 3, 4, *[5] * 6]  # type: ignore[type-var]


def test_purge_deletes_only_what_has_expired(backend: Backend) -> None:
    state, clock = backend.state(), backend.clock
    state.put_first("answers", "old", "x", ttl=10)
    state.put_first("answers", "new", "y", ttl=100)
    state.incr("asked", "U1", window=10)
    state.incr("asked", "U2", window=100)
    clock.now += 50
    assert state.purge_expired() == 2
    assert state.purge_expired() == 0
    assert state.get("answers", "new") == "y"
    assert state.incr("asked", "U2", window=100) == 2


def test_memory_state_is_bounded_per_namespace_forgetting_the_oldest() -> None:
    state = MemoryState(clock=FakeClock(), limits={"briefs": 2})
    for key in ("b1", "b2", "b3"):
        state.put_first("briefs", key, key, ttl=3600)
    assert [state.get("briefs", k) for k in ("b1", "b2", "b3")] == [None, "b2", "b3"]
    for user in ("U1", "U2", "U3"):
        state.incr("briefs", user, window=60)
    assert state.incr("briefs", "U1", window=60) == 1  # the quietest person was forgotten


def test_a_shared_schedule_sends_once_a_period_whichever_worker_asks(backend: Backend) -> None:
    """The digest's schedule on the shared State: two workers (two schedules on one State)
    and a restart never send one period twice; the next period's send is due a period after
    the last, and a turn one worker holds is not given to another."""
    import datetime as dt

    from bot.stores.schedule import SharedSchedule

    state = backend.state()
    start = dt.datetime.fromtimestamp(backend.clock.now, dt.UTC)

    def worker() -> SharedSchedule:
        def now() -> dt.datetime:
            return dt.datetime.fromtimestamp(backend.clock.now, dt.UTC)

        return SharedSchedule(state, "digest", every=dt.timedelta(days=7), clock=now)

    first, second = worker(), worker()
    assert first.due() and second.due()
    with first.turn() as mine:
        assert mine
        with second.turn() as theirs:
            assert not theirs
        first.mark_sent(start)
    assert not first.due() and not worker().due()  # another worker, or a restart
    backend.clock.now += 6 * 86400 + 23 * 3600
    assert not second.due()
    backend.clock.now += 3600 + 1
    assert second.due()
    with second.turn() as now_theirs:  # the first turn's lease has long lapsed
        assert now_theirs
