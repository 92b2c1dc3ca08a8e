"""Answering a message in its thread: a status while searching, the answer posted (privately
when a channel question held personal details), and the thread remembered for follow-ups.

A thread whose question was answered privately stays private: a follow-up there gets the same
one public line again, and is answered (privately) only when it comes from the asker."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answering.templates import Templates
from bot.slack.markup import escape
from bot.slack.replies import Reply, SlackDeps
from bot.slack.threads import Thread

log = logging.getLogger(__name__)
WORKING_REACTION = "mag"  # only where Slack refuses the thread status
MAX_LOADING_MESSAGES = 10  # Slack's limit for assistant.threads.setStatus
MAX_TITLE_CHARS = 80


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
) -> None:
    """Answer a mention, a DM or a thread follow-up once, in its thread (`earlier`: the thread,
    for a follow-up)."""
    where = Where(
        channel=event["channel"],
        ts=event["ts"],
        thread_ts=event.get("thread_ts") or event["ts"],
        user=event.get("user", ""),
        # app_mention events carry no channel_type; a DM's id starts with D
        direct=event.get("channel_type") == "im" or str(event["channel"]).startswith("D"),
    )
    if not deps.seen.first(event_id, f"{where.channel}:{where.ts}"):
        log.info("skipped a repeated delivery of %s", event_id or f"{where.channel}:{where.ts}")
        return
    if earlier is not None and earlier.private and where.user != earlier.asker:
        _only_the_line(deps, client, where, asker=earlier.asker)
        return
    reacted = show_working(client, deps.templates, where)
    try:
        reply = deps.reply(
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
        deps.threads.remember(
            where.channel, where.thread_ts, reply.answer.question, asker=where.user, private=private
        )
    if private:
        _answer_privately(client, deps.templates, where, reply)
    else:
        _post(client, where, reply)
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


def _post(client: WebClient, where: Where, reply: Reply) -> None:
    client.chat_postMessage(
        channel=where.channel,
        thread_ts=where.thread_ts,
        text=reply.text,
        blocks=reply.blocks,
        unfurl_links=False,
        unfurl_media=False,
    )
    if reply.privacy_note:  # in a DM: the note is for the asker, who is alone there anyway
        client.chat_postEphemeral(
            channel=where.channel,
            user=where.user,
            thread_ts=where.thread_ts,
            text=escape(reply.privacy_note),
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
        blocks=reply.with_privacy_note(),
    )
    _say_answered_privately(client, templates, where, asker=where.user)


def _only_the_line(deps: SlackDeps, client: WebClient, where: Where, *, asker: str) -> None:
    """Someone else's follow-up in a thread whose question was answered privately: not
    answered, since any answer would build on a question they may not see; the thread gets
    the line again, so they know why. It counts against their rate limit, as a question does."""
    if refused := deps.over_limit(where.user):
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
