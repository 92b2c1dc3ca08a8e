"""slack-manifest.yml asks for what the listeners handle, and no more."""

from __future__ import annotations

import yaml

from bot.slack.listeners.shortcuts import ASK_ABOUT_MESSAGE
from tests.fakes.knowledge import REPO

MANIFEST = yaml.safe_load((REPO / "slack-manifest.yml").read_text(encoding="utf-8"))


def test_the_manifest_uses_the_agent_view_and_the_message_shortcut() -> None:
    features = MANIFEST["features"]
    assert "agent_view" in features and "assistant_view" not in features
    assert features["agent_view"]["agent_description"]
    (shortcut,) = features["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", ASK_ABOUT_MESSAGE)


def test_only_handled_events_are_subscribed_with_the_scopes_they_need() -> None:
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert events == {
        "app_home_opened",
        "app_mention",
        "message.im",
        "message.channels",
        "message.groups",
    }
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    assert {"channels:history", "groups:history", "chat:write", "commands"} <= scopes
    assert not {"channels:read", "groups:read", "mpim:history"} & scopes
