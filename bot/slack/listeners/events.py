"""Mentions in channels, direct messages and the App Home."""

from __future__ import annotations

import datetime as dt
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.slack.blocks import home_view
from bot.slack.replies import SlackDeps, answer_message_event

IGNORED_SUBTYPES = {"message_changed", "message_deleted", "bot_message", "message_replied"}


def register(app: App, deps: SlackDeps) -> None:
    @app.event("app_mention")
    def on_mention(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        if event.get("bot_id") or event.get("subtype") in IGNORED_SUBTYPES:
            return
        answer_message_event(
            deps, client, event, event_id=body.get("event_id"), surface="mention", in_thread=True
        )

    @app.event("message")
    def on_message(event: dict[str, Any], body: dict[str, Any], client: WebClient) -> None:
        # Only direct messages: in channels the bot answers when mentioned (app_mention).
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return
        answer_message_event(
            deps,
            client,
            event,
            event_id=body.get("event_id"),
            surface="dm",
            in_thread=bool(event.get("thread_ts")),
        )

    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        view = home_view(deps.documents(), deps.templates, deps.examples, today=dt.date.today())
        client.views_publish(user_id=event["user"], view=view)
