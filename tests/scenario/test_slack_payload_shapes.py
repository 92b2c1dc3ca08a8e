"""Signed payloads whose shape Slack never sends (a view with no type, an empty `actions` list):
refused with the same short 400 as any other malformed body, with no traceback logged."""

from __future__ import annotations

import json
import logging
import urllib.parse
from typing import Any

import pytest

from bot.devtools.fake_slack import post, sign
from bot.slack.serve import EVENTS_PATH
from tests.fakes.slack import SECRET, Bot

_BASE: dict[str, Any] = {
    "user": {"id": "U1"},
    "team": {"id": "T1"},
    "api_app_id": "A1",
    "trigger_id": "1.2.3",
}
SHAPES = {
    "view-without-type": {
        **_BASE,
        "type": "view_submission",
        "view": {"id": "V1", "callback_id": "feedback_reason"},
    },
    "view-closed-without-type": {
        **_BASE,
        "type": "view_closed",
        "view": {"id": "V1", "callback_id": "feedback_reason"},
    },
    "view-callback-id-not-text": {
        **_BASE,
        "type": "view_submission",
        "view": {"id": "V1", "type": "modal", "callback_id": 7},
    },
    "view-not-an-object": {**_BASE, "type": "view_submission", "view": "V1"},
    "empty-actions": {**_BASE, "type": "block_actions", "actions": []},
    "actions-not-a-list": {**_BASE, "type": "block_actions", "actions": {"a": 1}},
    "action-not-an-object": {**_BASE, "type": "block_actions", "actions": ["share_answer"]},
    "action-without-id": {**_BASE, "type": "block_actions", "actions": [{"value": "x"}]},
    "shortcut-callback-id-not-text": {**_BASE, "type": "message_action", "callback_id": [1]},
}


@pytest.mark.parametrize("payload", SHAPES.values(), ids=SHAPES.keys())
def test_a_signed_payload_of_an_impossible_shape_gets_a_short_400(
    bot: Bot, payload: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = urllib.parse.urlencode({"payload": json.dumps(payload)})
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(SECRET, body)}
    response = post(f"{bot.url}{EVENTS_PATH}", body, headers)
    assert response.status == 400, response
    assert len(response.body) < 100
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "event",
    ["typewriter", {"type": 5}, {"text": "no type"}, ["app_mention"]],
    ids=["text", "type-not-text", "no-type", "list"],
)
def test_a_signed_event_of_an_impossible_shape_gets_a_short_400(
    bot: Bot, event: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body = json.dumps({"type": "event_callback", "team_id": "T1", "event_id": "E9", "event": event})
    headers = {"Content-Type": "application/json", **sign(SECRET, body)}
    response = post(f"{bot.url}{EVENTS_PATH}", body, headers)
    assert response.status == 400, response
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_a_well_formed_click_still_reaches_bolt(bot: Bot) -> None:
    """The check refuses impossible shapes only: a well-formed click goes on to Bolt."""
    response = bot.click({"action_id": "no_such_button", "block_id": "b", "type": "button"})
    assert response.status == 404, response  # Bolt's own answer: no listener for it, not 400
