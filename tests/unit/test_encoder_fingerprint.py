"""An index remembers which encoder made its vectors (issue 18, finding 6): its manifest holds
the encoder's vector for a fixed sentence, and a version whose vector differs from the running
encoder's is refused, however the encoder came to differ (a tampered export with permuted
embedding rows or a shuffled vocabulary gives other vectors under the same model name)."""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot import runtime as runtime_module
from bot.errors import IndexMismatchError
from bot.index.build import build_index
from bot.index.loaded import load_index
from bot.index.versions import current_version_path, make_current
from bot.runtime import start
from bot.settings import Settings
from tests.fakes.embedder import FakeEmbedder


class OtherVectors(FakeEmbedder):
    """The fake's name with other vectors: what a tampered export gives under the real name."""

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        return np.roll(super().embed(texts, progress=progress), 7, axis=1)


def _manifest(index_dir: Path) -> tuple[Path, dict]:  # type: ignore[type-arg]
    path = current_version_path(index_dir) / "manifest.json"
    return path, json.loads(path.read_text(encoding="utf-8"))


def test_the_manifest_records_the_encoder_and_its_vector_for_the_probe(
    knowledge: Path, tmp_path: Path
) -> None:
    build_index(knowledge, tmp_path / "index", FakeEmbedder())
    recorded = load_index(tmp_path / "index", model=FakeEmbedder.name).manifest.encoder
    assert recorded is not None and recorded.encoder == "fake"
    assert len(recorded.vector) == FakeEmbedder.dimension
    expected = FakeEmbedder().embed([recorded.probe])[0]
    assert np.allclose(recorded.vector, expected, atol=1e-4)


def test_start_up_refuses_an_index_made_by_other_vectors_and_names_the_fix(
    settings: Settings,
) -> None:
    build_index(settings.knowledge_dir, settings.index_dir, FakeEmbedder())
    with pytest.raises(IndexMismatchError) as error:
        start(settings, embedder=OtherVectors(), progress=False)
    message = str(error.value)
    assert len(message.splitlines()) == 1
    assert "practice-bot index build" in message and "make install" in message


def test_the_cli_refuses_it_in_one_line(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    run("index", "build")
    monkeypatch.setattr(runtime_module, "make_embedder", lambda s: OtherVectors())
    result = run("ask", "second cp plan")
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "practice-bot index build" in result.output


def test_a_running_bot_keeps_its_version_when_one_made_by_other_vectors_appears(
    settings: Settings, tmp_path: Path
) -> None:
    runtime = start(settings, embedder=FakeEmbedder(), progress=False)
    serving = runtime.index.path.name
    elsewhere = tmp_path / "elsewhere"
    name = build_index(settings.knowledge_dir, elsewhere, OtherVectors()).version
    shutil.copytree(elsewhere / "versions" / name, settings.index_dir / "versions" / name)
    make_current(settings.index_dir, name)
    with pytest.raises(IndexMismatchError, match="practice-bot index build"):
        runtime.reload_if_changed()
    assert runtime.index.path.name == serving
    assert runtime.current().answer("second cp plan").answered


def test_a_rebuild_by_other_vectors_embeds_everything_again(
    knowledge: Path, tmp_path: Path
) -> None:
    """Vectors of the old encoder are never mixed into an index of the new one."""
    build_index(knowledge, tmp_path / "index", FakeEmbedder())
    report = build_index(knowledge, tmp_path / "index", OtherVectors())
    assert report.embedded == report.chunks
    assert load_index(tmp_path / "index", model=FakeEmbedder.name, encoder=OtherVectors())


def test_an_old_manifest_without_a_fingerprint_loads_with_a_warning_and_is_not_reused(
    knowledge: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    index_dir = tmp_path / "index"
    build_index(knowledge, index_dir, FakeEmbedder())
    path, data = _manifest(index_dir)
    del data["encoder"]  # as every index built before fingerprints were recorded
    path.write_text(json.dumps(data), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        loaded = load_index(index_dir, model=FakeEmbedder.name, encoder=FakeEmbedder())
    assert loaded.manifest.encoder is None
    warning = " ".join(r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert "cannot be checked" in warning and "practice-bot index build" in warning
    report = build_index(knowledge, index_dir, FakeEmbedder())  # its vectors are not trusted
    assert report.embedded == report.chunks
    assert _manifest(index_dir)[1]["encoder"]["encoder"] == "fake"
