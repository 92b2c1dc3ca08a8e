"""The manager's brief as Block Kit: pure functions, inside Slack's limits, text escaped."""

from __future__ import annotations

from bot.answering.brief import Brief, BriefGroup, BriefItem
from bot.slack.blocks import MAX_BLOCKS, MAX_FALLBACK_CHARS, MAX_SECTION_CHARS, Block
from bot.slack.markup import escape

SHARE_BRIEF = "share_brief"  # the action id the /brief listener registers for


def brief_message(
    brief: Brief, *, brief_id: str | None, shared_by: str | None = None
) -> tuple[str, list[Block]]:
    """(fallback text, blocks): three headed lists, each item quoted with its citation. With a
    `brief_id`, a button to share it, whose value is that id alone: the topic never goes into
    a value, where it would travel with the shared message. `shared_by` (mrkdwn) heads a copy
    posted in a channel."""
    blocks: list[Block] = [_context(shared_by)] if shared_by else []
    blocks.append(_section(f"*Brief: {escape(brief.topic)}*"))
    for group in brief.groups():
        blocks += [{"type": "divider"}, _section(f"*{escape(group.heading)}*")]
        if not group.items:
            blocks.append(_context(escape(group.none)))
        for item in group.items:
            blocks += [_section(f"• {escape(item.text)}"), _context(citation(item, group))]
    if brief_id:
        button = {
            "type": "button",
            "text": {"type": "plain_text", "text": "Share in channel"},
            "action_id": SHARE_BRIEF,
            "value": brief_id,
            "style": "primary",
        }
        blocks.append({"type": "actions", "block_id": f"brief:{brief_id}", "elements": [button]})
    return _fallback(brief), _within_limits(blocks, keep_last=bool(brief_id))


def plain_message(text: str) -> tuple[str, list[Block]]:
    """A one-section message (the not-found answer, help), escaped."""
    safe = escape(text)
    return _clip(safe, MAX_FALLBACK_CHARS), [_section(safe)]


def citation(item: BriefItem, group: BriefGroup) -> str:
    """title — section · date · link, or the path when the document has no address."""
    facts = [f"*{escape(item.title)}* — {escape(item.section)}"]
    if when := group.dated(item):
        facts.append(escape(when))
    facts.append(_link(item.url) if item.url else f"`{escape(item.source)}`")
    return " · ".join(facts)


def _fallback(brief: Brief) -> str:
    counts = (
        f"{len(brief.expectations)} expected, {len(brief.findings)} found, "
        f"{len(brief.improvement_areas)} to improve"
    )
    return _clip(f"Brief: {escape(brief.topic)} ({counts})", MAX_FALLBACK_CHARS)


def _link(url: str) -> str:
    # Characters that would break Slack's link markup are escaped; the address came from a
    # document's metadata, not from Slack.
    safe = url.replace("&", "&amp;").replace("<", "%3C").replace(">", "%3E").replace("|", "%7C")
    return f"<{safe}|Open the document>"


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _clip(text, MAX_SECTION_CHARS)}}


def _context(text: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": _clip(text, MAX_SECTION_CHARS)}],
    }


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]  # never end inside an escape such as &amp;
    return cut + "…"


def _within_limits(blocks: list[Block], *, keep_last: bool) -> list[Block]:
    """At most MAX_BLOCKS blocks; the buttons, when there are any, are kept."""
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    if keep_last:
        return [*blocks[: MAX_BLOCKS - 1], blocks[-1]]
    return blocks[:MAX_BLOCKS]
