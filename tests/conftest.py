"""Shared fixtures: a deterministic fake embedder, a small knowledge base on disk, the runtime
over them, and the Bolt app served on loopback (tests/fakes holds what they are made of)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot import runtime as runtime_module
from bot.cli.main import cli
from bot.runtime import Runtime, start
from bot.settings import Settings
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.knowledge import REPO, write_knowledge


@pytest.fixture(autouse=True)
def _no_real_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real tokens or settings on the developer's machine must never leak into tests."""
    import os

    for name in list(os.environ):
        if name.startswith(("SLACK_", "PRACTICE_BOT_")):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    return write_knowledge(tmp_path / "knowledge")


@pytest.fixture
def settings(tmp_path: Path, knowledge: Path) -> Settings:
    prompts = tmp_path / "prompts"
    shutil.copytree(REPO / "prompts", prompts)
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=knowledge,
        index_dir=tmp_path / "index",
        data_dir=tmp_path / "data",
        prompts_dir=prompts,
        # The fake embedder's similarities are coarser than the real model's.
        strong_similarity=0.6,
        min_similarity=0.2,
        min_coverage=0.6,
        # Unit tests exercise the rule with the fake embedder; the reader has its own tests
        # (a fake reader in tests/unit, the shipped model in tests/integration).
        reader=False,
    )


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def runtime(settings: Settings, fake_embedder: FakeEmbedder) -> Runtime:
    return start(settings, embedder=fake_embedder, progress=False)


@pytest.fixture
def bot(settings: Settings, fake_embedder: FakeEmbedder):  # type: ignore[no-untyped-def]
    """The Bolt app on a loopback port against a fake Slack Web API (tests/fakes/slack.py)."""
    from tests.fakes.slack import serve_bot

    yield from serve_bot(settings, fake_embedder)


@pytest.fixture
def run(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The CLI as a user runs it, with the fake embedder and the test folders (and the
    fixture's thresholds, which suit the fake embedder)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(runtime_module, "make_embedder", lambda s: FakeEmbedder())
    for name in ("knowledge_dir", "index_dir", "prompts_dir", "data_dir"):
        monkeypatch.setenv(f"PRACTICE_BOT_{name.upper()}", str(getattr(settings, name)))
    monkeypatch.setenv("PRACTICE_BOT_MODEL", FakeEmbedder.name)  # what rollback checks against
    monkeypatch.setenv("PRACTICE_BOT_READER", "off")  # the fixture's thresholds are the rule's
    for name in ("strong_similarity", "min_similarity", "min_coverage"):
        monkeypatch.setenv(f"PRACTICE_BOT_{name.upper()}", str(getattr(settings, name)))

    def invoke(*args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(cli, list(args), input=stdin, catch_exceptions=False)

    return invoke


@pytest.fixture(scope="session")
def postgres_cluster():  # type: ignore[no-untyped-def]
    """A private PostgreSQL server on 127.0.0.1 for the session (tests/fakes/postgres.py):
    skipped where the server is not installed, a failure where PRACTICE_BOT_REQUIRE_POSTGRES=1."""
    from tests.fakes.postgres import cluster_for_tests

    cluster = cluster_for_tests()
    yield cluster
    cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster) -> str:  # type: ignore[no-untyped-def]
    """The URL of a new, empty database in the test cluster."""
    return str(postgres_cluster.create_database())


@pytest.fixture(params=["embedded", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Each store test runs on both backends: memory and SQLite, then PostgreSQL
    (tests/fakes/stores.py)."""
    from tests.fakes.stores import Backend

    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    backend = Backend(tmp_path, url)
    yield backend
    backend.close()


@pytest.fixture
def procedures_site():  # type: ignore[no-untyped-def]
    """The local procedures manual (bot/devtools/procedures_site.py) on 127.0.0.1, with a
    second server standing for another host."""
    from bot.devtools.procedures_site import ProceduresSite

    site = ProceduresSite().start()
    try:
        yield site
    finally:
        site.stop()
