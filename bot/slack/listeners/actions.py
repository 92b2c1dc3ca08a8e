"""Buttons under an answer: share it in the channel, more sources, helpful / not helpful."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.slack.blocks import HELPFUL, MORE, SHARE, UNHELPFUL, more_sources_message, parse_carry
from bot.slack.markup import escape
from bot.slack.replies import SlackDeps

MORE_SOURCES = 8


def register(app: App, deps: SlackDeps) -> None:
    app.action(SHARE)(share_action(deps))
    app.action(MORE)(more_action(deps))
    app.action(HELPFUL)(verdict_action(deps, helpful=True))
    app.action(UNHELPFUL)(verdict_action(deps, helpful=False))


def share_action(deps: SlackDeps) -> Callable[..., None]:
    def on_share(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        _, question = parse_carry(action["value"])
        user = body["user"]["id"]
        reply = deps.reply(question, user_id=user, surface="shared")
        note = deps.templates.render("shared_by", user=f"<@{escape(user)}>")
        blocks = [
            {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]},
            *reply.blocks,
        ]
        respond(response_type="in_channel", replace_original=False, text=reply.text, blocks=blocks)
        respond(delete_original=True)  # the private copy is no longer needed

    return on_share


def more_action(deps: SlackDeps) -> Callable[..., None]:
    def on_more(ack: Ack, action: dict[str, Any], respond: Respond) -> None:
        ack()
        _, question = parse_carry(action["value"])
        answerer = deps.answerer()
        answer = answerer.answer(question, top_k=MORE_SOURCES)
        text, blocks = more_sources_message(answer, deps.templates, skip=answerer.policy.top_k)
        respond(response_type="ephemeral", replace_original=False, text=text, blocks=blocks)

    return on_more


def verdict_action(deps: SlackDeps, *, helpful: bool) -> Callable[..., None]:
    def on_verdict(
        ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        user = body["user"]["id"]
        stored = deps.store.record_verdict(action["value"], user_id=user, helpful=helpful)
        message = deps.templates.render("feedback_thanks" if stored else "feedback_failed")
        respond(response_type="ephemeral", replace_original=False, text=message)

    return on_verdict
