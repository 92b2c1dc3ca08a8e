"""Mentions in channels, follow-ups in threads the bot answered in, direct messages, and the
App Home (its Home tab, and suggested prompts when someone opens the Messages tab)."""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.deps import SlackDeps
from bot.slack.home import home_view
from bot.slack.listeners.ack_first import AckFirst
from bot.slack.listeners.admin import handle_upload
from bot.slack.replies import answer_message_event
from bot.slack.threads import is_follow_up

log = logging.getLogger(__name__)
SUGGESTED_PROMPTS = 4  # Slack shows at most four


def register(app: AckFirst, deps: SlackDeps) -> None:
    app.event("app_mention")(mention_event(deps))
    app.event("message")(message_event(deps))
    app.event("app_home_opened")(home_opened_event(deps))


def mention_event(deps: SlackDeps) -> Callable[..., None]:
    def on_mention(
        event: dict[str, Any], body: dict[str, Any], client: WebClient, request: BoltRequest
    ) -> None:
        if event.get("bot_id") or event.get("subtype"):
            return  # other bots' messages, edits and deletions
        if deps.allowed_channels and event["channel"] not in deps.allowed_channels:
            client.chat_postEphemeral(
                channel=event["channel"],
                user=event.get("user", ""),
                text=deps.templates.render("channel_not_allowed"),
            )
            return
        earlier = deps.memory.thread(event["channel"], event.get("thread_ts"))
        answer_message_event(
            deps,
            client,
            event,
            event_id=body.get("event_id"),
            surface="mention",
            earlier=earlier,
            retry=is_retry(request),
        )

    return on_mention


def message_event(deps: SlackDeps) -> Callable[..., None]:
    """Direct messages, and in channels only replies in a thread the bot has answered in (a
    question elsewhere in a channel is answered when the bot is mentioned: app_mention)."""

    def on_message(
        event: dict[str, Any],
        body: dict[str, Any],
        client: WebClient,
        context: BoltContext,
        request: BoltRequest,
    ) -> None:
        if event.get("bot_id"):
            return  # the bot's own messages and other bots'
        direct = event.get("channel_type") == "im"
        if direct and event.get("subtype") == "file_share":
            key = f"{event['channel']}:{event['ts']}"
            if deps.memory.first_delivery(key, retry=is_retry(request)):
                handle_upload(deps, client, event)
            return
        if event.get("subtype") not in (None, "thread_broadcast"):
            return  # edits, deletions and other changes are not questions
        channel, thread_ts = event["channel"], event.get("thread_ts")
        earlier = deps.memory.thread(channel, thread_ts)
        if not direct and (earlier is None or not _open_to(deps, channel)):
            return
        if earlier is not None and not is_follow_up(
            event.get("text", ""), bot_user_id=context.bot_user_id
        ):
            return  # thanks, or a word to someone else in the thread
        surface = "dm" if direct else "thread"
        answer_message_event(
            deps,
            client,
            event,
            event_id=body.get("event_id"),
            surface=surface,
            earlier=earlier,
            retry=is_retry(request),
        )

    return on_message


def is_retry(request: BoltRequest) -> bool:
    """Slack's redelivery of an event it thinks was not acknowledged (X-Slack-Retry-Num)."""
    return bool(request.headers.get("x-slack-retry-num"))


def _open_to(deps: SlackDeps, channel: str) -> bool:
    return not deps.allowed_channels or channel in deps.allowed_channels


def home_opened_event(deps: SlackDeps) -> Callable[..., None]:
    def on_home_opened(event: dict[str, Any], client: WebClient) -> None:
        tab = event.get("tab", "home")
        if tab == "messages" and event.get("channel"):
            offer_prompts(deps, client, event["channel"])
        if tab != "home":
            return
        view = home_view(deps.documents(), deps.templates, deps.examples, today=dt.date.today())
        client.views_publish(user_id=event["user"], view=view)

    return on_home_opened


def offer_prompts(deps: SlackDeps, client: WebClient, channel: str) -> None:
    """Example questions at the top of the Messages tab (the agent view shows them there)."""
    questions = itertools.islice(itertools.chain(*deps.examples.values()), SUGGESTED_PROMPTS)
    try:
        client.assistant_threads_setSuggestedPrompts(
            channel_id=channel,
            title=deps.templates.render("prompts_title"),
            prompts=[{"title": q, "message": q} for q in questions],
        )
    except SlackApiError as exc:
        log.info("suggested prompts not set: %s", exc.response.get("error"))
