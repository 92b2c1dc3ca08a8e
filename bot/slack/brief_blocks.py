"""The manager's brief as Block Kit: pure functions, inside Slack's limits, text escaped."""

from __future__ import annotations

from bot.answering.brief import Brief, BriefGroup, BriefItem
from bot.slack.blocks import MAX_FALLBACK_CHARS, Block, clip, context, link, section, within_limits
from bot.slack.markup import escape

SHARE_BRIEF = "share_brief"  # the action id the /brief listener registers for


def brief_message(
    brief: Brief, *, brief_id: str | None, shared_by: str | None = None
) -> tuple[str, list[Block]]:
    """(fallback text, blocks): three headed lists, each item quoted with its citation. With a
    `brief_id`, a button to share it, whose value is that id alone: the topic never goes into
    a value, where it would travel with the shared message. `shared_by` (mrkdwn) heads a copy
    posted in a channel, which names no topic and carries no personal-data note: the topic is
    the asker's words, and the guard that redacts it can miss a detail."""
    blocks: list[Block] = [context(shared_by)] if shared_by else []
    if shared_by is None and brief.privacy_note:
        blocks.append(context(escape(brief.privacy_note)))
    topic = None if shared_by else brief.topic
    blocks.append(section(f"*{_title(topic)}*"))
    for group in brief.groups():
        blocks += [{"type": "divider"}, section(f"*{escape(group.heading)}*")]
        if not group.items:
            blocks.append(context(escape(group.none)))
        for item in group.items:
            blocks += [section(f"• {escape(item.text)}"), context(citation(item, group))]
    if brief_id:
        button = {
            "type": "button",
            "text": {"type": "plain_text", "text": "Share in channel"},
            "action_id": SHARE_BRIEF,
            "value": brief_id,
            "style": "primary",
        }
        tail = [{"type": "actions", "block_id": f"brief:{brief_id}", "elements": [button]}]
        return _fallback(brief, topic), within_limits(blocks, tail=tail)
    return _fallback(brief, topic), within_limits(blocks)


def plain_message(text: str) -> tuple[str, list[Block]]:
    """A one-section message (the not-found answer, help), escaped."""
    safe = escape(text)
    return clip(safe, MAX_FALLBACK_CHARS), [section(safe)]


def citation(item: BriefItem, group: BriefGroup) -> str:
    """title — section · date · link, or the path when the document has no address."""
    facts = [f"*{escape(item.title)}* — {escape(item.section)}"]
    if when := group.dated(item):
        facts.append(escape(when))
    facts.append(link(item.url) if item.url else f"`{escape(item.source)}`")
    return " · ".join(facts)


def _title(topic: str | None) -> str:
    return f"Brief: {escape(topic)}" if topic else "Brief"


def _fallback(brief: Brief, topic: str | None) -> str:
    counts = (
        f"{len(brief.expectations)} expected, {len(brief.findings)} found, "
        f"{len(brief.improvement_areas)} to improve"
    )
    return clip(f"{_title(topic)} ({counts})", MAX_FALLBACK_CHARS)
