"""What a sync did: per site, the chapters added, changed and removed, what was skipped and
why, and how many requests it made; then whether the index was rebuilt."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from bot.index.report import BuildReport

MAX_SKIPPED_LISTED = 200


@dataclass(frozen=True)
class Chapter:
    url: str
    title: str
    source: str  # the saved file, relative to the knowledge folder


@dataclass(frozen=True)
class Skipped:
    url: str
    reason: str


@dataclass(frozen=True)
class SiteReport:
    site: str  # its origin
    added: list[Chapter] = field(default_factory=list)
    changed: list[Chapter] = field(default_factory=list)
    removed: list[Chapter] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    requests: int = 0
    conditional: int = 0  # requests that carried If-None-Match or If-Modified-Since
    not_modified: int = 0  # answered 304
    complete: bool = True  # False: stopped at the page or time limit, so nothing was removed
    seconds: float = 0.0
    error: str | None = None  # the site could not be synced at all

    @property
    def changed_anything(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    def describe(self) -> str:
        if self.error:
            return f"{self.site}: not synced: {self.error}"
        lines = [
            f"{self.site}: {len(self.added)} new, {len(self.changed)} changed, "
            f"{len(self.removed)} removed, {self.unchanged} unchanged; {self.requests} requests "
            f"({self.not_modified} not modified) in {self.seconds:.1f} s"
            + ("" if self.complete else "; stopped at a limit, so nothing was removed")
        ]
        for label, chapters in (("new", self.added), ("changed", self.changed)):
            lines += [f"  {label}: {c.title} <{c.url}>" for c in chapters]
        lines += [f"  removed: {c.title} <{c.url}>" for c in self.removed]
        lines += [f"  skipped: {s.url}: {s.reason}" for s in self.skipped[:MAX_SKIPPED_LISTED]]
        return "\n".join(lines)


@dataclass(frozen=True)
class SyncReport:
    sites: list[SiteReport]
    rebuilt: BuildReport | None = None
    rebuild_error: str | None = None

    @property
    def changed_anything(self) -> bool:
        return any(s.changed_anything for s in self.sites)

    @property
    def failed(self) -> list[SiteReport]:
        return [s for s in self.sites if s.error]

    def describe(self) -> str:
        lines = [s.describe() for s in self.sites] or ["No sites are configured."]
        if self.rebuilt:
            lines.append(self.rebuilt.describe())
        elif self.rebuild_error:
            lines.append(f"The index was not rebuilt: {self.rebuild_error}")
        elif self.sites:
            lines.append("Nothing changed: the index was not rebuilt.")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:
        """`practice-bot sync --json`."""
        sites = []
        for s in self.sites:
            data = dataclasses.asdict(s)
            data["skipped"] = data["skipped"][:MAX_SKIPPED_LISTED]
            sites.append(data)
        rebuilt = None
        if self.rebuilt:
            r = self.rebuilt
            rebuilt = {
                "version": r.version,
                "documents": r.documents,
                "chunks": r.chunks,
                "embedded": r.embedded,
                "added": r.added,
                "changed": r.changed,
                "removed": r.removed,
            }
        return {"sites": sites, "rebuilt": rebuilt, "rebuild_error": self.rebuild_error}
