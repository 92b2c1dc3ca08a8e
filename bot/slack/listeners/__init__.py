"""Bolt listeners, grouped by kind; each is a thin function over SlackDeps."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, admin, assistant, commands, events
from bot.slack.replies import SlackDeps


def register_listeners(app: App, deps: SlackDeps) -> None:
    events.register(app, deps)
    commands.register(app, deps)
    actions.register(app, deps)
    assistant.register(app, deps)
    admin.register(app, deps)
