"""Buttons under an answer: share it in the channel, more sources, helpful / not helpful.

A button's value is only its answer's id: the answer itself is looked up in SlackDeps.recent.
Every press counts against the presser's rate limit, as a question does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.records import Answer
from bot.slack.blocks import HELPFUL, MORE, SHARE, UNHELPFUL, more_sources_message
from bot.slack.markup import escape
from bot.slack.replies import SlackDeps

MORE_SOURCES = 8
GONE = "That answer is no longer to hand, so it cannot be shared or extended: please ask again."


def register(app: App, deps: SlackDeps) -> None:
    app.action(SHARE)(share_action(deps))
    app.action(MORE)(more_action(deps))
    app.action(HELPFUL)(verdict_action(deps, helpful=True))
    app.action(UNHELPFUL)(verdict_action(deps, helpful=False))


def share_action(deps: SlackDeps) -> Callable[..., None]:
    def on_share(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        user = body["user"]["id"]
        answer = _held(deps, user, action["value"])
        if isinstance(answer, str):
            _private(respond, answer)
            return
        reply = deps.render(answer, user_id=user, surface="shared")
        note = deps.templates.render("shared_by", user=f"<@{escape(user)}>")
        blocks = [
            {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]},
            *reply.blocks,
        ]
        respond(response_type="in_channel", replace_original=False, text=reply.text, blocks=blocks)
        respond(delete_original=True)  # the private copy is no longer needed

    return on_share


def more_action(deps: SlackDeps) -> Callable[..., None]:
    def on_more(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        answer = _held(deps, body["user"]["id"], action["value"])
        if isinstance(answer, str):
            _private(respond, answer)
            return
        answerer = deps.answerer()
        more = answerer.answer(answer.question, top_k=MORE_SOURCES)
        text, blocks = more_sources_message(more, deps.templates, skip=answerer.policy.top_k)
        respond(response_type="ephemeral", replace_original=False, text=text, blocks=blocks)

    return on_more


def verdict_action(deps: SlackDeps, *, helpful: bool) -> Callable[..., None]:
    def on_verdict(
        ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        user = body["user"]["id"]
        if refused := deps.over_limit(user):
            _private(respond, refused)
            return
        stored = deps.store.record_verdict(action["value"], user_id=user, helpful=helpful)
        _private(respond, deps.templates.render("feedback_thanks" if stored else "feedback_failed"))

    return on_verdict


def _held(deps: SlackDeps, user: str, answer_id: str) -> Answer | str:
    """The answer a button belongs to, or why the press gets none (the rate limit, or an
    answer no longer held: too old, or given before the bot restarted)."""
    if refused := deps.over_limit(user):
        return refused
    return deps.recent.get(answer_id) or GONE


def _private(respond: Respond, text: str) -> None:
    respond(response_type="ephemeral", replace_original=False, text=text)
