"""What a sync tells the admin channel: one message when chapters changed ("3 chapters
updated, 1 new: …", each linked) or a site could not be synced; nothing when all was quiet."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answering.templates import Templates
from bot.slack.markup import escape
from bot.sync.report import Chapter, SyncReport

log = logging.getLogger(__name__)
MAX_LISTED = 30  # chapters named in one message; the rest are counted


def sync_message(report: SyncReport, templates: Templates) -> str | None:
    """The admin channel's message for this sync, or None when nothing is worth saying."""
    parts = []
    changed = [c for s in report.sites for c in s.changed]
    added = [c for s in report.sites for c in s.added]
    removed = [c for s in report.sites for c in s.removed]
    if changed or added or removed:
        lines = [f"• Updated: {_link(c)}" for c in changed]
        lines += [f"• New: {_link(c)}" for c in added]
        lines += [f"• Removed: {escape(c.title)}" for c in removed]
        if len(lines) > MAX_LISTED:
            lines = [*lines[:MAX_LISTED], f"… and {len(lines) - MAX_LISTED} more"]
        counts = _counts(len(changed), len(added), len(removed))
        parts.append(templates.render("sync_changed", counts=counts, chapters="\n".join(lines)))
    for site in report.failed:
        parts.append(
            templates.render(
                "sync_site_failed", site=escape(site.site), reason=escape(site.error or "")
            )
        )
    if report.rebuild_error:
        parts.append(templates.render("sync_not_rebuilt", reason=escape(report.rebuild_error)))
    return "\n\n".join(parts) or None


def post_sync_report(
    client: WebClient, channel: str | None, report: SyncReport, templates: Templates
) -> bool:
    """Post the sync's message to the admin channel; False if there was none to post, no
    channel is set, or Slack refused it (logged: the sync itself has happened)."""
    text = sync_message(report, templates)
    if text is None or not channel:
        return False
    try:
        client.chat_postMessage(channel=channel, text=text, unfurl_links=False)
    except SlackApiError as exc:
        log.warning("could not post the sync report: %s", exc.response.get("error"))
        return False
    return True


def _counts(changed: int, added: int, removed: int) -> str:
    """ "3 chapters updated, 1 new, 1 removed"; the first figure names the chapters."""
    words = [(changed, "updated"), (added, "new"), (removed, "removed")]
    shown = [(n, w) for n, w in words if n]
    out = []
    for i, (n, word) in enumerate(shown):
        noun = "chapter" if n == 1 else "chapters"
        if i:
            out.append(f"{n} {word}")
        else:
            out.append(f"{n} new {noun}" if word == "new" else f"{n} {noun} {word}")
    return ", ".join(out)


def _link(chapter: Chapter) -> str:
    url = chapter.url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C")
    return f"<{url}|{escape(chapter.title)}>"
