"""Index versions on disk: staging folders, the CURRENT pointer, the build lock, pruning.

Each build is written as a new folder under `versions/` and made current by atomically
replacing the small `CURRENT` file, so a failed build never touches the index in use.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

from bot.errors import IndexBusyError, IndexMissingError
from bot.index.lexical import LexicalIndex
from bot.index.manifest import REBUILD_HINT, Manifest
from bot.ingest.chunking import embedding_text
from bot.records import Chunk

CURRENT = "CURRENT"


def current_version_path(index_dir: Path) -> Path:
    pointer = index_dir / CURRENT
    if not pointer.exists():
        raise IndexMissingError(f"No index has been built in {index_dir}. {REBUILD_HINT}")
    folder = index_dir / "versions" / pointer.read_text(encoding="utf-8").strip()
    if not folder.is_dir():
        raise IndexMissingError(f"{pointer} names {folder}, which is missing. {REBUILD_HINT}")
    return folder


def write_staging(
    index_dir: Path,
    manifest: Manifest,
    chunks: list[Chunk],
    dense: faiss.Index,
    owners: np.ndarray,
) -> Path:
    """Write a complete version into a hidden staging folder (never loaded as current)."""
    versions = index_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    staging = versions / f".staging-{version_name(manifest)}"
    staging.mkdir()
    try:
        faiss.write_index(dense, str(staging / "dense.faiss"))
        np.save(staging / "owners.npy", owners)
        LexicalIndex.build([embedding_text(c) for c in chunks]).save(staging / "lexical")
        with (staging / "chunks.jsonl").open("w", encoding="utf-8") as fh:
            for c in chunks:
                fh.write(json.dumps(c.to_json(), ensure_ascii=False) + "\n")
        # The manifest is written last: a folder without one is never a usable version.
        (staging / "manifest.json").write_text(manifest.model_dump_json(indent=2), "utf-8")
        _fsync_tree(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def version_name(manifest: Manifest) -> str:
    return manifest.built_at.strftime("%Y%m%dT%H%M%S%fZ")


def publish(index_dir: Path, staging: Path) -> str:
    """Move a validated staging folder into place and make it current, atomically."""
    name = staging.name.removeprefix(".staging-")
    staging.rename(index_dir / "versions" / name)
    make_current(index_dir, name)
    return name


def make_current(index_dir: Path, name: str) -> None:
    _atomic_write(index_dir / CURRENT, name + "\n")


def list_versions(index_dir: Path) -> list[str]:
    """Complete versions, oldest first (names sort by build time)."""
    versions = index_dir / "versions"
    if not versions.is_dir():
        return []
    return sorted(
        p.name
        for p in versions.iterdir()
        if p.is_dir() and not p.name.startswith(".") and (p / "manifest.json").exists()
    )


def current_name(index_dir: Path) -> str | None:
    pointer = index_dir / CURRENT
    return pointer.read_text(encoding="utf-8").strip() if pointer.exists() else None


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _fsync_tree(folder: Path) -> None:
    for p in folder.rglob("*"):
        if p.is_file():
            with p.open("rb") as fh:
                os.fsync(fh.fileno())


def prune(index_dir: Path, *, keep: int) -> None:
    """Keep the newest `keep` versions (always the current one); drop staging folders left by
    an interrupted build (call it only while holding the build lock)."""
    versions = index_dir / "versions"
    current = current_name(index_dir)
    for old in list_versions(index_dir)[:-keep]:
        if old != current:
            # Renamed first (atomic), so a prune cut short never leaves a half-deleted folder
            # that still looks like a version.
            doomed = versions / f".pruning-{old}"
            (versions / old).rename(doomed)
            shutil.rmtree(doomed, ignore_errors=True)
    for stale in [*versions.glob(".staging-*"), *versions.glob(".pruning-*")]:
        shutil.rmtree(stale, ignore_errors=True)


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / ".build.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusyError(
                f"Another index build is running on {index_dir}; wait for it to finish."
            ) from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
