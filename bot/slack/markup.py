"""Slack's message markup: stripped from questions, escaped in everything the bot shows."""

from __future__ import annotations

import html
import re

_LINK = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def question_from_slack(text: str) -> str:
    """Plain words from a Slack message: mentions and special pings removed, channel names and
    link labels kept as text, entities decoded."""

    def plain(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("@", "!")):  # users, user groups, @here / @channel
            return " "
        if target.startswith("#"):
            return f"#{label}" if label else " "
        return label or target

    return " ".join(html.unescape(_LINK.sub(plain, text)).split())


def escape(text: str) -> str:
    """Show text as text in mrkdwn: &, < and > escaped as Slack asks."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
