"""Bolt listeners, grouped by kind; each is a thin function over SlackDeps."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.listeners import actions, admin, brief, commands, events, feedback, shortcuts
from bot.slack.replies import SlackDeps


def register_listeners(app: App, deps: SlackDeps) -> None:
    events.register(app, deps)
    commands.register(app, deps)
    brief.register(app, deps)
    actions.register(app, deps)
    feedback.register(app, deps)
    shortcuts.register(app, deps)
    admin.register(app, deps)
