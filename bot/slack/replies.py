"""What every Slack surface shares: turn a question into an answer message, and record it."""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.answering.answerer import Answerer
from bot.answering.gaps import GapReport
from bot.answering.templates import Templates
from bot.errors import QuestionError
from bot.index.manifest import DocumentEntry
from bot.records import Answer
from bot.slack.admin import AdminActions
from bot.slack.blocks import Block, answer_message, context, offers_share, section
from bot.slack.dedupe import SeenOnce
from bot.slack.markup import escape, question_from_slack
from bot.slack.rate_limit import RateLimiter
from bot.slack.threads import ThreadMemory, with_context
from bot.stores.usage import UsageStore

log = logging.getLogger(__name__)
RECENT_SECONDS = 3600.0  # how long 'Share' and 'More sources' work on an answer
RECENT_LIMIT = 2000  # answers kept at most (a few kB each)
# Surfaces whose answers are posted where the channel sees them, except an answer to a question
# that held personal details, or one in a DM or a privately answered thread, which goes to its
# asker alone (posting.py).
CHANNEL_SURFACES = frozenset({"mention", "thread"})


@dataclass(frozen=True)
class Given:
    """An answer as it was given: kept for its buttons, with the index version it came from."""

    answer: Answer
    index_version: str | None = None
    asker: str = ""  # the Slack user it was given to (the sharer, for a shared copy)
    public: bool = False  # posted where the channel sees it: anyone there may use its buttons
    shareable: bool = False  # its message offered 'Share in channel'

    def open_to(self, user_id: str) -> bool:
        """Whether this person may see more of it ('More sources'; feedback asks the usage
        store, which outlives this cache)."""
        return self.public or user_id == self.asker


class RecentAnswers:
    """Answers given in the last while, by answer id, so a button carries only the id: a shared
    answer's buttons travel with the message to the channel, and the question must not."""

    def __init__(self, *, seconds: float = RECENT_SECONDS, limit: int = RECENT_LIMIT) -> None:
        self.seconds = seconds
        self.limit = limit
        self._answers: OrderedDict[str, tuple[float, Given]] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, answer_id: str, given: Given) -> None:
        with self._lock:
            self._answers[answer_id] = (time.monotonic(), given)
            while len(self._answers) > self.limit:
                self._answers.popitem(last=False)

    def get(self, answer_id: str) -> Given | None:
        """The answer, or None once it is too old or was pushed out by newer ones."""
        with self._lock:
            kept = self._answers.get(answer_id)
            if kept is None or time.monotonic() - kept[0] > self.seconds:
                self._answers.pop(answer_id, None)
                return None
            return kept[1]


def _no_version(answerer: Answerer) -> str | None:
    return None


@dataclass
class SlackDeps:
    """What the listeners need, built once at start-up by the composition root."""

    answerer: Callable[[], Answerer]  # the runtime's current(): a rebuild swaps what it returns
    templates: Templates
    store: UsageStore
    documents: Callable[[], Sequence[DocumentEntry]]
    examples: dict[str, list[str]]
    admin: AdminActions
    knowledge_dir: Path
    limiter: RateLimiter
    allowed_channels: frozenset[str] = frozenset()
    # The index version an answerer answers from (its folder name), recorded with each answer.
    index_version: Callable[[Answerer], str | None] = _no_version
    seen: SeenOnce = field(default_factory=SeenOnce)
    recent: RecentAnswers = field(default_factory=RecentAnswers)
    threads: ThreadMemory = field(default_factory=ThreadMemory)
    # (since, until) -> what the sources could not answer then, by topic ('Send to owner').
    gaps: Callable[[dt.datetime, dt.datetime], GapReport] | None = None

    def over_limit(self, user_id: str) -> str | None:
        """The polite refusal if this person has used up their questions for the minute;
        asking, sharing, 'More sources' and feedback all count, each an answer's worth of work.
        """
        if self.limiter.allow(user_id):
            return None
        return self.templates.render("rate_limited", limit=self.limiter.limit)

    def reply(
        self,
        raw_text: str,
        *,
        user_id: str,
        surface: str,
        share: bool = False,
        earlier: str | None = None,
        private: bool = False,
    ) -> Reply:
        """Answer a Slack message's text (after `earlier`, the thread's earlier question, for a
        follow-up; `private` where it goes to its asker alone whatever it holds: a DM, or a
        thread answered privately); an empty question gets the help text instead, and someone
        over the rate limit a polite message."""
        if refused := self.over_limit(user_id):
            return Reply(None, None, refused, [section(refused)])
        question = with_context(earlier, question_from_slack(raw_text))
        answerer = self.answerer()
        try:
            answer = answerer.answer(question)
        except QuestionError:
            help_text = escape(self.templates.render("help"))
            return Reply(None, None, help_text, [section(help_text)])
        given = Given(answer, self.index_version(answerer))
        return self.render(given, user_id=user_id, surface=surface, share=share, private=private)

    def render(
        self,
        given: Given,
        *,
        user_id: str,
        surface: str,
        share: bool = False,
        private: bool = False,
    ) -> Reply:
        """Record an answer given on a surface and keep it for its buttons, with who may
        press them; its message."""
        answer = given.answer
        public = surface == "shared" or (
            surface in CHANNEL_SURFACES and not private and not answer.privacy_note
        )
        answer_id = self.store.record_answer(
            answer,
            user_id=user_id,
            surface=surface,
            index_version=given.index_version,
            public=public,
        )
        shareable = offers_share(answer, share=share)
        self.recent.keep(
            answer_id, replace(given, asker=user_id, public=public, shareable=shareable)
        )
        text, blocks = answer_message(answer, self.templates, answer_id=answer_id, share=share)
        log.info(
            "answered %s on %s (%s, %d passages)",
            answer_id,
            surface,
            answer.outcome.value,
            len(answer.passages),
        )
        return Reply(answer, answer_id, text, blocks)


@dataclass(frozen=True)
class Reply:
    answer: Answer | None  # None when the message held no question
    answer_id: str | None
    text: str
    blocks: list[Block]

    @property
    def privacy_note(self) -> str | None:
        return self.answer.privacy_note if self.answer is not None else None

    def with_privacy_note(self) -> list[Block]:
        """The blocks, with the personal-data note first when there is one: for a copy only
        the asker sees (the note tells them what was removed)."""
        note = self.privacy_note
        return [context(escape(note)), *self.blocks] if note else self.blocks
