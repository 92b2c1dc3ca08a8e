"""Syncing the manual from a website gives the same evaluation figures as dropping the same
pages into the knowledge folder (here with the fake embedder; `python -m
bot.devtools.sync_eval` measures it with the real model)."""

from __future__ import annotations

from pathlib import Path

from bot.devtools.sync_eval import compare
from bot.settings import Settings
from tests.fakes.embedder import FakeEmbedder


def test_synced_and_dropped_in_pages_give_the_same_figures(
    settings: Settings, tmp_path: Path
) -> None:
    compared = compare(FakeEmbedder(), cache=tmp_path / "sync-eval", settings=settings)
    summary = compared.synced.summary()
    assert summary["in_scope"] >= 80 and summary["hit@3"] > 0.3  # the sets really ran
    assert compared.same
