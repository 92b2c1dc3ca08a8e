"""Bolt listeners, grouped by kind; each is a thin function over SlackDeps, registered through
AckFirst so that Slack is acknowledged before it runs (ack_first.py)."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.deps import SlackDeps
from bot.slack.listeners import (
    actions,
    admin,
    brief,
    commands,
    events,
    feedback,
    gaps,
    shortcuts,
)
from bot.slack.listeners.ack_first import AckFirst


def register_listeners(app: App, deps: SlackDeps) -> None:
    listeners = AckFirst(app, templates=deps.templates)
    events.register(listeners, deps)
    commands.register(listeners, deps)
    brief.register(listeners, deps)
    actions.register(listeners, deps)
    feedback.register(listeners, deps)
    shortcuts.register(listeners, deps)
    admin.register(listeners, deps)
    gaps.register(listeners, deps)
