"""Threads the bot has answered in, so later messages there are answered without a mention,
with the thread's earlier question as context.

Only the redacted question is kept (what the answerer searched for, never the raw message),
with who asked it and whether it was answered to them alone, for a day at most (on the shared
State: bot/slack/memory.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
