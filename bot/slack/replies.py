"""Answering a Slack message: the one place that turns a question into an answer message and
records it, and, for mentions, DMs and thread follow-ups, that shows a status while searching,
posts the answer (privately when a channel question held personal details), and remembers the
thread for follow-ups.

The personal-details note (what was removed from the question) goes one way only: at the head
of a copy its asker alone sees (`Reply.for_asker`), never where others read.

A thread whose question was answered privately stays private: a follow-up there gets the same
one public line again, and is answered (privately) only when it comes from the asker."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answering.templates import Templates
from bot.errors import QuestionError
from bot.records import Answer
from bot.slack.blocks import Block, answer_message, context, offers_share, section
from bot.slack.deps import SlackDeps
from bot.slack.given import Given
from bot.slack.markup import escape, question_from_slack
from bot.slack.threads import Thread, with_context

log = logging.getLogger(__name__)
# Surfaces whose answers are posted where the channel sees them, except an answer to a question
# that held personal details, or one in a DM or a privately answered thread, which goes to its
# asker alone.
CHANNEL_SURFACES = frozenset({"mention", "thread"})
WORKING_REACTION = "mag"  # only where Slack refuses the thread status
MAX_LOADING_MESSAGES = 10  # Slack's limit for assistant.threads.setStatus
MAX_TITLE_CHARS = 80


@dataclass(frozen=True)
class Reply:
    answer: Answer | None  # None when the message held no question
    answer_id: str | None
    text: str
    blocks: list[Block]

    @property
    def privacy_note(self) -> str | None:
        return self.answer.privacy_note if self.answer is not None else None

    def for_asker(self) -> list[Block]:
        """The blocks for a copy only the asker sees: the personal-details note first, when
        there is one (it tells them what was removed)."""
        note = self.privacy_note
        return [context(escape(note)), *self.blocks] if note else self.blocks


def over_limit(deps: SlackDeps, user_id: str) -> str | None:
    """The polite refusal if this person has used up their questions for the minute; asking,
    sharing, 'More sources' and feedback all count, each an answer's worth of work."""
    if deps.memory.allow(user_id, limit=deps.rate_limit):
        return None
    return deps.templates.render("rate_limited", limit=deps.rate_limit)


def reply_to(
    deps: SlackDeps,
    raw_text: str,
    *,
    user_id: str,
    surface: str,
    share: bool = False,
    earlier: str | None = None,
    private: bool = False,
) -> Reply:
    """Answer a Slack message's text (after `earlier`, the thread's earlier question, for a
    follow-up; `private` where it goes to its asker alone whatever it holds: a DM, or a thread
    answered privately); an empty question gets the help text instead, and someone over the
    rate limit a polite message."""
    if refused := over_limit(deps, user_id):
        return Reply(None, None, refused, [section(refused)])
    question = with_context(earlier, question_from_slack(raw_text))
    answerer = deps.answerer()
    try:
        answer = answerer.answer(question)
    except QuestionError:
        help_text = escape(deps.templates.render("help"))
        return Reply(None, None, help_text, [section(help_text)])
    given = Given(answer, deps.index_version(answerer))
    return render(deps, given, user_id=user_id, surface=surface, share=share, private=private)


def render(
    deps: SlackDeps,
    given: Given,
    *,
    user_id: str,
    surface: str,
    share: bool = False,
    private: bool = False,
) -> Reply:
    """Record an answer given on a surface and keep it for its buttons, with who may press
    them; its message."""
    answer = given.answer
    public = surface == "shared" or (
        surface in CHANNEL_SURFACES and not private and not answer.privacy_note
    )
    answer_id = deps.store.record_answer(
        answer,
        user_id=user_id,
        surface=surface,
        index_version=given.index_version,
        public=public,
    )
    shareable = offers_share(answer, share=share)
    deps.memory.keep_answer(
        answer_id, replace(given, asker=user_id, public=public, shareable=shareable)
    )
    text, blocks = answer_message(answer, deps.templates, answer_id=answer_id, share=share)
    log.info(
        "answered %s on %s (%s, %d passages)",
        answer_id,
        surface,
        answer.outcome.value,
        len(answer.passages),
    )
    return Reply(answer, answer_id, text, blocks)


@dataclass(frozen=True)
class Where:
    """The message being answered and the thread its answer goes in."""

    channel: str
    ts: str
    thread_ts: str
    user: str
    direct: bool  # a DM: the answer is the asker's alone anyway


def answer_message_event(
    deps: SlackDeps,
    client: WebClient,
    event: dict[str, Any],
    *,
    event_id: str | None,
    surface: str,
    earlier: Thread | None = None,
    retry: bool = False,
) -> None:
    """Answer a mention, a DM or a thread follow-up once, in its thread (`earlier`: the thread,
    for a follow-up; `retry`: Slack's redelivery of an event)."""
    where = Where(
        channel=event["channel"],
        ts=event["ts"],
        thread_ts=event.get("thread_ts") or event["ts"],
        user=event.get("user", ""),
        # app_mention events carry no channel_type; a DM's id starts with D
        direct=event.get("channel_type") == "im" or str(event["channel"]).startswith("D"),
    )
    if not deps.memory.first_delivery(f"{where.channel}:{where.ts}", retry=retry):
        log.info("skipped a repeated delivery of %s", event_id or f"{where.channel}:{where.ts}")
        return
    if earlier is not None and earlier.private and where.user != earlier.asker:
        _only_the_line(deps, client, where, asker=earlier.asker)
        return
    reacted = show_working(client, deps.templates, where)
    try:
        reply = reply_to(
            deps,
            event.get("text", ""),
            user_id=where.user,
            surface=surface,
            earlier=earlier.question if earlier else None,
            private=where.direct or bool(earlier and earlier.private),  # who may press its buttons
        )
    finally:
        if reacted:
            _react(client, "reactions_remove", where)
    private = not where.direct and bool(reply.privacy_note or (earlier and earlier.private))
    if reply.answer is not None:  # before posting: a reply to the answer may come at once
        deps.memory.remember_thread(
            where.channel, where.thread_ts, reply.answer.question, asker=where.user, private=private
        )
    if private:
        _answer_privately(client, deps.templates, where, reply)
    else:
        _post(client, where, reply, alone=where.direct)
    if reply.answer is not None and where.direct and where.thread_ts == where.ts:
        _set_title(client, where, reply.answer.question)


def show_working(client: WebClient, templates: Templates, where: Where) -> bool:
    """Slack's thread status, with rotating loading messages, while the answer is found; where
    Slack refuses it, a reaction on the message instead. True if the reaction was used (the
    status clears itself when the answer is posted in the thread)."""
    loading = templates.render("loading_messages").splitlines()[:MAX_LOADING_MESSAGES]
    try:
        client.assistant_threads_setStatus(
            channel_id=where.channel,
            thread_ts=where.thread_ts,
            status=templates.render("working"),
            loading_messages=[line for line in loading if line.strip()],
        )
        return False
    except SlackApiError as exc:
        log.info("thread status refused (%s): reacting instead", exc.response.get("error"))
    return _react(client, "reactions_add", where)


def _post(client: WebClient, where: Where, reply: Reply, *, alone: bool) -> None:
    """The answer in the thread; in a DM (`alone`) the asker is the only reader, so it carries
    the personal-details note as every copy for the asker alone does."""
    client.chat_postMessage(
        channel=where.channel,
        thread_ts=where.thread_ts,
        text=reply.text,
        blocks=reply.for_asker() if alone else reply.blocks,
        unfurl_links=False,
        unfurl_media=False,
    )


def _answer_privately(client: WebClient, templates: Templates, where: Where, reply: Reply) -> None:
    """A channel question with personal details: the answer (and what was removed) goes to the
    asker alone, and the thread gets one line asking them to edit their message. The line
    repeats nothing of the question."""
    client.chat_postEphemeral(
        channel=where.channel,
        user=where.user,
        thread_ts=where.thread_ts,
        text=reply.text,
        blocks=reply.for_asker(),
    )
    _say_answered_privately(client, templates, where, asker=where.user)


def _only_the_line(deps: SlackDeps, client: WebClient, where: Where, *, asker: str) -> None:
    """Someone else's follow-up in a thread whose question was answered privately: not
    answered, since any answer would build on a question they may not see; the thread gets
    the line again, so they know why. It counts against their rate limit, as a question does."""
    if refused := over_limit(deps, where.user):
        client.chat_postEphemeral(
            channel=where.channel, user=where.user, thread_ts=where.thread_ts, text=refused
        )
        return
    log.info("a follow-up in a privately answered thread got the public line only")
    _say_answered_privately(client, deps.templates, where, asker=asker)


def _say_answered_privately(
    client: WebClient, templates: Templates, where: Where, *, asker: str
) -> None:
    """The thread's one public line, to the person whose question was answered privately."""
    client.chat_postMessage(
        channel=where.channel,
        thread_ts=where.thread_ts,
        text=templates.render("answered_privately", user=f"<@{escape(asker)}>"),
    )


def _set_title(client: WebClient, where: Where, question: str) -> None:
    """A DM thread's title is its (redacted) question, as Slack lists the asker's threads."""
    title = question if len(question) <= MAX_TITLE_CHARS else question[: MAX_TITLE_CHARS - 1] + "…"
    try:
        client.assistant_threads_setTitle(
            channel_id=where.channel, thread_ts=where.thread_ts, title=title
        )
    except SlackApiError as exc:
        log.info("thread title not set: %s", exc.response.get("error"))


def _react(client: WebClient, method: str, where: Where) -> bool:
    """The 'working on it' reaction is a courtesy: failing to set it never stops the answer."""
    try:
        getattr(client, method)(channel=where.channel, timestamp=where.ts, name=WORKING_REACTION)
        return True
    except SlackApiError as exc:
        log.info("%s failed: %s", method, exc.response.get("error"))
        return False
