"""An answer as it was given in Slack: what its buttons (Share, More sources, feedback) need."""

from __future__ import annotations

from dataclasses import dataclass

from bot.records import Answer


@dataclass(frozen=True)
class Given:
    """An answer as it was given: kept for its buttons, with the index version it came from."""

    answer: Answer
    index_version: str | None = None
    asker: str = ""  # the Slack user it was given to (the sharer, for a shared copy)
    public: bool = False  # posted where the channel sees it: anyone there may use its buttons
    shareable: bool = False  # its message offered 'Share in channel'

    def open_to(self, user_id: str) -> bool:
        """Whether this person may see more of it ('More sources'; feedback asks the usage
        store, which outlives this record)."""
        return self.public or user_id == self.asker
