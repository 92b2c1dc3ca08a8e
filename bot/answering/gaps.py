"""What staff asked that the sources could not answer, grouped into topics for the principal
social worker: each topic named by the passage nearest it, with that document's owner.

Question text is in the usage store only when an admin keeps it (redacted as it was asked);
the guard runs over it again here, so an example shown anywhere has passed it twice. Questions
kept with text are embedded and grouped greedily: each joins the topic whose mean vector is
nearest, if at least `threshold` similar, or starts a new one, in the order they were asked,
so the same store always gives the same topics. Questions kept without text join the topic of
the passage recorded nearest them when they were asked. Topics that end up nearest the same
document section are one topic: that is what its owner would be asked about.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from bot.answering.personal_data import PLACEHOLDER, PersonalDataGuard
from bot.embedding import Embedder
from bot.index.loaded import LoadedIndex
from bot.records import Chunk
from bot.stores.usage import FEEDBACK_REASONS, Unanswered

MAX_EXAMPLES = 3
NEAREST_ROWS = 10  # rows searched for a topic's nearest passage (sentence windows share owners)
NO_PASSAGE = "No passage near these questions"


@dataclass(frozen=True)
class Topic:
    """Questions the sources could not answer, about one document section."""

    key: str  # stable while the section is: a hash of its document and heading
    title: str  # the nearest document's title, "" when no passage was near
    section: str
    source: str | None  # the document's path in the knowledge folder
    owner: str | None  # from its front matter or the catalogue
    owner_user: str | None  # the owner's Slack user id, from PRACTICE_BOT_OWNER_SLACK_USERS
    count: int
    outcomes: Mapping[str, int]  # related / not_found / answered (then marked not helpful)
    reasons: Mapping[str, int]  # FEEDBACK_REASONS label -> count
    examples: tuple[str, ...] = ()  # at most three, personal data removed
    # How similar the passage is to the questions (cosine to their mean; None without text):
    # a low figure says no document comes near, not that this one should say more.
    similarity: float | None = None
    distant: bool = False  # below the answer rule's 'related' line: no document comes near

    @property
    def far(self) -> str:
        """A note for a topic no document comes near, else ""."""
        if not self.distant or self.similarity is None:
            return ""
        return (
            f"far from every passage ({self.similarity:.2f} similar): perhaps no document covers it"
        )

    @property
    def name(self) -> str:
        return f"{self.title} — {self.section}" if self.title else NO_PASSAGE

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "title": self.title or None,
            "section": self.section or None,
            "source": self.source,
            "owner": self.owner,
            "owner_slack_user": self.owner_user,
            "count": self.count,
            "outcomes": dict(self.outcomes),
            "reasons": dict(self.reasons),
            "examples": list(self.examples),
            "similarity": None if self.similarity is None else round(self.similarity, 3),
            "distant": self.distant,
        }


@dataclass(frozen=True)
class GapReport:
    since: dt.datetime
    until: dt.datetime
    questions: int
    text_kept: bool  # False: no question in the window had its text kept, so no examples
    topics: tuple[Topic, ...] = field(default_factory=tuple)  # most questions first, then name

    def topic(self, key: str) -> Topic | None:
        return next((t for t in self.topics if t.key == key), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(timespec="seconds"),
            "until": self.until.isoformat(timespec="seconds"),
            "questions": self.questions,
            "text_kept": self.text_kept,
            "topics": [t.to_json() for t in self.topics],
        }


def find_gaps(
    rows: Sequence[Unanswered],
    *,
    index: LoadedIndex,
    embedder: Embedder,
    guard: PersonalDataGuard,
    threshold: float,
    owners: Mapping[str, str],
    since: dt.datetime,
    until: dt.datetime,
    distant_below: float = 0.0,
) -> GapReport:
    """Group `rows` (oldest first, as the store gives them) into topics; a topic whose passage
    is less than `distant_below` similar to its questions is marked distant."""
    texts = {r.id: guard.redact(r.question).text for r in rows if r.question}
    nearest = nearest_passages(rows, texts, index=index, embedder=embedder, threshold=threshold)
    by_id = {c.id: c for c in index.chunks}
    members: dict[str, list[Unanswered]] = {}
    chunk_of: dict[str, Chunk | None] = {}
    similarity: dict[str, float] = {}
    for row in rows:
        found = nearest.get(row.id)
        chunk = found[0] if found else by_id.get(row.nearest or "")
        key = _key(chunk)
        members.setdefault(key, []).append(row)
        chunk_of.setdefault(key, chunk)
        if found:
            similarity[key] = max(similarity.get(key, -1.0), found[1])
    owners_of = {d.source: d.owner for d in index.manifest.documents}
    users = {k.casefold().strip(): v for k, v in owners.items()}
    topics = [
        dataclasses.replace(
            _topic(key, group, chunk_of[key], texts, owners_of=owners_of, users=users),
            similarity=similarity.get(key),
            distant=similarity.get(key, 1.0) < distant_below,
        )
        for key, group in members.items()
    ]
    topics.sort(key=lambda t: (-t.count, t.name, t.key))
    return GapReport(since, until, len(rows), bool(texts), tuple(topics))


def _topic(
    key: str,
    group: Sequence[Unanswered],
    chunk: Chunk | None,
    texts: Mapping[str, str],
    *,
    owners_of: Mapping[str, str | None],
    users: Mapping[str, str],
) -> Topic:
    owner = owners_of.get(chunk.source) if chunk else None
    return Topic(
        key=key,
        title=chunk.title if chunk else "",
        section=section_of(chunk) if chunk else "",
        source=chunk.source if chunk else None,
        owner=owner,
        owner_user=users.get(owner.casefold().strip()) if owner else None,
        count=len(group),
        outcomes=dict(sorted(Counter(r.outcome for r in group).items())),
        reasons=_reasons(group),
        examples=_examples([texts[r.id] for r in group if r.id in texts]),
    )


def nearest_passages(
    rows: Sequence[Unanswered],
    texts: Mapping[str, str],
    *,
    index: LoadedIndex,
    embedder: Embedder,
    threshold: float,
) -> dict[str, tuple[Chunk, float]]:
    """Each question with text -> the passage nearest the mean of its group, and how near."""
    ids = [r.id for r in rows if r.id in texts]
    if not ids:
        return {}
    # Placeholders are not topics: "[name]" would pull questions about different things together.
    vectors = embedder.embed([PLACEHOLDER.sub(" ", texts[i]) for i in ids])
    found: dict[str, tuple[Chunk, float]] = {}
    for group in group_vectors(np.asarray(vectors, dtype=np.float32), threshold=threshold):
        centre = _unit(vectors[group].mean(axis=0))
        nearest = _nearest_chunk(index, centre)
        if nearest is not None:
            found.update({ids[i]: nearest for i in group})
    return found


def rechecked(topic: Topic, guard: PersonalDataGuard) -> Topic:
    """The topic with its examples through the guard once more, before they leave the admin
    channel (a direct message to an owner)."""
    return dataclasses.replace(topic, examples=tuple(guard.redact(e).text for e in topic.examples))


def group_vectors(vectors: np.ndarray, *, threshold: float) -> list[list[int]]:
    """Greedy grouping of unit vectors, in their order: each joins the group whose mean is most
    similar, if at least `threshold`, else starts one. Deterministic for a given order."""
    groups: list[list[int]] = []
    sums: list[np.ndarray] = []
    for i, vector in enumerate(vectors):
        best, best_similarity = -1, threshold
        for g, total in enumerate(sums):
            similarity = float(_unit(total) @ vector)
            if similarity >= best_similarity:
                best, best_similarity = g, similarity
        if best < 0:
            groups.append([i])
            sums.append(vector.astype(np.float64))
        else:
            groups[best].append(i)
            sums[best] = sums[best] + vector
    return groups


def _nearest_chunk(index: LoadedIndex, vector: np.ndarray) -> tuple[Chunk, float] | None:
    """The passage nearest a unit vector, and its cosine (the index holds unit vectors)."""
    if not index.chunks:
        return None
    query = np.asarray(vector, dtype=np.float32).reshape(1, -1)
    scores, rows = index.dense.search(query, min(NEAREST_ROWS, index.dense.ntotal))
    for score, row in zip(scores[0], rows[0], strict=True):
        if row >= 0:
            return index.chunks[index.chunk_of_row(int(row))], float(score)
    return None


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector


def _key(chunk: Chunk | None) -> str:
    if chunk is None:
        return "none"
    return hashlib.sha256(f"{chunk.source}\n{section_of(chunk)}".encode()).hexdigest()[:16]


def section_of(chunk: Chunk) -> str:
    """The headings below the title: paragraphs and pages of one section are one topic, since
    its owner is asked about the section."""
    return " > ".join(chunk.heading_path[1:]) or "Introduction"


def _reasons(group: Sequence[Unanswered]) -> dict[str, int]:
    counted = Counter(FEEDBACK_REASONS.get(r, r) for row in group for r in row.reasons)
    not_given = sum(max(0, row.unhelpful - len(row.reasons)) for row in group)
    if not_given:
        counted["No reason given"] += not_given
    return dict(sorted(counted.items(), key=lambda item: (-item[1], item[0])))


def _examples(texts: Sequence[str]) -> tuple[str, ...]:
    """The most often asked first, then the latest; each once, whatever its case or spacing."""
    seen: dict[str, tuple[int, int, str]] = {}
    for order, text in enumerate(texts):
        norm = " ".join(text.casefold().split())
        count = seen[norm][0] + 1 if norm in seen else 1
        seen[norm] = (count, order, text)
    ranked = sorted(seen.values(), key=lambda v: (-v[0], -v[1]))
    return tuple(text for _, _, text in ranked[:MAX_EXAMPLES])
