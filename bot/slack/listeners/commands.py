"""/ask QUESTION: acknowledged at once, answered privately with a button to share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond

from bot.slack.deps import SlackDeps
from bot.slack.listeners.ack_first import AckFirst
from bot.slack.replies import reply_to


def register(app: AckFirst, deps: SlackDeps) -> None:
    app.command("/ask")(ask_command(deps))


def ask_command(deps: SlackDeps) -> Callable[..., None]:
    def on_ask(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()  # within Slack's 3 seconds; the answer follows through response_url
        reply = reply_to(
            deps,
            command.get("text", ""),
            user_id=command.get("user_id", ""),
            surface="command",
            share=True,
        )
        # Only the asker sees it, with what was removed, if anything.
        respond(response_type="ephemeral", text=reply.text, blocks=reply.for_asker())

    return on_ask
