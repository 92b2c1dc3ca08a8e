"""Threads the bot has answered in, so later messages there are answered without a mention,
with the thread's earlier question as context.

Only the redacted question is kept (what the answerer searched for, never the raw message),
with who asked it and whether it was answered to them alone, in memory, for a day at most,
and for at most 10,000 threads: the oldest are forgotten first.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

THREAD_SECONDS = 24 * 3600.0
THREAD_LIMIT = 10_000
CONTEXT_CHARS = 500  # of the earlier question: enough for its topic, short of the length cap

_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
# A reply that only thanks or agrees is not a question: answering it would repeat the answer.
_COURTESIES = frozenset(
    {"thanks", "thank you", "many thanks", "thanks a lot", "ta", "cheers", "ok", "okay", "great"}
    | {"perfect", "brilliant", "lovely", "got it", "will do", "nice", "thx", "ty", "👍"}
)


@dataclass(frozen=True)
class Thread:
    """A thread the bot has answered in, as its first answer left it."""

    question: str  # redacted, and cut to CONTEXT_CHARS
    asker: str  # the Slack user who asked it
    # Answered to the asker alone (it held case details): the question is never the context of
    # an answer anyone else can see, and the thread never gets a public answer.
    private: bool


class ThreadMemory:
    """Thread -> its first (redacted) question; thread-safe, bounded and time-expiring."""

    def __init__(self, *, seconds: float = THREAD_SECONDS, limit: int = THREAD_LIMIT) -> None:
        self.seconds = seconds
        self.limit = limit
        self._threads: OrderedDict[str, tuple[float, Thread]] = OrderedDict()
        self._lock = threading.Lock()

    def remember(
        self, channel: str, thread_ts: str, question: str, *, asker: str, private: bool
    ) -> None:
        """Keep a thread's first question; a later answer in it only renews the thread, so a
        thread answered privately stays private."""
        key = f"{channel}:{thread_ts}"
        with self._lock:
            self._forget_expired()
            earlier = self._threads.pop(key, None)
            kept = earlier[1] if earlier else Thread(question[:CONTEXT_CHARS], asker, private)
            self._threads[key] = (time.monotonic(), kept)
            while len(self._threads) > self.limit:
                self._threads.popitem(last=False)

    def earlier(self, channel: str, thread_ts: str | None) -> Thread | None:
        """The thread and its earlier question, or None if the bot has not answered in it."""
        if not thread_ts:
            return None
        with self._lock:
            self._forget_expired()
            kept = self._threads.get(f"{channel}:{thread_ts}")
            return kept[1] if kept else None

    def _forget_expired(self) -> None:
        cutoff = time.monotonic() - self.seconds
        while self._threads and next(iter(self._threads.values()))[0] < cutoff:
            self._threads.popitem(last=False)

    def __len__(self) -> int:
        return len(self._threads)


def with_context(earlier: str | None, follow_up: str) -> str:
    """The question searched for: a follow-up ("and how often after that?") carries the
    thread's earlier question, so the search knows what "that" is. An empty follow-up stays
    empty (and gets the help text): the earlier question is not simply asked again."""
    return f"{earlier} {follow_up}" if earlier and follow_up.strip() else follow_up


def is_follow_up(text: str, *, bot_user_id: str | None) -> bool:
    """Whether a message in a thread the bot answered in is meant for the bot: not a thank-you,
    and not addressed to someone else (a mention of another person and not of the bot)."""
    mentioned = set(_MENTION.findall(text))
    if mentioned and (bot_user_id is None or bot_user_id not in mentioned):
        return False
    words = " ".join(_MENTION.sub(" ", text).lower().split()).strip(" .!")
    return bool(words) and words not in _COURTESIES
