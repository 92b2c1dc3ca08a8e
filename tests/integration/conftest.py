"""The real model over the shipped knowledge base, built once per test module."""

from __future__ import annotations

import pytest

from bot.runtime import Runtime, make_embedder, start
from bot.settings import Settings
from tests.fakes.knowledge import REPO


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        knowledge_dir=REPO / "knowledge",
        prompts_dir=REPO / "prompts",
        index_dir=tmp_path_factory.mktemp("index"),
    )
    return start(settings, embedder=make_embedder(settings), progress=False)
