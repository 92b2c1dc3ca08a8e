"""'Send to owner' on the gaps digest: an admin sends a topic's owner a direct message.

The button carries the topic's key and the digest's period only; the topic is built again from
the usage store, and its examples go through the personal-data guard once more before the
message is sent. Only admins may send, as only they may rebuild: the digest is in the admin
channel, but a message can be forwarded."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond
from slack_sdk import WebClient

from bot.answering.gaps import rechecked
from bot.slack.deps import SlackDeps
from bot.slack.gaps_blocks import SEND_TO_OWNER, owner_message, read_button_value
from bot.slack.listeners.ack_first import AckFirst
from bot.slack.listeners.admin import private_reply, refuse_non_admin
from bot.slack.markup import escape

log = logging.getLogger(__name__)
NOT_A_TOPIC = "That button does not name a topic of the digest."
GONE = "No questions are left on that topic (older ones are deleted after the retention period)."
NO_USER = (
    "No Slack user is set for {owner}: add them to PRACTICE_BOT_OWNER_SLACK_USERS, or send "
    "it yourself."
)


def register(app: AckFirst, deps: SlackDeps) -> None:
    app.action(SEND_TO_OWNER)(send_to_owner_action(deps))


def send_to_owner_action(deps: SlackDeps) -> Callable[..., None]:
    def on_send_to_owner(
        ack: Ack, action: dict[str, Any], body: dict[str, Any], respond: Respond, client: WebClient
    ) -> None:
        ack()  # first: the admin check may have to ask Slack for a user group's members
        user, say = body["user"]["id"], private_reply(respond)
        if not deps.admin.admins.allows(user, client):
            say(
                refuse_non_admin(
                    deps, user, "send_to_owner", "send questions to a document's owner"
                )
            )
            return
        pressed = read_button_value(str(action.get("value", "")))
        if pressed is None or deps.gaps is None:
            say(NOT_A_TOPIC)
            return
        key, since, until = pressed
        report = deps.gaps(since, until)
        topic = report.topic(key)
        if topic is None:
            say(GONE)
            return
        owner = topic.owner_user
        if not owner:
            say(NO_USER.format(owner=escape(topic.owner or "this document's owner")))
            return
        topic = rechecked(topic, deps.answerer().guard)
        text, blocks = owner_message(topic, report, deps.templates)
        client.chat_postMessage(channel=owner, text=text, blocks=blocks)  # the owner's DM
        # The audit names the document and its owner, never a question.
        deps.admin.audit.record(
            actor=f"slack:{user}",
            action="send_to_owner",
            target=topic.source or topic.key,
            result="ok",
            detail=f"{topic.count} questions to {owner}",
        )
        log.info("gaps topic %s sent to its owner by %s", topic.key, user)
        say(f"Sent to {escape(topic.owner or '')} (<@{owner}>).")

    return on_send_to_owner
