"""PostgreSQL as the shared backend: migrations at start-up, failing fast when the database is
gone, and one rebuild at a time across workers (the rebuild lock runs on both backends)."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import psycopg
import pytest
from pydantic import SecretStr

from bot import runtime as runtime_module
from bot.errors import ConfigError, IndexBusyError, StateUnavailableError
from bot.index.versions import build_lock
from bot.settings import Settings
from bot.stores.backends import open_stores, rebuild_lock
from bot.stores.migrations import MIGRATIONS, Migration
from bot.stores.postgres import PostgresDatabase
from bot.stores.postgres_state import PostgresState
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.stores import Backend


def _versions(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [v for (v,) in conn.execute("SELECT version FROM schema_version ORDER BY 1")]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # nothing listens once it is closed


def test_opening_migrates_once_and_again_is_a_no_op(postgres_url: str) -> None:
    first = PostgresDatabase.open(SecretStr(postgres_url))
    try:
        assert _versions(postgres_url) == [m.version for m in MIGRATIONS]
        assert first.migrate() == []
        later = (*MIGRATIONS, Migration(99, "a later step", "CREATE TABLE later (x INTEGER)"))
        assert first.migrate(later) == [99]  # a new release's step, applied on its start
        assert first.migrate(later) == []
    finally:
        first.close()


def test_workers_starting_together_apply_each_migration_once(postgres_url: str) -> None:
    opened: list[PostgresDatabase] = []
    failures: list[BaseException] = []
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait(timeout=10)
        try:
            opened.append(PostgresDatabase.open(SecretStr(postgres_url)))
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for database in opened:
        database.close()
    assert failures == [] and len(opened) == 4
    assert _versions(postgres_url) == [m.version for m in MIGRATIONS]


def test_a_database_that_cannot_be_reached_fails_fast_and_keeps_the_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level("DEBUG")
    url = SecretStr(f"postgresql://bot:hunter2@127.0.0.1:{_closed_port()}/practice")
    began = time.monotonic()
    with pytest.raises(StateUnavailableError) as caught:
        PostgresDatabase.open(url, connect_timeout=1)
    assert time.monotonic() - began < 10
    assert "hunter2" not in str(caught.value) and "hunter2" not in repr(caught.value)
    assert "hunter2" not in caplog.text  # the pool logs its failed attempts, never the URL


def test_a_url_that_is_not_postgresql_is_refused_without_repeating_it() -> None:
    with pytest.raises(ConfigError) as caught:
        PostgresDatabase.open(SecretStr("mysql://bot:hunter2@127.0.0.1/practice"))
    assert "hunter2" not in str(caught.value)
    settings = Settings(_env_file=None, database_url="postgresql://bot:hunter2@db/x")  # type: ignore[call-arg]
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.model_dump())


def test_losing_the_database_while_serving_is_a_prompt_error(postgres_url: str) -> None:
    """Connections refused and open ones cut, as when the server goes away: the next call
    raises the project's own error within the pool's wait, never hangs."""
    database = PostgresDatabase.open(SecretStr(postgres_url), connect_timeout=1, wait=2)
    state = PostgresState(database)
    try:
        assert state.put_first("events", "Ev1", "1", ttl=60)
        name = postgres_url.rsplit("/", 1)[1]
        with psycopg.connect(postgres_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
            c.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            c.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
        began = time.monotonic()
        with pytest.raises(StateUnavailableError):
            state.get("events", "Ev1")
        assert time.monotonic() - began < 10
    finally:
        database.close()


def _allow_connections(url: str, allowed: bool) -> None:
    """Let the test database take connections or not; refusing also cuts the open ones, as
    when the server goes away."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
        c.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            c.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )


def test_while_the_database_is_unreachable_calls_fail_at_once_until_it_is_back(
    postgres_url: str,
) -> None:
    """One call waits for a connection in vain; those right after it fail at once instead of
    each waiting as long (six such waits made one Slack answer take 30 s). Once the database
    takes connections again, it is used again within seconds."""
    database = PostgresDatabase.open(SecretStr(postgres_url), connect_timeout=1, wait=1)
    state = PostgresState(database)
    try:
        _allow_connections(postgres_url, False)
        with pytest.raises(StateUnavailableError, match="No database connection within"):
            state.get("events", "Ev1")
        with pytest.raises(StateUnavailableError, match="moments ago"):
            state.get("events", "Ev1")
        _allow_connections(postgres_url, True)
        deadline = time.monotonic() + 20
        while True:
            try:
                assert state.put_first("events", "Ev1", "1", ttl=60)
                break
            except StateUnavailableError:
                assert time.monotonic() < deadline, "the database was not used again"
                time.sleep(0.2)
    finally:
        _allow_connections(postgres_url, True)
        database.close()


def test_a_usage_store_that_loses_the_database_still_returns_an_answer_id(
    postgres_url: str,
) -> None:
    from bot.stores.postgres_stores import PostgresUsageStore
    from tests.unit.test_usage_store import _answer

    database = PostgresDatabase.open(SecretStr(postgres_url), connect_timeout=1, wait=1)
    store = PostgresUsageStore(database)
    try:
        name = postgres_url.rsplit("/", 1)[1]
        with psycopg.connect(postgres_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
            c.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            c.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
        assert store.record_answer(_answer("q"), user_id="U1", surface="dm")  # logged, not raised
        assert not store.record_verdict("x" * 32, user_id="U1", helpful=True)
    finally:
        database.close()


def test_open_stores_chooses_the_backend_from_the_settings(
    settings: Settings, postgres_url: str
) -> None:
    embedded = open_stores(settings)
    assert embedded.database is None and type(embedded.state).__name__ == "MemoryState"
    shared = open_stores(settings.model_copy(update={"database_url": SecretStr(postgres_url)}))
    try:
        assert type(shared.state).__name__ == "PostgresState"
        assert shared.usage.record_answer is not None and shared.audit.entries() == []
    finally:
        shared.close()


def _settings_on(backend: Backend, settings: Settings) -> Settings:
    url = SecretStr(backend.url) if backend.url else None
    return settings.model_copy(update={"database_url": url})


def test_two_rebuilds_at_once_one_runs_and_one_is_told_busy(
    backend: Backend, settings: Settings, tmp_path: Path
) -> None:
    """What `build()` takes: the rebuild lock, then the index folder's file lock. Embedded,
    two builds share one folder; on PostgreSQL they stand for two machines, each with its
    own index folder, so only the database can stop the second."""
    settings = _settings_on(backend, settings)
    shared = backend.url is None
    start, held = threading.Barrier(2), threading.Event()
    outcomes: list[str] = []

    def build(i: int) -> None:
        folder = tmp_path / ("index" if shared else f"index-{i}")
        start.wait(timeout=10)
        try:
            with rebuild_lock(settings), build_lock(folder):
                held.set()
                time.sleep(1.0)
            outcomes.append("ran")
        except IndexBusyError:
            outcomes.append("busy")

    threads = [threading.Thread(target=build, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["busy", "ran"]
    with rebuild_lock(settings), build_lock(tmp_path / "index"):
        pass  # free again once the first has finished


def test_a_build_waits_for_no_one_while_another_worker_rebuilds(
    settings: Settings, postgres_url: str
) -> None:
    settings = settings.model_copy(update={"database_url": SecretStr(postgres_url)})
    with rebuild_lock(settings), pytest.raises(IndexBusyError, match="Another worker"):
        runtime_module.build(settings, FakeEmbedder())
    report = runtime_module.build(settings, FakeEmbedder())  # the lock is free again
    assert report.chunks > 0


@pytest.mark.parametrize(("required", "outcome"), [(False, "skip"), (True, "fail")])
def test_without_the_server_the_tests_skip_here_and_fail_in_ci(
    monkeypatch: pytest.MonkeyPatch, required: bool, outcome: str
) -> None:
    from tests.fakes import postgres

    monkeypatch.setattr(postgres, "server_binaries", lambda: None)
    expected = pytest.fail.Exception if outcome == "fail" else pytest.skip.Exception
    with pytest.raises(expected, match="server binaries"):
        postgres.cluster_for_tests(required=required)
