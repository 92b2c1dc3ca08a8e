"""What the Slack listeners need, built once at start-up by the composition root (wiring.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.answering.answerer import Answerer
from bot.answering.gaps import GapReport
from bot.answering.templates import Templates
from bot.index.manifest import DocumentEntry
from bot.slack.admin import AdminActions
from bot.slack.memory import SlackMemory
from bot.stores.usage import UsageStore


def _no_version(answerer: Answerer) -> str | None:
    return None


@dataclass
class SlackDeps:
    """The bag of dependencies; no behaviour of its own."""

    answerer: Callable[[], Answerer]  # the runtime's current(): a rebuild swaps what it returns
    templates: Templates
    store: UsageStore
    documents: Callable[[], Sequence[DocumentEntry]]
    examples: dict[str, list[str]]
    admin: AdminActions
    knowledge_dir: Path
    memory: SlackMemory  # on the shared State: every worker sees the same
    rate_limit: int  # questions per person per minute
    allowed_channels: frozenset[str] = frozenset()
    # The index version an answerer answers from (its folder name), recorded with each answer.
    index_version: Callable[[Answerer], str | None] = _no_version
    # (since, until) -> what the sources could not answer then, by topic ('Send to owner').
    gaps: Callable[[dt.datetime, dt.datetime], GapReport] | None = None
