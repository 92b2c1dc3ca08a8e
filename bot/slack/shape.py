"""The parts of a Slack payload that Bolt reads without checking: a signed body without them
would fail inside Bolt's dispatch with a traceback and an HTTP 500, so it is refused first
with the short 400 every other malformed body gets. Slack always sends them in this shape."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def shape_problem(body: Mapping[str, Any]) -> str | None:
    """What is wrong with a parsed payload's shape, naming only the field; None if nothing."""
    if "event" in body and not _typed(body["event"]):
        return "event without a type"
    if "view" in body:
        view = body["view"]
        if not _typed(view):
            return "view without a type"
        if not isinstance(view.get("callback_id", ""), str):
            return "view callback_id is not text"
    if not isinstance(body.get("callback_id", ""), str):
        return "callback_id is not text"
    if "actions" in body:
        actions = body["actions"]
        if not isinstance(actions, list) or not actions:
            return "actions is not a list of actions"
        if not all(isinstance(a, dict) for a in actions):
            return "an action is not an object"
        if body.get("type") == "block_actions" and not all(
            isinstance(a.get("action_id"), str) for a in actions
        ):
            return "a block action without an action_id"
    return None


def _typed(part: object) -> bool:
    """An object with a text `type`, as Slack sends every event and view."""
    return isinstance(part, dict) and isinstance(part.get("type"), str)
