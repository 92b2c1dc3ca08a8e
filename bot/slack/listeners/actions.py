"""Buttons under an answer: share it in the channel, and its further sources.

A button's value is only its answer's id: the answer itself is looked up in SlackDeps.memory.
Every press counts against the presser's rate limit, as a question does. A press is checked
against the answer it names: only the asker may share, and only an answer whose message offered
Share; only the asker may see more of a private answer (anyone, of one posted in the channel)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond

from bot.slack.blocks import MORE, SHARE, more_sources_message
from bot.slack.deps import SlackDeps
from bot.slack.given import Given
from bot.slack.listeners.ack_first import AckFirst
from bot.slack.markup import escape
from bot.slack.replies import over_limit, render

log = logging.getLogger(__name__)
GONE = "That answer is no longer to hand, so it cannot be shared or extended: please ask again."
NOT_THE_ASKER = "Only the person who asked can share this answer."
NOT_OFFERED = "This answer was not offered for sharing."
NOT_YOURS = "That answer was given privately to someone else."
SOMEONE_ELSES = "a private answer, not the asker"  # the reason audited


def register(app: AckFirst, deps: SlackDeps) -> None:
    app.action(SHARE)(share_action(deps))
    app.action(MORE)(more_action(deps))


def share_action(deps: SlackDeps) -> Callable[..., None]:
    def on_share(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        user = body["user"]["id"]
        answer_id = str(action.get("value", ""))
        given = held(deps, user, answer_id)
        if isinstance(given, str):
            private(respond, given)
            return
        if refusal := share_refusal(given, user):
            refuse(deps, respond, user=user, action="share", target=answer_id, refusal=refusal)
            return
        reply = render(deps, given, user_id=user, surface="shared")
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
        user, answer_id = body["user"]["id"], str(action.get("value", ""))
        given = held(deps, user, answer_id)
        if isinstance(given, str):
            private(respond, given)
            return
        if not given.open_to(user):
            refusal = (SOMEONE_ELSES, NOT_YOURS)
            refuse(
                deps, respond, user=user, action="more_sources", target=answer_id, refusal=refusal
            )
            return
        text, blocks = more_sources_message(given.answer, deps.templates)
        respond(response_type="ephemeral", replace_original=False, text=text, blocks=blocks)

    return on_more


def held(deps: SlackDeps, user: str, answer_id: str) -> Given | str:
    """The answer a button belongs to, or why the press gets none (the rate limit, or an
    answer no longer held: too old, or given before the bot restarted)."""
    if refused := over_limit(deps, user):
        return refused
    return deps.memory.answer(answer_id) or GONE


def private(respond: Respond, text: str) -> None:
    respond(response_type="ephemeral", replace_original=False, text=text)


def share_refusal(given: Given, user: str) -> tuple[str, str] | None:
    """Why this person may not share this answer, and the line they are told; None if they
    may."""
    if user != given.asker:
        return "not the asker", NOT_THE_ASKER
    if not given.shareable:  # a private or not-found answer: its message had no Share
        return "not offered for sharing", NOT_OFFERED
    return None


def refuse(
    deps: SlackDeps,
    respond: Respond,
    *,
    user: str,
    action: str,
    target: str,
    refusal: tuple[str, str],
) -> None:
    """A press on something that is not the presser's to use: `refusal`'s line, privately to
    them, and nothing in the channel."""
    why, line = refusal
    record_refusal(deps, user=user, action=action, target=target, why=why)
    private(respond, line)


def record_refusal(deps: SlackDeps, *, user: str, action: str, target: str, why: str) -> None:
    """An audit row and a log line with the reason, naming the answer (or brief) by its id and
    never its question."""
    log.warning("%s of %s refused: %s", action, target, why)
    deps.admin.audit.record(
        actor=f"slack:{user}",
        action=f"{action}_refused",
        target=target,
        result="refused",
        detail=why,
    )
