"""What a rebuild did, for the admin who ran it: the diff, failures, and the topics that no
document covers any more (a replaced starter note should not leave a silent gap)."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.index.manifest import DocumentEntry, SkippedEntry
from bot.ingest.structure import heading_key


@dataclass(frozen=True)
class BuildReport:
    """What a rebuild did, for the admin who ran it."""

    version: str
    added: list[str]
    changed: list[str]
    removed: list[str]
    failed: list[SkippedEntry]
    documents: int
    parsed: int  # documents read this time (new or changed)
    chunks: int
    embedded: int  # passages embedded this time
    seconds: float
    uncovered: list[str] = field(default_factory=list)  # "title — section" no longer covered

    def summary(self) -> str:
        """One line for the audit log."""
        return (
            f"version {self.version}: {self.documents} documents ({self.parsed} read), "
            f"{self.chunks} passages ({self.embedded} embedded); added {len(self.added)}, "
            f"changed {len(self.changed)}, removed {len(self.removed)}, failed {len(self.failed)}"
        )

    def describe(self) -> str:
        """The diff an admin reads after a rebuild."""
        lines = [
            f"Index version {self.version}: {self.documents} documents "
            f"({self.parsed} read, {self.documents - self.parsed} unchanged), {self.chunks} "
            f"passages ({self.embedded} embedded, {self.chunks - self.embedded} reused) "
            f"in {self.seconds:.1f} s."
        ]
        for label, items in (
            ("added", self.added),
            ("changed", self.changed),
            ("removed", self.removed),
        ):
            if items:
                lines.append(f"  {label}: " + ", ".join(items))
        lines += [f"  failed: {f.reason}" for f in self.failed]
        if self.uncovered:
            lines.append(
                "  no document covers these any more (questions on them will not be answered "
                "until one does): " + "; ".join(self.uncovered)
            )
        if not (self.added or self.changed or self.removed or self.failed):
            lines.append("  no documents changed.")
        return "\n".join(lines)


def uncovered_sections(old: list[DocumentEntry], new: list[DocumentEntry]) -> list[str]:
    """Sections of documents removed or changed since `old` whose topic (the section heading,
    numbering aside) no document in `new` has any more."""
    unchanged = {(d.source, d.sha256) for d in new}
    kept = {_topic(s) for d in new for s in d.sections}
    lost = {
        f"{d.title} — {section}"
        for d in old
        if (d.source, d.sha256) not in unchanged
        for section in d.sections
        if _topic(section) not in kept
    }
    return sorted(lost)


def _topic(section: str) -> str:
    return heading_key(section.rsplit(" > ", 1)[-1])
