"""/brief TOPIC: the manager's brief, acknowledged at once and answered privately, with a
button to share it in the channel.

The button's value is only the brief's id; the brief itself is held for an hour
(SlackDeps.memory), with who asked for it: only they may share it. The command and the share
both count against the person's rate limit, as a question does."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond

from bot.answering.brief import BRIEF_TOPICS, build_brief
from bot.errors import QuestionError
from bot.slack.blocks import context
from bot.slack.brief_blocks import SHARE_BRIEF, brief_message, plain_message
from bot.slack.deps import SlackDeps
from bot.slack.listeners.ack_first import AckFirst
from bot.slack.listeners.actions import refuse
from bot.slack.markup import escape, question_from_slack
from bot.slack.replies import over_limit

log = logging.getLogger(__name__)
GONE = "That brief is no longer to hand, so it cannot be shared: please ask for it again."
NOT_THE_ASKER = "Only the person who asked can share this brief."


def register(app: AckFirst, deps: SlackDeps) -> None:
    app.command("/brief")(brief_command(deps))
    app.action(SHARE_BRIEF)(share_brief_action(deps))


def brief_command(deps: SlackDeps) -> Callable[..., None]:
    def on_brief(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()  # within Slack's 3 seconds; the brief follows through response_url
        user = command.get("user_id", "")
        if refused := over_limit(deps, user):
            _private(respond, refused)
            return
        answerer = deps.answerer()
        try:
            brief = build_brief(answerer, question_from_slack(command.get("text", "")))
        except QuestionError:  # no topic: say how to ask
            _private(respond, deps.templates.render("brief_help", topics=", ".join(BRIEF_TOPICS)))
            return
        if brief.empty:
            abstain = deps.templates.render("abstain", contact=answerer.policy.contact)
            _private(respond, abstain, note=brief.privacy_note)
            return
        text, blocks = brief_message(brief, brief_id=deps.memory.keep_brief(brief, asker=user))
        log.info(  # the counts only: the topic may say more than it should
            "brief given: %d expected, %d found, %d to improve",
            len(brief.expectations),
            len(brief.findings),
            len(brief.improvement_areas),
        )
        respond(response_type="ephemeral", text=text, blocks=blocks)

    return on_brief


def share_brief_action(deps: SlackDeps) -> Callable[..., None]:
    def on_share(ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond) -> None:
        ack()
        user = body["user"]["id"]
        if refused := over_limit(deps, user):
            _private(respond, refused)
            return
        brief_id = str(action.get("value", ""))
        kept = deps.memory.brief(brief_id)
        if kept is None:
            _private(respond, GONE)
            return
        if user != kept.asker:
            refusal = ("not the asker", NOT_THE_ASKER)
            refuse(deps, respond, user=user, action="share_brief", target=brief_id, refusal=refusal)
            return
        note = deps.templates.render("shared_by", user=f"<@{escape(user)}>")
        text, blocks = brief_message(kept.brief, brief_id=None, shared_by=note)
        respond(response_type="in_channel", replace_original=False, text=text, blocks=blocks)
        respond(delete_original=True)  # the private copy is no longer needed

    return on_share


def _private(respond: Respond, text: str, *, note: str | None = None) -> None:
    """A plain private reply, headed by the personal-data `note` if there is one; the text is
    wording from the templates, escaped here."""
    fallback, blocks = plain_message(text)
    if note:
        blocks = [context(escape(note)), *blocks]
    respond(response_type="ephemeral", replace_original=False, text=fallback, blocks=blocks)
