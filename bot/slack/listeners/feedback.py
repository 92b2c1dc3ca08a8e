"""Feedback on an answer: Slack's thumbs up / down (feedback_buttons), and the small form
'Not helpful' opens to ask why. The reason's free text is redacted before it is stored. Only
those who saw the answer may judge it: its asker, or anyone in the channel it was posted in."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.blocks import FEEDBACK, HELPFUL, HELPFUL_VALUE, UNHELPFUL, UNHELPFUL_VALUE
from bot.slack.deps import SlackDeps
from bot.slack.feedback import FEEDBACK_VIEW, read_reason, reason_view
from bot.slack.listeners.ack_first import AckFirst
from bot.slack.listeners.actions import (
    NOT_YOURS,
    SOMEONE_ELSES,
    private,
    record_refusal,
    refuse,
)
from bot.slack.replies import over_limit
from bot.text import squash

log = logging.getLogger(__name__)


def register(app: AckFirst, deps: SlackDeps) -> None:
    app.action(FEEDBACK)(feedback_action(deps))
    app.view(FEEDBACK_VIEW)(reason_submitted(deps))
    # The plain buttons of answers posted before feedback_buttons: their value is the id alone.
    app.action(HELPFUL)(verdict_action(deps, helpful=True))
    app.action(UNHELPFUL)(verdict_action(deps, helpful=False))


def feedback_action(deps: SlackDeps) -> Callable[..., None]:
    """A thumbs up or down: the verdict stored; a thumbs down also opens the form asking why."""

    def on_feedback(
        ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()
        verdict, _, answer_id = str(action.get("value", "")).partition(":")
        if verdict not in (HELPFUL_VALUE, UNHELPFUL_VALUE):
            return
        helpful = verdict == HELPFUL_VALUE
        if record(deps, body, respond, answer_id, helpful=helpful) and not helpful:
            ask_why(client, body.get("trigger_id"), answer_id)

    return on_feedback


def verdict_action(deps: SlackDeps, *, helpful: bool) -> Callable[..., None]:
    def on_verdict(
        ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond
    ) -> None:
        ack()
        record(deps, body, respond, action["value"], helpful=helpful)

    return on_verdict


def record(
    deps: SlackDeps, body: dict[str, Any], respond: Respond, answer_id: str, *, helpful: bool
) -> bool:
    """Store one verdict and tell the presser (privately) whether it was; True if stored."""
    user = body["user"]["id"]
    if refused := over_limit(deps, user):
        private(respond, refused)
        return False
    allowed = deps.store.may_give_feedback(answer_id, user_id=user)
    if allowed is False:
        refusal = (SOMEONE_ELSES, NOT_YOURS)
        refuse(deps, respond, user=user, action="feedback", target=answer_id, refusal=refusal)
        return False
    stored = allowed is not None and deps.store.record_verdict(
        answer_id, user_id=user, helpful=helpful
    )
    private(respond, deps.templates.render("feedback_thanks" if stored else "feedback_failed"))
    return stored


def ask_why(client: WebClient, trigger_id: str | None, answer_id: str) -> None:
    """Open the form (Slack's trigger lasts 3 seconds; a missed one only loses the reason)."""
    if not trigger_id:
        return
    try:
        client.views_open(trigger_id=trigger_id, view=reason_view(answer_id))
    except SlackApiError as exc:
        log.info("feedback form not opened: %s", exc.response.get("error"))


def reason_submitted(deps: SlackDeps) -> Callable[..., None]:
    """The form sent: the reason stored with the verdict, the free text redacted first."""

    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        ack()
        reason = read_reason(view)
        if reason is None:
            log.warning("ignored a feedback form that this bot did not make")
            return
        user = body["user"]["id"]
        if deps.store.may_give_feedback(reason.answer_id, user_id=user) is False:
            # The form only opens on a thumbs down that was allowed: this one was not made for
            # this person. The form has closed (it was acknowledged first): a private message.
            record_refusal(
                deps, user=user, action="feedback", target=reason.answer_id, why=SOMEONE_ELSES
            )
            tell(client, user, NOT_YOURS)
            return
        comment = squash(reason.comment)
        if comment:
            comment = deps.answerer().guard.redact(comment).text
        stored = deps.store.record_reason(
            reason.answer_id, user_id=user, reason=reason.reason, comment=comment
        )
        if not stored:
            log.warning("feedback reason on %s not stored", reason.answer_id)

    return on_submit


def tell(client: WebClient, user: str, text: str) -> None:
    """A line to one person in their messages with the bot (best effort)."""
    try:
        client.chat_postMessage(channel=user, text=text)
    except SlackApiError as exc:
        log.info("a refused form's sender was not told: %s", exc.response.get("error"))
