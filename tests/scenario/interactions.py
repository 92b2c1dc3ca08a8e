"""What the Slack scenario tests press beyond plain buttons: Slack's feedback buttons (a
context_actions block) and the answer id in a message's footer."""

from __future__ import annotations

import re
from typing import Any

from bot.slack.blocks import FEEDBACK


def feedback_press(blocks: list[dict[str, Any]], *, helpful: bool) -> dict[str, Any]:
    """The block action Slack sends when someone presses thumbs up (or down) on an answer."""
    (element,) = [
        e
        for b in blocks
        if b["type"] == "context_actions"
        for e in b["elements"]
        if e["action_id"] == FEEDBACK
    ]
    pressed = element["positive_button" if helpful else "negative_button"]
    return {
        "action_id": FEEDBACK,
        "block_id": "feedback",
        "type": "feedback_buttons",
        "value": pressed["value"],
        "text": pressed["text"],
    }


def feedback_values(blocks: list[dict[str, Any]]) -> list[str]:
    return [
        e[side]["value"]
        for b in blocks
        if b["type"] == "context_actions"
        for e in b["elements"]
        for side in ("positive_button", "negative_button")
    ]


def answer_id(blocks: list[dict[str, Any]]) -> str:
    """The id in an answer's footer ("Answer id: `…`")."""
    found = re.search(r"Answer id: `([0-9a-f]{32})`", str(blocks))
    assert found, "no answer id in the message"
    return found.group(1)
