"""Index versions damaged in ways that still load by shape (issue 11, finding 9), the usage key
(finding 7), half-pruned versions and an index folder that cannot be written."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import faiss
import numpy as np
import pytest
from click.testing import CliRunner

from bot.errors import IndexMismatchError
from bot.index.build import build_index
from bot.index.loaded import load_index
from bot.index.versions import current_version_path, list_versions, prune
from bot.runtime import start
from bot.settings import Settings
from bot.stores.usage import UsageStore
from tests.fakes.embedder import FakeEmbedder


def _wrong_dimension(folder: Path) -> None:
    dense = faiss.read_index(str(folder / "dense.faiss"))
    wrong = faiss.IndexFlatIP(dense.d // 2)
    wrong.add(np.ones((dense.ntotal, dense.d // 2), dtype=np.float32))
    faiss.write_index(wrong, str(folder / "dense.faiss"))


def _owners_out_of_range(folder: Path) -> None:
    owners = np.load(folder / "owners.npy")
    assert len(owners), "the sample knowledge base has sentence windows"
    owners[0] = 10_000
    np.save(folder / "owners.npy", owners)


def _chunk_line(folder: Path, line: str) -> None:
    path = folder / "chunks.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _vocab(folder: Path) -> None:
    (folder / "lexical" / "doc_freq.json").write_text("[1, 2, 3]", encoding="utf-8")


def _fingerprint(vector: list[float]) -> Callable[[Path], None]:
    """A manifest whose encoder fingerprint cannot be any encoder's vector."""

    def damage(folder: Path) -> None:
        path = folder / "manifest.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        data["encoder"] = {"encoder": "fake", "probe": "a probe", "vector": vector}
        path.write_text(json.dumps(data), encoding="utf-8")

    return damage


DAMAGE: dict[str, Callable[[Path], None]] = {
    "dense vectors of another dimension, right row count": _wrong_dimension,
    "an owner row out of range": _owners_out_of_range,
    "a chunk line that is a list": lambda f: _chunk_line(f, "[1, 2, 3]"),
    "a chunk line with a number for its text": lambda f: _chunk_line(
        f,
        json.dumps(
            {
                "id": "x",
                "text": 7,
                "source": "s",
                "title": "t",
                "kind": "guidance",
                "heading_path": ["t"],
                "paragraph": "1",
                "date": None,
                "review_due": None,
            }
        ),
    ),
    "a malformed vocabulary file": _vocab,
    "an encoder fingerprint of another dimension": _fingerprint([0.5, 0.5, 0.5, 0.5]),
    "an encoder fingerprint that is not a number": _fingerprint([float("nan")] * 256),
    "an encoder fingerprint of zeros": _fingerprint([0.0] * 256),
}


LONG = (
    "# Visits\n\n## Frequency\n\n"
    + " ".join(
        f"Visit number {n} is made by the allocated social worker with care." for n in range(8)
    )
    + "\n"
)


@pytest.fixture(autouse=True)
def _a_long_passage(knowledge: Path) -> None:
    """A passage long enough to get sentence windows, so owner rows exist to damage."""
    (knowledge / "guidance" / "visits.md").write_text(LONG, encoding="utf-8")


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_version_damaged_in_shape_is_refused_at_load(
    damage: Callable[[Path], None], knowledge: Path, tmp_path: Path
) -> None:
    index_dir = tmp_path / "index"
    build_index(knowledge, index_dir, FakeEmbedder())
    damage(current_version_path(index_dir))
    with pytest.raises(IndexMismatchError, match="practice-bot index build"):
        load_index(index_dir, model=FakeEmbedder.name)


@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_start_up_serves_the_previous_good_version_over_a_damaged_one(
    damage: Callable[[Path], None], settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    first = build_index(settings.knowledge_dir, settings.index_dir, FakeEmbedder()).version
    (settings.knowledge_dir / "guidance" / "more.md").write_text(
        "# More\n\n## Visits\n\nVisits are recorded within one working day.\n", encoding="utf-8"
    )
    build_index(settings.knowledge_dir, settings.index_dir, FakeEmbedder())
    damage(current_version_path(settings.index_dir))
    runtime = start(settings, embedder=fake_embedder, progress=False)
    assert runtime.index.path.name == first
    assert runtime.current().answer("second cp plan").answered


def test_an_empty_usage_key_is_refused_not_used(tmp_path: Path) -> None:
    (tmp_path / "usage.key").write_text("", encoding="ascii")  # a disk-full first start
    store = UsageStore(tmp_path / "usage.sqlite3")
    assert store.broken is not None and "key" in store.broken


def test_a_short_usage_key_is_refused(tmp_path: Path) -> None:
    (tmp_path / "usage.key").write_text("abcd", encoding="ascii")
    assert UsageStore(tmp_path / "usage.sqlite3").broken is not None


def test_a_disk_full_first_start_leaves_no_empty_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        if len(data) == 64:  # the key, hex-encoded
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    UsageStore(tmp_path / "usage.sqlite3")
    monkeypatch.setattr(os, "write", real_write)
    assert not (tmp_path / "usage.key").exists()
    store = UsageStore(tmp_path / "usage.sqlite3")  # the next start makes a good key
    assert store.broken is None
    assert len(bytes.fromhex((tmp_path / "usage.key").read_text(encoding="ascii"))) == 32


def test_a_version_interrupted_while_being_pruned_is_not_listed(
    knowledge: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    index_dir = tmp_path / "index"
    for n in range(3):
        (knowledge / "guidance" / f"n{n}.md").write_text(f"# N{n}\n\nNote {n}.\n", "utf-8")
        build_index(knowledge, index_dir, FakeEmbedder(), keep=10)
    oldest = list_versions(index_dir)[0]

    def interrupted(path: Path, ignore_errors: bool = False) -> None:
        (Path(path) / "dense.faiss").unlink(missing_ok=True)  # part-way through
        raise KeyboardInterrupt

    monkeypatch.setattr(shutil, "rmtree", interrupted)
    with pytest.raises(KeyboardInterrupt):
        prune(index_dir, keep=2)
    assert oldest not in list_versions(index_dir)


def test_a_read_only_index_folder_is_one_clear_line_and_an_audit_row(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import runtime as runtime_module
    from bot.cli.main import cli
    from bot.stores.audit import AuditLog

    if os.geteuid() == 0:  # root writes anywhere: make the write itself fail instead

        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied", str(settings.index_dir))

        monkeypatch.setattr("bot.index.versions.write_staging", refuse)
        monkeypatch.setattr("bot.index.build.write_staging", refuse)
    else:
        settings.index_dir.mkdir(parents=True)
        settings.index_dir.chmod(0o500)
    monkeypatch.setattr(runtime_module, "make_embedder", lambda s: FakeEmbedder())
    for name, value in (
        ("PRACTICE_BOT_KNOWLEDGE_DIR", settings.knowledge_dir),
        ("PRACTICE_BOT_INDEX_DIR", settings.index_dir),
        ("PRACTICE_BOT_DATA_DIR", settings.data_dir),
    ):
        monkeypatch.setenv(name, str(value))
    result = CliRunner().invoke(cli, ["index", "build"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "cannot write" in result.output.lower()
    rows = AuditLog(settings.data_dir / "audit.sqlite3").entries()
    assert [(r.action, r.result) for r in rows] == [("rebuild", "failed")]
