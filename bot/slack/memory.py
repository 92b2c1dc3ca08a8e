"""What the Slack edge remembers between requests, on the shared State (bot/stores/state.py):
deliveries already answered, signatures already let through, threads answered in, the answers
and briefs that buttons name by id, and each person's recent questions (the rate limit).

With one process the State is in memory; with several workers it is PostgreSQL, so a retry on
another worker is still answered once and a button works wherever it is pressed. Records are
JSON, made and read by pydantic from the typed records themselves.

When the State cannot be reached, the bot goes on answering without it, and every such choice
is made here: a first delivery is answered and a retry is not (never a double answer), the rate
limit lets questions through, and buttons on answers held there say the answer is gone.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import TypeVar

from pydantic import TypeAdapter, ValidationError

from bot.answering.brief import Brief
from bot.errors import StoreError
from bot.slack.given import Given
from bot.slack.threads import CONTEXT_CHARS, Thread
from bot.stores.state import State

log = logging.getLogger(__name__)
T = TypeVar("T")

EVENT_SECONDS = 3600.0  # a message delivered: Slack retries within minutes
THREAD_SECONDS = 24 * 3600.0  # a thread answered in takes follow-ups for a day
ANSWER_SECONDS = 3600.0  # how long 'Share' and 'More sources' work on an answer
BRIEF_SECONDS = 3600.0  # and 'Share' on a brief
RATE_WINDOW_SECONDS = 60.0  # the rate limit counts questions per minute
MIN_SIGNATURE_SECONDS = 1.0


@dataclass(frozen=True)
class HeldBrief:
    brief: Brief
    asker: str


_GIVEN = TypeAdapter(Given)
_THREAD = TypeAdapter(Thread)
_BRIEF = TypeAdapter(HeldBrief)


class SlackMemory:
    """The Slack edge's typed view of the State; safe from any thread and any worker."""

    def __init__(self, state: State) -> None:
        self.state = state

    def first_delivery(self, message: str, *, retry: bool = False) -> bool:
        """True the first time a message (its "channel:ts") is delivered, on any worker; it is
        remembered either way. Every delivery of one message carries this key (Slack's retry of
        an event, and the same message sent as another event under a new event id), so it alone
        decides, in one write: of deliveries racing on two workers exactly one wins. (Deciding
        on the event id as well, key by key, let each of two racing deliveries store one key
        first, and both skipped the message.) Without the State, a first delivery is answered
        and Slack's retry of it is not: it was delivered before, perhaps to another worker."""
        try:
            return self.state.put_first("events", message, "1", ttl=EVENT_SECONDS)
        except StoreError as exc:  # StateUnavailableError too
            _degraded("delivery check", exc)
            return not retry

    def first_signature(self, signature: str, *, expires_at: float, now: float) -> bool:
        """True the first time a request signature is let through; it is remembered until its
        timestamp is too old to pass the check again. Without the State, replays inside that
        window are not caught (the signature and timestamp checks still hold)."""
        ttl = max(expires_at - now, MIN_SIGNATURE_SECONDS)
        try:
            return self.state.put_first("signatures", signature, "1", ttl=ttl)
        except StoreError as exc:  # StateUnavailableError too
            _degraded("replay check", exc)
            return True

    def allow(self, user: str, *, limit: int) -> bool:
        """Count one question for `user`: False once they have had `limit` this minute."""
        try:
            used = self.state.incr("asked", user, window=RATE_WINDOW_SECONDS, limit=limit)
        except StoreError as exc:  # StateUnavailableError too
            _degraded("rate limit", exc)
            return True
        return used <= limit

    def remember_thread(
        self, channel: str, thread_ts: str, question: str, *, asker: str, private: bool
    ) -> None:
        """Keep a thread's first question; a later answer in it only renews the thread, so a
        thread answered privately stays private."""
        thread = Thread(question[:CONTEXT_CHARS], asker, private)
        self._put(f"{channel}:{thread_ts}", "threads", _THREAD.dump_json(thread), THREAD_SECONDS)

    def thread(self, channel: str, thread_ts: str | None) -> Thread | None:
        """The thread and its earlier question, or None if the bot has not answered in it."""
        if not thread_ts:
            return None
        return self._get("threads", f"{channel}:{thread_ts}", _THREAD)

    def keep_answer(self, answer_id: str, given: Given) -> None:
        self._put(answer_id, "answers", _GIVEN.dump_json(given), ANSWER_SECONDS)

    def answer(self, answer_id: str) -> Given | None:
        """The answer, or None once it is too old (or the State cannot be reached)."""
        return self._get("answers", answer_id, _GIVEN)

    def keep_brief(self, brief: Brief, *, asker: str) -> str:
        brief_id = uuid.uuid4().hex
        self._put(brief_id, "briefs", _BRIEF.dump_json(HeldBrief(brief, asker)), BRIEF_SECONDS)
        return brief_id

    def brief(self, brief_id: str) -> HeldBrief | None:
        return self._get("briefs", brief_id, _BRIEF)

    def _put(self, key: str, namespace: str, value: bytes, ttl: float) -> None:
        try:
            self.state.put_first(namespace, key, value.decode("utf-8"), ttl=ttl)
        except StoreError as exc:  # StateUnavailableError too
            _degraded(f"keeping a record ({namespace})", exc)

    def _get(self, namespace: str, key: str, adapter: TypeAdapter[T]) -> T | None:
        try:
            value = self.state.get(namespace, key)
        except StoreError as exc:  # StateUnavailableError too
            _degraded(f"reading a record ({namespace})", exc)
            return None
        if value is None:
            return None
        try:
            return adapter.validate_json(value)
        except ValidationError:  # written by another version of the bot: as good as gone
            log.warning("a %s record could not be read: treated as gone", namespace)
            return None


def _degraded(what: str, exc: Exception) -> None:
    log.warning("shared state unavailable, %s done without it: %s", what, exc)
