"""Mentions in channels, direct messages and the App Home."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.slack.blocks import home_view
from bot.slack.listeners.admin import handle_upload
from bot.slack.replies import SlackDeps, answer_message_event


def register(app: App, deps: SlackDeps) -> None:
    app.event("app_mention")(mention_event(deps))
    app.event("message")(message_event(deps))
    app.event("app_home_opened")(home_opened_event(deps))


def mention_event(deps: SlackDeps) -> Callable[..., None]:
    def on_mention(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("bot_id") or event.get("subtype"):
            return  # other bots' messages, edits and deletions
        if deps.allowed_channels and event["channel"] not in deps.allowed_channels:
            client.chat_postEphemeral(
                channel=event["channel"],
                user=event.get("user", ""),
                text=deps.templates.render("channel_not_allowed"),
            )
            return
        answer_message_event(
            deps, client, event, event_id=body.get("event_id"), surface="mention", in_thread=True
        )

    return on_mention


def message_event(deps: SlackDeps) -> Callable[..., None]:
    def on_message(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        # Only direct messages: in channels the bot answers when mentioned (app_mention).
        if event.get("channel_type") != "im" or event.get("bot_id"):
            return
        if event.get("subtype") == "file_share":
            if deps.seen.first(body.get("event_id"), f"{event['channel']}:{event['ts']}"):
                handle_upload(deps, client, event)
            return
        if event.get("subtype"):
            return  # edits, deletions and other changes are not questions
        answer_message_event(
            deps,
            client,
            event,
            event_id=body.get("event_id"),
            surface="dm",
            in_thread=bool(event.get("thread_ts")),
        )

    return on_message


def home_opened_event(deps: SlackDeps) -> Callable[..., None]:
    def on_home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        view = home_view(deps.documents(), deps.templates, deps.examples, today=dt.date.today())
        client.views_publish(user_id=event["user"], view=view)

    return on_home_opened
