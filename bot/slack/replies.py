"""What every Slack surface shares: turn a question into a posted answer, and record it."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answering.answerer import Answerer
from bot.answering.templates import Templates
from bot.errors import QuestionError
from bot.index.manifest import DocumentEntry
from bot.records import Answer
from bot.slack.admin import AdminActions
from bot.slack.blocks import Block, answer_message
from bot.slack.dedupe import SeenOnce
from bot.slack.markup import escape, question_from_slack
from bot.slack.rate_limit import RateLimiter
from bot.stores.usage import UsageStore

log = logging.getLogger(__name__)
WORKING_REACTION = "mag"
RECENT_SECONDS = 3600.0  # how long 'Share' and 'More sources' work on an answer
RECENT_LIMIT = 2000  # answers kept at most (a few kB each)


class RecentAnswers:
    """Answers given in the last while, by answer id, so a button carries only the id: a shared
    answer's buttons travel with the message to the channel, and the question must not."""

    def __init__(self, *, seconds: float = RECENT_SECONDS, limit: int = RECENT_LIMIT) -> None:
        self.seconds = seconds
        self.limit = limit
        self._answers: OrderedDict[str, tuple[float, Answer]] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, answer_id: str, answer: Answer) -> None:
        with self._lock:
            self._answers[answer_id] = (time.monotonic(), answer)
            while len(self._answers) > self.limit:
                self._answers.popitem(last=False)

    def get(self, answer_id: str) -> Answer | None:
        """The answer, or None once it is too old or was pushed out by newer ones."""
        with self._lock:
            kept = self._answers.get(answer_id)
            if kept is None or time.monotonic() - kept[0] > self.seconds:
                self._answers.pop(answer_id, None)
                return None
            return kept[1]


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
    seen: SeenOnce = field(default_factory=SeenOnce)
    recent: RecentAnswers = field(default_factory=RecentAnswers)

    def over_limit(self, user_id: str) -> str | None:
        """The polite refusal if this person has used up their questions for the minute;
        asking, sharing, 'More sources' and feedback all count, each an answer's worth of work.
        """
        if self.limiter.allow(user_id):
            return None
        return self.templates.render("rate_limited", limit=self.limiter.limit)

    def reply(self, raw_text: str, *, user_id: str, surface: str, share: bool = False) -> Reply:
        """Answer a Slack message's text; an empty question gets the help text instead, and
        someone over the rate limit a polite message."""
        if refused := self.over_limit(user_id):
            return Reply(None, None, refused, [_section(refused)])
        question = question_from_slack(raw_text)
        try:
            answer = self.answerer().answer(question)
        except QuestionError:
            help_text = escape(self.templates.render("help"))
            return Reply(None, None, help_text, [_section(help_text)])
        return self.render(answer, user_id=user_id, surface=surface, share=share)

    def render(self, answer: Answer, *, user_id: str, surface: str, share: bool = False) -> Reply:
        """Record an answer given on a surface and keep it for its buttons; its message."""
        answer_id = self.store.record_answer(answer, user_id=user_id, surface=surface)
        self.recent.keep(answer_id, answer)
        text, blocks = answer_message(answer, self.templates, answer_id=answer_id, share=share)
        log.info(
            "answered %s on %s (answered=%s, %d passages)",
            answer_id,
            surface,
            answer.answered,
            len(answer.passages),
        )
        return Reply(answer, answer_id, text, blocks)


@dataclass(frozen=True)
class Reply:
    answer: Answer | None  # None when the message held no question
    answer_id: str | None
    text: str
    blocks: list[Block]


def answer_message_event(
    deps: SlackDeps,
    client: WebClient,
    event: dict[str, Any],
    *,
    event_id: str | None,
    surface: str,
    in_thread: bool,
) -> None:
    """Answer a mention or DM once, showing a reaction while the answer is found."""
    channel, ts = event["channel"], event["ts"]
    if not deps.seen.first(event_id, f"{channel}:{ts}"):
        log.info("skipped a repeated delivery of %s", event_id or f"{channel}:{ts}")
        return
    _react(client, "reactions_add", channel, ts)
    try:
        reply = deps.reply(event.get("text", ""), user_id=event.get("user", ""), surface=surface)
    finally:
        _react(client, "reactions_remove", channel, ts)
    thread_ts = event.get("thread_ts") or ts if in_thread else None
    client.chat_postMessage(
        channel=channel,
        thread_ts=thread_ts,
        text=reply.text,
        blocks=reply.blocks,
        unfurl_links=False,
        unfurl_media=False,
    )
    if reply.answer is not None and reply.answer.privacy_note:
        # Only the asker sees it, even when the answer itself is in a shared channel.
        client.chat_postEphemeral(
            channel=channel,
            user=event.get("user", ""),
            thread_ts=thread_ts,
            text=escape(reply.answer.privacy_note),
        )


def _react(client: WebClient, method: str, channel: str, ts: str) -> None:
    """The 'working on it' reaction is a courtesy: failing to set it never stops the answer."""
    try:
        getattr(client, method)(channel=channel, timestamp=ts, name=WORKING_REACTION)
    except SlackApiError as exc:
        log.info("%s failed: %s", method, exc.response.get("error"))


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}
