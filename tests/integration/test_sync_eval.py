"""Issue 20's "done when", with the real model: the Westmere manual synced from the local
procedures site gives the same evaluation figures as its saved pages dropped in as files."""

from __future__ import annotations

from pathlib import Path

from bot.devtools.sync_eval import compare
from bot.runtime import make_embedder
from bot.settings import Settings


def test_synced_and_dropped_in_pages_give_the_same_eval_figures(tmp_path: Path) -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    compared = compare(make_embedder(settings), cache=tmp_path / "sync-eval", settings=settings)
    assert compared.synced.summary()["in_scope"] >= 100
    assert compared.same, (compared.synced.summary(), compared.dropped.summary())
