"""/ask QUESTION: acknowledged at once, answered privately with a button to share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond

from bot.slack.listeners.ack_first import AckFirst
from bot.slack.markup import escape
from bot.slack.replies import SlackDeps


def register(app: AckFirst, deps: SlackDeps) -> None:
    app.command("/ask")(ask_command(deps))


def ask_command(deps: SlackDeps) -> Callable[..., None]:
    def on_ask(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()  # within Slack's 3 seconds; the answer follows through response_url
        reply = deps.reply(
            command.get("text", ""),
            user_id=command.get("user_id", ""),
            surface="command",
            share=True,
        )
        respond(response_type="ephemeral", text=reply.text, blocks=reply.blocks)
        if reply.answer is not None and reply.answer.privacy_note:
            respond(
                response_type="ephemeral",
                replace_original=False,
                text=escape(reply.answer.privacy_note),
            )

    return on_ask
