"""Buttons under an answer: share it in the channel, and its further sources.

A button's value is only its answer's id: the answer itself is looked up in SlackDeps.recent.
Every press counts against the presser's rate limit, as a question does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond

from bot.slack.blocks import MORE, SHARE, more_sources_message
from bot.slack.listeners.ack_first import AckFirst
from bot.slack.markup import escape
from bot.slack.replies import Given, SlackDeps

GONE = "That answer is no longer to hand, so it cannot be shared or extended: please ask again."


def register(app: AckFirst, deps: SlackDeps) -> None:
    app.action(SHARE)(share_action(deps))
    app.action(MORE)(more_action(deps))


def share_action(deps: SlackDeps) -> Callable[..., None]:
    def on_share(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        user = body["user"]["id"]
        given = held(deps, user, action["value"])
        if isinstance(given, str):
            private(respond, given)
            return
        reply = deps.render(given, user_id=user, surface="shared")
        note = deps.templates.render("shared_by", user=f"<@{escape(user)}>")
        blocks = [
            {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]},
            *reply.blocks,
        ]
        respond(response_type="in_channel", replace_original=False, text=reply.text, blocks=blocks)
        respond(delete_original=True)  # the private copy is no longer needed

    return on_share


def more_action(deps: SlackDeps) -> Callable[..., None]:
    """The answer's passages after the first, which its message does not show."""

    def on_more(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        given = held(deps, body["user"]["id"], action["value"])
        if isinstance(given, str):
            private(respond, given)
            return
        text, blocks = more_sources_message(given.answer, deps.templates)
        respond(response_type="ephemeral", replace_original=False, text=text, blocks=blocks)

    return on_more


def held(deps: SlackDeps, user: str, answer_id: str) -> Given | str:
    """The answer a button belongs to, or why the press gets none (the rate limit, or an
    answer no longer held: too old, or given before the bot restarted)."""
    if refused := deps.over_limit(user):
        return refused
    return deps.recent.get(answer_id) or GONE


def private(respond: Respond, text: str) -> None:
    respond(response_type="ephemeral", replace_original=False, text=text)
