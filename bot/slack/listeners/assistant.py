"""Slack's assistant side panel: suggested prompts, a status line while searching, the answer."""

from __future__ import annotations

import itertools
from typing import Any

from slack_bolt import App, Assistant, Say, SetStatus, SetSuggestedPrompts

from bot.slack.markup import escape
from bot.slack.replies import SlackDeps


def register(app: App, deps: SlackDeps) -> None:
    assistant = Assistant()

    @assistant.thread_started
    def on_started(say: Say, set_suggested_prompts: SetSuggestedPrompts) -> None:
        say(deps.templates.render("help"))
        prompts = list(itertools.islice(itertools.chain(*deps.examples.values()), 4))
        set_suggested_prompts(prompts=prompts)

    @assistant.user_message
    def on_user_message(
        payload: dict[str, Any], body: dict[str, Any], set_status: SetStatus, say: Say
    ) -> None:
        key = f"{payload['channel']}:{payload['ts']}"
        if not deps.seen.first(body.get("event_id"), key):
            return
        set_status(deps.templates.render("working"))
        reply = deps.reply(
            payload.get("text", ""), user_id=payload.get("user", ""), surface="assistant"
        )
        say(text=reply.text, blocks=reply.blocks)
        if reply.answer is not None and reply.answer.privacy_note:
            say(text=escape(reply.answer.privacy_note))  # the assistant panel is private

    app.use(assistant)
