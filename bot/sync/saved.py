"""Where a synced site is kept: knowledge/sites/<host>/<path>.html as fetched, beside it the
site's catalogue.yaml (each page's live address, which citations link to) and .sync.json
(what the last sync saw: ETag, Last-Modified, hash and fetch time per page). Every file is
written to a temporary name and renamed, so a sync cut short leaves whole files only."""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.errors import SyncError
from bot.ingest.metadata import CATALOGUE

log = logging.getLogger(__name__)
SITES = "sites"
STATE = ".sync.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
MAX_SEGMENT = 80


class PageState(BaseModel):
    """A saved page as the last sync left it."""

    model_config = ConfigDict(extra="ignore")

    path: str  # inside the site's folder
    sha256: str
    etag: str | None = None
    last_modified: str | None = None
    fetched: dt.datetime  # when these bytes were fetched
    title: str | None = None


class NavState(BaseModel):
    """A page read only for its links (the contents page, a sitemap) or robots.txt."""

    model_config = ConfigDict(extra="ignore")

    etag: str | None = None
    last_modified: str | None = None
    links: list[str] = Field(default_factory=list)
    text: str = ""  # robots.txt only


class SiteState(BaseModel):
    model_config = ConfigDict(extra="ignore")

    origin: str
    pages: dict[str, PageState] = Field(default_factory=dict)
    nav: dict[str, NavState] = Field(default_factory=dict)
    robots: NavState = Field(default_factory=NavState)
    last_sync: dt.datetime | None = None
    pending_rebuild: bool = False  # pages changed on disk, not yet in an index


def site_folder(knowledge_dir: Path, origin: str) -> Path:
    """knowledge/sites/<host> (with _<port> when it is not the usual one)."""
    parts = urlsplit(origin)
    name = (parts.hostname or "site") + (f"_{parts.port}" if parts.port else "")
    return knowledge_dir / SITES / _segment(name)


def saved_name(url: str) -> str:
    """Where a page's bytes go inside its site's folder: its path, made safe (no hidden or
    parent folders), ending .html so the HTML reader reads it; a query adds a short hash."""
    parts = urlsplit(url)
    segments = [_segment(unquote(s)) for s in parts.path.split("/") if s not in ("", ".", "..")]
    if not segments or parts.path.endswith("/"):
        segments.append("index")
    stem = segments[-1]
    if parts.query:
        stem += "-" + hashlib.sha256(parts.query.encode()).hexdigest()[:10]
    if not stem.lower().endswith((".html", ".htm")):
        stem += ".html"
    segments[-1] = stem
    return "/".join(segments)


def _segment(text: str) -> str:
    cleaned = _UNSAFE.sub("-", text).strip("-")[:MAX_SEGMENT]
    return ("_" + cleaned if cleaned.startswith(".") else cleaned) or "_"


def load_state(folder: Path, origin: str) -> SiteState:
    """The last sync's state; a missing or unreadable one starts afresh (and so removes
    nothing, since it names no saved file)."""
    path = folder / STATE
    try:
        return SiteState.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return SiteState(origin=origin)
    except (OSError, ValidationError, ValueError) as exc:
        log.warning("%s cannot be read (%s): syncing %s afresh", path, exc, origin)
        return SiteState(origin=origin)


def save_state(folder: Path, state: SiteState) -> None:
    write_atomic(folder / STATE, state.model_dump_json(indent=1).encode())
    catalogue = {p.path: {"url": url} for url, p in sorted(state.pages.items())}
    text = (
        "# Written by `practice-bot sync`: each saved page's live address. Edits here are\n"
        "# overwritten; set titles or dates in knowledge/catalogue.yaml instead.\n"
    ) + yaml.safe_dump(catalogue, sort_keys=True, allow_unicode=True)
    write_atomic(folder / CATALOGUE, text.encode())


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def remove_saved(folder: Path, name: str) -> None:
    """Delete a page this sync saved earlier (a name from its own state, never another file),
    and the folders it leaves empty."""
    path = (folder / name).resolve()
    if not path.is_relative_to(folder.resolve()):
        return
    path.unlink(missing_ok=True)
    for parent in path.parents:
        if parent == folder.resolve() or not parent.is_relative_to(folder.resolve()):
            break
        try:
            parent.rmdir()
        except OSError:
            break


@contextmanager
def sync_lock(knowledge_dir: Path) -> Iterator[None]:
    """One sync at a time per knowledge folder (the CLI's cron job and /reindex sync)."""
    folder = knowledge_dir / SITES
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".sync.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncError("Another sync is running; wait for it to finish.") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
