"""The message shortcut 'Ask practice-bot about this message': the message's text, redacted,
becomes the question, and the answer goes only to the person who used the shortcut."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond

from bot.slack.deps import SlackDeps
from bot.slack.listeners.ack_first import AckFirst
from bot.slack.replies import reply_to

ASK_ABOUT_MESSAGE = "ask_about_message"  # the shortcut's callback_id in slack-manifest.yml


def register(app: AckFirst, deps: SlackDeps) -> None:
    app.shortcut(ASK_ABOUT_MESSAGE)(ask_about_message(deps))


def ask_about_message(deps: SlackDeps) -> Callable[..., None]:
    def on_shortcut(ack: Ack, shortcut: dict[str, Any], respond: Respond) -> None:
        ack()  # within Slack's 3 seconds; the answer follows through response_url
        message = shortcut.get("message") or {}
        reply = reply_to(
            deps,
            str(message.get("text") or ""),
            user_id=shortcut.get("user", {}).get("id", ""),
            surface="shortcut",
            share=True,
        )
        # Only the person who used the shortcut sees it, with what was removed, if anything.
        respond(response_type="ephemeral", text=reply.text, blocks=reply.for_asker())

    return on_shortcut
