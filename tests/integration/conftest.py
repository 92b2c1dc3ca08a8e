"""The real model over the shipped knowledge base, built once per test module."""

from __future__ import annotations

import pytest

from bot.runtime import Runtime, make_embedder, start
from bot.settings import Settings
from tests.fakes.knowledge import REPO


def _real_settings(tmp_path_factory: pytest.TempPathFactory, *, reader: bool) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=REPO / "knowledge",
        prompts_dir=REPO / "prompts",
        index_dir=tmp_path_factory.mktemp("index"),
        reader=reader,
    )


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    """The rule (PRACTICE_BOT_READER=off): the figures its floors were set on."""
    settings = _real_settings(tmp_path_factory, reader=False)
    return start(settings, embedder=make_embedder(settings), progress=False)


@pytest.fixture(scope="module")
def real_reader(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    """As served by default: the real model and the shipped reader."""
    settings = _real_settings(tmp_path_factory, reader=True)
    return start(settings, embedder=make_embedder(settings), progress=False)
