"""The slow tier: every test in this folder is marked `integration` here (so `make test-fast`,
`-m "not integration"`, leaves them all out), and the real model over the shipped knowledge
base, built once per test module."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.runtime import Runtime, make_embedder, start
from bot.settings import Settings
from tests.fakes.knowledge import REPO

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by mark
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The folder decides the tier: a new file here cannot forget its mark. (The hook sees
    the whole session's items, so only this folder's are marked.)"""
    for item in items:
        if item.path.resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.integration)


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
