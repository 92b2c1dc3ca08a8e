"""The small form 'Not helpful' opens, and reading what was sent back from it (pure).

The form asks why (one of FEEDBACK_REASONS) and offers a free-text box; the view carries only
the answer's id, and the free text is redacted by the personal-data guard before it is kept."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.stores.usage import FEEDBACK_REASONS, MAX_COMMENT_CHARS

FEEDBACK_VIEW = "feedback_reason"  # the modal's callback_id
REASON, COMMENT = "reason", "comment"  # block and action ids of its two inputs
_ANSWER_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True)
class Reason:
    """What someone sent from the form: the answer, why it did not help, their words."""

    answer_id: str
    reason: str
    comment: str


def reason_view(answer_id: str) -> dict[str, Any]:
    """The modal asking why an answer was not helpful."""
    options = [{"text": _plain(label), "value": code} for code, label in FEEDBACK_REASONS.items()]
    return {
        "type": "modal",
        "callback_id": FEEDBACK_VIEW,
        "private_metadata": answer_id,
        "title": _plain("Not helpful?"),
        "submit": _plain("Send"),
        "close": _plain("Cancel"),
        "blocks": [
            {
                "type": "input",
                "block_id": REASON,
                "label": _plain("What was wrong with the answer?"),
                "element": {"type": "radio_buttons", "action_id": REASON, "options": options},
            },
            {
                "type": "input",
                "block_id": COMMENT,
                "optional": True,
                "label": _plain("Anything else? (optional)"),
                "hint": _plain(
                    "Please leave out names and other details of children and families."
                ),
                "element": {
                    "type": "plain_text_input",
                    "action_id": COMMENT,
                    "multiline": True,
                    "max_length": MAX_COMMENT_CHARS,
                },
            },
        ],
    }


def read_reason(view: dict[str, Any]) -> Reason | None:
    """The reason sent from the form, or None if the view is not one this bot made."""
    answer_id = str(view.get("private_metadata") or "")
    values = (view.get("state") or {}).get("values") or {}
    try:
        reason = values[REASON][REASON]["selected_option"]["value"]
    except (KeyError, TypeError):
        return None
    comment = ((values.get(COMMENT) or {}).get(COMMENT) or {}).get("value") or ""
    if not _ANSWER_ID.fullmatch(answer_id) or reason not in FEEDBACK_REASONS:
        return None
    # Cut before the guard reads it, so its work is bounded whatever arrives.
    return Reason(answer_id, reason, str(comment)[:MAX_COMMENT_CHARS])


def _plain(text: str) -> dict[str, str]:
    return {"type": "plain_text", "text": text}
